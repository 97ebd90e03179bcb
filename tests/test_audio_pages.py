"""Spoken testimonies after they are sent: moderators listen, write the transcript and
publish in one click; the public pages show the player with its transcript only once
published; the API gives the recording; page queries stay flat."""

import io

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AudioState,
    Contribution,
    ContributionKind,
    ContributionState,
    DisplayMode,
)
from app.services.audio import convert_waiting
from tests.audio_samples import add_published_spoken, tone_wav
from tests.conftest import login
from tests.helpers import count_queries

SAID = "Je dors dans ma voiture depuis l’hiver. <b>Il fait froid.</b>"


@pytest.fixture
def proposal(make_proposal):
    return make_proposal(title="Ouvrir des bains-douches gratuits")


def _send_as_guest(client, proposal, body="") -> Contribution:
    response = client.post(
        f"/propositions/{proposal.id}/temoigner",
        data={"body": body, "audio": (io.BytesIO(tone_wav(2.0)), "voix.wav")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    return db.session.scalar(sa.select(Contribution).order_by(Contribution.id.desc()))


def _decide(client, contribution, transcript=None, action="approve", **kw):
    data = {"action": action, "reason": "compliant", "details": ""}
    data["version"] = contribution.version
    if transcript is not None:
        data["transcript"] = transcript
    return client.post(f"/moderation/contributions/{contribution.id}/decision", data=data, **kw)


def _reload(contribution) -> Contribution:
    db.session.expire_all()
    return db.session.get(Contribution, contribution.id)


def test_moderator_listens_writes_the_transcript_and_publishes(client, proposal, make_user):
    contribution = _send_as_guest(client, proposal, body="Mon texte écrit.")
    assert convert_waiting("test-worker") == 1
    login(client, make_user("moderator"))
    queue = client.get("/moderation/").get_data(as_text=True)
    assert "prêt" in queue and "sera publié voix déformée" in queue
    assert (
        f'<audio controls preload="none" src="/moderation/contributions/{contribution.id}/audio">'
        in queue
    )
    # The transcript starts from the text the person wrote.
    assert f'id="transcript-{contribution.id}" name="transcript"' in queue
    assert "Mon texte écrit.</textarea>" in queue
    assert "Enregistrer la transcription et publier" in queue

    response = _decide(client, contribution, SAID)
    assert response.status_code == 302
    contribution = _reload(contribution)
    assert contribution.state is ContributionState.PUBLISHED
    assert contribution.audio.transcript == SAID

    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    src = f"/contributions/{contribution.id}/audio"
    assert f'<audio controls preload="none" src="{src}">' in page
    assert f'<a href="{src}">Écouter l’enregistrement</a>' in page  # without a player
    assert "Voix déformée" in page and "<strong>Transcription</strong>" in page
    assert "Il fait froid." in page and "<b>Il fait froid.</b>" not in page  # escaped
    assert '<time datetime="PT2S">0:02</time>' in page
    played = client.get(src)
    assert played.status_code == 200 and played.mimetype == "audio/mpeg"


def test_a_stale_decision_leaves_the_published_transcript(client, proposal, make_user):
    """Two moderators on the same testimony: the second, on a page older than the first's
    decision, neither decides nor replaces the transcript published with it."""
    contribution = _send_as_guest(client, proposal)
    convert_waiting("test-worker")
    stale = _reload(contribution).version
    login(client, make_user("moderator"))
    assert _decide(client, contribution, SAID).status_code == 302
    contribution = _reload(contribution)
    data = {"action": "reject", "reason": "off_topic", "details": "", "version": stale}
    data["transcript"] = "Une autre transcription, tapée sur une page ancienne."
    response = client.post(f"/moderation/contributions/{contribution.id}/decision", data=data)
    assert response.status_code == 409  # the page again, the transcript typed kept
    html = response.get_data(as_text=True)
    assert "La contribution a changé pendant que vous la lisiez" in html
    assert "Une autre transcription, tapée sur une page ancienne." in html
    contribution = _reload(contribution)
    assert contribution.state is ContributionState.PUBLISHED
    assert contribution.audio.transcript == SAID


def test_a_correction_meanwhile_keeps_the_transcript_being_typed(client, proposal, make_user):
    """The guest corrects their text while a moderator transcribes: the decision is
    refused, the transcript typed stays in the page, nothing is saved."""
    contribution = _send_as_guest(client, proposal, body="Mon texte.")
    convert_waiting("test-worker")
    seen = _reload(contribution).version
    contribution = _reload(contribution)
    contribution.body, contribution.version = "Mon texte corrigé.", seen + 1
    db.session.commit()
    login(client, make_user("moderator"))
    data = {"action": "approve", "reason": "compliant", "details": "", "version": seen}
    data["transcript"] = "Trois minutes de transcription."
    response = client.post(f"/moderation/contributions/{contribution.id}/decision", data=data)
    assert response.status_code == 409
    assert "Trois minutes de transcription." in response.get_data(as_text=True)
    contribution = _reload(contribution)
    assert contribution.state is ContributionState.PENDING
    assert contribution.audio.transcript == ""


def test_publishing_without_a_transcript_is_refused_at_the_field(client, proposal, make_user):
    contribution = _send_as_guest(client, proposal)
    convert_waiting("test-worker")
    login(client, make_user("moderator"))
    response = _decide(client, contribution, "   ")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'<p class="error" id="transcript-error-{contribution.id}">Écrivez la transcription' in (
        html
    )
    assert f'aria-describedby="transcript-hint-{contribution.id} transcript-error-' in html
    assert _reload(contribution).state is ContributionState.PENDING
    # What was typed is kept when the refusal is about something else.
    contribution.audio.state = AudioState.WAITING
    db.session.commit()
    html = _decide(client, contribution, SAID).get_data(as_text=True)
    assert "L’enregistrement n’est pas encore converti" in html
    assert "Je dors dans ma voiture depuis l’hiver. &lt;b&gt;Il fait froid.&lt;/b&gt;" in html
    assert _reload(contribution).state is ContributionState.PENDING


def test_the_transcript_is_saved_without_deciding(client, proposal, make_user):
    contribution = _send_as_guest(client, proposal)
    login(client, make_user("moderator"))
    response = client.post(
        f"/moderation/contributions/{contribution.id}/transcription",
        data={"transcript": SAID, "next_url": f"/moderation/contributions/{contribution.id}"},
    )
    assert response.status_code == 302
    contribution = _reload(contribution)
    assert contribution.audio.transcript == SAID
    assert contribution.state is ContributionState.PENDING
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Transcription enregistrée." in page
    assert "en attente de conversion" in page
    assert "Il fait froid.&lt;/b&gt;</textarea>" in page


def test_a_failed_recording_is_shown_failed_and_never_published(client, proposal, make_user):
    contribution = _send_as_guest(client, proposal)
    contribution.audio.state, contribution.audio.attempts = AudioState.FAILED, 3
    db.session.commit()
    login(client, make_user("moderator"))
    queue = client.get("/moderation/").get_data(as_text=True)
    assert "échec de la conversion (réessayé 3 fois)" in queue
    assert "Cet enregistrement ne peut pas être publié." in queue
    response = _decide(client, contribution, SAID)
    assert response.status_code == 400
    assert _reload(contribution).state is ContributionState.PENDING
    assert f"/contributions/{contribution.id}/audio" not in client.get(
        f"/propositions/{proposal.id}"
    ).get_data(as_text=True)


def test_the_player_is_public_only_once_published(client, proposal, make_user):
    author = make_user("participant")
    login(client, author)
    client.post(
        f"/propositions/{proposal.id}/temoigner",
        data={"body": "", "display_mode": "pseudonym", "audio": (io.BytesIO(tone_wav()), "a.wav")},
        content_type="multipart/form-data",
    )
    contribution = db.session.scalar(sa.select(Contribution))
    convert_waiting("test-worker")
    mine = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "Enregistrement reçu : il sera publié avec sa transcription après relecture." in mine
    assert "<audio" not in mine
    client.post("/compte/deconnexion")
    assert "<audio" not in client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert client.get(f"/contributions/{contribution.id}/audio").status_code == 404
    api = client.get(f"/api/v1/proposals/{proposal.id}").get_json()
    assert api["testimonies"] == []


def test_the_api_gives_each_published_testimony_its_recording(client, proposal, make_user):
    contribution = _send_as_guest(client, proposal)
    convert_waiting("test-worker")
    login(client, make_user("moderator"))
    _decide(client, contribution, SAID)
    client.post("/compte/deconnexion")
    written = Contribution(
        proposal=proposal,
        kind=ContributionKind.TESTIMONY,
        body="Écrit seulement.",
        display_mode=DisplayMode.ANONYMOUS,
        state=ContributionState.PUBLISHED,
    )
    db.session.add(written)
    db.session.commit()
    testimonies = client.get(f"/api/v1/proposals/{proposal.id}").get_json()["testimonies"]
    audio = _reload(contribution).audio
    assert testimonies[0]["text"] == ""
    assert testimonies[0]["audio"] == {
        "url": f"http://voix.test/contributions/{contribution.id}/audio",
        "media_type": "audio/mpeg",
        "size": audio.media_size,
        "duration_seconds": 2.0,
        "transcript": SAID,
        "disguised": True,
    }
    assert testimonies[1]["audio"] is None


def _published_spoken(proposal, count):
    add_published_spoken(proposal, [f"Transcription numéro {i}." for i in range(count)])


def _queries(client, url) -> int:
    client.get(url)
    db.session.expire_all()
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_spoken_testimonies_add_no_query_per_testimony(client, make_proposal, make_user):
    small, large = make_proposal(), make_proposal()
    _published_spoken(small, 1)
    _published_spoken(large, 8)
    assert _queries(client, f"/propositions/{small.id}") == _queries(
        client, f"/propositions/{large.id}"
    )
    assert _queries(client, f"/api/v1/proposals/{small.id}") == _queries(
        client, f"/api/v1/proposals/{large.id}"
    )


def test_the_moderation_queue_adds_no_query_per_recording(client, proposal, make_user):
    login(client, make_user("moderator"))
    _published_spoken(proposal, 1)
    db.session.execute(sa.update(Contribution).values(state=ContributionState.PENDING))
    db.session.commit()
    one = _queries(client, "/moderation/")
    _published_spoken(proposal, 6)
    db.session.execute(sa.update(Contribution).values(state=ContributionState.PENDING))
    db.session.commit()
    assert _queries(client, "/moderation/") == one


def test_search_finds_a_spoken_testimony_by_its_transcript(client, proposal, make_user):
    """A testimony with no text is found by what its recording says, once published; a
    corrected transcript is searched at once."""
    contribution = _send_as_guest(client, proposal)
    convert_waiting("test-worker")
    login(client, make_user("moderator"))
    link = f"#contribution-{contribution.id}"
    assert link not in client.get("/recherche?q=tartempion").get_data(as_text=True)
    assert _decide(client, contribution, "Le foyer tartempion ferme trop tôt.").status_code == 302
    found = client.get("/recherche?q=tartempion").get_data(as_text=True)
    assert link in found
    save = f"/moderation/contributions/{contribution.id}/transcription"
    client.post(save, data={"transcript": "Le foyer ferme à 18 heures, bien trop tôt."})
    assert link in client.get("/recherche?q=heures").get_data(as_text=True)
    assert link not in client.get("/recherche?q=tartempion").get_data(as_text=True)


def test_a_spoken_testimony_is_recognisable_where_it_is_acted_on(client, proposal, make_user):
    """The pages that quote a testimony to act on it (flag, withdraw, a guest's receipt)
    show its recording and transcript, not an empty quote."""
    contribution = _send_as_guest(client, proposal)
    convert_waiting("test-worker")
    login(client, make_user("moderator"))
    assert _decide(client, contribution, SAID).status_code == 302
    flag = client.get(f"/contributions/{contribution.id}/signaler").get_data(as_text=True)
    assert "Il fait froid." in flag and f"/contributions/{contribution.id}/audio" in flag
