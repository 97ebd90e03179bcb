"""The words of the benchmark's data set: French originals, and the English and Arabic of
their translations and of the contributions written in those languages.

The Arabic words are real words of the network's subjects (housing, health, food, work,
papers), each used bare in the sentences, so that a search for one of them (سكن, صحة…) finds
documents however the stemmer treats an article.
"""

import random

WORDS = (  # noqa: SIM905 (a sentence reads better than 50 quoted words)
    "logement hébergement accueil famille enfants santé soins médecin repas colis aide "
    "alimentaire épicerie solidaire domiciliation papiers préfecture droit asile insertion "
    "emploi formation transport ticket bus nuit hiver chauffage loyer expulsion quartier "
    "mairie département association bénévoles permanence écoute accompagnement dossier "
    "rendez-vous attente délai langue interprète école cantine vêtements douche laverie"
).split()
SENTENCES = [
    "Nous demandons que {a} soit accessible à toutes les personnes concernées.",
    "Depuis des mois, {a} manque cruellement dans le quartier.",
    "Les familles attendent trop longtemps pour {a} et pour {b}.",
    "Il faudrait une permanence commune sur {a}, ouverte le soir.",
    "J’ai vécu cette situation : sans {a}, impossible de trouver {b}.",
    "Les bénévoles signalent chaque semaine des difficultés de {a}.",
    "Une information claire sur {a} éviterait bien des démarches inutiles.",
]

WORDS_EN = (  # noqa: SIM905
    "housing shelter welcome family children health care doctor meals parcels help food "
    "pantry address papers prefecture rights asylum integration work training transport "
    "ticket bus night winter heating rent eviction neighbourhood council volunteers "
    "listening support file appointment waiting delay language interpreter school canteen "
    "clothes shower laundry"
).split()
SENTENCES_EN = [
    "We ask that {a} be open to everyone concerned.",
    "For months, {a} has been sorely lacking in the neighbourhood.",
    "Families wait far too long for {a} and for {b}.",
    "A shared desk on {a}, open in the evening, is needed.",
    "I lived through this: without {a}, no way to find {b}.",
    "Volunteers report problems with {a} every week.",
    "Clear information on {a} would spare many useless steps.",
]

WORDS_AR = (  # noqa: SIM905
    "سكن مأوى صحة طعام عمل طبيب مستشفى علاج دواء عائلة أطفال مدرسة إيجار تدفئة شتاء "
    "نقل حافلة أوراق لجوء ترجمة مساعدة جمعية بلدية ملابس استحمام غسيل تدريب حقوق "
    "موعد انتظار"
).split()
SENTENCES_AR = [
    "نطالب بأن يكون {a} متاحا لكل الأشخاص المعنيين.",
    "منذ أشهر ينقص {a} كثيرا في الحي.",
    "تنتظر العائلات طويلا من أجل {a} ومن أجل {b}.",
    "نحتاج إلى مكتب مشترك عن {a} مفتوح في المساء.",
    "عشت هذا الوضع: بدون {a} لا يمكن إيجاد {b}.",
    "يبلغ المتطوعون كل أسبوع عن صعوبات في {a}.",
    "معلومات واضحة عن {a} توفر خطوات كثيرة غير مفيدة.",
]

LANGUAGES = {
    "fr": (WORDS, SENTENCES),
    "en": (WORDS_EN, SENTENCES_EN),
    "ar": (WORDS_AR, SENTENCES_AR),
}
TITLES = {
    "fr": "{a} et {b} : proposition {n}",
    "en": "{a} and {b}: proposal {n}",
    "ar": "{a} و {b}: اقتراح {n}",
}
FIRST_NAMES = ["Amina", "Karim", "Lucie", "Mamadou", "Nadia", "Olga", "Pierre", "Samira"]
PLACE_NAMES = ["Accueil de jour", "Permanence du marché", "Foyer du centre", "Local associatif"]


# A word in a handful of French contributions (one in RARE_EVERY): the bench's rare search.
RARE_WORD = "interprétariat"
RARE_SENTENCE = f"Sans {RARE_WORD}, les démarches restent impossibles pour beaucoup."
RARE_EVERY = 5000


def text(rng: random.Random, sentences: int, lang: str = "fr") -> str:
    """Sentences of the network's subjects, in a language."""
    words, templates = LANGUAGES[lang]
    return " ".join(
        rng.choice(templates).format(a=rng.choice(words), b=rng.choice(words))
        for _ in range(sentences)
    )


def title(rng: random.Random, n: int, lang: str = "fr") -> str:
    """A proposal's title, numbered so that titles differ."""
    words = LANGUAGES[lang][0]
    first = rng.choice(words)
    return TITLES[lang].format(a=first[:1].upper() + first[1:], b=rng.choice(words), n=n)


def mp3_frame(rng: random.Random) -> bytes:
    """One MPEG-1 Layer III frame (128 kbit/s, 44.1 kHz, 417 bytes): a converted recording's
    first bytes, as the player receives them."""
    return b"\xff\xfb\x90\x64" + rng.randbytes(413)


def webm_head(rng: random.Random) -> bytes:
    """The start of a WebM file as a phone's browser sends it."""
    return b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01webm" + rng.randbytes(300)
