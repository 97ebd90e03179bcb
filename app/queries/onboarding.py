"""What the invitation pages read: the admin's list, and the checks before inviting."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Invitation, Organisation, User, membership, utcnow


def invitations_query():
    """Every invitation, newest first, with its organisation (a select to paginate)."""
    return (
        sa.select(Invitation)
        .options(joinedload(Invitation.organisation))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )


def organisations_to_invite_to() -> list[Organisation]:
    """Every organisation by name, to choose the one an invitation joins."""
    return list(db.session.scalars(sa.select(Organisation).order_by(Organisation.name)))


def is_member(email: str, organisation_id: int) -> bool:
    """Whether the account with this address belongs to the organisation."""
    query = (
        sa.select(User.id)
        .join(membership, membership.c.user_id == User.id)
        .where(User.email == email, membership.c.organisation_id == organisation_id)
    )
    return db.session.scalar(query) is not None


def pending_invitation(email: str, organisation_id: int) -> Invitation | None:
    """An invitation of this address to this organisation still waiting to be accepted."""
    return db.session.scalar(
        sa.select(Invitation)
        .where(
            Invitation.email == email,
            Invitation.organisation_id == organisation_id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .limit(1)
    )


def account_for(email: str) -> User | None:
    """The account with this address, if any (the invitation page asks them to log in)."""
    return db.session.scalar(sa.select(User).where(User.email == email))
