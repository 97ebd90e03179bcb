"""A person's notifications as their page lists them."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.models import Notification, User


def notifications_of(user: User):
    """Newest first, with their proposal and contribution (a select to paginate)."""
    return (
        sa.select(Notification)
        .where(Notification.user_id == user.id)
        .options(joinedload(Notification.proposal), joinedload(Notification.contribution))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
