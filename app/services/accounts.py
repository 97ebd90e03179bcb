"""Accounts: registration, login, password reset, first admin.

Registration answers every address alike, so that it never tells whether an address has an
account: a new address gets a link that creates the account, a known one a warning to its
owner. The details wait on the server (PendingRegistration); the link carries only a random
token, as links end up in browser histories, proxy logs and the outbox.
"""

import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.accounts.password_hashing import dummy_verify, hash_password, needs_rehash, verify_password
from app.accounts.security_log import email_hash, security_event
from app.extensions import db
from app.models import (
    AuditAction,
    EmailFrequency,
    PasswordResetToken,
    PendingRegistration,
    Role,
    User,
    utcnow,
)
from app.models.user import pseudonym_key
from app.ops.mail import send_email
from app.policy import is_moderator
from app.queries.charter import current_label
from app.services import ServiceError, audit, retry_when_busy
from app.services.notifications import queue_email, recipient_language
from app.services.sessions import revoke_sessions
from app.web.links import public_url

CHARTER_VERSION = "2015-1"  # the first version, created by the migrations


class AlreadyRegistered(ServiceError):
    """The address of a registration link has an account already (the link served)."""


class PseudonymTaken(ServiceError):
    """Someone took the pseudonym between the registration and its confirmation."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def address_digest(email: str, purpose: str) -> str:
    """What a signed link carries instead of an address: a short keyed digest (HMAC-SHA-256
    with the secret key) of the normalised address, for one purpose. A signed link's payload
    is only base64, readable by anyone; without the key a list of known addresses cannot be
    tried against the digest."""
    key = current_app.config["SECRET_KEY"].encode()
    message = f"{purpose}\n{normalise_email(email)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:16]


def same_address(digest: object, email: str | None, purpose: str) -> bool:
    """Whether a link's digest is the one of this address (compared in constant time)."""
    if not isinstance(digest, str) or not email:
        return False
    return hmac.compare_digest(digest, address_digest(email, purpose))


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def pseudonym_taken(pseudonym: str) -> bool:
    query = sa.select(User.id).where(User.pseudonym_key == pseudonym_key(pseudonym))
    return db.session.scalar(query) is not None


def register_user(email: str, password: str, pseudonym: str, role: Role = Role.PARTICIPANT) -> User:
    """Create an account that has accepted the current participation charter."""
    user = _new_user(email, pseudonym, hash_password(password), current_label(), role)
    db.session.commit()
    return user


def _new_user(email, pseudonym, password_hash, charter_version, role=Role.PARTICIPANT) -> User:
    user = User(
        email=normalise_email(email),
        pseudonym=pseudonym.strip(),
        password_hash=password_hash,
        role=role,
        charter_version=charter_version or CHARTER_VERSION,
        charter_accepted_at=utcnow(),
        # Made from a confirmed registration link, an invitation or by an admin.
        email_confirmed_at=utcnow(),
    )
    db.session.add(user)
    return user


@retry_when_busy
def request_registration(email: str, password: str, pseudonym: str) -> None:
    """E-mail a new address the link that creates its account, and a known address's owner a
    warning; the same work and the same answer either way.

    Each request has its own link (someone who asks twice may open either e-mail); the first
    one opened creates the account and spends the others.
    """
    email = normalise_email(email)
    password_hash = hash_password(password)  # for a known address too: the same time spent
    token = secrets.token_urlsafe(32)
    owner = find_user_by_email(email)
    if owner is None:
        db.session.add(
            PendingRegistration(
                email=email,
                pseudonym=pseudonym.strip(),
                password_hash=password_hash,
                charter_version=current_label() or CHARTER_VERSION,
                token_hash=_token_hash(token),
            )
        )
        link = public_url("accounts.confirm_registration", token=token)
        body = render_template("accounts/email/confirm_registration.txt", url=link, hours=_hours())
        queue_email(email, _("Voix solidaires : confirmez votre inscription"), body)
    elif owner.active:
        _warn_owner(owner)
    security_event("registration_requested", account=email_hash(email))
    db.session.commit()


def _hours() -> int:
    return current_app.config["REGISTRATION_MAX_AGE"] // 3600


def _warn_owner(owner: User) -> None:
    """Someone tried to register with this person's address: tell them, in their language."""
    with force_locale(recipient_language(owner.locale)):
        subject = _("Voix solidaires : quelqu’un a voulu s’inscrire avec votre adresse")
        body = render_template(
            "accounts/email/registration_attempt.txt",
            user=owner,
            reset_url=public_url("accounts.forgot_password"),
            login_url=public_url("accounts.login"),
        )
    queue_email(owner.email, subject, body)


def pending_registration(token: str) -> PendingRegistration | None:
    """The registration waiting for this link, if the link is genuine and unexpired."""
    row = db.session.scalar(
        sa.select(PendingRegistration).where(PendingRegistration.token_hash == _token_hash(token))
    )
    if row is None or row.created_at < _registration_limit(utcnow()):
        return None
    return row


def _registration_limit(now: datetime) -> datetime:
    """Registrations made before this time have expired."""
    return now - timedelta(seconds=current_app.config["REGISTRATION_MAX_AGE"])


