"""A person's notifications as their page lists them."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Notification, User


def notifications_of(user: User):
    """Newest first, with their proposal and contribution (a select to paginate)."""
    return (
        sa.select(Notification)
        .where(Notification.user_id == user.id)
        .options(joinedload(Notification.proposal), joinedload(Notification.contribution))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def unread_count(user: User) -> int:
    """How many of this person's notifications are unread (shown in the menu)."""
    return db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )
