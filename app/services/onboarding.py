"""Onboarding: an organisation's official address confirmed by its owner, and the invitations
an admin e-mails to bring a representative or a member in.

The official address is confirmed by a signed link (the organisation's id and a keyed
digest of the address, never the address itself; seven days, a salt of its own): nothing is
stored, and a link for an address changed since no longer confirms anything. An invitation
carries a random token whose SHA-256 only is stored; it is single use (taken by a
conditional UPDATE, so two clicks at once make one account), expires after
``INVITATION_DAYS`` and an admin may revoke it.

``queue_official_link`` adds its e-mail to the caller's transaction (the admin's form saves
the address and queues the link together); every other public function is one use case
that commits.
"""

import enum
import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from app import policy
from app.accounts.password_hashing import hash_password
from app.extensions import db
from app.labels import role_label
from app.models import AuditAction, Invitation, Organisation, Role, User, utcnow
from app.queries.charter import current_label
from app.queries.onboarding import account_for, is_member, pending_invitation
from app.services import PermissionDenied, ServiceError, retry_when_busy
from app.services.accounts import (
    CHARTER_VERSION,
    address_digest,
    normalise_email,
    pseudonym_taken,
    same_address,
)
from app.services.audit import record
from app.services.notifications import queue_email, recipient_language
from app.web.links import public_url

OFFICIAL_LINK_SALT = "official-address-confirmation"
OFFICIAL_LINK_DAYS = 7


# The official address


class AddressProblem(enum.StrEnum):
    """Why a confirmation link confirms nothing (each has its own page text)."""

    INVALID = "invalid"  # forged, mistyped, or its organisation deleted
    EXPIRED = "expired"
    CHANGED = "changed"  # the organisation's address is no longer the one the link was for


class _ClockSigner(TimestampSigner):
    """Timestamps from the site's clock (``utcnow``), which the tests move."""

    def get_timestamp(self) -> int:
        return int(utcnow().replace(tzinfo=UTC).timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=OFFICIAL_LINK_SALT, signer=_ClockSigner
    )


def official_link(organisation: Organisation) -> str:
    """The absolute link that confirms the organisation's current official address."""
    digest = address_digest(organisation.official_email, OFFICIAL_LINK_SALT)
    token = _serializer().dumps({"o": organisation.id, "e": digest})
    return public_url("onboarding.confirm_official_address", token=token)


def queue_official_link(organisation: Organisation) -> None:
    """E-mail the confirmation link to the official address, in its language, in the
    caller's transaction. A security e-mail: no unsubscribe link."""
    url = official_link(organisation)
    locale = recipient_language(organisation.official_locale)
    with force_locale(locale):
        subject = _(
            "Voix solidaires : confirmez l’adresse officielle de %(name)s",
            name=organisation.name,
        )
        body = render_template(
            "onboarding/email/official_address.txt",
            organisation=organisation,
            url=url,
            days=OFFICIAL_LINK_DAYS,
        )
    queue_email(organisation.official_email, subject, body)


def read_official_link(token: str) -> tuple[Organisation | None, str, AddressProblem | None]:
    """The organisation and address a confirmation link is for, or why it confirms nothing."""
    try:
        data = _serializer().loads(token, max_age=OFFICIAL_LINK_DAYS * 24 * 3600)
    except SignatureExpired:
        return None, "", AddressProblem.EXPIRED
    except BadData:
        return None, "", AddressProblem.INVALID
    if not isinstance(data, dict) or not isinstance(data.get("o"), int):
        return None, "", AddressProblem.INVALID
    organisation = db.session.get(Organisation, data["o"])
    digest = data.get("e")
    if organisation is None or not isinstance(digest, str) or not digest:
        return None, "", AddressProblem.INVALID
    email = organisation.official_email
    if not same_address(digest, email, OFFICIAL_LINK_SALT):
        return organisation, "", AddressProblem.CHANGED
    return organisation, email, None


