"""The 2015 record, from the source document alone, as plain data.

Source: « Bilan qualitatif des assises de la solidarité du 30 avril 2015 », by the Réseau
de solidarité des associations messines (``shared/source/bilan-assises-solidarite-2015.txt``).
Where the source is silent, the site is silent: no place for the day, no institution it
does not name, no sending or due date, no answer, no meeting end time or agenda. The texts
keep the document's words, lightly rewritten into full sentences; each proposal's ``quote``
is the document's own wording, checked against the file by ``tests/test_demo_source.py``.
The only additions are the expanded names of what it abbreviates (``ABBREVIATIONS``) and
each proposal's easy-read summary (FALC): its proposal said again in short sentences and
common words, one idea a line, no abbreviation, nothing the text does not say; where a hard
word stays, a line may give its common meaning (« Une veille, c’est … »). The tests check
each summary's numbers, dates, names and institutions against its proposal and the source.

Every structure is ordered; ``app.services.demo.load_demo`` turns it into rows.
"""

from datetime import date

SOURCE = (
    "Bilan qualitatif des assises de la solidarité du 30 avril 2015 — Réseau de solidarité "
    "des associations messines"
)
# A stated position names the network as who reports it: its source need not say it again.
POSITION_SOURCE = "Bilan qualitatif des assises de la solidarité du 30 avril 2015"
ORIGIN = "Assises de la solidarité du 30 avril 2015"
NETWORK_ORIGIN = "Bilan des assises de la solidarité du 30 avril 2015 (propositions du réseau)"

# What the source abbreviates, said in full where the site says it (easy-read summaries and
# organisations' names): the one thing added to its words.
ABBREVIATIONS = {
    "CAF": "caisse d’allocations familiales",
    "CCAS": "centre communal d’action sociale",
    "DDCS": "direction départementale de la cohésion sociale",
    "HCR": "Haut-Commissariat des Nations unies pour les réfugiés",
    "PASS": "permanence d’accès aux soins de santé",  # nosec B105: a hospital service
    "M.": "Monsieur",
}

RESEAU = "reseau-solidarite-associations-messines"
NETWORK_THEME = "propositions-du-reseau"

# ---------------------------------------------------------------------------
# The event and its review (parts I, II and IV of the document)
# ---------------------------------------------------------------------------

