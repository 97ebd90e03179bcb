"""What reaching institutions reads: the answers still awaited (for reminders and the weekly
digest), their commitments coming due, the replies under their responses, and which
reminders were already sent.

An answer is *awaited* as the board says (app/queries/board.py): sent to the organisation,
not answered by it, the proposal not abandoned. Example proposals and organisations (the
demonstration's) never reach anyone. Each function runs a fixed number of queries.
"""

from collections import defaultdict
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.models import (
    OPEN_COMMITMENT_STATES,
    AddressedInstitution,
    Commitment,
    Contribution,
    ContributionKind,
    InstitutionReminder,
    Notification,
    NotificationKind,
    OfficialResponse,
    Organisation,
    Proposal,
    ProposalStatus,
)
from app.queries.contributions import published_since, visible_to_public


def _answered():
    return sa.exists().where(
        OfficialResponse.proposal_id == AddressedInstitution.proposal_id,
        OfficialResponse.institution_id == AddressedInstitution.institution_id,
    )


def _awaited():
    """Clauses on an AddressedInstitution joined to its Proposal and Organisation."""
    return (
        AddressedInstitution.sent_at.is_not(None),
        Proposal.status != ProposalStatus.ABANDONED,
        Proposal.example.is_(False),
        Organisation.example.is_(False),
        ~_answered(),
    )


def _awaited_items():
    return (
        sa.select(AddressedInstitution)
        .join(Proposal, Proposal.id == AddressedInstitution.proposal_id)
        .join(Organisation, Organisation.id == AddressedInstitution.institution_id)
        .options(
            contains_eager(AddressedInstitution.proposal),
            contains_eager(AddressedInstitution.institution),
        )
        .where(*_awaited())
    )


def published_testimonies(proposal_id: int) -> int:
    """How many testimonies anyone may read on this proposal."""
    return db.session.scalar(
        sa.select(sa.func.count(Contribution.id)).where(
            Contribution.proposal_id == proposal_id,
            Contribution.kind == ContributionKind.TESTIMONY,
            visible_to_public(),
        )
    )


def is_awaited(proposal_id: int, institution_id: int) -> bool:
    """Whether this organisation's answer to this proposal is still awaited."""
    found = db.session.scalar(
        _awaited_items()
        .with_only_columns(AddressedInstitution.id)
        .where(
            AddressedInstitution.proposal_id == proposal_id,
            AddressedInstitution.institution_id == institution_id,
        )
    )
    return found is not None


def reminder_candidates(last_day: date) -> list[tuple[int, int, int, datetime, date]]:
    """Awaited answers due on or before ``last_day`` (overdue ones included): (addressed
    id, organisation id, proposal id, sent at, due on)."""
    rows = db.session.execute(
        _awaited_items()
        .with_only_columns(
            AddressedInstitution.id,
            AddressedInstitution.institution_id,
            AddressedInstitution.proposal_id,
            AddressedInstitution.sent_at,
            AddressedInstitution.response_due_on,
        )
        .where(
            AddressedInstitution.response_due_on.is_not(None),
            AddressedInstitution.response_due_on <= last_day,
        )
        .order_by(AddressedInstitution.response_due_on, AddressedInstitution.id)
    )
    return [tuple(row) for row in rows]


def keys_taken(keys: list[str]) -> set[str]:
    """Those of these reminder or digest keys already recorded (sent)."""
    if not keys:
        return set()
    return set(
        db.session.scalars(
            sa.select(InstitutionReminder.key).where(InstitutionReminder.key.in_(keys))
        )
    )


def digest_organisations() -> list[Organisation]:
    """Organisations whose verified official address takes the weekly digest."""
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(
                Organisation.official_email != "",
                Organisation.official_email_verified_at.is_not(None),
                Organisation.digest_stopped_at.is_(None),
                Organisation.example.is_(False),
            )
            .order_by(Organisation.id)
        )
    )


def awaited_by(organisation_ids: list[int]) -> dict[int, list[AddressedInstitution]]:
    """Each organisation's awaited answers, soonest due first (no due date last)."""
    found: dict[int, list[AddressedInstitution]] = defaultdict(list)
    if not organisation_ids:
        return found
    items = db.session.scalars(
        _awaited_items()
        .where(AddressedInstitution.institution_id.in_(organisation_ids))
        .order_by(
            AddressedInstitution.response_due_on.is_(None),
            AddressedInstitution.response_due_on,
            AddressedInstitution.id,
        )
    )
    for item in items:
        found[item.institution_id].append(item)
    return found


def commitments_due_by(organisation_ids: list[int], last_day: date) -> dict[int, list[Commitment]]:
    """Each organisation's open commitments due on or before ``last_day`` (late ones too),
    soonest first, with their response and proposal."""
    found: dict[int, list[Commitment]] = defaultdict(list)
    if not organisation_ids:
        return found
    rows = db.session.scalars(
        sa.select(Commitment)
        .join(OfficialResponse, OfficialResponse.id == Commitment.response_id)
        .join(Proposal, Proposal.id == OfficialResponse.proposal_id)
        .options(
            contains_eager(Commitment.response).contains_eager(OfficialResponse.proposal),
        )
        .where(
            OfficialResponse.institution_id.in_(organisation_ids),
            Commitment.state.in_(OPEN_COMMITMENT_STATES),
            Commitment.due_on <= last_day,
            Proposal.example.is_(False),
        )
        .order_by(Commitment.due_on, Commitment.id)
    )
    for commitment in rows:
        found[commitment.response.institution_id].append(commitment)
    return found


def replies_since(organisation_ids: list[int], since: datetime) -> dict[int, list[Contribution]]:
    """Replies anyone may read under each organisation's responses, posted or published
    (approved by a moderator) since then, oldest first, with their proposal."""
    found: dict[int, list[Contribution]] = defaultdict(list)
    if not organisation_ids:
        return found
    rows = db.session.execute(
        sa.select(OfficialResponse.institution_id, Contribution)
        .select_from(Contribution)
        .join(OfficialResponse, OfficialResponse.id == Contribution.response_id)
        .join(Proposal, Proposal.id == Contribution.proposal_id)
        .options(contains_eager(Contribution.proposal))
        .where(
            OfficialResponse.institution_id.in_(organisation_ids),
            Proposal.example.is_(False),
            visible_to_public(),
            Contribution.withdrawn_at.is_(None),
            published_since(since),
        )
        .order_by(Contribution.created_at, Contribution.id)
    )
    for institution_id, reply in rows:
        found[institution_id].append(reply)
    return found


def reply_told(reply_id: int) -> bool:
    """Whether representatives were already told of this reply under their response."""
    return (
        db.session.scalar(
            sa.select(Notification.id)
            .where(
                Notification.contribution_id == reply_id,
                Notification.kind == NotificationKind.RESPONSE_REPLY,
            )
            .limit(1)
        )
        is not None
    )
