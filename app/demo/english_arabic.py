"""The demonstration's texts in English and Arabic, translated by the network.

Each translation is keyed by the French original it translates, word for word: the loaders
(``app.services.demo.add_demo_translations``) give an object a translation only while its
French text is this very one, so a text changed on the site is never shown with the
translation of another. What is translated: every demo proposal's title and easy-read
summary, the workshops' and the events' names, and the first charter's introduction and
articles (version 2015-1, created by the migrations; a later version's articles are
translated where their text is the same).

The translations are plain: short sentences and common words, the easy-read summaries in the
same easy-read style as the French (one idea a line, in the same lines), Arabic in Modern
Standard Arabic. They say what the French says, nothing more: the 2015 record's proposals
stay the source's, and what is invented for the example edition says "(example)" and
"(مثال)" where the French says "(exemple)".
"""

LANGUAGES = ("en", "ar")


def _joined(text: str | tuple[str, ...]) -> str:
    """A text written as its lines (an easy-read summary) back into one string."""
    return text if isinstance(text, str) else "\n".join(text)


def _texts(*rows: tuple) -> dict[str, dict[str, str]]:
    """French original → {language: translation}; a French text given twice is an error."""
    texts: dict[str, dict[str, str]] = {}
    for french, english, arabic in rows:
        key = _joined(french)
        if key in texts:
            raise ValueError(f"Translated twice: {key!r}")
        texts[key] = {"en": _joined(english), "ar": _joined(arabic)}
    return texts


WORKSHOPS = _texts(
    ("Accès à la santé", "Access to health care", "الوصول إلى الرعاية الصحية"),
    ("Urgence alimentaire", "Emergency food aid", "المساعدة الغذائية العاجلة"),
    (
        "Accès à la culture et insertion",
        "Access to culture and social inclusion",
        "الوصول إلى الثقافة والإدماج الاجتماعي",
    ),
    ("Hébergement – logement", "Shelter – housing", "الإيواء – السكن"),
    ("Propositions du réseau", "The network’s proposals", "اقتراحات الشبكة"),
)

EVENTS = _texts(
    ("Assises de la solidarité", "Solidarity Conference", "ملتقى التضامن"),
    (
        "Assises de la solidarité 2026 (exemple)",
        "Solidarity Conference 2026 (example)",
        "ملتقى التضامن 2026 (مثال)",
    ),
)

# The first charter (migration c1cdd0a990f8): its introduction, then each article's title
# and text.
CHARTER = _texts(
    (
        "Voix solidaires est l’espace où les associations de solidarité, les personnes "
        "qu’elles accompagnent et les institutions travaillent ensemble sur des "
        "propositions concrètes. Pour que chacun puisse y prendre la parole, nous nous "
        "engageons à respecter cette charte.",
        "Voix solidaires is the place where solidarity associations, the people they support "
        "and institutions work together on concrete proposals. So that everyone can speak "
        "here, we commit to respecting this charter.",
        "«Voix solidaires» هو الفضاء الذي تعمل فيه جمعيات التضامن والأشخاص الذين ترافقهم "
        "والمؤسسات معًا على اقتراحات ملموسة. ولكي يستطيع كل شخص أن يتكلّم فيه، نلتزم "
        "باحترام هذا الميثاق.",
    ),
    (
        "La parole des personnes concernées",
        "The voice of the people concerned",
        "كلمة الأشخاص المعنيين",
    ),
    (
        "Les personnes accompagnées par les associations ont leur place ici. Leur témoignage "
        "compte autant que celui des professionnels. Personne ne parle à leur place sans leur "
        "accord.",
        "The people supported by the associations have their place here. Their testimony "
        "counts as much as that of professionals. No one speaks for them without their "
        "agreement.",
        "للأشخاص الذين ترافقهم الجمعيات مكانهم هنا. شهادتهم لها نفس قيمة شهادة المهنيين. "
        "ولا يتكلّم أحد باسمهم دون موافقتهم.",
    ),
    ("Le respect", "Respect", "الاحترام"),
    (
        "Nous écrivons sans insulte, sans moquerie, sans propos racistes, sexistes ou "
        "discriminatoires. Nous critiquons des idées et des décisions, pas des personnes.",
        "We write without insults, without mockery, without racist, sexist or "
        "discriminatory words. We criticise ideas and decisions, not people.",
        "نكتب دون شتائم، ودون سخرية، ودون كلام عنصري أو متحيّز ضد أحد الجنسين أو تمييزي. "
        "ننتقد الأفكار والقرارات، لا الأشخاص.",
    ),
    ("La protection de chacun", "Protecting everyone", "حماية كل شخص"),
    (
        "Nous ne publions pas d’informations qui permettent de reconnaître une personne : nom "
        "complet, adresse, téléphone, situation administrative. Chacun peut participer sous un "
        "pseudonyme.",
        "We do not publish information that makes it possible to recognise a person: full "
        "name, address, telephone number, administrative status. Everyone can take part "
        "under a pseudonym.",
        "لا ننشر معلومات تسمح بالتعرّف على شخص ما: الاسم الكامل، العنوان، الهاتف، الوضع "
        "الإداري. يمكن لكل شخص أن يشارك باسم مستعار.",
    ),
    (
        "Des réponses, pas des justifications",
        "Answers, not justifications",
        "أجوبة، لا تبريرات",
    ),
    (
        "Les institutions répondent publiquement aux propositions qui leur sont adressées, par "
        "une position claire et, quand c’est possible, des engagements datés.",
        "Institutions publicly answer the proposals addressed to them, with a clear position "
        "and, when possible, dated commitments.",
        "تردّ المؤسسات علنًا على الاقتراحات الموجّهة إليها، بموقف واضح، وعندما يكون ذلك "
        "ممكنًا، بالتزامات محدّدة التاريخ.",
    ),
    ("Le suivi", "Follow-up", "المتابعة"),
    (
        "Chaque proposition est suivie jusqu’à sa réalisation ou son abandon motivé. Chaque "
        "changement est expliqué publiquement.",
        "Each proposal is followed until it is carried out, or dropped with the reasons "
        "given. Each change is explained in public.",
        "يُتابَع كل اقتراح حتى يتحقّق، أو حتى يُتخلّى عنه مع ذكر الأسباب. ويُشرح كل تغيير علنًا.",
    ),
    ("La modération", "Moderation", "الإشراف على المساهمات"),
    (
        "Les associations du réseau modèrent les contributions. Chaque décision est motivée et "
        "enregistrée.",
        "The network’s associations moderate the contributions. Each decision is explained "
        "and recorded.",
        "تشرف جمعيات الشبكة على المساهمات. ويكون كل قرار معلّلًا ومسجّلًا.",
    ),
)

