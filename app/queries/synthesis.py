"""The synthesis (bilan) of a workshop or of the whole network over a period, in the
structure of the network's own 2015 review: advances, obstacles, proposals, next steps.
``events`` keeps the proposals of one event or of one year's events (the coming meetings
are the network's, never filtered).

It must stay a readable document at any size: each list shows its first ``LIST_LIMIT``
items (the most recent, or the most overdue) and counts them all in SQL; the
proposals are summed up by workshop, and listed only for one workshop, ``PROPOSAL_LIMIT``
at most. Every function is a read with a fixed number of queries. The responses counted by
position, listed as favourable or unfavourable, and awaited late are the institutions';
what associations answered to institutions' proposals comes apart (app/queries/inversion.py).
"""

from collections import defaultdict
from dataclasses import astuple, dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, load_only, selectinload

from app.extensions import db
from app.models import (
    INSTITUTION_POSITIONS,
    OPEN_COMMITMENT_STATES,
    AddressedInstitution,
    Commitment,
    CommitmentState,
    Meeting,
    OfficialResponse,
    Organisation,
    Position,
    Proposal,
    ProposalStatus,
    ProposalTally,
    ResponseTally,
    StatusChange,
    StatusChangeTally,
    Theme,
)
from app.models.contribution import Contribution, ContributionKind, DisplayMode
from app.queries.board import (
    SHOWN_INSTITUTION,
    SHOWN_PROPOSAL,
    Period,
    _addressed,
    _answer,
    _count_if,
    _scope,
    commitments_in,
    counted_commitments,
    counted_under,
    late_answers,
    late_commitments,
    of_counted_proposals,
    on_copies,
    overdue_item,
    overdue_rows,
    shown_with_commitments,
)
from app.queries.contributions import _unindexed, visible_to_public
from app.queries.meetings import upcoming_meetings, upcoming_meetings_for
from app.queries.proposals import ANY_EVENT, EventFilter
from app.queries.statements import kept_for_values

ALL_TIME = Period()
# Enough to prepare a meeting from, few enough for a phone or two printed pages.
LIST_LIMIT = 20
PROPOSAL_LIMIT = 30


@dataclass(frozen=True)
class Excerpt:
    """The first items of a list, and how many there are in all."""

    items: list
    total: int

    @property
    def more(self) -> int:
        """How many are counted but not shown."""
        return self.total - len(self.items)


def first_rows(query, entity, where: list, order: tuple, limit: int = LIST_LIMIT):
    """The first rows of ``entity`` matching ``where`` in ``order``, loaded by ``query``
    (its joins and options) (a select).

    ``where`` and ``order`` bear on the entity's table alone: the choice of the first rows
    reads that narrow table, and only the rows shown are joined.
    """
    first = sa.select(entity.id).where(*where).order_by(*order).limit(limit)
    return query.where(entity.id.in_(first)).order_by(*order)


def excerpt(statement, total: int) -> Excerpt:
    """The rows ``statement`` reads, with ``total``, how many match, counted beforehand
    (one query)."""
    return Excerpt(list(db.session.scalars(statement)), total)


@kept_for_values
def _responses_shown(theme_id: int | None, period: Period, position: Position, events):
    return first_rows(
        sa.select(OfficialResponse)
        .join(OfficialResponse.proposal)
        .options(
            load_only(OfficialResponse.position, OfficialResponse.created_at),
            contains_eager(OfficialResponse.proposal).load_only(*SHOWN_PROPOSAL),
            joinedload(OfficialResponse.institution).load_only(*SHOWN_INSTITUTION),
        ),
        OfficialResponse,
        [
            OfficialResponse.position == position,
            OfficialResponse.by_institution == sa.true(),
            *period.moments(OfficialResponse.created_at),
            *on_copies(OfficialResponse, theme_id, events),
        ],
        (OfficialResponse.created_at.desc(), OfficialResponse.id.desc()),
    )


