"""Spoken testimonies: an upload checked by its content, a moderator's transcript, and
the worker's job that converts waiting recordings.

A recording is held with its testimony (``AudioRecording``): the original as sent until the
moderation decision, the converted MP3 once the worker has made it (the voice disguised
unless an account holder speaks under their own pseudonym: see ``must_disguise``; what the
disguise is worth: app/audio/processing.py). Moderation publishes only a converted
recording with a transcript (app/services/moderation.py).
"""

import contextlib
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import av
import sqlalchemy as sa
from flask import current_app, g, has_request_context
from flask_babel import gettext as _

from app import policy
from app.audio import processing
from app.extensions import db
from app.models import (
    AudioRecording,
    AudioState,
    AuditAction,
    Contribution,
    ContributionState,
    DisplayMode,
    utcnow,
)
from app.queries import stored_files
from app.services import PermissionDenied, ServiceError, audio_files, audit, retry_when_busy
from app.text import too_long_message
from app.web.incoming import megabytes

logger = logging.getLogger("voix.audio")

COPY_CHUNK_BYTES = 64 * 1024
# What each container probed is sent as when a moderator listens to the original.
_MEDIA_TYPES = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "matroska,webm": "audio/webm",
    "mov,mp4,m4a,3gp,3g2,mj2": "audio/mp4",
    "aac": "audio/aac",
    "flac": "audio/flac",
    "amr": "audio/amr",
}
_TEMP_FILES = "audio_temp_files"


class AudioRefused(ServiceError):
    """An upload that is not a recording the site takes: nothing is stored."""

    def __init__(self, message: str):
        super().__init__(message, field="audio")


@dataclass
class CheckedAudio:
    """An upload found to be a recording within the limits, written to a temporary file."""

    path: str
    size: int
    duration_seconds: float
    media_type: str

    def discard(self) -> None:
        """Remove the temporary file (done at the end of the request anyway)."""
        _remove(self.path)


def check_upload(file_storage) -> CheckedAudio | None:
    """The upload checked by its content (never its name or declared type); None when no
    file was sent. Refused (``AudioRefused``) when it is not audio, too big, too long or
    silent-empty; the temporary file is removed then, and at the end of the request."""
    if file_storage is None:
        return None
    path, size = _write_temp(file_storage)
    if size == 0 and not file_storage.filename:
        _remove(path)
        return None
    try:
        found = _probe(path, size)
    except AudioRefused:
        _remove(path)
        raise
    return CheckedAudio(path, size, found.duration_seconds, _media_type(found.format_name))


def _write_temp(file_storage) -> tuple[str, int]:
    """Copy the upload to a temporary file piece by piece, counting; refused past the limit."""
    limit = current_app.config["AUDIO_MAX_BYTES"]
    handle, path = tempfile.mkstemp(prefix="voix-audio-", suffix=".upload")
    _remove_after_request(path)
    size = 0
    with os.fdopen(handle, "wb") as out:
        while piece := file_storage.stream.read(COPY_CHUNK_BYTES):
            size += len(piece)
            if size > limit:
                break
            out.write(piece)
    if size > limit:
        _remove(path)
        raise AudioRefused(
            _(
                "Ce fichier est trop volumineux (%(size)s au plus) : enregistrez un message "
                "plus court.",
                size=megabytes(limit),
            )
        )
    return path, size


def _probe(path: str, size: int) -> processing.Probe:
    max_seconds = current_app.config["AUDIO_MAX_SECONDS"]
    if size == 0:
        raise AudioRefused(_empty_message())
    try:
        return processing.probe(path, max_seconds=max_seconds, time_limit=_time_left())
    except processing.TooLong:
        minutes = f"{max_seconds / 60:.1f}".removesuffix(".0").replace(".", ",")
        raise AudioRefused(
            _(
                "Cet enregistrement est trop long : il doit durer %(minutes)s minutes au plus.",
                minutes=minutes,
            )
        ) from None
    except processing.EmptyRecording:
        raise AudioRefused(_empty_message()) from None
    except (processing.NotAudio, processing.TooSlow):
        raise AudioRefused(
            _(
                "Ce fichier n’est pas un enregistrement sonore, ou il est incomplet : envoyez "
                "le fichier audio enregistré par votre téléphone ou votre ordinateur."
            )
        ) from None


def _empty_message() -> str:
    return _("Cet enregistrement est vide : aucun son n’a été enregistré. Recommencez.")


