# Page d'accueil : les files de travail de l'utilisateur connecté.

home-work = Votre travail
queue-empty = Rien en attente.
queue-all = Les { $count }
queue-all-notified = Toutes les décisions notifiées
queue-to-register = Demandes à enregistrer et programmer
queue-to-register-hint = Demandes déposées ou enregistrées dont l'entretien n'est pas encore programmé.
queue-awaiting-interview = Demandes en attente d'entretien
queue-awaiting-interview-hint = Entretiens programmés, à mener et à consigner.
queue-to-assess = Entretien mené, à évaluer
queue-to-assess-hint = Demandes dont l'évaluation écrite est attendue.
queue-to-review = Évaluations à revoir
queue-to-review-hint = Revues par un agent autre que l'auteur de l'évaluation.
queue-to-decide = Revues, à décider
queue-to-decide-hint = Demandes dont l'évaluation a été revue et qui attendent une décision.
queue-to-notify = Décisions à notifier
queue-to-notify-hint = Décisions à remettre par écrit.
queue-appeals = Appels à trancher
queue-appeals-hint = Appels en cours ; le demandeur ne peut pas être éloigné entre-temps.
queue-appeal-deadlines = Délais d'appel expirant cette semaine
queue-appeal-deadlines-hint = Décisions notifiées dont le délai d'appel expire dans les sept jours.
queue-duplicates = Doublons possibles à examiner
queue-duplicates-hint = Paires d'enregistrements qui pourraient concerner une seule personne.
queue-duplicates-open = Examiner les doublons possibles
queue-removals = Demandes d'éloignement à évaluer
queue-removals-hint = Demandes évaluées par le garde-fou et non exécutées.
