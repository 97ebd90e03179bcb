"""Accountability: who was asked what, who answered, who is late (read-only, no commit).

Every function here is a pure read with a fixed number of SQL queries whatever the data size;
counts are aggregated in SQL, grouped by institution or workshop. The words mean:

- *addressed*: the proposal is addressed to the institution;
- *answered*: the institution has published an official response on that proposal;
- *awaiting*: sent to the institution (``sent_at`` set), not answered, and not abandoned;
- *overdue*: awaiting, and the response was due before today;
- a commitment is *due* when open and due today or later, *overdue* when open and due before.

Days are calendar days in Europe/Paris, where the network is; timestamps are naive UTC.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from app import queries
from app.extensions import db
from app.models import (
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
    StatusChange,
    Theme,
)

PARIS = ZoneInfo("Europe/Paris")
ACCOUNTABILITY_KEYS = (
    "addressed",
    "answered",
    "awaiting",
    "overdue",
    "median_days_to_answer",
    "commitments_due",
    "commitments_overdue",
)


def paris_today() -> date:
    """Today's date in Metz."""
    return datetime.now(PARIS).date()


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
    """Meant inside a select of addressed rows outer-joined to their answer."""
    return sa.and_(
        AddressedInstitution.sent_at.is_not(None),
        OfficialResponse.id.is_(None),
        Proposal.status != ProposalStatus.ABANDONED,
    )


def _addressed(*columns):
    """Addressed rows with their proposal and, when there is one, the answer."""
    return (
        sa.select(*columns)
        .select_from(AddressedInstitution)
        .join(Proposal, Proposal.id == AddressedInstitution.proposal_id)
        .outerjoin(OfficialResponse, _answer())
    )


def _scope(theme_id: int | None, institution_id: int | None, institution_column) -> list:
    clauses = []
    if theme_id is not None:
        clauses.append(Proposal.theme_id == theme_id)
    if institution_id is not None:
        clauses.append(institution_column == institution_id)
    return clauses


def _count_if(condition):
    return sa.func.count(sa.case((condition, 1)))


def _blank() -> dict:
    row = dict.fromkeys(ACCOUNTABILITY_KEYS, 0)
    row.update(median_days_to_answer=None, longest_wait_days=None)
    return row


def _answer_counts(figures: dict, scope: list, today: date) -> None:
    awaiting = _awaiting()
    rows = db.session.execute(
        _addressed(
            AddressedInstitution.institution_id,
            sa.func.count(AddressedInstitution.id),
            sa.func.count(OfficialResponse.id),
            _count_if(awaiting),
            _count_if(sa.and_(awaiting, AddressedInstitution.response_due_on < today)),
            sa.func.min(sa.case((awaiting, AddressedInstitution.sent_at))),
        )
        .where(*scope)
        .group_by(AddressedInstitution.institution_id)
    )
    for org_id, addressed, answered, waiting, overdue, oldest in rows:
        figures[org_id].update(
            addressed=addressed,
            answered=answered,
            awaiting=waiting,
            overdue=overdue,
            longest_wait_days=(today - paris_date(oldest)).days if oldest else None,
        )


def _median_delays(figures: dict, scope: list) -> None:
    """The median in Python, from the rows of one query: it is not portable SQL."""
    delays: dict[int, list[int]] = defaultdict(list)
    rows = db.session.execute(
        _addressed(
            AddressedInstitution.institution_id,
            AddressedInstitution.sent_at,
            OfficialResponse.created_at,
        ).where(OfficialResponse.id.is_not(None), AddressedInstitution.sent_at.is_not(None), *scope)
    )
    for org_id, sent_at, answered_at in rows:
        # An answer recorded before the formal sending counts as immediate.
        delays[org_id].append(max(0, (paris_date(answered_at) - paris_date(sent_at)).days))
    for org_id, days in delays.items():
        figures[org_id]["median_days_to_answer"] = float(statistics.median(days))


def _commitment_counts(figures: dict, scope: list, today: date) -> None:
    is_open = Commitment.state.in_(OPEN_COMMITMENT_STATES)
    rows = db.session.execute(
        sa.select(
            OfficialResponse.institution_id,
            _count_if(sa.and_(is_open, Commitment.due_on >= today)),
            _count_if(sa.and_(is_open, Commitment.due_on < today)),
        )
        .select_from(Commitment)
        .join(OfficialResponse, OfficialResponse.id == Commitment.response_id)
        .join(Proposal, Proposal.id == OfficialResponse.proposal_id)
        .where(*scope)
        .group_by(OfficialResponse.institution_id)
    )
    for org_id, due, overdue in rows:
        figures[org_id].update(commitments_due=due, commitments_overdue=overdue)


def _figures(theme_id: int | None, institution_id: int | None, today: date) -> dict[int, dict]:
    """Each institution's figures, keyed by its id (three queries)."""
    figures: dict[int, dict] = defaultdict(_blank)
    _answer_counts(
        figures, _scope(theme_id, institution_id, AddressedInstitution.institution_id), today
    )
    _median_delays(figures, _scope(theme_id, institution_id, AddressedInstitution.institution_id))
    _commitment_counts(
        figures, _scope(theme_id, institution_id, OfficialResponse.institution_id), today
    )
    return figures