def _media_type(format_name: str) -> str:
    return _MEDIA_TYPES.get(format_name, "application/octet-stream")


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


def _remove_after_request(path: str) -> None:
    if has_request_context():
        g.setdefault(_TEMP_FILES, []).append(path)


def remove_temp_files(_error=None) -> None:
    """Teardown: the temporary files of the request's uploads go, whatever happened."""
    for path in g.pop(_TEMP_FILES, []):
        _remove(path)


_STARTED = "audio_decoding_started"


def _time_left() -> float:
    """What is left of AUDIO_REQUEST_SECONDS, one budget for all the decoding a request
    does (reading the upload, then the preview), counted from the first."""
    limit = current_app.config["AUDIO_REQUEST_SECONDS"]
    if not has_request_context():
        return limit
    started = g.setdefault(_STARTED, time.monotonic())
    return max(0.0, limit - (time.monotonic() - started))


def preview_disguised(checked: CheckedAudio) -> bytes:
    """The disguised MP3 of an upload, made at once and stored nowhere: the person hears
    how their voice will be published before sending. Within what is left of
    AUDIO_REQUEST_SECONDS; a failure is a ServiceError (the recording itself may still be
    sent)."""
    try:
        return processing.convert(checked.path, disguise=True, time_limit=_time_left())
    except (processing.TooSlow, av.FFmpegError, OSError, ValueError) as error:
        logger.warning("audio preview failed: %s", error)
        raise ServiceError(_("Impossible de préparer la voix déformée.")) from None


def attach(contribution: Contribution, checked: CheckedAudio) -> None:
    """Add the recording to the contribution in the caller's transaction: its original
    bytes, disguised unless it is an account holder's own testimony under their pseudonym,
    waiting for the worker. A contribution with a recording waits for a moderator (who
    writes the transcript).

    In the database, the original is written whole: at most AUDIO_MAX_BYTES, and a column
    written by pieces would be rewritten at each (SQLite's ``||`` and PostgreSQL's bytea
    alike), ten times the writes for a 10 MB file. In AUDIO_DIRECTORY, it is copied by
    pieces."""
    recording = AudioRecording(
        disguised=must_disguise(contribution),
        duration_seconds=checked.duration_seconds,
        original_media_type=checked.media_type,
        original_size=checked.size,
        state=AudioState.WAITING,
    )
    if audio_files.directory() is None:
        with open(checked.path, "rb") as upload:
            recording.original = upload.read()
    else:
        recording.original_file = _saved_original(checked.path)
    contribution.audio = recording
    contribution.state = ContributionState.PENDING


def _saved_original(path: str) -> str:
    """The upload copied into AUDIO_DIRECTORY; refused, the text kept, when it cannot be
    (the volume not mounted: /readyz says so too)."""
    try:
        return audio_files.save_path(path, audio_files.ORIGINAL)
    except (audio_files.StorageMissing, OSError):
        logger.exception("audio: the recording could not be stored in AUDIO_DIRECTORY")
        raise AudioRefused(
            _(
                "Votre enregistrement ne peut pas être reçu pour le moment. Envoyez votre "
                "témoignage par écrit, ou réessayez plus tard."
            )
        ) from None


def must_disguise(contribution: Contribution) -> bool:
    """Whether the published voice is disguised: always, except for an account holder who
    speaks for themself under their pseudonym. A guest, an anonymous author and the person
    an association recorded (who has no account, named by a first name or not) are all
    disguised: none of them chose to be heard in their own voice by everyone."""
    own_named_voice = (
        contribution.author is not None
        and contribution.recorded_for_id is None
        and contribution.recorded_for is None
        and contribution.display_mode is DisplayMode.PSEUDONYM
    )
    return not own_named_voice


@retry_when_busy
def save_transcript(moderator, contribution: Contribution, text: str, commit: bool = True) -> None:
    """The moderator writes or corrects what the recording says (required to publish).
    ``commit=False``: written in the caller's transaction (a decision's, kept or rolled
    back with it)."""
    if not policy.can_moderate(moderator, contribution):
        raise PermissionDenied
    recording = contribution.audio
    if recording is None:
        raise ServiceError(_("Cette contribution n’a pas d’enregistrement."), field="transcript")
    text = text.replace("\r\n", "\n").strip()
    if len(text) > AudioRecording.TRANSCRIPT_MAX:
        raise ServiceError(
            too_long_message(len(text), AudioRecording.TRANSCRIPT_MAX), field="transcript"
        )
    recording.transcript = text
    recording.transcript_by_id = moderator.id
    audit.record(moderator, AuditAction.TRANSCRIPT_WRITTEN, "contribution", contribution.id)
    if commit:
        db.session.commit()
    else:
        db.session.flush()


