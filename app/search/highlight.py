"""Snippets of results with the searched words marked, safely.

Every piece of the person's text is escaped (markupsafe) before it joins the markup; only
our own `<mark>` tags are added. Words are compared by their index form in the text's
language (no case, no accents, same stem, Arabic normalised), so "sante" marks "Santé",
"logements" marks "logement", "shelters" marks "shelter" in English and "مدرسة" marks
"مَدْرَسَة" in Arabic.
"""

import re

from markupsafe import Markup, escape

from app.search.terms import FRENCH, WORD, stem, terms

SNIPPET_LENGTH = 200
# In escaped text: an entity the escaping wrote (left alone, "&amp;" holds no word), or a word.
ENTITY_OR_WORD = re.compile(r"&(?:#\d+|[a-z]+);|" + WORD.pattern, re.UNICODE)


def _marked(text: str, wanted: set[str], lang: str) -> Markup:
    """The text escaped as a whole, then its searched words wrapped in <mark> (words hold no
    character that needs escaping, so the markup stays safe)."""

    def mark(match: re.Match) -> str:
        token = match.group()
        if token[0] != "&" and stem(token, lang) in wanted:
            return f"<mark>{token}</mark>"
        return token

    # Escaped first; the <mark> tags wrap words only.
    return Markup(ENTITY_OR_WORD.sub(mark, str(escape(text))))  # nosec B704


def _first_match(text: str, wanted: set[str], lang: str) -> int:
    for match in WORD.finditer(text):
        if stem(match.group(), lang) in wanted:
            return match.start()
    return 0


def _cut(text: str, start: int, length: int) -> tuple[str, bool, bool]:
    """About `length` characters of text around `start`, cut at spaces."""
    if len(text) <= length:
        return text, False, False
    begin = max(0, start - length // 4)
    if begin:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < start else begin
    end = min(len(text), begin + length)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > start else end
    return text[begin:end], begin > 0, end < len(text)


def highlight(text: str, query: str, lang: str = FRENCH) -> Markup:
    """The whole (short) text in `lang`, escaped, the searched words in <mark>."""
    return _marked(text or "", set(terms(query, lang)), lang)


def snippet(text: str, query: str, lang: str = FRENCH, length: int = SNIPPET_LENGTH) -> Markup:
    """About `length` characters of a text in `lang` around the first searched word,
    escaped and marked."""
    wanted = set(terms(query, lang))
    flat = " ".join((text or "").split())
    part, before, after = _cut(flat, _first_match(flat, wanted, lang), length)
    marked = _marked(part, wanted, lang)
    return Markup("{}{}{}").format("… " if before else "", marked, " …" if after else "")
