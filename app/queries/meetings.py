"""Meetings as the pages list them."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Meeting, Theme, utcnow


def upcoming_meetings(limit: int = 5) -> list[Meeting]:
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.starts_at >= utcnow())
            .options(joinedload(Meeting.theme), joinedload(Meeting.host))
            .order_by(Meeting.starts_at)
            .limit(limit)
        )
    )


def upcoming_meetings_for(theme: Theme, limit: int = 5) -> list[Meeting]:
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.theme_id == theme.id, Meeting.starts_at >= utcnow())
            .options(joinedload(Meeting.host))
            .order_by(Meeting.starts_at)
            .limit(limit)
        )
    )


def meetings_page(upcoming: bool):
    """Upcoming meetings soonest first, or past ones latest first (a select to paginate)."""
    now = utcnow()
    query = sa.select(Meeting).options(joinedload(Meeting.theme), joinedload(Meeting.host))
    if upcoming:
        return query.where(Meeting.starts_at >= now).order_by(Meeting.starts_at, Meeting.id)
    return query.where(Meeting.starts_at < now).order_by(
        Meeting.starts_at.desc(), Meeting.id.desc()
    )
