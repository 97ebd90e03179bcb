"""Guest receipts: the code a guest gets after a testimony, the only key to follow it, correct
it while it waits, or withdraw it; the same answer for every code that opens nothing."""

import io
import json
import logging
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from app import create_app
from app.extensions import db
from app.models import (
    AudioRecording,
    AuditAction,
    AuditEvent,
    Contribution,
    ContributionState,
    ModerationAction,
    ModerationReason,
    utcnow,
)
from app.ops import logs
from app.services import audio as audio_service
from app.services import contributions as contribution_service
from app.services import receipts
from app.services.moderation import decide
from app.services.privacy import purge_personal_data
from tests import audio_samples
from tests.helpers import count_queries

TESTIMONY = "J’ai attendu deux heures dehors avant l’ouverture de l’accueil de jour."
CODE_SHOWN = re.compile(r'id="receipt-code">([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})<')
KEEP_IT = (
    "Gardez ce code : il vous permet de voir où en est votre témoignage, de le corriger tant "
    "qu’il attend, ou de le retirer. Personne d’autre ne l’a."
)


@pytest.fixture
def proposal(make_proposal):
    return make_proposal(title="Ouvrir l’accueil de jour plus tôt")


def _send(client, proposal, body=TESTIMONY, **fields):
    """A guest testimony sent; returns the receipt page's HTML (followed once)."""
    response = client.post(f"/propositions/{proposal.id}/temoigner", data={"body": body, **fields})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _code(html: str) -> str:
    return CODE_SHOWN.search(html).group(1)


def _testimony() -> Contribution:
    db.session.expire_all()
    return db.session.scalar(sa.select(Contribution))


@pytest.fixture
def sent(client, proposal):
    """(the code shown to the guest, their testimony)."""
    return _code(_send(client, proposal)), _testimony()


def _decide(contribution, action, make_user, reason=ModerationReason.OTHER, details=""):
    moderator = make_user("moderator")
    decide(moderator, contribution, action, reason, details, contribution.version)


def test_the_code_is_shown_once_and_only_its_hash_is_kept(client, proposal, app):
    html = _send(client, proposal, contact="amina@example.org")
    code = _code(html)
    assert KEEP_IT in html
    assert f"http://voix.test/recu/{code}" in html  # from the public address, not the request
    assert "Imprimer le reçu" in html and "même pas par e-mail" in html
    testimony = _testimony()
    plain = code.replace("-", "")
    assert len(plain) == 12 and set(plain) <= set(receipts.ALPHABET)
    assert testimony.receipt_hash == receipts.code_hash(plain) and plain not in str(
        db.session.execute(sa.text("SELECT * FROM contribution")).all()
    )
    # Shown once: the page again has no code, and the session no longer holds it.
    again = client.get(f"/propositions/{proposal.id}/temoignage-envoye").get_data(as_text=True)
    assert code not in again and "Merci, votre témoignage est bien reçu" in again
    with client.session_transaction() as session:
        assert plain not in json.dumps(dict(session)) and code not in json.dumps(dict(session))


def test_a_form_whose_answer_was_lost_gets_the_only_code(app, client, proposal):
    """The same form sent again from a browser that never got the first answer (lost on
    the way, a second tap): the new code replaces the first, which nobody saw, and the
    page says so."""
    key = "k" * 32
    first = _code(_send(client, proposal, idempotency_key=key))
    lost = app.test_client()  # as if the first answer, and its cookie, never arrived
    html = _send(lost, proposal, idempotency_key=key)
    second = _code(html)
    assert second != first
    assert "il remplace celui qui a pu s’afficher la première fois" in html
    assert db.session.scalar(sa.select(sa.func.count(Contribution.id))) == 1
    assert receipts.find(second) == _testimony() and receipts.find(first) is None
    assert client.get(f"/recu/{first}").status_code == 404


def test_a_form_sent_again_where_its_code_was_shown_keeps_it(client, proposal):
    """The browser that was shown the code (the back button, then "send" again): the code
    it showed stays the only one, so nobody at that computer gets a working one."""
    key = "k" * 32
    code = _code(_send(client, proposal, idempotency_key=key))
    html = _send(client, proposal, idempotency_key=key)
    assert CODE_SHOWN.search(html) is None
    assert "Ce témoignage avait déjà été envoyé : son code a été montré la première fois" in html
    assert receipts.find(code) == _testimony()


