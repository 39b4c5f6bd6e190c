# La página de registro: un hogar en un solo formulario, con la búsqueda de duplicados antes de guardar.

reg-title = Registrar un hogar
reg-intro = Complete los datos del solicitante principal y de cada dependiente; deje vacíos los bloques que no necesite. No se guarda nada hasta que el formulario esté completo y se haya hecho la búsqueda de duplicados.
reg-errors = { $count ->
    [one] Hay 1 problema en este formulario
   *[other] Hay { $count } problemas en este formulario
}
reg-nothing-saved = No se guardó nada. Corrija los campos de abajo y envíe de nuevo.
reg-candidates-found = { $count ->
    [one] 1 persona ya registrada podría ser alguien de este formulario
   *[other] { $count } personas ya registradas podrían ser personas de este formulario
}
reg-candidates-help = Todavía no se ha guardado nada. Revise cada posible duplicado debajo del miembro al que se refiere. Si es la misma persona, vaya al registro existente; si no, guarde un hogar nuevo.
reg-operation = Operación
reg-arrival-date = Fecha de llegada
reg-arrival-hint = Año, mes y día, p. ej. 2024-03-17
reg-principal-applicant = Solicitante principal
reg-member-n = Miembro { $n }
reg-member = Miembro
reg-dependant-hint = Deje este bloque vacío si el hogar no tiene más miembros.
reg-relationship-to-pa = Parentesco con el solicitante principal
reg-choose = — elegir —
reg-given-name = Nombre(s)
reg-latin-hint = En letras latinas
reg-family-name = Apellido
reg-given-name-original = Nombre(s) en la escritura original
reg-original-hint = Como lo escribe la persona (árabe, hangul, chino, birmano, ge'ez…)
reg-family-name-original = Apellido en la escritura original
reg-dob-hint = Indique solo el año, el año y el mes, o la fecha completa.
reg-year = Año
reg-month = Mes
reg-day = Día
reg-unknown = desconocido
reg-citizenship-hint = Códigos ISO de tres letras, p. ej. SYR, o SYR;TUR para dos; déjelo vacío si aún no se ha determinado
reg-stateless = Apátrida
reg-country-of-birth = País de nacimiento
reg-iso3-hint = Código ISO de tres letras, p. ej. AFG
reg-languages-hint = Códigos ISO 639, el preferido primero, p. ej. ar, ku
reg-documents = Documentos de identidad
reg-doc-kind = Documento { $n }: tipo
reg-doc-number = Número
reg-doc-country = País emisor
reg-needs-hint = Códigos de necesidades específicas del ACNUR. Las necesidades marcadas como «restringida» se refieren a la salud, la violencia o la tortura y solo se muestran a los roles autorizados.
reg-sensitive = restringida
reg-candidates-for = { $count ->
    [one] Posible duplicado de esta persona
   *[other] { $count } posibles duplicados de esta persona
}
reg-go-to-existing = Es la misma persona: ir al registro existente
reg-save-anyway-help = Si ninguno de los posibles duplicados es la misma persona, guarde el hogar como nuevo. Los posibles duplicados quedan pendientes de revisión y el registro indica que usted los vio.
reg-check-again = Comprobar de nuevo
reg-save-anyway = Guardar de todos modos como hogar nuevo
reg-check-and-save = Buscar duplicados y guardar
reg-more-rows = Añadir más bloques de miembros

regdoc-passport = Pasaporte
regdoc-national_id = Documento nacional de identidad
regdoc-birth_certificate = Partida de nacimiento
regdoc-marriage_certificate = Certificado de matrimonio
regdoc-family_book = Libro de familia
regdoc-refugee_certificate = Certificado de refugiado
regdoc-asylum_seeker_certificate = Certificado de solicitante de asilo
regdoc-travel_document = Documento de viaje
regdoc-other = Otro documento

regerr-required = Este campo es obligatorio.
regerr-empty-name = Escriba el nombre o deje el campo vacío.
regerr-name-too-long = Este nombre es demasiado largo.
regerr-invalid-name-character = Un nombre solo puede contener letras de cualquier escritura, espacios, guiones, apóstrofos y puntos.
regerr-not-latin-script = Escriba este nombre en letras latinas; ponga el nombre en su escritura original en el campo correspondiente.
regerr-name-without-letters = Un nombre debe contener letras.
regerr-invalid-sex = Elija femenino, masculino, otro o desconocido.
regerr-invalid-date = No es una fecha: indique un año de cuatro cifras y el mes y el día si se conocen.
regerr-impossible-date = Esta fecha no existe en el calendario.
regerr-date-out-of-range = El año debe estar entre 1880 y 2200.
regerr-date-in-future = Esta fecha está en el futuro.
regerr-invalid-country = Use un código de país ISO de tres letras, p. ej. SYR, AFG, SSD.
regerr-unknown-country = No es un código de país ISO; compruébelo (p. ej. SYR para Siria, MMR para Myanmar).
regerr-invalid-language = Use códigos de idioma ISO 639 de dos o tres letras, p. ej. ar, prs, rhg.
regerr-invalid-document-kind = Elija un tipo de documento de la lista.
regerr-invalid-document-number = Un número de documento tiene de 1 a 40 letras, cifras, «-», «/» o «.».
regerr-invalid-specific-need = No es un código de necesidad específica del ACNUR.
regerr-invalid-relationship = Elija de la lista el parentesco con el solicitante principal.
regerr-principal-applicant = Un hogar tiene exactamente un solicitante principal.
regerr-text-too-long = Este texto es demasiado largo.
regerr-invalid-text-character = Este texto contiene un carácter que no se acepta aquí; escriba texto simple.
regerr-empty-text = Escriba el texto o deje el campo vacío.
regerr-dob-year-required = Indique el año de nacimiento o deje toda la fecha vacía.
regerr-dob-month-required = Indique también el mes o deje el día vacío.
regerr-stateless-and-country = Indique una nacionalidad o marque «apátrida», no ambas cosas.
regerr-no-operation = No trabaja en ninguna operación en la que pueda registrar; consulte a su administrador.

need-CR = Niño o niña en riesgo
need-CR-CP = Niño o niña con hijos
need-CR-CS = Niño o niña casado
need-CR-CC = Niño o niña cuidador
need-CR-TP = Embarazo adolescente
need-CR-LW = Niño o niña en las peores formas de trabajo infantil
need-CR-AF = Niño o niña vinculado a fuerzas o grupos armados
need-CR-CL = Niño o niña en conflicto con la ley
need-CR-NE = Niño o niña sin escolarizar
need-UC = Niño o niña no acompañado o separado
need-UC-UM = Menor no acompañado
need-UC-US = Niño o niña separado
need-WR = Mujer en riesgo
need-WR-SF = Mujer sola en riesgo
need-WR-LC = Mujer lactante
need-WR-PY = Mujer embarazada
need-ER = Persona mayor en riesgo
need-ER-NF = Persona mayor que no puede valerse por sí misma
need-SP = Madre, padre o cuidador solo
need-DS = Discapacidad
need-DS-PM = Discapacidad física – moderada
need-DS-PS = Discapacidad física – grave
need-DS-MM = Discapacidad mental – moderada
need-DS-MS = Discapacidad mental – grave
need-DS-BD = Discapacidad visual
need-DS-DF = Discapacidad auditiva
need-SM = Afección médica grave
need-SM-CI = Enfermedad crónica
need-SM-MI = Enfermedad mental
need-SV = Violencia sexual y de género
need-TR = Tortura
need-TR-PI = Secuelas psicológicas o físicas de la tortura
need-TR-HO = Encarcelamiento y tortura en el país de origen
need-LP = Necesidades específicas de protección jurídica y física
need-LP-ND = Sin documentación legal
need-LP-AN = Violencia, abuso o negligencia
need-LP-MS = Marginado por la sociedad o la comunidad
need-LP-DT = Detenido en el país de asilo
need-LP-RR = En riesgo de devolución
need-FU = Unidad familiar
need-FU-TR = Se requiere búsqueda de familiares
need-FU-FR = Se requiere reunificación familiar
