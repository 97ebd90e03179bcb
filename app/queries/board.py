"""Accountability (the board): who was asked what, who answered, who is late.

Every function here is a pure read with a fixed number of SQL queries whatever the data size;
counts are aggregated in SQL, grouped by institution or workshop. The words mean:

- *addressed*: the proposal is addressed to the institution;
- *answered*: the institution has published an official response on that proposal (a
  position it stated elsewhere, as the network reports it, is never an answer);
- *awaiting*: sent to the institution (``sent_at`` set), not answered, and not abandoned;
  addressed but never sent, it is concerned, not awaited nor late;
- *overdue*: awaiting, and the response was due before today;
- a commitment is *due* when open and due today or later, *overdue* when open and due before.

Days are calendar days in Europe/Paris, where the network is; timestamps are naive UTC.
The totals, the late responses and the late commitments are the institutions' alone: an
institution's proposal put to associations is counted apart (app/queries/inversion.py).
"""

import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, load_only

from app.extensions import db
from app.models import (
    OPEN_COMMITMENT_STATES,
    AddressedInstitution,
    AddressedTally,
    Commitment,
    CommitmentTally,
    OfficialResponse,
    Organisation,
    OrganisationKind,
    Proposal,
    ProposalStatus,
    ProposalTally,
    Theme,
    paris_today,
)
from app.models.base import PARIS
from app.models.proposal import due_month
from app.queries.contributions import _unindexed
from app.queries.proposals import ANY_EVENT, EventFilter, themes_with_counts
from app.queries.statements import kept_for_values

ACCOUNTABILITY_KEYS = (
    "addressed",
    "answered",
    "awaiting",
    "overdue",
    "median_days_to_answer",
    "commitments_due",
    "commitments_overdue",
)


def paris_date(moment: datetime) -> date:
    """The Metz calendar date of a naive UTC timestamp."""
    return moment.replace(tzinfo=UTC).astimezone(PARIS).date()


def paris_midnight(day: date) -> datetime:
    """The start of a Metz calendar day, as a naive UTC timestamp."""
    return datetime.combine(day, time(), tzinfo=PARIS).astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Period:
    """From one Metz calendar day to another, both included; either end may be open."""

    start: date | None = None
    end: date | None = None

    def moments(self, column) -> list:
        """Clauses keeping a naive-UTC timestamp column inside the period."""
        clauses = []
        if self.start is not None:
            clauses.append(column >= paris_midnight(self.start))
        if self.end is not None:
            clauses.append(column < paris_midnight(self.end + timedelta(days=1)))
        return clauses

    def days(self, column) -> list:
        """Clauses keeping a date column inside the period."""
        clauses = []
        if self.start is not None:
            clauses.append(column >= self.start)
        if self.end is not None:
            clauses.append(column <= self.end)
        return clauses


def _answer():
    """Join condition: the institution's response to the proposal it was addressed."""
    return sa.and_(
        OfficialResponse.proposal_id == AddressedInstitution.proposal_id,
        OfficialResponse.institution_id == AddressedInstitution.institution_id,
    )


def _awaiting():
    """Meant inside a select of addressed rows outer-joined to their answer (the proposal
    table need not be in it)."""
    abandoned = sa.select(Proposal.id).where(Proposal.status == ProposalStatus.ABANDONED)
    return sa.and_(
        AddressedInstitution.sent_at.is_not(None),
        OfficialResponse.id.is_(None),
        AddressedInstitution.proposal_id.not_in(abandoned),
    )


def _awaiting_on_rows() -> list:
    """The clauses of ``_awaiting`` on the addressed row's own copies (kept by triggers): no
    table joined."""
    row = AddressedInstitution
    return [
        row.answered == sa.false(),
        row.proposal_abandoned == sa.false(),
        row.sent_at.is_not(None),
    ]


def _addressed(*columns):
    """Addressed rows with their proposal and, when there is one, the answer."""
    return (
        sa.select(*columns)
        .select_from(AddressedInstitution)
        .join(Proposal, Proposal.id == AddressedInstitution.proposal_id)
        .outerjoin(OfficialResponse, _answer())
    )


