# The registration page: a household in one form, with the duplicate check before saving.

reg-title = Register a household
reg-intro = Fill in the principal applicant and each dependant; leave the blocks you do not need empty. Nothing is saved until the form is complete and the duplicate check has run.
reg-errors = { $count ->
    [one] There is 1 problem with this form
   *[other] There are { $count } problems with this form
}
reg-nothing-saved = Nothing was saved. Correct the fields below and submit again.
reg-candidates-found = { $count ->
    [one] 1 person already registered may be the same as someone on this form
   *[other] { $count } persons already registered may be the same as people on this form
}
reg-candidates-help = Nothing is saved yet. Look at each possible duplicate below the member it concerns. If it is the same person, go to the existing record instead; if not, save as a new household.
reg-operation = Operation
reg-arrival-date = Date of arrival
reg-arrival-hint = Year, month and day, e.g. 2024-03-17
reg-principal-applicant = Principal applicant
reg-member-n = Member { $n }
reg-member = Member
reg-dependant-hint = Leave this block empty if the household has no further member.
reg-relationship-to-pa = Relationship to the principal applicant
reg-choose = — choose —
reg-given-name = Given name(s)
reg-latin-hint = In Latin letters
reg-family-name = Family name
reg-given-name-original = Given name(s) in the original script
reg-original-hint = As the person writes it (Arabic, Hangul, Chinese, Burmese, Ge'ez, …)
reg-family-name-original = Family name in the original script
reg-dob-hint = Give the year alone, the year and month, or the full date.
reg-year = Year
reg-month = Month
reg-day = Day
reg-unknown = not known
reg-citizenship-hint = Three-letter ISO codes, e.g. SYR, or SYR;TUR for two; leave empty if not yet established
reg-stateless = Stateless
reg-country-of-birth = Country of birth
reg-iso3-hint = Three-letter ISO code, e.g. AFG
reg-languages-hint = ISO 639 codes, the preferred first, e.g. ar, ku
reg-documents = Identity documents
reg-doc-kind = Document { $n }: kind
reg-doc-number = Number
reg-doc-country = Issuing country
reg-needs-hint = UNHCR specific-needs codes. Needs marked "restricted" concern health, violence or torture and are shown only to roles allowed to see them.
reg-sensitive = restricted
reg-candidates-for = { $count ->
    [one] Possible duplicate of this person
   *[other] { $count } possible duplicates of this person
}
reg-go-to-existing = This is the same person: go to the existing record
reg-save-anyway-help = If none of the possible duplicates is the same person, save the household as new. The possible duplicates are kept for review, and the record notes that you saw them.
reg-check-again = Check again
reg-save-anyway = Save as a new household anyway
reg-check-and-save = Check for duplicates and save
reg-more-rows = Add more member blocks

regdoc-passport = Passport
regdoc-national_id = National identity card
regdoc-birth_certificate = Birth certificate
regdoc-marriage_certificate = Marriage certificate
regdoc-family_book = Family booklet
regdoc-refugee_certificate = Refugee certificate
regdoc-asylum_seeker_certificate = Asylum-seeker certificate
regdoc-travel_document = Travel document
regdoc-other = Other document

regerr-required = This field is required.
regerr-empty-name = Write the name, or leave the field empty.
regerr-name-too-long = This name is too long.
regerr-invalid-name-character = A name may hold letters of any script, spaces, hyphens, apostrophes and full stops only.
regerr-not-latin-script = Write this name in Latin letters; put the name in its own script in the original-script field.
regerr-name-without-letters = A name must contain letters.
regerr-invalid-sex = Choose female, male, other or unknown.
regerr-invalid-date = This is not a date: give a four-digit year, and a month and day if known.
regerr-impossible-date = This date does not exist in the calendar.
regerr-date-out-of-range = The year must lie between 1880 and 2200.
regerr-date-in-future = This date is in the future.
regerr-invalid-country = Use a three-letter ISO country code, e.g. SYR, AFG, SSD.
regerr-unknown-country = This is not an ISO country code; check it (e.g. SYR for Syria, MMR for Myanmar).
regerr-invalid-language = Use ISO 639 language codes of two or three letters, e.g. ar, prs, rhg.
regerr-invalid-document-kind = Choose a kind of document from the list.
regerr-invalid-document-number = A document number has 1 to 40 letters, digits, "-", "/" or ".".
regerr-invalid-specific-need = This is not a UNHCR specific-needs code.
regerr-invalid-relationship = Choose the relationship to the principal applicant from the list.
regerr-principal-applicant = A household has exactly one principal applicant.
regerr-text-too-long = This text is too long.
regerr-invalid-text-character = This text holds a character that is not accepted here; write plain text.
regerr-empty-text = Write the text, or leave the field empty.
regerr-dob-year-required = Give the year of birth, or leave the whole date empty.
regerr-dob-month-required = Give the month too, or leave the day empty.
regerr-stateless-and-country = Either give a citizenship or tick "stateless", not both.
regerr-no-operation = You work in no operation in which you may register; ask your administrator.

need-CR = Child at risk
need-CR-CP = Child parent
need-CR-CS = Child spouse
need-CR-CC = Child carer
need-CR-TP = Teenage pregnancy
need-CR-LW = Child engaged in worst forms of child labour
need-CR-AF = Child associated with armed forces or groups
need-CR-CL = Child in conflict with the law
need-CR-NE = Child not attending school
need-UC = Unaccompanied or separated child
need-UC-UM = Unaccompanied minor
need-UC-US = Separated child
need-WR = Woman at risk
need-WR-SF = Single woman at risk
need-WR-LC = Lactating woman
need-WR-PY = Pregnant woman
need-ER = Older person at risk
need-ER-NF = Older person unable to care for self
need-SP = Single parent or caregiver
need-DS = Disability
need-DS-PM = Physical disability – moderate
need-DS-PS = Physical disability – severe
need-DS-MM = Mental disability – moderate
need-DS-MS = Mental disability – severe
need-DS-BD = Visual impairment
need-DS-DF = Hearing impairment
need-SM = Serious medical condition
need-SM-CI = Chronic illness
need-SM-MI = Mental illness
need-SV = Sexual and gender-based violence
need-TR = Torture
need-TR-PI = Psychological or physical impairment due to torture
need-TR-HO = Imprisonment and torture in country of origin
need-LP = Specific legal and physical protection needs
need-LP-ND = No legal documentation
need-LP-AN = Violence, abuse or neglect
need-LP-MS = Marginalised from society or community
need-LP-DT = Detained or held in country of asylum
need-LP-RR = At risk of refoulement
need-FU = Family unity
need-FU-TR = Tracing required
need-FU-FR = Family reunification required
