"""Read-side queries shared by pages and the API, each a fixed number of SQL statements."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    AddressedInstitution,
    Meeting,
    Organisation,
    OrganisationKind,
    Proposal,
    ProposalStatus,
    StatusChange,
    Theme,
    utcnow,
)


def themes_with_counts() -> list[tuple[Theme, int]]:
    """Every workshop with its number of proposals, in display order (one query)."""
    count = (
        sa.select(sa.func.count(Proposal.id))
        .where(Proposal.theme_id == Theme.id)
        .correlate(Theme)
        .scalar_subquery()
    )
    rows = db.session.execute(sa.select(Theme, count).order_by(Theme.position, Theme.name))
    return [(theme, n) for theme, n in rows]


def proposal_filters(theme: Theme | None, status: ProposalStatus | None) -> list:
    clauses = []
    if theme is not None:
        clauses.append(Proposal.theme_id == theme.id)
    if status is not None:
        clauses.append(Proposal.status == status)
    return clauses


def proposal_list_query(theme: Theme | None = None, status: ProposalStatus | None = None):
    """Newest first, with workshop and organisation loaded in the same round trip."""
    return (
        sa.select(Proposal)
        .where(*proposal_filters(theme, status))
        .options(joinedload(Proposal.theme), joinedload(Proposal.organisation))
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
    )


def proposal_detail(proposal_id: int) -> Proposal | None:
    """A proposal with everything its page shows (a fixed number of queries)."""
    return db.session.scalar(
        sa.select(Proposal)
        .where(Proposal.id == proposal_id)
        .options(
            joinedload(Proposal.theme),
            joinedload(Proposal.organisation),
            joinedload(Proposal.author),
            selectinload(Proposal.addressed).joinedload(AddressedInstitution.institution),
            selectinload(Proposal.status_changes).joinedload(StatusChange.actor),
        )
    )


def upcoming_meetings(limit: int = 5) -> list[Meeting]:
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.starts_at >= utcnow())
            .options(joinedload(Meeting.theme), joinedload(Meeting.host))
            .order_by(Meeting.starts_at)
            .limit(limit)
        )
    )


def upcoming_meetings_for(theme: Theme, limit: int = 5) -> list[Meeting]:
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.theme_id == theme.id, Meeting.starts_at >= utcnow())
            .options(joinedload(Meeting.host))
            .order_by(Meeting.starts_at)
            .limit(limit)
        )
    )


def meetings_page(upcoming: bool):
    """Upcoming meetings soonest first, or past ones latest first (a select to paginate)."""
    now = utcnow()
    query = sa.select(Meeting).options(joinedload(Meeting.theme), joinedload(Meeting.host))
    if upcoming:
        return query.where(Meeting.starts_at >= now).order_by(Meeting.starts_at, Meeting.id)
    return query.where(Meeting.starts_at < now).order_by(
        Meeting.starts_at.desc(), Meeting.id.desc()
    )


def organisations_of_kind(*kinds: OrganisationKind) -> list[Organisation]:
    return list(
        db.session.scalars(
            sa.select(Organisation).where(Organisation.kind.in_(kinds)).order_by(Organisation.name)
        )
    )


def institutions() -> list[Organisation]:
    return organisations_of_kind(OrganisationKind.INSTITUTION)


def associations() -> list[Organisation]:
    return organisations_of_kind(OrganisationKind.ASSOCIATION, OrganisationKind.SERVICE_PROVIDER)