def _scope(
    theme_id: int | None,
    institution_ids: Iterable[int] | None,
    column,
    events: EventFilter = ANY_EVENT,
) -> list:
    """Clauses keeping one workshop's proposals, those of an event or a year, and some
    institutions (None: all of them); the proposal table is in the query. Example proposals
    count only under an example event's filter."""
    clauses = events.counted_clauses()
    if theme_id is not None:
        clauses.append(Proposal.theme_id == theme_id)
    if institution_ids is not None:
        clauses.append(column.in_(list(institution_ids)))
    return clauses


def of_counted_proposals(proposal_id, theme_id: int | None, events: EventFilter) -> list:
    """Clauses keeping rows (``proposal_id``: their proposal's id) of the proposals counted
    in one workshop, event or year, without joining the proposals. Over every proposal, the
    few examples are left out by NOT IN: IN every real proposal's id made each count of the
    network's totals start by listing them all (228 → 68 ms for the answers at 100,000
    proposals, SQLite)."""
    if theme_id is None and not events:
        if events.counts_examples:
            return []
        return [proposal_id.not_in(sa.select(Proposal.id).where(Proposal.example.is_(True)))]
    kept = _scope(theme_id, None, None, events)
    return [proposal_id.in_(sa.select(Proposal.id).where(*kept))]


def institutions_only(column):
    """Clause keeping rows about institutions (``column``: an organisation id, in a query
    where the organisation table is not joined)."""
    institution = sa.select(Organisation.id).where(
        Organisation.kind == OrganisationKind.INSTITUTION
    )
    # Not through an index on SQLite: next to a list of proposals (``of_counted_proposals``), SQLite
    # probed the (proposal_id, institution_id) index for every pair of the two lists, 650
    # million probes at 100,000 proposals and 6,500 institutions (87 s).
    return _unindexed(column).in_(institution)


def _count_if(condition):
    return sa.func.count(sa.case((condition, 1)))


def _blank() -> dict:
    row = dict.fromkeys(ACCOUNTABILITY_KEYS, 0)
    row.update(median_days_to_answer=None, longest_wait_days=None)
    return row


def _answer_columns(today: date) -> tuple:
    awaiting = _awaiting()
    return (
        sa.func.count(AddressedInstitution.id),
        sa.func.count(OfficialResponse.id),
        _count_if(awaiting),
        _count_if(sa.and_(awaiting, AddressedInstitution.response_due_on < today)),
        sa.func.min(sa.case((awaiting, AddressedInstitution.sent_at))),
    )


def _answer_columns_on_rows(today: date) -> tuple:
    """``_answer_columns`` on the addressed rows alone, from their copies of whether they
    are answered and their proposal abandoned (``_counted_answers``, joined, is the
    reference they are tested against)."""
    row, awaiting = AddressedInstitution, sa.and_(*_awaiting_on_rows())
    return (
        sa.func.count(row.id),
        _count_if(row.answered == sa.true()),
        _count_if(awaiting),
        _count_if(sa.and_(awaiting, row.response_due_on < today)),
        sa.func.min(sa.case((awaiting, row.sent_at))),
    )


def _answer_figures(row, today: date) -> dict:
    addressed, answered, waiting, overdue, oldest = row
    return {
        "addressed": addressed,
        "answered": answered,
        "awaiting": waiting,
        "overdue": overdue,
        "longest_wait_days": (today - paris_date(oldest)).days if oldest else None,
    }


def _answer_counts(figures: dict, statement, today: date) -> None:
    for org_id, *counts in db.session.execute(statement):
        figures[org_id].update(_answer_figures(counts, today))


def _median_delays(figures: dict, statement) -> None:
    """The median in Python, from the rows of one query: it is not portable SQL."""
    delays: dict[int, list[int]] = defaultdict(list)
    for org_id, sent_at, answered_at in db.session.execute(statement):
        # An answer recorded before the formal sending counts as immediate.
        delays[org_id].append(max(0, (paris_date(answered_at) - paris_date(sent_at)).days))
    for org_id, days in delays.items():
        figures[org_id]["median_days_to_answer"] = float(statistics.median(days))


