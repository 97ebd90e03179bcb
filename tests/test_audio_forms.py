"""Spoken testimonies as people meet them: the recording field on the guest, account and
assisted forms (bad files refused in the page's language, the text kept, nothing stored),
the disguised preview, the moderators' transcript, and the player with its transcript on
the public pages and in the API."""

import io
import re

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from app.extensions import db
from app.models import (
    AudioRecording,
    AudioState,
    Contribution,
    ContributionState,
    OrganisationKind,
)
from tests.audio_samples import HTML, PDF, empty_wav, tone_wav
from tests.conftest import login

TEXT = "Je dors dans ma voiture depuis l’hiver dernier."
NOT_AUDIO = (
    "Ce fichier n’est pas un enregistrement sonore, ou il est incomplet : envoyez le fichier "
    "audio enregistré par votre téléphone ou votre ordinateur."
)
EMPTY = "Cet enregistrement est vide : aucun son n’a été enregistré. Recommencez."
TOO_LONG = "Cet enregistrement est trop long : il doit durer %(minutes)s minutes au plus."
TOO_BIG = "Ce fichier est trop volumineux (%(size)s au plus) : enregistrez un message plus court."
CHOOSE_AGAIN = "L’enregistrement envoyé n’a pas été gardé : choisissez-le à nouveau"


def _count(model=Contribution) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _file(data: bytes, name: str):
    return (io.BytesIO(data), name)


@pytest.fixture
def proposal(make_proposal):
    return make_proposal(title="Ouvrir des bains-douches gratuits")


@pytest.fixture
def forms(client, proposal, make_user, make_organisation):
    """Each testimony form: who logs in (None: a guest), its URL, its other fields."""
    association = make_organisation(OrganisationKind.ASSOCIATION)
    member = make_user("association_member", organisation=association)
    participant = make_user("participant")
    return {
        "guest": (None, f"/propositions/{proposal.id}/temoigner", {}),
        "account": (
            participant,
            f"/propositions/{proposal.id}/temoigner",
            {"display_mode": "pseudonym"},
        ),
        "assisted": (
            member,
            f"/propositions/{proposal.id}/temoignage-recueilli",
            {"organisation_id": association.id, "consent": "y"},
        ),
    }


def _open(client, forms, which):
    user, url, fields = forms[which]
    if user is not None:
        login(client, user)
    return url, fields


# The field, without and with JavaScript


@pytest.mark.parametrize("which", ["guest", "account", "assisted"])
def test_each_form_has_a_labelled_file_input_for_phones(client, forms, which):
    url, _fields = _open(client, forms, which)
    html = client.get(url).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html
    assert re.search(r'<label for="audio">[^<]+</label>', html)
    field = re.search(r'<input type="file" id="audio" name="audio"[^>]*>', html).group(0)
    # No `capture`: a phone offers its recorder and the voice messages already on it.
    assert 'accept="audio/*"' in field and " capture" not in field
    assert 'aria-describedby="audio-hint audio-voice"' in field
    assert "3 min au plus, 10 Mo au plus" in html
    assert "L’enregistrement d’origine est effacé après la décision de modération." in html
    assert '<template id="recorder-template">' in html  # the recorder, once the script runs
    assert '<script src="/static/recorder.js" defer></script>' in html


def test_the_guest_is_told_their_voice_is_disguised(client, forms):
    url, _fields = _open(client, forms, "guest")
    html = client.get(url).get_data(as_text=True)
    assert "Votre voix sera déformée avant publication, pour être difficile à reconnaître." in html
    assert 'data-voice="disguised"' in html


def test_an_assisted_testimony_is_told_the_voice_is_always_disguised(client, forms):
    url, _fields = _open(client, forms, "assisted")
    html = client.get(url).get_data(as_text=True)
    assert "sera déformée avant publication, pour être difficile à reconnaître, même avec" in html
    assert 'data-voice="assisted"' in html
    assert "Ce n’est pas une garantie" in html


def test_an_account_is_told_how_each_choice_is_published(client, forms):
    url, _fields = _open(client, forms, "account")
    html = client.get(url).get_data(as_text=True)
    assert "Sous votre pseudonyme, votre enregistrement est publié tel quel." in html
    assert "Anonymement, votre voix est déformée avant publication" in html


def test_other_pages_do_not_load_the_recorder(client, proposal):
    html = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "recorder.js" not in html