@kept_for_values
def _status_changes_shown(theme_id: int | None, period: Period, statuses: tuple, events):
    return first_rows(
        sa.select(StatusChange)
        .join(StatusChange.proposal)
        .options(
            load_only(
                StatusChange.proposal_id,
                StatusChange.to_status,
                StatusChange.reason,
                StatusChange.created_at,
            ),
            contains_eager(StatusChange.proposal).load_only(*SHOWN_PROPOSAL),
        ),
        StatusChange,
        [
            StatusChange.to_status.in_(statuses),
            *period.moments(StatusChange.created_at),
            *on_copies(StatusChange, theme_id, events),
        ],
        (StatusChange.created_at.desc(), StatusChange.id.desc()),
    )


def _commitments_of_workshop(theme_id: int | None, events: EventFilter = ANY_EVENT) -> list:
    """Clauses keeping the commitments made on one workshop's (event's, year's) proposals,
    never an example's among real ones, on the commitments' copies (no response read)."""
    return counted_commitments(theme_id, events, None)


def _commitments_shown():
    """Commitments with their response, its proposal and its institution (one query)."""
    return (
        sa.select(Commitment)
        .join(Commitment.response)
        .join(OfficialResponse.proposal)
        .options(*shown_with_commitments(contains_eager, joinedload))
    )


@kept_for_values
def _closed_commitments(state: CommitmentState, theme_id: int | None, period: Period, events):
    """Commitments kept (or dropped) in the period, the latest closed first. A commitment's
    last change dates its closing."""
    where = [
        Commitment.state == state,
        *period.moments(Commitment.updated_at),
        *_commitments_of_workshop(theme_id, events),
    ]
    return first_rows(_commitments_shown(), Commitment, where, _LATEST)


@kept_for_values
def _late_commitments(theme_id: int | None, period: Period, today: date, events):
    """Open commitments due in the period and before today, the most overdue first."""
    where = [
        Commitment.state.in_(OPEN_COMMITMENT_STATES),
        Commitment.due_on < today,
        *period.days(Commitment.due_on),
        *_commitments_of_workshop(theme_id, events),
    ]
    return first_rows(_commitments_shown(), Commitment, where, _SOONEST)


@kept_for_values
def _coming_then_late(theme_id: int | None, events: EventFilter, today: date):
    """Open commitments: those still to come, the soonest due first, then the late ones,
    the most overdue first (a select). Each half walks the due-date index from its own
    end; ordered by lateness first, the database sorted every open commitment (20 → 1 ms
    at 100,000 proposals, PostgreSQL)."""
    where = [
        Commitment.state.in_(OPEN_COMMITMENT_STATES),
        *_commitments_of_workshop(theme_id, events),
    ]
    halves = [
        sa.select(Commitment.id).where(*where, due).order_by(*_SOONEST).limit(LIST_LIMIT)
        for due in (Commitment.due_on >= today, Commitment.due_on < today)
    ]
    # Each half a subquery: SQLite allows no ORDER BY or LIMIT in a UNION's own members.
    first = sa.union_all(*(sa.select(half.subquery().c.id) for half in halves))
    late_last = sa.case((Commitment.due_on < today, 1), else_=0)
    return (
        _commitments_shown()
        .where(Commitment.id.in_(first))
        .order_by(late_last, *_SOONEST)
        .limit(LIST_LIMIT)
    )


@kept_for_values
def _late_answers_counted(theme_id: int | None, period: Period, today: date, events):
    return sa.select(late_answers(theme_id, today, events, period))


@kept_for_values
def _late_answers_shown(theme_id: int | None, period: Period, today: date, events):
    return overdue_rows(theme_id, None, today, period, events).limit(LIST_LIMIT)


def _overdue(theme_id: int | None, period: Period, today: date, events: EventFilter) -> Excerpt:
    """Responses awaited after their due date (in the period), the most overdue first: the
    order of an index, so the first rows are read alone (two queries). The count comes
    from the board's tallies (``board.late_answers``)."""
    total = db.session.scalar(_late_answers_counted(theme_id, period, today, events))
    items = db.session.scalars(_late_answers_shown(theme_id, period, today, events))
    return Excerpt([overdue_item(item, today) for item in items], total)


