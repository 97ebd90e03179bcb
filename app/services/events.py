"""Who hears of an event on a proposal: its followers and its workshop's followers.

Adds notifications to the caller's transaction (never commits), so a rolled-back event
leaves no notification behind.
"""

import sqlalchemy as sa

from app.extensions import db
from app.models import Follow, NotificationKind, Proposal, User
from app.services.notifications import notify


def followers(proposal: Proposal) -> list[User]:
    """Everyone following the proposal or its workshop, once each (one query)."""
    follower_ids = sa.select(Follow.user_id).where(
        sa.or_(Follow.proposal_id == proposal.id, Follow.theme_id == proposal.theme_id)
    )
    return list(
        db.session.scalars(sa.select(User).where(User.id.in_(follower_ids), User.active.is_(True)))
    )


def notify_followers(
    proposal: Proposal, kind: NotificationKind, actor: User | None = None, **data
) -> int:
    """One notification per follower, except the person who caused the event."""
    count = 0
    for user in followers(proposal):
        if actor is not None and user.id == actor.id:
            continue
        notify(user, kind, proposal=proposal, **data)
        count += 1
    return count