EVENT = {
    "slug": "assises-solidarite-2015",
    "name": "Assises de la solidarité",
    "kind": "assises",
    "held_on": date(2015, 4, 30),
    "place": "",  # the document does not say where the day was held
    "organisations_count": 100,
    "source": SOURCE,
    "summary": (
        "L’objectif de la journée était de permettre la rencontre entre les responsables "
        "institutionnels et les associations de solidarité, afin de faire entendre et "
        "avancer nos propositions.\n\n"
        "Cet objectif a partiellement été atteint : cette journée a permis aux associations "
        "de faire connaître leurs préoccupations, de débattre de certaines propositions. Il y "
        "a eu rencontre et certaines avancées semblent possibles. C’est une rencontre "
        "initiale.\n\n"
        "Toutes les associations de solidarité ont été représentées : 100 associations "
        "représentées.\n\n"
        "Le bilan est la synthèse de l’enquête proposée par le réseau aux participants et des "
        "débats en réunion plénière du réseau."
    ),
    "advances": (
        "Il y a eu rencontre et certaines avancées semblent possibles. Toutefois, les "
        "partenaires institutionnels avaient plus un positionnement de "
        "justification que de coopération. Leur souci était davantage de dire tout ce qu’ils "
        "font déjà plutôt que d’entrer dans une dynamique de complémentarité. Cette journée "
        "va peut-être permettre de développer davantage la coopération.\n\n"
        "Les associations du réseau s’accordent à reconnaître qu’une telle rencontre est rare "
        "et que tout s’est déroulé dans une ambiance d’écoute et de respect.\n\n"
        "Les associations ont une part de responsabilité dans ce que l’on critique : "
        "confrontation entre les institutionnels et le public du fait de l’organisation. Il y "
        "a 3 types d’acteurs : les associations, les associations prestataires, les "
        "institutions.\n\n"
        "On ne peut vraiment parler d’« avancées » sur le « fond », mais plutôt de mise en "
        "place d’un processus de connaissance réciproque entre des acteurs qui ne s’étaient "
        "pas rencontrés, et de futures collaborations.\n\n"
        "Bons échanges entre acteurs de terrain :\n"
        "- meilleure connaissance de l’existant (permet de bien identifier qui fait quoi) ;\n"
        "- des précisions sur les actions méconnues ;\n"
        "- bon accueil des associations non intégrées dans le réseau."
    ),
    "obstacles": (
        "Ce type de format de rencontres ne permet pas une réflexion fine et concrète : le "
        "nombre de participants aux ateliers n’est pas propice aux échanges directs.\n\n"
        "Manque de rigueur dans l’animation de certains ateliers (hébergement, culture, "
        "alimentation) : il aurait fallu partir des propositions et ne pas refaire les états "
        "des lieux ; demander à l’avance les thèmes des interventions en atelier, afin de les "
        "regrouper par sujet (ex : groupe hébergement).\n\n"
        "La méconnaissance du sujet par les animateurs des ateliers (hébergement, santé, "
        "urgence alimentaire, accès à la culture) a constitué un handicap, rendant "
        "l’animation du groupe inefficace car non orientée vers un but :\n"
        "- difficulté de bien restituer du fait de la complexité des problématiques "
        "(culture) ; la complexité est parfois due à des désaccords de fond entre les "
        "associations (urgence alimentaire) ;\n"
        "- difficulté à faire émerger à la synthèse l’essentiel des débats ;\n"
        "- certains comptes rendus n’étaient pas fidèles aux débats (accès aux soins, accès "
        "à la culture).\n\n"
        "Parole des institutionnels qui n’ont pas vraiment repris les propositions, ne les "
        "ont qu’effleurées ou qui ont répondu (comme si c’était évident) que tout était déjà "
        "mis en place. Un exemple parmi d’autres : il est scandaleux d’entendre qu’il n’y a "
        "pas de problème pour voir une assistante sociale en urgence ! Aucune possibilité de "
        "répondre aux propos de ces responsables, ni d’ailleurs à M. Pitti au sujet de "
        "certains médecins libéraux.\n\n"
        "La participation des usagers aux futures rencontres n’a pas été assez évoquée, "
        "d’autant plus que le CCAS a éliminé a priori cette possibilité. Cela pourrait être "
        "intégré dans la charte : il faut qu’on ait cette volonté. Nous pourrions être le "
        "lieu de cette expérimentation pour que les institutions nous suivent. De fait, "
        "actuellement, on veut bien accompagner les usagers mais on ne veut pas leur donner "
        "la parole. Il faut nous-mêmes nous préparer à travailler avec eux. L’expérience a "
        "été menée à Thionville, mais ce n’est pas facile. C’est une question centrale. "
        "« Si tu fais pour moi sans moi, tu finis par faire contre moi. » (Mandela)\n\n"
        "Le positionnement du CCAS :\n"
        "- le réseau s’est constitué, il y a un an, à l’initiative de MdM et de la LDH, donc "
        "de façon totalement indépendante du CCAS ;\n"
        "- le CCAS n’est pas un facilitateur du travail du réseau, c’est un partenaire parmi "
        "d’autres ;\n"
        "- l’idée de ces assises revient à M. Pitti, qui a su gagner l’adhésion des "
        "associations à ce sujet, le CCAS ne mettant à disposition du projet que sa "
        "logistique ;\n"
        "- le discours qui consiste à attribuer au CCAS la réflexion sous-jacente à ces "
        "assises pose problème et entretient une forme de confusion des rôles ;\n"
        "- pour travailler « avec » le CCAS, il faudrait au minimum être reconnu, dans son "
        "existence d’abord, et comme partenaire ensuite. Chacun doit avoir sa place."
    ),
    "next_steps": (
        "Chaque groupe reprendra toutes les propositions pour :\n"
        "- les affiner ;\n"
        "- prendre les contacts et engager les démarches pour les mettre en œuvre ;\n"
        "- suivre cette mise en œuvre.\n\n"
        "Dates prévues des réunions des ateliers :\n"
        "- mercredi 3 juin à 9 h : réunion du groupe annuaire, dans les locaux de la maison "
        "diocésaine de la solidarité, 6 bd Paixhans à Metz ;\n"
        "- jeudi 4 juin à 14 h : réunion du groupe « accès à la santé », dans les locaux de "
        "Médecins du Monde, au 12 b rue d’Annecy à Metz Bellecroix ;\n"
        "- jeudi 25 juin à 14 h 30 : réunion du groupe « accès à la culture et à "
        "l’insertion », dans les locaux de la fondation Abbé Pierre, 7 rue Clovis à Metz."
    ),
}

# ---------------------------------------------------------------------------
# Workshops (ateliers), in the order of the document, then the network's own proposals
# ---------------------------------------------------------------------------

THEMES = [
    {
        "slug": "acces-sante",
        "name": "Accès à la santé",
        "description": (
            "Atelier des assises de la solidarité consacré à l’accès aux soins des publics "
            "fragiles : plateforme d’accueil médico-sociale en centre-ville, santé mentale, "
            "PASS de l’hôpital, hygiène (bains douches, toilettes publiques)."
        ),
    },
    {
        "slug": "urgence-alimentaire",
        "name": "Urgence alimentaire",
        "description": (
            "Atelier des assises de la solidarité consacré à l’aide alimentaire : veille "
            "alimentaire, qualité de l’aide (distribution ou insertion) et répartition "
            "géographique des lieux d’approvisionnement."
        ),
    },
    {
        "slug": "culture-insertion",
        "name": "Accès à la culture et insertion",
        "description": (
            "Atelier des assises de la solidarité consacré à l’accès à la culture et à "
            "l’insertion : médiation culturelle, activités où la personne participe, "
            "co-construction des savoirs et lisibilité de ce qui est mené."
        ),
    },
    {
        "slug": "hebergement-logement",
        "name": "Hébergement – logement",
        "description": (
            "Atelier des assises de la solidarité consacré à l’hébergement et au logement : "
            "domiciliation, bail glissant, hébergement des demandeurs d’asile, locaux vides "
            "et prévention des expulsions."
        ),
    },
    {
        "slug": NETWORK_THEME,
        "name": "Propositions du réseau",
        "description": (
            "Ce n’est pas un atelier des assises : ce sont les propositions du réseau lui-même, "
            "tirées de son bilan des assises de la solidarité du 30 avril 2015 (partie III) — "
            "sur la forme des rencontres et les points de vigilance pour le suivi des "
            "propositions."
        ),
    },
]

# ---------------------------------------------------------------------------
# Organisations named in the document, described only by what it says of them
# ---------------------------------------------------------------------------

