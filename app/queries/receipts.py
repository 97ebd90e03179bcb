"""What a guest's receipt page reads: where their testimony stands, and the moderators'
last decision on it (the reason the guest's e-mail gives)."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Contribution, ContributionState, ModerationDecision
from app.queries.contributions import is_visible_to_public


def standing(contribution: Contribution) -> str:
    """One word for the page: withdrawn, waiting, published, refused or hidden."""
    if contribution.is_withdrawn:
        return "withdrawn"
    if is_visible_to_public(contribution):
        return "published"
    return {
        ContributionState.PENDING: "waiting",
        ContributionState.REJECTED: "refused",
    }.get(contribution.state, "hidden")


def last_decision(contribution: Contribution) -> ModerationDecision | None:
    """The latest moderation decision on it (one statement), or None while none was made."""
    return db.session.scalar(
        sa.select(ModerationDecision)
        .where(ModerationDecision.contribution_id == contribution.id)
        .order_by(ModerationDecision.created_at.desc(), ModerationDecision.id.desc())
        .limit(1)
    )
