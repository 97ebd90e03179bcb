"""Public pages as a visitor without an account sees them, kept ready to serve.

A visitor's proposal list or proposal page is the same for every visitor who reads it in
the same language and reading mode: it is rendered once, kept in the cache (Redis when
REDIS_URL is set, shared by every app server; this process's memory otherwise) and served
from there until anything changes.

"Anything changes" is decided by the database, never guessed per page: every transaction
that writes a row of a table holding content gives `content_version` a new random value
just before it commits, in the same transaction. A cached page's key holds the version it
was rendered under, so the moment a moderator's decision or an institution's new answer is
committed, no server serves the old page again — the next request renders afresh. Only the
tables listed in PRIVATE_TABLES (sessions, audit log, notifications, e-mails), which no
public page shows, write without changing the version.

Never cached: a person logged in, a page with a form (its CSRF token is the visitor's own),
a message to show once (flash), anything but a 200, a page that sets a cookie. A cached
page carries an ETag: a browser that already has it gets a 304 without a body, and
`Cache-Control: no-cache` makes every browser and proxy ask again each time.
"""

import hashlib
import secrets

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.extensions import db, page_cache
from app.models import ContentVersion, paris_today

# Pages a visitor may read, the same for every visitor (but for language and reading mode).
CACHED_ENDPOINTS = frozenset(
    {
        "main.index",
        "main.help_page",
        "main.charter",
        "main.charter_version",
        "privacy.notice",
        "proposals.index",
        "proposals.show",
        "proposals.theme",
        "proposals.themes",
        "contributions.show",
        "responses.history",
        "board.index",
        "board.synthesis",
        "directory.index",
        "directory.show",
        "meetings.index",
        "meetings.show",
        "minutes.show",
        "minutes.diff",
        "minutes.version",
        "search.index",
        "api.themes",
        "api.proposals",
        "api.proposal",
        "api.organisations",
        "api.organisation",
        "api.meetings",
        "api.meeting",
        "api.institution_accountability",
    }
)
# Tables no cached page shows: writing them leaves the cached pages as they are.
PRIVATE_TABLES = frozenset(
    {
        "user_session",
        "audit_event",
        "notification",
        "outbox_email",
        "password_reset_token",
        "follow",  # who follows what: shown to that person only, never counted in public
        "content_version",
    }
)
MIGRATION_TABLE = "alembic_version"
_WRITES = ("INSERT", "UPDATE", "DELETE")
_CHANGED = "voix_content_changed"
_MIGRATING = "voix_migrating"
# Session keys that say nothing about what a page shows.
_SESSION_NOISE = frozenset({"csrf_token", "_permanent", "_fresh", "_id"})


# The content version: changed by the database's own writers


def _written_table(statement: str) -> str | None:
    """The table an INSERT, UPDATE or DELETE statement writes, lower case, unquoted."""
    head = statement.lstrip()[:6].upper()
    if head not in _WRITES:
        return None
    words = statement.split(None, 6)
    if head == "UPDATE":
        name = words[1] if len(words) > 1 else ""
    else:  # INSERT [OR …] INTO name / DELETE FROM name
        upper = [w.upper() for w in words]
        marker = "INTO" if head == "INSERT" else "FROM"
        name = words[upper.index(marker) + 1] if marker in upper[:-1] else ""
    return name.strip('"`').split("(")[0].lower()


