"""Reaching institutions: the answer links e-mailed to them, the reminders already sent
(one per step, whatever the number of workers), and when a member last looked at their
institution's inbox."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import PrivateRecord, utcnow
from app.models.organisation import Organisation
from app.models.proposal import Proposal
from app.models.user import User


# Private: a link is a key; no page shows it.
class AnswerLink(PrivateRecord, db.Model):
    """A single-use, expiring link that lets an institution's staff post (or correct) its
    official response to one proposal without an account. The link carries a random token;
    only its hash is stored, so the table alone opens nothing."""

    __tablename__ = "answer_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    institution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The address it was e-mailed to (the institution's official address at the time).
    sent_to: Mapped[str] = mapped_column(sa.String(Organisation.CONTACT_EMAIL_MAX))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # The response it posted, or the recorded one it was sent to correct.
    response_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("official_response.id", ondelete="SET NULL")
    )

    proposal: Mapped[Proposal] = relationship()
    institution: Mapped[Organisation] = relationship()
    revoked_by: Mapped[User | None] = relationship()

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at


# Private: a record of e-mails already sent.
class InstitutionReminder(PrivateRecord, db.Model):
    """One reminder (or weekly digest) sent to an institution. ``key`` is the idempotency
    key — institution × proposal × step ("reminder:12:34:before-14"), or institution × week
    for a digest ("digest:12:2026-W49") — unique, so of two workers racing, one inserts and
    sends, the other's insert fails and it sends nothing."""

    __tablename__ = "institution_reminder"

    KEY_MAX = 120

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(KEY_MAX), unique=True)
    institution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    proposal_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# Private: when someone looked at a page.
class InboxVisit(PrivateRecord, db.Model):
    """When a member of an organisation last marked its inbox as seen: replies posted under
    its responses after that are "new"."""

    __tablename__ = "inbox_visit"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
