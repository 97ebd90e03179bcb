"""The places where an association meets people (a day centre, a shelter, a stall at the
market): where paper testimonies were collected, where people concerned were met."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.organisation import Organisation


class Place(db.Model):
    """One of an association's places, named by its members; shown with what was
    collected there."""

    __table_args__ = (sa.UniqueConstraint("organisation_id", "name"),)

    NAME_MAX = 120
    ADDRESS_MAX = 300

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX))
    address: Mapped[str] = mapped_column(sa.String(ADDRESS_MAX), default="", server_default="")
    # No longer offered in forms; kept for what was collected there.
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