# Closed commitments, the latest closed first; open ones, the soonest (or most overdue) first.
_LATEST = (Commitment.updated_at.desc(), Commitment.id.desc())
_SOONEST = (Commitment.due_on, Commitment.id)
_IN_HAND = (ProposalStatus.IN_PROGRESS, ProposalStatus.DONE)
_ABANDONED = (ProposalStatus.ABANDONED,)


def list_totals(
    theme: Theme | None, period: Period, today: date, events: EventFilter = ANY_EVENT
) -> dict:
    """How many items each list of sections I, II and IV holds, and the responses of the
    period by position (three queries)."""
    theme_id = theme and theme.id
    changes = dict(db.session.execute(_changes(theme_id, period, events)).all())
    commitments = db.session.execute(_commitment_counts(theme_id, period, today, events)).one()
    positions = position_counts(theme, period, events)
    return {
        "positions": positions,
        "in_hand": sum(changes.get(status, 0) for status in _IN_HAND),
        "abandoned": changes.get(ProposalStatus.ABANDONED, 0),
        **dict(zip(("done", "dropped", "late", "open"), commitments, strict=True)),
    }


@kept_for_values
def _changes(theme_id: int | None, period: Period, events: EventFilter):
    """How many proposals were put in hand, done or abandoned in the period, by status
    moved to: over all time from the tallies (a select to group)."""
    moved_to = [*_IN_HAND, ProposalStatus.ABANDONED]
    if period == ALL_TIME:
        tally = StatusChangeTally
        return (
            sa.select(tally.to_status, sa.func.sum(tally.changes))
            .where(tally.to_status.in_(moved_to), *_under(tally, theme_id, events))
            .group_by(tally.to_status)
        )
    return (
        sa.select(StatusChange.to_status, sa.func.count(StatusChange.id))
        .where(
            StatusChange.to_status.in_(moved_to),
            *period.moments(StatusChange.created_at),
            *on_copies(StatusChange, theme_id, events),
        )
        .group_by(StatusChange.to_status)
    )


def _under(tally, theme_id: int | None, events: EventFilter) -> list:
    """Clauses keeping a tally's rows of one workshop, event or year (never an example's
    among real ones)."""
    return counted_under(tally.theme_id, tally.event_id, tally.example, theme_id, events)


@kept_for_values
def _commitment_counts(theme_id: int | None, period: Period, today: date, events: EventFilter):
    """How many commitments were done and dropped in the period, are late (due in the
    period) and still open: over all time from the tallies, over a period counted (a
    select of one row)."""
    late = late_commitments(theme_id, today, events, period, by_institutions=None)
    if period == ALL_TIME:
        return sa.select(
            commitments_in(theme_id, events, [CommitmentState.DONE], by_institutions=None),
            commitments_in(theme_id, events, [CommitmentState.DROPPED], by_institutions=None),
            late,
            commitments_in(theme_id, events, OPEN_COMMITMENT_STATES, by_institutions=None),
        )
    is_open = Commitment.state.in_(OPEN_COMMITMENT_STATES)
    closed_in_period = period.moments(Commitment.updated_at)
    return sa.select(
        _count_if(sa.and_(Commitment.state == CommitmentState.DONE, *closed_in_period)),
        _count_if(sa.and_(Commitment.state == CommitmentState.DROPPED, *closed_in_period)),
        late,
        _count_if(is_open),
    ).where(*_commitments_of_workshop(theme_id, events))


def advances(
    theme: Theme | None, period: Period, totals: dict, events: EventFilter = ANY_EVENT
) -> dict:
    """I. What moved forward in the period, the latest first: favourable responses,
    proposals put in hand or done, commitments kept (three queries)."""
    theme_id = theme and theme.id
    favourable = totals["positions"][Position.FAVOURABLE]
    in_hand = _status_changes_shown(theme_id, period, _IN_HAND, events)
    done = _closed_commitments(CommitmentState.DONE, theme_id, period, events)
    return {
        "favourable": excerpt(
            _responses_shown(theme_id, period, Position.FAVOURABLE, events), favourable
        ),
        "status_changes": excerpt(in_hand, totals["in_hand"]),
        "commitments_done": excerpt(done, totals["done"]),
    }


