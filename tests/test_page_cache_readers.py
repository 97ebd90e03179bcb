"""A reader's page (app/web/page_cache.py): the proposal list and a proposal page, kept for the
logged-in person who reads them, never shown to anyone else, never stale, with a working
CSRF token and a fresh one-time key at each view."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import before_render_template, flash

from app import create_app
from app.extensions import db, page_cache
from app.models import (
    Contribution,
    ContributionState,
    Follow,
    Notification,
    utcnow,
)
from tests import test_page_cache
from tests.conftest import login

MARKER = test_page_cache.MARKER
proposal = test_page_cache.proposal  # the same fixture: a proposal with one testimony
ONE_TIME_KEY = re.compile(r'name="idempotency_key" type="hidden" value="([^"]+)"')
CSRF_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
BARE_CSRF_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')  # forms written by hand


@pytest.fixture
def cached(app):
    """The cache and CSRF protection on, the cache empty, for this test only."""
    app.config.update(PAGE_CACHE_ENABLED=True, WTF_CSRF_ENABLED=True)
    with app.app_context():
        page_cache.clear()
    yield app
    app.config.update(PAGE_CACHE_ENABLED=False, WTF_CSRF_ENABLED=False)


def _reader(app, make_user, pseudonym="lectrice-connectee", role="participant"):
    client = app.test_client()
    user = make_user(role, pseudonym=pseudonym)
    app.config["WTF_CSRF_ENABLED"] = False  # the login form's own token is not the point
    login(client, user)
    app.config["WTF_CSRF_ENABLED"] = True
    client.get("/aide")  # shows the login's message once: the pages that follow have none
    return client, user


def test_a_reader_second_view_is_served_from_the_cache(cached, app, make_user, proposal):
    reader, _ = _reader(app, make_user)
    url = f"/propositions/{proposal.id}"
    first, rendered = test_page_cache._queries(reader, url)
    second, served = test_page_cache._queries(reader, url)
    assert first.headers["X-Page-Cache"] == "miss"
    assert second.headers["X-Page-Cache"] == "hit"
    # One query: the login session, read with the content version and the reader's state
    # (app/web/reader_hit.py).
    assert served == 1 < rendered
    for page in (first, second):
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        assert page.headers["Cache-Control"] == "no-store"  # a person's page: no proxy keeps it
        assert "ETag" not in page.headers
        assert MARKER in text and "lectrice-connectee" in text
    list_first, list_second = reader.get("/propositions"), reader.get("/propositions")
    assert (list_first.headers["X-Page-Cache"], list_second.headers["X-Page-Cache"]) == (
        "miss",
        "hit",
    )
    assert "Ouvrir des bains-douches gratuits" in list_second.get_data(as_text=True)


def _tokens(text: str) -> set[str]:
    return set(CSRF_TOKEN.findall(text)) | set(BARE_CSRF_TOKEN.findall(text))


def test_each_view_draws_its_own_one_time_key_and_keeps_a_working_token(
    cached, app, make_user, proposal
):
    reader, user = _reader(app, make_user)
    url = f"/propositions/{proposal.id}"
    keys, tokens = [], set()
    for outcome in ("miss", "hit", "hit"):
        page = reader.get(url)
        assert page.headers["X-Page-Cache"] == outcome
        text = page.get_data(as_text=True)
        keys += ONE_TIME_KEY.findall(text)
        tokens |= _tokens(text)
    assert len(keys) == 3 and len(set(keys)) == 3  # two tabs never share a key
    assert not any(key.endswith("-once") for key in keys)
    assert len(tokens) == 1  # the token of this browser's session, kept with the page

    # The token of a page served from the cache is accepted: the comment is published.
    posted = reader.post(
        f"/propositions/{proposal.id}/commentaires",
        data={
            "csrf_token": tokens.pop(),
            "idempotency_key": keys[-1],
            "body": "Un commentaire envoyé depuis une page gardée.",
            "display_mode": "pseudonym",
        },
    )
    assert posted.status_code == 302, posted.get_data(as_text=True)
    authored = sa.select(Contribution).filter_by(author_id=user.id)
    assert db.session.scalar(authored).idempotency_key == keys[-1]


def test_a_reader_page_is_kept_for_one_browser_session(cached, app, make_user, proposal):
    """The same person logged in on a second device: its forms need that session's token."""
    phone, user = _reader(app, make_user)
    url = f"/propositions/{proposal.id}"
    phone.get(url)
    assert phone.get(url).headers["X-Page-Cache"] == "hit"
    laptop = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False
    login(laptop, user)
    app.config["WTF_CSRF_ENABLED"] = True
    laptop.get("/aide")
    page = laptop.get(url)
    assert page.headers["X-Page-Cache"] == "miss"
    (token,) = _tokens(page.get_data(as_text=True))
    followed = laptop.post(f"/propositions/{proposal.id}/suivre", data={"csrf_token": token})
    assert followed.status_code == 302