@retry_when_busy
def confirm_official_address(organisation: Organisation, email: str) -> bool:
    """Mark the address confirmed if it is still the organisation's (a conditional UPDATE:
    an address changed meanwhile stays unconfirmed); whether it was confirmed now."""
    done = db.session.execute(
        sa.update(Organisation)
        .where(
            Organisation.id == organisation.id,
            Organisation.official_email == email,
            Organisation.official_email_verified_at.is_(None),
        )
        .values(official_email_verified_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        db.session.rollback()
        db.session.refresh(organisation)
        if organisation.official_email != email:
            raise ServiceError(_("L’adresse officielle a changé depuis l’envoi de ce lien."))
        return False  # confirmed already (the same link opened twice)
    record(None, AuditAction.OFFICIAL_EMAIL_VERIFIED, "organisation", organisation.id)
    db.session.commit()
    db.session.refresh(organisation)
    return True


def set_official_address(actor: User, organisation: Organisation, email: str) -> bool:
    """Change the official address in the caller's transaction (the admin's form): a new
    address is unconfirmed and gets its link; audited without the address. Whether it
    changed. The caller has flushed the organisation (its id is in the link)."""
    email = normalise_email(email or "")
    if email == organisation.official_email:
        return False
    organisation.official_email = email
    organisation.official_email_verified_at = None
    record(
        actor,
        AuditAction.OFFICIAL_EMAIL_SET,
        "organisation",
        organisation.id,
        cleared=not email,
    )
    if email:
        queue_official_link(organisation)
    return True


@retry_when_busy
def resend_official_link(actor: User, organisation: Organisation) -> None:
    """An admin sends the confirmation link again (lost, expired)."""
    if not policy.can_administer(actor):
        raise PermissionDenied
    if not organisation.official_email:
        raise ServiceError(_("Cette organisation n’a pas d’adresse officielle."))
    if organisation.official_email_verified:
        raise ServiceError(_("Cette adresse officielle est déjà confirmée."))
    queue_official_link(organisation)
    record(actor, AuditAction.OFFICIAL_EMAIL_SET, "organisation", organisation.id, link_resent=True)
    db.session.commit()


@retry_when_busy
def resume_follow_up(actor: User, organisation: Organisation) -> None:
    """An admin starts the follow-up e-mails to the official address again, stopped by the
    link at the foot of one of them (asked by phone, stopped by mistake): audited."""
    if not policy.can_administer(actor):
        raise PermissionDenied
    if organisation.digest_stopped_at is None:
        raise ServiceError(_("Les e-mails de suivi à cette adresse ne sont pas arrêtés."))
    organisation.digest_stopped_at = None
    record(
        actor, AuditAction.ORGANISATION_UPDATED, "organisation", organisation.id,
        fields=["digest_stopped_at"],
    )  # fmt: skip
    db.session.commit()


# Invitations


class InvitationState(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    EXPIRED = "expired"
    REVOKED = "revoked"


def invitation_state(invitation: Invitation | None, now: datetime | None = None):
    """Where an invitation stands (None for an unknown token)."""
    if invitation is None:
        return None
    if invitation.accepted_at is not None:
        return InvitationState.ACCEPTED
    if invitation.revoked_at is not None:
        return InvitationState.REVOKED
    if (now or utcnow()) >= invitation.expires_at:
        return InvitationState.EXPIRED
    return InvitationState.PENDING


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_invitation(token: str) -> Invitation | None:
    """The invitation a token opens, whatever its state; None for an unknown token."""
    if not token or len(token) > 100:
        return None
    query = sa.select(Invitation).where(Invitation.token_hash == token_hash(token))
    return db.session.scalar(query)


def _require_inviter(actor: User) -> None:
    if not policy.can_invite(actor):
        raise PermissionDenied


@retry_when_busy
def invite(actor: User, email: str, organisation: Organisation, role: Role) -> Invitation:
    """Invite an address to join an organisation with a role, by e-mail: never an address
    already a member, never a second pending invitation for the same address and
    organisation (the admin sends the first one again instead)."""
    _require_inviter(actor)
    email = normalise_email(email)
    if not policy.invitable_role(role, organisation):
        raise ServiceError(_role_mismatch(organisation), field="role")
    if is_member(email, organisation.id):
        message = _(
            "Cette adresse est déjà membre de %(name)s : aucune invitation envoyée.",
            name=organisation.name,
        )
        raise ServiceError(message, field="email")
    account = account_for(email)
    if account is not None and policy.role_conflicts(account.role, role):
        raise ServiceError(_role_conflict(account), field="role")
    if pending_invitation(email, organisation.id) is not None:
        message = _(
            "Une invitation attend déjà cette adresse pour %(name)s : aucune autre n’est "
            "envoyée. Pour l’envoyer à nouveau, utilisez « Renvoyer » dans la liste.",
            name=organisation.name,
        )
        raise ServiceError(message, field="email")
    invitation = Invitation(email=email, organisation=organisation, role=role, invited_by=actor)
    _send_invitation(invitation)  # its token, expiry and e-mail
    db.session.add(invitation)
    db.session.flush()  # its id, for the audit row
    record(
        actor,
        AuditAction.INVITATION_SENT,
        "invitation",
        invitation.id,
        organisation_id=organisation.id,
        role=role.value,
    )
    db.session.commit()
    return invitation


def _role_conflict(account: User) -> str:
    return _(
        "Cette adresse a déjà un compte, avec le rôle « %(role)s » : un même compte ne peut "
        "pas être à la fois membre d’une association et représentant·e d’une institution. "
        "Invitez une autre adresse, ou changez d’abord son rôle (Comptes et rôles).",
        role=role_label(account.role),
    )


def _role_mismatch(organisation: Organisation) -> str:
    if organisation.is_institution:
        return _("Une institution accueille des représentant·es : choisissez ce rôle.")
    return _(
        "Une association accueille des membres ou des modérateur·rices : choisissez l’un de ces "
        "rôles."
    )


def _send_invitation(invitation: Invitation) -> None:
    """A new token (the previous link stops working), a new expiry, and the e-mail, in the
    invitee's language if they have an account, else the site's."""
    now = utcnow()
    token = secrets.token_urlsafe(32)
    invitation.token_hash = token_hash(token)
    invitation.created_at = now
    invitation.expires_at = now + timedelta(days=current_app.config["INVITATION_DAYS"])
    account = account_for(invitation.email)
    locale = recipient_language(account.locale if account else None)
    with force_locale(locale):
        subject = _(
            "Voix solidaires : invitation à rejoindre %(name)s", name=invitation.organisation.name
        )
        body = render_template(
            "onboarding/email/invitation.txt",
            invitation=invitation,
            role=role_label(invitation.role),
            url=public_url("onboarding.accept_invitation", token=token),
            days=current_app.config["INVITATION_DAYS"],
        )
    queue_email(invitation.email, subject, body)


@retry_when_busy
def resend_invitation(actor: User, invitation: Invitation) -> None:
    """A pending or expired invitation sent again, with a new link and a new delay."""
    _require_inviter(actor)
    if invitation_state(invitation) not in (InvitationState.PENDING, InvitationState.EXPIRED):
        raise ServiceError(_("Cette invitation a été acceptée ou révoquée : elle ne part plus."))
    _send_invitation(invitation)
    record(
        actor,
        AuditAction.INVITATION_SENT,
        "invitation",
        invitation.id,
        organisation_id=invitation.organisation_id,
        role=invitation.role.value,
        resent=True,
    )
    db.session.commit()


@retry_when_busy
def revoke_invitation(actor: User, invitation: Invitation) -> None:
    """Stop an invitation that has not been accepted: its link no longer works."""
    _require_inviter(actor)
    if invitation.accepted_at is not None:
        raise ServiceError(_("Cette invitation a déjà été acceptée."))
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        record(
            actor,
            AuditAction.INVITATION_REVOKED,
            "invitation",
            invitation.id,
            organisation_id=invitation.organisation_id,
        )
    db.session.commit()


def invitation_problem_message(state) -> str:
    """What the person who opened a link that no longer works reads."""
    if state is InvitationState.EXPIRED:
        return _("Cette invitation a expiré. Demandez à l’équipe du réseau de vous la renvoyer.")
    if state is InvitationState.ACCEPTED:
        return _("Cette invitation a déjà servi. Connectez-vous avec le compte qu’elle a créé.")
    if state is InvitationState.REVOKED:
        return _("Cette invitation a été annulée par l’équipe du réseau.")
    return _(
        "Ce lien d’invitation n’est pas valide. Vérifiez qu’il est complet, ou demandez une "
        "nouvelle invitation à l’équipe du réseau."
    )


def _take(invitation: Invitation, user: User, now: datetime) -> None:
    """Mark the invitation used by this account: a conditional UPDATE, so of two
    acceptances at once only one goes through (the other is refused)."""
    done = db.session.execute(
        sa.update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(accepted_at=now, user_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise ServiceError(invitation_problem_message(InvitationState.ACCEPTED))


def _check_usable(invitation: Invitation, now: datetime) -> None:
    state = invitation_state(invitation, now)
    if state is not InvitationState.PENDING:
        raise ServiceError(invitation_problem_message(state))


@retry_when_busy
def accept_with_new_account(invitation: Invitation, pseudonym: str, password: str) -> User:
    """Create the invited person's account (opening the e-mailed link proved the address),
    with the invited role, already a member of the organisation."""
    now = utcnow()
    _check_usable(invitation, now)
    if account_for(invitation.email) is not None:
        raise ServiceError(_("Un compte existe déjà pour cette adresse : connectez-vous."))
    if pseudonym_taken(pseudonym):
        message = _("Ce pseudonyme est déjà pris. Choisissez-en un autre.")
        raise ServiceError(message, field="pseudonym")
    user = User(
        email=invitation.email,
        pseudonym=pseudonym.strip(),
        password_hash=hash_password(password),
        role=invitation.role,
        charter_version=current_label() or CHARTER_VERSION,
        charter_accepted_at=now,
        email_confirmed_at=now,
    )
    user.organisations.append(invitation.organisation)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as error:  # the same address or pseudonym taken a moment ago
        db.session.rollback()
        message = _("Un compte existe déjà pour cette adresse : connectez-vous.")
        raise ServiceError(message) from error
    _take(invitation, user, now)
    _record_joining(user, invitation)
    db.session.commit()
    return user


@retry_when_busy
def accept_as_account(user: User, invitation: Invitation) -> None:
    """The invited account, logged in, joins the organisation; its role is raised to the
    invited one if that ranks higher (an admin stays an admin). An account whose role
    became one of the other kind since the invitation was sent is refused, as at sending."""
    now = utcnow()
    if not policy.is_invited_account(user, invitation):
        raise PermissionDenied
    _check_usable(invitation, now)
    if policy.role_conflicts(user.role, invitation.role):  # the role changed since it was sent
        raise ServiceError(_role_conflict(user))
    _take(invitation, user, now)
    role = policy.role_after_joining(user.role, invitation.role)
    if role is not user.role:
        details = {"from": user.role.value, "to": role.value, "invitation_id": invitation.id}
        record(user, AuditAction.USER_ROLE_CHANGED, "user", user.id, **details)
        user.role = role
    if invitation.organisation_id not in user.organisation_ids():
        user.organisations.append(invitation.organisation)
    user.email_confirmed_at = user.email_confirmed_at or now
    _record_joining(user, invitation)
    db.session.commit()


def _record_joining(user: User, invitation: Invitation) -> None:
    record(
        user,
        AuditAction.USER_MEMBERSHIPS_CHANGED,
        "user",
        user.id,
        added=[invitation.organisation_id],
        removed=[],
        invitation_id=invitation.id,
    )