def obstacles(
    theme: Theme | None,
    period: Period,
    today: date,
    totals: dict,
    events: EventFilter = ANY_EVENT,
) -> dict:
    """II. What held things back in the period: unfavourable responses and abandoned
    proposals (the latest first), responses awaited after their due date, dropped commitments
    and late ones (the most overdue first) (six queries). Lateness is as of today, for due
    dates inside the period."""
    theme_id = theme and theme.id
    unfavourable = _responses_shown(theme_id, period, Position.UNFAVOURABLE, events)
    abandoned = _status_changes_shown(theme_id, period, _ABANDONED, events)
    dropped = _closed_commitments(CommitmentState.DROPPED, theme_id, period, events)
    late = _late_commitments(theme_id, period, today, events)
    return {
        "unfavourable": excerpt(unfavourable, totals["positions"][Position.UNFAVOURABLE]),
        "overdue": _overdue(theme_id, period, today, events),
        "abandoned": excerpt(abandoned, totals["abandoned"]),
        "commitments_dropped": excerpt(dropped, totals["dropped"]),
        "commitments_overdue": excerpt(late, totals["late"]),
    }


def workshop_summary(
    theme: Theme | None,
    period: Period = ALL_TIME,
    themes: list[Theme] | None = None,
    events: EventFilter = ANY_EVENT,
) -> list[dict]:
    """III, in short: per workshop (the one asked for, or ``themes``, all of them), the
    proposals filed in the period by status, and how many have had an official response
    or none (one query: over all time from the tallies)."""
    counts: dict[int, dict] = defaultdict(lambda: dict.fromkeys(ProposalStatus, 0))
    answered_counts: dict[int, int] = defaultdict(int)
    if period == ALL_TIME:
        rows = db.session.execute(_tallied_by_status(theme and theme.id, events))
    else:
        rows = db.session.execute(_counted_by_status(theme and theme.id, period, events))
    for theme_id, status, n, n_answered in rows:
        counts[theme_id][ProposalStatus(status)] = n
        answered_counts[theme_id] += n_answered
    summary = []
    for workshop in [theme] if theme is not None else themes or []:
        total = sum(counts[workshop.id].values())
        answered_here = answered_counts[workshop.id]
        summary.append(
            {
                "theme": workshop,
                "counts": counts[workshop.id],
                "total": total,
                "answered": answered_here,
                "unanswered": total - answered_here,
            }
        )
    return summary


@kept_for_values
def _counted_by_status(theme_id: int | None, period: Period, events: EventFilter):
    """Proposals filed in the period per workshop and status, and those answered."""
    answered = sa.select(OfficialResponse.proposal_id).distinct().subquery()
    return (
        sa.select(
            Proposal.theme_id,
            Proposal.status,
            sa.func.count(Proposal.id),
            sa.func.count(answered.c.proposal_id),
        )
        .outerjoin(answered, answered.c.proposal_id == Proposal.id)
        .where(*period.moments(Proposal.created_at), *_scope(theme_id, None, None, events))
        .group_by(Proposal.theme_id, Proposal.status)
    )


def proposal_tallies(theme_id: int | None, events: EventFilter = ANY_EVENT) -> list:
    """Clauses keeping the proposals' tallies of one workshop, event or year (never an
    example's among real ones)."""
    return _under(ProposalTally, theme_id, events)


@kept_for_values
def _tallied_by_status(theme_id: int | None, events: EventFilter):
    """The same over all time, from the tallies."""
    tally = ProposalTally
    return (
        sa.select(
            tally.theme_id, tally.status, sa.func.sum(tally.proposals), sa.func.sum(tally.answered)
        )
        .where(*proposal_tallies(theme_id, events))
        .group_by(tally.theme_id, tally.status)
    )


