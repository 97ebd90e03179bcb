"""Use cases of the site, one function each.

A service checks the policy again, changes the models, writes the timeline, and commits
once at its end: the commit happens here and nowhere else (never in views or models).
A service refuses a forbidden action by raising ``PermissionDenied``.

A service that commits is marked ``@retry_when_busy``: it is the unit of work, so it is
what a busy database retries — rolled back whole and run once more. Never the view: run
again, a view would count its rate limit twice and redo whatever came before its service
(another use case already committed, a log line). Inside another use case, a service is
part of that one, and that one retries. A second failure reaches the error page (a French
503 that gives a form's text back, app/web/errors.py).

What pages, the API, search and exports read lives in ``app.queries``, by area.
"""

import functools
import time
from contextvars import ContextVar

from flask import current_app
from sqlalchemy.exc import OperationalError

from app.database import is_busy
from app.extensions import db

RETRY_PAUSE_SECONDS = 0.05
_in_use_case: ContextVar[bool] = ContextVar("in_use_case", default=False)


class PermissionDenied(Exception):
    """The policy refused the action."""


class ServiceError(ValueError):
    """A use case cannot go on; the message is shown to the person (already translated).
    ``field``: the form field it is about, when the service knows it."""

    def __init__(self, message: str = "", field: str | None = None):
        super().__init__(message)
        self.field = field


def retry_when_busy(service):
    """Run the use case once more, from a clean transaction, when the database was busy."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        if _in_use_case.get():  # part of a larger use case: that one retries
            return service(*args, **kwargs)
        token = _in_use_case.set(True)
        try:
            try:
                return service(*args, **kwargs)
            except OperationalError as error:
                if not is_busy(error):
                    raise
                db.session.rollback()
                current_app.logger.warning("Database busy, trying again: %s", error.orig)
            time.sleep(RETRY_PAUSE_SECONDS)
            return service(*args, **kwargs)
        finally:
            _in_use_case.reset(token)

    return wrapper
