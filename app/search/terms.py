"""Words as the index compares them, in each language the site is written in.

A word's index form: Arabic spelling variants unified (`normalise_arabic`), lower case, no
accents or ligatures, not a stop word of its language, reduced to its Snowball stem in
that language ("logements" and "logement" are one word in French, "shelters" and
"shelter" in English, "السكن" and "سكن" in Arabic). The SQLite index stores these forms;
PostgreSQL computes the same with its `french_unaccent`, `english_unaccent` and
`arabic_unaccent` configurations over the same Arabic normalisation (app/search/backends.py).

A document is indexed in its own language (`index_language`: French, English or Arabic;
French for any other). A query is read in every one of them: each document is matched
against the query as its language reads it. So "housing" finds an English translation,
"سكن" an Arabic one, and "logements" the French original, each with its own stemming.
"""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

FRENCH, ENGLISH, ARABIC = "fr", "en", "ar"
# The languages documents are indexed in; any other language is indexed as French.
SEARCH_LANGUAGES = (FRENCH, ENGLISH, ARABIC)

# Arabic spellings that readers write or leave out at will, unified character for
# character so that PostgreSQL's `translate()` applies exactly the same mapping in the
# index (the migration writes these strings): alef with hamza or madda and alef wasla
# become a bare alef, alef maqsura a ya, ta marbuta a ha.
ARABIC_FROM = "أإآٱىة"
ARABIC_TO = "ااااي" + "ه"
# Removed: the short vowels and other tashkeel (U+064B–U+0652), hamza and madda written as
# combining marks (U+0653–U+0655), the superscript alef (U+0670), the tatweel (U+0640).
ARABIC_REMOVED = "".join(chr(c) for c in range(0x064B, 0x0656)) + "\u0670\u0640"
_ARABIC_TABLE = str.maketrans(ARABIC_FROM, ARABIC_TO, ARABIC_REMOVED)

# A word: letters and digits with the marks written on them (Python's \w leaves out
# combining marks, which would cut "مَدْرَسَة" or a decomposed "é" into pieces).
WORD = re.compile(r"[\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]+", re.UNICODE)

# Snowball's French stop-word list, without accents (the words are compared unaccented).
FRENCH_STOP_WORDS = frozenset(
    """
    au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me
    meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te
    tes toi ton tu un une vos votre vous c d j l a m n s t y ete etee etees etes etant
    etante etants etantes suis es est sommes sont serai seras sera serons serez seront
    serais serait serions seriez seraient etais etait etions etiez etaient fus fut fumes
    futes furent sois soit soyons soyez soient fusse fusses fussions fussiez fussent ayant
    ayante ayantes ayants eu eue eues eus ai as avons avez ont aurai auras aura aurons aurez
    auront aurais aurait aurions auriez auraient avais avait avions aviez avaient eut eumes
    eutes eurent aie aies ait ayons ayez aient eusse eusses eut eussions eussiez eussent
    """.split()  # noqa: SIM905
)
# Snowball's English list, the one PostgreSQL's `english` configuration leaves out.
ENGLISH_STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now
    """.split()  # noqa: SIM905
)

# PostgreSQL's `arabic` configuration keeps every word: so does this index, and a query
# looks for every Arabic word it holds (no list to keep in step on both databases).
ARABIC_STOP_WORDS: frozenset[str] = frozenset()

_STOP_WORDS = {FRENCH: FRENCH_STOP_WORDS, ENGLISH: ENGLISH_STOP_WORDS, ARABIC: ARABIC_STOP_WORDS}
_STEMMERS = {
    lang: snowballstemmer.stemmer(name)
    for lang, name in ((FRENCH, "french"), (ENGLISH, "english"), (ARABIC, "arabic"))
}


def index_language(lang: str | None) -> str:
    """The language a text is indexed and matched in: its own when the index knows it
    (French, English, Arabic), French otherwise (the stemming the index always had)."""
    return lang if lang in SEARCH_LANGUAGES else FRENCH


def normalise_arabic(text: str) -> str:
    """Arabic written the way the index compares it: no diacritics (tashkeel, superscript
    alef) nor tatweel, one alef for أ إ آ ٱ, ي for ى, ه for ة ("مَدْرَسَة" → "مدرسه").
    Any other character is left as it is."""
    return (text or "").translate(_ARABIC_TABLE)


def unaccent(text: str) -> str:
    """Lower case without accents or ligatures ("Œuvre Santé" → "oeuvre sante")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.replace("œ", "oe").replace("æ", "ae")


@lru_cache(maxsize=50_000)
def stem(word: str, lang: str = FRENCH) -> str:
    """One word's index form in a language, or "" for a stop word of that language."""
    lang = index_language(lang)
    plain = unaccent(normalise_arabic(word))
    if plain in _STOP_WORDS[lang]:
        return ""
    return _STEMMERS[lang].stemWord(plain)


def words(text: str) -> list[str]:
    """The words of a text, Arabic normalised, as written otherwise."""
    return WORD.findall(normalise_arabic(text or ""))


def terms(text: str, lang: str = FRENCH) -> list[str]:
    """The index forms of a text's words in a language, in order (stop words left out)."""
    return [s for s in (stem(w, lang) for w in words(text)) if s]


def query_words(text: str, lang: str) -> list[str]:
    """The words of a query that a language looks for (its stop words left out), as
    written: what PostgreSQL's configuration of that language is given to stem."""
    return [w for w in words(text) if stem(w, lang)]


def searchable(text: str) -> bool:
    """Whether the query has words to look for in every language: "le de pour" or "the of"
    are only common words of one of them, and are refused as such rather than searched
    for in the others."""
    return all(terms(text, lang) for lang in SEARCH_LANGUAGES)


def index_text(text: str, lang: str = FRENCH) -> str:
    """What the SQLite full-text table stores for a text in a language."""
    return " ".join(terms(text, lang))


# The SQLite full-text table's columns holding each language's words (French in the
# columns the table always had).
FTS_COLUMNS = {
    FRENCH: ("title", "body"),
    ENGLISH: ("title_en", "body_en"),
    ARABIC: ("title_ar", "body_ar"),
}


def _all_of(items) -> str:
    return " AND ".join('"' + item.replace('"', '""') + '"' for item in dict.fromkeys(items))


def fts5_query(text: str, languages: tuple[str, ...] = SEARCH_LANGUAGES) -> str:
    """A user's query as an FTS5 expression: in each language, every term of the query as
    that language reads it, in the columns of that language's documents.

    Every term is a quoted string, so the user's `"`, `*`, `OR`, `NEAR(` are plain words,
    never FTS5 syntax; the expression itself is still passed as a bound parameter."""
    branches = []
    for lang in languages:
        wanted = terms(text, lang)
        if wanted:
            branches.append(f"{{{' '.join(FTS_COLUMNS[lang])}}} : ({_all_of(wanted)})")
    return " OR ".join(branches)
