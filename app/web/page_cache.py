"""Public pages as a visitor without an account sees them, kept ready to serve.

A visitor's proposal list or proposal page is the same for every visitor who reads it in
the same language and reading mode: it is rendered once, kept in the cache (Flask-Caching:
Redis when REDIS_URL is set, shared by every app server; this process's memory otherwise)
and served from there until anything changes.

"Anything changes" is the content version (app/models/content_version.py): a random value
in one row, part of every kept page's key. ORM session events give it a new value in every
transaction that writes a content model (any model not declared `PrivateRecord`: login
sessions, audit log, notifications, e-mails and follows are private), just before the
commit and in the same transaction. So the moment a moderator's decision or an
institution's new answer is committed, no server serves the old page again: the next
request renders afresh. Reading the version is the one query a kept page costs (for a
logged-in reader, it is read with their login session's row and their private state, in
the same statement, before their account is loaded: app/web/reader_hit.py).

Never cached for visitors: a page with a form (its CSRF token is the visitor's own), a
message to show once (flash), anything but a 200, a page that sets a cookie. A cached page
carries an ETag: a browser that already has it gets a 304 without a body, and
`Cache-Control: no-cache` makes every browser and proxy ask again each time.

A logged-in reader's proposal list and proposal page are kept for that reader's browser
session alone, under the same content version (see "A reader's page" below); no other
logged-in page is kept. Such a page is kept no longer than what it shows stays true: the
view, or the template helper that shows an edit link, calls `valid_until()` with the moment
the link goes.
"""

import hashlib
import secrets
import time
from datetime import datetime

import sqlalchemy as sa
from flask import (
    Flask,
    Response,
    current_app,
    g,
    get_flashed_messages,
    has_request_context,
    request,
    session,
)
from flask_babel import get_locale
from flask_login import current_user

from app.extensions import db, page_cache
from app.models import ContentVersion, Follow, Notification, content_version, paris_today, utcnow
from app.web import near_cache, routes, version_reader

# Session keys that say nothing about what a page shows.
_SESSION_NOISE = frozenset(
    # "receipt_forms": the guest forms whose receipt this browser was handed
    # (app/receipts/handover.py): a later sending reads it, no page shows it.
    {"csrf_token", "_permanent", "_fresh", "_id", "receipt_forms"}
)


def change_version() -> None:
    """Drop every cached page (after a deployment: the templates may have changed)."""
    content_version.mark_changed(db.session)
    db.session.commit()


_VERSION_QUERY = sa.select(ContentVersion.version).where(ContentVersion.id == 1)  # built once


def current_version() -> int | None:
    """The version as the session sees it (its own uncommitted writes included)."""
    # On the session's connection: a plain read, with none of the ORM's execute events.
    return db.session.connection().execute(_VERSION_QUERY).scalar()


def _committed_version() -> int | None:
    """The version a visitor's request is keyed by, read from the database at every request.

    One statement outside any transaction: it sees what is committed at that moment, as the
    session's first statement would (PostgreSQL's READ COMMITTED; SQLite begins no
    transaction for a read), without the ORM session's bookkeeping, nor on PostgreSQL the
    session's BEGIN and the ROLLBACK at the request's end (two more round trips). Read on
    a connection each worker keeps for it (app/web/version_reader.py), else from the pool."""
    return version_reader.read(_VERSION_QUERY, _pooled_version)


def _pooled_version() -> int | None:
    with _reading_engine().connect() as connection:
        return connection.execute(_VERSION_QUERY).scalar()


def _reading_engine():
    """The engine in autocommit on PostgreSQL (sharing its pool, events and statement cache);
    the engine itself on SQLite, whose driver opens no transaction for a read (switching it to
    autocommit and back would cost a statement at each checkout)."""
    engines = current_app.extensions["page_cache_engines"]
    engine = db.engine
    reading = engines.get(engine)
    if reading is None:
        autocommit = engine.dialect.name != "sqlite"
        reading = engine.execution_options(isolation_level="AUTOCOMMIT") if autocommit else engine
        engines[engine] = reading
    return reading