def status_counts(summary: list[dict]) -> dict[ProposalStatus, int]:
    """How many proposals of these workshops (from ``workshop_summary``) are in each status."""
    counts = dict.fromkeys(ProposalStatus, 0)
    for row in summary:
        for status, n in row["counts"].items():
            counts[status] += n
    return counts


@kept_for_values
def _latest_proposals(theme_id: int, period: Period, events: EventFilter):
    return first_rows(
        sa.select(Proposal),
        Proposal,
        [*_scope(theme_id, None, None, events), *period.moments(Proposal.created_at)],
        (Proposal.created_at.desc(), Proposal.id.desc()),
        PROPOSAL_LIMIT,
    )


def _pair_state(proposal: Proposal, sent_at, due_on, position, today: date) -> str:
    if position is not None:
        return "answered"
    if proposal.status is ProposalStatus.ABANDONED:
        return "closed"
    if sent_at is None:
        return "not_sent"
    return "overdue" if due_on is not None and due_on < today else "awaiting"


def workshop_proposals(
    theme: Theme, period: Period, today: date, total: int, events: EventFilter = ANY_EVENT
) -> Excerpt:
    """III, in full for one workshop: its latest proposals filed in the period (``total``
    in all, as ``workshop_summary`` counts them), each with every institution's position:
    addressed ones, answered or not, then those that answered unasked (three queries)."""
    latest = excerpt(_latest_proposals(theme.id, period, events), total)
    entries = {p.id: {"proposal": p, "institutions": []} for p in latest.items}
    shown = Proposal.id.in_(list(entries))
    addressed = db.session.execute(
        _addressed(
            AddressedInstitution.proposal_id,
            AddressedInstitution.sent_at,
            AddressedInstitution.response_due_on,
            Organisation,
            OfficialResponse.position,
        )
        .join(Organisation, Organisation.id == AddressedInstitution.institution_id)
        .where(shown)
        .order_by(Organisation.name)
    )
    for proposal_id, sent_at, due_on, org, position in addressed:
        entry = entries[proposal_id]
        state = _pair_state(entry["proposal"], sent_at, due_on, position, today)
        entry["institutions"].append({"institution": org, "position": position, "state": state})
    unasked = db.session.execute(
        sa.select(OfficialResponse.proposal_id, Organisation, OfficialResponse.position)
        .join(Proposal, Proposal.id == OfficialResponse.proposal_id)
        .join(Organisation, Organisation.id == OfficialResponse.institution_id)
        .where(shown, ~sa.exists().where(_answer()))
        .order_by(Organisation.name)
    )
    for proposal_id, org, position in unasked:
        entries[proposal_id]["institutions"].append(
            {"institution": org, "position": position, "state": "answered"}
        )
    return Excerpt(list(entries.values()), latest.total)


def position_counts(
    theme: Theme | None = None, period: Period = ALL_TIME, events: EventFilter = ANY_EVENT
) -> dict[Position, int]:
    """How many institutions' official responses of the period took each position (one
    query)."""
    counts = dict.fromkeys(INSTITUTION_POSITIONS, 0)
    rows = db.session.execute(_by_position(theme and theme.id, period, events))
    for position, n in rows:
        counts[Position(position)] = n
    return counts


@kept_for_values
def _by_position(theme_id: int | None, period: Period, events: EventFilter):
    """Institutions' responses of the period by position: over all time from the tallies
    (a select to group)."""
    if period == ALL_TIME:
        tally = ResponseTally
        return (
            sa.select(tally.position, sa.func.sum(tally.responses))
            .where(tally.by_institution == sa.true(), *_under(tally, theme_id, events))
            .group_by(tally.position)
        )
    return (
        sa.select(OfficialResponse.position, sa.func.count(OfficialResponse.id))
        .where(
            OfficialResponse.by_institution == sa.true(),
            *period.moments(OfficialResponse.created_at),
            *on_copies(OfficialResponse, theme_id, events),
        )
        .group_by(OfficialResponse.position)
    )