def test_a_form_filled_in_again_is_another_testimony(app, client, proposal):
    """A form brought back on a shared computer and filled in by someone else keeps its
    key: a different text is a testimony of its own, with its own code; the first stays."""
    key = "k" * 32
    first = _code(_send(client, proposal, idempotency_key=key))
    other = app.test_client()
    second = _code(_send(other, proposal, body="Moi aussi, tous les matins.", idempotency_key=key))
    assert second != first
    assert db.session.scalar(sa.select(sa.func.count(Contribution.id))) == 2
    assert receipts.find(first).body == TESTIMONY
    assert receipts.find(second).body == "Moi aussi, tous les matins."


def test_a_form_sent_again_later_or_once_decided_gets_no_new_code(app, client, proposal, make_user):
    """Past a few minutes, or decided meanwhile: the first code stays the only one."""
    key = "k" * 32
    code = _code(_send(client, proposal, idempotency_key=key))
    testimony = _testimony()
    testimony.created_at -= timedelta(minutes=receipts.REISSUE_MINUTES + 1)
    db.session.commit()
    html = _send(app.test_client(), proposal, idempotency_key=key)
    assert CODE_SHOWN.search(html) is None and receipts.find(code) == _testimony()
    testimony = _testimony()
    testimony.created_at = utcnow()
    db.session.commit()
    _decide(testimony, ModerationAction.APPROVE, make_user, ModerationReason.COMPLIANT)
    html = _send(app.test_client(), proposal, idempotency_key=key)
    assert "Ce témoignage avait déjà été envoyé : son code a été montré la première fois" in html
    assert receipts.find(code) == _testimony()


def test_two_receipts_never_share_a_code(client, proposal):
    first = _code(_send(client, proposal))
    second = _code(_send(client, proposal, body=TESTIMONY + " Deux fois."))
    assert first != second


def test_a_robot_gets_no_code(client, proposal):
    html = _send(client, proposal, website="http://spam.example")
    assert CODE_SHOWN.search(html) is None and _testimony() is None


