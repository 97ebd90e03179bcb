"""A fictional edition of the assises, to show a newcomer a living site.

Everything here is invented: the event, its organisations (their names end in "(exemple)",
none is a real institution), proposals, testimonies, responses and meetings. Each row is
marked ``example`` and shown "exemple" wherever it appears, in every language (the badge is
a catalogue string; the names that say "(exemple)" say it in their translations too, in
``app/demo/english_arabic.py``); ``flask demo clear-examples`` removes it all. Dates are days
relative to the day it is loaded (``day``: 0 is today, -40 is forty days ago), so the
example looks alive whenever it is loaded.

``app.services.examples.load_examples`` turns it into rows.
"""

EVENT = {
    "slug": "assises-2026-exemple",
    "name": "Assises de la solidarité 2026 (exemple)",
    "day": -40,
    "place": "Salle des fêtes imaginaire, 1 rue de l’Exemple (lieu inventé)",
    "organisations_count": 42,
    "summary": (
        "Exemple inventé pour la démonstration du site : une journée fictive où des "
        "associations et des personnes accompagnées ont préparé des propositions, puis les "
        "ont transmises à deux institutions, elles aussi inventées."
    ),
    "advances": (
        "Dans cet exemple, une institution fictive a répondu et pris deux engagements datés."
    ),
    "obstacles": (
        "Dans cet exemple, une autre institution fictive n’a pas répondu dans le délai annoncé."
    ),
    "next_steps": "Dans cet exemple, un groupe de travail se réunit dans deux semaines.",
    "source": "Exemple inventé pour la démonstration",
}

ORIGIN = "Assises de la solidarité 2026 (exemple)"

# The workshops the proposals belong to: found by slug (or name), created when missing.
THEMES = [
    {
        "slug": "acces-sante",
        "name": "Accès à la santé",
        "description": "Atelier consacré à l’accès aux soins des publics fragiles.",
    },
    {
        "slug": "urgence-alimentaire",
        "name": "Urgence alimentaire",
        "description": "Atelier consacré à l’aide alimentaire.",
    },
    {
        "slug": "culture-insertion",
        "name": "Accès à la culture et insertion",
        "description": "Atelier consacré à l’accès à la culture et à l’insertion.",
    },
    {
        "slug": "hebergement-logement",
        "name": "Hébergement – logement",
        "description": "Atelier consacré à l’hébergement et au logement.",
    },
]

ASSOCIATION = "entraide-imaginaire-exemple"
HOUSING_OFFICE = "office-fictif-habitat-exemple"
SOLIDARITY_AGENCY = "agence-fictive-solidarites-exemple"

ORGANISATIONS = [
    {
        "slug": ASSOCIATION,
        "name": "Association Entraide imaginaire (exemple)",
        "short_name": "Entraide imaginaire (exemple)",
        "kind": "association",
        "description": (
            "Association inventée pour la démonstration du site. Elle porte les propositions "
            "de l’édition d’exemple et recueille des témoignages."
        ),
        "themes": ["acces-sante", "urgence-alimentaire", "hebergement-logement"],
    },
    {
        "slug": HOUSING_OFFICE,
        "name": "Office fictif de l’habitat (exemple)",
        # Its official address (confirmed): reserved for examples, it reaches nobody.
        "official_email": "office-habitat@example.org",
        "short_name": "Office fictif (exemple)",
        "kind": "institution",
        "description": (
            "Institution inventée pour la démonstration du site : ses réponses sont des "
            "exemples, pas la parole d’une institution réelle."
        ),
        "themes": ["hebergement-logement"],
    },
    {
        "slug": SOLIDARITY_AGENCY,
        "name": "Agence fictive des solidarités (exemple)",
        # Its official address (confirmed): reserved for examples, it reaches nobody.
        "official_email": "agence-solidarites@example.org",
        "short_name": "Agence fictive (exemple)",
        "kind": "institution",
        "description": (
            "Institution inventée pour la démonstration du site : ses réponses sont des "
            "exemples, pas la parole d’une institution réelle."
        ),
        "themes": ["acces-sante", "urgence-alimentaire"],
    },
]