# Bad recordings: the message at the field, in the page's language, the text kept


LONG_TONE = tone_wav(61.0, rate=8000)  # the limit is set to one minute below
BAD_FILES = {
    "renamed PDF": (lambda: _file(PDF, "temoignage.mp3"), NOT_AUDIO, {}),
    "HTML file": (lambda: _file(HTML, "voix.wav"), NOT_AUDIO, {}),
    "truncated": (lambda: _file(tone_wav(1.0)[:30], "voix.wav"), NOT_AUDIO, {}),
    "empty file": (lambda: _file(b"", "voix.webm"), EMPTY, {}),
    "no sound": (lambda: _file(empty_wav(), "voix.wav"), EMPTY, {}),
    "too long": (lambda: _file(LONG_TONE, "voix.wav"), TOO_LONG, {"minutes": "1"}),
}


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize("which", ["guest", "account", "assisted"])
@pytest.mark.parametrize("bad", list(BAD_FILES))
def test_a_bad_recording_is_refused_with_the_text_kept(
    client, app, monkeypatch, forms, which, bad, language
):
    monkeypatch.setitem(app.config, "AUDIO_MAX_SECONDS", 60)
    url, fields = _open(client, forms, which)
    make, message, values = BAD_FILES[bad]
    data = {**fields, "body": TEXT, "audio": make()}
    response = client.post(f"{url}?lang={language}", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    with force_locale(language):
        expected = _(message, **values)
        again = _(CHOOSE_AGAIN + " (ou enregistrez de nouveau) avant d’envoyer.")
    if language == "ar":
        assert expected != message % values, "the refusal has no Arabic translation"
    assert f'<p class="error" id="audio-error">{expected}</p>' in html.replace("&#39;", "'")
    assert 'aria-invalid="true"' in html
    assert again in html
    assert TEXT in html  # the text typed is given back
    assert (_count(), _count(AudioRecording)) == (0, 0)


@pytest.mark.parametrize("which", ["guest", "account", "assisted"])
def test_a_file_over_the_size_limit_is_refused(client, app, monkeypatch, forms, which):
    monkeypatch.setitem(app.config, "AUDIO_MAX_BYTES", 20_000)
    url, fields = _open(client, forms, which)
    data = {**fields, "body": TEXT, "audio": _file(tone_wav(1.0), "voix.wav")}  # 88 KB
    response = client.post(url, data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    if response.status_code == 413:  # past twice the limit: refused before it is read
        assert "trop volumineux" in html
    else:
        assert TOO_BIG % {"size": "20 Ko"} in html and TEXT in html
    assert (_count(), _count(AudioRecording)) == (0, 0)


def test_a_too_long_text_with_a_good_recording_keeps_the_text_and_asks_the_file_again(
    client, forms
):
    url, fields = _open(client, forms, "guest")
    body = "x" * 6000
    data = {**fields, "body": body, "audio": _file(tone_wav(1.0), "voix.wav")}
    html = client.post(url, data=data, content_type="multipart/form-data").get_data(as_text=True)
    assert "Votre texte fait" in html and body in html
    assert CHOOSE_AGAIN in html
    assert (_count(), _count(AudioRecording)) == (0, 0)


@pytest.mark.parametrize("which", ["guest", "account", "assisted"])
def test_neither_text_nor_recording_is_refused(client, forms, which):
    url, fields = _open(client, forms, which)
    response = client.post(url, data={**fields, "body": "  "}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert "Écrivez votre témoignage ou enregistrez-le." in html
    assert CHOOSE_AGAIN not in html
    assert _count() == 0


# Good recordings


@pytest.mark.parametrize(
    ("which", "extra", "disguised"),
    [
        ("guest", {}, True),
        ("account", {}, False),
        ("account", {"display_mode": "anonymous"}, True),
        ("assisted", {"first_name": "Youssef"}, True),  # someone else's voice: always
        ("assisted", {}, True),
    ],
)
def test_a_recording_alone_is_a_testimony_waiting_for_moderation(
    client, forms, which, extra, disguised
):
    url, fields = _open(client, forms, which)
    data = {**fields, **extra, "body": "", "audio": _file(tone_wav(1.0), "voix.wav")}
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    contribution = db.session.scalar(sa.select(Contribution))
    assert contribution.body == ""
    assert contribution.state is ContributionState.PENDING
    assert contribution.audio.state is AudioState.WAITING
    assert contribution.audio.disguised is disguised


def test_text_only_still_works(client, forms):
    url, fields = _open(client, forms, "account")
    response = client.post(url, data={**fields, "body": TEXT}, content_type="multipart/form-data")
    assert response.status_code == 302
    contribution = db.session.scalar(sa.select(Contribution))
    assert contribution.body == TEXT and contribution.audio is None


def test_its_author_may_edit_a_spoken_testimony_without_text(client, forms):
    """A recording alone is a testimony: its edit page does not demand a text."""
    url, fields = _open(client, forms, "account")
    data = {**fields, "body": "", "audio": _file(tone_wav(1.0), "voix.wav")}
    assert client.post(url, data=data, content_type="multipart/form-data").status_code == 302
    contribution = db.session.scalar(sa.select(Contribution))
    edit = f"/contributions/{contribution.id}/modifier"
    assert client.get(edit).status_code == 200
    response = client.post(edit, data={"body": "", "lang": "fr"})
    assert response.status_code == 302
    response = client.post(edit, data={"body": "Et ceci, écrit.", "lang": "fr"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contribution, contribution.id).body == "Et ceci, écrit."


# The disguised preview


def test_the_preview_answers_the_disguised_mp3_and_stores_nothing(client):
    response = client.post(
        "/temoignages/audio/apercu",
        data={"audio": _file(tone_wav(1.0), "enregistrement.webm")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert response.mimetype == "audio/mpeg"
    assert len(response.get_data()) > 1000
    assert (_count(), _count(AudioRecording)) == (0, 0)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_preview_refuses_what_is_not_audio_in_plain_text(client, language):
    response = client.post(
        f"/temoignages/audio/apercu?lang={language}",
        data={"audio": _file(PDF, "voix.mp3")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    with force_locale(language):
        assert response.get_data(as_text=True) == _(NOT_AUDIO)


def test_a_preview_past_its_time_limit_is_refused_in_plain_text(client, app, monkeypatch):
    """A file that makes the decoder crawl never holds the web worker: past
    AUDIO_REQUEST_SECONDS, refused (here at once: read, then converted)."""
    monkeypatch.setattr("app.services.audio._probe", lambda path, size: _probe_ok())
    monkeypatch.setitem(app.config, "AUDIO_REQUEST_SECONDS", 0)
    response = client.post(
        "/temoignages/audio/apercu",
        data={"audio": _file(tone_wav(1.0), "enregistrement.wav")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert response.get_data(as_text=True) == "Impossible de préparer la voix déformée."


def _probe_ok():
    from app.audio.processing import Probe

    return Probe(duration_seconds=1.0, format_name="wav", codec_name="pcm_s16le")


@pytest.mark.parametrize("which", ["guest", "account", "assisted"])
def test_an_upload_too_slow_to_read_is_refused_with_the_text_kept(
    client, app, monkeypatch, forms, which
):
    monkeypatch.setitem(app.config, "AUDIO_REQUEST_SECONDS", 0)
    url, fields = _open(client, forms, which)
    data = {**fields, "body": TEXT, "audio": _file(tone_wav(1.0), "voix.wav")}
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert NOT_AUDIO in html
    assert TEXT in html
    assert (_count(), _count(AudioRecording)) == (0, 0)


def test_the_preview_without_a_file_is_a_bad_request(client):
    response = client.post("/temoignages/audio/apercu", data={})
    assert response.status_code == 400
    assert response.get_data(as_text=True) == "Choisissez un enregistrement."


@pytest.mark.parametrize("which", ["guest", "account", "assisted"])
def test_without_the_recordings_volume_the_person_is_asked_to_write(
    client, app, monkeypatch, forms, which, tmp_path
):
    """AUDIO_DIRECTORY set but not there (a volume not mounted): the testimony is refused
    with a plain message at the recording field, the text given back, nothing stored."""
    monkeypatch.setitem(app.config, "AUDIO_DIRECTORY", str(tmp_path / "not-mounted"))
    url, fields = _open(client, forms, which)
    data = {**fields, "body": TEXT, "audio": _file(tone_wav(1.0), "voix.wav")}
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert "Votre enregistrement ne peut pas être reçu pour le moment." in html
    assert TEXT in html
    assert (_count(), _count(AudioRecording)) == (0, 0)
    assert not (tmp_path / "not-mounted").exists()
