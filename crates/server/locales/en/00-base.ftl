# The frame of every page, sign-in, search, person and household pages, dates.

skip-to-content = Skip to content
search-by-name = Search by name
name-any-script = Name, in any script
search = Search
sign-out = Sign out
footer = Nansen — refugee registration and protection. Every change is kept in the record's history.
language = Language
nav-home = Home
nav-search = Find a person
nav-statistics = Statistics
nav-register = Register a household
nav-claims = Claims
nav-duplicates = Possible duplicates
nav-removals = Removals
main-navigation = Main navigation

sign-in = Sign in
sign-in-title = Sign in
user-name = User name
password = Password
totp-code = Code from your authenticator app (if you use one)
sign-in-note = Nansen keeps the records of people who fled persecution. Every sign-in and every record read is logged.

error-title = Error { $status }
back-to-start = Back to the start page

operations = Operations
no-operation = No operation yet. Create one with the API, or start the demo with "nansen demo".
op-code = Code
op-name = Name
country-of-asylum = Country of asylum
households = Households
persons = Persons
find-a-person = Find a person

search-name-label = Name (any script; accents and case do not matter)
case-number = Case number
document-number = Document number
found = { $count ->
    [one] 1 person found.
   *[other] { $count } persons found.
}
previous = Previous
next = Next

name-latin = Name (Latin)
name-own-script = Name (own script)
sex = Sex
born = Born
citizenship = Citizenship
relationship = Relationship

relationship-label = Relationship
date-of-birth = Date of birth
place-of-birth = Place of birth
languages = Languages
record-version = Record version
documents = Documents
none-recorded = None recorded.
specific-needs = Specific needs
restricted-needs = { $count ->
    [one] One more need concerning health, violence or torture is recorded; your role does not show it.
   *[other] { $count } more needs concerning health, violence or torture are recorded; your role does not show them.
}
household = Household
household-title = Household { $case }
arrival = Arrival
address = Address
identifier = Identifier
members = Members

history = History
by-actor = by { $actor }
changed = changed: { $fields }
reason = Reason:

sex-F = female
sex-M = male
sex-X = other
sex-U = unknown

date-full = { $day } { $month } { $year }
date-month = { $month } { $year }
date-year = { $year }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

statistics = Statistics

rel-PA = principal applicant
rel-SPS = spouse or partner
rel-CHD = child
rel-STC = stepchild
rel-PAR = parent
rel-SIB = sibling
rel-GCH = grandchild
rel-GPA = grandparent
rel-REL = other relative
rel-NRL = not related

# Case assignment (household page)
assign-title = Assigned to
assign-help = Staff whose account is limited to assigned cases see this case only while it is assigned to them. Give a reason: it is kept with the assignment and in the access log.
assign-none = Not assigned to anyone.
assign-user = Staff member (sign-in name)
assign-since = Since
assign-reason = Reason
assign-end = End the assignment
assign-end-reason = Why it ends
assign-submit = Assign
