"""An institution's inbox (``/espace-institution``): the proposals awaiting its answer, its
commitments due soon or late, the replies posted under its responses since a member last
marked them seen, and the proposals of its workshops addressed to nobody yet.

The lists are selects the page paginates; their sizes come together in one statement
(``summary``), so a page of each list costs one query whatever the data size. The words
are the board's (``app/queries/board.py``): *awaiting* is sent (``sent_at`` set), not
answered and not abandoned; *overdue* is awaiting past its due date. An example
institution's inbox shows its example proposals; a real one's never does.

A member's first visit counts as new the replies of the last ``FIRST_VISIT_DAYS`` days:
since the account's creation would show nothing to a new representative of an institution
that has long been answered, and years of replies to an old account.

Days are calendar days in Europe/Paris (``paris_today()``); timestamps are naive UTC.
"""

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, load_only

from app.extensions import db
from app.models import (
    OPEN_COMMITMENT_STATES,
    AddressedInstitution,
    Commitment,
    Contribution,
    ContributionKind,
    InboxVisit,
    OfficialResponse,
    Organisation,
    OrganisationKind,
    Proposal,
    ProposalStatus,
    Theme,
    User,
    organisation_theme,
)
from app.queries.contributions import published_since, visible_to_public
from app.queries.proposals import EventFilter

# Commitments due within this many days (or already late) are "to keep".
COMMITMENT_HORIZON_DAYS = 30
# A member's first visit: the replies of these last days are new.
FIRST_VISIT_DAYS = 30
# Proposals of a workshop that nobody is asked about yet: these are done with.
SETTLED = (ProposalStatus.ABANDONED, ProposalStatus.DONE)
# Of those, the newest shown (ten pages): counting them all read 6,500 proposals of a busy
# institution's workshops at 100× the demo's size, for pages nobody reaches.
UNADDRESSED_SHOWN = 100


def institution(slug: str) -> Organisation | None:
    """The institution of that slug (None: no such institution, or not an institution)."""
    return db.session.scalar(
        sa.select(Organisation).where(
            Organisation.slug == slug, Organisation.kind == OrganisationKind.INSTITUTION
        )
    )


def institutions() -> list[Organisation]:
    """Every institution by name, for an admin to choose an inbox (one query)."""
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(Organisation.kind == OrganisationKind.INSTITUTION)
            .options(
                load_only(
                    Organisation.name, Organisation.slug, Organisation.kind, Organisation.example
                )
            )
            .order_by(Organisation.name)
        )
    )


def last_seen(user: User, institution: Organisation) -> datetime | None:
    """When this member last marked the institution's new replies as seen (one query)."""
    return db.session.scalar(
        sa.select(InboxVisit.seen_at).where(
            InboxVisit.user_id == user.id, InboxVisit.organisation_id == institution.id
        )
    )


def replies_since(seen: datetime | None, now: datetime) -> datetime:
    """From when replies are new: the last "seen", or the last ``FIRST_VISIT_DAYS`` days."""
    return seen if seen is not None else now - timedelta(days=FIRST_VISIT_DAYS)


def _counted(institution: Organisation) -> list:
    """Never an example proposal in a real institution's inbox."""
    return EventFilter(with_examples=institution.example).counted_clauses()


def _answered():
    """Correlated: the addressed institution has answered the proposal."""
    return sa.exists().where(
        OfficialResponse.proposal_id == AddressedInstitution.proposal_id,
        OfficialResponse.institution_id == AddressedInstitution.institution_id,
    )


def awaiting_query(institution: Organisation, most_concerned: bool = False):
    """Proposals sent to it and not answered yet, by due date: the overdue ones come first
    (without a due date: last); ``most_concerned``: the most people concerned first, then by
    due date. A select to paginate, with each proposal and its workshop."""
    first = (Proposal.concerned_count.desc(),) if most_concerned else ()
    return (
        sa.select(AddressedInstitution)
        .join(Proposal, Proposal.id == AddressedInstitution.proposal_id)
        .join(Theme, Theme.id == Proposal.theme_id)
        .where(
            AddressedInstitution.institution_id == institution.id,
            AddressedInstitution.sent_at.is_not(None),
            ~_answered(),
            Proposal.status != ProposalStatus.ABANDONED,
            *_counted(institution),
        )
        .options(contains_eager(AddressedInstitution.proposal).contains_eager(Proposal.theme))
        .order_by(
            *first,
            AddressedInstitution.response_due_on.is_(None),
            AddressedInstitution.response_due_on,
            AddressedInstitution.id,
        )
    )


def commitments_query(institution: Organisation, today: date):
    """Its commitments still planned or under way, late or due within
    ``COMMITMENT_HORIZON_DAYS`` days, the earliest first (a select to paginate)."""
    return (
        sa.select(Commitment)
        .join(Commitment.response)
        .join(OfficialResponse.proposal)
        .where(
            OfficialResponse.institution_id == institution.id,
            Commitment.state.in_(OPEN_COMMITMENT_STATES),
            Commitment.due_on <= today + timedelta(days=COMMITMENT_HORIZON_DAYS),
            *_counted(institution),
        )
        .options(contains_eager(Commitment.response).contains_eager(OfficialResponse.proposal))
        .order_by(Commitment.due_on, Commitment.id)
    )


