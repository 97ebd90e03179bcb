"""The content of the source document, as plain data for the demonstration.

Source: « Bilan qualitatif des assises de la solidarité du 30 avril 2015 », by the
Réseau de solidarité des associations messines (``shared/source/bilan-assises-solidarite-2015``).
The texts keep the document's words, lightly rewritten into full sentences. Nothing here
comes from outside the document except the expanded names of the institutions it abbreviates.

Every structure is ordered; ``app.services.demo.load_demo`` turns it into rows.
"""

ORIGIN = "Assises de la solidarité du 30 avril 2015"

RESEAU = "reseau-solidarite-associations-messines"

# ---------------------------------------------------------------------------
# Workshops (ateliers), in the order of the document
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
            "domiciliation, bail glissant, hébergement des demandeurs d’asile, locaux vides, "
            "garantie des loyers et prévention des expulsions."
        ),
    },
]

# ---------------------------------------------------------------------------
# Organisations named in the document
# ---------------------------------------------------------------------------

ORGANISATIONS = [
    {
        "slug": RESEAU,
        "name": "Réseau de solidarité des associations messines",
        "short_name": "Réseau",
        "kind": "association",
        "description": (
            "Réseau des associations de solidarité de Metz, constitué un an avant les assises "
            "de 2015 à l’initiative de Médecins du Monde et de la Ligue des droits de l’Homme, "
            "de façon totalement indépendante du CCAS. Il a proposé une enquête aux "
            "participants des assises de la solidarité du 30 avril 2015 et en a tiré un bilan "
            "qualitatif. Ses groupes de travail reprennent les propositions pour les affiner, "
            "engager les démarches et suivre leur mise en œuvre."
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
            "Association à l’initiative, avec la Ligue des droits de l’Homme, du Réseau de "
            "solidarité des associations messines. Ses locaux de Metz Bellecroix accueillent "
            "les réunions du groupe « accès à la santé »."
        ),
        "address": "12 b rue d’Annecy, 57070 Metz Bellecroix",
        "verified": False,
    },
    {
        "slug": "ligue-des-droits-de-l-homme",
        "name": "Ligue des droits de l’Homme",
        "short_name": "LDH",
        "kind": "association",
        "description": (
            "Association à l’initiative, avec Médecins du Monde, du Réseau de solidarité des "
            "associations messines."
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
            "Ses locaux de la rue Clovis accueillent les réunions du groupe « accès à la "
            "culture et à l’insertion » du réseau."
        ),
        "address": "7 rue Clovis, 57000 Metz",
        "verified": False,
    },
    {
        "slug": "maison-diocesaine-de-la-solidarite",
        "name": "Maison diocésaine de la solidarité",
        "short_name": None,
        "kind": "association",
        "description": (
            "Ses locaux du boulevard Paixhans accueillent les réunions du groupe annuaire du "
            "réseau, qui recense qui fait quoi parmi les acteurs de la solidarité."
        ),
        "address": "6 bd Paixhans, 57000 Metz",
        "verified": False,
    },
    {
        "slug": "ville-de-metz",
        "name": "Ville de Metz",
        "short_name": None,
        "kind": "institution",
        "description": (
            "La municipalité. L’idée des assises de la solidarité revient à M. Pitti, dont la "
            "feuille de route fixe des objectifs à court terme. Le réseau souhaite préciser son "
            "mode de collaboration avec la ville, travailler avec son service communication "
            "pour relayer les évènements et voir avec elle l’ouverture de bains douches et de "
            "toilettes publiques gratuits."
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
            "Il a mis sa logistique à disposition des assises de la solidarité du 30 avril "
            "2015. Un système de bail glissant existe déjà au CCAS. Pour le réseau, c’est un "
            "partenaire parmi d’autres."
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
            "Aux assises, elle a donné son avis sur les propositions de l’atelier "
            "hébergement – logement : défavorable à un camp géré type HCR pour les demandeurs "
            "d’asile, plus favorable à la mobilisation de locaux vides qui pourraient changer "
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
            "Un système de bail glissant existe déjà au conseil départemental, sans volonté "
            "politique de le développer."
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
            "Lors d’impayés CAF sur le loyer, un dispositif expérimental envoie un travailleur "
            "social à domicile pour évaluer la situation et prévenir les expulsions ; une "
            "commission pour le traitement des cas atypiques a été mise en place en juin 2013."
        ),
        "address": "",
        "verified": True,
    },
    {
        "slug": "hopitaux-de-metz",
        "name": "Hôpitaux de Metz",
        "short_name": None,
        "kind": "institution",
        "description": (
            "Les hôpitaux de la ville, avec leur permanence d’accès aux soins de santé (PASS) "
            "et la pharmacie de l’hôpital. Partenaires envisagés du projet de plateforme "
            "d’accueil médico-sociale des publics fragiles en centre-ville."
        ),
        "address": "",
        "verified": True,
    },
    {
        "slug": "universite-de-lorraine",
        "name": "Université de Lorraine",
        "short_name": None,
        "kind": "institution",
        "description": (
            "Le réseau veut lui proposer un projet de Master : mettre en place un centre de "
            "ressources et médiations pour l’accès à la culture."
        ),
        "address": "",
        "verified": True,
    },
]

