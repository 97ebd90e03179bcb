""" "Ça me concerne": people who say a proposal concerns them, with an account or met by an
association. The proposal keeps the total (``Proposal.concerned_count``), kept up to date
by app/services/concerns.py, so lists sort by it without counting."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.organisation import Organisation
from app.models.place import Place
from app.models.proposal import Proposal
from app.models.user import User


class ConcernMark(db.Model):
    """A person with an account said the proposal concerns them: once, withdrawable. An
    anonymous mark is counted, never listed."""

    __table_args__ = (sa.UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    anonymous: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship()
    user: Mapped[User] = relationship()


class ConcernTally(db.Model):
    """An association counted the people it met who are concerned: "12 personnes
    rencontrées à l'accueil de jour le 3 mars"."""

    NOTE_MAX = 500

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    people: Mapped[int]
    met_on: Mapped[date]
    place_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("place.id", ondelete="SET NULL"), index=True
    )
    note: Mapped[str] = mapped_column(sa.String(NOTE_MAX), default="", server_default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship()
    organisation: Mapped[Organisation] = relationship()
    place: Mapped[Place | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()
