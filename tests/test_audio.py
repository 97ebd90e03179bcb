"""Spoken testimonies: an upload checked by its content, the conversion (MP3, no metadata,
the voice disguised), the worker's job, the moderation gate, and privacy. Audio is made in
the tests (tests/audio_samples.py)."""

import base64
import io
import json
import os
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from app.audio import processing
from app.extensions import db
from app.models import (
    AudioRecording,
    AudioState,
    AuditAction,
    AuditEvent,
    Contribution,
    ContributionKind,
    ContributionState,
    DisplayMode,
    ModerationAction,
    ModerationReason,
    utcnow,
)
from app.services import ServiceError, privacy
from app.services import audio as service
from app.services import contributions as contributions_service
from app.services.moderation import decide
from app.web.page_cache import current_version
from tests import audio_samples as samples
from tests.conftest import PASSWORD, login
from tests.helpers import exported_data

MP3_FRAME_SYNC = b"\xff"


def upload(data: bytes, filename="enregistrement.webm", content_type="audio/webm"):
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type=content_type)


def checked(data: bytes, **kwargs) -> service.CheckedAudio:
    result = service.check_upload(upload(data, **kwargs))
    assert result is not None
    return result


@pytest.fixture
def webm(tmp_path) -> bytes:
    return samples.browser_webm(tmp_path)


@pytest.fixture
def proposal(make_proposal):
    return make_proposal()


def guest_testimony(proposal, data: bytes, body="") -> Contribution:
    return contributions_service.post_guest_testimony(
        proposal, body, name="", contact="", audio=checked(data)
    )


def recordings() -> list[AudioRecording]:
    return list(db.session.scalars(sa.select(AudioRecording).order_by(AudioRecording.id)))


@pytest.fixture
def temp_files(monkeypatch) -> list[str]:
    """The temporary files the upload check makes in this test (whatever other processes
    write to the same folder)."""
    made = []
    mkstemp = service.tempfile.mkstemp

    def recorded(*args, **kwargs):
        handle, path = mkstemp(*args, **kwargs)
        made.append(path)
        return handle, path

    monkeypatch.setattr(service.tempfile, "mkstemp", recorded)
    return made


def left(paths: list[str]) -> list[str]:
    return [path for path in paths if os.path.exists(path)]


# -- the upload, checked by its content ------------------------------------------------


def test_no_file_sent_is_no_recording():
    assert service.check_upload(upload(b"", filename="", content_type="")) is None
    assert service.check_upload(None) is None


@pytest.mark.parametrize("name", ["wav", "webm"])
def test_a_recording_is_taken_whatever_its_name(name, webm):
    data = samples.tone_wav() if name == "wav" else webm
    # Named and typed as anything: only its content counts.
    result = checked(data, filename="photo.jpg", content_type="image/jpeg")
    assert abs(result.duration_seconds - 2.0) < 0.1
    assert result.size == len(data)
    assert result.media_type == {"wav": "audio/wav", "webm": "audio/webm"}[name]
    with open(result.path, "rb") as written:
        assert written.read() == data
    result.discard()
    assert not os.path.exists(result.path)