# ---------------------------------------------------------------------------
# Proposals of the four workshops (« Quelques éléments de l’Atelier … »)
# ---------------------------------------------------------------------------

_NEXT_STEPS = (
    "Comme toutes les propositions des assises, le groupe de travail du réseau doit "
    "l’affiner, prendre les contacts, engager les démarches pour la mettre en œuvre et "
    "suivre cette mise en œuvre."
)

PROPOSALS = [
    # --- Accès à la santé -------------------------------------------------
    {
        "theme": "acces-sante",
        "title": "Une plateforme d’accueil médico-sociale des publics fragiles en centre-ville",
        "body": (
            "Travailler le projet de plateforme d’accueil médico-sociale des publics fragiles "
            "en centre-ville. Ce pourrait être un partenariat entre la ville, les hôpitaux et "
            "les associations.\n\n"
            "Ce projet de plateforme est beaucoup plus global que les démarches du contrat "
            "local de santé mentale."
        ),
        # Easy-read summaries are the demo's own, written as an association would.
        "easy_read": (
            "Un lieu en centre-ville pour se soigner et trouver de l’aide.\n"
            "La ville, l’hôpital et les associations le préparent ensemble."
        ),
        "status": "in_discussion",
        "status_reason": (
            "Le projet est à travailler, en partenariat entre la ville, les hôpitaux et les "
            "associations."
        ),
        "addressed": [("ville-de-metz", ""), ("hopitaux-de-metz", "")],
    },
    {
        "theme": "acces-sante",
        "title": (
            "Contrat local de santé mentale : réactiver l’équipe mobile et créer des lits "
            "halte soins santé"
        ),
        "body": (
            "Les démarches de contrat local de santé mentale devraient permettre de faciliter "
            "les relations et la synergie des acteurs.\n\n"
            "Mais il ne faut pas perdre de vue la réactivation de l’équipe mobile et la "
            "création de lits halte soins santé."
        ),
        "status": "in_discussion",
        "status_reason": (
            "Les démarches de contrat local de santé mentale sont engagées ; la réactivation "
            "de l’équipe mobile et la création de lits halte soins santé ne doivent pas être "
            "perdues de vue."
        ),
        "addressed": [("ville-de-metz", ""), ("hopitaux-de-metz", "")],
    },
    {
        "theme": "acces-sante",
        "title": "Un comité de pilotage de la PASS",
        "body": (
            "Mettre en place un comité de pilotage de la PASS, la permanence d’accès aux "
            "soins de santé de l’hôpital."
        ),
        "status": "in_progress",
        "status_reason": "La possibilité d’un comité de pilotage de la PASS semble avancer.",
        "addressed": [("hopitaux-de-metz", "")],
    },
    {
        "theme": "acces-sante",
        "title": (
            "Une convention entre la PASS et des pharmacies de ville pour le week-end et les "
            "fermetures de la pharmacie de l’hôpital"
        ),
        "body": (
            "Proposition d’une convention de la PASS avec des pharmacies de ville, pour le "
            "week-end et pour tous les temps où la pharmacie de l’hôpital est fermée."
        ),
        "status": "in_discussion",
        "status_reason": (
            "Proposition faite en atelier lors des assises, en même temps que le comité de "
            "pilotage de la PASS."
        ),
        "addressed": [("hopitaux-de-metz", "")],
    },
    {
        "theme": "acces-sante",
        "title": "Ouvrir des bains douches et des toilettes publiques gratuits",
        "easy_read": (
            "Nous demandons des douches gratuites en ville.\n"
            "Nous demandons des toilettes gratuites en ville.\n"
            "La mairie doit dire si c’est possible."
        ),
        "body": (
            "Ouverture de bains douches et de toilettes publiques gratuits.\n\n"
            "La possibilité de mise en œuvre est à voir avec la municipalité."
        ),
        "status": "in_discussion",
        "status_reason": "La possibilité de mise en œuvre est à voir avec la municipalité.",
        "addressed": [
            ("ville-de-metz", "Possibilité de mise en œuvre à voir avec la municipalité."),
        ],
    },
    # --- Urgence alimentaire ----------------------------------------------
    {
        "theme": "urgence-alimentaire",
        "title": "Mettre en place une veille alimentaire",
        "body": (
            "Mettre en place une veille alimentaire.\n\n"
            "Il faut être vigilant dans le suivi de cette proposition."
        ),
        "status": "in_discussion",
        "status_reason": "Il faut être vigilant dans le suivi de cette proposition.",
        "addressed": [],
    },
    {
        "theme": "urgence-alimentaire",
        "title": "La qualité de l’aide alimentaire : distribution ou insertion ?",
        "body": (
            "Dans le débat entre associations, il y a une différence fondamentale, un vrai "
            "clivage qui n’a pas encore été explicité jusqu’à présent : la qualité a été "
            "oubliée, on n’a parlé que de quantité.\n\n"
            "Se situe-t-on dans l’aide alimentaire sous forme de distribution, ou dans "
            "l’insertion ? La question est à débattre entre les associations."
        ),
        "status": "in_discussion",
        "status_reason": (
            "Un vrai clivage entre associations, qui n’a pas encore été explicité ; la "
            "complexité vient parfois de désaccords de fond entre les associations."
        ),
        "addressed": [],
    },
    {
        "theme": "urgence-alimentaire",
        "title": (
            "Mieux répartir l’aide alimentaire dans la ville : lieux d’approvisionnement, "
            "épiceries mobiles"
        ),
        "body": (
            "La proposition sur la répartition géographique de l’aide alimentaire a été "
            "évoquée aux assises.\n\n"
            "Il s’agit de diversifier les lieux d’approvisionnement, de créer des épiceries "
            "mobiles et d’aller au-devant des publics."
        ),
        "status": "in_discussion",
        "status_reason": "La proposition a été évoquée, mais tout reste à faire.",
        "addressed": [],
    },
    # --- Accès à la culture et insertion -----------------------------------
    {
        "theme": "culture-insertion",
        "title": "Un centre de ressources et médiations, projet de Master proposé à l’université",
        "body": (
            "Mettre en place un centre de ressources et médiations.\n\n"
            "C’est un beau projet de Master à proposer à l’université. Le pilotage serait "
            "réalisé par le groupe culture insertion du réseau."
        ),
        "status": "in_discussion",
        "status_reason": (
            "Le projet de Master reste à proposer à l’université ; le groupe culture insertion "
            "du réseau en assurerait le pilotage."
        ),
        "addressed": [("universite-de-lorraine", "")],
    },
    {
        "theme": "culture-insertion",
        "title": "Développer les postes de médiateurs culturels",
        "body": (
            "Pour faciliter l’accès à la culture, les médiateurs culturels jouent un rôle "
            "central. Ces postes devraient être développés.\n\n"
            "Il faut préciser ce qu’on entend par « médiateur culturel »."
        ),
        "status": "in_discussion",
        "status_reason": "Il reste à préciser ce qu’on entend par « médiateur culturel ».",
        "addressed": [],
    },
    {
        "theme": "culture-insertion",
        "title": "Favoriser des activités où la personne participe",
        "body": (
            "Favoriser des activités où la personne participe : développement personnel, "
            "valorisation, acquisition de la confiance en soi…\n\n"
            "L’importance d’écouter l’autre, de ne pas se situer comme celui qui sait et qui "
            "apporte, mais d’être dans une construction réciproque de savoirs, une "
            "co-construction, un co-apprentissage, a été soulignée comme fondamentale."
        ),
        "status": "in_discussion",
        "status_reason": (
            "L’atelier a souligné comme fondamentale la co-construction des savoirs avec les "
            "personnes."
        ),
        "addressed": [],
    },
    {
        "theme": "culture-insertion",
        "title": "Travailler avec le service communication de la ville pour relayer les évènements",
        "body": (
            "Pour renforcer la lisibilité de ce qui est mené, travailler avec le service "
            "communication de la ville afin de relayer les évènements des associations."
        ),
        "status": "in_discussion",
        "status_reason": _NEXT_STEPS,
        "addressed": [("ville-de-metz", "")],
    },
    {
        "theme": "culture-insertion",
        "title": "Utiliser le site du réseau pour communiquer",
        "body": (
            "Pour renforcer la lisibilité de ce qui est mené, utiliser le site du Réseau de "
            "solidarité des associations messines pour communiquer."
        ),
        "status": "in_discussion",
        "status_reason": _NEXT_STEPS,
        "addressed": [],
    },
    {
        "theme": "culture-insertion",
        "title": "Organiser un forum avec, au centre, la culture et les loisirs",
        "body": (
            "Un forum pourrait être organisé, avec au centre la culture et les loisirs.\n\n"
            "Chaque association, qu’il s’agisse ou non de son objectif premier, pourrait se "
            "faire connaître par cet aspect de son travail."
        ),
        "status": "in_discussion",
        "status_reason": _NEXT_STEPS,
        "addressed": [],
    },
    {
        "theme": "culture-insertion",
        "title": "Insérer la dimension culturelle dans la formation des travailleurs sociaux",
        "body": (
            "Insérer la dimension culturelle dans les formations des travailleurs sociaux.\n\n"
            "La proposition a été présentée aux institutions lors des assises ; elle n’a "
            "reçu aucune réponse."
        ),
        "status": "sent",
        "status_reason": "Proposition présentée aux institutions : pas de réponse.",
        "addressed": [("conseil-departemental-moselle", "Pas de réponse.")],
    },
    # --- Hébergement – logement --------------------------------------------
    {
        "theme": "hebergement-logement",
        "title": "La domiciliation des personnes sans domicile stable",
        "body": (
            "Faire avancer la domiciliation des personnes qui n’ont pas d’adresse.\n\n"
            "Des avancées sur la domiciliation ont été obtenues lors des assises ; le groupe "
            "hébergement – logement en suit la mise en œuvre."
        ),
        "status": "in_progress",
        "status_reason": "Avancées sur la domiciliation lors des assises.",
        "addressed": [("ccas-de-metz", ""), ("ddcs-moselle", "")],
    },
    {
        "theme": "hebergement-logement",
        "title": "Développer le bail glissant",
        "body": (
            "Développer le bail glissant.\n\n"
            "Un système de bail glissant existe déjà au conseil départemental et au CCAS, "
            "mais il n’y a aucune volonté politique de le développer."
        ),
        "status": "answered",
        "status_reason": (
            "Un système de bail glissant existe déjà au conseil départemental et au CCAS. "
            "Aucune volonté politique de le développer."
        ),
        "addressed": [
            (
                "conseil-departemental-moselle",
                "Un système de bail glissant existe déjà au conseil départemental et au "
                "CCAS. Aucune volonté politique de le développer.",
            ),
            (
                "ccas-de-metz",
                "Un système de bail glissant existe déjà au conseil départemental et au "
                "CCAS. Aucune volonté politique de le développer.",
            ),
        ],
    },
    {
        "theme": "hebergement-logement",
        "title": "Un camp géré type HCR pour les demandeurs d’asile",
        "body": (
            "Ouvrir un camp géré, sur le modèle du HCR, pour les demandeurs d’asile.\n\n"
            "La DDCS a donné un avis défavorable. La question reste cependant ouverte pour "
            "les associations."
        ),
        "status": "answered",
        "status_reason": (
            "Avis défavorable de la DDCS ; la question reste cependant ouverte pour les "
            "associations."
        ),
        "addressed": [("ddcs-moselle", "Avis défavorable.")],
    },
    {
        "theme": "hebergement-logement",
        "title": "Mobiliser des locaux vides qui pourraient changer d’affectation",
        "body": (
            "Mobiliser, pour l’hébergement, des locaux vides qui pourraient changer "
            "d’affectation.\n\n"
            "La DDCS a donné sur ce point un avis plus favorable que sur le camp géré pour "
            "les demandeurs d’asile."
        ),
        "status": "answered",
        "status_reason": (
            "Avis plus favorable de la DDCS sur la mobilisation de locaux vides qui pourraient "
            "changer d’affectation."
        ),
        "addressed": [
            (
                "ddcs-moselle",
                "Avis plus favorable de la DDCS sur la mobilisation de locaux vides qui "
                "pourraient changer d’affectation.",
            ),
        ],
    },
    {
        "theme": "hebergement-logement",
        "title": "La garantie universelle des loyers",
        "body": (
            "Mettre en œuvre la garantie universelle des loyers.\n\n"
            "Cette question n’a pas été soulevée lors des assises."
        ),
        "status": "submitted",
        "status_reason": "Cette question n’a pas été soulevée lors des assises.",
        "addressed": [],
    },
    {
        "theme": "hebergement-logement",
        "title": "Prévenir les expulsions locatives",
        "body": (
            "Prévenir les expulsions. Des dispositifs sont déjà en place : lors d’impayés CAF "
            "sur le loyer, un dispositif expérimental envoie un travailleur social à domicile "
            "pour évaluer la situation et prévenir les expulsions.\n\n"
            "Ce dispositif doit être amplifié. À suivre."
        ),
        "status": "answered",
        "status_reason": (
            "Des dispositifs sont déjà en place selon la CAF ; le dispositif expérimental doit "
            "être amplifié. À suivre."
        ),
        "addressed": [
            (
                "caf-moselle",
                "Des dispositifs sont déjà en place. « Un dispositif expérimental a été mis en "
                "place lors d’impayés CAF sur le loyer, un travailleur social se rend à "
                "domicile pour évaluer la situation et prévenir les expulsions. Il doit être "
                "amplifié. À suivre. Une réponse individualisée est construite. En juin 2013 "
                "a été mise en place une commission pour le traitement des cas atypiques. »",
            ),
        ],
    },
]

