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

from app import queries
from app.extensions import db
from app.models import (
    OPEN_COMMITMENT_STATES,
    AddressedInstitution,
    Commitment,
    OfficialResponse,
    Organisation,
    Proposal,
    ProposalStatus,
    Theme,
    paris_today,
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
