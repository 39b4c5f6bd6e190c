# La page d'enregistrement : un ménage dans un seul formulaire, avec la recherche de doublons avant l'enregistrement.

reg-title = Enregistrer un ménage
reg-intro = Remplissez le demandeur principal et chaque personne à charge ; laissez vides les blocs inutiles. Rien n'est enregistré tant que le formulaire n'est pas complet et que la recherche de doublons n'a pas été faite.
reg-errors = { $count ->
    [one] Ce formulaire comporte 1 problème
   *[other] Ce formulaire comporte { $count } problèmes
}
reg-nothing-saved = Rien n'a été enregistré. Corrigez les champs ci-dessous et envoyez à nouveau.
reg-candidates-found = { $count ->
    [one] 1 personne déjà enregistrée pourrait être une personne de ce formulaire
   *[other] { $count } personnes déjà enregistrées pourraient être des personnes de ce formulaire
}
reg-candidates-help = Rien n'est encore enregistré. Examinez chaque doublon possible sous le membre concerné. S'il s'agit de la même personne, allez plutôt au dossier existant ; sinon, enregistrez un nouveau ménage.
reg-operation = Opération
reg-arrival-date = Date d'arrivée
reg-arrival-hint = Année, mois et jour, p. ex. 2024-03-17
reg-principal-applicant = Demandeur principal
reg-member-n = Membre { $n }
reg-member = Membre
reg-dependant-hint = Laissez ce bloc vide si le ménage n'a pas d'autre membre.
reg-relationship-to-pa = Lien avec le demandeur principal
reg-choose = — choisir —
reg-given-name = Prénom(s)
reg-latin-hint = En lettres latines
reg-family-name = Nom de famille
reg-given-name-original = Prénom(s) dans l'écriture d'origine
reg-original-hint = Tel que la personne l'écrit (arabe, hangeul, chinois, birman, guèze…)
reg-family-name-original = Nom de famille dans l'écriture d'origine
reg-dob-hint = Indiquez l'année seule, l'année et le mois, ou la date complète.
reg-year = Année
reg-month = Mois
reg-day = Jour
reg-unknown = inconnu
reg-citizenship-hint = Codes ISO à trois lettres, p. ex. SYR, ou SYR;TUR pour deux ; laisser vide si elle n'est pas encore établie
reg-stateless = Apatride
reg-country-of-birth = Pays de naissance
reg-iso3-hint = Code ISO à trois lettres, p. ex. AFG
reg-languages-hint = Codes ISO 639, la langue préférée d'abord, p. ex. ar, ku
reg-documents = Pièces d'identité
reg-doc-kind = Document { $n } : type
reg-doc-number = Numéro
reg-doc-country = Pays de délivrance
reg-needs-hint = Codes des besoins spécifiques du HCR. Les besoins marqués « restreint » concernent la santé, la violence ou la torture et ne sont montrés qu'aux rôles autorisés.
reg-sensitive = restreint
reg-candidates-for = { $count ->
    [one] Doublon possible de cette personne
   *[other] { $count } doublons possibles de cette personne
}
reg-go-to-existing = C'est la même personne : aller au dossier existant
reg-save-anyway-help = Si aucun des doublons possibles n'est la même personne, enregistrez le ménage comme nouveau. Les doublons possibles restent à examiner et le dossier note que vous les avez vus.
reg-check-again = Vérifier à nouveau
reg-save-anyway = Enregistrer quand même comme nouveau ménage
reg-check-and-save = Rechercher les doublons et enregistrer
reg-more-rows = Ajouter des blocs de membres

regdoc-passport = Passeport
regdoc-national_id = Carte nationale d'identité
regdoc-birth_certificate = Acte de naissance
regdoc-marriage_certificate = Acte de mariage
regdoc-family_book = Livret de famille
regdoc-refugee_certificate = Certificat de réfugié
regdoc-asylum_seeker_certificate = Certificat de demandeur d'asile
regdoc-travel_document = Titre de voyage
regdoc-other = Autre document