def test_a_reader_page_is_kept_far_shorter_than_its_token_lives(app):
    """A kept page carries the token it was rendered with: the app refuses to start if the
    token could expire while the page is still served."""
    settings = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    with pytest.raises(RuntimeError, match="WTF_CSRF_TIME_LIMIT"):
        create_app("testing", settings | {"WTF_CSRF_TIME_LIMIT": 600})
    create_app("testing", settings | {"WTF_CSRF_TIME_LIMIT": 3600})  # two minutes of an hour


def test_a_reader_page_is_never_shown_to_another_reader(cached, app, make_user, proposal):
    first, _ = _reader(app, make_user, "premiere-lectrice")
    second, _ = _reader(app, make_user, "second-lecteur")
    url = f"/propositions/{proposal.id}"
    assert first.get(url).headers["X-Page-Cache"] == "miss"
    assert first.get(url).headers["X-Page-Cache"] == "hit"
    other = second.get(url)
    assert other.headers["X-Page-Cache"] == "miss"
    assert "second-lecteur" in other.get_data(as_text=True)
    assert "premiere-lectrice" not in other.get_data(as_text=True)
    visitor = app.test_client().get(url).get_data(as_text=True)
    assert "premiere-lectrice" not in visitor and "second-lecteur" not in visitor


def test_following_and_notifications_show_at_once(cached, app, make_user, proposal):
    reader, user = _reader(app, make_user)
    url = f"/propositions/{proposal.id}"
    reader.get(url)
    assert "Ne plus suivre" not in reader.get(url).get_data(as_text=True)

    db.session.add(Follow(user_id=user.id, proposal_id=proposal.id))  # a private table
    db.session.commit()
    page = reader.get(url)
    assert page.headers["X-Page-Cache"] == "miss"
    assert "Ne plus suivre" in page.get_data(as_text=True)

    assert "non lues" not in page.get_data(as_text=True)
    db.session.add(Notification(user_id=user.id, kind="new_response", proposal_id=proposal.id))
    db.session.commit()
    page = reader.get(url)
    assert page.headers["X-Page-Cache"] == "miss"
    assert "non lues" in page.get_data(as_text=True)


def test_a_hidden_testimony_disappears_for_readers_at_once(cached, app, make_user, proposal):
    reader, _ = _reader(app, make_user)
    url = f"/propositions/{proposal.id}"
    reader.get(url)
    assert MARKER in reader.get(url).get_data(as_text=True)
    testimony = db.session.scalar(sa.select(Contribution))
    testimony.state = ContributionState.HIDDEN
    db.session.commit()
    page = reader.get(url)
    assert page.headers["X-Page-Cache"] == "miss"
    assert MARKER not in page.get_data(as_text=True)


