"""Working-group meetings."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import Organisation
from app.models.theme import Theme


class Meeting(db.Model):
    """A meeting of a working group, at a place, at a time (stored in UTC)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    theme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("theme.id"), index=True)
    host_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime | None]
    place_name: Mapped[str] = mapped_column(sa.String(200), default="")
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")

    theme: Mapped[Theme | None] = relationship()
    host: Mapped[Organisation | None] = relationship()
