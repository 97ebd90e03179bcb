"""Confirming an account's e-mail address: an account acts in an organisation's name only
once its owner has proved the address is theirs.

New accounts are confirmed when they are made (a registration or invitation link was
opened). The others (older imports, an account an admin attached to an organisation) ask
for a signed link, e-mailed to their own address: it carries the account, a keyed digest of
the address (never the address itself; a changed address voids it) and the moment it was
made (it works for EMAIL_CONFIRMATION_MAX_AGE). A security e-mail: no unsubscribe link.
"""

from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeSerializer

from app.accounts.security_log import security_event
from app.extensions import db
from app.models import User, utcnow
from app.services import retry_when_busy
from app.services.accounts import address_digest, same_address
from app.services.notifications import queue_email, recipient_language
from app.web.links import public_url

SALT = "email-address-confirmation"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _max_age() -> timedelta:
    return timedelta(seconds=current_app.config["EMAIL_CONFIRMATION_MAX_AGE"])


def confirmation_token(user: User) -> str:
    """A signed token for this account and its present address, dated now."""
    digest = address_digest(user.email, SALT)
    return _serializer().dumps({"u": user.id, "e": digest, "t": utcnow().isoformat()})


@retry_when_busy
def send_confirmation_link(user: User) -> None:
    """E-mail the link to the account's own address, in its language."""
    link = public_url("accounts.confirm_email", token=confirmation_token(user))
    with force_locale(recipient_language(user.locale)):
        subject = _("Voix solidaires : confirmez votre adresse e-mail")
        body = render_template(
            "accounts/email/confirm_email.txt",
            user=user,
            url=link,
            hours=current_app.config["EMAIL_CONFIRMATION_MAX_AGE"] // 3600,
        )
    queue_email(user.email, subject, body)
    security_event("email_confirmation_requested", target_user_id=user.id)
    db.session.commit()


def user_for_token(token: str) -> User | None:
    """The account a genuine, unexpired token was made for, if its address is unchanged."""
    try:
        data = _serializer().loads(token)
        user_id, digest, made = data["u"], data["e"], datetime.fromisoformat(data["t"])
    except (BadData, KeyError, TypeError, ValueError):
        return None
    if not isinstance(user_id, int) or made + _max_age() < utcnow():
        return None
    user = db.session.get(User, user_id)
    if user is None or not same_address(digest, user.email, SALT) or user.is_deleted:
        return None
    return user


@retry_when_busy
def confirm_email(user: User) -> None:
    """The owner opened the link: the address is theirs (kept as first confirmed)."""
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        security_event("email_confirmed", target_user_id=user.id)
    db.session.commit()