# The demonstration accounts the example uses, by e-mail (created by `flask demo load`;
# created here too, with an unusable password, when missing).
MODERATOR = ("moderation@demo.voix-solidaires.fr", "Modération", "moderator")
MEMBER = ("association@demo.voix-solidaires.fr", "Membre du réseau", "association_member")
PARTICIPANT = ("usager@demo.voix-solidaires.fr", "Camille", "participant")
ACCOUNTS = [MODERATOR, MEMBER, PARTICIPANT]

# Who wrote a contribution: "guest", "participant" (the demo participant account), "member"
# (the demo association member) or "assisted" (recorded by the member for the association).
# "pending": still waiting for a moderator. "featured": put forward by the moderator.
PROPOSALS = [
    {
        # The inversion the 2015 review asks for: an institution puts a proposal to the
        # associations, and one takes it up. Invented, like everything here.
        "title": "Un accueil de jour ouvert le dimanche, proposé aux associations",
        "theme": "urgence-alimentaire",
        "status": "answered",
        "filed_by": SOLIDARITY_AGENCY,
        "body": (
            "L’Agence fictive des solidarités (exemple) propose aux associations de tenir un "
            "accueil de jour le dimanche, dans une salle qu’elle met à disposition, avec un "
            "petit-déjeuner servi de 8 h à 11 h."
        ),
        "easy_read": (
            "L’Agence fictive des solidarités fait une proposition aux associations.\n"
            "Idée : les associations tiennent un accueil de jour le dimanche.\n"
            "L’agence prête une salle.\n"
            "Un petit-déjeuner est servi de 8 heures à 11 heures."
        ),
        # What an earlier demo said: a row still holding it is brought to the text above.
        "old_easy_read": ["Un lieu ouvert le dimanche matin, avec un petit-déjeuner."],
        "addressed": [
            {"institution": ASSOCIATION, "sent_day": -20, "due_day": 10},
        ],
        "responses": [
            {
                "institution": ASSOCIATION,
                "day": -6,
                "position": "taken_up",
                "body": (
                    "L’Association Entraide imaginaire (exemple) s’en saisit : ses bénévoles "
                    "tiendront l’accueil un dimanche sur deux, à partir du mois prochain."
                ),
                "commitments": [
                    {
                        "action": "Tenir l’accueil du dimanche avec quatre bénévoles",
                        "due_day": 35,
                        "state": "planned",
                    },
                ],
                "replies": [],
            },
        ],
        "testimonies": [],
        "comments": [],
    },
    {
        "title": "Ouvrir un guichet de domiciliation le samedi matin",
        "theme": "hebergement-logement",
        "status": "answered",
        "body": (
            "Beaucoup de personnes sans domicile travaillent ou cherchent du travail en "
            "semaine : elles ne peuvent pas venir chercher leur courrier aux heures "
            "d’ouverture. Nous proposons un guichet de domiciliation ouvert le samedi matin."
        ),
        "easy_read": (
            "Des personnes sans domicile travaillent en semaine.\n"
            "Elles ne peuvent pas venir chercher leur courrier aux heures d’ouverture.\n"
            "Idée : un guichet ouvert le samedi matin pour le courrier."
        ),
        # What an earlier demo said: a row still holding it is brought to the text above.
        "old_easy_read": ["Pouvoir chercher son courrier le samedi matin."],
        "addressed": [
            {"institution": HOUSING_OFFICE, "sent_day": -38, "due_day": -8},
        ],
        "responses": [
            {
                "institution": HOUSING_OFFICE,
                "day": -20,
                "position": "favourable",
                "body": (
                    "L’Office fictif de l’habitat (exemple) est favorable à cette proposition "
                    "et ouvrira un second guichet le samedi matin."
                ),
                "commitments": [
                    {
                        "action": "Ouvrir un guichet de domiciliation le samedi de 9 h à 12 h",
                        "due_day": 30,
                        "state": "in_progress",
                    },
                    {
                        "action": "Publier les horaires des guichets en facile à lire",
                        "due_day": -5,
                        "state": "planned",
                    },
                ],
                "replies": [
                    {
                        "by": "participant",
                        "day": -18,
                        "body": (
                            "Merci. Le samedi, pourrez-vous aussi remettre les lettres "
                            "recommandées ?"
                        ),
                    },
                ],
            },
        ],
        "testimonies": [
            {
                "by": "guest",
                "guest_name": "Sami",
                "day": -39,
                "body": (
                    "Je travaille en intérim la semaine. Le guichet ferme avant que je "
                    "sorte, alors mon courrier repart chez l’expéditeur."
                ),
            },
            {
                "by": "participant",
                "anonymous": True,
                "featured": True,
                "day": -37,
                "body": (
                    "J’ai manqué un rendez-vous important parce que je n’ai pas eu la lettre à "
                    "temps. Un samedi matin, j’aurais pu venir."
                ),
            },
        ],
        "comments": [
            {
                "by": "member",
                "day": -36,
                "body": "Notre accueil de jour peut relayer les horaires une fois connus.",
            },
        ],
    },
    {
        "title": "Une permanence de soins sans rendez-vous près de la gare",
        "theme": "acces-sante",
        "status": "sent",
        "body": (
            "Les personnes à la rue renoncent aux soins quand il faut prendre rendez-vous. "
            "Nous proposons une permanence sans rendez-vous, deux demi-journées par semaine, "
            "près de la gare."
        ),
        "easy_read": (
            "Les personnes à la rue ne se soignent pas quand il faut prendre rendez-vous.\n"
            "Idée : un lieu de soins sans rendez-vous, près de la gare.\n"
            "Il serait ouvert deux demi-journées par semaine."
        ),
        # What an earlier demo said: a row still holding it is brought to the text above.
        "old_easy_read": ["Voir un soignant sans rendez-vous, près de la gare."],
        # Sent, due date passed, no answer: late.
        "addressed": [
            {"institution": SOLIDARITY_AGENCY, "sent_day": -38, "due_day": -8},
        ],
        "responses": [],
        "testimonies": [
            {
                "by": "assisted",
                "featured": True,
                "day": -35,
                "body": (
                    "Témoignage recueilli avec son accord : « J’ai eu mal aux dents pendant "
                    "trois semaines. Au téléphone, on me demandait un numéro de sécurité "
                    "sociale que je n’avais plus. »"
                ),
            },
        ],
        "comments": [
            {
                "by": "participant",
                "day": -30,
                "body": "Près de la gare, c’est bien : on y passe tous les jours.",
            },
        ],
    },
    {
        "title": "Des colis alimentaires adaptés aux personnes sans cuisine",
        "theme": "urgence-alimentaire",
        "status": "answered",
        "body": (
            "Les colis contiennent souvent des produits à cuire. Les personnes hébergées à "
            "l’hôtel n’ont pas de cuisine. Nous proposons des colis de produits prêts à manger."
        ),
        "easy_read": (
            "Les colis contiennent souvent des produits à cuire.\n"
            "Les personnes qui vivent à l’hôtel n’ont pas de cuisine.\n"
            "Idée : des colis de produits prêts à manger."
        ),
        # What an earlier demo said: a row still holding it is brought to the text above.
        "old_easy_read": ["Des colis à manger sans cuisine."],
        "addressed": [
            {"institution": SOLIDARITY_AGENCY, "sent_day": -38, "due_day": 22},
        ],
        "responses": [
            {
                "institution": SOLIDARITY_AGENCY,
                "day": -12,
                "position": "under_study",
                "body": (
                    "L’Agence fictive des solidarités (exemple) étudie la proposition avec les "
                    "associations qui distribuent les colis."
                ),
                "commitments": [
                    {
                        "action": "Réunir les associations distributrices pour chiffrer le coût",
                        "due_day": 20,
                        "state": "planned",
                    },
                ],
                "replies": [],
            },
        ],
        "testimonies": [
            {
                "by": "guest",
                "guest_name": "",
                "pending": True,
                "day": -2,
                "body": (
                    "À l’hôtel, on n’a qu’une bouilloire. Les pâtes du colis, je les donne "
                    "à une voisine."
                ),
            },
        ],
        "comments": [],
    },
    {
        "title": "Des sorties culturelles choisies par les personnes accompagnées",
        "theme": "culture-insertion",
        "status": "in_discussion",
        "body": (
            "Les sorties sont souvent décidées pour les personnes. Nous proposons qu’un "
            "groupe de personnes accompagnées choisisse chaque trimestre les sorties proposées."
        ),
        "easy_read": (
            "Souvent, d’autres personnes choisissent les sorties à leur place.\n"
            "Idée : un groupe de personnes accompagnées choisit les sorties.\n"
            "Le groupe les choisit tous les trois mois."
        ),
        # What an earlier demo said: a row still holding it is brought to the text above.
        "old_easy_read": ["Les personnes choisissent elles-mêmes les sorties."],
        "addressed": [],
        "responses": [],
        "testimonies": [],
        "comments": [
            {
                "by": "participant",
                "day": -33,
                "body": "J’aimerais aller au concert, pas seulement au musée.",
                "replies": [
                    {
                        "by": "member",
                        "day": -32,
                        "body": "Bonne idée : on le note pour le premier groupe.",
                    },
                ],
            },
            {
                "by": "member",
                "day": -31,
                "body": "Le groupe pourrait se réunir dans nos locaux.",
            },
        ],
    },
    {
        "title": "Un interlocuteur unique pour les demandes de logement",
        "theme": "hebergement-logement",
        "status": "sent",
        "body": (
            "Les familles racontent leur situation cinq fois à cinq services différents. "
            "Nous proposons un interlocuteur unique qui suit la demande jusqu’au bout."
        ),
        "easy_read": (
            "Les familles racontent leur situation à beaucoup de services différents.\n"
            "Idée : une seule personne suit la demande de logement.\n"
            "Elle la suit jusqu’au bout."
        ),
        # What an earlier demo said: a row still holding it is brought to the text above.
        "old_easy_read": ["Une seule personne qui suit votre demande de logement."],
        "addressed": [
            {"institution": HOUSING_OFFICE, "sent_day": -15, "due_day": 15},
            {"institution": SOLIDARITY_AGENCY, "sent_day": -15, "due_day": 15},
        ],
        "responses": [],
        "testimonies": [
            {
                "by": "participant",
                "day": -14,
                "body": "À chaque nouveau service, il faut tout réexpliquer depuis le début.",
            },
        ],
        "comments": [],
    },
]

