"""Proposals and workshops as the pages and the API list and show them."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, with_expression

from app.extensions import db
from app.models import (
    AddressedInstitution,
    Cosignature,
    Event,
    ProgressUpdate,
    Proposal,
    ProposalStatus,
    ProposalTally,
    StatedPosition,
    StatusChange,
    Theme,
)
from app.queries.suggestions import made_into


def themes_with_counts() -> list[tuple[Theme, int]]:
    """Every workshop with its number of proposals, in display order (one query): added
    up from the proposals' tallies (ProposalTally), a few rows per workshop, where counting
    its proposals read each workshop's part of an index (4 ms at 100,000, SQLite)."""
    count = (
        sa.select(sa.func.coalesce(sa.func.sum(ProposalTally.proposals), 0))
        .where(ProposalTally.theme_id == Theme.id)
        .correlate(Theme)
        .scalar_subquery()
    )
    rows = db.session.execute(sa.select(Theme, count).order_by(Theme.position, Theme.name))
    return [(theme, n) for theme, n in rows]


def all_themes() -> list[Theme]:
    """The workshops in display order."""
    return list(db.session.scalars(sa.select(Theme).order_by(Theme.position, Theme.name)))


def held_in(year: int):
    """The clause keeping events held in one year."""
    return Event.held_on.between(date(year, 1, 1), date(year, 12, 31))


@dataclass(frozen=True)
class EventFilter:
    """The proposals of one event, of the events held in one year, or both (None: any)."""

    event: Event | None = None
    year: int | None = None
    # Count example rows too (an example institution's own figures).
    with_examples: bool = False

    def __bool__(self) -> bool:
        return self.event is not None or self.year is not None

    @property
    def values(self) -> tuple:
        """What the filter keeps rows by, as plain values: two filters with the same keep
        the same rows (a statement built for one serves the other: app/queries/statements.py)."""
        event = self.event
        event_values = None if event is None else (event.id, event.example)
        return (event_values, self.year, self.with_examples)

    def clauses(self, event_id=Proposal.event_id) -> list:
        """Where-clauses on the proposal table (no join: the year is a subquery), or on
        another column holding a proposal's event."""
        clauses = []
        if self.event is not None:
            clauses.append(event_id == self.event.id)
        if self.year is not None:
            held_that_year = sa.select(Event.id).where(held_in(self.year))
            clauses.append(event_id.in_(held_that_year))
        return clauses

    @property
    def counts_examples(self) -> bool:
        """Whether the network's accounts (board, synthesis, voices) count invented rows:
        only when the filter names an example event or asks for them (an example
        institution's own figures). Lists show them, marked "exemple"."""
        return self.with_examples or (self.event is not None and self.event.example)

    def counted_clauses(self, event_id=Proposal.event_id, example=Proposal.example) -> list:
        """The clauses of what the board and the synthesis count: never an example
        proposal among real ones (``event_id``, ``example``: the proposal's, or copies of
        them in another table)."""
        clauses = self.clauses(event_id)
        if not self.counts_examples:
            clauses.append(example.is_(False))
        return clauses


ANY_EVENT = EventFilter()


def proposal_filters(
    theme: Theme | None, status: ProposalStatus | None, events: EventFilter = ANY_EVENT
) -> list:
    """The where-clauses of a proposal list filtered by workshop, status and event."""
    clauses = events.clauses()
    if theme is not None:
        clauses.append(Proposal.theme_id == theme.id)
    if status is not None:
        clauses.append(Proposal.status == status)
    return clauses


NEWEST = (Proposal.created_at.desc(), Proposal.id.desc())

# A list to choose proposals from (a form's), read on a small screen: the newest this many.
PROPOSALS_OFFERED = 100


def newest_or_kept(kept: list[int], *scope) -> sa.ColumnElement:
    """Clause keeping, among the proposals of ``scope``, the newest ``PROPOSALS_OFFERED``
    and those of ``kept`` (already chosen) wherever they are: a form's list, not the
    whole archive."""
    newest = (
        sa.select(Proposal.id)
        .where(*scope)
        .order_by(Proposal.id.desc())
        .limit(PROPOSALS_OFFERED)
        .subquery()
    )
    return sa.and_(*scope, sa.or_(Proposal.id.in_(sa.select(newest.c.id)), Proposal.id.in_(kept)))


# The most people concerned first (the count is a column, indexed), then the newest.
MOST_CONCERNED = (Proposal.concerned_count.desc(), *NEWEST)