# Serving and storing pages


def _mode() -> str | None:
    """ "public" for a visitor's page, "personal" for a reader's page, None: not cached."""
    if not current_app.config["PAGE_CACHE_ENABLED"] or request.method not in ("GET", "HEAD"):
        return None
    if session.modified or "_flashes" in session:
        return None
    if not current_user.is_authenticated:
        return "public" if routes.cached_for_visitors(request.endpoint) else None
    return "personal" if routes.kept_per_reader(request.endpoint) else None


def _session_variant() -> str:
    return repr(sorted((k, repr(v)) for k, v in session.items() if k not in _SESSION_NOISE))


def _key(version: int, personal: tuple = (), locale=None) -> str:
    """`locale`: this request's language when it is known before the account is loaded."""
    language = str(locale or get_locale())
    parts = (request.host, request.full_path, language, _session_variant(), paris_today())
    parts += personal
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"page:{version}:{digest}"


# A reader's private state, built once: unread notifications, and whether they follow the
# proposal of the page (none on the list).
_READER_COLUMNS = (
    sa.select(sa.func.count(Notification.id))
    .where(Notification.user_id == sa.bindparam("user"), Notification.read_at.is_(None))
    .scalar_subquery(),
    sa.exists().where(
        Follow.user_id == sa.bindparam("user"), Follow.proposal_id == sa.bindparam("proposal")
    ),
)
_READER_STATE = sa.select(*_READER_COLUMNS)
# The content version, then the reader's state: read with the login session's row
# (`reader_page_columns`), one query for all three.
_VERSION_AND_READER_COLUMNS = (_VERSION_QUERY.scalar_subquery(), *_READER_COLUMNS)
_VERSION_AND_READER_STATE = sa.select(*_VERSION_AND_READER_COLUMNS)
_PREFETCHED = "page_cache_reader_prefetch"


def reader_page_columns(user_id: int) -> tuple[tuple, dict] | None:
    """The columns (and their parameters) the login session's query adds when this request
    may be answered with the reader's kept page: the content version and the reader's
    private state, read in the same statement as the session row. None for any other
    request. Whatever is read is read from the database in this request, never kept."""
    if (
        not current_app.config["PAGE_CACHE_ENABLED"]
        or request.method not in ("GET", "HEAD")
        or not routes.kept_per_reader(request.endpoint)
    ):
        return None
    return _VERSION_AND_READER_COLUMNS, {
        "user": user_id,
        "proposal": (request.view_args or {}).get("proposal_id"),
    }


def prefetched(user_id: int, values: tuple) -> None:
    """What the login session's query read of `reader_page_columns`, for `_serve_cached`."""
    g.setdefault(_PREFETCHED, {})[user_id] = values


def _read(query, user_id: int) -> tuple:
    params = {"user": user_id, "proposal": (request.view_args or {}).get("proposal_id")}
    return tuple(db.session.connection().execute(query, params).one())


def _personal_state(private: tuple | None = None) -> tuple:
    """What a reader's page shows of their own beyond the content version: who they are, the
    CSRF token of this browser's session (its forms carry it), and what lives in private
    tables (their unread notifications, whether they follow the proposal). Each is part of
    the key, so a change in any of them renders afresh."""
    if private is None:
        private = _read(_READER_STATE, current_user.id)
    return _personal(current_user.id, private)


def _personal(user_id: int, private: tuple) -> tuple:
    return (user_id, session.get(_csrf_field()), *private)


def reader_key(version: int, user_id: int, private: tuple, locale) -> str:
    """The key `_serve_cached` builds for this reader's request, from the values of
    `reader_page_columns` (the version, then the private state) and the request's language,
    before the account is loaded (app/web/reader_hit.py)."""
    return _key(version, _personal(user_id, private), locale)


def kept_reader_page(key: str) -> Response | None:
    """The reader's page kept under `key`, answered as `_serve_cached` answers it."""
    entry = _cache_call("get", key)
    return None if entry is None else _personal_response(entry, "hit")


