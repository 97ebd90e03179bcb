"""What people write: rendered as safe HTML (line breaks and links only), and checked for
personal data they may expose by mistake."""

import re
from functools import lru_cache

import nh3
from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup, escape

URL = re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", re.IGNORECASE)
PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
STREET = re.compile(
    r"\b\d{1,4}\s?(?:bis|ter|b)?,?\s+(?:rue|avenue|av\.|boulevard|bd|place|allée|allee|chemin|"
    r"impasse|quai|route|cours|square|passage)\b",
    re.IGNORECASE,
)


# A page renders the same texts on every view: each recent text is sanitised once. 1,024 texts
# of at most 5,000 characters keep a worker's cache under about 20 MB.
@lru_cache(maxsize=1024)
def render(text: str) -> Markup:
    """Plain text to HTML: escaped, paragraphs and line breaks kept, web links clickable."""
    escaped = str(escape(text.strip()))
    linked = URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
    paragraphs = [p for p in re.split(r"\n\s*\n", linked.replace("\r\n", "\n")) if p.strip()]
    html = "".join(f"<p>{p.strip().replace(chr(10), '<br>')}</p>" for p in paragraphs)
    # Escaped first, then nh3 keeps only p, br and http(s) links: safe to mark as HTML.
    return Markup(  # nosec B704
        nh3.clean(
            html,
            tags={"p", "br", "a"},
            attributes={"a": {"href"}},
            url_schemes={"http", "https"},
            link_rel="nofollow ugc noopener noreferrer",
        )
    )


def personal_data_found(text: str) -> list[str]:
    """The kinds of personal data the text seems to contain: phone, email, address."""
    found = []
    if PHONE.search(text):
        found.append("phone")
    if EMAIL.search(text):
        found.append("email")
    if STREET.search(text):
        found.append("address")
    return found


def char_count(text: str) -> int:
    """Characters as the writer sees them: a line break counts once, whatever the browser sent."""
    return len(text.replace("\r\n", "\n"))


def too_long_message(count: int, maximum: int) -> str:
    """Refuse a long text with its length, never cut it: the writer decides what to remove."""
    return _(
        "Votre texte fait %(count)s caractères ; %(max)s au plus.",
        count=format_decimal(count),
        max=format_decimal(maximum),
    )