def proposal_list_query(
    theme: Theme | None = None,
    status: ProposalStatus | None = None,
    events: EventFilter = ANY_EVENT,
    order: tuple = NEWEST,
):
    """Newest first (or in ``order``), with workshop and organisation loaded in the same
    round trip."""
    return (
        sa.select(Proposal)
        .where(*proposal_filters(theme, status, events))
        .options(joinedload(Proposal.theme), joinedload(Proposal.organisation))
        .order_by(*order)
    )


def latest_proposals(limit: int = 6) -> list[Proposal]:
    """The newest proposals, for the home page (one query)."""
    return list(db.session.scalars(proposal_list_query().limit(limit)).unique())


def proposal_with_theme(proposal_id: int) -> Proposal | None:
    """A proposal and its workshop, as a form's reminder shows them (their names read in
    the reader's language with the page's other texts, before it renders)."""
    return db.session.get(Proposal, proposal_id, options=[joinedload(Proposal.theme)])


def stated_with_proposal(position_id: int) -> StatedPosition | None:
    """A stated position with its institution, its proposal and the proposal's workshop:
    what the page removing it shows, loaded before it renders."""
    return db.session.get(
        StatedPosition,
        position_id,
        options=[
            joinedload(StatedPosition.institution),
            joinedload(StatedPosition.proposal).joinedload(Proposal.theme),
        ],
    )


def proposal_detail(proposal_id: int) -> Proposal | None:
    """A proposal with everything its page shows (one query): its addressed institutions
    and its status changes joined to it; whether it has stated positions, co-signatures and
    a suggestion of origin, so that a page reads only those it has (most proposals have
    none).

    Both collections are short (a proposal is sent to a few institutions and changes status
    a few times): their product, a row for each pair, costs less than the statement more that
    loading the status changes apart took (a millisecond of the page on PostgreSQL, the ORM's
    work for a statement more than the database's)."""
    rows = db.session.execute(_detail(), {"proposal_id": proposal_id})
    return rows.unique().scalar_one_or_none()


@cache
def _detail() -> sa.Select:
    """proposal_detail's statement, built once (docs/architecture.md: statements built
    once); the ``has_…`` flags are an index probe each."""
    return (
        sa.select(Proposal)
        .where(Proposal.id == sa.bindparam("proposal_id"))
        .options(
            with_expression(
                Proposal.has_stated_positions,
                sa.exists().where(StatedPosition.proposal_id == Proposal.id),
            ),
            with_expression(
                Proposal.has_cosignatures,
                sa.exists().where(Cosignature.proposal_id == Proposal.id),
            ),
            with_expression(Proposal.has_origin, sa.exists().where(made_into(Proposal.id))),
            joinedload(Proposal.theme),
            joinedload(Proposal.organisation),
            joinedload(Proposal.author),
            joinedload(Proposal.event),
            joinedload(Proposal.addressed).joinedload(AddressedInstitution.institution),
            joinedload(Proposal.status_changes).joinedload(StatusChange.actor),
        )
    )


def stated_positions(proposal: Proposal) -> list[StatedPosition]:
    """What institutions said of a proposal elsewhere, as the network reports it, the
    earliest said first, with the institution and the reporter (one query; none when the
    proposal was loaded knowing it has none, ``Proposal.has_stated_positions``)."""
    if proposal.has_stated_positions is False:
        return []
    return list(
        db.session.scalars(
            sa.select(StatedPosition)
            .where(StatedPosition.proposal_id == proposal.id)
            .options(joinedload(StatedPosition.institution), joinedload(StatedPosition.reported_by))
            .order_by(
                StatedPosition.stated_on.is_(None), StatedPosition.stated_on, StatedPosition.id
            )
        )
    )


def progress_updates(proposal: Proposal) -> list[ProgressUpdate]:
    """The follow-up updates of a proposal, newest first, with their authors."""
    return list(db.session.scalars(_progress_updates(), {"proposal_id": proposal.id}))


@cache
def _progress_updates() -> sa.Select:
    """progress_updates's statement, built once (docs/architecture.md)."""
    return (
        sa.select(ProgressUpdate)
        .where(ProgressUpdate.proposal_id == sa.bindparam("proposal_id"))
        .options(joinedload(ProgressUpdate.author), joinedload(ProgressUpdate.organisation))
        .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())
    )


def timeline(proposal: Proposal, responses, updates) -> list[tuple[str, datetime, object]]:
    """Status changes, follow-up updates and responses, newest first (no query)."""
    in_updates = {u.status_change_id for u in updates if u.status_change_id}
    events = [
        ("status", c.created_at, c) for c in proposal.status_changes if c.id not in in_updates
    ]
    events += [("update", u.created_at, u) for u in updates]
    events += [("response", r.updated_at, r) for r in responses]
    return sorted(events, key=lambda event: event[1], reverse=True)