def _commitment_columns(today: date) -> tuple:
    is_open = Commitment.state.in_(OPEN_COMMITMENT_STATES)
    return (
        _count_if(sa.and_(is_open, Commitment.due_on >= today)),
        _count_if(sa.and_(is_open, Commitment.due_on < today)),
    )


def _commitments(theme_id: int | None, ids: list[int] | None, events: EventFilter, *columns):
    """Commitments of some institutions' responses (None: anyone's), counted under a
    workshop, event or year on the commitments' copies of their proposal's (no proposal
    read: joined, the proposal of each of an institution's commitments was looked up)."""
    clauses = counted_commitments(theme_id, events, None)
    if ids is not None:
        clauses.append(OfficialResponse.institution_id.in_(ids))
    return (
        sa.select(*columns)
        .select_from(Commitment)
        .join(OfficialResponse, OfficialResponse.id == Commitment.response_id)
        .where(*clauses)
    )


def _commitment_counts(figures: dict, statement):
    for org_id, due, overdue in db.session.execute(statement):
        figures[org_id].update(commitments_due=due, commitments_overdue=overdue)


def _figures(
    theme_id: int | None, ids: list[int] | None, today: date, events: EventFilter = ANY_EVENT
) -> dict[int, dict]:
    """The figures of some institutions (None: all), keyed by id (three queries), read on
    the addressed rows' and the commitments' copies of what they are counted under."""
    figures: dict[int, dict] = defaultdict(_blank)
    ids = None if ids is None else tuple(ids)
    answers, delays, commitments = _figure_statements(theme_id, ids, today, events)
    _answer_counts(figures, answers, today)
    _median_delays(figures, delays)
    _commitment_counts(figures, commitments)
    return figures


@kept_for_values
def _figure_statements(theme_id: int | None, ids: tuple | None, today: date, events) -> tuple:
    """The selects of ``_figures``: the answers counted, the answers' delays (only the
    answers joined), the commitments counted, each per institution."""
    addressed = counted_rows(theme_id, events)
    if ids is not None:
        addressed.append(AddressedInstitution.institution_id.in_(ids))
    answers = (
        sa.select(AddressedInstitution.institution_id, *_answer_columns_on_rows(today))
        .where(*addressed)
        .group_by(AddressedInstitution.institution_id)
    )
    delays = (
        sa.select(
            AddressedInstitution.institution_id,
            AddressedInstitution.sent_at,
            OfficialResponse.created_at,
        )
        .join(OfficialResponse, _answer())
        .where(AddressedInstitution.sent_at.is_not(None), *addressed)
    )
    commitments = _commitments(
        theme_id, ids, events, OfficialResponse.institution_id, *_commitment_columns(today)
    ).group_by(OfficialResponse.institution_id)
    return answers, delays, commitments


def institutions_query(institution: Organisation | None = None, events: EventFilter = ANY_EVENT):
    """Institutions by name, or only the one asked for (a select to paginate); invented
    ones only under an example event's filter.

    Only what the board shows is loaded: the database sorts narrow rows.
    """
    return _institutions_listed(institution and institution.id, events)


@kept_for_values
def _institutions_listed(institution_id: int | None, events: EventFilter):
    query = (
        sa.select(Organisation)
        .where(Organisation.kind == OrganisationKind.INSTITUTION)
        .options(
            load_only(Organisation.name, Organisation.slug, Organisation.kind, Organisation.example)
        )
    )
    if institution_id is not None:
        query = query.where(Organisation.id == institution_id)
    if not events.counts_examples:
        query = query.where(Organisation.example.is_(False))
    return query.order_by(Organisation.name)