# The 2015 record (app/demo/data_2015.py): each proposal's title, then its easy-read summary.
PROPOSALS_2015 = _texts(
    # --- Accès à la santé
    (
        "Une plateforme d’accueil médico-sociale des publics fragiles en centre-ville",
        "A health and social care reception centre for vulnerable people in the city centre",
        "منصة استقبال طبية واجتماعية للأشخاص الهشّين في وسط المدينة",
    ),
    (
        (
            "Un lieu en centre-ville pour accueillir les personnes fragiles, pour la santé et "
            "l’aide sociale.",
            "Ce pourrait être un projet commun de la ville, des hôpitaux et des associations.",
        ),
        (
            "A place in the city centre to welcome vulnerable people, for health and social help.",
            "It could be a joint project of the city, the hospitals and the associations.",
        ),
        (
            "مكان في وسط المدينة لاستقبال الأشخاص الهشّين، من أجل الصحة والمساعدة الاجتماعية.",
            "يمكن أن يكون مشروعًا مشتركًا بين المدينة والمستشفيات والجمعيات.",
        ),
    ),
    (
        "Contrat local de santé mentale : réactiver l’équipe mobile et créer des lits halte "
        "soins santé",
        "Local mental health contract: restart the mobile team and create “halte soins "
        "santé” care beds",
        "العقد المحلي للصحة النفسية: إعادة تشغيل الفريق المتنقّل وإنشاء أسرّة رعاية صحية مؤقتة",
    ),
    (
        (
            "Il y a des démarches pour un contrat local de santé mentale.",
            "Ces démarches devraient aider ceux qui agissent à mieux travailler ensemble.",
            "Il ne faut pas oublier de remettre en route l’équipe mobile.",
            "Il ne faut pas oublier de créer des lits « halte soins santé ».",
        ),
        (
            "There are steps towards a local mental health contract.",
            "These steps should help everyone who takes action to work better together.",
            "We must not forget to restart the mobile team.",
            "We must not forget to create “halte soins santé” care beds.",
        ),
        (
            "هناك خطوات نحو عقد محلي للصحة النفسية.",
            "من المنتظر أن تساعد هذه الخطوات كل من يعمل في هذا المجال على التعاون بشكل أفضل.",
            "يجب ألّا ننسى إعادة تشغيل الفريق المتنقّل.",
            "يجب ألّا ننسى إنشاء أسرّة رعاية صحية مؤقتة.",
        ),
    ),
    (
        "Un comité de pilotage de la PASS",
        "A steering committee for the PASS (health care access service)",
        "لجنة توجيه لخدمة الوصول إلى الرعاية الصحية (PASS)",
    ),
    (
        (
            "Idée : un groupe qui guide la permanence d’accès aux soins de santé.",
            "On l’appelle un comité de pilotage.",
            "Cette idée semble avancer.",
        ),
        (
            "Idea: a group that guides the health care access service.",
            "It is called a steering committee.",
            "This idea seems to be moving forward.",
        ),
        (
            "فكرة: مجموعة توجّه خدمة الوصول إلى الرعاية الصحية.",
            "تُسمّى هذه المجموعة لجنة توجيه.",
            "يبدو أن هذه الفكرة تتقدّم.",
        ),
    ),
    (
        "Une convention entre la PASS et des pharmacies de ville pour le week-end et les "
        "fermetures de la pharmacie de l’hôpital",
        "An agreement between the PASS and pharmacies in town for weekends and when the "
        "hospital pharmacy is closed",
        "اتفاقية بين خدمة الوصول إلى الرعاية الصحية (PASS) وصيدليات المدينة لعطلة نهاية "
        "الأسبوع وأوقات إغلاق صيدلية المستشفى",
    ),
    (
        (
            "La pharmacie de l’hôpital est parfois fermée, par exemple le week-end.",
            "Idée : un accord entre la permanence d’accès aux soins de santé et des "
            "pharmacies de la ville.",
            "Cet accord servirait quand la pharmacie de l’hôpital est fermée.",
        ),
        (
            "The hospital pharmacy is sometimes closed, for example at the weekend.",
            "Idea: an agreement between the health care access service and pharmacies in town.",
            "This agreement would be used when the hospital pharmacy is closed.",
        ),
        (
            "صيدلية المستشفى مغلقة أحيانًا، مثلًا في عطلة نهاية الأسبوع.",
            "فكرة: اتفاق بين خدمة الوصول إلى الرعاية الصحية وصيدليات في المدينة.",
            "يُعمل بهذا الاتفاق عندما تكون صيدلية المستشفى مغلقة.",
        ),
    ),
    (
        "Ouvrir des bains douches et des toilettes publiques gratuits",
        "Open free public baths and free public toilets",
        "فتح حمّامات عمومية ومراحيض عامة مجانية",
    ),
    (
        (
            "Nous demandons des douches gratuites en ville.",
            "Nous demandons des toilettes gratuites en ville.",
            "Il faut voir avec la mairie si c’est possible.",
        ),
        (
            "We ask for free showers in town.",
            "We ask for free toilets in town.",
            "We must check with the town hall if this is possible.",
        ),
        (
            "نطلب دُشّات مجانية في المدينة.",
            "نطلب مراحيض مجانية في المدينة.",
            "يجب أن نرى مع البلدية إن كان ذلك ممكنًا.",
        ),
    ),
    # --- Urgence alimentaire
    (
        "Mettre en place une veille alimentaire",
        "Set up a food watch",
        "إنشاء رصد للوضع الغذائي",
    ),
    (
        (
            "Idée : mettre en place une veille alimentaire.",
            "Une veille, c’est surveiller une situation avec attention.",
            "Il faut être attentif au suivi de cette proposition.",
        ),
        (
            "Idea: set up a food watch.",
            "A watch means keeping a close eye on a situation.",
            "We must pay attention to how this proposal is followed up.",
        ),
        (
            "فكرة: إنشاء رصد للوضع الغذائي.",
            "الرصد هو مراقبة وضع ما باهتمام.",
            "يجب الانتباه إلى متابعة هذا الاقتراح.",
        ),
    ),
    (
        "La qualité de l’aide alimentaire : distribution ou insertion ?",
        "The quality of food aid: handing out food or social inclusion?",
        "جودة المساعدة الغذائية: توزيع أم إدماج اجتماعي؟",
    ),
    (
        (
            "Les associations ne sont pas d’accord entre elles sur un point important.",
            "On a parlé de la quantité de l’aide alimentaire.",
            "On a oublié la qualité.",
            "Question : faut-il distribuer de la nourriture ou aider les personnes à s’insérer ?",
        ),
        (
            "The associations disagree with each other on an important point.",
            "People talked about the quantity of food aid.",
            "They forgot about quality.",
            "Question: should we hand out food, or help people to find their place in society?",
        ),
        (
            "الجمعيات غير متّفقة فيما بينها على نقطة مهمة.",
            "جرى الحديث عن كمية المساعدة الغذائية.",
            "ونُسيت الجودة.",
            "سؤال: هل يجب توزيع الطعام، أم مساعدة الأشخاص على الاندماج في المجتمع؟",
        ),
    ),
    (
        "Mieux répartir l’aide alimentaire dans la ville : lieux d’approvisionnement, "
        "épiceries mobiles",
        "Spread food aid better across the city: places to get food, mobile grocery shops",
        "توزيع أفضل للمساعدة الغذائية في المدينة: أماكن التزوّد، بقالات متنقّلة",
    ),
    (
        (
            "Idée : des lieux plus variés pour trouver de la nourriture.",
            "Idée : des épiceries mobiles, qui se déplacent.",
            "Idée : aller vers les personnes.",
            "On en a parlé, mais tout reste à faire.",
        ),
        (
            "Idea: more varied places to find food.",
            "Idea: mobile grocery shops, which move from place to place.",
            "Idea: go out to meet people.",
            "This was discussed, but everything is still to be done.",
        ),
        (
            "فكرة: أماكن أكثر تنوّعًا للحصول على الطعام.",
            "فكرة: بقالات متنقّلة، تنتقل من مكان إلى آخر.",
            "فكرة: الذهاب إلى الناس حيث هم.",
            "تحدّثنا عن ذلك، لكن كل شيء ما زال يحتاج إلى عمل.",
        ),
    ),
    # --- Accès à la culture et insertion
    (
        "Un centre de ressources et médiations, projet de Master à proposer à l’université",
        "A resource and mediation centre, a Master’s project to offer to the university",
        "مركز للموارد والوساطة، مشروع ماجستير يُقترح على الجامعة",
    ),
    (
        (
            "Idée : créer un centre de ressources et de médiation.",
            "Ce serait un beau projet de master à proposer à l’université.",
            "Le groupe culture et insertion du réseau guiderait ce projet.",
        ),
        (
            "Idea: create a resource and mediation centre.",
            "It would be a fine Master’s degree project to offer to the university.",
            "The network’s culture and inclusion group would guide this project.",
        ),
        (
            "فكرة: إنشاء مركز للموارد والوساطة.",
            "سيكون مشروع ماجستير جميلًا يُقترح على الجامعة.",
            "ستوجّه مجموعة الثقافة والإدماج في الشبكة هذا المشروع.",
        ),
    ),
    (
        "Développer les postes de médiateurs culturels",
        "Create more cultural mediator posts",
        "زيادة وظائف الوسطاء الثقافيين",
    ),
    (
        (
            "Les médiateurs culturels aident les personnes à aller vers la culture.",
            "Leur rôle est très important.",
            "Il faudrait plus de postes de médiateurs culturels.",
            "Il faut aussi dire clairement ce qu’est un médiateur culturel.",
        ),
        (
            "Cultural mediators help people to get closer to culture.",
            "Their role is very important.",
            "There should be more cultural mediator posts.",
            "We must also say clearly what a cultural mediator is.",
        ),
        (
            "يساعد الوسطاء الثقافيون الناس على الوصول إلى الثقافة.",
            "دورهم مهم جدًا.",
            "يجب أن تكون هناك وظائف أكثر للوسطاء الثقافيين.",
            "يجب أيضًا أن نقول بوضوح من هو الوسيط الثقافي.",
        ),
    ),
    (
        "Favoriser des activités où la personne participe",
        "Encourage activities in which the person takes part",
        "تشجيع أنشطة يشارك فيها الشخص",
    ),
    (
        (
            "Idée : des activités où la personne participe.",
            "Ces activités aident la personne à prendre confiance en elle.",
            "Il est très important d’écouter l’autre.",
            "On ne se place pas comme celui qui sait : on apprend les uns des autres.",
        ),
        (
            "Idea: activities in which the person takes part.",
            "These activities help the person to gain self-confidence.",
            "Listening to others is very important.",
            "No one acts as the one who knows: we learn from each other.",
        ),
        (
            "فكرة: أنشطة يشارك فيها الشخص.",
            "تساعد هذه الأنشطة الشخص على اكتساب الثقة بالنفس.",
            "الاستماع إلى الآخر مهم جدًا.",
            "لا نضع أنفسنا في موضع من يعرف: نتعلّم بعضنا من بعض.",
        ),
    ),
    (
        "Renforcer la lisibilité sur ce qui est mené",
        "Make what is being done easier to understand",
        "توضيح ما يتمّ إنجازه",
    ),
    (
        (
            "Idée : rendre plus clair ce qui est fait.",
            "Les actions menées doivent être plus faciles à comprendre.",
        ),
        (
            "Idea: make what is being done clearer.",
            "The actions carried out must be easier to understand.",
        ),
        (
            "فكرة: توضيح ما يتمّ إنجازه.",
            "يجب أن يكون فهم الأعمال المنجزة أسهل.",
        ),
    ),
    (
        "Travailler avec le service communication de la ville pour relayer les évènements",
        "Work with the city’s communication department to spread the word about events",
        "العمل مع قسم الاتصال في المدينة للإعلان عن الفعاليات",
    ),
    (
        (
            "Idée : travailler avec le service communication de la ville.",
            "Ce service pourrait faire connaître les évènements.",
        ),
        (
            "Idea: work with the city’s communication department.",
            "This department could make the events known.",
        ),
        (
            "فكرة: العمل مع قسم الاتصال في المدينة.",
            "يمكن لهذا القسم أن يعرّف الناس بالفعاليات.",
        ),
    ),
    (
        "Utiliser le site du réseau pour communiquer",
        "Use the network’s website to communicate",
        "استخدام الموقع الإلكتروني للشبكة من أجل التواصل",
    ),
    (
        (
            "Idée : utiliser le site internet du Réseau de solidarité des associations messines.",
            "Ce site servirait à communiquer.",
        ),
        (
            "Idea: use the website of the Metz network of solidarity associations.",
            "This website would be used to communicate.",
        ),
        (
            "فكرة: استخدام الموقع الإلكتروني لشبكة جمعيات التضامن في ميتز.",
            "يُستخدم هذا الموقع للتواصل.",
        ),
    ),
    (
        "Organiser un forum avec, au centre, la culture et les loisirs",
        "Organise a forum centred on culture and leisure",
        "تنظيم منتدى محوره الثقافة والترفيه",
    ),
    (
        (
            "Idée : organiser un forum sur la culture et les loisirs.",
            "Chaque association pourrait y montrer ce qu’elle fait pour la culture et les loisirs.",
            "Elle peut le faire même si ce n’est pas son but principal.",
        ),
        (
            "Idea: organise a forum on culture and leisure.",
            "Each association could show there what it does for culture and leisure.",
            "It can do so even if this is not its main aim.",
        ),
        (
            "فكرة: تنظيم منتدى حول الثقافة والترفيه.",
            "يمكن لكل جمعية أن تُظهر فيه ما تقوم به من أجل الثقافة والترفيه.",
            "يمكنها ذلك حتى لو لم يكن هذا هدفها الأساسي.",
        ),
    ),
    (
        "Insérer la dimension culturelle dans la formation des travailleurs sociaux",
        "Include culture in the training of social workers",
        "إدراج البعد الثقافي في تدريب العاملين الاجتماعيين",
    ),
    (
        (
            "Idée : ajouter la culture dans la formation des travailleurs sociaux.",
            "Cette idée n’a pas eu de réponse.",
        ),
        (
            "Idea: add culture to the training of social workers.",
            "This idea got no answer.",
        ),
        (
            "فكرة: إضافة الثقافة إلى تدريب العاملين الاجتماعيين.",
            "لم تحصل هذه الفكرة على أي جواب.",
        ),
    ),
    # --- Hébergement – logement
    (
        "La domiciliation",
        "Domiciliation (a postal address for people with no stable home)",
        "التوطين الإداري (عنوان بريدي للأشخاص الذين ليس لهم سكن ثابت)",
    ),
    (
        (
            "Sujet : la domiciliation.",
            "Il y a eu des progrès sur ce sujet.",
            "Le bilan n’en dit pas plus.",
        ),
        (
            "Topic: domiciliation.",
            "There has been progress on this topic.",
            "The review says nothing more.",
        ),
        (
            "الموضوع: التوطين الإداري.",
            "حصل تقدّم في هذا الموضوع.",
            "لا تقول الحصيلة أكثر من ذلك.",
        ),
    ),
    (
        "Développer le bail glissant",
        "Develop the “sliding lease” (bail glissant)",
        "تطوير «الإيجار المنزلق»",
    ),
    (
        (
            "Sujet : le bail glissant.",
            "Le conseil départemental a déjà un système de bail glissant.",
            "Le centre communal d’action sociale a aussi ce système.",
            "Selon le réseau, il n’y a pas de volonté politique de le développer.",
        ),
        (
            "Topic: the sliding lease.",
            "The departmental council already has a sliding lease system.",
            "The municipal social action centre also has this system.",
            "According to the network, there is no political will to develop it.",
        ),
        (
            "الموضوع: الإيجار المنزلق.",
            "لدى مجلس المقاطعة نظام للإيجار المنزلق.",
            "ولدى المركز البلدي للعمل الاجتماعي هذا النظام أيضًا.",
            "حسب الشبكة، لا توجد إرادة سياسية لتطويره.",
        ),
    ),
    (
        "Un camp géré type HCR pour les demandeurs d’asile",
        "A managed camp, in the style of the UNHCR, for asylum seekers",
        "مخيم مُدار على نمط مفوضية الأمم المتحدة لشؤون اللاجئين، لطالبي اللجوء",
    ),
    (
        (
            "Idée : un camp pour les demandeurs d’asile.",
            "Il serait géré comme les camps du Haut-Commissariat des Nations unies pour les "
            "réfugiés.",
            "La direction départementale de la cohésion sociale n’est pas d’accord.",
            "Pour les associations, la question reste ouverte.",
        ),
        (
            "Idea: a camp for asylum seekers.",
            "It would be run like the camps of the United Nations High Commissioner for Refugees.",
            "The departmental directorate for social cohesion does not agree.",
            "For the associations, the question is still open.",
        ),
        (
            "فكرة: مخيم لطالبي اللجوء.",
            "يُدار مثل مخيمات المفوضية السامية للأمم المتحدة لشؤون اللاجئين.",
            "مديرية المقاطعة للتماسك الاجتماعي غير موافقة.",
            "بالنسبة للجمعيات، ما زال السؤال مطروحًا.",
        ),
    ),
    (
        "Mobiliser des locaux vides qui pourraient changer d’affectation",
        "Use empty premises that could be put to a new use",
        "استعمال مبانٍ فارغة يمكن تغيير استعمالها",
    ),
    (
        (
            "Idée : utiliser des locaux vides.",
            "Ces locaux pourraient servir à autre chose.",
            "La direction départementale de la cohésion sociale préfère cette idée à l’idée "
            "du camp.",
        ),
        (
            "Idea: use empty premises.",
            "These premises could be used for something else.",
            "The departmental directorate for social cohesion prefers this idea to the camp idea.",
        ),
        (
            "فكرة: استعمال مبانٍ فارغة.",
            "يمكن أن تُستعمل هذه المباني لغرض آخر.",
            "تفضّل مديرية المقاطعة للتماسك الاجتماعي هذه الفكرة على فكرة المخيم.",
        ),
    ),
    (
        "La garantie universelle des loyers",
        "The universal rent guarantee",
        "الضمان الشامل للإيجارات",
    ),
    (
        (
            "Sujet : la garantie universelle des loyers.",
            "Personne n’a parlé de ce sujet pendant l’atelier.",
        ),
        (
            "Topic: the universal rent guarantee.",
            "No one talked about this topic during the workshop.",
        ),
        (
            "الموضوع: الضمان الشامل للإيجارات.",
            "لم يتحدّث أحد عن هذا الموضوع خلال ورشة العمل.",
        ),
    ),
    ("Prévenir les expulsions", "Prevent evictions", "منع الطرد من السكن"),
    (
        (
            "Des solutions existent déjà pour éviter les expulsions.",
            "Un essai existe pour des loyers impayés liés à la caisse d’allocations familiales.",
            "Un travailleur social vient au domicile pour voir la situation.",
            "Cet essai doit être élargi.",
            "En juin 2013, une commission a été créée pour les situations inhabituelles.",
        ),
        (
            "Solutions already exist to avoid evictions.",
            "A trial exists for unpaid rents linked to the family allowance office.",
            "A social worker comes to the home to see the situation.",
            "This trial should be extended.",
            "In June 2013, a committee was set up for unusual situations.",
        ),
        (
            "توجد حلول بالفعل لتجنّب الطرد من السكن.",
            "توجد تجربة للإيجارات غير المدفوعة المرتبطة بصندوق الإعانات العائلية.",
            "يأتي عامل اجتماعي إلى المنزل ليرى الوضع.",
            "يجب توسيع هذه التجربة.",
            "في يونيو 2013، أُنشئت لجنة للحالات غير المعتادة.",
        ),
    ),
    # --- The network's own: the form of the meetings, then points to watch
    (
        "Un animateur compétent et un secrétaire de séance dans chaque atelier",
        "A skilled facilitator and a note-taker in every workshop",
        "منشّط كفء وكاتب للجلسة في كل ورشة عمل",
    ),
    (
        (
            "Dans un atelier, il faut une personne qui anime et qui connaît bien le sujet.",
            "Il faut aussi une personne qui écrit ce qui se dit.",
            "Ces deux personnes travaillent ensemble vers des objectifs.",
            "À la fin, elles présentent ensemble les propositions concrètes de l’atelier.",
        ),
        (
            "In a workshop, we need a person who leads it and knows the topic well.",
            "We also need a person who writes down what is said.",
            "These two people work together towards goals.",
            "At the end, they present the workshop’s concrete proposals together.",
        ),
        (
            "في ورشة العمل، نحتاج إلى شخص يدير النقاش ويعرف الموضوع جيدًا.",
            "ونحتاج أيضًا إلى شخص يكتب ما يُقال.",
            "يعمل هذان الشخصان معًا نحو أهداف.",
            "في النهاية، يعرضان معًا الاقتراحات الملموسة لورشة العمل.",
        ),
    ),
    (
        "Une animation de la journée qui garde en perspective les objectifs de la rencontre",
        "Running the day with the meeting’s aims in view",
        "إدارة اليوم مع إبقاء أهداف اللقاء نصب العين",
    ),
    (
        (
            "La personne qui anime la journée doit garder en tête les buts de la rencontre.",
            "Ainsi, les débats de l’après-midi seraient plus efficaces.",
        ),
        (
            "The person who leads the day must keep the aims of the meeting in mind.",
            "Then the afternoon debates would work better.",
        ),
        (
            "يجب على الشخص الذي يدير اليوم أن يتذكّر دائمًا أهداف اللقاء.",
            "هكذا تكون نقاشات بعد الظهر أكثر فعالية.",
        ),
    ),
    ("Procéder à une inversion de logique", "Turn the logic around", "قلب المنطق"),
    (
        (
            "Idée : changer les rôles.",
            "Les associations ne doivent pas avoir à demander ou à supplier.",
            "Ce sont les institutions qui doivent faire des propositions aux associations.",
        ),
        (
            "Idea: swap the roles.",
            "Associations should not have to ask or beg.",
            "It is the institutions that should make proposals to the associations.",
        ),
        (
            "فكرة: تبديل الأدوار.",
            "لا ينبغي أن تضطر الجمعيات إلى الطلب أو التوسّل.",
            "المؤسسات هي التي يجب أن تقدّم اقتراحات إلى الجمعيات.",
        ),
    ),
    (
        "Favoriser la participation du public bénéficiaire des actions de solidarité",
        "Encourage the people who benefit from solidarity work to take part",
        "تشجيع مشاركة المستفيدين من أعمال التضامن",
    ),
    (
        (
            "Idée : aider les personnes qui reçoivent une aide à participer.",
            "Ce sont les personnes aidées par les actions de solidarité.",
        ),
        (
            "Idea: help the people who receive help to take part.",
            "These are the people helped by solidarity work.",
        ),
        (
            "فكرة: مساعدة الأشخاص الذين يتلقّون المساعدة على المشاركة.",
            "هم الأشخاص الذين تساعدهم أعمال التضامن.",
        ),
    ),
    (
        "Donner des exemples concrets de précarité face aux institutions présentes",
        "Give real examples of hardship in front of the institutions present",
        "تقديم أمثلة ملموسة عن الهشاشة أمام المؤسسات الحاضرة",
    ),
    (
        (
            "Idée : une association donne des exemples réels de personnes en difficulté.",
            "Elle les donne devant les institutions présentes.",
        ),
        (
            "Idea: an association gives real examples of people in difficulty.",
            "It gives them in front of the institutions present.",
        ),
        (
            "فكرة: تقدّم جمعية أمثلة حقيقية عن أشخاص في صعوبة.",
            "تقدّمها أمام المؤسسات الحاضرة.",
        ),
    ),
    (
        "Préciser le mode de collaboration avec la ville et, éventuellement, le CCAS",
        "Clarify how to work with the city and, perhaps, the CCAS (municipal social action centre)",
        "توضيح طريقة التعاون مع المدينة، وربما مع المركز البلدي للعمل الاجتماعي",
    ),
    (
        (
            "Pour suivre les propositions, il faut faire attention à un point.",
            "Il faut dire clairement comment travailler avec la ville.",
            "Et peut-être aussi avec le centre communal d’action sociale.",
        ),
        (
            "To follow up the proposals, we must pay attention to one point.",
            "We must say clearly how to work with the city.",
            "And maybe also with the municipal social action centre.",
        ),
        (
            "لمتابعة الاقتراحات، يجب الانتباه إلى نقطة واحدة.",
            "يجب أن نقول بوضوح كيف نعمل مع المدينة.",
            "وربما أيضًا مع المركز البلدي للعمل الاجتماعي.",
        ),
    ),
    (
        "Des journées thématiques inter-associations plutôt que des « kermesses »",
        "Theme days between associations rather than “fun fairs”",
        "أيام موضوعية بين الجمعيات بدلًا من «الحفلات»",
    ),
    (
        (
            "Le réseau propose des journées entre associations, chacune sur un thème.",
            "C’est mieux que des « kermesses » ou des « foires » des associations.",
            "Par exemple : des conférences, ou des échanges sur les façons de travailler.",
            "Les thèmes sont les sujets qui inquiètent le réseau.",
        ),
        (
            "The network proposes days between associations, each on one theme.",
            "This is better than associations’ “fun fairs” or “fairs”.",
            "For example: talks, or sharing about ways of working.",
            "The themes are the subjects that worry the network.",
        ),
        (
            "تقترح الشبكة أيامًا بين الجمعيات، لكل يوم موضوع.",
            "هذا أفضل من «الحفلات» أو «الأسواق» الخاصة بالجمعيات.",
            "مثلًا: محاضرات، أو تبادل حول طرق العمل.",
            "المواضيع هي القضايا التي تُقلق الشبكة.",
        ),
    ),
    (
        "Travailler avec la mairie dans le cadre de la feuille de route de M. Pitti",
        "Work with the town hall within Mr Pitti’s roadmap",
        "العمل مع البلدية في إطار خارطة طريق السيد بيتي",
    ),
    (
        (
            "Question : comment travailler avec la mairie, dans la feuille de route de "
            "Monsieur Pitti ?",
            "Une feuille de route est un plan de travail.",
            "Il y a des objectifs à atteindre en peu de temps.",
            "Question : comment nos propositions vont-elles avancer dans les prochains mois ?",
        ),
        (
            "Question: how do we work with the town hall, within Mr Pitti’s roadmap?",
            "A roadmap is a work plan.",
            "There are goals to reach in a short time.",
            "Question: how will our proposals move forward in the coming months?",
        ),
        (
            "سؤال: كيف نعمل مع البلدية، في إطار خارطة طريق السيد بيتي؟",
            "خارطة الطريق هي خطة عمل.",
            "هناك أهداف يجب تحقيقها في وقت قصير.",
            "سؤال: كيف ستتقدّم اقتراحاتنا في الأشهر القادمة؟",
        ),
    ),
    (
        "Se donner des conditions pour penser les uns avec les autres",
        "Create the conditions to think together",
        "تهيئة الظروف للتفكير معًا",
    ),
    (
        (
            "Idée : les usagers et les personnes qui agissent sur le terrain réfléchissent "
            "ensemble.",
            "Il faut créer les conditions pour cela.",
            "Ce « penser avec » doit devenir réel.",
        ),
        (
            "Idea: service users and people working on the ground think together.",
            "We must create the conditions for this.",
            "This “thinking with” must become real.",
        ),
        (
            "فكرة: أن يفكّر المستفيدون من الخدمات والعاملون في الميدان معًا.",
            "يجب تهيئة الظروف لذلك.",
            "يجب أن يصبح هذا «التفكير معًا» حقيقيًا.",
        ),
    ),
)