def _version_and_personal_state() -> tuple[int | None, tuple]:
    """The version and the reader's state: as read with the login session's row when it
    was, else in one query of their own."""
    user_id = current_user.id
    values = g.pop(_PREFETCHED, {}).get(user_id) or _read(_VERSION_AND_READER_STATE, user_id)
    version, *private = values
    return version, _personal_state(tuple(private))


def _cache_call(method: str, *args):
    """The cache, or nothing while it is unreachable: a failed read is a miss, a failed
    write is skipped, a page is rendered, never refused.

    After a failure the cache is left alone for PAGE_CACHE_RETRY_SECONDS (per process), so a
    Redis that accepts and never answers costs one timeout per period, not one (or two) per
    request; the outage is logged once, and the recovery too.
    """
    outage = current_app.extensions["page_cache_outage"]
    if time.monotonic() < outage["until"]:
        return None
    try:
        result = getattr(page_cache, method)(*args)
    except Exception as error:  # redis.RedisError, OSError…: any failure of the cache
        outage["until"] = time.monotonic() + current_app.config["PAGE_CACHE_RETRY_SECONDS"]
        if not outage["logged"]:
            current_app.logger.warning("Page cache unavailable: %s", type(error).__name__)
            outage["logged"] = True
        return None
    if outage["logged"]:
        current_app.logger.info("Page cache available again")
        outage["logged"] = False
    return result


def _serve_cached():
    g.page_cache_key = None
    mode = _mode()
    if mode is None:
        return None
    if mode == "personal":
        version, personal = _version_and_personal_state()
    else:
        version, personal = _committed_version(), ()
    if version is None:
        return None
    key = _key(version, personal)
    entry = _public_entry(key) if mode == "public" else _cache_call("get", key)
    if entry is None:
        g.page_cache_key = key  # rendered by the view, then kept by _store
        if mode == "personal":
            _start_capture(personal)
        return None
    if mode == "personal":
        return _personal_response(entry, "hit")
    response = Response(entry["body"], content_type=entry["content_type"])
    return _http_caching(response, entry["etag"], "hit")


def _public_entry(key: str) -> dict | None:
    """A visitor's page: the worker's own copy, else the shared cache's (then copied)."""
    entry = near_cache.near().get(key)
    if entry is None:
        entry = _cache_call("get", key)
        if entry is not None:
            near_cache.near().put(key, entry)
    return entry


def _http_caching(response: Response, etag: str, outcome: str) -> Response:
    response.headers["X-Page-Cache"] = outcome  # for the proxy's logs and the tests
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    return response.make_conditional(request)


def _store(response: Response) -> Response:
    key = g.pop("page_cache_key", None)
    if "page_capture" in g:  # whatever the answer, its placeholders are filled in
        return _store_personal(key, response)
    if key is None or response.status_code != 200 or response.is_streamed:
        return response
    if session.modified or _shows_csrf_token() or "Set-Cookie" in response.headers:
        return response  # a page made for this visitor alone
    body = response.get_data()
    etag = hashlib.blake2b(body, digest_size=12).hexdigest()
    seconds = current_app.config["PAGE_CACHE_SECONDS"]
    # `until`: the end of the page's life in the shared cache, which a worker's copy keeps.
    entry = {"body": body, "content_type": response.content_type, "etag": etag}
    entry["until"] = time.time() + seconds
    _cache_call("set", key, entry, seconds)
    near_cache.near().put(key, entry)
    return _http_caching(response, etag, "miss")


def _csrf_field() -> str:
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def _shows_csrf_token() -> bool:
    """Whether this request handed out a CSRF token: Flask-WTF keeps the signed token it
    gives in ``g`` under the field's name (as its `generate_csrf` says)."""
    return _csrf_field() in g


# A reader's page: kept for that person's browser session alone
#
# Its forms keep the CSRF token they were rendered with: the key holds the session's own
# raw token (which the signed one is checked against), and a page is kept a few minutes
# while a token lives far longer (checked at startup, `_check_token_lifetime`). The one-time
# key of each form that creates something must differ at each view (two tabs must not share
# one): while a reader's page is rendered for the cache, it is written as a placeholder made
# of a random nonce, and each view, the first included, fills it in afresh.


