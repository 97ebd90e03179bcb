"""A logged-in reader's kept page, answered on one bare statement before the account is loaded.

A reader's kept proposal list or proposal page (app/web/page_cache.py) costs one statement:
their login session's row, read with the content version and their private state. Loaded
the usual way (Flask-Login's loader, app/accounts/login_sessions.py), that statement came
with a checkout from the pool, SQLAlchemy's execution, two ORM objects and the session's
end: 430 µs on PostgreSQL, where the statement takes 100 µs on the driver alone, a quarter
of the whole request. So this hook, before the account is loaded, reads the same row on the
worker's own connection (app/web/version_reader.py) and, when the page is kept, answers
with it.

It answers only where the usual way would serve that same page with nothing else to do,
and steps aside otherwise: the usual way then runs as if this hook were not there, and
decides. It steps aside when
- the request is not a GET (or HEAD) of a page kept per reader, the page cache is off, the
  route is behind the charter, or one of its blueprint's hooks would run;
- the session has changed or holds a message to show, or ``?lang=`` chooses a language;
- Flask-Login's session protection would act (the session was opened by another browser
  or address);
- the cookie holds no live login session (revoked, past its lifetime, idle: the usual way
  logs the person out), or activity is due to be recorded (the usual way writes it);
- the page is not kept (the usual way renders and keeps it; the statement is read twice
  then, 100 µs on a render of ten milliseconds).
The page is looked up under the key the usual way builds: the same content version, state
and session, and the language `app.locale_for` chooses from the same account's language.
"""

from flask import Flask, Response, current_app, g, request, session

from app import locale_for
from app.accounts.login_sessions import SESSION_KEY
from app.extensions import login_manager
from app.models import utcnow
from app.services import sessions
from app.web import page_cache, routes, version_reader

_SERVED = "reader_page_served"


def served() -> bool:
    """Whether this request was answered here: a reader's page, their account not loaded."""
    return g.get(_SERVED, False)


def _answer() -> Response | None:
    user_id = _reader_asking_plainly()
    also = page_cache.reader_page_columns(user_id) if user_id is not None else None
    if also is None:
        return None
    columns, params = also
    params |= {"token_hash": sessions.token_hash(session[SESSION_KEY]), "id": user_id}
    rows = version_reader.read_rows(sessions.login_state_query(columns), params)
    if not rows:  # no such session, or no connection of this worker's own
        return None
    account_locale, revoked, remember, created, seen, version, *private = rows[0]
    login = sessions.LoginState(revoked, remember, created, seen)
    now = utcnow()
    if version is None or not sessions.is_live(login, now) or sessions.touch_due(login, now):
        return None
    key = page_cache.reader_key(version, user_id, tuple(private), locale_for(account_locale))
    page = page_cache.kept_reader_page(key)
    if page is not None:
        setattr(g, _SERVED, True)
    return page


def _reader_asking_plainly() -> int | None:
    """The account id in the cookie, when nothing but the page is asked for."""
    if not routes.kept_per_reader(request.endpoint) or "_user_id" not in session:
        return None  # the endpoint first: a visitor's or a static file's request reads no more
    user_id = session["_user_id"]
    number = isinstance(user_id, str) and user_id.isascii() and user_id.isdigit()
    plain = number and SESSION_KEY in session
    if not plain or session.modified or "_flashes" in session or "lang" in request.args:
        return None
    if routes.requires_charter_for(request.endpoint, request.method) or _blueprint_hooks():
        return None
    return int(user_id) if _session_protection_holds() else None


def _blueprint_hooks() -> bool:
    hooks = current_app.before_request_funcs
    return any(name in hooks for name in request.blueprints)


def _session_protection_holds() -> bool:
    """Flask-Login's check (`_session_protection_failed`) would pass without acting."""
    mode = current_app.config.get("SESSION_PROTECTION", login_manager.session_protection)
    if mode not in ("basic", "strong"):
        return True
    return session.get("_id") == login_manager._session_identifier_generator()


def init_app(app: Flask) -> None:
    """Registered before the login session's hook, whose first look loads the account."""
    app.before_request(_answer)
