# Removals: requests, and the non-refoulement guard's verdict for each person.

removals-title = Removals
removals-intro = Every person named is evaluated individually by the non-refoulement guard. There is no decision for a group and no override: a person refused stays refused, with the reason.
removals-request = Request a removal
removals-request-legend = The removal and the persons it concerns
removals-operation = Operation
removals-kind = Kind
removals-destination = Destination
removals-persons = Persons
removals-persons-hint = One entry per line: a person's identifier, or a case number (every member of the household is then named and evaluated individually).
removals-reason = Why the removal is requested
removals-submit = Ask the guard
removals-requests = Requests
removals-show-open = Show only requests not executed
removals-show-all = Show all requests
removals-found = { $count ->
    [one] 1 request.
   *[other] { $count } requests.
}
removals-when = Requested
removals-persons-count = Persons
removals-refused-count = Refused
removals-status = Status
removals-requested-by = Requested by

removal-title = Removal request
removal-individual = The guard evaluated each person on their own facts: screening, claim and appeal, status, risks in the destination, identity and nationality.
removal-summary = Allowed: { $allowed } · Refused: { $refused }
removal-verdicts = The guard's verdict for each person
removal-person = Person
removal-allowed = removal allowed
removal-refused = removal refused
removal-removed = removed
removal-evaluated-at = Evaluated on { $when }.
removal-execution = At execution
removal-execution-note = Each person was evaluated again when the removal was executed; it was carried out only for those allowed then.
removal-execute = Execute for the persons allowed
removal-execute-hint = The guard evaluates every person again now; the removal is carried out only for those it allows at this moment.
removal-back = Back to the removals
removal-line = { $kind } to { $destination }
removal-tally = { $persons } persons named · { $refused } refused
removal-name-persons = Name at least one person: each is evaluated individually.
removal-unknown-persons = Not a person identifier or a case number known to you: { $entries }
removal-case-number-needs-registry = Your role does not read the registry: name persons by their identifiers.

removal-kind-removal = removal
removal-kind-deportation = deportation
removal-kind-extradition = extradition
removal-kind-transfer = transfer to another State
removal-status-evaluated = evaluated, not executed
removal-status-executed = executed

refusal-no_protection_record = No protection record
refusal-not_in_request = Not named in the request
refusal-not_individually_screened = Not individually screened
refusal-no_status_determination = Protection needs indicated, no status determination
refusal-claim_pending = Claim or appeal pending (suspensive effect)
refusal-reopening_possible = Closed file that may still be reopened
refusal-closed_as_duplicate = File closed as a duplicate
refusal-recognised_refugee = Recognised refugee (Art. 33(1))
refusal-complementary_protection = Beneficiary of complementary protection
refusal-torture_risk = Risk of torture or ill-treatment (absolute bar)
refusal-return_to_country_of_origin = Return to the country fled
refusal-chain_refoulement_risk = Risk of onward (chain) refoulement
refusal-identity_not_established = Identity not established
refusal-nationality_unknown = Nationality not established
refusal-missing_informed_consent = No informed consent
refusal-consent_not_given_by_the_person = Consent not given by the person
refusal-not_informed_of_conditions = Not informed of the conditions of return
refusal-missing_voluntariness_interview = No voluntariness interview
refusal-voluntariness_not_established = Voluntariness not established
refusal-child_without_guardian_consent = Child without the guardian's consent
refusal-child_best_interests_not_assessed = Child's best interests not assessed
refusal-record_dated_in_future = Record dated in the future
