"""Recordings kept as files in AUDIO_DIRECTORY (a volume every app server shares) rather
than in the database: written whole or not at all, played with ranges from the file,
deleted with the row that named them (once its transaction commits), swept when a
cascade or a crash left them, exported in "Mes données", archived by the backup."""

import base64
import io
import os
import sqlite3
import tarfile
import time

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import (
    AudioRecording,
    AudioState,
    Contribution,
    ContributionKind,
    DisplayMode,
    ModerationAction,
    ModerationReason,
    Proposal,
)
from app.ops.backup import BackupError, create_backup, recordings_archive, restore_backup
from app.services import audio as service
from app.services import audio_files, privacy
from app.services import contributions as contributions_service
from app.services.moderation import decide
from tests import audio_samples as samples
from tests.helpers import exported_data


@pytest.fixture
def folder(app, tmp_path, monkeypatch):
    path = tmp_path / "voix-audio"
    path.mkdir()
    monkeypatch.setitem(app.config, "AUDIO_DIRECTORY", str(path))
    return path


def _upload(data: bytes):
    return service.check_upload(FileStorage(stream=io.BytesIO(data), filename="a.wav"))


def _testimony(proposal, data: bytes) -> Contribution:
    return contributions_service.post_guest_testimony(
        proposal, "", name="", contact="", audio=_upload(data)
    )


def _recording(testimony) -> AudioRecording:
    contribution_id = testimony if isinstance(testimony, int) else testimony.id
    db.session.expire_all()
    return db.session.scalar(
        sa.select(AudioRecording).where(AudioRecording.contribution_id == contribution_id)
    )


def _files(folder) -> list[str]:
    return sorted(os.listdir(folder)) if folder.exists() else []


def _publish(moderator, testimony) -> None:
    service.save_transcript(moderator, testimony, "Je dors dehors.")
    decide(
        moderator, testimony, ModerationAction.APPROVE, ModerationReason.COMPLIANT, "",
        testimony.version,
    )  # fmt: skip


def test_the_original_is_a_file_and_not_in_the_database(folder, make_proposal):
    wav = samples.tone_wav()
    testimony = _testimony(make_proposal(), wav)
    recording = _recording(testimony)
    assert recording.original is None and recording.original_size == len(wav)
    assert _files(folder) == [recording.original_file]
    assert recording.original_file.endswith(".original")
    assert (folder / recording.original_file).read_bytes() == wav
    assert oct((folder / recording.original_file).stat().st_mode & 0o777) == "0o600"


def test_converted_published_and_played_with_ranges_from_the_file(
    folder, make_proposal, make_user, client
):
    moderator = make_user("moderator")
    testimony = _testimony(make_proposal(), samples.tone_wav())
    assert service.convert_waiting("worker-a") == 1
    recording = _recording(testimony)
    assert recording.state is AudioState.READY and recording.media is None
    media = (folder / recording.media_file).read_bytes()
    assert recording.media_size == len(media) > 0 and recording.media_file.endswith(".mp3")
    original = recording.original_file
    assert client.get(f"/contributions/{testimony.id}/audio").status_code == 404  # waiting
    _publish(moderator, testimony)
    assert _files(folder) == [recording.media_file]  # the original went with the decision
    assert _recording(testimony).original_file == "" and not (folder / original).exists()
    whole = client.get(f"/contributions/{testimony.id}/audio")
    assert whole.status_code == 200 and whole.mimetype == "audio/mpeg"
    assert whole.headers["Content-Length"] == str(len(media)) and whole.data == media
    part = client.get(f"/contributions/{testimony.id}/audio", headers={"Range": "bytes=10-109"})
    assert part.status_code == 206 and part.data == media[10:110]
    assert part.headers["Content-Range"] == f"bytes 10-109/{len(media)}"


