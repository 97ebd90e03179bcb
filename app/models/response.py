"""Institutions' official responses to proposals, their earlier versions, and the dated
commitments they make."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TALLY_COPY, enum_column, utcnow
from app.models.organisation import Organisation
from app.models.proposal import Proposal
from app.models.user import User


class Position(enum.StrEnum):
    FAVOURABLE = "favourable"
    UNDER_STUDY = "under_study"
    UNFAVOURABLE = "unfavourable"
    ALREADY_IN_PLACE = "already_in_place"
    NOT_COMPETENT = "not_competent"
    # "Nous nous en saisissons": an association takes up a proposal an institution put to it.
    TAKEN_UP = "taken_up"


# What an institution answers; an association answering an institution's proposal may also
# take it up (the source's "inversion de logique").
INSTITUTION_POSITIONS = (
    Position.FAVOURABLE,
    Position.UNDER_STUDY,
    Position.UNFAVOURABLE,
    Position.ALREADY_IN_PLACE,
    Position.NOT_COMPETENT,
)
ASSOCIATION_POSITIONS = (Position.TAKEN_UP, *INSTITUTION_POSITIONS)


def positions_for(organisation: Organisation) -> tuple[Position, ...]:
    """The positions an organisation may answer with: never "taken up" for an institution."""
    return INSTITUTION_POSITIONS if organisation.is_institution else ASSOCIATION_POSITIONS


class ReceivedVia(enum.StrEnum):
    """How an official response reached the site."""

    SITE = "site"  # posted by a representative with an account
    ANSWER_LINK = "answer_link"  # posted through the signed link e-mailed to the institution
    LETTER = "letter"  # recorded on its behalf from a letter
    EMAIL = "email"  # recorded on its behalf from an e-mail
    MEETING = "meeting"  # recorded on its behalf from what was said in a meeting


RECORDED_CHANNELS = (ReceivedVia.LETTER, ReceivedVia.EMAIL, ReceivedVia.MEETING)


class OfficialResponse(db.Model):
    """The current response of one institution to one proposal."""

    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "institution_id"),
        # The synthesis lists the latest responses of a position by walking this index back.
        sa.Index(
            "ix_official_response_recent", "created_at", "position", "institution_id", "proposal_id"
        ),
        # An institution's responses, and their ids read from the index alone: the board
        # leaves out, by id, the responses of organisations that are not institutions.
        sa.Index("ix_official_response_institution", "institution_id", "id"),
    )

    # Longest texts, in characters, said once: the column's size, the forms' limit.
    COMPETENT_BODY_MAX = 200
    # The easy-read summary has no size in the database: the forms and the service check it.
    EASY_READ_MAX = 1500

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    institution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE")
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    position: Mapped[Position] = mapped_column(enum_column(Position))
    competent_body: Mapped[str] = mapped_column(sa.String(COMPETENT_BODY_MAX), default="")
    body: Mapped[str] = mapped_column(sa.Text)
    # An optional easy-read (FALC) summary of the answer, in short sentences and plain words.
    easy_read: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    received_via: Mapped[ReceivedVia] = mapped_column(
        enum_column(ReceivedVia), default=ReceivedVia.SITE, server_default=ReceivedVia.SITE.value
    )
    # Recorded on the institution's behalf: the day the letter, e-mail or meeting gave it,
    # the organisation that typed it in and the person who did.
    received_at: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL")
    )
    recorder_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # Kept by the database's triggers (migration 8c3d5f7a9e21), never written by the app:
    # what the synthesis counts the response under, copied from its proposal and its
    # institution, so that the tallies (ResponseTally) follow every change.
    proposal_theme_id: Mapped[int | None] = mapped_column(info=TALLY_COPY)
    proposal_event_id: Mapped[int | None] = mapped_column(info=TALLY_COPY)
    proposal_example: Mapped[bool] = mapped_column(server_default=sa.false(), info=TALLY_COPY)
    by_institution: Mapped[bool] = mapped_column(server_default=sa.false(), info=TALLY_COPY)

    proposal: Mapped[Proposal] = relationship()
    institution: Mapped[Organisation] = relationship(foreign_keys=[institution_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    recorded_by: Mapped[Organisation | None] = relationship(foreign_keys=[recorded_by_id])
    recorder: Mapped[User | None] = relationship(foreign_keys=[recorder_id])
    attachment: Mapped["ResponseAttachment | None"] = relationship(
        back_populates="response", cascade="all, delete-orphan", uselist=False
    )
    commitments: Mapped[list["Commitment"]] = relationship(
        back_populates="response",
        cascade="all, delete-orphan",
        order_by="(Commitment.due_on, Commitment.id)",
    )
    # Its earlier versions that were recorded from a letter, an e-mail or a meeting, latest
    # first: where a document kept under a later answer came from.
    recorded_versions: Mapped[list["ResponseVersion"]] = relationship(
        primaryjoin=lambda: sa.and_(
            ResponseVersion.response_id == OfficialResponse.id,
            ResponseVersion.received_via.in_(RECORDED_CHANNELS),
        ),
        order_by=lambda: (ResponseVersion.written_at.desc(), ResponseVersion.id.desc()),
        viewonly=True,
    )

    @property
    def was_edited(self) -> bool:
        return self.updated_at > self.created_at

    @property
    def was_recorded(self) -> bool:
        """Typed in on the institution's behalf (a letter, an e-mail, a meeting)."""
        return self.received_via in RECORDED_CHANNELS

    @property
    def document_version(self) -> "ResponseVersion | None":
        """The earlier recorded version the document came with, when the response was since
        given again by the institution (its link, the site); None when the document is the
        current response's own. Needs ``recorded_versions`` loaded (``how_received()``)."""
        if self.attachment is None or self.was_recorded:
            return None
        return self.recorded_versions[0] if self.recorded_versions else None


