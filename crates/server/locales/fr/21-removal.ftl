# Éloignements : demandes et verdict du garde-fou de non-refoulement pour chaque personne.

removals-title = Éloignements
removals-intro = Chaque personne nommée est évaluée individuellement par le garde-fou de non-refoulement. Il n'y a ni décision collective ni dérogation : une personne refusée le reste, avec le motif.
removals-request = Demander un éloignement
removals-request-legend = L'éloignement et les personnes concernées
removals-operation = Opération
removals-kind = Type
removals-destination = Destination
removals-persons = Personnes
removals-persons-hint = Une entrée par ligne : l'identifiant d'une personne, ou un numéro de dossier (chaque membre du ménage est alors nommé et évalué individuellement).
removals-reason = Motif de la demande d'éloignement
removals-submit = Consulter le garde-fou
removals-requests = Demandes
removals-show-open = N'afficher que les demandes non exécutées
removals-show-all = Afficher toutes les demandes
removals-found = { $count ->
    [one] 1 demande.
   *[other] { $count } demandes.
}
removals-when = Demandé le
removals-persons-count = Personnes
removals-refused-count = Refusées
removals-status = État
removals-requested-by = Demandé par

removal-title = Demande d'éloignement
removal-individual = Le garde-fou a évalué chaque personne d'après sa propre situation : examen individuel, demande et appel, statut, risques dans le pays de destination, identité et nationalité.
removal-summary = Autorisées : { $allowed } · Refusées : { $refused }
removal-verdicts = Le verdict du garde-fou pour chaque personne
removal-person = Personne
removal-allowed = éloignement autorisé
removal-refused = éloignement refusé
removal-removed = éloignée
removal-evaluated-at = Évaluée le { $when }.
removal-execution = Lors de l'exécution
removal-execution-note = Chaque personne a été réévaluée au moment de l'exécution ; l'éloignement n'a été exécuté que pour celles alors autorisées.
removal-execute = Exécuter pour les personnes autorisées
removal-execute-hint = Le garde-fou réévalue chaque personne maintenant ; l'éloignement n'est exécuté que pour celles qu'il autorise à ce moment.
removal-back = Retour aux éloignements
removal-line = { $kind } vers { $destination }
removal-tally = { $persons } personnes nommées · { $refused } refusées
removal-name-persons = Nommez au moins une personne : chacune est évaluée individuellement.
removal-unknown-persons = Ni un identifiant de personne ni un numéro de dossier que vous connaissez : { $entries }
removal-case-number-needs-registry = Votre rôle ne consulte pas le registre : nommez les personnes par leur identifiant.

removal-kind-removal = éloignement
removal-kind-deportation = expulsion
removal-kind-extradition = extradition
removal-kind-transfer = transfert vers un autre État
removal-status-evaluated = évaluée, non exécutée
removal-status-executed = exécutée

refusal-no_protection_record = Aucun dossier de protection
refusal-not_in_request = Non nommée dans la demande
refusal-not_individually_screened = Pas d'examen individuel
refusal-no_status_determination = Besoins de protection signalés, sans détermination du statut
refusal-claim_pending = Demande ou appel en cours (effet suspensif)
refusal-reopening_possible = Dossier clôturé pouvant encore être rouvert
refusal-closed_as_duplicate = Dossier clôturé comme doublon
refusal-recognised_refugee = Réfugié reconnu (art. 33(1))
refusal-complementary_protection = Bénéficiaire de la protection complémentaire
refusal-torture_risk = Risque de torture ou de mauvais traitements (interdiction absolue)
refusal-return_to_country_of_origin = Renvoi vers le pays fui
refusal-chain_refoulement_risk = Risque de refoulement en chaîne
refusal-identity_not_established = Identité non établie
refusal-nationality_unknown = Nationalité non établie
refusal-missing_informed_consent = Pas de consentement éclairé
refusal-consent_not_given_by_the_person = Consentement non donné par la personne
refusal-not_informed_of_conditions = Non informée des conditions du retour
refusal-missing_voluntariness_interview = Pas d'entretien sur le caractère volontaire
refusal-voluntariness_not_established = Caractère volontaire non établi
refusal-child_without_guardian_consent = Enfant sans le consentement du tuteur
refusal-child_best_interests_not_assessed = Intérêt supérieur de l'enfant non évalué
refusal-record_dated_in_future = Enregistrement daté dans le futur
