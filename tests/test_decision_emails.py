"""A moderation decision's e-mail says what happened ("Votre témoignage a été publié"), for an
account and for a guest; the moderator is told the person *will be* informed, since the
e-mail leaves after the response."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Contribution,
    ContributionKind,
    ContributionState,
    ModerationAction,
    OutboxEmail,
)
from app.services.moderation import auto_hide
from app.services.notifications import deliver_outbox
from tests.conftest import login

S = ContributionState
K = ContributionKind
A = ModerationAction

# (action, state before, kind) → the subject its author reads.
DECISIONS = [
    ("approve", S.PENDING, K.TESTIMONY, "Votre témoignage a été publié"),
    ("approve", S.PENDING, K.COMMENT, "Votre commentaire a été publié"),
    ("approve", S.PENDING, K.REPLY, "Votre réponse a été publiée"),
    ("reject", S.PENDING, K.TESTIMONY, "Votre témoignage n’a pas été publié"),
    ("reject", S.PENDING, K.REPLY, "Votre réponse n’a pas été publiée"),
    ("hide", S.PUBLISHED, K.COMMENT, "Votre commentaire a été masqué"),
    ("hide", S.PUBLISHED, K.REPLY, "Votre réponse a été masquée"),
    ("restore", S.HIDDEN, K.TESTIMONY, "Votre témoignage est de nouveau visible"),
    ("restore", S.REJECTED, K.COMMENT, "Votre commentaire est de nouveau visible"),
]
REASONS = {"approve": "compliant", "restore": "compliant"}


def _contribution(proposal, kind, state, author=None, **fields) -> Contribution:
    parent = None
    if kind is K.REPLY:
        parent = Contribution(
            proposal=proposal,
            kind=K.COMMENT,
            author=author,
            body="Un commentaire",
            state=S.PUBLISHED,
        )
    contribution = Contribution(
        proposal=proposal,
        kind=kind,
        author=author,
        parent=parent,
        body="Un texte à relire",
        state=state,
        **fields,
    )
    db.session.add(contribution)
    db.session.commit()
    return contribution


def _decide(client, contribution, action):
    data = {
        "action": action,
        "reason": REASONS.get(action, "insult"),
        "version": contribution.version,
    }
    return client.post(
        f"/moderation/contributions/{contribution.id}/decision", data=data, follow_redirects=True
    )


@pytest.mark.parametrize(("action", "state", "kind", "subject"), DECISIONS)
def test_account_decision_email_says_what_happened(
    client, outbox, make_user, make_proposal, action, state, kind, subject
):
    author = make_user(email="auteur@example.org")
    contribution = _contribution(make_proposal(title="Des bains-douches"), kind, state, author)
    login(client, make_user("moderator"))
    assert _decide(client, contribution, action).status_code == 200
    deliver_outbox()
    [message] = [m for m in outbox if m["To"] == "auteur@example.org"]
    assert message["Subject"] == subject
    body = message.get_content()
    assert f"{subject}." in body
    assert "Des bains-douches" in body
    assert "Décision :" not in body


@pytest.mark.parametrize(("action", "state", "kind", "subject"), DECISIONS[:1] + DECISIONS[3:4])
def test_guest_decision_email_says_what_happened(
    client, outbox, make_user, make_proposal, action, state, kind, subject
):
    guest = _contribution(
        make_proposal(), kind, state, guest_name="Amina", guest_contact="amina@example.org"
    )
    login(client, make_user("moderator"))
    page = _decide(client, guest, action).get_data(as_text=True)
    assert "La personne en sera informée par e-mail." in page
    assert "en est informée" not in page
    deliver_outbox()
    [message] = outbox
    assert message["Subject"] == subject
    body = message.get_content()
    assert f"{subject}." in body
    assert "Décision :" not in body


def test_auto_hide_email_says_what_happened(outbox, make_user, make_proposal):
    author = make_user(email="auteur@example.org")
    comment = _contribution(make_proposal(), K.COMMENT, S.PUBLISHED, author)
    auto_hide(comment)
    db.session.commit()
    deliver_outbox()
    [message] = outbox
    assert message["Subject"] == "Votre commentaire est masqué après plusieurs signalements"


def test_decision_email_in_the_readers_language(client, outbox, make_user, make_proposal):
    author = make_user(email="auteur@example.org")
    author.locale = "en"
    db.session.commit()
    contribution = _contribution(make_proposal(), K.TESTIMONY, S.PENDING, author)
    login(client, make_user("moderator"))
    _decide(client, contribution, "approve")
    deliver_outbox()
    [message] = outbox
    assert message["Subject"] == "Your testimony has been published"


def test_a_real_server_sends_the_email_after_the_response(
    app, monkeypatch, make_user, make_proposal
):
    """Under `make run` (Werkzeug's server) the outbox is drained once the response is sent:
    nothing waits for a worker."""
    import threading
    import time

    import requests
    from werkzeug.serving import make_server

    monkeypatch.setitem(app.config, "OUTBOX_DELIVER_AFTER_REQUEST", True)
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    moderator = make_user("moderator")
    guest = _contribution(
        make_proposal(), K.TESTIMONY, S.PENDING, guest_name="Amina", guest_contact="a@example.org"
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.port}"
    try:
        browser = requests.Session()
        login = {"email": moderator.email, "password": "correct horse battery"}
        assert browser.post(f"{base}/compte/connexion", data=login).status_code == 200
        data = {"action": "approve", "reason": "compliant", "version": guest.version}
        page = browser.post(f"{base}/moderation/contributions/{guest.id}/decision", data=data)
        assert "en sera informée par e-mail" in page.text
        deadline = time.monotonic() + 5
        while not app.extensions["mail_outbox"] and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        server.shutdown()
        thread.join(5)
    [message] = app.extensions["mail_outbox"]
    assert message["Subject"] == "Votre témoignage a été publié"
    db.session.expire_all()
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxEmail).where(OutboxEmail.sent_at.is_(None))
        )
        == 0
    )