def institution_rows(
    theme: Theme | None = None,
    institution: Organisation | None = None,
    today: date | None = None,
    organisations: list[Organisation] | None = None,
    events: EventFilter = ANY_EVENT,
) -> list[dict]:
    """One row per institution, by name: its figures (three queries; four to load them).

    ``organisations`` (one page of them) limits the rows and what is counted; without it,
    every institution, or the one asked for.
    """
    today = today or paris_today()
    if organisations is None:
        organisations = list(db.session.scalars(institutions_query(institution, events)))
        ids = None if institution is None else [institution.id]
    else:
        ids = [org.id for org in organisations]
    figures = _figures(theme and theme.id, ids, today, events)
    return [{**figures[org.id], "institution": org} for org in organisations]


def totals(
    theme: Theme | None = None,
    institution: Organisation | None = None,
    today: date | None = None,
    events: EventFilter = ANY_EVENT,
) -> dict:
    """Every institution's figures added up, the median apart (two queries): of every
    institution from the tallies, of one from its rows."""
    today = today or paris_today()
    theme_id, ids = theme and theme.id, institution and [institution.id]
    if ids is None:
        counts = db.session.execute(tallied_answers(theme_id, today, events)).one()
        due, overdue = open_commitments(theme_id, today, events)
    else:
        answers, commitments = _one_institution_totals(theme_id, ids[0], today, events)
        counts = db.session.execute(answers).one()
        due, overdue = db.session.execute(commitments).one()
    return {
        **_blank(),
        **_answer_figures(counts, today),
        "commitments_due": due,
        "commitments_overdue": overdue,
    }


@kept_for_values
def _one_institution_totals(theme_id: int | None, org_id: int, today: date, events) -> tuple:
    return (
        _counted_answers(theme_id, [org_id], today, events),
        _open_commitments(theme_id, [org_id], today, events),
    )


def _counted_answers(theme_id: int | None, ids: list[int] | None, today: date, events):
    """The columns of ``_answer_figures``, counted on the addressed rows: the reference
    the tallies are checked against, and one institution's figures."""
    # The addressed rows alone, their proposals kept by id: joined, the proposals led each
    # count (every one of them, then its rows).
    return (
        sa.select(*_answer_columns(today))
        .select_from(AddressedInstitution)
        .outerjoin(OfficialResponse, _answer())
        .where(
            *of_counted_proposals(AddressedInstitution.proposal_id, theme_id, events),
            *_institutions(AddressedInstitution.institution_id, ids),
        )
    )


def counted_under(theme, event, example, theme_id: int | None, events: EventFilter) -> list:
    """Clauses keeping what is counted under one workshop, event or year (never an
    example's among real ones), on the columns saying where a tally or a row counts."""
    clauses = events.counted_clauses(event, example)
    if theme_id is not None:
        clauses.append(theme == theme_id)
    return clauses


def _tallied(theme_id: int | None, events: EventFilter) -> list:
    """Clauses keeping the addressed rows' tallies of one workshop, event or year."""
    tally = AddressedTally
    return counted_under(tally.theme_id, tally.event_id, tally.example, theme_id, events)


def on_copies(row, theme_id: int | None, events: EventFilter) -> list:
    """Clauses keeping the rows (``row``: a model whose rows carry copies of their
    proposal's workshop, event and example mark, kept by triggers) of one workshop, event or
    year: no proposal is read. With the proposals' ids picked by a subquery, each of the
    synthesis's lists started by listing them (its two lists of responses: 1.8 → 0.4 ms at
    100,000 proposals on SQLite, 1.6 → 1.0 ms on PostgreSQL)."""
    columns = (row.proposal_theme_id, row.proposal_event_id, row.proposal_example)
    return counted_under(*columns, theme_id, events)


def counted_rows(theme_id: int | None, events: EventFilter) -> list:
    """Clauses keeping the addressed rows of one workshop, event or year, on their copies."""
    return on_copies(AddressedInstitution, theme_id, events)


def _awaited_rows(theme_id: int | None, events: EventFilter) -> list:
    """Clauses keeping the answers institutions are awaited for, of one workshop, event or
    year (the order of ``ix_addressed_institution_awaiting_since``)."""
    return [
        AddressedInstitution.to_institution == sa.true(),
        *_awaiting_on_rows(),
        *counted_rows(theme_id, events),
    ]


