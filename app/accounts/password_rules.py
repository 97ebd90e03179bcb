"""What a password must be (OWASP ASVS 5.0, level 2): long enough, any character, not
a common password, not the account's own e-mail or pseudonym.

The one rule for every place a password is chosen: registration, reset, any change and
``flask users create-admin``. No composition rules (they make passwords worse); no silent
truncation (up to ``MAX_LENGTH`` characters are accepted and hashed whole).
"""

import gzip
import unicodedata
from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

MIN_LENGTH = 8
MAX_LENGTH = 128
# Django's list of 20,000 common passwords (BSD licence, see the notice next to it).
COMMON_PASSWORDS_FILE = Path(__file__).parent.parent / "data" / "common-passwords.txt.gz"

TOO_SHORT = _l("Le mot de passe doit faire au moins %(min)d caractères.", min=MIN_LENGTH)
TOO_LONG = _l("Le mot de passe ne doit pas dépasser %(max)d caractères.", max=MAX_LENGTH)
TOO_COMMON = _l(
    "Ce mot de passe fait partie des mots de passe les plus courants, faciles à deviner. "
    "Choisissez-en un autre, par exemple une petite phrase."
)
SAME_AS_EMAIL = _l("Le mot de passe ne doit pas être votre adresse e-mail.")
SAME_AS_PSEUDONYM = _l("Le mot de passe ne doit pas être votre pseudonyme.")


def _key(text: str) -> str:
    """The form in which passwords are compared: NFKC, case-folded, trimmed."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(_key(line) for line in lines if line.strip())


def password_problem(password: str, *, email: str = "", pseudonym: str = "") -> str | None:
    """Why this password is refused (a translated message), or None if it is fine."""
    length = len(password)
    if length < MIN_LENGTH:
        return str(TOO_SHORT)
    if length > MAX_LENGTH:
        return str(TOO_LONG)
    key = _key(password)
    if key in common_passwords():
        return str(TOO_COMMON)
    if email and key == _key(email):
        return str(SAME_AS_EMAIL)
    if email and key == _key(email.split("@", 1)[0]) and "@" in email:
        return str(SAME_AS_EMAIL)
    if pseudonym and key == _key(pseudonym):
        return str(SAME_AS_PSEUDONYM)
    return None
