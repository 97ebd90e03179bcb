"""Answer links: what lets an institution without an account answer a proposal.

A link is made when the proposal is sent to the institution (or when a response recorded
on its behalf is e-mailed to it for correction), e-mailed to its official address, and
carries a random token; only the token's SHA-256 is stored. It opens one response form,
once: posting uses it up. It expires 30 days after the answer's due date, and an admin may
revoke it. An expired, used, revoked or unknown token all read as "this link no longer
works", with the way to get a new one.

``issue`` adds the row to the caller's transaction and returns the absolute link (from the
configured public address, never the request's host); it never commits.
"""

import enum
import hashlib
import secrets
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import (
    AddressedInstitution,
    AnswerLink,
    AuditAction,
    OfficialResponse,
    Organisation,
    Proposal,
    User,
    utcnow,
)
from app.services import PermissionDenied, retry_when_busy
from app.services import audit as audit_service
from app.web.links import public_url

# A link stays valid this long after the answer's due date.
GRACE_DAYS = 30


class LinkProblem(enum.StrEnum):
    """Why a link no longer opens the form (each gets its own page text)."""

    UNKNOWN = "unknown"  # forged, mistyped, or its row deleted
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def expiry_for(proposal: Proposal, institution: Organisation, now: datetime) -> datetime:
    """The due date + 30 days (end of that day), or, with no due date, the usual delay from
    now + 30 days."""
    due_on = db.session.scalar(
        sa.select(AddressedInstitution.response_due_on).where(
            AddressedInstitution.proposal_id == proposal.id,
            AddressedInstitution.institution_id == institution.id,
        )
    )
    if due_on is None:
        due_on = (now + timedelta(days=current_app.config["RESPONSE_DUE_DAYS"])).date()
    return datetime.combine(due_on + timedelta(days=GRACE_DAYS + 1), time())


def issue(
    proposal: Proposal,
    institution: Organisation,
    *,
    response: OfficialResponse | None = None,
    now: datetime | None = None,
) -> str:
    """A new link for this institution to answer this proposal (or correct ``response``),
    in the caller's transaction; returns its absolute URL. The institution must have an
    official address: the link is only ever e-mailed there."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.session.add(
        AnswerLink(
            proposal=proposal,
            institution=institution,
            token_hash=token_hash(token),
            sent_to=institution.official_email,
            created_at=now,
            expires_at=expiry_for(proposal, institution, now),
            response_id=response.id if response is not None else None,
        )
    )
    return public_url("answers.answer", token=token)


def find(token: str) -> AnswerLink | None:
    """The link a token opens, whatever its state; None for an unknown token."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        sa.select(AnswerLink).where(AnswerLink.token_hash == token_hash(token))
    )


def problem(link: AnswerLink | None, now: datetime | None = None) -> LinkProblem | None:
    """Why the link cannot be used now, or None when it can."""
    now = now or utcnow()
    if link is None:
        return LinkProblem.UNKNOWN
    if link.revoked_at is not None:
        return LinkProblem.REVOKED
    if link.used_at is not None:
        return LinkProblem.USED
    if now >= link.expires_at:
        return LinkProblem.EXPIRED
    return None


def use_up(link: AnswerLink, response: OfficialResponse, now: datetime | None = None) -> bool:
    """Mark the link used by this response, in the caller's transaction: a conditional
    UPDATE, so of two submissions at once only one wins (returns False for the other)."""
    now = now or utcnow()
    done = db.session.execute(
        sa.update(AnswerLink)
        .where(
            AnswerLink.id == link.id,
            AnswerLink.used_at.is_(None),
            AnswerLink.revoked_at.is_(None),
            AnswerLink.expires_at > now,
        )
        .values(used_at=now, response_id=response.id)
        .execution_options(synchronize_session=False)
    )
    return done.rowcount == 1


@retry_when_busy
def revoke(admin: User, link: AnswerLink) -> None:
    """An admin stops a link (sent to the wrong address, leaked): audited."""
    from app import policy

    if not policy.can_administer(admin):
        raise PermissionDenied
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        link.revoked_by = admin
        audit_service.record(
            admin,
            AuditAction.ANSWER_LINK_REVOKED,
            "answer_link",
            link.id,
            proposal_id=link.proposal_id,
            institution_id=link.institution_id,
        )
    db.session.commit()
