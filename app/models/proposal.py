"""Proposals, the institutions they are addressed to, and their public timeline."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from app.extensions import db
from app.models.base import TALLY_COPY, enum_column, utcnow
from app.models.event import Event
from app.models.organisation import Organisation
from app.models.theme import Theme
from app.models.user import User


class ProposalStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    IN_DISCUSSION = "in_discussion"
    SENT = "sent"
    ANSWERED = "answered"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    ABANDONED = "abandoned"


class Proposal(db.Model):
    """A concrete proposal of the network, followed from submission until done."""

    __table_args__ = (
        sa.Index("ix_proposal_created", "created_at", "id"),
        # The institution's space counts its workshops' proposals from this index alone.
        sa.Index("ix_proposal_workshop", "theme_id", "status", "example", "organisation_id"),
        # The counts leave out the few example proposals: NOT IN this short list.
        sa.Index("ix_proposal_example", "example"),
        sa.Index("ix_proposal_event_created", "event_id", "created_at", "id"),
        # The synthesis adds up each workshop's voices from this index alone.
        sa.Index(
            "ix_proposal_voices",
            "theme_id",
            "example",
            "event_id",
            "voices_guest",
            "voices_anonymous",
            "voices_assisted",
            "voices_account",
            "voices_comments",
        ),
        # The most voiced proposals, its last entries (migration 4e8a2d6c1f93).
        sa.Index(
            "ix_proposal_spoke",
            sa.text(
                "(voices_guest + voices_anonymous + voices_assisted + voices_account"
                " + voices_comments)"
            ),
            "id",
        ),
        # The institution's space counts its workshops' proposals addressed to nobody from
        # this index alone (migration 7c4e1a9b3d52).
        sa.Index(
            "ix_proposal_unaddressed",
            "theme_id",
            "example",
            "status",
            "organisation_id",
            sqlite_where=sa.text("addressed_count = 0"),
            postgresql_where=sa.text("addressed_count = 0"),
        ),
    )

    # Text lengths, in characters, said once: the column's size, the form's and the import's.
    TITLE_MIN, TITLE_MAX = 5, 200
    BODY_MIN, BODY_MAX = 20, 10000  # text (no size in the database)
    EASY_READ_MAX = 1500

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    body: Mapped[str] = mapped_column(sa.Text)
    # Easy-read summary (FALC): short sentences, simple words, shown before the full text.
    easy_read: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    theme_id: Mapped[int] = mapped_column(sa.ForeignKey("theme.id"))
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[ProposalStatus] = mapped_column(
        enum_column(ProposalStatus), default=ProposalStatus.SUBMITTED, index=True
    )
    origin: Mapped[str] = mapped_column(sa.String(200), default="")
    # The event it comes from (None: filed later, outside any event).
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("event.id", ondelete="SET NULL"))
    # Invented for the demonstration: shown "exemple" everywhere, never loaded in production.
    example: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # People who said it concerns them: marks of accounts plus associations' counts, kept
    # by app/services/concerns.py so lists sort by it without counting.
    concerned_count: Mapped[int] = mapped_column(default=0, server_default="0", index=True)
    # Who spoke on it: its published testimonies and comments, not withdrawn, by kind of voice
    # (the synthesis's counts, app/queries/synthesis.py). Kept by triggers on the contribution
    # table (migration 20261206_5d2b8e41c7a3), in the transaction of every write, bulk
    # updates and deleted accounts included; never written by the application.
    voices_guest: Mapped[int] = mapped_column(default=0, server_default="0")
    voices_anonymous: Mapped[int] = mapped_column(default=0, server_default="0")
    voices_assisted: Mapped[int] = mapped_column(default=0, server_default="0")
    voices_account: Mapped[int] = mapped_column(default=0, server_default="0")
    voices_comments: Mapped[int] = mapped_column(default=0, server_default="0")
    # How many official responses it has had, from anyone: kept by triggers on the responses
    # (migration 4e8a2d6c1f93), never written by the application.
    response_count: Mapped[int] = mapped_column(server_default="0")
    # How many institutions (or associations) it is addressed to: kept by triggers on the
    # addressed rows (migration 7c4e1a9b3d52), never written by the application.
    addressed_count: Mapped[int] = mapped_column(server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Whether it has stated positions, co-signatures, a suggestion it was made of: no
    # column, read with it by queries.proposals.proposal_detail so that its page runs no
    # query for what most proposals lack; None when it was loaded otherwise.
    has_stated_positions: Mapped[bool | None] = query_expression()
    has_cosignatures: Mapped[bool | None] = query_expression()
    has_origin: Mapped[bool | None] = query_expression()

    theme: Mapped[Theme] = relationship()
    author: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    event: Mapped[Event | None] = relationship()
    addressed: Mapped[list["AddressedInstitution"]] = relationship(
        back_populates="proposal",
        cascade="all, delete-orphan",
        order_by="AddressedInstitution.id",
    )
    status_changes: Mapped[list["StatusChange"]] = relationship(
        back_populates="proposal",
        cascade="all, delete-orphan",
        order_by="(StatusChange.created_at.desc(), StatusChange.id.desc())",
    )

    @property
    def from_institution(self) -> bool:
        """Filed by an institution: it may be put to associations (the source's inversion)."""
        return self.organisation is not None and self.organisation.is_institution

    @property
    def put_to_associations(self) -> bool:
        """An institution's proposal addressed to at least one association."""
        return self.from_institution and any(
            not a.institution.is_institution for a in self.addressed
        )

    def __repr__(self) -> str:
        return f"<Proposal {self.id}>"


class AddressedInstitution(db.Model):
    """An institution a proposal is addressed to, from when, and by when it should answer."""

    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "institution_id"),
        # Overdue answers listed by due date, and counted from the index alone.
        sa.Index(
            "ix_addressed_institution_due",
            "response_due_on",
            "sent_at",
            "proposal_id",
            "institution_id",
        ),
        # The oldest awaited answer (the board's longest wait): the first row of this index.
        sa.Index(
            "ix_addressed_institution_awaiting_since",
            "to_institution",
            "answered",
            "proposal_abandoned",
            "sent_at",
        ),
        # The few rows addressed to associations (migration 6d1f3b8e0a27).
        sa.Index(
            "ix_addressed_institution_to_associations",
            "institution_id",
            "proposal_id",
            sqlite_where=sa.text("to_institution = 0"),
            postgresql_where=sa.text("to_institution = false"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id", ondelete="CASCADE"))
    institution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    sent_at: Mapped[datetime | None]
    response_due_on: Mapped[date | None]
    overdue_notified_at: Mapped[datetime | None]
    # Kept by the database's triggers (migration 9b1e5c7d2a40), never written by the app:
    # what the board counts the row under, copied from its proposal, its institution and
    # its answer, so that the tallies (AddressedTally) follow every change, cascades included.
    proposal_theme_id: Mapped[int | None] = mapped_column(info=TALLY_COPY)
    proposal_event_id: Mapped[int | None] = mapped_column(info=TALLY_COPY)
    proposal_example: Mapped[bool] = mapped_column(server_default=sa.false(), info=TALLY_COPY)
    proposal_abandoned: Mapped[bool] = mapped_column(server_default=sa.false(), info=TALLY_COPY)
    answered: Mapped[bool] = mapped_column(server_default=sa.false(), info=TALLY_COPY)
    to_institution: Mapped[bool] = mapped_column(server_default=sa.false(), info=TALLY_COPY)

    proposal: Mapped[Proposal] = relationship(back_populates="addressed")
    institution: Mapped[Organisation] = relationship()


class AddressedTally(db.Model):
    """How many proposals were addressed to institutions, answered and awaited, per
    workshop, event (0: none), example or real, and month the answer is due (``year * 12
    + month - 1``; 0: no due date). Kept by the database's triggers on the addressed rows
    (migration 9b1e5c7d2a40), in the transaction of each write: the board and the
    synthesis add up a few thousand rows here rather than count every addressed row."""

    theme_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    event_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    example: Mapped[bool] = mapped_column(primary_key=True)
    due_month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    addressed: Mapped[int] = mapped_column(server_default="0")
    answered: Mapped[int] = mapped_column(server_default="0")
    awaiting: Mapped[int] = mapped_column(server_default="0")


class ProposalTally(db.Model):
    """How many proposals there are per workshop, event (0: none), example or real and
    status; how many have had an official response, how many someone spoke on, and their
    voices added up. Kept by the database's triggers on the proposals (migration
    4e8a2d6c1f93), in the transaction of each write: the synthesis and the workshops' counts
    add up these rows rather than read every proposal."""

    theme_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    event_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    example: Mapped[bool] = mapped_column(primary_key=True)
    status: Mapped[ProposalStatus] = mapped_column(enum_column(ProposalStatus), primary_key=True)
    proposals: Mapped[int] = mapped_column(server_default="0")
    answered: Mapped[int] = mapped_column(server_default="0")
    spoke: Mapped[int] = mapped_column(server_default="0")
    voices_guest: Mapped[int] = mapped_column(server_default="0")
    voices_anonymous: Mapped[int] = mapped_column(server_default="0")
    voices_assisted: Mapped[int] = mapped_column(server_default="0")
    voices_account: Mapped[int] = mapped_column(server_default="0")
    voices_comments: Mapped[int] = mapped_column(server_default="0")


class StatusChangeTally(db.Model):
    """How many times proposals were moved to each status, per workshop, event (0: none)
    and example or real. Kept by the database's triggers on the timeline (migration
    8c3d5f7a9e21), in the transaction of each write."""

    theme_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    event_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    example: Mapped[bool] = mapped_column(primary_key=True)
    to_status: Mapped[ProposalStatus] = mapped_column(enum_column(ProposalStatus), primary_key=True)
    changes: Mapped[int] = mapped_column(server_default="0")


def due_month(day: date) -> int:
    """The key of a due date's month in AddressedTally."""
    return day.year * 12 + day.month - 1


class StatusChange(db.Model):
    """One entry of a proposal's public timeline: who moved it, from what to what, why."""

    # The synthesis lists the latest changes to some statuses by walking this index back.
    __table_args__ = (
        sa.Index("ix_status_change_recent", "created_at", "to_status", "proposal_id"),
        # The latest changes to one rare status (abandoned), read in this index's order.
        sa.Index("ix_status_change_to_recent", "to_status", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    from_status: Mapped[ProposalStatus | None] = mapped_column(enum_column(ProposalStatus))
    to_status: Mapped[ProposalStatus] = mapped_column(enum_column(ProposalStatus))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Kept by the database's triggers (migration 8c3d5f7a9e21), never written by the app:
    # what the synthesis counts the change under, copied from its proposal.
    proposal_theme_id: Mapped[int | None] = mapped_column(info=TALLY_COPY)
    proposal_event_id: Mapped[int | None] = mapped_column(info=TALLY_COPY)
    proposal_example: Mapped[bool] = mapped_column(server_default=sa.false(), info=TALLY_COPY)

    proposal: Mapped[Proposal] = relationship(back_populates="status_changes")
    actor: Mapped[User | None] = relationship()


class Cosignature(db.Model):
    """Another association signs a proposal too; co-signers are listed on it."""

    __table_args__ = (sa.UniqueConstraint("proposal_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship()
    organisation: Mapped[Organisation] = relationship()
