"""Recordings of spoken testimonies: which one a route may play, and its bytes in pieces."""

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from app.audio import files as audio_files
from app.extensions import db
from app.models import AudioRecording, AudioState, Contribution
from app.queries import stored_files
from app.queries.contributions import visible_to_public


@dataclass(frozen=True)
class Playable:
    """Which bytes of which recording a route plays: ``column`` is "media" or "original"."""

    recording_id: int
    column: str
    media_type: str
    size: int
    version: str  # changes whenever the bytes may have changed: the ETag
    # Its name in AUDIO_DIRECTORY; empty: the bytes are in the database's column.
    file: str = ""


def published_audio(contribution_id: int) -> Playable | None:
    """The converted recording of a published, not withdrawn, contribution."""
    recording = db.session.scalar(
        sa.select(AudioRecording)
        .join(Contribution, AudioRecording.contribution_id == Contribution.id)
        .where(
            AudioRecording.contribution_id == contribution_id,
            AudioRecording.state == AudioState.READY,
            visible_to_public(),
            Contribution.withdrawn_at.is_(None),
        )
    )
    return _available(_converted(recording)) if recording else None


def contribution_with_audio(contribution_id: int) -> Contribution | None:
    """A contribution with its recording (without its bytes), for a moderator."""
    return db.session.get(Contribution, contribution_id, options=[joinedload(Contribution.audio)])


def moderators_audio(recording: AudioRecording) -> Playable | None:
    """What moderators hear: the converted file once ready (what will be published), the
    original until then (they can transcribe even when the conversion failed)."""
    if recording.state is AudioState.READY:
        return _available(_converted(recording))
    if recording.original_deleted_at is not None or not recording.original_size:
        return None
    return _available(
        Playable(
            recording.id,
            "original",
            recording.original_media_type or "application/octet-stream",
            recording.original_size,
            f"o{recording.id}-{recording.original_size}",
            recording.original_file,
        )
    )


def _available(playable: Playable) -> Playable | None:
    """The recording if its bytes can be read whole: a file missing or cut short (the
    volume not mounted, AUDIO_DIRECTORY changed) is logged and answered 404, never a
    promised length followed by nothing."""
    if not playable.file:
        return playable
    try:
        size = audio_files.path_of(playable.file).stat().st_size
    except (OSError, ValueError):
        size = None
    if size != playable.size:
        current_app.logger.error(
            "recording %s: file %s missing or incomplete", playable.recording_id, playable.file
        )
        return None
    return playable


def _converted(recording: AudioRecording) -> Playable:
    stamp = int(recording.converted_at.timestamp()) if recording.converted_at else 0
    return Playable(
        recording.id,
        "media",
        recording.media_type,
        recording.media_size,
        f"m{recording.id}-{recording.media_size}-{stamp}",
        recording.media_file,
    )


def audio_pieces(playable: Playable, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
    """Bytes ``start`` to ``stop`` (excluded) of the recording, a piece at a time (deleted
    while it is read, withdrawn or decided: it stops there)."""
    stop = playable.size if stop is None else stop
    if playable.file:
        return stored_files.file_pieces(audio_files.path_of(playable.file), start, stop)
    return stored_files.pieces(
        getattr(AudioRecording, playable.column),
        AudioRecording.id == playable.recording_id,
        start=start,
        stop=stop,
    )
