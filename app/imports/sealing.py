"""The rows of a previewed file, carried to its confirmation in the page itself: signed
with the app's secret (nobody changes them on the way), compressed, bound to the event,
valid for a day. The file is not sent twice and nothing is kept on the server meanwhile."""

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from app.imports.rows import SheetRow
from app.models import Event

SALT = "proposal-import-rows"
MAX_AGE_SECONDS = 24 * 60 * 60


class SealBroken(ValueError):
    """The carried rows were changed, are too old, or belong to another event."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def seal(event: Event, rows: list[SheetRow], new_lines: list[int]) -> str:
    """The rows (and the lines the preview showed as new), as one signed string."""
    payload = {"event": event.id, "rows": [row.as_list() for row in rows], "new": new_lines}
    return _serializer().dumps(payload)


def unseal(event: Event, token: str) -> tuple[list[SheetRow], list[int]]:
    """The rows and new lines sealed for this event; SealBroken otherwise."""
    try:
        payload = _serializer().loads(token or "", max_age=MAX_AGE_SECONDS)
        if payload["event"] != event.id:
            raise SealBroken
        rows = [SheetRow.from_list(values) for values in payload["rows"]]
        new_lines = [int(line) for line in payload["new"]]
    except (BadData, KeyError, TypeError, ValueError) as error:
        raise SealBroken from error
    return rows, new_lines
