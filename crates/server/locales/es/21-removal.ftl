# Expulsiones: solicitudes y veredicto del control de no devolución para cada persona.

removals-title = Expulsiones
removals-intro = Cada persona nombrada es evaluada individualmente por el control de no devolución. No hay decisión colectiva ni excepción: una persona denegada sigue denegada, con el motivo.
removals-request = Solicitar una expulsión
removals-request-legend = La expulsión y las personas afectadas
removals-operation = Operación
removals-kind = Tipo
removals-destination = Destino
removals-persons = Personas
removals-persons-hint = Una entrada por línea: el identificador de una persona, o un número de caso (entonces cada miembro del hogar se nombra y evalúa individualmente).
removals-reason = Motivo de la solicitud de expulsión
removals-submit = Consultar el control
removals-requests = Solicitudes
removals-show-open = Mostrar solo las solicitudes no ejecutadas
removals-show-all = Mostrar todas las solicitudes
removals-found = { $count ->
    [one] 1 solicitud.
   *[other] { $count } solicitudes.
}
removals-when = Solicitada
removals-persons-count = Personas
removals-refused-count = Denegadas
removals-status = Estado
removals-requested-by = Solicitada por

removal-title = Solicitud de expulsión
removal-individual = El control evaluó a cada persona según sus propias circunstancias: examen individual, solicitud y apelación, condición, riesgos en el destino, identidad y nacionalidad.
removal-summary = Autorizadas: { $allowed } · Denegadas: { $refused }
removal-verdicts = El veredicto del control para cada persona
removal-person = Persona
removal-allowed = expulsión autorizada
removal-refused = expulsión denegada
removal-removed = expulsada
removal-evaluated-at = Evaluada el { $when }.
removal-execution = En la ejecución
removal-execution-note = Cada persona fue evaluada de nuevo al ejecutar la expulsión; solo se ejecutó para las autorizadas en ese momento.
removal-execute = Ejecutar para las personas autorizadas
removal-execute-hint = El control evalúa de nuevo a cada persona ahora; la expulsión solo se ejecuta para las que autorice en este momento.
removal-back = Volver a las expulsiones
removal-line = { $kind } a { $destination }
removal-tally = { $persons } personas nombradas · { $refused } denegadas
removal-name-persons = Nombre al menos a una persona: cada una se evalúa individualmente.
removal-unknown-persons = No es un identificador de persona ni un número de caso que usted conozca: { $entries }
removal-case-number-needs-registry = Su función no consulta el registro: nombre a las personas por su identificador.

removal-kind-removal = expulsión
removal-kind-deportation = deportación
removal-kind-extradition = extradición
removal-kind-transfer = traslado a otro Estado
removal-status-evaluated = evaluada, no ejecutada
removal-status-executed = ejecutada

refusal-no_protection_record = Sin expediente de protección
refusal-not_in_request = No nombrada en la solicitud
refusal-not_individually_screened = Sin examen individual
refusal-no_status_determination = Necesidades de protección señaladas, sin determinación de la condición
refusal-claim_pending = Solicitud o apelación pendiente (efecto suspensivo)
refusal-reopening_possible = Expediente cerrado que aún puede reabrirse
refusal-closed_as_duplicate = Expediente cerrado por duplicado
refusal-recognised_refugee = Refugiado reconocido (art. 33(1))
refusal-complementary_protection = Beneficiario de protección complementaria
refusal-torture_risk = Riesgo de tortura o malos tratos (prohibición absoluta)
refusal-return_to_country_of_origin = Retorno al país del que huyó
refusal-chain_refoulement_risk = Riesgo de devolución en cadena
refusal-identity_not_established = Identidad no establecida
refusal-nationality_unknown = Nacionalidad no establecida
refusal-missing_informed_consent = Sin consentimiento informado
refusal-consent_not_given_by_the_person = Consentimiento no dado por la persona
refusal-not_informed_of_conditions = No informada de las condiciones del retorno
refusal-missing_voluntariness_interview = Sin entrevista sobre la voluntariedad
refusal-voluntariness_not_established = Voluntariedad no establecida
refusal-child_without_guardian_consent = Niño sin el consentimiento del tutor
refusal-child_best_interests_not_assessed = Interés superior del niño no evaluado
refusal-record_dated_in_future = Registro con fecha futura