def _note_write(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    table = _written_table(statement)
    if table is None or table in PRIVATE_TABLES:
        return
    if table == MIGRATION_TABLE:
        conn.info[_MIGRATING] = True
    conn.info[_CHANGED] = True


def _bump_before_commit(conn) -> None:
    """The new version goes in with the content, in the same transaction: both or neither.

    Raw DBAPI cursor: this runs inside SQLAlchemy's commit, where no statement may go
    through the Connection. A migration's transaction is left alone (the table may not exist
    yet); `bin/serve` changes the version once the upgrade is done.
    """
    info = conn.info
    if info.pop(_MIGRATING, False) or not info.pop(_CHANGED, False):
        return
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(_upsert_sql(secrets.randbits(62)))
    finally:
        cursor.close()


def _forget_writes(conn) -> None:
    conn.info.pop(_CHANGED, None)
    conn.info.pop(_MIGRATING, None)


def _upsert_sql(version: int) -> str:
    # An integer literal (no parameter: the DBAPI's placeholder differs), the same SQL on
    # SQLite and PostgreSQL; the row is created if a test emptied the table.
    return (
        f"INSERT INTO content_version (id, version) VALUES (1, {int(version)}) "  # nosec B608
        "ON CONFLICT (id) DO UPDATE SET version = excluded.version"
    )


def watch(engine: Engine) -> None:
    """Make every content-writing commit on this engine change the content version."""
    if event.contains(engine, "before_cursor_execute", _note_write):
        return
    event.listen(engine, "before_cursor_execute", _note_write)
    event.listen(engine, "commit", _bump_before_commit)
    event.listen(engine, "rollback", _forget_writes)


def change_version() -> None:
    """Drop every cached page (after a deployment: the templates may have changed)."""
    db.session.execute(sa.text(_upsert_sql(secrets.randbits(62))))
    db.session.commit()


def current_version() -> int | None:
    return db.session.execute(sa.select(ContentVersion.version).filter_by(id=1)).scalar()


# Serving and storing pages


def _cacheable_request() -> bool:
    if not current_app.config["PAGE_CACHE_ENABLED"]:
        return False
    if request.method not in ("GET", "HEAD") or request.endpoint not in CACHED_ENDPOINTS:
        return False
    if session.modified or "_flashes" in session:
        return False
    return not current_user.is_authenticated


def _key(version: int) -> str:
    variant = sorted((k, repr(v)) for k, v in session.items() if k not in _SESSION_NOISE)
    parts = (request.host, request.full_path, str(get_locale()), repr(variant), paris_today())
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"page:{version}:{digest}"


def _cache_call(method: str, *args):
    """The cache, or nothing if it is unreachable: a page is then rendered, never refused."""
    try:
        return getattr(page_cache, method)(*args)
    except Exception as error:  # redis.RedisError, OSError…: any failure of the cache
        current_app.logger.warning("Page cache unavailable: %s", type(error).__name__)
        return None


def _serve_cached():
    g.page_cache_key = None
    if not _cacheable_request():
        return None
    version = current_version()
    if version is None:
        return None
    g.page_cache_key = _key(version)
    entry = _cache_call("get", g.page_cache_key)
    if entry is None:
        return None
    g.page_cache_key = None  # served from the cache: nothing to store
    response = Response(entry["body"], content_type=entry["content_type"])
    return _http_caching(response, entry["etag"], "hit")


def _http_caching(response: Response, etag: str, outcome: str) -> Response:
    response.headers["X-Page-Cache"] = outcome  # for the proxy's logs and the tests
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    return response.make_conditional(request)


def _store(response: Response) -> Response:
    key = g.pop("page_cache_key", None)
    if key is None or response.status_code != 200 or response.is_streamed:
        return response
    if session.modified or "csrf_token" in g or "Set-Cookie" in response.headers:
        return response  # a page made for this visitor alone
    body = response.get_data()
    etag = hashlib.blake2b(body, digest_size=12).hexdigest()
    entry = {"body": body, "content_type": response.content_type, "etag": etag}
    _cache_call("set", key, entry, current_app.config["PAGE_CACHE_SECONDS"])
    return _http_caching(response, etag, "miss")


def init_app(app: Flask) -> None:
    """Registered last: every other before-request hook (language, limits) has run."""
    page_cache.init_app(app)
    with app.app_context():
        watch(db.engine)
    app.before_request(_serve_cached)
    app.after_request(_store)