regerr-required = Ce champ est obligatoire.
regerr-empty-name = Écrivez le nom, ou laissez le champ vide.
regerr-name-too-long = Ce nom est trop long.
regerr-invalid-name-character = Un nom ne peut contenir que des lettres de toute écriture, des espaces, des traits d'union, des apostrophes et des points.
regerr-not-latin-script = Écrivez ce nom en lettres latines ; mettez le nom dans son écriture d'origine dans le champ prévu.
regerr-name-without-letters = Un nom doit contenir des lettres.
regerr-invalid-sex = Choisissez féminin, masculin, autre ou inconnu.
regerr-invalid-date = Ce n'est pas une date : indiquez une année à quatre chiffres, et le mois et le jour s'ils sont connus.
regerr-impossible-date = Cette date n'existe pas dans le calendrier.
regerr-date-out-of-range = L'année doit être comprise entre 1880 et 2200.
regerr-date-in-future = Cette date est dans le futur.
regerr-invalid-country = Utilisez un code pays ISO à trois lettres, p. ex. SYR, AFG, SSD.
regerr-unknown-country = Ce n'est pas un code pays ISO ; vérifiez-le (p. ex. SYR pour la Syrie, MMR pour le Myanmar).
regerr-invalid-language = Utilisez des codes de langue ISO 639 de deux ou trois lettres, p. ex. ar, prs, rhg.
regerr-invalid-document-kind = Choisissez un type de document dans la liste.
regerr-invalid-document-number = Un numéro de document compte de 1 à 40 lettres, chiffres, « - », « / » ou « . ».
regerr-invalid-specific-need = Ce n'est pas un code de besoin spécifique du HCR.
regerr-invalid-relationship = Choisissez dans la liste le lien avec le demandeur principal.
regerr-principal-applicant = Un ménage a exactement un demandeur principal.
regerr-text-too-long = Ce texte est trop long.
regerr-invalid-text-character = Ce texte contient un caractère non accepté ici ; écrivez du texte simple.
regerr-empty-text = Écrivez le texte, ou laissez le champ vide.
regerr-dob-year-required = Indiquez l'année de naissance, ou laissez toute la date vide.
regerr-dob-month-required = Indiquez aussi le mois, ou laissez le jour vide.
regerr-stateless-and-country = Indiquez une nationalité ou cochez « apatride », pas les deux.
regerr-no-operation = Vous ne travaillez dans aucune opération où vous pouvez enregistrer ; adressez-vous à votre administrateur.

need-CR = Enfant à risque
need-CR-CP = Enfant parent
need-CR-CS = Enfant marié
need-CR-CC = Enfant aidant
need-CR-TP = Grossesse adolescente
need-CR-LW = Enfant astreint aux pires formes de travail des enfants
need-CR-AF = Enfant associé aux forces ou groupes armés
need-CR-CL = Enfant en conflit avec la loi
need-CR-NE = Enfant non scolarisé
need-UC = Enfant non accompagné ou séparé
need-UC-UM = Mineur non accompagné
need-UC-US = Enfant séparé
need-WR = Femme à risque
need-WR-SF = Femme seule à risque
need-WR-LC = Femme allaitante
need-WR-PY = Femme enceinte
need-ER = Personne âgée à risque
need-ER-NF = Personne âgée incapable de subvenir à ses besoins
need-SP = Parent ou aidant seul
need-DS = Handicap
need-DS-PM = Handicap physique – modéré
need-DS-PS = Handicap physique – sévère
need-DS-MM = Handicap mental – modéré
need-DS-MS = Handicap mental – sévère
need-DS-BD = Déficience visuelle
need-DS-DF = Déficience auditive
need-SM = Affection médicale grave
need-SM-CI = Maladie chronique
need-SM-MI = Maladie mentale
need-SV = Violence sexuelle et de genre
need-TR = Torture
need-TR-PI = Atteinte psychologique ou physique due à la torture
need-TR-HO = Emprisonnement et torture dans le pays d'origine
need-LP = Besoins spécifiques de protection juridique et physique
need-LP-ND = Aucun document légal
need-LP-AN = Violence, maltraitance ou négligence
need-LP-MS = Marginalisé par la société ou la communauté
need-LP-DT = Détenu dans le pays d'asile
need-LP-RR = Risque de refoulement
need-FU = Unité familiale
need-FU-TR = Recherche familiale nécessaire
need-FU-FR = Réunification familiale nécessaire
