"""Follow-up updates on proposals, and what people follow."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import PrivateRecord, utcnow
from app.models.organisation import Organisation
from app.models.proposal import Proposal, StatusChange
from app.models.response import Commitment
from app.models.theme import Theme
from app.models.user import User


class ProgressUpdate(db.Model):
    """News on a proposal's way to being done, on its public timeline."""

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(sa.Text)
    status_change_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("status_change.id", ondelete="SET NULL")
    )
    commitment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("commitment.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship()
    author: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    status_change: Mapped[StatusChange | None] = relationship()
    commitment: Mapped[Commitment | None] = relationship()


# Private: who follows what is shown to that person only, never counted in public.
class Follow(PrivateRecord, db.Model):
    """A person follows a proposal or a whole workshop."""

    __table_args__ = (
        sa.UniqueConstraint("user_id", "proposal_id", name="uq_follow_user_proposal"),
        sa.UniqueConstraint("user_id", "theme_id", name="uq_follow_user_theme"),
        sa.CheckConstraint("(proposal_id IS NULL) <> (theme_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    proposal_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("theme.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    proposal: Mapped[Proposal | None] = relationship()
    theme: Mapped[Theme | None] = relationship()
