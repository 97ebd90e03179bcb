"""What the administration pages list and count."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    AuditAction,
    AuditEvent,
    MembershipRequest,
    Organisation,
    OrganisationKind,
    RequestState,
    Theme,
    User,
)


def name_taken(model, name: str, exclude_id: int | None) -> bool:
    """Whether another organisation or workshop has this name, whatever its case."""
    query = sa.select(model.id).where(sa.func.lower(model.name) == name.strip().lower())
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    return db.session.scalar(query) is not None


def counts() -> dict[str, int]:
    """The figures of the administration's home page (five queries)."""
    return {
        "organisations": db.session.scalar(sa.select(sa.func.count(Organisation.id))),
        "users": db.session.scalar(sa.select(sa.func.count(User.id))),
        "themes": db.session.scalar(sa.select(sa.func.count(Theme.id))),
        "unverified": db.session.scalar(
            sa.select(sa.func.count(Organisation.id)).where(
                Organisation.kind == OrganisationKind.INSTITUTION, ~Organisation.verified
            )
        ),
        "membership_requests": db.session.scalar(
            sa.select(sa.func.count(MembershipRequest.id)).where(
                MembershipRequest.state == RequestState.PENDING
            )
        ),
    }


def organisations_query():
    """Every organisation, unverified institutions first (a select to paginate)."""
    return sa.select(Organisation).order_by(Organisation.verified, Organisation.name)


def all_organisations() -> list[Organisation]:
    """Every organisation by name, to choose a person's memberships from."""
    return list(db.session.scalars(sa.select(Organisation).order_by(Organisation.name)))


def users_query(search: str = ""):
    """Accounts by id, those whose pseudonym or e-mail holds ``search`` if given (a select
    to paginate)."""
    query = sa.select(User).options(selectinload(User.organisations)).order_by(User.id)
    if search:
        like = f"%{search.lower()}%"
        query = query.where(
            sa.or_(sa.func.lower(User.pseudonym).like(like), sa.func.lower(User.email).like(like))
        )
    return query


def audit_log(action: AuditAction | None = None):
    """Audit rows, newest first, optionally of one action (a select for ``paginate``)."""
    query = (
        sa.select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return query