def forget_original(recording: AudioRecording) -> None:
    """After a decision: the original goes once the converted file exists (until then it
    is kept, so a conversion never loses the recording). In the caller's transaction."""
    if recording.state is not AudioState.READY:
        return
    forget_originals(
        sa.and_(AudioRecording.id == recording.id, AudioRecording.state == AudioState.READY)
    )


def forget_originals(condition) -> int:
    """Delete the originals of the recordings matching ``condition`` (the converted files
    stay); in the caller's transaction, the files once it commits. How many."""
    held = sa.or_(AudioRecording.original.is_not(None), AudioRecording.original_file != "")
    files = db.session.scalars(sa.select(AudioRecording.original_file).where(condition, held)).all()
    audio_files.delete_after_commit(files)
    return db.session.execute(
        sa.update(AudioRecording)
        .where(condition, held)
        .values(original=None, original_file="", original_deleted_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount


def delete_recordings(condition) -> int:
    """Delete the recordings of the contributions matching ``condition`` (a withdrawal,
    a refusal, a deleted account): the voice goes, originals and converted files alike.
    In the caller's transaction; returns how many."""
    contribution_ids = sa.select(Contribution.id).where(condition)
    deleted = db.session.execute(
        sa.delete(AudioRecording)
        .where(AudioRecording.contribution_id.in_(contribution_ids))
        .returning(AudioRecording.original_file, AudioRecording.media_file)
        .execution_options(synchronize_session=False)
    ).all()
    # The names the deleted rows held: a file written by a worker meanwhile is among them.
    audio_files.delete_after_commit(name for row in deleted for name in row)
    return len(deleted)


def convert_waiting(worker_id: str, limit: int = 5) -> int:
    """The worker's job: convert up to ``limit`` waiting recordings (or ones whose claim
    lapsed: their worker was killed); returns how many are now ready."""
    converted = 0
    _give_up_on_lapsed_claims()
    for recording_id in _candidates(limit):
        if _claim(recording_id, worker_id):
            converted += _convert_one(recording_id, worker_id)
    return converted


def _lapsed_before():
    return utcnow() - timedelta(seconds=current_app.config["AUDIO_CLAIM_SECONDS"])


def _lapsed_claim():
    """Claimed by a worker long gone (killed, or stopped by the machine)."""
    return sa.and_(
        AudioRecording.state == AudioState.CONVERTING,
        AudioRecording.claimed_at < _lapsed_before(),
    )


def _tries_left():
    return AudioRecording.attempts < current_app.config["AUDIO_MAX_ATTEMPTS"]


def _claimable():
    """Waiting, or claimed by a worker long gone with tries left; never a withdrawn
    testimony's (its recording is deleted on withdrawal: this holds even if one was left
    behind)."""
    withdrawn = sa.select(Contribution.id).where(Contribution.withdrawn_at.is_not(None))
    return sa.and_(
        sa.or_(
            AudioRecording.state == AudioState.WAITING,
            sa.and_(_lapsed_claim(), _tries_left()),
        ),
        AudioRecording.contribution_id.not_in(withdrawn),
    )


def _give_up_on_lapsed_claims() -> None:
    """A recording whose worker died at each of its AUDIO_MAX_ATTEMPTS tries (a file that
    kills the decoder, say) is FAILED, shown as such to moderators, never taken again.

    Looked for first: an UPDATE of recordings, even of no row, renews the content version
    (app/models/content_version.py), and every cached page with it, at each round."""
    hopeless = sa.and_(_lapsed_claim(), sa.not_(_tries_left()))
    if not db.session.scalar(sa.select(sa.exists().where(hopeless))):
        db.session.commit()
        return
    given_up = db.session.execute(
        sa.update(AudioRecording)
        .where(hopeless)
        .values(
            state=AudioState.FAILED,
            claimed_at=None,
            last_error="The worker stopped while converting it, at every try.",
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if given_up:
        logger.warning("audio: %s conversion(s) given up, their worker stopped each time", given_up)


def _candidates(limit: int) -> list[int]:
    ids = list(
        db.session.scalars(
            sa.select(AudioRecording.id)
            .where(_claimable())
            .order_by(AudioRecording.created_at, AudioRecording.id)
            .limit(limit)
        )
    )
    db.session.commit()  # no transaction left open while converting
    return ids


def _claim(recording_id: int, worker_id: str) -> bool:
    """A conditional UPDATE: of two workers, one claims the recording."""
    claimed = db.session.execute(
        sa.update(AudioRecording)
        .where(AudioRecording.id == recording_id, _claimable())
        .values(
            state=AudioState.CONVERTING,
            claimed_at=utcnow(),
            claimed_by=worker_id,
            attempts=AudioRecording.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _convert_one(recording_id: int, worker_id: str) -> int:
    started = time.perf_counter()
    recording = db.session.get(AudioRecording, recording_id)
    if recording is None:  # deleted meanwhile (withdrawn, refused)
        db.session.commit()
        return 0
    disguised, attempts = recording.disguised, recording.attempts
    try:
        with _original_as_file(recording) as path:
            limit = current_app.config["AUDIO_CONVERT_SECONDS"]
            media = processing.convert(path, disguise=disguised, time_limit=limit)
        in_files = audio_files.directory() is not None
        media_file = audio_files.save_bytes(media, audio_files.CONVERTED) if in_files else ""
    except Exception as error:  # FFmpeg's failure, or the file's: the job's failure
        _failed(recording_id, worker_id, attempts, error)
        return 0
    _ready(recording_id, worker_id, media, media_file)
    logger.info(
        "audio %s: converted by %s (%s bytes, disguised=%s) in %.0f ms",
        recording_id,
        worker_id,
        len(media),
        disguised,
        (time.perf_counter() - started) * 1000,
    )
    return 1


@contextlib.contextmanager
def _original_as_file(recording: AudioRecording) -> Iterator[str]:
    """The original as a file FFmpeg reads: its own in AUDIO_DIRECTORY, or a temporary copy
    from the database, written a piece at a time and removed after. The transaction is
    over before FFmpeg starts: none is left open while converting."""
    name, size = recording.original_file, recording.original_size
    if name:
        db.session.commit()
        yield str(audio_files.path_of(name))
        return
    handle, path = tempfile.mkstemp(prefix="voix-audio-", suffix=".original")
    try:
        written = 0
        with os.fdopen(handle, "wb") as out:
            for piece in stored_files.pieces(
                AudioRecording.original, AudioRecording.id == recording.id, stop=size
            ):
                written += out.write(piece)
        db.session.commit()
        if not written:
            raise ValueError("no original left to convert")
        if written != size:  # deleted or replaced while copied: never convert a part
            raise ValueError(f"original copied short: {written} of {size} bytes")
        yield path
    finally:
        _remove(path)


def _mine(recording_id: int, worker_id: str):
    return sa.and_(
        AudioRecording.id == recording_id,
        AudioRecording.state == AudioState.CONVERTING,
        AudioRecording.claimed_by == worker_id,
    )


def _ready(recording_id: int, worker_id: str, media: bytes, media_file: str) -> None:
    """The converted file and READY, in one commit: never half-converted. Already decided
    (hidden since, say), the original goes at once."""
    now = utcnow()
    written = db.session.execute(
        sa.update(AudioRecording)
        .where(_mine(recording_id, worker_id))
        .values(
            state=AudioState.READY,
            media=None if media_file else media,
            media_file=media_file,
            media_type=processing.MEDIA_TYPE,
            media_size=len(media),
            converted_at=now,
            claimed_at=None,
            last_error="",
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    decided = sa.select(Contribution.id).where(Contribution.state != ContributionState.PENDING)
    forget_originals(
        sa.and_(
            AudioRecording.id == recording_id,
            AudioRecording.state == AudioState.READY,
            AudioRecording.contribution_id.in_(decided),
        )
    )
    db.session.commit()
    if not written:  # no longer this worker's (deleted, taken again): its file is no one's
        audio_files.delete_now(media_file)


def _failed(recording_id: int, worker_id: str, attempts: int, error: Exception) -> None:
    """Back to waiting for another try, or FAILED after AUDIO_MAX_ATTEMPTS: moderators see it."""
    db.session.rollback()
    gave_up = attempts >= current_app.config["AUDIO_MAX_ATTEMPTS"]
    db.session.execute(
        sa.update(AudioRecording)
        .where(_mine(recording_id, worker_id))
        .values(
            state=AudioState.FAILED if gave_up else AudioState.WAITING,
            claimed_at=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    logger.warning(
        "audio %s: conversion failed (attempt %s%s): %s",
        recording_id,
        attempts,
        ", given up" if gave_up else "",
        error,
    )