def institution_rows(
    theme: Theme | None = None, institution: Organisation | None = None, today: date | None = None
) -> list[dict]:
    """One row per institution (or the one asked for): its figures, by name (four queries)."""
    today = today or paris_today()
    figures = _figures(theme and theme.id, institution and institution.id, today)
    organisations = [institution] if institution is not None else queries.institutions()
    return [{**figures[org.id], "institution": org} for org in organisations]


def institution_accountability(institution_id: int, today: date | None = None) -> dict:
    """One institution's figures under the keys of ``ACCOUNTABILITY_KEYS`` (three queries).

    An id with nothing addressed (or unknown) gets zeros: checking it is the caller's job.
    """
    row = _figures(None, institution_id, today or paris_today())[institution_id]
    return {key: row[key] for key in ACCOUNTABILITY_KEYS}


def workshop_rows(
    theme: Theme | None = None, institution: Organisation | None = None
) -> list[dict]:
    """One row per workshop (or the one asked for): its proposals by status (two queries).

    With an institution, only the proposals addressed to it are counted.
    """
    clauses = _scope(theme and theme.id, None, None)
    if institution is not None:
        clauses.append(
            Proposal.id.in_(
                sa.select(AddressedInstitution.proposal_id).where(
                    AddressedInstitution.institution_id == institution.id
                )
            )
        )
    counts: dict[int, dict] = defaultdict(lambda: dict.fromkeys(ProposalStatus, 0))
    rows = db.session.execute(
        sa.select(Proposal.theme_id, Proposal.status, sa.func.count(Proposal.id))
        .where(*clauses)
        .group_by(Proposal.theme_id, Proposal.status)
    )
    for theme_id, status, n in rows:
        counts[theme_id][ProposalStatus(status)] = n
    themes = [theme] if theme is not None else [t for t, _n in queries.themes_with_counts()]
    return [
        {"theme": t, "counts": counts[t.id], "total": sum(counts[t.id].values())} for t in themes
    ]


def overdue_items(
    theme: Theme | None = None,
    institution: Organisation | None = None,
    today: date | None = None,
    due: Period = Period(),
) -> list[dict]:
    """Awaited responses past their due date, the latest first (one query).

    ``due`` keeps those whose due date falls in a period (for the synthesis).
    """
    today = today or paris_today()
    rows = db.session.execute(
        _addressed(AddressedInstitution, Proposal, Organisation)
        .join(Organisation, Organisation.id == AddressedInstitution.institution_id)
        .where(
            _awaiting(),
            AddressedInstitution.response_due_on < today,
            *due.days(AddressedInstitution.response_due_on),
            *_scope(theme and theme.id, institution and institution.id, Organisation.id),
        )
        .order_by(AddressedInstitution.response_due_on, Proposal.id, Organisation.name)
    )
    return [
        {
            "proposal": proposal,
            "institution": org,
            "sent_on": paris_date(item.sent_at),
            "due_on": item.response_due_on,
            "days_waiting": (today - paris_date(item.sent_at)).days,
            "days_overdue": (today - item.response_due_on).days,
        }
        for item, proposal, org in rows
    ]


# The synthesis (bilan): the network's review, in the structure of the 2015 one.


def _responses(theme: Theme | None, period: Period, positions) -> list[OfficialResponse]:
    return list(
        db.session.scalars(
            sa.select(OfficialResponse)
            .join(OfficialResponse.proposal)
            .where(
                OfficialResponse.position.in_(positions),
                *period.moments(OfficialResponse.created_at),
                *_scope(theme and theme.id, None, None),
            )
            .options(
                contains_eager(OfficialResponse.proposal), joinedload(OfficialResponse.institution)
            )
            .order_by(OfficialResponse.created_at, OfficialResponse.id)
        )
    )


def _status_changes(theme: Theme | None, period: Period, statuses) -> list[StatusChange]:
    return list(
        db.session.scalars(
            sa.select(StatusChange)
            .join(StatusChange.proposal)
            .where(
                StatusChange.to_status.in_(statuses),
                *period.moments(StatusChange.created_at),
                *_scope(theme and theme.id, None, None),
            )
            .options(contains_eager(StatusChange.proposal))
            .order_by(StatusChange.created_at, StatusChange.id)
        )
    )


def _commitments(theme: Theme | None, *where) -> list[Commitment]:
    return list(
        db.session.scalars(
            sa.select(Commitment)
            .join(Commitment.response)
            .join(OfficialResponse.proposal)
            .where(*where, *_scope(theme and theme.id, None, None))
            .options(
                contains_eager(Commitment.response).contains_eager(OfficialResponse.proposal),
                contains_eager(Commitment.response).joinedload(OfficialResponse.institution),
            )
            .order_by(Commitment.due_on, Commitment.id)
        )
    )