MEETINGS = [
    {
        "title": "Groupe de travail « domiciliation » (exemple)",
        "theme": "hebergement-logement",
        "day": -25,
        "time": (18, 0),
        "duration_minutes": 90,
        "place_name": "Local de l’Entraide imaginaire (lieu inventé)",
        "address": "1 rue de l’Exemple",
        "description": "Suite des assises d’exemple : préparer la rencontre avec l’Office fictif.",
        "agenda": "1. Horaires des guichets\n2. Courrier recommandé\n3. Suite à donner",
        "proposals": ["Ouvrir un guichet de domiciliation le samedi matin"],
        "minutes": {
            "published_day": -23,
            "amendments_until_day": 7,
            "body": (
                "Présents : huit personnes, dont trois personnes accompagnées.\n\n"
                "Horaires : le groupe demande une ouverture le samedi matin.\n\n"
                "Courrier : le groupe n’a pas abordé les lettres recommandées."
            ),
            "amendment": {
                "day": -21,
                "decided_day": -20,
                "passage": "le groupe n’a pas abordé les lettres recommandées.",
                "proposed_text": (
                    "le groupe demande que les lettres recommandées puissent être retirées "
                    "le samedi."
                ),
                "reason": "Nous en avons parlé en fin de réunion : c’est important pour nous.",
            },
        },
    },
    {
        "title": "Rencontre avec l’Agence fictive des solidarités (exemple)",
        "theme": "acces-sante",
        "day": 14,
        "time": (14, 0),
        "duration_minutes": 120,
        "place_name": "Salle des fêtes imaginaire (lieu inventé)",
        "address": "1 rue de l’Exemple",
        "description": (
            "Suite des assises d’exemple : demander une réponse sur la permanence de soins."
        ),
        "agenda": "1. Permanence de soins sans rendez-vous\n2. Colis sans cuisine",
        "proposals": [
            "Une permanence de soins sans rendez-vous près de la gare",
            "Des colis alimentaires adaptés aux personnes sans cuisine",
        ],
        "minutes": None,
    },
]
