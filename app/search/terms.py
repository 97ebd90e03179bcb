"""Words as the SQLite index compares them: lower case, no accents, no French stop words,
reduced to their Snowball French stem ("logements" and "logement" are one word, "santé"
and "sante" too). PostgreSQL does the same with its `french_unaccent` configuration."""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"\w+", re.UNICODE)

# Snowball's French stop-word list, without accents (the words are compared unaccented).
STOP_WORDS = frozenset(
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

_stemmer = snowballstemmer.stemmer("french")


def unaccent(text: str) -> str:
    """Lower case without accents or ligatures ("Œuvre Santé" → "oeuvre sante")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.replace("œ", "oe").replace("æ", "ae")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """One word's index form, or "" for a stop word."""
    plain = unaccent(word)
    if plain in STOP_WORDS:
        return ""
    return _stemmer.stemWord(plain)


def terms(text: str) -> list[str]:
    """The index forms of a text's words, in order (stop words left out)."""
    return [s for s in (stem(w) for w in WORD.findall(text or "")) if s]


def index_text(text: str) -> str:
    """What the SQLite full-text table stores for a text."""
    return " ".join(terms(text))


def fts5_query(text: str) -> str:
    """A user's query as an FTS5 expression: every term a quoted string, all required.

    Quoting makes the user's `"`, `*`, `OR`, `NEAR(` plain words, never FTS5 syntax; the
    expression itself is still passed as a bound parameter.
    """
    unique = dict.fromkeys(terms(text))
    return " AND ".join('"' + term.replace('"', '""') + '"' for term in unique)