# The fictional example edition (app/demo/example_edition.py): invented, like its French.
PROPOSALS_EXAMPLE = _texts(
    (
        "Un accueil de jour ouvert le dimanche, proposé aux associations",
        "A day centre open on Sundays, proposed to the associations",
        "مركز استقبال نهاري مفتوح يوم الأحد، مقترح على الجمعيات",
    ),
    (
        (
            "L’Agence fictive des solidarités fait une proposition aux associations.",
            "Idée : les associations tiennent un accueil de jour le dimanche.",
            "L’agence prête une salle.",
            "Un petit-déjeuner est servi de 8 heures à 11 heures.",
        ),
        (
            "The fictional Solidarity Agency makes a proposal to the associations.",
            "Idea: the associations run a day centre on Sundays.",
            "The agency lends a room.",
            "Breakfast is served from 8 am to 11 am.",
        ),
        (
            "تقدّم «الوكالة الخيالية للتضامن» اقتراحًا إلى الجمعيات.",
            "فكرة: تدير الجمعيات مركز استقبال نهاري يوم الأحد.",
            "تُعير الوكالة قاعة.",
            "يُقدَّم الفطور من الساعة 8 إلى الساعة 11 صباحًا.",
        ),
    ),
    (
        "Ouvrir un guichet de domiciliation le samedi matin",
        "Open a domiciliation (postal address) desk on Saturday mornings",
        "فتح شبّاك للتوطين البريدي صباح يوم السبت",
    ),
    (
        (
            "Des personnes sans domicile travaillent en semaine.",
            "Elles ne peuvent pas venir chercher leur courrier aux heures d’ouverture.",
            "Idée : un guichet ouvert le samedi matin pour le courrier.",
        ),
        (
            "Some people without a home work during the week.",
            "They cannot come to collect their mail during opening hours.",
            "Idea: a desk open on Saturday mornings for the mail.",
        ),
        (
            "بعض الأشخاص الذين ليس لهم مسكن يعملون خلال الأسبوع.",
            "لا يستطيعون المجيء لأخذ بريدهم في أوقات فتح الشبّاك.",
            "فكرة: شبّاك مفتوح صباح يوم السبت لاستلام البريد.",
        ),
    ),
    (
        "Une permanence de soins sans rendez-vous près de la gare",
        "A walk-in health care service near the station",
        "خدمة علاج دون موعد قرب محطة القطار",
    ),
    (
        (
            "Les personnes à la rue ne se soignent pas quand il faut prendre rendez-vous.",
            "Idée : un lieu de soins sans rendez-vous, près de la gare.",
            "Il serait ouvert deux demi-journées par semaine.",
        ),
        (
            "People living on the street go without care when they need an appointment.",
            "Idea: a place for care without an appointment, near the station.",
            "It would be open two half-days a week.",
        ),
        (
            "الأشخاص الذين يعيشون في الشارع لا يتعالجون عندما يجب أخذ موعد.",
            "فكرة: مكان للعلاج دون موعد، قرب محطة القطار.",
            "يكون مفتوحًا نصف يوم، مرتين في الأسبوع.",
        ),
    ),
    (
        "Des colis alimentaires adaptés aux personnes sans cuisine",
        "Food parcels suited to people without a kitchen",
        "طرود غذائية مناسبة للأشخاص الذين ليس لديهم مطبخ",
    ),
    (
        (
            "Les colis contiennent souvent des produits à cuire.",
            "Les personnes qui vivent à l’hôtel n’ont pas de cuisine.",
            "Idée : des colis de produits prêts à manger.",
        ),
        (
            "Parcels often contain food that must be cooked.",
            "People who live in a hotel have no kitchen.",
            "Idea: parcels of ready-to-eat food.",
        ),
        (
            "تحتوي الطرود غالبًا على مواد يجب طبخها.",
            "الأشخاص الذين يعيشون في فندق ليس لديهم مطبخ.",
            "فكرة: طرود فيها طعام جاهز للأكل.",
        ),
    ),
    (
        "Des sorties culturelles choisies par les personnes accompagnées",
        "Cultural outings chosen by the people supported",
        "نزهات ثقافية يختارها الأشخاص المرافَقون",
    ),
    (
        (
            "Souvent, d’autres personnes choisissent les sorties à leur place.",
            "Idée : un groupe de personnes accompagnées choisit les sorties.",
            "Le groupe les choisit tous les trois mois.",
        ),
        (
            "Often, other people choose the outings for them.",
            "Idea: a group of the people supported chooses the outings.",
            "The group chooses them every three months.",
        ),
        (
            "غالبًا ما يختار أشخاص آخرون النزهات بدلًا منهم.",
            "فكرة: مجموعة من الأشخاص المرافَقين تختار النزهات.",
            "تختارها المجموعة كل ثلاثة أشهر.",
        ),
    ),
    (
        "Un interlocuteur unique pour les demandes de logement",
        "One single contact person for housing applications",
        "شخص واحد للتواصل بخصوص طلبات السكن",
    ),
    (
        (
            "Les familles racontent leur situation à beaucoup de services différents.",
            "Idée : une seule personne suit la demande de logement.",
            "Elle la suit jusqu’au bout.",
        ),
        (
            "Families tell their story to many different services.",
            "Idea: one single person follows the housing application.",
            "This person follows it to the end.",
        ),
        (
            "تروي العائلات وضعها لمصالح كثيرة مختلفة.",
            "فكرة: شخص واحد يتابع طلب السكن.",
            "يتابعه حتى النهاية.",
        ),
    ),
)


def _merged(*groups: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    texts: dict[str, dict[str, str]] = {}
    for group in groups:
        for french, translations in group.items():
            if texts.get(french, translations) != translations:
                raise ValueError(f"Two translations of {french!r}")
            texts[french] = translations
    return texts


TEXTS = _merged(WORKSHOPS, EVENTS, CHARTER, PROPOSALS_2015, PROPOSALS_EXAMPLE)


def translation_of(original: str, lang: str) -> str | None:
    """The network's translation of this French text into ``lang``; None when it has none
    (a text written or changed on the site)."""
    return TEXTS.get((original or "").strip(), {}).get(lang)