def test_a_waiting_testimony_is_shown_as_sent(client, sent):
    code = sent[0]
    response = client.get(f"/recu/{code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "En attente de modération." in html and "J’ai attendu deux heures dehors" in html
    assert "Corriger mon texte" in html and "Retirer mon témoignage" in html


def test_the_text_is_escaped(client, proposal):
    code = _code(_send(client, proposal, body="<script>alert(1)</script> un texte assez long"))
    html = client.get(f"/recu/{code}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_a_published_testimony_links_to_its_place(client, sent, make_user):
    code, testimony = sent
    _decide(testimony, ModerationAction.APPROVE, make_user, ModerationReason.COMPLIANT)
    html = client.get(f"/recu/{code}").get_data(as_text=True)
    assert "Publié." in html
    assert f'/propositions/{testimony.proposal_id}#contribution-{testimony.id}"' in html
    assert "il ne peut plus être corrigé" in html and "Corriger mon texte" not in html


def test_a_refused_testimony_gives_the_moderators_reason(client, sent, make_user):
    code, testimony = sent
    _decide(
        testimony, ModerationAction.REJECT, make_user, ModerationReason.OFF_TOPIC, "Pas le sujet."
    )
    html = client.get(f"/recu/{code}").get_data(as_text=True)
    assert "Votre témoignage n’a pas été publié" in html  # the guest e-mail's words
    assert "Raison : Hors sujet" in html and "Pas le sujet." in html


def test_a_hidden_testimony_gives_the_moderators_reason(client, sent, make_user):
    code, testimony = sent
    _decide(testimony, ModerationAction.APPROVE, make_user, ModerationReason.COMPLIANT)
    _decide(_testimony(), ModerationAction.HIDE, make_user, ModerationReason.INSULT)
    html = client.get(f"/recu/{code}").get_data(as_text=True)
    assert "Votre témoignage a été masqué" in html and "Raison : Insulte" in html


def test_typed_codes_are_read_however_they_come(client, sent):
    code = sent[0]
    plain = code.replace("-", "")
    typed = [
        plain.lower(),
        " ".join(code.split("-")),
        f"  {code.lower()}  ",
        plain.replace("0", "o").replace("1", "I"),
        plain.replace("1", "l"),
    ]
    for spelling in typed:
        response = client.post("/recu", data={"code": spelling})
        assert response.status_code == 302, spelling
        assert response.headers["Location"].endswith(f"/recu/{code}")
    assert client.get(f"/recu/{plain.lower()}").status_code == 200


def test_a_badly_typed_code_is_said_and_kept(client):
    response = client.post("/recu", data={"code": "K7PQ-M2XD"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ce code n’a pas la bonne forme" in html and 'value="K7PQ-M2XD"' in html
    assert "Tapez le code de votre reçu." in client.post("/recu", data={}).get_data(as_text=True)


def test_correcting_while_it_waits(client, sent):
    code, testimony = sent
    form = client.get(f"/recu/{code}/corriger").get_data(as_text=True)
    assert "J’ai attendu deux heures dehors" in form
    response = client.post(
        f"/recu/{code}/corriger",
        data={"body": "Corrigé : trois heures dehors.", "seen_version": testimony.version},
    )
    assert response.status_code == 302
    corrected = _testimony()
    assert corrected.body == "Corrigé : trois heures dehors."
    assert corrected.state is ContributionState.PENDING and corrected.edited_at is not None
    event = db.session.scalar(sa.select(AuditEvent))
    assert event.action is AuditAction.GUEST_TESTIMONY_CORRECTED and event.actor_id is None
    assert event.target_id == corrected.id


def test_a_correction_sent_from_a_stale_page_can_be_sent_again(client, sent):
    """Two windows, or a second tap: the version seen is old while the testimony still
    waits. The page says so, keeps the text, and the next send goes through."""
    code, testimony = sent
    stale = testimony.version
    first = {"body": "Corrigé une fois.", "seen_version": stale}
    assert client.post(f"/recu/{code}/corriger", data=first).status_code == 302
    again = {"body": "Corrigé deux fois.", "seen_version": stale}
    response = client.post(f"/recu/{code}/corriger", data=again)
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 200
    assert "modifié entre-temps" in html and "vient d’être relu" not in html
    assert "Corrigé deux fois." in html
    meanwhile = re.search(r'<div class="meanwhile">.*?</div>\s*</div>', html, re.S).group(0)
    assert "Texte enregistré entre-temps" in meanwhile and "Corrigé une fois." in meanwhile
    current = _testimony().version
    assert re.search(r'name="seen_version"[^>]*value="(\d+)"', html).group(1) == str(current)
    assert _testimony().body == "Corrigé une fois."
    resent = {"body": "Corrigé deux fois.", "seen_version": current}
    assert client.post(f"/recu/{code}/corriger", data=resent).status_code == 302
    assert _testimony().body == "Corrigé deux fois."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Écrivez votre texte."),
        ("x" * 5001, "Votre texte fait 5\u202f001 caractères ; 5\u202f000 au plus."),
    ],
)
def test_a_bad_correction_keeps_the_text(client, sent, body, message):
    code, testimony = sent
    response = client.post(
        f"/recu/{code}/corriger", data={"body": body, "seen_version": testimony.version}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    if body:
        assert body in html
    assert _testimony().body == TESTIMONY


def test_no_correction_once_decided(client, sent, make_user):
    code, testimony = sent
    seen = testimony.version
    _decide(testimony, ModerationAction.APPROVE, make_user, ModerationReason.COMPLIANT)
    page = client.get(f"/recu/{code}/corriger").get_data(as_text=True)
    assert "il ne peut plus être corrigé" in page and "<textarea" not in page
    response = client.post(
        f"/recu/{code}/corriger", data={"body": "Changé après la décision.", "seen_version": seen}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "il ne peut plus être corrigé" in html and "Changé après la décision." in html
    assert _testimony().body == TESTIMONY


def test_a_decision_while_correcting_refuses_the_correction(client, sent, make_user):
    """The moderator read the old text: the correction made from it is refused, kept."""
    code, testimony = sent
    seen = testimony.version
    _decide(testimony, ModerationAction.REJECT, make_user, ModerationReason.SPAM)
    response = client.post(
        f"/recu/{code}/corriger", data={"body": "Ma correction.", "seen_version": seen}
    )
    html = response.get_data(as_text=True)
    assert "Ma correction." in html and "entre-temps" not in html  # no text saved meanwhile
    assert _testimony().body == TESTIMONY


def test_withdrawing_after_confirming(client, sent):
    code = sent[0]
    confirm = client.get(f"/recu/{code}/retirer").get_data(as_text=True)
    assert "Retirer mon témoignage ?" in confirm and "définitive" in confirm
    assert _testimony().withdrawn_at is None  # the confirmation page changes nothing
    response = client.post(f"/recu/{code}/retirer")
    assert response.status_code == 302
    assert _testimony().is_withdrawn
    event = db.session.scalar(sa.select(AuditEvent))
    assert event.action is AuditAction.GUEST_TESTIMONY_WITHDRAWN and event.actor_id is None
    html = client.get(f"/recu/{code}").get_data(as_text=True)
    assert "Retiré." in html and "Corriger mon texte" not in html
    assert "Retirer mon témoignage</a>" not in html
    # Twice: nothing more happens.
    client.post(f"/recu/{code}/retirer")
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 1


def test_withdrawing_deletes_the_voice_too(client, proposal):
    """As when an author withdraws: the recording goes with the testimony."""
    code = receipts.new_code()
    upload = FileStorage(io.BytesIO(audio_samples.tone_wav()), filename="voix.wav")
    testimony = contribution_service.post_guest_testimony(
        proposal,
        "",
        name="",
        contact="",
        audio=audio_service.check_upload(upload),
        receipt_hash=receipts.code_hash(code),
    )
    assert testimony.audio is not None
    assert client.post(f"/recu/{code}/retirer").status_code == 302
    assert _testimony().is_withdrawn
    assert db.session.scalar(sa.select(sa.func.count(AudioRecording.id))) == 0


def test_a_forged_version_is_refused(client, sent):
    code = sent[0]
    response = client.post(
        f"/recu/{code}/corriger",
        data={"body": "Corrigé : trois heures dehors.", "seen_version": "9" * 23},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Cette page est abîmée : ouvrez-la de nouveau." in html
    assert "Corrigé : trois heures dehors." in html
    assert _testimony().body == TESTIMONY


def test_an_unexpected_error_logs_no_code(client, sent, monkeypatch, caplog):
    code, testimony = sent

    def broken(*args):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(receipts, "correct", broken)
    caplog.set_level(logging.ERROR)
    response = client.post(
        f"/recu/{code}/corriger", data={"body": "Corrigé.", "seen_version": testimony.version}
    )
    assert response.status_code == 500
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Unhandled error on /recu/<code>" in logged
    assert code not in logged and code.replace("-", "") not in logged


def _unknown(client, url):
    """Status and page; the language links repeat the address asked for, which is taken out."""
    response = client.get(url)
    return response.status_code, response.get_data(as_text=True).replace(url, "<asked>")


def test_wrong_forged_and_expired_codes_get_the_same_page(app, client, sent, clock):
    code, testimony = sent
    wrong = "ZZZZ-ZZZZ-ZZZZ" if code != "ZZZZ-ZZZZ-ZZZZ" else "YYYY-YYYY-YYYY"
    answers = [
        _unknown(client, f"/recu/{wrong}"),
        _unknown(client, "/recu/abc"),  # malformed
        _unknown(client, f"/recu/{testimony.receipt_hash}"),  # the stored hash, forged
    ]
    for action in ("corriger", "retirer"):
        answers.append(_unknown(client, f"/recu/{wrong}/{action}"))
    clock.advance(app.config["GUEST_CONTACT_RETENTION_DAYS"] * 86400 + 1)
    answers.append(_unknown(client, f"/recu/{code}"))  # expired
    answers.append(_unknown(client, f"/recu/{code}/corriger"))
    statuses, bodies = {status for status, _ in answers}, {body for _, body in answers}
    assert statuses == {404} and len(bodies) == 1
    assert "Ce code ne marche pas" in bodies.pop()
    assert client.post(f"/recu/{code}/retirer").status_code == 404
    assert not _testimony().is_withdrawn


def test_lookups_are_rate_limited_per_address(app, client, sent, monkeypatch):
    code = sent[0]
    monkeypatch.setitem(app.config, "RECEIPT_RATE_LIMIT", "3 per hour")
    for _ in range(3):
        assert client.get("/recu/ZZZZ-ZZZZ-ZZZZ").status_code in (200, 404)
    response = client.get(f"/recu/{code}")
    assert response.status_code == 429
    assert "Trop de tentatives" in response.get_data(as_text=True)
    assert client.get(f"/recu/{code}", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200


def test_a_day_centre_gets_a_wider_limit(app, client, sent, monkeypatch, make_organisation):
    make_organisation(premises_networks="127.0.0.0/24")
    monkeypatch.setitem(app.config, "RECEIPT_RATE_LIMIT", "1 per hour")
    monkeypatch.setitem(app.config, "RECEIPT_PREMISES_RATE_LIMIT", "3 per hour")
    statuses = [client.get(f"/recu/{sent[0]}").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.parametrize("path", ["/recu/{code}", "/recu/{code}/corriger", "/recu/ZZZZ", "/recu"])
def test_the_pages_are_kept_nowhere(client, sent, path):
    response = client.get(path.format(code=sent[0]))
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_the_code_stays_out_of_e_mails(client, proposal, make_user):
    code = _code(_send(client, proposal, contact="amina@example.org"))
    _decide(_testimony(), ModerationAction.APPROVE, make_user, ModerationReason.COMPLIANT)
    emails = db.session.execute(sa.text("SELECT * FROM outbox_email")).all()
    assert emails, "the guest is told of the decision"
    plain = code.replace("-", "")
    assert all(code not in str(row) and plain not in str(row) for row in emails)


@pytest.fixture
def json_logs_app(app):
    """The app as production logs it (one JSON line per request); root logging restored."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    logged = create_app(
        "testing",
        {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "JSON_LOGS": True},
    )
    yield logged
    with logged.app_context():
        db.engine.dispose()
    root.handlers, root.level = handlers, level


def test_the_code_never_reaches_the_logs(json_logs_app, sent, capsys):
    code = sent[0]
    client = json_logs_app.test_client()
    client.get(f"/recu/{code}")
    client.get(f"/recu/{code}/corriger")
    client.get(f"/recu/{code}/nope/extra")  # no route: the path itself is logged, redacted
    out = capsys.readouterr().out
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    paths = [line["path"] for line in lines if line["logger"] == "voix.request"]
    assert paths == ["/recu/<code>", "/recu/<code>/corriger", "/recu/<code>"]
    assert code not in out and code.replace("-", "") not in out


def test_gunicorns_access_lines_are_redacted():
    assert logs.redact_path("GET /recu/K7PQ-M2XD-9RTB/retirer?x=1 HTTP/1.1") == (
        "GET /recu/<code>?x=1 HTTP/1.1"
    )
    assert logs.redact_path("/recu") == "/recu"
    assert logs.access_logger_class().__name__ == "RedactedAccessLogger"


def test_the_purge_clears_lapsed_receipts(app, client, proposal, monkeypatch):
    old_code = _code(_send(client, proposal))
    old = _testimony()
    old.created_at = utcnow() - timedelta(days=app.config["GUEST_CONTACT_RETENTION_DAYS"] + 1)
    db.session.commit()
    new_code = _code(_send(client, proposal, body=TESTIMONY + " Récent."))
    assert purge_personal_data()["receipts"] == 1
    db.session.expire_all()
    assert db.session.get(Contribution, old.id).receipt_hash is None
    assert client.get(f"/recu/{old_code}").status_code == 404
    assert client.get(f"/recu/{new_code}").status_code == 200
    assert purge_personal_data()["receipts"] == 0


def test_the_state_page_costs_the_same_whatever_the_decisions(client, sent, make_user):
    code, testimony = sent
    _decide(testimony, ModerationAction.APPROVE, make_user, ModerationReason.COMPLIANT)
    with count_queries() as once:
        assert client.get(f"/recu/{code}").status_code == 200
    for _ in range(3):
        _decide(_testimony(), ModerationAction.HIDE, make_user, ModerationReason.INSULT)
        _decide(_testimony(), ModerationAction.RESTORE, make_user, ModerationReason.COMPLIANT)
    with count_queries() as many:
        assert client.get(f"/recu/{code}").status_code == 200
    assert len(many) == len(once)
