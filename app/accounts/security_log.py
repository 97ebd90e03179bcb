"""The security log: one line per event on the ``voix.security`` logger.

Events: login_ok, login_failed, logout, password_reset_requested, password_reset_done,
password_changed, authorization_failed, admin_action, rate_limited, identity_viewed.
Never a password, never a testimony's text; e-mail addresses are replaced by a short keyed
hash (the same address gives the same hash, so failures on one account can be correlated
without the log holding the address). Every value is made single-line, so what a person
typed cannot forge a second log line.
"""

import hashlib
import hmac
import logging

from flask import Flask, current_app, has_request_context, request
from flask_login import current_user, user_logged_in, user_logged_out

logger = logging.getLogger("voix.security")

_ESCAPES = str.maketrans({"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x0b": "\\x0b", "\x0c": "\\x0c"})
MAX_VALUE_LENGTH = 200


def clean(value: object) -> str:
    """A value safe on one log line: line breaks and other control characters escaped."""
    text = str(value).replace("\\", "\\\\").translate(_ESCAPES)
    text = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    if len(text) > MAX_VALUE_LENGTH:
        text = text[:MAX_VALUE_LENGTH] + "…"
    return text.replace('"', '\\"')


def email_hash(email: str) -> str:
    """A short keyed hash of a normalised e-mail address (never the address itself)."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()
    return digest[:16]


def _context() -> dict[str, object]:
    if not has_request_context():
        return {}
    # The route's pattern rather than the path: a reset link's token stays out of the log.
    path = request.url_rule.rule if request.url_rule is not None else request.path
    fields: dict[str, object] = {"ip": request.remote_addr or "-", "path": path}
    if current_user and current_user.is_authenticated:
        fields["user_id"] = current_user.get_id()
    return fields


def security_event(event: str, *, level: int = logging.INFO, **fields: object) -> None:
    """Write one event: ``event=NAME key="value" …`` on a single line."""
    values = {**_context(), **{k: v for k, v in fields.items() if v is not None}}
    parts = [f"event={clean(event)}"]
    parts += [f'{clean(key)}="{clean(value)}"' for key, value in values.items()]
    logger.log(level, " ".join(parts))


def _logged_in(_app, user) -> None:
    security_event("login_ok", target_user_id=user.id)


def _logged_out(_app, user) -> None:
    security_event("logout", target_user_id=getattr(user, "id", None))  # anonymous: none


def init_app(app: Flask) -> None:
    """Log logins and logouts from Flask-Login's signals (whoever calls login_user)."""
    user_logged_in.connect(_logged_in, app)
    user_logged_out.connect(_logged_out, app)