ORGANISATIONS = [
    {
        "slug": RESEAU,
        "name": "Réseau de solidarité des associations messines",
        "short_name": "Réseau",
        "kind": "association",
        "description": (
            "Le réseau des associations de solidarité de Metz. Selon son bilan des assises de "
            "la solidarité du 30 avril 2015, il s’est constitué « il y a un an », à "
            "l’initiative de Médecins du Monde et de la Ligue des droits de l’Homme, de façon "
            "totalement indépendante du CCAS. Ce bilan est la synthèse de l’enquête qu’il a "
            "proposée aux participants et des débats de sa réunion plénière. Chacun de ses "
            "groupes reprend les propositions pour les affiner, prendre les contacts, engager "
            "les démarches pour les mettre en œuvre et suivre cette mise en œuvre."
        ),
        "address": "",
        "verified": False,
    },
    {
        "slug": "medecins-du-monde",
        "name": "Médecins du Monde",
        "short_name": "MdM",
        "kind": "association",
        "description": (
            "Le Réseau de solidarité des associations messines s’est constitué à l’initiative "
            "de Médecins du Monde et de la Ligue des droits de l’Homme. Le bilan des assises de "
            "2015 prévoit la réunion du groupe « accès à la santé » du 4 juin 2015 dans ses "
            "locaux, au 12 b rue d’Annecy à Metz Bellecroix."
        ),
        "address": "12 b rue d’Annecy, Metz Bellecroix",
        "verified": False,
    },
    {
        "slug": "ligue-des-droits-de-l-homme",
        "name": "Ligue des droits de l’Homme",
        "short_name": "LDH",
        "kind": "association",
        "description": (
            "Le Réseau de solidarité des associations messines s’est constitué à l’initiative "
            "de Médecins du Monde et de la Ligue des droits de l’Homme."
        ),
        "address": "",
        "verified": False,
    },
    {
        "slug": "fondation-abbe-pierre",
        "name": "Fondation Abbé Pierre",
        "short_name": None,
        "kind": "association",
        "description": (
            "Le bilan des assises de 2015 prévoit la réunion du groupe « accès à la culture et "
            "à l’insertion » du 25 juin 2015 dans ses locaux, 7 rue Clovis à Metz."
        ),
        "address": "7 rue Clovis, Metz",
        "verified": False,
    },
    {
        "slug": "maison-diocesaine-de-la-solidarite",
        "name": "Maison diocésaine de la solidarité",
        "short_name": None,
        "kind": "association",
        "description": (
            "Le bilan des assises de 2015 prévoit la réunion du groupe annuaire du 3 juin 2015 "
            "dans ses locaux, 6 bd Paixhans à Metz."
        ),
        "address": "6 bd Paixhans, Metz",
        "verified": False,
    },
    {
        "slug": "ville-de-metz",
        "name": "Ville de Metz",
        "short_name": None,
        "kind": "institution",
        "description": (
            "La ville, la municipalité, la mairie du bilan des assises de 2015. Le réseau veut "
            "préciser son mode de collaboration avec la ville et se demande comment travailler "
            "avec la mairie dans le cadre de la feuille de route de M. Pitti. L’ouverture de "
            "bains douches et de toilettes publiques gratuits est à voir avec la municipalité ; "
            "l’atelier accès à la culture veut travailler avec le service communication de la "
            "ville pour relayer les évènements."
        ),
        "address": "",
        "verified": True,
    },
    {
        "slug": "ccas-de-metz",
        "name": "Centre communal d’action sociale de Metz",
        "short_name": "CCAS",
        "kind": "institution",
        "description": (
            "Selon le bilan des assises de 2015 : le CCAS n’a mis à disposition des assises que "
            "sa logistique ; un système de bail glissant existe déjà au CCAS ; pour le réseau, "
            "le CCAS n’est pas un facilitateur de son travail, c’est un partenaire parmi "
            "d’autres."
        ),
        "address": "",
        "verified": True,
    },
    {
        "slug": "ddcs-moselle",
        "name": "Direction départementale de la cohésion sociale de la Moselle",
        "short_name": "DDCS",
        "kind": "institution",
        "description": (
            "Selon le bilan des assises de 2015, la DDCS a donné aux assises un avis "
            "défavorable sur un camp géré type HCR pour demandeurs d’asile, et un avis plus "
            "favorable sur la mobilisation de locaux vides qui pourraient changer "
            "d’affectation."
        ),
        "address": "",
        "verified": True,
    },
    {
        "slug": "conseil-departemental-moselle",
        "name": "Conseil départemental de la Moselle",
        "short_name": None,
        "kind": "institution",
        "description": (
            "Selon le bilan des assises de 2015, un système de bail glissant existe déjà au "
            "conseil départemental."
        ),
        "address": "",
        "verified": True,
    },
    {
        "slug": "caf-moselle",
        "name": "Caisse d’allocations familiales de la Moselle",
        "short_name": "CAF",
        "kind": "institution",
        "description": (
            "Le bilan des assises de 2015 cite, sur la prévention des expulsions, un "
            "dispositif expérimental mis en place lors d’impayés CAF sur le loyer : un "
            "travailleur social se rend à domicile pour évaluer la situation et prévenir les "
            "expulsions."
        ),
        "address": "",
        "verified": True,
    },
]

# ---------------------------------------------------------------------------
# Proposals: the items of the four workshops (« Quelques éléments de l’Atelier … »),
# then the network's own (part III, 1 and 2)
# ---------------------------------------------------------------------------

