"""Flask-Login on top of the server-side sessions of app/services/sessions.py.

The signed cookie carries the account id (Flask-Login's) and the session token (ours); the
account is loaded only if its session row is live. Flask-Login's own "remember me" cookie is
never set: "rester connecté·e" makes the session cookie last SESSION_REMEMBER_HOURS instead,
so every login, remembered or not, is a row that can be revoked.

A reader's kept page may be answered before this loader runs (app/web/reader_hit.py), on
the same row and the same checks, when the usual way would have nothing else to do.
"""

from flask import Flask, g, request, session
from flask_login import current_user, login_user

from app.extensions import login_manager
from app.models import User, UserSession
from app.services import sessions
from app.web import page_cache

SESSION_KEY = "session_token"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not (user_id.isascii() and user_id.isdigit()):  # "²" is a digit, not a number
        return None
    user_id = int(user_id)
    # A reader's kept page needs the content version and their private state: read with the
    # session row, one query instead of three.
    also = page_cache.reader_page_columns(user_id)
    found = sessions.load(session.get(SESSION_KEY), user_id, also)
    if found is None:
        return None
    user, g.user_session, read_too = found
    if also is not None:
        page_cache.prefetched(user_id, read_too)
    return user


def current_session() -> UserSession | None:
    """The logged-in person's session row for this request, if any."""
    if not current_user.is_authenticated:
        return None
    return g.get("user_session")


def start_session(user: User, user_agent: str, remember: bool = False) -> None:
    """A fresh session at login: nothing from before survives (no fixation) but the language."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session[SESSION_KEY] = sessions.open_session(user, remember=remember, user_agent=user_agent)
    session.permanent = remember
    login_user(user)


def init_app(app: Flask) -> None:
    @app.before_request
    def _record_activity():
        # Before the view runs, so the throttled write commits nothing of the view's.
        if request.endpoint == "static":
            return
        row = current_session()
        if row is not None:
            sessions.touch(row)
