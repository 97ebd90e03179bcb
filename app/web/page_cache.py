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
request renders afresh. Reading the version is the one query a kept page costs.

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
import re
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
from app.web import routes

# Session keys that say nothing about what a page shows.
_SESSION_NOISE = frozenset({"csrf_token", "_permanent", "_fresh", "_id"})


def change_version() -> None:
    """Drop every cached page (after a deployment: the templates may have changed)."""
    content_version.mark_changed(db.session)
    db.session.commit()


_VERSION_QUERY = sa.select(ContentVersion.version).where(ContentVersion.id == 1)  # built once


def current_version() -> int | None:
    # On the session's connection: a plain read, with none of the ORM's execute events.
    return db.session.connection().execute(_VERSION_QUERY).scalar()


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


def _key(version: int, personal: tuple = ()) -> str:
    parts = (request.host, request.full_path, str(get_locale()), _session_variant(), paris_today())
    parts += personal
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"page:{version}:{digest}"


# A reader's private state, in one query built once: unread notifications, and whether
# they follow the proposal of the page (none on the list).
_READER_STATE = sa.select(
    sa.select(sa.func.count(Notification.id))
    .where(Notification.user_id == sa.bindparam("user"), Notification.read_at.is_(None))
    .scalar_subquery(),
    sa.exists().where(
        Follow.user_id == sa.bindparam("user"), Follow.proposal_id == sa.bindparam("proposal")
    ),
)


def _personal_state() -> tuple:
    """What a reader's page shows of their own beyond the content version: who they are, the
    CSRF token of this browser's session (its forms carry it), and what lives in private
    tables (their unread notifications, whether they follow the proposal). Each is part of
    the key, so a change in any of them renders afresh."""
    proposal_id = (request.view_args or {}).get("proposal_id")
    params = {"user": current_user.id, "proposal": proposal_id}
    private = db.session.connection().execute(_READER_STATE, params).one()
    return (current_user.id, session.get(_csrf_field()), *private)


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
    version = current_version()
    if version is None:
        return None
    personal = _personal_state() if mode == "personal" else ()
    key = _key(version, personal)
    entry = _cache_call("get", key)
    if entry is None:
        g.page_cache_key = key  # rendered by the view, then kept by _store
        if mode == "personal":
            _start_capture(personal)
        return None
    if mode == "personal":
        return _personal_response(entry, "hit")
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
    if "page_capture" in g:  # whatever the answer, its placeholders are filled in
        return _store_personal(key, response)
    if key is None or response.status_code != 200 or response.is_streamed:
        return response
    if session.modified or _shows_csrf_token() or "Set-Cookie" in response.headers:
        return response  # a page made for this visitor alone
    body = response.get_data()
    etag = hashlib.blake2b(body, digest_size=12).hexdigest()
    entry = {"body": body, "content_type": response.content_type, "etag": etag}
    _cache_call("set", key, entry, current_app.config["PAGE_CACHE_SECONDS"])
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
    placeholder = re.escape(f"{entry['nonce']}-once")
    body = re.sub(placeholder, lambda _: new_one_time_key(), entry["body"])
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
    app.extensions["page_cache_outage"] = {"until": 0.0, "logged": False}
    content_version.watch(db.session)
    app.before_request(_serve_cached)
    app.after_request(_store)
