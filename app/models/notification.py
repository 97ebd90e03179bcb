"""Notifications to people with an account, and the e-mail outbox.

Both are written in the same transaction as the event that causes them, so none is lost and
none is sent for an event that was rolled back; e-mails are delivered afterwards.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import PrivateRecord, enum_column, utcnow
from app.models.contribution import Contribution
from app.models.proposal import Proposal
from app.models.user import User


class NotificationKind(enum.StrEnum):
    MODERATION_DECISION = "moderation_decision"
    REPLY = "reply"
    NEW_RESPONSE = "new_response"
    STATUS_CHANGE = "status_change"
    PROGRESS_UPDATE = "progress_update"
    RESPONSE_OVERDUE = "response_overdue"
    MEETING_CHANGED = "meeting_changed"
    MEETING_CANCELLED = "meeting_cancelled"
    AMENDMENT_DECISION = "amendment_decision"
    # To an institution's representatives (and, by e-mail, its official address).
    PROPOSAL_ADDRESSED = "proposal_addressed"
    RESPONSE_REMINDER = "response_reminder"
    RESPONSE_REPLY = "response_reply"
    RESPONSE_RECORDED = "response_recorded"
    # To moderators: items wait in the queue.
    MODERATION_WAITING = "moderation_waiting"
    # Joining an organisation.
    MEMBERSHIP_REQUEST = "membership_request"
    MEMBERSHIP_DECISION = "membership_decision"
    # A participant's suggestion taken up by an association, or declined.
    SUGGESTION_DECISION = "suggestion_decision"


class Notification(PrivateRecord, db.Model):
    """Something that happened that a person should know about."""

    __table_args__ = (sa.Index("ix_notification_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind))
    proposal_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    contribution_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # Set when the notification went into an e-mail (immediate or digest).
    emailed_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    proposal: Mapped[Proposal | None] = relationship()
    contribution: Mapped[Contribution | None] = relationship()


class OutboxEmail(PrivateRecord, db.Model):
    """An e-mail waiting to be sent (or sent), written with the event that causes it.

    A sender claims a row before sending it, so two live senders never send the same e-mail;
    one that dies between the SMTP accept and its "sent" mark leaves it to be sent again
    (at least once, under the same Message-ID). A failure is retried later with backoff,
    then given up and recorded.
    """

    __table_args__ = (sa.Index("ix_outbox_email_due", "sent_at", "failed_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(64))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