def replies_query(institution: Organisation, since: datetime, user: User):
    """Replies anyone may read under its responses, by someone else than this member,
    published after ``since`` (posted then, or approved then by a moderator), the newest
    first (a select to paginate)."""
    return (
        sa.select(Contribution)
        .join(OfficialResponse, OfficialResponse.id == Contribution.response_id)
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .where(
            OfficialResponse.institution_id == institution.id,
            Contribution.kind == ContributionKind.REPLY,
            visible_to_public(),
            Contribution.withdrawn_at.is_(None),
            published_since(since),
            sa.or_(Contribution.author_id.is_(None), Contribution.author_id != user.id),
            *_counted(institution),
        )
        .options(
            contains_eager(Contribution.proposal),
            joinedload(Contribution.author),
            joinedload(Contribution.recorded_for),
        )
        .order_by(Contribution.created_at.desc(), Contribution.id.desc())
    )


def unaddressed_query(institution: Organisation):
    """Proposals of its workshops, under way, addressed to no institution yet (nor filed by
    it), the newest first (a select to paginate): it may say it is concerned."""
    its_workshops = sa.select(organisation_theme.c.theme_id).where(
        organisation_theme.c.organisation_id == institution.id
    )
    return (
        sa.select(Proposal)
        .join(Theme, Theme.id == Proposal.theme_id)
        .where(
            Proposal.theme_id.in_(its_workshops),
            Proposal.status.not_in(SETTLED),
            _addressed_to_nobody(),
            sa.or_(Proposal.organisation_id.is_(None), Proposal.organisation_id != institution.id),
            *_counted(institution),
        )
        .options(contains_eager(Proposal.theme))
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
    )


def _addressed_to_nobody() -> sa.ColumnElement[bool]:
    """The proposal's own count of rows addressing it, said as ``ix_proposal_unaddressed``'s
    condition (a literal 0, not a parameter: the partial index is then usable)."""
    return Proposal.addressed_count == sa.literal_column("0")


def _count(query):
    return sa.select(sa.func.count()).select_from(query.order_by(None).subquery()).scalar_subquery()


def summary(institution: Organisation, today: date, since: datetime, user: User) -> dict:
    """The size of every list of the inbox (one query): ``overdue`` among ``awaiting``,
    ``commitments`` to keep (``commitments_overdue`` of them late), new ``replies``,
    proposals ``unaddressed`` (counted up to one more than ``UNADDRESSED_SHOWN``)."""
    awaiting = awaiting_query(institution)
    commitments = commitments_query(institution, today)
    row = db.session.execute(
        sa.select(
            _count(awaiting.where(AddressedInstitution.response_due_on < today)),
            _count(awaiting),
            _count(commitments.where(Commitment.due_on < today)),
            _count(commitments),
            _count(replies_query(institution, since, user)),
            _count(unaddressed_query(institution).limit(UNADDRESSED_SHOWN + 1)),
        )
    ).one()
    keys = ("overdue", "awaiting", "commitments_overdue", "commitments", "replies", "unaddressed")
    return dict(zip(keys, row, strict=True))


def testimony_counts(proposal_ids: list[int]) -> dict[int, int]:
    """How many testimonies anyone may read on each of these proposals (one query)."""
    counts = dict.fromkeys(proposal_ids, 0)
    if not proposal_ids:
        return counts
    rows = db.session.execute(
        sa.select(Contribution.proposal_id, sa.func.count())
        .where(
            Contribution.proposal_id.in_(proposal_ids),
            Contribution.kind == ContributionKind.TESTIMONY,
            visible_to_public(),
        )
        .group_by(Contribution.proposal_id)
    )
    counts.update((proposal_id, n) for proposal_id, n in rows)
    return counts


def days_from(today: date, due_on: date | None) -> dict:
    """How late (``days_late``) or how many days are left (``days_left``, 0: due today)."""
    if due_on is None:
        return {"days_late": None, "days_left": None}
    if due_on < today:
        return {"days_late": (today - due_on).days, "days_left": None}
    return {"days_late": None, "days_left": (due_on - today).days}


def awaiting_items(rows: list[AddressedInstitution], today: date) -> list[dict]:
    """What a line of the awaiting list shows: the proposal, its workshop, its due date,
    the days late or left, its testimonies (one query)."""
    testimonies = testimony_counts([row.proposal_id for row in rows])
    return [
        {
            "proposal": row.proposal,
            "due_on": row.response_due_on,
            "testimonies": testimonies[row.proposal_id],
            **days_from(today, row.response_due_on),
        }
        for row in rows
    ]


def commitment_items(rows: list[Commitment], today: date) -> list[dict]:
    """What a line of the commitments list shows (no query)."""
    return [
        {"commitment": row, "proposal": row.response.proposal, **days_from(today, row.due_on)}
        for row in rows
    ]