def test_a_withdrawal_deletes_the_files_once_committed(folder, make_proposal, make_user):
    author = make_user()
    testimony = contributions_service.post_contribution(
        author,
        make_proposal(),
        ContributionKind.TESTIMONY,
        "",
        DisplayMode.PSEUDONYM,
        audio=_upload(samples.tone_wav()),
    )
    service.convert_waiting("worker-a")
    assert len(_files(folder)) == 2  # the original and the converted file
    service.delete_recordings(Contribution.id == testimony.id)
    db.session.rollback()  # not committed: the row still names them
    assert len(_files(folder)) == 2
    contributions_service.withdraw_contribution(author, testimony)
    assert _files(folder) == []
    assert _recording(testimony) is None


def test_a_refusal_deletes_the_files(folder, make_proposal, make_user):
    moderator = make_user("moderator")
    testimony = _testimony(make_proposal(), samples.tone_wav())
    decide(
        moderator, testimony, ModerationAction.REJECT, ModerationReason.OFF_TOPIC, "Hors sujet.",
        testimony.version,
    )  # fmt: skip
    assert _files(folder) == []


def test_the_purge_forgets_old_originals_and_sweeps_what_no_row_names(
    folder, app, make_proposal, monkeypatch
):
    proposal = make_proposal()
    gone = _testimony(proposal, samples.tone_wav()).id
    kept = _testimony(make_proposal(), samples.tone_wav())
    db.session.execute(sa.delete(Proposal).where(Proposal.id == proposal.id))  # cascades
    db.session.commit()
    assert _recording(gone) is None and len(_files(folder)) == 2  # left behind
    stray = folder / ("ab" * 16 + ".mp3")
    stray.write_bytes(b"a conversion whose commit never came")
    (folder / ("cd" * 16 + ".original.part")).write_bytes(b"an upload cut off")
    foreign = folder / "README"
    foreign.write_text("not ours")
    counts = privacy.purge_personal_data()
    assert counts["audio_files"] == 0  # too young: their transaction may be under way
    hour_ago = time.time() - audio_files.SWEEP_GRACE.total_seconds() - 60
    for name in _files(folder):
        os.utime(folder / name, (hour_ago, hour_ago))
    counts = privacy.purge_personal_data()
    assert counts["audio_files"] == 3
    assert _files(folder) == sorted([_recording(kept).original_file, "README"])
    monkeypatch.setitem(app.config, "GUEST_CONTACT_RETENTION_DAYS", -1)  # all are old
    counts = privacy.purge_personal_data()
    assert counts["audio_originals"] == 1 and _files(folder) == ["README"]
    assert _recording(kept).original_deleted_at is not None


def test_my_data_exports_the_files(folder, make_proposal, make_user):
    author = make_user()
    wav = samples.tone_wav()
    contributions_service.post_contribution(
        author, make_proposal(), ContributionKind.TESTIMONY, "", DisplayMode.PSEUDONYM,
        audio=_upload(wav),
    )  # fmt: skip
    [exported] = exported_data(author)["recordings"]
    assert base64.b64decode(exported["content_base64"]) == wav
    service.convert_waiting("worker-a")
    [exported] = exported_data(author)["recordings"]
    assert exported["media_type"] == "audio/mpeg"
    assert base64.b64decode(exported["content_base64"])[:1] == b"\xff"


def test_the_backup_archives_the_directory_and_the_restore_puts_it_back(
    folder, make_proposal, tmp_path
):
    """The files go in a tar beside the database's copy (a small SQLite database stands
    for it here: the dump itself is tests/test_backup.py's, on both databases)."""
    testimony = _testimony(make_proposal(), samples.tone_wav())
    name = _recording(testimony).original_file
    (folder / ("cd" * 16 + ".mp3.part")).write_bytes(b"being written")  # never archived
    source, target = tmp_path / "site.sqlite", tmp_path / "restored.sqlite"
    for path in (source, target):
        sqlite3.connect(path).close()
    output = create_backup(f"sqlite:///{source}", tmp_path / "backup.sqlite", folder)
    archive = recordings_archive(output)
    with tarfile.open(archive) as tar:
        assert tar.getnames() == [name]
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    (folder / name).unlink()
    restore_backup(f"sqlite:///{target}", output, overwrite=True, recordings=folder)
    assert (folder / name).read_bytes() == samples.tone_wav()