# Keys: theme, title, quote (the document's words, exactly), body, easy_read (FALC),
# status (default in discussion: « chaque groupe reprendra toutes les propositions »),
# addressed (institution slugs: only where the document says to see or work with one; an
# institution whose opinion it reports has a stated position, not an addressee),
# stated (the institution's position as the review reports it: (slug, words)),
# old_titles (titles earlier versions of the demo gave it, to update those rows in place).
PROPOSALS = [
    # --- Accès à la santé -------------------------------------------------
    {
        "theme": "acces-sante",
        "title": "Une plateforme d’accueil médico-sociale des publics fragiles en centre-ville",
        "quote": (
            "des publics fragiles en centre-ville : ce pourrait être un partenariat ville, "
            "hôpitaux, associations"
        ),
        "body": (
            "Travailler le projet de plateforme d’accueil médico-sociale des publics fragiles "
            "en centre-ville : ce pourrait être un partenariat ville, hôpitaux, associations.\n\n"
            "Le projet de plateforme est beaucoup plus global."
        ),
        "easy_read": (
            "Un lieu en centre-ville pour accueillir les personnes fragiles, pour la santé et "
            "l’aide sociale.\n"
            "Ce pourrait être un projet commun de la ville, des hôpitaux et des associations."
        ),
    },
    {
        "theme": "acces-sante",
        "title": (
            "Contrat local de santé mentale : réactiver l’équipe mobile et créer des lits "
            "halte soins santé"
        ),
        "quote": (
            "Les démarches de contrat local de santé mentale devraient permettre de faciliter "
            "les relations et la synergie des acteurs"
        ),
        "body": (
            "Les démarches de contrat local de santé mentale devraient permettre de faciliter "
            "les relations et la synergie des acteurs, mais il ne faut pas perdre de vue la "
            "réactivation de l’équipe mobile, la création de lits halte soins santé."
        ),
        "easy_read": (
            "Il y a des démarches pour un contrat local de santé mentale.\n"
            "Ces démarches devraient aider ceux qui agissent à mieux travailler ensemble.\n"
            "Il ne faut pas oublier de remettre en route l’équipe mobile.\n"
            "Il ne faut pas oublier de créer des lits « halte soins santé »."
        ),
    },
    {
        "theme": "acces-sante",
        "title": "Un comité de pilotage de la PASS",
        "quote": "La possibilité d’un comité de pilotage de la PASS semble avancer.",
        "body": "La possibilité d’un comité de pilotage de la PASS semble avancer.",
        "easy_read": (
            "Idée : un groupe qui guide la permanence d’accès aux soins de santé.\n"
            "On l’appelle un comité de pilotage.\n"
            "Cette idée semble avancer."
        ),
    },
    {
        "theme": "acces-sante",
        "title": (
            "Une convention entre la PASS et des pharmacies de ville pour le week-end et les "
            "fermetures de la pharmacie de l’hôpital"
        ),
        "quote": "Proposition d’une convention de la PASS avec des pharmacies de ville",
        "body": (
            "Proposition d’une convention de la PASS avec des pharmacies de ville, pour le "
            "week-end et tous les temps où la pharmacie de l’hôpital est fermée."
        ),
        "easy_read": (
            "La pharmacie de l’hôpital est parfois fermée, par exemple le week-end.\n"
            "Idée : un accord entre la permanence d’accès aux soins de santé et "
            "des pharmacies de la ville.\n"
            "Cet accord servirait quand la pharmacie de l’hôpital est fermée."
        ),
    },
    {
        "theme": "acces-sante",
        "title": "Ouvrir des bains douches et des toilettes publiques gratuits",
        "quote": (
            "Ouverture de bains douches et de toilettes publiques gratuits : possibilité de "
            "mise en œuvre à voir avec la municipalité."
        ),
        "body": (
            "Ouverture de bains douches et de toilettes publiques gratuits : possibilité de "
            "mise en œuvre à voir avec la municipalité."
        ),
        "easy_read": (
            "Nous demandons des douches gratuites en ville.\n"
            "Nous demandons des toilettes gratuites en ville.\n"
            "Il faut voir avec la mairie si c’est possible."
        ),
        "addressed": ["ville-de-metz"],
    },
    # --- Urgence alimentaire ----------------------------------------------
    {
        "theme": "urgence-alimentaire",
        "title": "Mettre en place une veille alimentaire",
        "quote": (
            "Mettre en place une veille alimentaire : être vigilant dans le suivi de cette "
            "proposition"
        ),
        "body": (
            "Mettre en place une veille alimentaire : être vigilant dans le suivi de cette "
            "proposition."
        ),
        "easy_read": (
            "Idée : mettre en place une veille alimentaire.\n"
            "Une veille, c’est surveiller une situation avec attention.\n"
            "Il faut être attentif au suivi de cette proposition."
        ),
    },
    {
        "theme": "urgence-alimentaire",
        "title": "La qualité de l’aide alimentaire : distribution ou insertion ?",
        "quote": "La qualité a été oubliée. On n’a parlé que de quantité.",
        "body": (
            "Dans le débat entre associations, il y a une différence fondamentale, un vrai "
            "clivage qui n’a pas encore été explicité jusqu’à présent : la qualité a été "
            "oubliée. On n’a parlé que de quantité.\n\n"
            "Se situe-t-on dans l’aide alimentaire sous forme de distribution ou dans "
            "l’insertion ?"
        ),
        "easy_read": (
            "Les associations ne sont pas d’accord entre elles sur un point important.\n"
            "On a parlé de la quantité de l’aide alimentaire.\n"
            "On a oublié la qualité.\n"
            "Question : faut-il distribuer de la nourriture ou aider les personnes à s’insérer ?"
        ),
    },
    {
        "theme": "urgence-alimentaire",
        "title": (
            "Mieux répartir l’aide alimentaire dans la ville : lieux d’approvisionnement, "
            "épiceries mobiles"
        ),
        "quote": (
            "diversifier les lieux d’approvisionnements, création d’épiceries mobiles, aller "
            "au-devant des publics"
        ),
        "body": (
            "L’autre proposition, sur la répartition géographique, a été évoquée, mais tout "
            "reste à faire : diversifier les lieux d’approvisionnements, création d’épiceries "
            "mobiles, aller au-devant des publics…"
        ),
        "easy_read": (
            "Idée : des lieux plus variés pour trouver de la nourriture.\n"
            "Idée : des épiceries mobiles, qui se déplacent.\n"
            "Idée : aller vers les personnes.\n"
            "On en a parlé, mais tout reste à faire."
        ),
    },
    # --- Accès à la culture et insertion -----------------------------------
    {
        "theme": "culture-insertion",
        "title": (
            "Un centre de ressources et médiations, projet de Master à proposer à l’université"
        ),
        "old_titles": [
            "Un centre de ressources et médiations, projet de Master proposé à l’université"
        ],
        "quote": "Mettre en place un centre de ressources et médiations.",
        "body": (
            "Mettre en place un centre de ressources et médiations.\n\n"
            "Un beau projet de Master à proposer à l’université : le pilotage serait réalisé "
            "par le groupe culture insertion du réseau."
        ),
        "easy_read": (
            "Idée : créer un centre de ressources et de médiation.\n"
            "Ce serait un beau projet de master à proposer à l’université.\n"
            "Le groupe culture et insertion du réseau guiderait ce projet."
        ),
    },
    {
        "theme": "culture-insertion",
        "title": "Développer les postes de médiateurs culturels",
        "quote": (
            "Pour faciliter l’accès à la culture, les médiateurs culturels jouent un rôle central."
        ),
        "body": (
            "Pour faciliter l’accès à la culture, les médiateurs culturels jouent un rôle "
            "central. Ces postes devraient être développés.\n\n"
            "Il faut préciser ce qu’on entend par « médiateur culturel »."
        ),
        "easy_read": (
            "Les médiateurs culturels aident les personnes à aller vers la culture.\n"
            "Leur rôle est très important.\n"
            "Il faudrait plus de postes de médiateurs culturels.\n"
            "Il faut aussi dire clairement ce qu’est un médiateur culturel."
        ),
    },
    {
        "theme": "culture-insertion",
        "title": "Favoriser des activités où la personne participe",
        "quote": (
            "Favoriser des activités où la personne participe : développement personnel, "
            "valorisation, acquisition de la confiance en soi"
        ),
        "body": (
            "Favoriser des activités où la personne participe : développement personnel, "
            "valorisation, acquisition de la confiance en soi…\n\n"
            "L’importance d’écouter l’autre, de ne pas se situer comme celui qui sait et qui "
            "apporte, mais d’être dans une construction réciproque de savoirs, une "
            "co-construction, un co-apprentissage, a été soulignée comme fondamentale."
        ),
        "easy_read": (
            "Idée : des activités où la personne participe.\n"
            "Ces activités aident la personne à prendre confiance en elle.\n"
            "Il est très important d’écouter l’autre.\n"
            "On ne se place pas comme celui qui sait : on apprend les uns des autres."
        ),
    },
    {
        "theme": "culture-insertion",
        "title": "Renforcer la lisibilité sur ce qui est mené",
        "quote": "Renforcer la lisibilité sur ce qui est mené",
        "body": "Renforcer la lisibilité sur ce qui est mené.",
        "easy_read": (
            "Idée : rendre plus clair ce qui est fait.\n"
            "Les actions menées doivent être plus faciles à comprendre."
        ),
    },
    {
        "theme": "culture-insertion",
        "title": "Travailler avec le service communication de la ville pour relayer les évènements",
        "quote": (
            "Travailler avec le service communication de la ville pour relayer les évènements"
        ),
        "body": (
            "Travailler avec le service communication de la ville pour relayer les évènements."
        ),
        "easy_read": (
            "Idée : travailler avec le service communication de la ville.\n"
            "Ce service pourrait faire connaître les évènements."
        ),
        "addressed": ["ville-de-metz"],
    },
    {
        "theme": "culture-insertion",
        "title": "Utiliser le site du réseau pour communiquer",
        "quote": (
            "Utiliser le site du Réseau de Solidarité des Associations Messines pour communiquer"
        ),
        "body": (
            "Utiliser le site du Réseau de solidarité des associations messines pour communiquer."
        ),
        "easy_read": (
            "Idée : utiliser le site internet du Réseau de solidarité des associations messines.\n"
            "Ce site servirait à communiquer."
        ),
    },
    {
        "theme": "culture-insertion",
        "title": "Organiser un forum avec, au centre, la culture et les loisirs",
        "quote": "Un forum pourrait être organisé, avec au centre la culture, les loisirs.",
        "body": (
            "Un forum pourrait être organisé, avec au centre la culture, les loisirs. Chaque "
            "association, qu’il s’agisse ou non de son objectif premier, pourrait, par cet "
            "aspect de son travail, se faire connaître."
        ),
        "easy_read": (
            "Idée : organiser un forum sur la culture et les loisirs.\n"
            "Chaque association pourrait y montrer ce qu’elle fait pour la culture "
            "et les loisirs.\n"
            "Elle peut le faire même si ce n’est pas son but principal."
        ),
    },
    {
        "theme": "culture-insertion",
        "title": "Insérer la dimension culturelle dans la formation des travailleurs sociaux",
        "quote": ("Insérer la dimension culturelle dans les formations des travailleurs sociaux"),
        "body": (
            "Insérer la dimension culturelle dans les formations des travailleurs sociaux.\n\n"
            "Le bilan de l’atelier note : « pas de réponse »."
        ),
        "easy_read": (
            "Idée : ajouter la culture dans la formation des travailleurs sociaux.\n"
            "Cette idée n’a pas eu de réponse."
        ),
    },
    # --- Hébergement – logement --------------------------------------------
    {
        "theme": "hebergement-logement",
        "title": "La domiciliation",
        "old_titles": ["La domiciliation des personnes sans domicile stable"],
        "quote": "Avancées sur la domiciliation",
        "body": "Avancées sur la domiciliation (le bilan de l’atelier n’en dit pas plus).",
        "easy_read": (
            "Sujet : la domiciliation.\n"
            "Il y a eu des progrès sur ce sujet.\n"
            "Le bilan n’en dit pas plus."
        ),
    },
    {
        "theme": "hebergement-logement",
        "title": "Développer le bail glissant",
        "quote": (
            "un système de bail glissant existe déjà au conseil départemental et au CCAS. "
            "Aucune volonté politique de le développer."
        ),
        "body": (
            "Bail glissant : un système de bail glissant existe déjà au conseil départemental "
            "et au CCAS. Aucune volonté politique de le développer.\n\n"
            "Ce constat est celui du réseau, dans son bilan des assises."
        ),
        "easy_read": (
            "Sujet : le bail glissant.\n"
            "Le conseil départemental a déjà un système de bail glissant.\n"
            "Le centre communal d’action sociale a aussi ce système.\n"
            "Selon le réseau, il n’y a pas de volonté politique de le développer."
        ),
    },
    {
        "theme": "hebergement-logement",
        "title": "Un camp géré type HCR pour les demandeurs d’asile",
        "quote": (
            "Camp géré type HCR pour demandeurs d’asile : avis défavorable de la DDCS. La "
            "question reste cependant ouverte pour les associations."
        ),
        "body": (
            "Camp géré type HCR pour demandeurs d’asile : avis défavorable de la DDCS. La "
            "question reste cependant ouverte pour les associations."
        ),
        "easy_read": (
            "Idée : un camp pour les demandeurs d’asile.\n"
            "Il serait géré comme les camps du Haut-Commissariat des Nations unies "
            "pour les réfugiés.\n"
            "La direction départementale de la cohésion sociale n’est pas d’accord.\n"
            "Pour les associations, la question reste ouverte."
        ),
        "stated": [
            (
                "ddcs-moselle",
                "Camp géré type HCR pour demandeurs d’asile : avis défavorable de la DDCS.",
            )
        ],
    },
    {
        "theme": "hebergement-logement",
        "title": "Mobiliser des locaux vides qui pourraient changer d’affectation",
        "quote": (
            "avis plus favorable de la DDCS sur la mobilisation de locaux vides qui pourraient "
            "changer d’affectation."
        ),
        "body": (
            "Par contre (par rapport au camp géré type HCR), avis plus favorable de la DDCS "
            "sur la mobilisation de locaux vides qui pourraient changer d’affectation."
        ),
        "easy_read": (
            "Idée : utiliser des locaux vides.\n"
            "Ces locaux pourraient servir à autre chose.\n"
            "La direction départementale de la cohésion sociale préfère cette idée "
            "à l’idée du camp."
        ),
        "stated": [
            (
                "ddcs-moselle",
                "Par contre, avis plus favorable de la DDCS sur la mobilisation de locaux vides "
                "qui pourraient changer d’affectation.",
            )
        ],
    },
    {
        # Not a proposal to implement: the document lists the item and says only this. Kept
        # (not dropped) so the record shows the whole list, and rows people commented on
        # stay; it is not taken up (submitted), and its timeline says why.
        "theme": "hebergement-logement",
        "title": "La garantie universelle des loyers",
        "quote": "Garantie universelle des loyers : cette question n’a pas été soulevée.",
        "body": "Garantie universelle des loyers : cette question n’a pas été soulevée.",
        "easy_read": (
            "Sujet : la garantie universelle des loyers.\n"
            "Personne n’a parlé de ce sujet pendant l’atelier."
        ),
        "status": "submitted",
        "timeline": (
            "Point de l’atelier Hébergement – logement des assises de la solidarité du 30 avril "
            "2015 : cette question n’a pas été soulevée."
        ),
    },
    {
        # The quoted words are institutional but the document names no speaker: no addressee,
        # no stated position.
        "theme": "hebergement-logement",
        "title": "Prévenir les expulsions",
        "old_titles": ["Prévenir les expulsions locatives"],
        "quote": "Prévention des expulsions : des dispositifs sont déjà en place",
        "body": (
            "Prévention des expulsions : des dispositifs sont déjà en place. « Un dispositif "
            "expérimental a été mis en place lors d’impayés CAF sur le loyer, un travailleur "
            "social se rend à domicile pour évaluer la situation et prévenir les expulsions. "
            "Il doit être amplifié. A suivre. Une réponse individualisée est construite. En "
            "juin 2013 a été mise en place une commission pour le traitement des cas "
            "atypiques. »"
        ),
        "easy_read": (
            "Des solutions existent déjà pour éviter les expulsions.\n"
            "Un essai existe pour des loyers impayés liés à la caisse d’allocations familiales.\n"
            "Un travailleur social vient au domicile pour voir la situation.\n"
            "Cet essai doit être élargi.\n"
            "En juin 2013, une commission a été créée pour les situations inhabituelles."
        ),
    },
    # --- The network's own: the form of the meetings (part III, 1) ----------
    {
        "theme": NETWORK_THEME,
        "title": "Un animateur compétent et un secrétaire de séance dans chaque atelier",
        "quote": (
            "Un animateur compétent sur le sujet et un secrétaire de séance qui travaillent "
            "ensemble sur le fond et la forme"
        ),
        "body": (
            "Un animateur compétent sur le sujet et un secrétaire de séance qui travaillent "
            "ensemble sur le fond et la forme, pendant l’atelier, sur des objectifs à "
            "atteindre, puis lors de la restitution sur les propositions concrètes qui ont "
            "émergé."
        ),
        "easy_read": (
            "Dans un atelier, il faut une personne qui anime et qui connaît bien le sujet.\n"
            "Il faut aussi une personne qui écrit ce qui se dit.\n"
            "Ces deux personnes travaillent ensemble vers des objectifs.\n"
            "À la fin, elles présentent ensemble les propositions concrètes de l’atelier."
        ),
    },
    {
        "theme": NETWORK_THEME,
        "title": (
            "Une animation de la journée qui garde en perspective les objectifs de la rencontre"
        ),
        "quote": (
            "la personne qui anime la journée doit avoir en perspective les objectifs de la "
            "rencontre"
        ),
        "body": (
            "La personne qui anime la journée doit avoir en perspective les objectifs de la "
            "rencontre : les débats de l’après-midi pourraient être alors conduits de façon "
            "plus efficace."
        ),
        "easy_read": (
            "La personne qui anime la journée doit garder en tête les buts de la rencontre.\n"
            "Ainsi, les débats de l’après-midi seraient plus efficaces."
        ),
    },
    {
        "theme": NETWORK_THEME,
        "title": "Procéder à une inversion de logique",
        "quote": (
            "Procéder à une inversion de logique : ce n’est pas aux associations à solliciter, "
            "à quémander, mais aux institutions à faire des propositions aux associations."
        ),
        "body": (
            "Procéder à une inversion de logique : ce n’est pas aux associations à solliciter, "
            "à quémander, mais aux institutions à faire des propositions aux associations."
        ),
        "easy_read": (
            "Idée : changer les rôles.\n"
            "Les associations ne doivent pas avoir à demander ou à supplier.\n"
            "Ce sont les institutions qui doivent faire des propositions aux associations."
        ),
    },
    {
        "theme": NETWORK_THEME,
        "title": "Favoriser la participation du public bénéficiaire des actions de solidarité",
        "quote": "Favoriser la participation du public bénéficiaire des actions de solidarité",
        "body": "Favoriser la participation du public bénéficiaire des actions de solidarité.",
        "easy_read": (
            "Idée : aider les personnes qui reçoivent une aide à participer.\n"
            "Ce sont les personnes aidées par les actions de solidarité."
        ),
    },
    {
        "theme": NETWORK_THEME,
        "title": "Donner des exemples concrets de précarité face aux institutions présentes",
        "quote": (
            "Permettre à l’une ou l’autre association de donner des exemples concrets de "
            "précarité face aux institutions présentes."
        ),
        "body": (
            "Permettre à l’une ou l’autre association de donner des exemples concrets de "
            "précarité face aux institutions présentes."
        ),
        "easy_read": (
            "Idée : une association donne des exemples réels de personnes en difficulté.\n"
            "Elle les donne devant les institutions présentes."
        ),
    },
    # --- The network's own: points to watch in the follow-up (part III, 2) ---
    {
        "theme": NETWORK_THEME,
        "title": "Préciser le mode de collaboration avec la ville et, éventuellement, le CCAS",
        "quote": (
            "Préciser le mode de collaboration avec la ville et, éventuellement avec le CCAS."
        ),
        "body": (
            "Point de vigilance pour le suivi des propositions : préciser le mode de "
            "collaboration avec la ville et, éventuellement avec le CCAS."
        ),
        "easy_read": (
            "Pour suivre les propositions, il faut faire attention à un point.\n"
            "Il faut dire clairement comment travailler avec la ville.\n"
            "Et peut-être aussi avec le centre communal d’action sociale."
        ),
        "addressed": ["ville-de-metz", "ccas-de-metz"],
    },
    {
        "theme": NETWORK_THEME,
        "title": "Des journées thématiques inter-associations plutôt que des « kermesses »",
        "quote": (
            "il serait plus intéressant de développer des journées thématiques (conférences, "
            "analyses de pratiques …) inter-associations autour des thèmes qui nous "
            "préoccupent."
        ),
        "body": (
            "Point de vigilance pour le suivi des propositions : plutôt que de parler de "
            "« kermesses » ou « foires » des associations, il serait plus intéressant de "
            "développer des journées thématiques (conférences, analyses de pratiques …) "
            "inter-associations autour des thèmes qui nous préoccupent."
        ),
        "easy_read": (
            "Le réseau propose des journées entre associations, chacune sur un thème.\n"
            "C’est mieux que des « kermesses » ou des « foires » des associations.\n"
            "Par exemple : des conférences, ou des échanges sur les façons de travailler.\n"
            "Les thèmes sont les sujets qui inquiètent le réseau."
        ),
    },
    {
        "theme": NETWORK_THEME,
        "title": "Travailler avec la mairie dans le cadre de la feuille de route de M. Pitti",
        "quote": (
            "comment va-t-on travailler avec la mairie dans le cadre de la feuille de route de "
            "M. Pitti ? Il y a des objectifs sur un temps court."
        ),
        "body": (
            "Point de vigilance pour le suivi des propositions : comment va-t-on travailler "
            "avec la mairie dans le cadre de la feuille de route de M. Pitti ? Il y a des "
            "objectifs sur un temps court. Comment nos propositions vont-elles avancer dans "
            "les mois qui viennent ?"
        ),
        "easy_read": (
            "Question : comment travailler avec la mairie, dans la feuille de "
            "route de Monsieur Pitti ?\n"
            "Une feuille de route est un plan de travail.\n"
            "Il y a des objectifs à atteindre en peu de temps.\n"
            "Question : comment nos propositions vont-elles avancer dans les prochains mois ?"
        ),
        "addressed": ["ville-de-metz"],
    },
    {
        "theme": NETWORK_THEME,
        "title": "Se donner des conditions pour penser les uns avec les autres",
        "quote": (
            "Se donner des conditions pour penser les uns avec les autres : usagers, acteurs "
            "de terrain."
        ),
        "body": (
            "Point de vigilance pour le suivi des propositions : se donner des conditions pour "
            "penser les uns avec les autres : usagers, acteurs de terrain. Rendre effectif ce "
            "« penser avec » pour envisager quelque chose…"
        ),
        "easy_read": (
            "Idée : les usagers et les personnes qui agissent sur le terrain "
            "réfléchissent ensemble.\n"
            "Il faut créer les conditions pour cela.\n"
            "Ce « penser avec » doit devenir réel."
        ),
    },
]

