"""Working-group meetings and thematic days, who registers, and their minutes."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import enum_column, utcnow
from app.models.event import Event
from app.models.organisation import Organisation
from app.models.proposal import Proposal
from app.models.theme import Theme
from app.models.user import User


class MeetingKind(enum.StrEnum):
    WORKING_GROUP = "working_group"
    THEMATIC_DAY = "thematic_day"


meeting_proposal = sa.Table(
    "meeting_proposal",
    db.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "proposal_id",
        sa.ForeignKey("proposal.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Meeting(db.Model):
    """A meeting of a working group, or a network-wide thematic day (times stored in UTC)."""

    # Longest texts, in characters, said once: the column's size, the forms' limit.
    TITLE_MAX = 200
    PLACE_NAME_MAX = 200
    ADDRESS_MAX = 300
    CANCEL_REASON_MAX = 2000  # text (no size in the database)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MeetingKind] = mapped_column(
        enum_column(MeetingKind),
        default=MeetingKind.WORKING_GROUP,
        server_default=MeetingKind.WORKING_GROUP.value,
    )
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    theme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("theme.id"), index=True)
    host_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime | None]
    place_name: Mapped[str] = mapped_column(sa.String(PLACE_NAME_MAX), default="")
    address: Mapped[str] = mapped_column(sa.String(ADDRESS_MAX), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    agenda: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Open to all (True) or to the network's members (False); None: the written record a
    # meeting is taken from does not say (the 2015 review), and the site does not either.
    is_public: Mapped[bool | None] = mapped_column(default=True, server_default=sa.true())
    capacity: Mapped[int | None]
    # Writes the minutes: a member of the host association; older rows without one: the creator.
    secretary_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=sa.func.now())
    # The event whose follow-up it is (None: a meeting of its own).
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event.id", ondelete="SET NULL"), index=True
    )
    # Invented for the demonstration: shown "exemple" everywhere, never loaded in production.
    example: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    theme: Mapped[Theme | None] = relationship()
    event: Mapped[Event | None] = relationship()
    host: Mapped[Organisation | None] = relationship()
    secretary: Mapped[User | None] = relationship(foreign_keys=[secretary_id])
    proposals: Mapped[list[Proposal]] = relationship(
        secondary=meeting_proposal, order_by=Proposal.id
    )

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class MeetingRegistration(db.Model):
    """A person registered to attend a meeting (told when it changes or is cancelled)."""

    __table_args__ = (sa.UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    user: Mapped[User] = relationship()


class MinutesState(enum.StrEnum):
    OPEN = "open"  # published as a draft, open for amendments until a date
    VALIDATED = "validated"


class Minutes(db.Model):
    """The minutes of one meeting: a draft open for amendments, then validated."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[MinutesState] = mapped_column(enum_column(MinutesState))
    amendments_until: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    validated_at: Mapped[datetime | None]
    validated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )

    meeting: Mapped[Meeting] = relationship()
    versions: Mapped[list["MinutesVersion"]] = relationship(
        back_populates="minutes", order_by="MinutesVersion.number"
    )


class MinutesVersion(db.Model):
    """One version of the minutes' text; every version stays readable."""

    __table_args__ = (sa.UniqueConstraint("minutes_id", "number"),)

    # Longest texts, in characters, said once: the column's size, the forms' limit.
    NOTE_MAX = 300

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(sa.ForeignKey("minutes.id", ondelete="CASCADE"))
    number: Mapped[int]
    body: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    amendment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("minutes_amendment.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(sa.String(NOTE_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    minutes: Mapped[Minutes] = relationship(back_populates="versions")
    author: Mapped[User | None] = relationship()


class AmendmentState(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class MinutesAmendment(db.Model):
    """A correction proposed by a participant: the passage, the new wording, why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(
        sa.ForeignKey("minutes.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    version_number: Mapped[int]
    passage: Mapped[str] = mapped_column(sa.Text)
    proposed_text: Mapped[str] = mapped_column(sa.Text)
    reason: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[AmendmentState] = mapped_column(
        enum_column(AmendmentState), default=AmendmentState.PENDING
    )
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    minutes: Mapped[Minutes] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