def test_a_restore_refuses_an_archive_with_anything_but_recordings(folder, tmp_path):
    source = tmp_path / "site.sqlite"
    sqlite3.connect(source).close()
    output = create_backup(f"sqlite:///{source}", tmp_path / "backup.sqlite", folder)
    archive = recordings_archive(output)
    archive.unlink()
    outside = tmp_path / "evil"
    outside.write_text("x")
    with tarfile.open(archive, "w") as tar:
        tar.add(outside, arcname="../evil")
    with pytest.raises(BackupError, match="ne contient pas que des enregistrements"):
        restore_backup(f"sqlite:///{source}", output, overwrite=True, recordings=folder)
    assert _files(folder) == []


def test_a_savepoint_released_then_rolled_back_deletes_nothing(folder, make_proposal):
    testimony = _testimony(make_proposal(), samples.tone_wav())
    # A write first: SQLite's driver opens the outer transaction only before one (a
    # SAVEPOINT alone would begin it, and its release commit it).
    db.session.execute(sa.update(AudioRecording).values(transcript="Je dors dehors."))
    with db.session.begin_nested():
        service.delete_recordings(Contribution.id == testimony.id)
    assert len(_files(folder)) == 1  # the savepoint released: the transaction goes on
    db.session.rollback()
    assert len(_files(folder)) == 1 and _recording(testimony) is not None


def test_a_conversion_whose_claim_was_lost_leaves_no_file(folder, make_proposal):
    testimony = _testimony(make_proposal(), samples.tone_wav())
    recording = _recording(testimony)
    assert service._claim(recording.id, "worker-a")
    db.session.execute(sa.update(AudioRecording).values(claimed_by="worker-b"))  # taken over
    db.session.commit()
    service._convert_one(recording.id, "worker-a")
    assert _files(folder) == [recording.original_file]
    assert _recording(testimony).media_file == ""


def test_without_its_directory_a_recording_is_refused_and_the_site_says_degraded(
    folder, make_proposal, client
):
    folder.rmdir()  # the volume not mounted
    with pytest.raises(service.AudioRefused, match="ne peut pas être reçu pour le moment"):
        _testimony(make_proposal(), samples.tone_wav())
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(AudioRecording.id))) == 0
    assert not folder.exists()  # never created in its place
    answer = client.get("/readyz").get_json()
    assert answer["status"] == "degraded" and answer["checks"]["audio_directory"] == "missing"


def test_a_missing_file_is_not_found_rather_than_an_empty_body(
    folder, make_proposal, make_user, client
):
    moderator = make_user("moderator")
    testimony = _testimony(make_proposal(), samples.tone_wav())
    service.convert_waiting("worker-a")
    _publish(moderator, testimony)
    assert client.get(f"/contributions/{testimony.id}/audio").status_code == 200
    (folder / _recording(testimony).media_file).unlink()
    assert client.get(f"/contributions/{testimony.id}/audio").status_code == 404
    assert client.head(f"/contributions/{testimony.id}/audio").status_code == 404


def test_the_backup_refuses_a_missing_directory_and_the_restore_checks_first(
    folder, app, make_proposal, tmp_path
):
    _testimony(make_proposal(), samples.tone_wav())
    source, target = tmp_path / "site.sqlite", tmp_path / "restored.sqlite"
    for path in (source, target):
        sqlite3.connect(path).close()
    output = create_backup(f"sqlite:///{source}", tmp_path / "backup.sqlite", folder)
    with pytest.raises(BackupError, match="réglez AUDIO_DIRECTORY"):  # before the database
        restore_backup(f"sqlite:///{target}", output, overwrite=True, recordings=None)
    recordings_archive(output).unlink()  # a backup from before AUDIO_DIRECTORY
    restore_backup(f"sqlite:///{target}", output, overwrite=True, recordings=folder)
    with pytest.raises(BackupError, match="le volume des enregistrements est-il monté"):
        create_backup(f"sqlite:///{source}", tmp_path / "again.sqlite", tmp_path / "absent")
    assert not (tmp_path / "again.sqlite").exists()
