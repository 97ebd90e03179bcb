"""Every link in every e-mail points at the configured public address (MAIL_SITE_URL), never at
the Host or X-Forwarded-Host of the request that caused the e-mail: a forged header must not
send a password reset link, a notification or a moderation decision to someone else's site."""

import re
from datetime import timedelta

import pytest

from app import create_app
from app.extensions import db
from app.models import Contribution, ContributionKind, ContributionState, Meeting, utcnow
from app.services.notifications import deliver_outbox
from tests.conftest import PASSWORD

SITE = "http://voix.test"
EVIL = "evil.example"
LINK = re.compile(r"https?://[^\s>]+")


@pytest.fixture(autouse=True)
def no_server_name(app, monkeypatch):
    """As in production: no SERVER_NAME, so only MAIL_SITE_URL can name the site."""
    monkeypatch.setitem(app.config, "SERVER_NAME", None)


def _links(message) -> list[str]:
    """Every address in the e-mail, its body and its headers."""
    text = message.get_content() + "\n" + "\n".join(str(value) for value in message.values())
    return LINK.findall(text)


def _assert_site_links_only(message) -> None:
    links = _links(message)
    assert links, message.get_content()
    assert all(link.startswith(SITE + "/") for link in links), links
    assert EVIL not in message.as_string()


def _login(client, user, **kwargs) -> None:
    data = {"email": user.email, "password": PASSWORD}
    assert client.post("/compte/connexion", data=data, **kwargs).status_code == 302


# --- password reset ---------------------------------------------------------------------


def test_reset_link_ignores_a_forged_host(client, outbox, make_user):
    user = make_user()
    response = client.post(
        "/compte/mot-de-passe-oublie", data={"email": user.email}, headers={"Host": EVIL}
    )
    assert response.status_code == 200
    [message] = outbox
    assert re.search(rf"{SITE}/compte/reinitialiser/[\w-]+", message.get_content())
    _assert_site_links_only(message)


def test_reset_link_ignores_a_forged_forwarded_host(app, make_user):
    """Behind a proxy (TRUSTED_PROXIES=1) X-Forwarded-Host is believed for the request, never
    for the e-mail."""
    user = make_user()
    proxied = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": False,
            "TRUSTED_PROXIES": 1,
            "SERVER_NAME": None,
        },
    )
    proxied.extensions["mail_outbox"] = []
    response = proxied.test_client().post(
        "/compte/mot-de-passe-oublie",
        data={"email": user.email},
        headers={"X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "https"},
    )
    assert response.status_code == 200
    [message] = proxied.extensions["mail_outbox"]
    assert f"{SITE}/compte/reinitialiser/" in message.get_content()
    _assert_site_links_only(message)
    with proxied.app_context():
        db.session.remove()
        db.engine.dispose()


# --- notifications and moderation decisions ---------------------------------------------


def _held_reply(proposal, commenter, replier) -> Contribution:
    comment = Contribution(
        proposal=proposal,
        kind=ContributionKind.COMMENT,
        author=commenter,
        body="Il faut des douches ouvertes le dimanche.",
        state=ContributionState.PUBLISHED,
        created_at=utcnow() - timedelta(hours=1),
    )
    reply = Contribution(
        proposal=proposal,
        kind=ContributionKind.REPLY,
        author=replier,
        parent=comment,
        body="D’accord, et le soir aussi.",
        state=ContributionState.PENDING,
    )
    db.session.add_all([comment, reply])
    db.session.commit()
    return reply


def _approve(client, contribution) -> None:
    data = {"action": "approve", "reason": "compliant", "version": contribution.version}
    response = client.post(
        f"/moderation/contributions/{contribution.id}/decision",
        data=data,
        headers={"Host": EVIL},
    )
    assert response.status_code == 302


def test_reply_and_decision_emails_ignore_a_forged_host(
    app, client, outbox, make_user, make_proposal
):
    """A moderator's request with a forged Host publishes a reply: the commenter's reply
    notification and the replier's decision e-mail both link to the site only."""
    commenter = make_user(email="commenter@example.org")
    replier = make_user(email="replier@example.org")
    reply = _held_reply(make_proposal(), commenter, replier)
    _login(client, make_user("moderator"), headers={"Host": EVIL})
    _approve(client, reply)
    with app.test_request_context("/", base_url=f"http://{EVIL}"):
        assert deliver_outbox() == 2
    by_recipient = {message["To"]: message for message in outbox}
    assert set(by_recipient) == {"commenter@example.org", "replier@example.org"}
    assert f"{SITE}/contributions/{reply.id}" in by_recipient["commenter@example.org"].get_content()
    for message in outbox:
        _assert_site_links_only(message)


def test_guest_decision_email_ignores_a_forged_host(client, outbox, make_user, make_proposal):
    proposal = make_proposal()
    testimony = Contribution(
        proposal=proposal,
        kind=ContributionKind.TESTIMONY,
        guest_name="Amina",
        guest_contact="amina@example.org",
        body="Je dors dehors depuis un mois.",
        state=ContributionState.PENDING,
    )
    db.session.add(testimony)
    db.session.commit()
    _login(client, make_user("moderator"), headers={"Host": EVIL})
    _approve(client, testimony)
    assert deliver_outbox() == 1
    [message] = outbox
    assert f"{SITE}/propositions/{proposal.id}" in message.get_content()
    _assert_site_links_only(message)


@pytest.mark.parametrize("missing", [None, ""])
def test_no_site_address_no_link_from_the_request(app, monkeypatch, missing):
    from app.web.links import public_url

    monkeypatch.setitem(app.config, "MAIL_SITE_URL", missing)
    request = app.test_request_context("/", base_url=f"http://{EVIL}")
    with request, pytest.raises(RuntimeError, match="MAIL_SITE_URL"):
        public_url("main.index")


# Links that are kept elsewhere (calendar apps, API clients) follow the same rule


def test_calendar_and_api_links_ignore_a_forged_host(client, make_proposal, make_organisation):
    proposal = make_proposal()
    organisation = make_organisation()
    meeting = Meeting(
        title="Groupe santé", starts_at=utcnow() + timedelta(days=3), place_name="Local"
    )
    meeting.proposals.append(proposal)
    db.session.add(meeting)
    db.session.commit()
    forged = {"Host": EVIL, "X-Forwarded-Host": EVIL}
    kept = [
        client.get(f"/reunions/{meeting.id}.ics", headers=forged).get_data(as_text=True),
        client.get("/reunions.ics", headers=forged).get_data(as_text=True),
        client.get(f"/reunions/{meeting.id}", headers=forged).get_data(as_text=True),
        client.get(f"/api/v1/meetings/{meeting.id}", headers=forged).get_data(as_text=True),
        client.get(f"/api/v1/proposals/{proposal.id}", headers=forged).get_data(as_text=True),
        client.get("/api/v1/organisations", headers=forged).get_data(as_text=True),
    ]
    assert f"{SITE}/reunions/{meeting.id}" in kept[0].replace("\r\n ", "")
    assert f'href="webcal://voix.test/reunions/{meeting.id}.ics"' in kept[2]
    assert f"{SITE}/propositions/{proposal.id}" in kept[3]
    assert f"{SITE}/organisations/{organisation.slug}" in kept[5]
    assert not [text for text in kept if EVIL in text]
