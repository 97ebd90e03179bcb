"""Telling moderators that contributions wait for them.

`send_moderation_alerts()` runs every few minutes (`flask moderation alert`). Each active
moderator (admins moderate too) hears of the items waiting in their workshops (every
workshop when none is assigned to them), as their `moderation_alerts` setting says: at
once (when something arrived since the last alert, at most once per
`MODERATION_ALERT_MIN_MINUTES`), once a Paris day (from `MODERATION_ALERT_DAILY_HOUR` on,
still waiting or not new), or never. An alert is one
MODERATION_WAITING notification whose e-mail is queued at once: the setting is its own
rhythm, apart from the person's usual notification e-mails (a daily digest would bring a
"new item" alert a day late). Only someone who wants no e-mail at all (`email_frequency`
never, which the unsubscribe link sets) keeps the alert on the site alone.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app import queries
from app.calendar import to_paris
from app.extensions import db
from app.models import (
    EmailFrequency,
    Notification,
    NotificationKind,
    User,
    utcnow,
)
from app.policy.core import MODERATION_ROLES
from app.queries.moderation import Waiting
from app.services import retry_when_busy
from app.services.notifications import email_notification, snapshot_text


def send_moderation_alerts(now: datetime | None = None) -> int:
    """Alert each moderator who has something waiting and is due an alert; returns how many
    were alerted. Commits per person; two runs at once alert each person once."""
    now = now or utcnow()
    moderator_ids = db.session.scalars(
        sa.select(User.id)
        .where(
            User.role.in_(MODERATION_ROLES),
            User.active.is_(True),
            User.deleted_at.is_(None),
            User.moderation_alerts != EmailFrequency.NEVER,
        )
        .order_by(User.id)
    ).all()
    db.session.rollback()  # end the read: each person is claimed in a fresh transaction
    return sum(_alert(moderator_id, now) for moderator_id in moderator_ids)


@retry_when_busy
def _alert(user_id: int, now: datetime) -> int:
    """One moderator's alert, if due: claimed by a compare-and-set on moderation_alerted_at."""
    user = db.session.get(User, user_id)
    previous = user.moderation_alerted_at
    workshops = list(user.moderated_themes)
    found = queries.moderation.waiting(theme_ids=[theme.id for theme in workshops] or None)
    if not _due(user.moderation_alerts, previous, found, now):
        db.session.rollback()
        return 0
    unchanged = (
        User.moderation_alerted_at.is_(None)
        if previous is None
        else User.moderation_alerted_at == previous
    )
    claimed = db.session.execute(
        sa.update(User)
        .where(User.id == user.id, unchanged)
        .values(moderation_alerted_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # another run alerted this person meanwhile
        db.session.rollback()
        return 0
    notification = Notification(
        user=user,
        kind=NotificationKind.MODERATION_WAITING,
        data={
            "count": found.count,
            "oldest_hours": found.oldest_hours(now),
            "workshops": [snapshot_text(theme, "name", user) for theme in workshops],
            "suggestions": queries.suggestions.waiting_count(),
        },
    )
    db.session.add(notification)
    if user.email_frequency is not EmailFrequency.NEVER:
        email_notification(notification, now)
    db.session.commit()
    return 1


def _due(setting: EmailFrequency, previous: datetime | None, found: Waiting, now: datetime) -> bool:
    """Whether this moderator hears of what waits now."""
    if found.count == 0 or setting is EmailFrequency.NEVER:
        return False
    if setting is EmailFrequency.DAILY:
        today = to_paris(now)
        if today.hour < current_app.config["MODERATION_ALERT_DAILY_HOUR"]:
            return False
        return previous is None or to_paris(previous).date() < today.date()
    if previous is None:
        return True
    pause = timedelta(minutes=current_app.config["MODERATION_ALERT_MIN_MINUTES"])
    return found.newest_since > previous and now - previous >= pause
