"""The media routes of spoken testimonies: only published ones play for everyone, with
ranges (phones seek with them); moderators hear the converted file, or the original until
then. Also: the notifications worker converts them, and ``flask audio convert``."""

import io

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import (
    AudioRecording,
    ContributionKind,
    ContributionState,
    DisplayMode,
    ModerationAction,
    ModerationReason,
)
from app.ops.worker import OutboxWorker
from app.queries import stored_files
from app.services import audio as service
from app.services import contributions as contributions_service
from app.services.moderation import decide
from tests import audio_samples as samples
from tests.conftest import login
from tests.helpers import count_queries


def _testimony(proposal, data=None):
    upload = FileStorage(stream=io.BytesIO(data or samples.tone_wav()), filename="a.wav")
    return contributions_service.post_guest_testimony(
        proposal, "", name="", contact="", audio=service.check_upload(upload)
    )


@pytest.fixture
def moderator(make_user):
    return make_user("moderator")


@pytest.fixture
def published(make_proposal, moderator):
    testimony = _testimony(make_proposal())
    service.convert_waiting("worker-a")
    service.save_transcript(moderator, testimony, "Je dors dehors.")
    decide(
        moderator, testimony, ModerationAction.APPROVE, ModerationReason.COMPLIANT, "",
        testimony.version,
    )  # fmt: skip
    return testimony


def _media(testimony) -> bytes:
    return db.session.scalar(
        sa.select(AudioRecording.media).where(AudioRecording.contribution_id == testimony.id)
    )


def test_a_published_recording_plays_whole(client, published):
    media = _media(published)
    response = client.get(f"/contributions/{published.id}/audio")
    assert response.status_code == 200
    assert response.mimetype == "audio/mpeg"
    assert response.headers["Content-Length"] == str(len(media))
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["ETag"]
    assert response.data == media


