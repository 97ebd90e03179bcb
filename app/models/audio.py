"""Spoken testimonies: the recording a person sent with a testimony, converted by the worker
to one format every phone plays, voice-disguised when its author is anonymous or a guest."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import enum_column, utcnow
from app.models.contribution import Contribution


class AudioState(enum.StrEnum):
    WAITING = "waiting"  # sent, waiting for the worker
    CONVERTING = "converting"  # claimed by a worker (claimed_at says since when)
    READY = "ready"  # converted: the moderator may listen, then decide
    FAILED = "failed"  # the conversion kept failing: moderators see it, nobody else


class AudioRecording(db.Model):
    """One recording, held with its testimony. The original (as sent) is kept only until the
    moderation decision, then deleted; the converted file (``media``) is what is played.
    Both are kept where every app server reads them and the backup takes them: in the
    database by default (deferred columns, read in pieces), or as files in AUDIO_DIRECTORY
    on a shared volume (``original_file``, ``media_file``: their names there; app/services/
    audio_files.py)."""

    MEDIA_TYPE_MAX = 100
    FILE_NAME_MAX = 80
    TRANSCRIPT_MAX = 10_000

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contribution.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[AudioState] = mapped_column(
        enum_column(AudioState), default=AudioState.WAITING, index=True
    )
    # Anonymous and guest recordings are published with the voice disguised.
    disguised: Mapped[bool] = mapped_column(default=False)
    # What was sent, as probed: its duration and size; the bytes until the decision.
    duration_seconds: Mapped[float] = mapped_column(default=0.0)
    original_media_type: Mapped[str] = mapped_column(sa.String(MEDIA_TYPE_MAX), default="")
    original_size: Mapped[int] = mapped_column(default=0)
    original: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    original_file: Mapped[str] = mapped_column(
        sa.String(FILE_NAME_MAX), default="", server_default=""
    )
    # The converted file, without metadata: what the player plays once published.
    media_type: Mapped[str] = mapped_column(sa.String(MEDIA_TYPE_MAX), default="")
    media_size: Mapped[int] = mapped_column(default=0)
    media: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    media_file: Mapped[str] = mapped_column(sa.String(FILE_NAME_MAX), default="", server_default="")
    # Written or corrected by the moderator; required before publication.
    transcript: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    transcript_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    # The worker's claim, attempts and last error (a failed job is retried, then FAILED).
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    last_error: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    converted_at: Mapped[datetime | None]
    original_deleted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contribution: Mapped[Contribution] = relationship(
        backref=sa.orm.backref("audio", uselist=False, passive_deletes=True)
    )
