"""Events of the network: its assises, thematic days and working-group cycles, with the
review it wrote of each; proposals may come from one."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import enum_column, utcnow


class EventKind(enum.StrEnum):
    ASSISES = "assises"
    THEMATIC_DAY = "thematic_day"
    WORKING_GROUP_CYCLE = "working_group_cycle"


class Event(db.Model):
    """A day (or a cycle) of the network where proposals were made, and its review."""

    # Longest texts, in characters, said once: the column's size, the forms' limit.
    SLUG_MAX = 80
    NAME_MAX = 200
    PLACE_MAX = 300
    SOURCE_MAX = 300

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(SLUG_MAX), unique=True)
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX), unique=True)
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind), default=EventKind.ASSISES)
    held_on: Mapped[date] = mapped_column(index=True)
    place: Mapped[str] = mapped_column(sa.String(PLACE_MAX), default="")
    # How many organisations took part, when the record says (None: it does not).
    organisations_count: Mapped[int | None]
    # The review, in the sections the network's own review has: what the event was, what
    # moved forward, what held back, what follows.
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    advances: Mapped[str] = mapped_column(sa.Text, default="")
    obstacles: Mapped[str] = mapped_column(sa.Text, default="")
    next_steps: Mapped[str] = mapped_column(sa.Text, default="")
    # The document the record is taken from (e.g. the network's written review).
    source: Mapped[str] = mapped_column(sa.String(SOURCE_MAX), default="")
    # Invented for the demonstration: shown "exemple" everywhere, never loaded in production.
    example: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def year(self) -> int:
        return self.held_on.year

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"
