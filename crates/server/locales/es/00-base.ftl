skip-to-content = Ir al contenido
search-by-name = Buscar por nombre
name-any-script = Nombre, en cualquier escritura
search = Buscar
sign-out = Cerrar sesión
footer = Nansen — registro y protección de personas refugiadas. Cada cambio se conserva en el historial del expediente.
language = Idioma
nav-home = Inicio
nav-search = Buscar una persona
nav-statistics = Estadísticas
nav-register = Registrar un hogar
nav-claims = Solicitudes
nav-duplicates = Posibles duplicados
nav-removals = Expulsiones
main-navigation = Navegación principal

sign-in = Iniciar sesión
sign-in-title = Iniciar sesión
user-name = Nombre de usuario
password = Contraseña
totp-code = Código de su aplicación de autenticación (si usa una)
sign-in-note = Nansen guarda los expedientes de personas que huyeron de la persecución. Cada inicio de sesión y cada consulta de expediente quedan registrados.

error-title = Error { $status }
back-to-start = Volver a la página de inicio

operations = Operaciones
no-operation = Todavía no hay operaciones. Cree una mediante la API o inicie la demostración con «nansen demo».
op-code = Código
op-name = Nombre
country-of-asylum = País de asilo
households = Hogares
persons = Personas
find-a-person = Buscar una persona

search-name-label = Nombre (cualquier escritura; no importan tildes ni mayúsculas)
case-number = Número de expediente
document-number = Número de documento
found = { $count ->
    [one] 1 persona encontrada.
   *[other] { $count } personas encontradas.
}
previous = Anterior
next = Siguiente

name-latin = Nombre (latino)
name-own-script = Nombre (escritura propia)
sex = Sexo
born = Nacimiento
citizenship = Nacionalidad
relationship = Parentesco

relationship-label = Parentesco
date-of-birth = Fecha de nacimiento
place-of-birth = Lugar de nacimiento
languages = Idiomas
record-version = Versión del expediente
documents = Documentos
none-recorded = Nada registrado.
specific-needs = Necesidades específicas
restricted-needs = { $count ->
    [one] Hay otra necesidad registrada relativa a salud, violencia o tortura; su función no la muestra.
   *[other] Hay { $count } necesidades más registradas relativas a salud, violencia o tortura; su función no las muestra.
}
household = Hogar
household-title = Hogar { $case }
arrival = Llegada
address = Dirección
identifier = Identificador
members = Miembros

history = Historial
by-actor = por { $actor }
changed = cambios: { $fields }
reason = Motivo:

sex-F = mujer
sex-M = hombre
sex-X = otro
sex-U = desconocido

date-full = { $day } de { $month } de { $year }
date-month = { $month } de { $year }
date-year = { $year }
month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre

statistics = Estadísticas

rel-PA = solicitante principal
rel-SPS = cónyuge o pareja
rel-CHD = hijo o hija
rel-STC = hijastro o hijastra
rel-PAR = padre o madre
rel-SIB = hermano o hermana
rel-GCH = nieto o nieta
rel-GPA = abuelo o abuela
rel-REL = otro familiar
rel-NRL = sin parentesco

# Asignación de casos (página del hogar)
assign-title = Asignado a
assign-help = El personal cuya cuenta se limita a los casos asignados solo ve este caso mientras le esté asignado. Indique un motivo: se conserva con la asignación y en el registro de accesos.
assign-none = No está asignado a nadie.
assign-user = Miembro del personal (nombre de usuario)
assign-since = Desde
assign-reason = Motivo
assign-end = Terminar la asignación
assign-end-reason = Motivo del fin
assign-submit = Asignar