def test_the_edit_link_goes_when_its_window_closes(cached, app, make_user, proposal, clock):
    reader, user = _reader(app, make_user)
    window = app.config["CONTRIBUTION_EDIT_MINUTES"] * 60
    mine = db.session.scalar(sa.select(Contribution))
    mine.author_id = user.id
    mine.created_at = utcnow() - timedelta(seconds=window - 2.5)  # closes in 2.5 s
    db.session.commit()
    url, edit = f"/propositions/{proposal.id}", f"/contributions/{mine.id}/modifier"
    assert edit in reader.get(url).get_data(as_text=True)
    kept = reader.get(url)
    assert kept.headers["X-Page-Cache"] == "hit" and edit in kept.get_data(as_text=True)
    clock.advance(2.6)
    page = reader.get(url)
    assert page.headers["X-Page-Cache"] == "miss"  # kept no longer than the link was valid
    assert edit not in page.get_data(as_text=True)


def test_a_notification_written_during_the_render_is_not_kept_stale(
    cached, app, make_user, proposal, monkeypatch
):
    """The key reads the unread count before the view; the page, during it. A notification
    arriving in between must not leave a page kept under a count it does not show."""
    reader, user = _reader(app, make_user)
    url = f"/propositions/{proposal.id}"
    shown = app.jinja_env.globals["unread_notifications"]

    def arriving_now():
        db.session.add(Notification(user_id=user.id, kind="new_response", proposal_id=proposal.id))
        db.session.commit()
        return shown()

    monkeypatch.setitem(app.jinja_env.globals, "unread_notifications", arriving_now)
    assert "non lues" in reader.get(url).get_data(as_text=True)
    monkeypatch.setitem(app.jinja_env.globals, "unread_notifications", shown)
    db.session.execute(sa.delete(Notification))
    db.session.commit()
    again = reader.get(url)
    assert again.headers["X-Page-Cache"] == "miss"
    assert "non lues" not in again.get_data(as_text=True)


def test_a_message_shown_once_is_not_kept_for_a_reader(cached, app, make_user, proposal):
    reader, _ = _reader(app, make_user)
    url = f"/propositions/{proposal.id}"
    reader.get(url)
    followed = reader.post(
        f"/propositions/{proposal.id}/suivre",
        data={"csrf_token": CSRF_TOKEN.search(reader.get(url).get_data(as_text=True)).group(1)},
    )
    assert followed.status_code == 302
    flashed = reader.get(url)
    # Once in the message, once beside the button.
    assert flashed.get_data(as_text=True).count("Vous suivez cette proposition.") == 2
    again = reader.get(url)
    assert again.headers["X-Page-Cache"] == "miss"
    assert again.get_data(as_text=True).count("Vous suivez cette proposition.") == 1


def test_a_message_flashed_and_shown_by_the_same_page_is_not_kept(cached, app, make_user, proposal):
    """A view may flash and render at once: the message leaves the session as the page shows
    it, and that page must not be served again."""
    reader, _ = _reader(app, make_user)
    url = f"/propositions/{proposal.id}"
    pending = ["Un message pour cette page seulement."]

    def flash_once(_sender, **_extra):
        if pending:
            flash(pending.pop())

    with before_render_template.connected_to(flash_once, app):
        shown = reader.get(url)
    assert "Un message pour cette page seulement." in shown.get_data(as_text=True)
    again = reader.get(url)
    assert again.headers["X-Page-Cache"] == "miss"
    assert "Un message pour cette page seulement." not in again.get_data(as_text=True)


def test_an_error_page_gets_a_real_token(cached, app, make_user):
    reader, _ = _reader(app, make_user)
    missing = reader.get("/propositions/999999")
    assert missing.status_code == 404
    assert "X-Page-Cache" not in missing.headers
    token = re.search(r'name="csrf_token" value="([^"]+)"', missing.get_data(as_text=True))
    assert not token.group(1).endswith("-csrf")
    assert (
        reader.post("/compte/deconnexion", data={"csrf_token": token.group(1)}).status_code == 302
    )
