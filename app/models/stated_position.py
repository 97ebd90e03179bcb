"""Positions institutions stated elsewhere than on this site (at the assises, in a meeting),
as the network reported them: never an official response, never counted as an answer."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow
from app.models.organisation import Organisation
from app.models.proposal import Proposal


class StatedPosition(db.Model):
    """What an institution said of a proposal, in the words of the report that tells it."""

    # Longest texts, in characters, said once: the column's size, the forms' limit.
    SOURCE_MAX = 300
    WORDS_MAX = 5000  # the form's limit only: the column is a Text

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    institution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    # The words as the source has them, quoted, never recast as a position.
    words: Mapped[str] = mapped_column(sa.Text)
    # Where it is written (e.g. the network's review of the assises) and when it was said.
    source: Mapped[str] = mapped_column(sa.String(SOURCE_MAX), default="")
    stated_on: Mapped[date | None]
    # Who reports it (the network, an association); None when unknown.
    reported_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship()
    institution: Mapped[Organisation] = relationship(foreign_keys=[institution_id])
    reported_by: Mapped[Organisation | None] = relationship(foreign_keys=[reported_by_id])