def next_steps(
    theme: Theme | None, today: date, totals: dict, events: EventFilter = ANY_EVENT
) -> dict:
    """IV. What comes next: the coming meetings and the open commitments, those still to
    come first, the soonest due first; the late ones after them, as section II lists them
    already (two queries)."""
    meetings: list[Meeting] = (
        upcoming_meetings_for(theme) if theme is not None else upcoming_meetings()
    )
    return {
        "meetings": meetings,
        "commitments": excerpt(
            _coming_then_late(theme and theme.id, events, today), totals["open"]
        ),
    }


# The voices: who spoke on the proposals, and the testimonies a moderator put forward.

# Quotes in the synthesis: a few, for a phone or a printed page.
FEATURED_LIMIT = 6


@dataclass(frozen=True)
class VoiceCounts:
    """Published testimonies by kind of voice, and published comments. Each testimony is
    of one kind: recorded by an association (assisted), else without an account (guest),
    else an account shown as anonymous or under its pseudonym."""

    guest: int = 0
    anonymous: int = 0
    assisted: int = 0
    account: int = 0
    comments: int = 0

    @property
    def testimonies(self) -> int:
        return self.guest + self.anonymous + self.assisted + self.account

    @property
    def total(self) -> int:
        return self.testimonies + self.comments

    def __add__(self, other: "VoiceCounts") -> "VoiceCounts":
        return VoiceCounts(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


@dataclass(frozen=True)
class VoiceRow:
    """One workshop's or one proposal's voices (``slug``: a workshop's; ``example``: an
    invented proposal's; ``item``: the workshop or the proposal, whose name a page shows in
    the reader's language)."""

    id: int
    name: str
    counts: VoiceCounts
    slug: str | None = None
    example: bool = False
    item: Theme | Proposal | None = None


@dataclass(frozen=True)
class Voices:
    """Per workshop, and for one workshop or event its proposals (the most voiced first,
    ``PROPOSAL_LIMIT`` at most; None otherwise), with the totals of the workshops shown."""

    workshops: list[VoiceRow]
    proposals: Excerpt | None
    totals: VoiceCounts


def voice_kinds() -> tuple:
    """Each kind of voice of a VoiceCounts, in its order, as a condition on a contribution
    (one anyone may read and not withdrawn: the caller says so). Also what the proposals'
    counters count (app/ops/tallies.py recounts them)."""
    c = Contribution
    testimony = c.kind == ContributionKind.TESTIMONY
    unassisted = c.recorded_for_id.is_(None)
    by_account = sa.and_(testimony, unassisted, c.author_id.is_not(None))
    return (
        sa.and_(testimony, unassisted, c.author_id.is_(None)),
        sa.and_(by_account, c.display_mode == DisplayMode.ANONYMOUS),
        sa.and_(testimony, c.recorded_for_id.is_not(None)),
        sa.and_(by_account, c.display_mode == DisplayMode.PSEUDONYM),
        c.kind == ContributionKind.COMMENT,
    )


def _voice_counts():
    """The columns of a VoiceCounts, counted over the contributions joined by ``_voiced``."""
    return tuple(_count_if(kind) for kind in voice_kinds())


def _voiced(period: Period):
    """Join condition: a proposal's testimonies and comments anyone may read, not withdrawn,
    written in the period (replies are part of a conversation, not counted)."""
    return sa.and_(
        Contribution.proposal_id == Proposal.id,
        Contribution.kind.in_((ContributionKind.TESTIMONY, ContributionKind.COMMENT)),
        visible_to_public(),
        Contribution.withdrawn_at.is_(None),
        *period.moments(Contribution.created_at),
    )


def _proposal_scope(theme_id: int | None, events: EventFilter) -> list:
    clauses = events.counted_clauses()
    if theme_id is not None:
        clauses.append(Proposal.theme_id == theme_id)
    return clauses


def voices(
    period: Period = ALL_TIME,
    theme_id: int | None = None,
    events: EventFilter = ANY_EVENT,
):
    """Who spoke in the period: per workshop having proposals (of the events' filter, when
    given), published testimonies by kind of voice and published comments; then per
    proposal someone spoke on, the most voices first (two queries).
    Example proposals count only under an example event's filter.

    Over all time the proposals' counters are added up (``Proposal.voices_*``, kept by
    triggers); over a period the contributions of the period are counted."""
    workshops = [
        VoiceRow(
            id=theme.id, name=theme.name, slug=theme.slug, counts=VoiceCounts(*numbers), item=theme
        )
        for theme, *numbers in db.session.execute(_voices_by_workshop(period, theme_id, events))
    ]
    totals = sum((row.counts for row in workshops), VoiceCounts())
    rows = db.session.execute(_most_voiced(period, theme_id, events)).all()
    proposals = Excerpt(
        [
            VoiceRow(
                id=proposal.id,
                name=proposal.title,
                example=proposal.example,
                counts=VoiceCounts(*numbers),
                item=proposal,
            )
            for proposal, *numbers, _total in rows
        ],
        rows[0][-1] if rows else 0,
    )
    return Voices(workshops, proposals, totals)


@kept_for_values
def _voices_by_workshop(period: Period, theme_id: int | None, events: EventFilter):
    """Each workshop having proposals, with their voices in the period (a select)."""
    if period == ALL_TIME:
        per_workshop = _tallied_voices(theme_id, events)
    else:
        per_workshop = (
            _with_voices(period, Theme, *_voice_counts())
            .join(Theme, Proposal.theme_id == Theme.id)
            .where(*_proposal_scope(theme_id, events))
        )
    # Grouped by a primary key: the other columns follow from it.
    return per_workshop.group_by(Theme.id).order_by(Theme.position, Theme.name)


@kept_for_values
def _most_voiced(period: Period, theme_id: int | None, events: EventFilter):
    """The proposals someone spoke on in the period, the most voices first, each row ending
    with how many they are (a select)."""
    scope = _proposal_scope(theme_id, events)
    if period == ALL_TIME:
        return _most_voiced_of_all_time(scope, theme_id, events)
    return _most_voiced_in(period, scope, _voice_counts())


def _tallied_voices(theme_id: int | None, events: EventFilter):
    """Each workshop having proposals, with their voices added up, from the tallies (to
    group by workshop)."""
    tally = ProposalTally
    voices = (
        tally.voices_guest,
        tally.voices_anonymous,
        tally.voices_assisted,
        tally.voices_account,
        tally.voices_comments,
    )
    return (
        sa.select(Theme, *(_added(column) for column in voices))
        .select_from(tally)
        .join(Theme, tally.theme_id == Theme.id)
        .where(*proposal_tallies(theme_id, events))
        .having(sa.func.sum(tally.proposals) > 0)  # its proposals all gone: no row
    )


def _most_voiced_of_all_time(scope: list, theme_id: int | None, events):
    """The proposals someone spoke on, the most voices first, and how many they are (a
    select). The first few are picked from the voices' index alone, then joined to their
    rows: sorting the proposals themselves read every one (105 → 63 ms at 100,000
    proposals, SQLite)."""
    counts = voice_counters()
    spoke = sum(counts[1:], counts[0])
    top = (
        sa.select(Proposal.id, spoke.label("spoke"))
        .where(*scope, spoke > 0)  # a row of zeros tells nothing
        .order_by(spoke.desc(), Proposal.id.desc())
        .limit(PROPOSAL_LIMIT)
        .subquery("most_voiced")
    )
    # From the tallies: how many proposals someone spoke on.
    total = sa.select(_added(ProposalTally.spoke)).where(*proposal_tallies(theme_id, events))
    return (
        sa.select(Proposal, *counts, total.scalar_subquery())
        .join(top, top.c.id == Proposal.id)
        .options(load_only(Proposal.title, Proposal.example))
        .order_by(top.c.spoke.desc(), Proposal.id.desc())
    )


def _most_voiced_in(period: Period, scope: list, counts: tuple):
    """The proposals someone spoke on in the period, the most voices first, and how many
    they are (a select: their contributions of the period counted)."""
    spoke = sa.func.count(Contribution.id)
    return (
        _with_voices(period, Proposal, *counts, sa.func.count().over())
        .where(*scope)
        .group_by(Proposal.id, Proposal.title, Proposal.example)
        .having(spoke > 0)  # a row of zeros tells nothing
        .options(load_only(Proposal.title, Proposal.example))
        .order_by(spoke.desc(), Proposal.id.desc())
        .limit(PROPOSAL_LIMIT)
    )


def voice_counters() -> tuple:
    """The columns of a VoiceCounts: a proposal's counters of all time."""
    return (
        Proposal.voices_guest,
        Proposal.voices_anonymous,
        Proposal.voices_assisted,
        Proposal.voices_account,
        Proposal.voices_comments,
    )


def _added(counter):
    return sa.func.coalesce(sa.func.sum(counter), 0)


def _with_voices(period: Period, *columns):
    """The proposals, with their contributions of the period (all time is read from the
    proposals' tallies and counters instead)."""
    return sa.select(*columns).select_from(Proposal).outerjoin(Contribution, _voiced(period))


def featured_testimonies(
    theme_id: int | None = None,
    limit: int = FEATURED_LIMIT,
    events: EventFilter = ANY_EVENT,
) -> list[Contribution]:
    """The testimonies moderators put forward, still published and not withdrawn, the
    latest put forward first, with their proposal and what their author is shown as
    (one query)."""
    return list(db.session.scalars(_featured(theme_id, limit, events)))


@kept_for_values
def _featured(theme_id: int | None, limit: int, events: EventFilter):
    """The first few chosen on the contributions alone, then joined: joined first, every
    testimony ever put forward was joined to its proposal and author before the first few
    were kept (1.0 → 0.6 ms at 1,000,000 contributions, PostgreSQL)."""
    where = [
        Contribution.featured_at.is_not(None),
        Contribution.kind == ContributionKind.TESTIMONY,
        # The featured-date index, not the state's: SQLite otherwise walked every
        # published contribution (2 s at 1,000,000).
        visible_to_public(state=_unindexed(Contribution.state)),
        Contribution.withdrawn_at.is_(None),
        # By proposal id, not on the joined proposal: SQLite otherwise read every
        # proposal first, to filter the join (35 ms at 100,000, now 0.1 ms). And
        # unindexed: for one workshop it read every contribution of the workshop's
        # proposals, then sorted them (100 → 4 ms at 100,000 proposals).
        *of_counted_proposals(_unindexed(Contribution.proposal_id), theme_id, events),
    ]
    return first_rows(
        sa.select(Contribution)
        .join(Contribution.proposal)
        .options(
            contains_eager(Contribution.proposal).load_only(*SHOWN_PROPOSAL),
            joinedload(Contribution.author),
            joinedload(Contribution.recorded_for),
            selectinload(Contribution.audio),
        ),
        Contribution,
        where,
        (Contribution.featured_at.desc(), Contribution.id.desc()),
        limit,
    )


MOST_CONCERNED_SHOWN = 5


def most_concerned(theme_id: int | None = None, events: EventFilter = ANY_EVENT) -> list:
    """The proposals that concern the most people (people with an account and people met
    by associations, whenever they said so), the first few (one query, the count's index)."""
    return list(db.session.scalars(_most_concerned(theme_id, events)))


@kept_for_values
def _most_concerned(theme_id: int | None, events: EventFilter):
    return (
        sa.select(Proposal)
        .options(load_only(Proposal.title, Proposal.example, Proposal.concerned_count))
        .where(Proposal.concerned_count > 0, *_proposal_scope(theme_id, events))
        .order_by(Proposal.concerned_count.desc(), Proposal.id.desc())
        .limit(MOST_CONCERNED_SHOWN)
    )