# ---------------------------------------------------------------------------
# Working-group meetings announced in « IV – Suite à donner »
# ---------------------------------------------------------------------------

# Each meeting names its secretary, a demo account (made a member of the host if it is not).
MEETINGS = [
    {
        "title": "Réunion du groupe annuaire",
        "theme": None,
        "starts_at": (2015, 6, 3, 9, 0),
        "duration_minutes": 120,
        "place_name": "Maison diocésaine de la solidarité",
        "address": "6 bd Paixhans, 57000 Metz",
        "host": "maison-diocesaine-de-la-solidarite",
        "secretary": "association@demo.voix-solidaires.fr",
        "description": (
            "Le groupe annuaire prolonge l’une des avancées des assises : une meilleure "
            "connaissance de l’existant, qui permet de bien identifier qui fait quoi parmi "
            "les acteurs de la solidarité."
        ),
        "agenda": (
            "1. Recenser l’existant : qui fait quoi parmi les acteurs de la solidarité.\n"
            "2. Apporter des précisions sur les actions méconnues.\n"
            "3. Accueillir les associations qui ne sont pas encore intégrées dans le réseau.\n"
            "4. Se répartir les contacts à prendre et les démarches à engager, et convenir du "
            "suivi."
        ),
        # No workshop proposal concerns the directory itself.
        "proposals": [],
    },
    {
        "title": "Réunion du groupe « accès à la santé »",
        "theme": "acces-sante",
        "starts_at": (2015, 6, 4, 14, 0),
        "duration_minutes": 120,
        "place_name": "Médecins du Monde",
        "address": "12 b rue d’Annecy, 57070 Metz Bellecroix",
        "host": "medecins-du-monde",
        "secretary": "moderation@demo.voix-solidaires.fr",
        "description": (
            "Le groupe reprend toutes les propositions de l’atelier Accès à la santé pour les "
            "affiner, prendre les contacts et engager les démarches pour les mettre en "
            "œuvre, puis suivre cette mise en œuvre : plateforme d’accueil médico-sociale, "
            "contrat local de santé mentale, PASS, bains douches et toilettes publiques."
        ),
        "agenda": (
            "1. Relire le compte rendu de l’atelier des assises, qui n’était pas fidèle aux "
            "débats sur l’accès aux soins.\n"
            "2. Plateforme d’accueil médico-sociale des publics fragiles en centre-ville : un "
            "partenariat entre la ville, les hôpitaux et les associations.\n"
            "3. Contrat local de santé mentale : ne pas perdre de vue la réactivation de "
            "l’équipe mobile et la création de lits halte soins santé.\n"
            "4. PASS : le comité de pilotage, la convention avec des pharmacies de ville pour "
            "le week-end et les fermetures de la pharmacie de l’hôpital.\n"
            "5. Bains douches et toilettes publiques gratuits : la mise en œuvre à voir avec "
            "la municipalité.\n"
            "6. Pour chaque proposition : prendre les contacts, engager les démarches et "
            "organiser le suivi."
        ),
        "proposals": [
            "Une plateforme d’accueil médico-sociale des publics fragiles en centre-ville",
            (
                "Contrat local de santé mentale : réactiver l’équipe mobile et créer des lits "
                "halte soins santé"
            ),
            "Un comité de pilotage de la PASS",
            (
                "Une convention entre la PASS et des pharmacies de ville pour le week-end et les "
                "fermetures de la pharmacie de l’hôpital"
            ),
            "Ouvrir des bains douches et des toilettes publiques gratuits",
        ],
    },
    {
        "title": "Réunion du groupe « accès à la culture et à l’insertion »",
        "theme": "culture-insertion",
        "starts_at": (2015, 6, 25, 14, 30),
        "duration_minutes": 120,
        "place_name": "Fondation Abbé Pierre",
        "address": "7 rue Clovis, 57000 Metz",
        "host": "fondation-abbe-pierre",
        "secretary": "association@demo.voix-solidaires.fr",
        "description": (
            "Le groupe reprend toutes les propositions de l’atelier Accès à la culture et "
            "insertion pour les affiner, prendre les contacts et engager les démarches pour "
            "les mettre en œuvre, puis suivre cette mise en œuvre : centre de ressources et "
            "médiations, médiateurs culturels, communication, forum culture et loisirs."
        ),
        "agenda": (
            "1. Relire le compte rendu de l’atelier des assises, qui n’était pas fidèle aux "
            "débats sur l’accès à la culture.\n"
            "2. Centre de ressources et médiations : le projet de Master à proposer à "
            "l’université, piloté par le groupe culture insertion.\n"
            "3. Médiateurs culturels : préciser ce qu’on entend par « médiateur culturel ».\n"
            "4. Activités où la personne participe : la co-construction des savoirs.\n"
            "5. Lisibilité de ce qui est mené : le service communication de la ville, le site "
            "du réseau, un forum avec au centre la culture et les loisirs.\n"
            "6. La dimension culturelle dans la formation des travailleurs sociaux, restée "
            "sans réponse."
        ),
        "proposals": [
            "Un centre de ressources et médiations, projet de Master proposé à l’université",
            "Développer les postes de médiateurs culturels",
            "Favoriser des activités où la personne participe",
            "Travailler avec le service communication de la ville pour relayer les évènements",
            "Utiliser le site du réseau pour communiquer",
            "Organiser un forum avec, au centre, la culture et les loisirs",
            "Insérer la dimension culturelle dans la formation des travailleurs sociaux",
        ],
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

# The positions the institutions stated at the assises, as official positions on the site.
# A stated "Pas de réponse." stays what it was: no response, the institution still owes one.
NO_ANSWER = "Pas de réponse."
RESPONSE_ORIGIN = "Position exprimée lors des assises du 30 avril 2015"
POSITIONS = {
    ("Ouvrir des bains douches et des toilettes publiques gratuits", "ville-de-metz"): (
        "under_study"
    ),
    ("Développer le bail glissant", "conseil-departemental-moselle"): "unfavourable",
    ("Développer le bail glissant", "ccas-de-metz"): "unfavourable",
    ("Un camp géré type HCR pour les demandeurs d’asile", "ddcs-moselle"): "unfavourable",
    ("Mobiliser des locaux vides qui pourraient changer d’affectation", "ddcs-moselle"): (
        "favourable"
    ),
    ("Prévenir les expulsions locatives", "caf-moselle"): "already_in_place",
}

# Workshops of the associations, as the document shows them (the network runs all four;
# Médecins du Monde hosts the health group; the Fondation Abbé Pierre hosts the culture
# group and works on housing). An institution's workshops are those of the proposals
# addressed to it.
ASSOCIATION_THEMES = {
    RESEAU: ["acces-sante", "urgence-alimentaire", "culture-insertion", "hebergement-logement"],
    "medecins-du-monde": ["acces-sante"],
    "fondation-abbe-pierre": ["culture-insertion", "hebergement-logement"],
}