# The one timeline entry of each proposal, on the day of the assises.
WORKSHOP_TIMELINE = (
    "Proposition issue des assises de la solidarité du 30 avril 2015. Selon le bilan du "
    "réseau, chaque groupe reprendra toutes les propositions pour les affiner, prendre les "
    "contacts et engager les démarches pour les mettre en œuvre, et suivre cette mise en "
    "œuvre."
)
NETWORK_TIMELINE = (
    "Proposition du réseau, dans son bilan des assises de la solidarité du 30 avril 2015 "
    "(partie III). Le bilan n’est pas daté : l’entrée porte la date des assises."
)

# ---------------------------------------------------------------------------
# Working-group meetings announced in « IV – Suite à donner »: no end time, no agenda
# ---------------------------------------------------------------------------

_MEETING_DESCRIPTION = (
    "Réunion prévue par le bilan des assises de la solidarité du 30 avril 2015. Chaque groupe "
    "reprendra toutes les propositions pour les affiner, prendre les contacts et engager les "
    "démarches pour les mettre en œuvre, et suivre cette mise en œuvre."
)

MEETINGS = [
    {
        "title": "Réunion du groupe annuaire",
        "theme": None,
        "starts_at": (2015, 6, 3, 9, 0),
        "place_name": "Maison diocésaine de la solidarité",
        "address": "6 bd Paixhans, Metz",
        "host": "maison-diocesaine-de-la-solidarite",
        "description": _MEETING_DESCRIPTION,
    },
    {
        "title": "Réunion du groupe « accès à la santé »",
        "theme": "acces-sante",
        "starts_at": (2015, 6, 4, 14, 0),
        "place_name": "Médecins du Monde",
        "address": "12 b rue d’Annecy, Metz Bellecroix",
        "host": "medecins-du-monde",
        "description": _MEETING_DESCRIPTION,
    },
    {
        "title": "Réunion du groupe « accès à la culture et à l’insertion »",
        "theme": "culture-insertion",
        "starts_at": (2015, 6, 25, 14, 30),
        "place_name": "Fondation Abbé Pierre",
        "address": "7 rue Clovis, Metz",
        "host": "fondation-abbe-pierre",
        "description": _MEETING_DESCRIPTION,
    },
]

