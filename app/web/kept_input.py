"""What a person typed, kept when a request cannot be answered now (the charter changed, too
many tries): the posted fields, never a token, a password or a file."""

import re

from flask import request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

# No person types the CSRF token: a fresh one goes with any new form. (Not the guest form's
# honeypot either, but its name, "website", is a real field of an organisation's form.)
NOT_KEPT = frozenset({"csrf_token"})
# A value with no space and only these characters is a choice or a token, not a text.
CHOICE = re.compile(r"[\w-]{0,64}")


# Sent again in place of the files, which cannot be: the form that receives it asks for
# them again rather than save without them (``AsksForFilesLeftBehind``).
FILES_LEFT_BEHIND = "files_left_behind"


def kept_fields(
    form: MultiDict, skip: frozenset = frozenset(), files: MultiDict | None = None
) -> list[tuple[str, str]]:
    """The posted fields to send again, in order (files are not in ``request.form``), and
    ``FILES_LEFT_BEHIND`` when ``files`` held one that was chosen."""
    kept = [
        (name, value)
        for name, value in form.items(multi=True)
        if name not in NOT_KEPT | skip and "password" not in name.lower()
    ]
    chosen = files and any(file.filename for file in files.values())
    if chosen and FILES_LEFT_BEHIND not in form:
        kept.append((FILES_LEFT_BEHIND, "1"))
    return kept


def typed_texts(fields: list[tuple[str, str]]) -> list[str]:
    """The texts among them, to show back to the person: not choices, ids or tokens."""
    return [value for _name, value in fields if value.strip() and not CHOICE.fullmatch(value)]


def files_left_behind() -> bool:
    """Whether this is a form sent again without the files it was first sent with (the
    page in between, the charter's acceptance, could not carry them)."""
    if not request.form.get(FILES_LEFT_BEHIND):
        return False
    return not any(file.filename for file in request.files.values())


class AsksForFilesLeftBehind:
    """For a form that takes files (listed before its FlaskForm base): sent again without
    the files it had, it is refused once, ``files_left_message`` at ``files_field`` (the
    name of the field that takes them), so that nothing is saved without them; sent again
    as it is then, it is taken."""

    files_field = ""
    files_left_message = _l(
        "Le fichier choisi n’a pas pu être gardé pendant l’acceptation de la charte : "
        "choisissez-le à nouveau, puis envoyez."
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not files_left_behind():
            return valid
        field = self[self.files_field]
        field.errors = [*field.errors, str(self.files_left_message)]
        return False
