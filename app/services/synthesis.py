"""The synthesis (bilan) of a workshop or of the whole network over a period, in the
structure of the network's own 2015 review: advances, obstacles, proposals, next steps."""

from datetime import date

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
from app.services import accountability
from app.services.accountability import (
    Period,
    _addressed,
    _answer,
    _scope,
    overdue_items,
)

ALL_TIME = Period()


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


def advances(theme: Theme | None = None, period: Period = ALL_TIME) -> dict:
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
    theme: Theme | None = None, period: Period = ALL_TIME, today: date | None = None
) -> dict:
    """II. What held things back in the period: unfavourable responses, responses still
    awaited after their due date, abandoned proposals, dropped or late commitments (five
    queries). Lateness is as of today, for due dates inside the period."""
    today = today or accountability.paris_today()
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
    theme: Theme | None = None, period: Period = ALL_TIME, today: date | None = None
) -> list[dict]:
    """III. The proposals filed in the period, by workshop, each with every institution's
    position: addressed ones, answered or not, then those that answered unasked (three
    queries)."""
    today = today or accountability.paris_today()
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


def position_counts(theme: Theme | None = None, period: Period = ALL_TIME) -> dict[Position, int]:
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
