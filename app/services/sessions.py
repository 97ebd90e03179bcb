"""Login sessions kept on the server, so that logging out, blocking an account or changing a
password ends them everywhere (the signed cookie alone cannot be taken back).

The cookie holds a random token; the database only its SHA-256. A session is valid while it
is not revoked, not older than its absolute lifetime and, unless "rester connecté·e" was
ticked, not idle longer than SESSION_IDLE_MINUTES.
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

import httpagentparser
import sqlalchemy as sa
from flask import current_app

from app.database import read_before_transaction
from app.extensions import db
from app.models import User, UserSession, utcnow
from app.services import retry_when_busy

# Names as people know them; anything else is shown as "navigateur inconnu".
BROWSERS = {
    "ChromiumEdge": "Edge",
    "Microsoft Edge": "Edge",
    "Chrome": "Chrome",
    "Firefox": "Firefox",
    "Safari": "Safari",
    "Opera": "Opera",
    "Samsung Browser": "Samsung Internet",
}
PLATFORMS = {
    "Android": "Android",
    "iOS": "iOS",
    "Windows": "Windows",
    "Mac OS": "macOS",
    "Linux": "Linux",
    "ChromeOS": "ChromeOS",
}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def device_names(user_agent: str) -> tuple[str | None, str | None]:
    """The browser's and the system's names, without versions: all we keep of the agent."""
    detected = httpagentparser.detect(user_agent or "")
    browser = (detected.get("browser") or {}).get("name")
    platform = (detected.get("platform") or {}).get("name")
    return BROWSERS.get(browser), PLATFORMS.get(platform)


@retry_when_busy
def open_session(user: User, *, remember: bool, user_agent: str) -> str:
    """A new session row for this login; returns the token the cookie will carry."""
    token = secrets.token_urlsafe(32)
    browser, platform = device_names(user_agent)
    db.session.add(
        UserSession(
            user=user,
            token_hash=token_hash(token),
            remember=remember,
            browser=browser,
            platform=platform,
        )
    )
    db.session.commit()
    return token


class LoginState(NamedTuple):
    """What `is_live` and `touch_due` read of a session row, read without the ORM."""

    revoked_at: datetime | None
    remember: bool
    created_at: datetime
    last_seen_at: datetime


def is_live(row: UserSession | LoginState, now: datetime | None = None) -> bool:
    """Not revoked, within its absolute lifetime and, if not remembered, recently used."""
    config = current_app.config
    now = now or utcnow()
    if row.revoked_at is not None:
        return False
    hours = config["SESSION_REMEMBER_HOURS"] if row.remember else config["SESSION_ABSOLUTE_HOURS"]
    if now - row.created_at > timedelta(hours=hours):
        return False
    idle = timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    return row.remember or now - row.last_seen_at <= idle


def delete_ended(before: datetime) -> int:
    """Delete the sessions that ended before this time (revoked, past their lifetime or idle
    too long): nothing shows them, and an ended session never comes back."""
    config = current_app.config
    remembered_until = timedelta(hours=config["SESSION_REMEMBER_HOURS"])
    absolute = timedelta(hours=config["SESSION_ABSOLUTE_HOURS"])
    idle = timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    ended = sa.or_(
        UserSession.revoked_at < before,
        sa.and_(UserSession.remember, UserSession.created_at < before - remembered_until),
        sa.and_(sa.not_(UserSession.remember), UserSession.created_at < before - absolute),
        sa.and_(sa.not_(UserSession.remember), UserSession.last_seen_at < before - idle),
    )
    return db.session.execute(sa.delete(UserSession).where(ended)).rowcount


# Built once: every logged-in request runs it.
_ACCOUNT_AND_SESSION = (
    sa.select(User, UserSession)
    .join(UserSession, UserSession.user_id == User.id)
    .where(UserSession.token_hash == sa.bindparam("token_hash"), User.id == sa.bindparam("id"))
)


@lru_cache(maxsize=4)
def _with_columns(columns: tuple) -> sa.Select:
    """The account query with these columns, built once: a statement built anew at each
    request has its SQL cache key computed anew."""
    return _ACCOUNT_AND_SESSION.add_columns(*columns)


@lru_cache(maxsize=4)
def login_state_query(columns: tuple) -> sa.Select:
    """The account query without its objects: the account's language, then its session's
    `LoginState`, then these columns (built once; parameters `token_hash` and `id`)."""
    state = (UserSession.revoked_at, UserSession.remember, UserSession.created_at)
    return _ACCOUNT_AND_SESSION.with_only_columns(
        User.locale, *state, UserSession.last_seen_at, *columns
    )


def load(
    token: str | None, user_id: int, also: tuple[tuple, dict] | None = None
) -> tuple[User, UserSession, tuple] | None:
    """The account and its live session for this cookie's token, in one query, or None.

    ``also``: more columns and their parameters, read in the same statement (the page
    cache's content version and reader's state); their values come third."""
    if not token:
        return None
    query, params = _ACCOUNT_AND_SESSION, {"token_hash": token_hash(token), "id": user_id}
    if also is not None:
        columns, more = also
        query, params = _with_columns(columns), params | more
    with read_before_transaction(db.session):  # a kept page needs no transaction at all
        found = db.session.execute(query, params).first()
    if found is None or not is_live(found[1]):
        return None
    return found[0], found[1], tuple(found[2:])


def touch_due(row: UserSession | LoginState, now: datetime) -> bool:
    """Whether this request's activity is to be written: once per SESSION_TOUCH_SECONDS."""
    return now - row.last_seen_at >= timedelta(seconds=current_app.config["SESSION_TOUCH_SECONDS"])


def touch(row: UserSession) -> None:
    """Record activity, at most once per SESSION_TOUCH_SECONDS (not one write per request)."""
    now = utcnow()
    if not touch_due(row, now):
        return
    db.session.execute(
        sa.update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now)
    )
    db.session.commit()


@retry_when_busy
def revoke(row: UserSession | None) -> None:
    """End one session (logging out)."""
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at = utcnow()
    db.session.commit()


@retry_when_busy
def revoke_sessions(user: User, keep: UserSession | None = None, commit: bool = True) -> int:
    """End every session of this account but `keep`; returns how many were still open.

    Called on logout elsewhere, password change or reset, and when an admin blocks the account.
    """
    query = sa.update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    live = [row.id for row in active_sessions(user) if keep is None or row.id != keep.id]
    db.session.execute(query.values(revoked_at=utcnow()))
    if commit:
        db.session.commit()
    return len(live)


def active_sessions(user: User, first: UserSession | None = None) -> list[UserSession]:
    """The account's live sessions: `first` (this one), then the most recently used."""
    rows = db.session.scalars(
        sa.select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    now = utcnow()
    live = [row for row in rows if is_live(row, now)]
    return sorted(live, key=lambda row: first is None or row.id != first.id)