# ---------------------------------------------------------------------------
# Demonstration accounts: (email, pseudonym, role, organisation slug or None)
# ---------------------------------------------------------------------------

# Public on purpose: the demo accounts (README); `flask demo load` is refused in production.
DEMO_PASSWORD = "demo-password"  # nosec B105

DEMO_ACCOUNTS = [
    ("admin@demo.voix-solidaires.fr", "Coordination du réseau", "admin", RESEAU),
    ("moderation@demo.voix-solidaires.fr", "Modération MdM", "moderator", "medecins-du-monde"),
    ("association@demo.voix-solidaires.fr", "Membre du réseau", "association_member", RESEAU),
    (
        "institution@demo.voix-solidaires.fr",
        "Représentant·e Ville de Metz",
        "institution_rep",
        "ville-de-metz",
    ),
    ("usager@demo.voix-solidaires.fr", "Camille", "participant", None),
]

# The directory lists organisations by workshop: the network takes part in all of them;
# Médecins du Monde and the Fondation Abbé Pierre host a group's meeting. An institution's
# workshops are those of the proposals addressed to it.
ASSOCIATION_THEMES = {
    RESEAU: [
        "acces-sante",
        "urgence-alimentaire",
        "culture-insertion",
        "hebergement-logement",
        NETWORK_THEME,
    ],
    "medecins-du-monde": ["acces-sante"],
    "fondation-abbe-pierre": ["culture-insertion"],
}