def test_a_range_plays_that_part(client, published):
    media = _media(published)
    url = f"/contributions/{published.id}/audio"
    response = client.get(url, headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes 0-99/{len(media)}"
    assert response.headers["Content-Length"] == "100"
    assert response.data == media[:100]
    tail = client.get(url, headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.data == media[-50:]
    middle = client.get(url, headers={"Range": f"bytes=100-{len(media) + 500}"})
    assert middle.status_code == 206 and middle.data == media[100:]
    assert middle.headers["Content-Range"] == f"bytes 100-{len(media) - 1}/{len(media)}"


def test_a_range_beyond_the_file_is_unsatisfiable(client, published):
    size = len(_media(published))
    response = client.get(
        f"/contributions/{published.id}/audio", headers={"Range": f"bytes={size}-"}
    )
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{size}"


@pytest.mark.parametrize("beyond", [0, 1, 20_000])
def test_a_suffix_as_long_as_the_file_or_longer_is_the_whole_file(client, published, beyond):
    media = _media(published)
    url = f"/contributions/{published.id}/audio"
    suffix = {"Range": f"bytes=-{len(media) + beyond}"}
    response = client.get(url, headers=suffix)
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes 0-{len(media) - 1}/{len(media)}"
    assert response.headers["Content-Length"] == str(len(media))
    assert response.data == media
    head = client.head(url, headers=suffix)
    assert head.status_code == 206 and head.data == b""
    assert head.headers["Content-Length"] == str(len(media))
    assert client.get(url, headers={"Range": "bytes=-0"}).data == media  # invalid: ignored


def test_several_ranges_or_a_stale_if_range_get_the_whole_file(client, published):
    media = _media(published)
    url = f"/contributions/{published.id}/audio"
    several = client.get(url, headers={"Range": "bytes=0-9,20-29"})
    assert several.status_code == 200 and several.data == media
    stale = client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"another"'})
    assert stale.status_code == 200 and stale.data == media


def test_head_and_a_known_etag(client, published):
    url = f"/contributions/{published.id}/audio"
    head = client.head(url)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == str(len(_media(published)))
    again = client.get(url, headers={"If-None-Match": head.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_a_large_recording_is_read_in_pieces(client, published, monkeypatch):
    monkeypatch.setattr(stored_files, "PIECE_BYTES", 1000)
    media = _media(published)
    with count_queries() as statements:
        response = client.get(f"/contributions/{published.id}/audio")
        assert response.data == media
    pieces = [s for s in statements if "substr" in s.lower()]
    assert len(pieces) == -(-len(media) // 1000)


def test_the_media_route_costs_the_same_whatever_the_data(client, published, make_proposal):
    url = f"/contributions/{published.id}/audio"

    def cost() -> int:
        with count_queries() as statements:
            client.head(url)
        return len(statements)

    first = cost()
    for _ in range(3):
        _testimony(make_proposal())
    service.convert_waiting("worker-a")
    assert cost() == first == 1


def test_unpublished_recordings_do_not_play(client, make_proposal, moderator, published):
    waiting = _testimony(make_proposal())
    service.convert_waiting("worker-a")  # ready, but not published
    assert client.get(f"/contributions/{waiting.id}/audio").status_code == 404
    assert client.get("/contributions/999999/audio").status_code == 404
    decide(
        moderator, published, ModerationAction.HIDE, ModerationReason.OFF_TOPIC, "",
        published.version,
    )  # fmt: skip
    assert client.get(f"/contributions/{published.id}/audio").status_code == 404


def _withdrawn_leaving_its_recording(testimony) -> None:
    """Withdrawn by a bare UPDATE: the recording a withdrawal deletes is still there."""
    db.session.execute(
        sa.update(type(testimony)).where(type(testimony).id == testimony.id).values(
            withdrawn_at=sa.func.current_timestamp()
        )
    )  # fmt: skip
    db.session.commit()
    db.session.expire_all()


def test_a_withdrawn_recording_stops_playing(client, published, moderator):
    _withdrawn_leaving_its_recording(published)
    assert client.get(f"/contributions/{published.id}/audio").status_code == 404
    login(client, moderator)
    assert client.get(f"/moderation/contributions/{published.id}/audio").status_code == 404


def test_moderators_do_not_hear_a_withdrawn_recording(client, make_proposal, moderator):
    testimony = _testimony(make_proposal())  # waiting: only its original so far
    url = f"/moderation/contributions/{testimony.id}/audio"
    login(client, moderator)
    assert client.get(url).status_code == 200
    _withdrawn_leaving_its_recording(testimony)
    assert client.get(url).status_code == 404


def test_a_text_testimony_has_no_recording(client, make_proposal, make_user):
    testimony = contributions_service.post_guest_testimony(
        make_proposal(), "Un témoignage écrit, sans enregistrement.", name="", contact=""
    )
    testimony.state = ContributionState.PUBLISHED
    db.session.commit()
    assert client.get(f"/contributions/{testimony.id}/audio").status_code == 404


def test_moderators_hear_the_original_then_the_converted_file(client, make_proposal, moderator):
    data = samples.tone_wav()
    testimony = _testimony(make_proposal(), data)
    url = f"/moderation/contributions/{testimony.id}/audio"
    login(client, moderator)
    original = client.get(url)
    assert original.status_code == 200
    assert original.mimetype == "audio/wav" and original.data == data
    assert "no-store" in original.headers["Cache-Control"]  # a private route
    part = client.get(url, headers={"Range": "bytes=0-3"})
    assert part.status_code == 206 and part.data == b"RIFF"
    service.convert_waiting("worker-a")
    converted = client.get(url)
    assert converted.mimetype == "audio/mpeg" and converted.data == _media(testimony)


def test_moderators_hear_a_failed_recording(client, make_proposal, moderator, app):
    testimony = _testimony(make_proposal())
    db.session.execute(sa.update(AudioRecording).values(original=b"broken"))
    db.session.commit()
    for _ in range(app.config["AUDIO_MAX_ATTEMPTS"]):
        service.convert_waiting("worker-a")
    login(client, moderator)
    response = client.get(f"/moderation/contributions/{testimony.id}/audio")
    assert response.status_code == 200 and response.data == b"broken"


def test_others_do_not_hear_it_before_publication(client, make_proposal, make_user):
    testimony = _testimony(make_proposal())
    url = f"/moderation/contributions/{testimony.id}/audio"
    assert client.get(url).status_code == 302  # to the login page
    login(client, make_user("participant"))
    assert client.get(url).status_code == 403


def test_a_moderator_does_not_moderate_their_own_recording(client, make_proposal, moderator):
    testimony = contributions_service.post_contribution(
        moderator, make_proposal(), ContributionKind.TESTIMONY, "", DisplayMode.PSEUDONYM,
        audio=service.check_upload(FileStorage(io.BytesIO(samples.tone_wav()), "a.wav")),
    )  # fmt: skip
    login(client, moderator)
    assert client.get(f"/moderation/contributions/{testimony.id}/audio").status_code == 403


# -- the worker and the command ----------------------------------------------------------


def test_each_worker_round_converts_waiting_recordings(make_proposal, caplog):
    _testimony(make_proposal())
    caplog.set_level("INFO")
    worker = OutboxWorker(interval=0)
    worker.run_round()
    [recording] = db.session.scalars(sa.select(AudioRecording))
    assert recording.state.value == "ready"
    assert "0 e-mail(s) sent, 1 recording(s) converted" in caplog.text


def test_flask_audio_convert(app, make_proposal):
    _testimony(make_proposal())
    result = app.test_cli_runner().invoke(args=["audio", "convert"])
    assert result.exit_code == 0, result.output
    assert "1 enregistrement(s) converti(s)" in result.output