NOT_AUDIO = "Ce fichier n’est pas un enregistrement sonore"
EMPTY = "Cet enregistrement est vide"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda webm: samples.PDF, NOT_AUDIO),
        (lambda webm: samples.HTML, NOT_AUDIO),
        (lambda webm: samples.PNG, NOT_AUDIO),
        (lambda webm: samples.tone_wav()[:30], NOT_AUDIO),  # cut in its header
        (lambda webm: samples.tone_wav()[: len(samples.tone_wav()) // 2], NOT_AUDIO),
        (lambda webm: webm[: len(webm) // 2], NOT_AUDIO),
        (lambda webm: samples.empty_wav(), EMPTY),
        (lambda webm: b"", EMPTY),
    ],
    ids=["pdf", "html", "image", "cut-header", "truncated-wav", "truncated-webm", "silent", "0"],
)
def test_what_is_not_a_recording_is_refused(make, message, webm, proposal, temp_files):
    with pytest.raises(service.AudioRefused) as refused:
        service.check_upload(upload(make(webm), filename="temoignage.mp3"))
    assert message in str(refused.value)
    assert refused.value.field == "audio"
    assert temp_files and left(temp_files) == []  # its temporary file is gone
    assert recordings() == []


def test_too_long_a_recording_is_refused():
    with pytest.raises(service.AudioRefused) as refused:
        service.check_upload(upload(samples.tone_wav(190, rate=8000)))
    assert "3 minutes au plus" in str(refused.value)


def test_too_big_a_file_is_refused_without_reading_it_all(app, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIO_MAX_BYTES", 50_000)
    read = []

    class Counted(io.BytesIO):
        def read(self, size=-1):
            piece = super().read(size)
            read.append(len(piece))
            return piece

    data = samples.tone_wav(5)
    with pytest.raises(service.AudioRefused) as refused:
        service.check_upload(FileStorage(stream=Counted(data), filename="a.wav"))
    assert "trop volumineux" in str(refused.value)
    assert sum(read) < len(data)  # it stopped reading at the limit


def test_refusals_are_translated(app):
    with app.test_request_context(headers={"Accept-Language": "ar"}):
        from flask_babel import force_locale

        with force_locale("en"), pytest.raises(service.AudioRefused) as refused:
            service.check_upload(upload(samples.PDF))
        assert "not a sound recording" in str(refused.value)


# -- conversion ------------------------------------------------------------------------


@pytest.mark.parametrize("disguise", [False, True])
def test_the_converted_file_is_a_small_mp3_without_any_metadata(disguise, webm, tmp_path):
    source = tmp_path / "recorded.webm"
    source.write_bytes(webm)
    assert samples.metadata_of(webm)["title"] == samples.SECRET_TITLE
    media = processing.convert(str(source), disguise=disguise)
    # Every tag goes: ID3v1/v2, Xing/Info, the container's metadata, the title and artist
    # of the original. libmp3lame's version string stays in the frames' padding: it names
    # the software, nothing about the person.
    assert media[:1] == MP3_FRAME_SYNC  # a bare MPEG frame: no ID3 tag in front
    for trace in (b"ID3", b"TAG", b"Lavf", b"Jeanne", b"Dupont", b"Xing", b"Info"):
        assert trace not in media
    assert samples.metadata_of(media) == {}
    found = processing.probe(_written(tmp_path, media))
    assert (found.format_name, found.codec_name) == ("mp3", "mp3float")
    _samples, rate, duration = samples.decoded(media)
    assert rate == processing.OUTPUT_RATE
    assert abs(duration - 2.0) < 0.1
    assert len(media) < 2.2 * processing.OUTPUT_BITRATE / 8  # about 48 kb/s


def _written(tmp_path, data: bytes) -> str:
    path = tmp_path / "written.bin"
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize("source", ["wav", "webm"])
def test_a_disguised_voice_is_lower_and_lasts_as_long(source, webm, tmp_path):
    data = samples.tone_wav(3) if source == "wav" else samples.browser_webm(tmp_path, 3)
    path = _written(tmp_path, data)
    plain = processing.convert(path, disguise=False)
    disguised = processing.convert(path, disguise=True)
    assert samples.dominant_frequency(plain) == pytest.approx(samples.TONE_HZ, rel=0.02)
    assert _lowered_within_the_range(samples.dominant_frequency(disguised))
    assert samples.decoded(disguised)[2] == pytest.approx(samples.decoded(plain)[2], rel=0.05)


def _lowered_within_the_range(hertz: float) -> bool:
    low, high = processing.DISGUISE_FACTORS
    return samples.TONE_HZ * low * 0.98 <= hertz <= samples.TONE_HZ * high * 1.02


def test_each_disguise_draws_its_own_factor(webm, tmp_path, monkeypatch):
    drawn = [processing.disguise_factor() for _ in range(200)]
    low, high = processing.DISGUISE_FACTORS
    assert 0.75 <= low < high <= 0.85
    assert all(low <= factor <= high for factor in drawn)
    assert len(set(drawn)) == len(drawn)  # not one fixed factor to invert
    assert min(drawn) < low + 0.02 and max(drawn) > high - 0.02
    path = _written(tmp_path, samples.tone_wav(3))
    for factor in (low, high):  # the conversion uses the factor drawn for it
        monkeypatch.setattr(processing, "disguise_factor", lambda factor=factor: factor)
        media = processing.convert(path, disguise=True)
        assert samples.dominant_frequency(media) == pytest.approx(
            samples.TONE_HZ * factor, rel=0.02
        )


def test_the_preview_is_the_disguised_file_and_stores_nothing(webm):
    upload_checked = checked(webm)
    preview = service.preview_disguised(upload_checked)
    assert _lowered_within_the_range(samples.dominant_frequency(preview))
    assert recordings() == []


# -- testimonies with a recording -------------------------------------------------------


def test_a_guest_recording_is_stored_waiting_and_disguised(proposal, temp_files):
    data = samples.tone_wav()
    testimony = guest_testimony(proposal, data)
    assert temp_files and left(temp_files) == []  # its temporary file went once stored
    [recording] = recordings()
    assert recording.contribution_id == testimony.id
    assert testimony.body == "" and testimony.state is ContributionState.PENDING
    assert recording.state is AudioState.WAITING
    assert recording.disguised is True
    assert recording.original == data and recording.original_size == len(data)
    assert recording.original_media_type == "audio/wav"
    assert recording.duration_seconds == pytest.approx(2.0, abs=0.05)


def test_an_account_testimony_with_a_recording_waits_for_moderation(proposal, make_user, webm):
    author = make_user()
    kept_theme_open = proposal.theme  # not premoderated: a text alone would be published
    testimony = contributions_service.post_contribution(
        author,
        proposal,
        ContributionKind.TESTIMONY,
        "",
        DisplayMode.PSEUDONYM,
        audio=checked(webm),
    )
    assert kept_theme_open is not None
    assert testimony.state is ContributionState.PENDING
    assert testimony.audio.disguised is False
    anonymous = contributions_service.post_contribution(
        make_user(),
        proposal,
        ContributionKind.TESTIMONY,
        "Et aussi ceci.",
        DisplayMode.ANONYMOUS,
        audio=checked(webm),
    )
    assert anonymous.audio.disguised is True and anonymous.body == "Et aussi ceci."


def test_an_assisted_testimony_is_disguised_named_or_not(proposal, make_user, webm):
    # The person recorded has no account: only an account holder speaking under their own
    # pseudonym is heard in their own voice.
    recorder = make_user("association_member", organisation=proposal.organisation)
    named, unnamed = (
        contributions_service.post_assisted_testimony(
            recorder,
            proposal,
            proposal.organisation,
            "",
            first_name,
            consent=True,
            audio=checked(webm),
        )
        for first_name in ("Karim", "")
    )
    assert named.audio.disguised is True and unnamed.audio.disguised is True
    assert named.display_mode is DisplayMode.PSEUDONYM
    assert named.state is unnamed.state is ContributionState.PENDING


def test_without_text_or_recording_a_testimony_is_refused(proposal):
    with pytest.raises(ServiceError, match="Écrivez votre texte"):
        contributions_service.post_guest_testimony(proposal, "  ", name="", contact="")
    assert db.session.scalar(sa.select(sa.func.count(Contribution.id))) == 0


def test_text_too_long_with_a_recording_is_still_refused(app, proposal):
    long_text = "a" * (app.config["TESTIMONY_MAX_LENGTH"] + 1)
    with pytest.raises(ServiceError):
        guest_testimony(proposal, samples.tone_wav(), body=long_text)
    assert recordings() == []


# -- the worker's job ------------------------------------------------------------------


def test_the_worker_converts_a_waiting_recording(proposal, webm):
    guest_testimony(proposal, webm)
    assert service.convert_waiting("worker-a") == 1
    [recording] = recordings()
    db.session.refresh(recording)
    assert recording.state is AudioState.READY
    assert recording.media_type == "audio/mpeg"
    assert recording.media_size == len(recording.media) > 0
    assert recording.attempts == 1 and recording.last_error == ""
    assert recording.converted_at is not None
    assert recording.original == webm  # kept until the moderation decision
    assert _lowered_within_the_range(samples.dominant_frequency(recording.media))
    assert service.convert_waiting("worker-a") == 0  # nothing left


def test_a_withdrawn_testimony_is_never_converted(app, proposal):
    _waiting, claimed = (guest_testimony(proposal, samples.tone_wav()) for _ in range(2))
    lapsed = utcnow() - timedelta(seconds=app.config["AUDIO_CLAIM_SECONDS"] + 1)
    db.session.execute(  # its worker died while converting it
        sa.update(AudioRecording)
        .where(AudioRecording.contribution_id == claimed.id)
        .values(state=AudioState.CONVERTING, claimed_at=lapsed, claimed_by="worker-a")
    )
    db.session.execute(  # withdrawn, its recording left behind (a withdrawal deletes it)
        sa.update(Contribution).values(withdrawn_at=utcnow())
    )
    db.session.commit()
    assert service.convert_waiting("worker-b") == 0
    states = db.session.execute(
        sa.select(AudioRecording.state, AudioRecording.media, AudioRecording.claimed_by).order_by(
            AudioRecording.id
        )
    ).all()
    assert states == [
        (AudioState.WAITING, None, ""),
        (AudioState.CONVERTING, None, "worker-a"),
    ]


def _corrupt(recording: AudioRecording) -> None:
    db.session.execute(
        sa.update(AudioRecording)
        .where(AudioRecording.id == recording.id)
        .values(original=b"not audio any more")
    )
    db.session.commit()


def test_a_failing_conversion_is_retried_then_failed(app, proposal, caplog):
    guest_testimony(proposal, samples.tone_wav())
    [recording] = recordings()
    _corrupt(recording)
    for attempt in range(1, app.config["AUDIO_MAX_ATTEMPTS"] + 1):
        assert service.convert_waiting("worker-a") == 0
        db.session.refresh(recording)
        assert recording.attempts == attempt
        assert recording.last_error
        assert recording.media is None  # never half-converted
    assert recording.state is AudioState.FAILED
    assert service.convert_waiting("worker-a") == 0  # given up: not tried again
    db.session.refresh(recording)
    assert recording.attempts == app.config["AUDIO_MAX_ATTEMPTS"]
    assert recording.original == b"not audio any more"  # a moderator can still listen
    assert "conversion failed" in caplog.text


def test_a_claim_is_taken_once_and_a_lapsed_one_again(app, proposal):
    guest_testimony(proposal, samples.tone_wav())
    [recording] = recordings()
    db.session.execute(  # a worker claimed it a moment ago, and is converting it
        sa.update(AudioRecording).values(
            state=AudioState.CONVERTING, claimed_at=utcnow(), claimed_by="worker-a", attempts=1
        )
    )
    db.session.commit()
    assert service.convert_waiting("worker-b") == 0
    lapsed = utcnow() - timedelta(seconds=app.config["AUDIO_CLAIM_SECONDS"] + 1)
    db.session.execute(sa.update(AudioRecording).values(claimed_at=lapsed))  # killed
    db.session.commit()
    assert service.convert_waiting("worker-b") == 1
    db.session.refresh(recording)
    assert recording.state is AudioState.READY
    assert (recording.claimed_by, recording.attempts) == ("worker-b", 2)


def test_an_idle_round_keeps_the_cached_pages(app, proposal):
    """Nothing to convert or give up: the worker writes nothing, so the content version
    (and every cached page) stays; a conversion changes it (the page shows the player)."""
    version = current_version()
    assert service.convert_waiting("worker-a") == 0
    assert current_version() == version
    guest_testimony(proposal, samples.tone_wav())
    version = current_version()
    assert service.convert_waiting("worker-a") == 1
    assert current_version() != version


def test_a_conversion_past_its_time_limit_is_a_failed_try(app, proposal, monkeypatch):
    guest_testimony(proposal, samples.tone_wav())
    [recording] = recordings()
    monkeypatch.setitem(app.config, "AUDIO_CONVERT_SECONDS", 0)
    assert service.convert_waiting("worker-a") == 0
    db.session.refresh(recording)
    assert recording.state is AudioState.WAITING and recording.attempts == 1
    assert recording.last_error.startswith("TooSlow: decoding past its time limit")
    assert recording.media is None
    monkeypatch.setitem(app.config, "AUDIO_CONVERT_SECONDS", 60)
    assert service.convert_waiting("worker-a") == 1  # the next try, in time


def test_a_recording_whose_worker_dies_at_every_try_is_failed(app, proposal, caplog):
    """A file that kills the worker each time is not tried forever: after the last lapsed
    try it is FAILED, which moderators see, and the other recordings go on."""
    guest_testimony(proposal, samples.tone_wav())
    [recording] = recordings()
    lapsed = utcnow() - timedelta(seconds=app.config["AUDIO_CLAIM_SECONDS"] + 1)
    for attempt in range(1, app.config["AUDIO_MAX_ATTEMPTS"] + 1):
        assert service._claim(recording.id, f"worker-{attempt}")  # claimed, then killed
        db.session.execute(sa.update(AudioRecording).values(claimed_at=lapsed))
        db.session.commit()
        db.session.refresh(recording)
        assert recording.attempts == attempt
    guest_testimony(proposal, samples.tone_wav())  # another one, sound
    assert service.convert_waiting("worker-z") == 1
    db.session.refresh(recording)
    assert recording.state is AudioState.FAILED
    assert recording.attempts == app.config["AUDIO_MAX_ATTEMPTS"]
    assert "worker stopped" in recording.last_error and recording.media is None
    assert "given up" in caplog.text
    assert service.convert_waiting("worker-z") == 0  # never taken again


def test_a_recording_deleted_while_converting_is_left_alone(proposal):
    testimony = guest_testimony(proposal, samples.tone_wav())
    [recording_id] = [recording.id for recording in recordings()]
    assert service._claim(recording_id, "worker-a")
    service.delete_recordings(Contribution.id == testimony.id)  # withdrawn meanwhile
    db.session.commit()
    assert service._convert_one(recording_id, "worker-a") == 0
    assert recordings() == []


# -- moderation ------------------------------------------------------------------------


@pytest.fixture
def moderator(make_user):
    return make_user("moderator")


def _decide(moderator, contribution, action=ModerationAction.APPROVE):
    reason = (
        ModerationReason.COMPLIANT
        if action is ModerationAction.APPROVE
        else ModerationReason.OFF_TOPIC
    )
    return decide(moderator, contribution, action, reason, "", contribution.version)


def test_publishing_needs_a_converted_recording_and_its_transcript(proposal, moderator):
    testimony = guest_testimony(proposal, samples.tone_wav())
    with pytest.raises(ServiceError, match="pas encore converti") as refused:
        _decide(moderator, testimony)
    assert refused.value.field == "transcript"
    service.convert_waiting("worker-a")
    with pytest.raises(ServiceError, match="Écrivez la transcription avant de publier"):
        _decide(moderator, testimony)
    db.session.refresh(testimony)
    assert testimony.state is ContributionState.PENDING
    service.save_transcript(moderator, testimony, "  Je dors dehors depuis deux ans.  ")
    _decide(moderator, testimony)
    db.session.refresh(testimony)
    recording = testimony.audio
    db.session.refresh(recording)
    assert testimony.state is ContributionState.PUBLISHED
    assert recording.transcript == "Je dors dehors depuis deux ans."
    assert recording.transcript_by_id == moderator.id
    assert recording.original is None and recording.original_deleted_at is not None
    assert recording.media  # what is played stays
    [event] = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == AuditAction.TRANSCRIPT_WRITTEN)
    )
    assert (event.actor_id, event.target_id) == (moderator.id, testimony.id)


def test_a_transcript_too_long_is_refused(proposal, moderator):
    testimony = guest_testimony(proposal, samples.tone_wav())
    with pytest.raises(ServiceError) as refused:
        service.save_transcript(moderator, testimony, "a" * (AudioRecording.TRANSCRIPT_MAX + 1))
    assert refused.value.field == "transcript"
    db.session.refresh(testimony.audio)
    assert testimony.audio.transcript == ""


def test_refused_its_recording_is_deleted(proposal, moderator):
    testimony = guest_testimony(proposal, samples.tone_wav())
    service.convert_waiting("worker-a")
    _decide(moderator, testimony, ModerationAction.REJECT)
    assert recordings() == []


def test_refused_before_conversion_nothing_is_left_to_convert(proposal, moderator):
    testimony = guest_testimony(proposal, samples.tone_wav())
    _decide(moderator, testimony, ModerationAction.REJECT)
    assert recordings() == []
    assert service.convert_waiting("worker-a") == 0


def test_hidden_after_publication_the_original_is_long_gone(proposal, moderator):
    testimony = guest_testimony(proposal, samples.tone_wav())
    service.convert_waiting("worker-a")
    service.save_transcript(moderator, testimony, "Transcription.")
    _decide(moderator, testimony)
    _decide(moderator, testimony, ModerationAction.HIDE)
    [recording] = recordings()
    assert recording.original is None and recording.media


# -- privacy ---------------------------------------------------------------------------


def test_withdrawal_deletes_the_recording(proposal, make_user, webm):
    author = make_user()
    testimony = contributions_service.post_contribution(
        author,
        proposal,
        ContributionKind.TESTIMONY,
        "",
        DisplayMode.PSEUDONYM,
        audio=checked(webm),
    )
    contributions_service.withdraw_contribution(author, testimony)
    assert recordings() == []


def test_account_deletion_deletes_the_recordings_and_keeps_the_words(proposal, make_user, webm):
    author, moderator = make_user(), make_user("moderator")
    testimony = contributions_service.post_contribution(
        author,
        proposal,
        ContributionKind.TESTIMONY,
        "",
        DisplayMode.PSEUDONYM,
        audio=checked(webm),
    )
    service.convert_waiting("worker-a")
    service.save_transcript(moderator, testimony, "Ce que j’ai dit.")
    _decide(moderator, testimony)
    privacy.delete_account(author, PASSWORD, withdraw_contributions=False)
    assert recordings() == []
    db.session.refresh(testimony)
    assert testimony.body == "Ce que j’ai dit."  # the words stay, the voice goes


def test_the_purge_deletes_old_originals_and_dead_recordings(app, proposal, moderator):
    kept, old, refused = (guest_testimony(proposal, samples.tone_wav()) for _ in range(3))
    service.convert_waiting("worker-a")
    db.session.execute(  # refused long ago: a row whose recording a decision missed
        sa.update(Contribution)
        .where(Contribution.id == refused.id)
        .values(state=ContributionState.REJECTED)
    )
    long_ago = utcnow() - timedelta(days=app.config["GUEST_CONTACT_RETENTION_DAYS"] + 1)
    db.session.execute(
        sa.update(AudioRecording)
        .where(AudioRecording.contribution_id == old.id)
        .values(created_at=long_ago)
    )
    db.session.commit()
    counts = privacy.purge_personal_data()
    assert counts["audio_originals"] == 1 and counts["audio_recordings"] == 1
    left = {r.contribution_id: r for r in recordings()}
    assert set(left) == {kept.id, old.id}
    assert left[old.id].original is None and left[old.id].media  # still playable
    assert left[kept.id].original is not None


def test_my_data_exports_my_recordings(proposal, make_user, webm):
    author = make_user()
    testimony = contributions_service.post_contribution(
        author,
        proposal,
        ContributionKind.TESTIMONY,
        "",
        DisplayMode.PSEUDONYM,
        audio=checked(webm),
    )
    guest_testimony(proposal, samples.tone_wav())  # someone else's
    [exported] = exported_data(author)["recordings"]
    assert exported["contribution_id"] == testimony.id
    assert exported["media_type"] == "audio/webm"
    assert base64.b64decode(exported["content_base64"]) == webm
    service.convert_waiting("worker-a")
    [exported] = exported_data(author)["recordings"]
    media = base64.b64decode(exported["content_base64"])
    assert exported["media_type"] == "audio/mpeg" and media[:1] == MP3_FRAME_SYNC
    assert exported["duration_seconds"] == pytest.approx(2.0, abs=0.1)
    assert exported["transcript"] == ""


def test_an_upload_never_outlives_its_request(app):
    with app.test_request_context("/"):
        kept = checked(samples.tone_wav())
        assert os.path.exists(kept.path)  # the form's service may still store it
    assert not os.path.exists(kept.path)  # gone with the request, stored or not


def test_a_refused_spoken_testimony_is_not_restored_empty(proposal, moderator):
    testimony = guest_testimony(proposal, samples.tone_wav())
    _decide(moderator, testimony, ModerationAction.REJECT)
    db.session.refresh(testimony)
    with pytest.raises(ServiceError, match="ni texte ni enregistrement"):
        _decide(moderator, testimony, ModerationAction.RESTORE)
    db.session.refresh(testimony)
    assert testimony.state is ContributionState.REJECTED


def test_the_downloaded_data_holds_the_recording(client, proposal, make_user, webm):
    author = make_user()
    contributions_service.post_contribution(
        author, proposal, ContributionKind.TESTIMONY, "", DisplayMode.PSEUDONYM,
        audio=checked(webm),
    )  # fmt: skip
    login(client, author)
    [exported] = client.get("/compte/mes-donnees.json").get_json()["recordings"]
    assert base64.b64decode(exported["content_base64"]) == webm


def test_the_download_encodes_each_recording_a_piece_at_a_time(
    client, proposal, make_user, webm, monkeypatch
):
    """Read and encoded in pieces (here of 1,000 bytes, cut at no multiple of three), one
    recording after the other, as the response is written: the same bytes come back."""
    monkeypatch.setattr("app.queries.stored_files.PIECE_BYTES", 1000)
    author = make_user()
    sent = [webm, samples.tone_wav(1.0)]
    for audio in sent:
        contributions_service.post_contribution(
            author, proposal, ContributionKind.TESTIMONY, "", DisplayMode.PSEUDONYM,
            audio=checked(audio),
        )  # fmt: skip
    login(client, author)
    response = client.get("/compte/mes-donnees.json")
    assert response.is_streamed
    exported = json.loads(response.get_data(as_text=True))["recordings"]
    assert [base64.b64decode(e["content_base64"]) for e in exported] == sent
    assert len(sent[1]) > 1000 and len(sent[1]) % 3  # several pieces, and a remainder
