"""Accounts: registration, login, password reset, first admin."""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, render_template

from app.extensions import db
from app.mail import external_url, send_email
from app.models import AuditAction, EmailFrequency, PasswordResetToken, Role, User, utcnow
from app.models.user import pseudonym_key
from app.passwords import dummy_verify, hash_password, needs_rehash, verify_password
from app.security_log import email_hash, security_event
from app.services import audit
from app.services.charter import current_label
from app.services.sessions import revoke_sessions

CHARTER_VERSION = "2015-1"  # the first version, created by the migrations


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def pseudonym_taken(pseudonym: str) -> bool:
    query = sa.select(User.id).where(User.pseudonym_key == pseudonym_key(pseudonym))
    return db.session.scalar(query) is not None


def register_user(email: str, password: str, pseudonym: str, role: Role = Role.PARTICIPANT) -> User:
    """Create an account that has accepted the current participation charter."""
    user = User(
        email=normalise_email(email),
        pseudonym=pseudonym.strip(),
        password_hash=hash_password(password),
        role=role,
        charter_version=current_label() or CHARTER_VERSION,
        charter_accepted_at=utcnow(),
    )
    db.session.add(user)
    db.session.commit()
    return user


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


def save_preferences(user: User, locale: str | None, email_frequency: EmailFrequency) -> None:
    """The account's language (or the browser's) and how often it gets e-mails."""
    user.locale = locale or None
    user.email_frequency = EmailFrequency(email_frequency)
    db.session.commit()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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
    body = render_template(
        "accounts/email/reset_password.txt",
        user=user,
        url=external_url("accounts.reset_password", token=token),
        minutes=max_age // 60,
    )
    send_email(user.email, "Voix solidaires : réinitialiser votre mot de passe", body)


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
