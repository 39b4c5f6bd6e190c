skip-to-content = Aller au contenu
search-by-name = Rechercher par nom
name-any-script = Nom, dans toute écriture
search = Rechercher
sign-out = Se déconnecter
footer = Nansen — enregistrement et protection des réfugiés. Chaque modification est conservée dans l'historique du dossier.
language = Langue
nav-home = Accueil
nav-search = Trouver une personne
nav-statistics = Statistiques
nav-register = Enregistrer un ménage
nav-claims = Demandes
nav-duplicates = Doublons possibles
nav-removals = Éloignements
main-navigation = Navigation principale

sign-in = Se connecter
sign-in-title = Connexion
user-name = Nom d'utilisateur
password = Mot de passe
totp-code = Code de votre application d'authentification (si vous en utilisez une)
sign-in-note = Nansen conserve les dossiers de personnes qui ont fui la persécution. Chaque connexion et chaque consultation de dossier sont journalisées.

error-title = Erreur { $status }
back-to-start = Retour à la page d'accueil

operations = Opérations
no-operation = Aucune opération pour l'instant. Créez-en une par l'API, ou lancez la démonstration avec « nansen demo ».
op-code = Code
op-name = Nom
country-of-asylum = Pays d'asile
households = Ménages
persons = Personnes
find-a-person = Trouver une personne

search-name-label = Nom (toute écriture ; accents et majuscules sans importance)
case-number = Numéro de dossier
document-number = Numéro de document
found = { $count ->
    [one] { $count } personne trouvée.
   *[other] { $count } personnes trouvées.
}
previous = Précédent
next = Suivant

name-latin = Nom (latin)
name-own-script = Nom (écriture d'origine)
sex = Sexe
born = Naissance
citizenship = Nationalité
relationship = Lien

relationship-label = Lien de parenté
date-of-birth = Date de naissance
place-of-birth = Lieu de naissance
languages = Langues
record-version = Version du dossier
documents = Documents
none-recorded = Rien d'enregistré.
specific-needs = Besoins spécifiques
restricted-needs = { $count ->
    [one] Un autre besoin lié à la santé, à la violence ou à la torture est enregistré ; votre rôle ne l'affiche pas.
   *[other] { $count } autres besoins liés à la santé, à la violence ou à la torture sont enregistrés ; votre rôle ne les affiche pas.
}
household = Ménage
household-title = Ménage { $case }
arrival = Arrivée
address = Adresse
identifier = Identifiant
members = Membres

history = Historique
by-actor = par { $actor }
changed = modifié : { $fields }
reason = Motif :

sex-F = femme
sex-M = homme
sex-X = autre
sex-U = inconnu

date-full = { $day } { $month } { $year }
date-month = { $month } { $year }
date-year = { $year }
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre

statistics = Statistiques

rel-PA = demandeur principal
rel-SPS = conjoint ou partenaire
rel-CHD = enfant
rel-STC = enfant du conjoint
rel-PAR = parent
rel-SIB = frère ou sœur
rel-GCH = petit-enfant
rel-GPA = grand-parent
rel-REL = autre parent
rel-NRL = sans lien de parenté

# Attribution des dossiers (page du ménage)
assign-title = Attribué à
assign-help = Le personnel dont le compte est limité aux dossiers attribués ne voit ce dossier que tant qu'il lui est attribué. Indiquez un motif : il est conservé avec l'attribution et dans le journal d'accès.
assign-none = Attribué à personne.
assign-user = Membre du personnel (identifiant)
assign-since = Depuis
assign-reason = Motif
assign-end = Mettre fin à l'attribution
assign-end-reason = Motif de la fin
assign-submit = Attribuer