@retry_when_busy
def confirm_registration(pending: PendingRegistration) -> User:
    """Create the account of a registration link (its owner opened it: the address is theirs);
    every pending registration of the address goes, this one with it."""
    if find_user_by_email(pending.email) is not None:
        _forget_pending_registrations(pending.email)
        db.session.commit()
        raise AlreadyRegistered(_("Ce compte existe déjà : connectez-vous."))
    if pseudonym_taken(pending.pseudonym):
        raise PseudonymTaken(_("Ce pseudonyme vient d’être pris. Inscrivez-vous avec un autre."))
    user = _new_user(
        pending.email, pending.pseudonym, pending.password_hash, pending.charter_version
    )
    _forget_pending_registrations(pending.email)
    try:
        db.session.commit()
    except IntegrityError as error:  # the same link opened twice at once
        db.session.rollback()
        raise AlreadyRegistered(_("Ce compte existe déjà : connectez-vous.")) from error
    return user


def _forget_pending_registrations(email: str) -> None:
    db.session.execute(sa.delete(PendingRegistration).where(PendingRegistration.email == email))


def delete_expired_registrations(now: datetime) -> int:
    """Delete the registrations whose link has expired: they hold an address and a password
    hash that nobody confirmed."""
    statement = sa.delete(PendingRegistration).where(
        PendingRegistration.created_at < _registration_limit(now)
    )
    return db.session.execute(statement).rowcount


@retry_when_busy
def authenticate(email: str, password: str) -> User | None:
    """The account for these credentials, or None; upgrades an outdated hash."""
    user = find_user_by_email(email)
    if user is None:
        dummy_verify(password)
        _login_failed(email, "unknown_account")
        return None
    if not verify_password(user.password_hash, password):
        _login_failed(email, "bad_password", user.id)
        return None
    if not user.active:
        _login_failed(email, "blocked", user.id)
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def _login_failed(email: str, reason: str, user_id: int | None = None) -> None:
    security_event(
        "login_failed",
        level=logging.WARNING,
        account=email_hash(email),
        reason=reason,
        target_user_id=user_id,
    )


@retry_when_busy
def save_preferences(
    user: User,
    locale: str | None,
    email_frequency: EmailFrequency,
    moderation_alerts: EmailFrequency | None = None,
) -> None:
    """The account's language (or the browser's), how often it gets e-mails and, for a
    moderator, how they hear of contributions waiting (None: unchanged)."""
    user.locale = locale or None
    user.email_frequency = EmailFrequency(email_frequency)
    if moderation_alerts is not None and is_moderator(user):
        user.moderation_alerts = EmailFrequency(moderation_alerts)
    db.session.commit()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@retry_when_busy
def request_password_reset(email: str) -> None:
    """E-mail a single-use link if the account exists; say nothing either way."""
    user = find_user_by_email(email)
    security_event(
        "password_reset_requested",
        account=email_hash(email),
        target_user_id=user.id if user is not None and user.active else None,
    )
    if user is None or not user.active:
        return
    token = secrets.token_urlsafe(32)
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    db.session.add(
        PasswordResetToken(
            user=user,
            token_hash=_token_hash(token),
            expires_at=utcnow() + timedelta(seconds=max_age),
        )
    )
    db.session.commit()
    with force_locale(recipient_language(user.locale)):  # in the account's language
        subject = _("Voix solidaires : réinitialiser votre mot de passe")
        body = render_template(
            "accounts/email/reset_password.txt",
            user=user,
            url=public_url("accounts.reset_password", token=token),
            minutes=max_age // 60,
        )
    send_email(user.email, subject, body)


def valid_reset_token(token: str) -> PasswordResetToken | None:
    """The unused, unexpired token row matching this link, or None."""
    row = db.session.scalar(
        sa.select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_hash(token))
    )
    if row is None or row.used_at is not None or row.expires_at < utcnow():
        return None
    return row


def delete_expired_reset_tokens(before: datetime) -> int:
    """Delete the reset links that expired before this time (a dead link reads the same
    whether its row is there or not)."""
    statement = sa.delete(PasswordResetToken).where(PasswordResetToken.expires_at < before)
    return db.session.execute(statement).rowcount


@retry_when_busy
def reset_password(token: str, new_password: str) -> User | None:
    """Set a new password with a reset link, which is then spent (with every other one).

    Every session of the account ends: whoever knew the old password is logged out.
    """
    row = valid_reset_token(token)
    if row is None:
        return None
    user = row.user
    user.password_hash = hash_password(new_password)
    now = utcnow()
    db.session.execute(
        sa.update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    revoke_sessions(user, commit=False)
    db.session.commit()
    security_event("password_reset_done", target_user_id=user.id)
    return user


@retry_when_busy
def change_password(user: User, keep, new_password: str) -> int:
    """A new password chosen by its owner (the old one checked by the form); every other
    session of the account ends, this one (`keep`) stays. Returns how many ended."""
    user.password_hash = hash_password(new_password)
    ended = revoke_sessions(user, keep=keep, commit=False)
    db.session.commit()
    security_event("password_changed", target_user_id=user.id, other_sessions_ended=ended)
    return ended


def create_admin(email: str, pseudonym: str, password: str) -> User:
    """The first admin of a real install (``flask users create-admin``), audited."""
    user = register_user(email, password, pseudonym, role=Role.ADMIN)
    audit.record(None, AuditAction.ADMIN_CREATED, "user", user.id, via="cli")
    db.session.commit()
    return user
