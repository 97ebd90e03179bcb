"""Meeting minutes as their page shows them: versions, amendments and their numbers."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import AmendmentState, Meeting, Minutes, MinutesAmendment, MinutesVersion


def minutes_for(meeting: Meeting) -> Minutes | None:
    """The meeting's minutes with every version and its author (a fixed number of queries)."""
    return db.session.scalar(
        sa.select(Minutes)
        .where(Minutes.meeting_id == meeting.id)
        .options(selectinload(Minutes.versions).joinedload(MinutesVersion.author))
    )


def amendments_of(minutes: Minutes) -> list[MinutesAmendment]:
    """Every amendment, oldest first, with its author and who decided (one query)."""
    return list(
        db.session.scalars(
            sa.select(MinutesAmendment)
            .where(MinutesAmendment.minutes_id == minutes.id)
            .options(joinedload(MinutesAmendment.author), joinedload(MinutesAmendment.decided_by))
            .order_by(MinutesAmendment.id)
        )
    )


def amendment_number(amendment: MinutesAmendment) -> int:
    """Its rank among the amendments to the same minutes (1 for the first one)."""
    return db.session.scalar(
        sa.select(sa.func.count(MinutesAmendment.id)).where(
            MinutesAmendment.minutes_id == amendment.minutes_id,
            MinutesAmendment.id <= amendment.id,
        )
    )


def pending_count(minutes: Minutes) -> int:
    """How many amendments still wait for the secretary's decision."""
    return db.session.scalar(
        sa.select(sa.func.count(MinutesAmendment.id)).where(
            MinutesAmendment.minutes_id == minutes.id,
            MinutesAmendment.state == AmendmentState.PENDING,
        )
    )
