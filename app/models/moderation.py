"""The audit log of moderation: who decided what, when, why, from which state to which."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import enum_column, utcnow
from app.models.contribution import Contribution, ContributionState
from app.models.user import User


class ModerationAction(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    HIDE = "hide"
    RESTORE = "restore"
    AUTO_HIDE = "auto_hide"  # the site itself, after enough distinct flags


class ModerationReason(enum.StrEnum):
    COMPLIANT = "compliant"
    INSULT = "insult"
    DISCRIMINATION = "discrimination"
    PERSONAL_DATA = "personal_data"
    OFF_TOPIC = "off_topic"
    SPAM = "spam"
    FLAGS = "flags"
    OTHER = "other"


class ModerationDecision(db.Model):
    """One decision on one contribution. Rows are only ever added, never changed or deleted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contribution.id", ondelete="RESTRICT"), index=True
    )
    moderator_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="RESTRICT"), index=True
    )
    action: Mapped[ModerationAction] = mapped_column(enum_column(ModerationAction))
    reason: Mapped[ModerationReason] = mapped_column(enum_column(ModerationReason))
    details: Mapped[str] = mapped_column(sa.Text, default="")
    # The article of the charter in force that the decision refers to, if any.
    charter_article: Mapped[int | None]
    from_state: Mapped[ContributionState] = mapped_column(enum_column(ContributionState))
    to_state: Mapped[ContributionState] = mapped_column(enum_column(ContributionState))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    contribution: Mapped[Contribution] = relationship()
    moderator: Mapped[User | None] = relationship()
