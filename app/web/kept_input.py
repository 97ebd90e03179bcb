"""What a person typed, kept when a request cannot be answered now (the charter changed, too
many tries): the posted fields, never a token, a password or a file."""

import re

from werkzeug.datastructures import MultiDict

# No person types the CSRF token: a fresh one goes with any new form. (Not the guest form's
# honeypot either, but its name, "website", is a real field of an organisation's form.)
NOT_KEPT = frozenset({"csrf_token"})
# A value with no space and only these characters is a choice or a token, not a text.
CHOICE = re.compile(r"[\w-]{0,64}")


def kept_fields(form: MultiDict, skip: frozenset = frozenset()) -> list[tuple[str, str]]:
    """The posted fields to send again, in order (files are not in ``request.form``)."""
    return [
        (name, value)
        for name, value in form.items(multi=True)
        if name not in NOT_KEPT | skip and "password" not in name.lower()
    ]


def typed_texts(fields: list[tuple[str, str]]) -> list[str]:
    """The texts among them, to show back to the person: not choices, ids or tokens."""
    return [value for _name, value in fields if value.strip() and not CHOICE.fullmatch(value)]