def _month_start(key: int) -> date:
    return date(key // 12, key % 12 + 1, 1)


def _late_months(day, today: date, due: Period) -> tuple[int, int, list] | None:
    """What is due before today (and inside ``due``), split in two: the whole months
    (keys ``low`` to ``high``), read from a tally, and the clauses keeping the other days
    on ``day``, a due-date column (today's month is such a month: its rows are few, read
    through the due-date index); None when nothing can be late."""
    last = today - timedelta(days=1)
    if due.end is not None:
        last = min(last, due.end)
    first = due.start
    if first is not None and first > last:
        return None
    low = 1 if first is None else due_month(first) + (first.day != 1)
    high = due_month(last) - ((last + timedelta(days=1)).day != 1)
    cut = [day <= last]
    if first is not None:
        cut.append(day >= first)
    if low <= high:
        outside = [day >= _month_start(high + 1)]
        if first is not None:
            outside.append(day < _month_start(low))
        cut.append(sa.or_(*outside))
    return low, high, cut


def _added(column, *where):
    """The sum of a tally's column over some of its rows (a scalar subquery)."""
    summed = sa.select(sa.func.coalesce(sa.func.sum(column), 0)).where(*where)
    return summed.correlate(None).scalar_subquery()


def _counted(table, *where):
    """How many rows of ``table`` match (a scalar subquery, never correlated: it may sit in
    a select of the same table)."""
    counted = sa.select(sa.func.count()).select_from(table).where(*where)
    return counted.correlate(None).scalar_subquery()


def late_answers(theme_id: int | None, today: date, events: EventFilter, due: Period = Period()):
    """How many answers are awaited past their due date (before today, and inside ``due``),
    as ``_late_months`` splits them (a scalar subquery)."""
    months = _late_months(AddressedInstitution.response_due_on, today, due)
    if months is None:
        return sa.literal(0)
    low, high, cut = months
    tally = AddressedTally
    return _added(
        tally.awaiting, tally.due_month.between(low, high), *_tallied(theme_id, events)
    ) + _counted(AddressedInstitution, *cut, *_awaited_rows(theme_id, events))


@kept_for_values
def tallied_answers(theme_id: int | None, today: date, events: EventFilter):
    """The columns of ``_answer_figures`` for every institution: added up from the tallies,
    the late ones as ``late_answers`` counts them, the oldest awaited from the first row of
    its index (one query)."""
    tally = AddressedTally
    scope = _tallied(theme_id, events)
    oldest = (
        sa.select(AddressedInstitution.sent_at)
        .where(*_awaited_rows(theme_id, events))
        .order_by(AddressedInstitution.sent_at)
        .limit(1)
        .scalar_subquery()
    )
    return sa.select(
        _added(tally.addressed, *scope),
        _added(tally.answered, *scope),
        _added(tally.awaiting, *scope),
        late_answers(theme_id, today, events),
        oldest,
    )


def _made_by(column, by_institutions: bool | None) -> list:
    """Clauses keeping commitments made by institutions (True), by associations (False) or
    by anyone (None), ``column`` saying whether an institution made them."""
    if by_institutions is None:
        return []
    return [column == (sa.true() if by_institutions else sa.false())]


def _tallied_commitments(theme_id: int | None, events: EventFilter, by: bool | None) -> list:
    """Clauses keeping the commitments' tallies of one workshop, event or year, made by
    institutions, associations or anyone (``_made_by``)."""
    tally = CommitmentTally
    clauses = counted_under(tally.theme_id, tally.event_id, tally.example, theme_id, events)
    return [*clauses, *_made_by(tally.by_institution, by)]


def counted_commitments(theme_id: int | None, events: EventFilter, by: bool | None) -> list:
    """The same clauses on the commitments' copies of what they are counted under."""
    return [*on_copies(Commitment, theme_id, events), *_made_by(Commitment.by_institution, by)]


def late_commitments(
    theme_id: int | None,
    today: date,
    events: EventFilter,
    due: Period = Period(),
    by_institutions: bool | None = True,
):
    """How many commitments are still open past their date (before today, and inside
    ``due``), as ``_late_months`` splits them (a scalar subquery); the institutions', the
    associations' or everyone's (``_made_by``)."""
    months = _late_months(Commitment.due_on, today, due)
    if months is None:
        return sa.literal(0)
    low, high, cut = months
    tally = CommitmentTally
    tallied = _added(
        tally.commitments,
        tally.state.in_(OPEN_COMMITMENT_STATES),
        tally.due_month.between(low, high),
        *_tallied_commitments(theme_id, events, by_institutions),
    )
    counted = _counted(
        Commitment,
        *cut,
        Commitment.state.in_(OPEN_COMMITMENT_STATES),
        *counted_commitments(theme_id, events, by_institutions),
    )
    return tallied + counted


def commitments_in(
    theme_id: int | None, events: EventFilter, states, by_institutions: bool | None = True
):
    """How many commitments are in one of ``states``, made by institutions, associations
    or anyone (``_made_by``) (a scalar subquery, from the tallies)."""
    tally = CommitmentTally
    return _added(
        tally.commitments,
        tally.state.in_(states),
        *_tallied_commitments(theme_id, events, by_institutions),
    )


def open_commitments(
    theme_id: int | None, today: date, events: EventFilter, by_institutions: bool | None = True
):
    """The open commitments still to come and those late, as ``_commitment_columns``
    counts them, from the tallies (one query)."""
    still_open, late = db.session.execute(
        _open_and_late(theme_id, today, events, by_institutions)
    ).one()
    return still_open - late, late


@kept_for_values
def _open_and_late(theme_id: int | None, today: date, events, by_institutions: bool | None):
    return sa.select(
        commitments_in(theme_id, events, OPEN_COMMITMENT_STATES, by_institutions),
        late_commitments(theme_id, today, events, by_institutions=by_institutions),
    )


def of_counted_commitments(theme_id: int | None, events: EventFilter) -> list:
    """Clauses keeping the commitments made on the proposals counted in one workshop,
    event or year, never an example's among real ones. Over every workshop, the few
    responses to example proposals are left out by NOT IN (as ``of_counted_proposals``
    does): IN every real response made each count and list start from them all rather
    than walk its index."""
    if theme_id is None and not events:
        if events.counts_examples:
            return []
        examples = sa.select(Proposal.id).where(Proposal.example.is_(True))
        invented = sa.select(OfficialResponse.id).where(OfficialResponse.proposal_id.in_(examples))
        return [Commitment.response_id.not_in(invented)]
    responses = sa.select(OfficialResponse.id).where(
        *of_counted_proposals(OfficialResponse.proposal_id, theme_id, events)
    )
    return [Commitment.response_id.in_(responses)]


def _open_commitments(theme_id: int | None, ids: list[int] | None, today: date, events):
    """The open commitments due and overdue, of one institution or all. Of all: read from
    the commitments' due-date index alone, the responses by organisations that are not
    institutions left out by NOT IN, a short list: joined, each commitment's response was
    looked up (62 → 19 ms at 100,000 commitments, SQLite)."""
    select = (
        sa.select(*_commitment_columns(today))
        .select_from(Commitment)
        .where(Commitment.state.in_(OPEN_COMMITMENT_STATES))
    )
    if ids is not None:
        return select.join(OfficialResponse, OfficialResponse.id == Commitment.response_id).where(
            *of_counted_proposals(OfficialResponse.proposal_id, theme_id, events),
            *_institutions(OfficialResponse.institution_id, ids),
        )
    not_institutions = sa.select(Organisation.id).where(
        Organisation.kind != OrganisationKind.INSTITUTION
    )
    by_others = sa.select(OfficialResponse.id).where(
        OfficialResponse.institution_id.in_(not_institutions)
    )
    return select.where(
        Commitment.response_id.not_in(by_others), *of_counted_commitments(theme_id, events)
    )


def _institutions(column, ids: list[int] | None) -> list:
    """Clauses keeping rows about institutions (``column``: an organisation id), only those
    of ``ids`` when given."""
    clauses = [institutions_only(column)]
    if ids is not None:
        clauses.append(column.in_(ids))
    return clauses


def institution_accountability(institution: Organisation, today: date | None = None) -> dict:
    """One institution's figures under the keys of ``ACCOUNTABILITY_KEYS`` (three queries);
    an example institution's count its example proposals."""
    events = EventFilter(with_examples=institution.example)
    row = _figures(None, [institution.id], today or paris_today(), events)[institution.id]
    return {key: row[key] for key in ACCOUNTABILITY_KEYS}


def workshop_rows(
    theme: Theme | None = None,
    institution: Organisation | None = None,
    themes: list[Theme] | None = None,
    events: EventFilter = ANY_EVENT,
) -> list[dict]:
    """One row per workshop (or the one asked for): its proposals by status (two queries,
    one when the caller gives the workshops it has already loaded).

    With an institution, only the proposals addressed to it are counted.
    """
    counts: dict[int, dict] = defaultdict(lambda: dict.fromkeys(ProposalStatus, 0))
    rows = db.session.execute(_by_workshop_and_status(theme and theme.id, institution, events))
    for theme_id, status, n in rows:
        counts[theme_id][ProposalStatus(status)] = n
    if theme is not None:
        themes = [theme]
    elif themes is None:
        themes = [t for t, _n in themes_with_counts()]
    return [
        {"theme": t, "counts": counts[t.id], "total": sum(counts[t.id].values())} for t in themes
    ]


def _by_workshop_and_status(theme_id: int | None, institution, events: EventFilter):
    """How many proposals per workshop and status (a select): of all, from the proposals'
    tallies; addressed to one institution, counted."""
    if institution is None:
        tally = ProposalTally
        return (
            sa.select(tally.theme_id, tally.status, sa.func.sum(tally.proposals))
            .where(*counted_under(tally.theme_id, tally.event_id, tally.example, theme_id, events))
            .group_by(tally.theme_id, tally.status)
        )
    addressed = sa.select(AddressedInstitution.proposal_id).where(
        AddressedInstitution.institution_id == institution.id
    )
    return (
        sa.select(Proposal.theme_id, Proposal.status, sa.func.count())
        .where(*_scope(theme_id, None, None, events), Proposal.id.in_(addressed))
        .group_by(Proposal.theme_id, Proposal.status)
    )


# What the board's and the synthesis's lists show of a proposal and of an institution: the
# other columns (a proposal's text, an organisation's description) are neither sent nor
# loaded. With the copies, the synthesis's statements took 15.5 → 12.2 ms in all at 100,000
# proposals on PostgreSQL, 7.7 → 3.7 ms on SQLite.
SHOWN_PROPOSAL = (Proposal.title, Proposal.example, Proposal.concerned_count)
SHOWN_INSTITUTION = (Organisation.name, Organisation.example)
# And of the rows listed: an awaited answer, a commitment.
SHOWN_ADDRESSED = (
    AddressedInstitution.proposal_id,
    AddressedInstitution.institution_id,
    AddressedInstitution.sent_at,
    AddressedInstitution.response_due_on,
)
SHOWN_COMMITMENT = (
    Commitment.response_id,
    Commitment.action,
    Commitment.state,
    Commitment.drop_reason,
    Commitment.due_on,
)


def overdue_query(
    theme: Theme | None = None,
    institution: Organisation | None = None,
    today: date | None = None,
    due: Period = Period(),
    events: EventFilter = ANY_EVENT,
):
    """Awaited responses past their due date, the longest overdue first (a select to paginate).

    ``due`` keeps those whose due date falls in a period (for the synthesis). The order is
    that of the due-date index, so that a page reads only its rows.
    """
    today = today or paris_today()
    return overdue_rows(theme and theme.id, institution and institution.id, today, due, events)


@kept_for_values
def overdue_rows(
    theme_id: int | None, institution_id: int | None, today: date, due: Period, events
):
    """``overdue_query`` from ids and values (a select)."""
    row = AddressedInstitution
    clauses = [
        row.to_institution == sa.true(),
        *_awaiting_on_rows(),
        row.response_due_on < today,
        *due.days(row.response_due_on),
        *counted_rows(theme_id, events),
    ]
    if institution_id is not None:
        clauses.append(row.institution_id == institution_id)
    # On the rows' copies (kept by triggers): the due-date index is walked, and no proposal
    # or answer is read for the rows left out (the synthesis's first twenty: 2.8 → 0.1 ms
    # at 100,000 proposals on SQLite, 2.2 → 0.9 ms on PostgreSQL).
    return (
        sa.select(AddressedInstitution)
        .join(Proposal, Proposal.id == AddressedInstitution.proposal_id)
        .join(Organisation, Organisation.id == AddressedInstitution.institution_id)
        .where(*clauses)
        .options(
            load_only(*SHOWN_ADDRESSED),
            contains_eager(AddressedInstitution.proposal).load_only(*SHOWN_PROPOSAL),
            contains_eager(AddressedInstitution.institution).load_only(*SHOWN_INSTITUTION),
        )
        .order_by(AddressedInstitution.response_due_on, AddressedInstitution.id)
    )


def overdue_commitments_query(
    theme: Theme | None = None,
    institution: Organisation | None = None,
    today: date | None = None,
    events: EventFilter = ANY_EVENT,
):
    """Commitments still planned or under way past their date, the longest overdue first (a
    select to paginate), with their response's proposal and institution."""
    today = today or paris_today()
    return _overdue_commitments(theme and theme.id, institution and institution.id, today, events)


@kept_for_values
def _overdue_commitments(
    theme_id: int | None, institution_id: int | None, today: date, events: EventFilter
):
    ids = None if institution_id is None else [institution_id]
    return (
        sa.select(Commitment)
        .join(Commitment.response)
        .join(OfficialResponse.proposal)
        .join(OfficialResponse.institution)
        .where(
            Commitment.state.in_(OPEN_COMMITMENT_STATES),
            Commitment.due_on < today,
            *_scope(theme_id, ids, Organisation.id, events),
            Organisation.kind == OrganisationKind.INSTITUTION,
        )
        .options(*shown_with_commitments(contains_eager, contains_eager))
        .order_by(Commitment.due_on, Commitment.id)
    )


def shown_with_commitments(proposal_loader, institution_loader) -> tuple:
    """Options loading what a list of commitments shows: each one's response (its ids),
    proposal and institution (``SHOWN_PROPOSAL``, ``SHOWN_INSTITUTION``), joined by the
    query (``contains_eager``) or by the options (``joinedload``)."""
    response = contains_eager(Commitment.response)
    return (
        load_only(*SHOWN_COMMITMENT),
        response.load_only(OfficialResponse.proposal_id, OfficialResponse.institution_id),
        response.options(
            proposal_loader(OfficialResponse.proposal).load_only(*SHOWN_PROPOSAL),
            institution_loader(OfficialResponse.institution).load_only(*SHOWN_INSTITUTION),
        ),
    )


def overdue_item(item: AddressedInstitution, today: date) -> dict:
    """What the board shows of an overdue response."""
    return {
        "proposal": item.proposal,
        "institution": item.institution,
        "sent_on": paris_date(item.sent_at),
        "due_on": item.response_due_on,
        "days_waiting": (today - paris_date(item.sent_at)).days,
        "days_overdue": (today - item.response_due_on).days,
    }


def overdue_items(
    theme: Theme | None = None,
    institution: Organisation | None = None,
    today: date | None = None,
    due: Period = Period(),
    events: EventFilter = ANY_EVENT,
) -> Iterator[dict]:
    """Every awaited response past its due date, the longest overdue first (one query),
    read OVERDUE_BATCH_ROWS at a time as the export writes them: at a city's scale there
    are tens of thousands."""
    today = today or paris_today()
    query = overdue_query(theme, institution, today, due, events)
    for item in db.session.scalars(query.execution_options(yield_per=OVERDUE_BATCH_ROWS)):
        yield overdue_item(item, today)


# Overdue responses read from the database at a time by the board's export.
OVERDUE_BATCH_ROWS = 500


# The synthesis (bilan): the network's review, in the structure of the 2015 one.
