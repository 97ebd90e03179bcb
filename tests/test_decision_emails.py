"""A moderation decision's e-mail says what happened ("Votre témoignage a été publié"), for an
account and for a guest; the moderator is told the person *will be* informed, since the
e-mail leaves after the response."""

import pytest

from app.extensions import db
from app.models import Contribution, ContributionKind, ContributionState, ModerationAction
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
