"""A service's refusal (``ServiceError``) shown on the form that asked for it.

Every form view does it one way: the form comes back on its own page, as for any invalid
form, with the service's message next to the field it concerns and every typed text kept.
The handler in app/web/errors.py stays the safety net for a refusal no view catches (a bare
400 page that gives the texts back to copy).
"""

from app.extensions import db
from app.services import ServiceError


def refuse(field, error: ServiceError) -> None:
    """Undo whatever the refused use case began, and put its message on ``field``."""
    db.session.rollback()
    field.errors.append(str(error))


def refuse_on(form, error: ServiceError, default: str) -> None:
    """The same, on the field the service named (``error.field``), else on ``default``."""
    name = error.field if error.field in form else default
    refuse(form[name], error)
