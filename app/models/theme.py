"""Themes: the workshops (ateliers) proposals are grouped by."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Theme(db.Model):
    """A workshop of the network, such as housing or access to health care."""

    # Longest texts, in characters, said once: the column's size, the forms' limit.
    NAME_MAX = 120

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    # Held for a moderator before publication? Guests are always held.
    participants_premoderated: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    members_premoderated: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    def __repr__(self) -> str:
        return f"<Theme {self.slug}>"