class ResponseAttachment(db.Model):
    """The document a recorded response came in (a letter's scan, a PDF): kept in the
    database, so every app server reads it and the backup takes it; streamed in pieces,
    never loaded whole; deleted with its response."""

    FILE_NAME_MAX = 200
    MEDIA_TYPE_MAX = 100

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("official_response.id", ondelete="CASCADE"), unique=True
    )
    file_name: Mapped[str] = mapped_column(sa.String(FILE_NAME_MAX))
    media_type: Mapped[str] = mapped_column(sa.String(MEDIA_TYPE_MAX))
    size: Mapped[int]
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    response: Mapped[OfficialResponse] = relationship(back_populates="attachment")


class ResponseVersion(db.Model):
    """A response as it stood before an edit: the history stays readable."""

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("official_response.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    position: Mapped[Position] = mapped_column(enum_column(Position))
    competent_body: Mapped[str] = mapped_column(
        sa.String(OfficialResponse.COMPETENT_BODY_MAX), default=""
    )
    body: Mapped[str] = mapped_column(sa.Text)
    easy_read: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    written_at: Mapped[datetime]
    # How this version came: a letter, an e-mail or a meeting recorded on the institution's
    # behalf keeps its day and the organisation that typed it in (none: the coordination).
    received_via: Mapped[ReceivedVia] = mapped_column(
        enum_column(ReceivedVia), default=ReceivedVia.SITE, server_default=ReceivedVia.SITE.value
    )
    received_at: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL")
    )

    author: Mapped[User | None] = relationship()
    recorded_by: Mapped[Organisation | None] = relationship()

    @property
    def was_recorded(self) -> bool:
        """Typed in on the institution's behalf (a letter, an e-mail, a meeting)."""
        return self.received_via in RECORDED_CHANNELS


class CommitmentState(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


OPEN_COMMITMENT_STATES = (CommitmentState.PLANNED, CommitmentState.IN_PROGRESS)


class Commitment(db.Model):
    """Something an institution commits to do, by a date, and how far it has got."""

    # The synthesis lists commitments by due date and the latest closed ones by walking
    # these indexes, their state and response read from them.
    __table_args__ = (
        # The lists' order, then what a late one is counted under (migration 51e7d06930ec).
        sa.Index(
            "ix_commitment_due",
            "due_on",
            "id",
            "state",
            "response_id",
            "by_institution",
            "proposal_example",
        ),
        sa.Index("ix_commitment_recent", "updated_at", "state", "response_id"),
        # The synthesis's latest commitments kept or dropped, read in this index's order.
        sa.Index("ix_commitment_state_recent", "state", "updated_at", "id"),
    )

    # Longest texts, in characters, said once: the column's size, the forms' limit.
    ACTION_MAX = 300

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("official_response.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(ACTION_MAX))
    due_on: Mapped[date]
    state: Mapped[CommitmentState] = mapped_column(
        enum_column(CommitmentState), default=CommitmentState.PLANNED
    )
    drop_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Kept by the database's triggers (migration 2c7e9f4a6b18), never written by the app:
    # what the board and the synthesis count the commitment under, copied from its
    # response's proposal and institution, so that the tallies (CommitmentTally) follow
    # every change, cascades included.
    proposal_theme_id: Mapped[int | None] = mapped_column(info=TALLY_COPY)
    proposal_event_id: Mapped[int | None] = mapped_column(info=TALLY_COPY)
    proposal_example: Mapped[bool] = mapped_column(server_default=sa.false(), info=TALLY_COPY)
    by_institution: Mapped[bool] = mapped_column(server_default=sa.false(), info=TALLY_COPY)

    response: Mapped[OfficialResponse] = relationship(back_populates="commitments")

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_COMMITMENT_STATES

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on < today


class CommitmentTally(db.Model):
    """How many commitments are in each state, per workshop, event (0: none), example or
    real, whether an institution made them, and month they are due (``year * 12 + month -
    1``). Kept by the database's triggers on the commitments (migration 2c7e9f4a6b18), in
    the transaction of each write: the board and the synthesis add up these rows rather
    than count every commitment."""

    theme_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    event_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    example: Mapped[bool] = mapped_column(primary_key=True)
    by_institution: Mapped[bool] = mapped_column(primary_key=True)
    state: Mapped[CommitmentState] = mapped_column(enum_column(CommitmentState), primary_key=True)
    due_month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    commitments: Mapped[int] = mapped_column(server_default="0")


class ResponseTally(db.Model):
    """How many official responses took each position, per workshop, event (0: none),
    example or real, and whether an institution gave them. Kept by the database's triggers
    on the responses (migration 8c3d5f7a9e21), in the transaction of each write."""

    theme_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    event_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    example: Mapped[bool] = mapped_column(primary_key=True)
    by_institution: Mapped[bool] = mapped_column(primary_key=True)
    position: Mapped[Position] = mapped_column(enum_column(Position), primary_key=True)
    responses: Mapped[int] = mapped_column(server_default="0")
