"""Testimonies, comments and replies on proposals, and the flags people raise on them."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import enum_column, utcnow
from app.models.organisation import Organisation
from app.models.proposal import Proposal
from app.models.user import User


class ContributionKind(enum.StrEnum):
    TESTIMONY = "testimony"
    COMMENT = "comment"
    REPLY = "reply"


class ContributionState(enum.StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    HIDDEN = "hidden"
    REJECTED = "rejected"


class DisplayMode(enum.StrEnum):
    PSEUDONYM = "pseudonym"
    ANONYMOUS = "anonymous"


class Contribution(db.Model):
    """What a person wrote on a proposal; its author may be a guest or stay anonymous."""

    __table_args__ = (
        sa.Index("ix_contribution_listing", "proposal_id", "kind", "state", "created_at"),
        sa.Index("ix_contribution_state_created", "state", "created_at"),
        # The synthesis's voices over a period, counted from the index alone.
        sa.Index(
            "ix_contribution_voices",
            *("proposal_id", "kind", "state", "withdrawn_at"),
            *("recorded_for_id", "author_id", "display_mode"),
        ),
    )

    # Longest texts, in characters, said once: the column's size, the forms' limit.
    GUEST_NAME_MAX = 60
    GUEST_CONTACT_MAX = 200

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id", ondelete="CASCADE"))
    kind: Mapped[ContributionKind] = mapped_column(enum_column(ContributionKind))
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )
    # A reply to an institution's official response (the right of reply) points here.
    response_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("official_response.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    display_mode: Mapped[DisplayMode] = mapped_column(
        enum_column(DisplayMode), default=DisplayMode.PSEUDONYM
    )
    body: Mapped[str] = mapped_column(sa.Text)
    # The language the text was written in (a BCP 47 code), marked with `lang` in pages.
    lang: Mapped[str] = mapped_column(sa.String(12), default="fr", server_default="fr")
    # The site language of the page a guest wrote from: their e-mails are in it.
    page_locale: Mapped[str | None] = mapped_column(sa.String(8))
    state: Mapped[ContributionState] = mapped_column(enum_column(ContributionState))
    # Guest testimonies: an optional first name shown, an optional contact never shown.
    guest_name: Mapped[str] = mapped_column(sa.String(GUEST_NAME_MAX), default="")
    guest_contact: Mapped[str] = mapped_column(sa.String(GUEST_CONTACT_MAX), default="")
    # Assisted testimonies: recorded by an association member for a beneficiary who agreed.
    recorded_for_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL")
    )
    consent_confirmed_at: Mapped[datetime | None]
    # Paper testimonies typed in by an association member (``author``, for
    # ``recorded_for``): when and where the sheet was filled in, consent given on paper.
    on_paper: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    collected_on: Mapped[date | None]
    place_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("place.id", ondelete="SET NULL"), index=True
    )
    # Guest receipts: the hash of the private link's key given after a guest testimony (the
    # key itself is never stored); it lapses with GUEST_CONTACT_RETENTION_DAYS.
    receipt_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    # Bumped by every moderation decision: two moderators deciding at once, one wins.
    version: Mapped[int] = mapped_column(default=1)
    # The random token of the form it came from: a form sent twice (a double click, a
    # resent page) is stored once.
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # Chosen by a moderator to be quoted in the synthesis ("mettre en avant").
    featured_at: Mapped[datetime | None] = mapped_column(index=True)
    featured_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )

    proposal: Mapped[Proposal] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    featured_by: Mapped[User | None] = relationship(foreign_keys=[featured_by_id])
    recorded_for: Mapped[Organisation | None] = relationship()
    place: Mapped["Place | None"] = relationship()  # noqa: F821
    parent: Mapped["Contribution | None"] = relationship(remote_side=[id])
    response: Mapped["OfficialResponse | None"] = relationship()  # noqa: F821

    @property
    def is_guest(self) -> bool:
        return self.author_id is None and self.recorded_for_id is None

    @property
    def is_assisted(self) -> bool:
        return self.recorded_for_id is not None

    @property
    def is_anonymous(self) -> bool:
        return self.display_mode is DisplayMode.ANONYMOUS

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_public(self) -> bool:
        return self.state is ContributionState.PUBLISHED


class FlagReason(enum.StrEnum):
    INSULT = "insult"
    PERSONAL_DATA = "personal_data"
    OFF_TOPIC = "off_topic"
    SPAM = "spam"
    OTHER = "other"


class Flag(db.Model):
    """A report on a contribution by a logged-in person (once per person)."""

    __table_args__ = (sa.UniqueConstraint("contribution_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contribution.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    reason: Mapped[FlagReason] = mapped_column(enum_column(FlagReason))
    details: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)

    contribution: Mapped[Contribution] = relationship()
    user: Mapped[User] = relationship()