def advances(theme: Theme | None = None, period: Period = Period()) -> dict:
    """I. What moved forward in the period: favourable responses, proposals put in hand or
    done, commitments kept (three queries). A commitment's last change dates its completion."""
    return {
        "favourable": _responses(theme, period, [Position.FAVOURABLE]),
        "status_changes": _status_changes(
            theme, period, [ProposalStatus.IN_PROGRESS, ProposalStatus.DONE]
        ),
        "commitments_done": _commitments(
            theme,
            Commitment.state == CommitmentState.DONE,
            *period.moments(Commitment.updated_at),
        ),
    }


def obstacles(
    theme: Theme | None = None, period: Period = Period(), today: date | None = None
) -> dict:
    """II. What held things back in the period: unfavourable responses, responses still
    awaited after their due date, abandoned proposals, dropped or late commitments (five
    queries). Lateness is as of today, for due dates inside the period."""
    today = today or paris_today()
    return {
        "unfavourable": _responses(theme, period, [Position.UNFAVOURABLE]),
        "overdue": overdue_items(theme, None, today, due=period),
        "abandoned": _status_changes(theme, period, [ProposalStatus.ABANDONED]),
        "commitments_dropped": _commitments(
            theme,
            Commitment.state == CommitmentState.DROPPED,
            *period.moments(Commitment.updated_at),
        ),
        "commitments_overdue": _commitments(
            theme,
            Commitment.state.in_(OPEN_COMMITMENT_STATES),
            Commitment.due_on < today,
            *period.days(Commitment.due_on),
        ),
    }


def _pair_state(proposal: Proposal, sent_at, due_on, position, today: date) -> str:
    if position is not None:
        return "answered"
    if proposal.status is ProposalStatus.ABANDONED:
        return "closed"
    if sent_at is None:
        return "not_sent"
    return "overdue" if due_on is not None and due_on < today else "awaiting"


def proposals_by_workshop(
    theme: Theme | None = None, period: Period = Period(), today: date | None = None
) -> list[dict]:
    """III. The proposals filed in the period, by workshop, each with every institution's
    position: addressed ones, answered or not, then those that answered unasked (three
    queries)."""
    today = today or paris_today()
    scope = [*_scope(theme and theme.id, None, None), *period.moments(Proposal.created_at)]
    proposals = db.session.scalars(
        sa.select(Proposal)
        .join(Proposal.theme)
        .where(*scope)
        .options(contains_eager(Proposal.theme))
        .order_by(Theme.position, Theme.name, Proposal.created_at, Proposal.id)
    ).all()
    entries = {p.id: {"proposal": p, "institutions": []} for p in proposals}
    addressed = db.session.execute(
        _addressed(
            AddressedInstitution.proposal_id,
            AddressedInstitution.sent_at,
            AddressedInstitution.response_due_on,
            Organisation,
            OfficialResponse.position,
        )
        .join(Organisation, Organisation.id == AddressedInstitution.institution_id)
        .where(*scope)
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
        .where(*scope, ~sa.exists().where(_answer()))
        .order_by(Organisation.name)
    )
    for proposal_id, org, position in unasked:
        entries[proposal_id]["institutions"].append(
            {"institution": org, "position": position, "state": "answered"}
        )
    groups: list[dict] = []
    for entry in entries.values():
        if not groups or groups[-1]["theme"].id != entry["proposal"].theme_id:
            groups.append({"theme": entry["proposal"].theme, "proposals": []})
        groups[-1]["proposals"].append(entry)
    return groups


def status_counts(groups: list[dict]) -> dict[ProposalStatus, int]:
    """How many of these proposals (as grouped by ``proposals_by_workshop``) are in each status."""
    counts = dict.fromkeys(ProposalStatus, 0)
    for group in groups:
        for entry in group["proposals"]:
            counts[entry["proposal"].status] += 1
    return counts


def position_counts(theme: Theme | None = None, period: Period = Period()) -> dict[Position, int]:
    """How many official responses of the period took each position (one query)."""
    counts = dict.fromkeys(Position, 0)
    rows = db.session.execute(
        sa.select(OfficialResponse.position, sa.func.count(OfficialResponse.id))
        .join(Proposal, Proposal.id == OfficialResponse.proposal_id)
        .where(
            *period.moments(OfficialResponse.created_at), *_scope(theme and theme.id, None, None)
        )
        .group_by(OfficialResponse.position)
    )
    for position, n in rows:
        counts[Position(position)] = n
    return counts


def next_steps(theme: Theme | None = None) -> dict:
    """IV. What comes next: the coming meetings and the open commitments (two queries)."""
    meetings: list[Meeting] = (
        queries.upcoming_meetings_for(theme) if theme is not None else queries.upcoming_meetings()
    )
    return {
        "meetings": meetings,
        "commitments": _commitments(theme, Commitment.state.in_(OPEN_COMMITMENT_STATES)),
    }