def _start_capture(personal: tuple) -> None:
    g.page_capture = {
        "nonce": secrets.token_hex(12),
        "variant": _session_variant(),
        "personal": personal,
        "until": None,
    }


def new_one_time_key() -> str:
    """A fresh one-time key for a form that creates something."""
    return secrets.token_urlsafe(24)


def one_time_placeholder() -> str | None:
    """The placeholder for a form's one-time key while a reader's page is being kept."""
    capture = g.get("page_capture") if has_request_context() else None
    return f"{capture['nonce']}-once" if capture else None


def valid_until(moment: datetime) -> None:
    """The page being kept shows something that changes at `moment` (naive UTC), such as an
    edit link whose window closes: it is not kept beyond."""
    capture = g.get("page_capture") if has_request_context() else None
    if capture and (capture["until"] is None or moment < capture["until"]):
        capture["until"] = moment


def _store_personal(key: str, response: Response) -> Response:
    capture = g.pop("page_capture")
    if response.is_streamed:  # neither page streams: nothing to fill in or keep
        return response
    entry = {
        "body": response.get_data(as_text=True),
        "content_type": response.content_type,
        "nonce": capture["nonce"],
    }
    if response.status_code != 200:  # an error page: filled in, not kept
        return _personal_response(entry, None, response)
    seconds = current_app.config["PAGE_CACHE_READER_SECONDS"]
    if capture["until"] is not None:
        seconds = min(seconds, int((capture["until"] - utcnow()).total_seconds()))
    kept = seconds > 0 and _same_page_as_key(capture)
    if kept:
        _cache_call("set", key, entry, seconds)
    return _personal_response(entry, "miss" if kept else None, response)


def _same_page_as_key(capture: dict) -> bool:
    """Whether the page shows what its key says. Not when the view flashed a message (shown
    or still to show), changed the session (a language, a login, a first CSRF token), or
    when a notification or a follow was written while the page was rendered (the key read
    them before)."""
    if _has_flash():
        return False
    if _session_variant() != capture["variant"]:
        return False
    return _personal_state() == capture["personal"]


def _has_flash() -> bool:
    """A message flashed: still to show (`flask.flash` keeps it in the session under
    "_flashes") or shown by this page (`get_flashed_messages` then gives it again; with
    none left in the session it takes nothing from it)."""
    return "_flashes" in session or bool(get_flashed_messages())


def _personal_response(entry: dict, outcome: str | None, response: Response | None = None):
    # Each placeholder gets its own key (two forms on a page never share one).
    first, *rest = entry["body"].split(f"{entry['nonce']}-once")
    body = "".join([first, *(new_one_time_key() + part for part in rest)])
    if response is None:
        response = Response(body, content_type=entry["content_type"])
    else:
        response.set_data(body)
    if outcome:
        response.headers["X-Page-Cache"] = outcome
    return response


def _check_token_lifetime(app: Flask) -> None:
    """A reader's page keeps its CSRF token: the token must live far longer than the page
    (WTF_CSRF_TIME_LIMIT None: as long as the session; Flask-WTF's default is an hour)."""
    limit = app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
    if limit is not None and app.config["PAGE_CACHE_READER_SECONDS"] * 10 > limit:
        raise RuntimeError(
            "PAGE_CACHE_READER_SECONDS must stay under a tenth of WTF_CSRF_TIME_LIMIT: "
            "a reader's kept page carries the CSRF token it was rendered with."
        )


def init_app(app: Flask) -> None:
    """Registered last: every other before-request hook (language, limits) has run."""
    _check_token_lifetime(app)
    page_cache.init_app(app)
    near_cache.init_app(app)
    version_reader.init_app(app)
    app.extensions["page_cache_outage"] = {"until": 0.0, "logged": False}
    app.extensions["page_cache_engines"] = {}
    content_version.watch(db.session)
    app.before_request(_serve_cached)
    app.after_request(_store)
