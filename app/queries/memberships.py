"""Requests to join an organisation: the one a person is waiting on, those an
organisation's members decide, every waiting one for admins; who hears of a new one."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import MembershipRequest, Organisation, RequestState, Role, User
from app.models.organisation import membership

PENDING = RequestState.PENDING


def pending_request(user: User, organisation: Organisation) -> MembershipRequest | None:
    """The person's request to join this organisation that waits for a decision (one query)."""
    return db.session.scalar(
        sa.select(MembershipRequest).where(
            MembershipRequest.user_id == user.id,
            MembershipRequest.organisation_id == organisation.id,
            MembershipRequest.state == PENDING,
        )
    )


def pending_count_of(user: User, organisation: Organisation) -> int:
    """How many requests of this person to join this organisation wait (one query)."""
    return db.session.scalar(
        sa.select(sa.func.count(MembershipRequest.id)).where(
            MembershipRequest.user_id == user.id,
            MembershipRequest.organisation_id == organisation.id,
            MembershipRequest.state == PENDING,
        )
    )


def pending_for(organisation: Organisation):
    """An organisation's waiting requests, oldest first, with who asked (a select to
    paginate)."""
    return (
        sa.select(MembershipRequest)
        .options(joinedload(MembershipRequest.user))
        .where(
            MembershipRequest.organisation_id == organisation.id, MembershipRequest.state == PENDING
        )
        .order_by(MembershipRequest.created_at, MembershipRequest.id)
    )


def pending_count(organisation: Organisation) -> int:
    """How many requests to join this organisation wait (one query)."""
    return db.session.scalar(
        sa.select(sa.func.count(MembershipRequest.id)).where(
            MembershipRequest.organisation_id == organisation.id, MembershipRequest.state == PENDING
        )
    )


def all_pending():
    """Every waiting request, by organisation then oldest first, with who asked and where
    (a select to paginate)."""
    return (
        sa.select(MembershipRequest)
        .join(MembershipRequest.organisation)
        .options(
            joinedload(MembershipRequest.user),
            joinedload(MembershipRequest.organisation),
        )
        .where(MembershipRequest.state == PENDING)
        .order_by(Organisation.name, MembershipRequest.created_at, MembershipRequest.id)
    )


def members_of(organisation: Organisation) -> list[User]:
    """The organisation's active members, with their organisations (for the policy), by id."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(membership, membership.c.user_id == User.id)
            .where(membership.c.organisation_id == organisation.id, User.active.is_(True))
            .options(selectinload(User.organisations))
            .order_by(User.id)
        )
    )


def admins() -> list[User]:
    """The active admins, by id."""
    return list(
        db.session.scalars(
            sa.select(User).where(User.role == Role.ADMIN, User.active.is_(True)).order_by(User.id)
        )
    )
