"""The page cache (app/web/page_cache.py): visitors are served a kept copy of a public page, but
never one that shows a moderated item or an official response that has since changed."""

import os
import threading
from unittest import mock

import pytest
import sqlalchemy as sa
from flask import make_response, render_template_string, session
from sqlalchemy import event

from app import create_app
from app.extensions import db, page_cache
from app.models import (
    AuditAction,
    AuditEvent,
    ContentVersion,
    Contribution,
    ContributionKind,
    ContributionState,
    OrganisationKind,
    Position,
)
from app.receipts.handover import HANDED_KEY
from app.services.responses import publish_response
from app.web import version_reader
from app.web.page_cache import current_version
from app.web.routes import public_page
from tests.conftest import FreshRequestClient, login

MARKER = "Un-témoignage-à-reconnaître"


@pytest.fixture
def cached(app):
    """The cache on, empty, for this test only."""
    app.config["PAGE_CACHE_ENABLED"] = True
    with app.app_context():
        page_cache.clear()
    yield app
    app.config["PAGE_CACHE_ENABLED"] = False


@pytest.fixture
def proposal(make_proposal):
    proposal = make_proposal(title="Ouvrir des bains-douches gratuits")
    db.session.add(
        Contribution(
            proposal=proposal,
            kind=ContributionKind.TESTIMONY,
            body=f"{MARKER} : j’attends depuis des mois.",
            state=ContributionState.PUBLISHED,
        )
    )
    db.session.commit()
    return proposal


def _queries(client, url, **kwargs):
    """The response, and the statements it cost: through the engine, and the version's
    reads on the connection each worker keeps for them (app/web/version_reader.py)."""
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    held_read = mock.patch.object(
        version_reader._Held, "read", autospec=True, side_effect=version_reader._Held.read
    )
    try:
        with held_read as reads:
            response = client.get(url, **kwargs)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return response, len(statements) + reads.call_count


def test_a_second_visit_is_served_from_the_cache(cached, client, proposal):
    url = f"/propositions/{proposal.id}"
    first, rendered = _queries(client, url)
    second, served = _queries(client, url)
    assert first.status_code == second.status_code == 200
    assert first.headers["X-Page-Cache"] == "miss"
    assert second.headers["X-Page-Cache"] == "hit"
    assert second.get_data() == first.get_data()
    assert MARKER in second.get_data(as_text=True)
    assert served == 1 < rendered  # the content version, nothing else
    assert second.headers["Cache-Control"] == "no-cache"
    assert "Cookie" in second.headers["Vary"]
    assert "Set-Cookie" not in second.headers


def test_a_hidden_testimony_disappears_at_once(cached, client, app, proposal, make_user):
    url = f"/propositions/{proposal.id}"
    assert MARKER in client.get(url).get_data(as_text=True)
    assert client.get(url).headers["X-Page-Cache"] == "hit"

    moderator = app.test_client()
    login(moderator, make_user("moderator"))
    testimony = db.session.scalar(sa.select(Contribution))
    decided = moderator.post(
        f"/moderation/contributions/{testimony.id}/decision",
        data={"action": "hide", "reason": "insult", "details": "", "version": testimony.version},
    )
    assert decided.status_code == 302

    page = client.get(url)
    assert page.headers["X-Page-Cache"] == "miss"
    assert MARKER not in page.get_data(as_text=True)
    assert "Ouvrir des bains-douches gratuits" in page.get_data(as_text=True)


def test_an_edited_official_response_is_shown_at_once(
    cached, client, make_proposal, make_organisation, make_user
):
    institution = make_organisation(OrganisationKind.INSTITUTION, name="Ville de Metz")
    proposal = make_proposal(institutions=[institution])
    rep = make_user("institution_rep", organisation=institution)
    publish_response(rep, proposal, institution, position=Position.UNDER_STUDY, body="Première.")
    url = f"/propositions/{proposal.id}"
    assert "Première." in client.get(url).get_data(as_text=True)
    assert client.get(url).headers["X-Page-Cache"] == "hit"

    publish_response(rep, proposal, institution, position=Position.FAVOURABLE, body="Seconde.")
    page = client.get(url).get_data(as_text=True)
    assert "Seconde." in page
    assert "Première." not in page  # the earlier text is on the history page only


def test_two_app_servers_drop_their_copies_together(cached, client, proposal):
    """Each server keeps its own copies (no Redis here); the version is in the database."""
    other = create_app(
        "testing",
        {"SQLALCHEMY_DATABASE_URI": cached.config["SQLALCHEMY_DATABASE_URI"]}
        | {"PAGE_CACHE_ENABLED": True, "WTF_CSRF_ENABLED": False},
    )
    other.test_client_class = FreshRequestClient
    url = f"/propositions/{proposal.id}"
    with other.app_context():
        other_client = other.test_client()
        assert MARKER in other_client.get(url).get_data(as_text=True)
        assert other_client.get(url).headers["X-Page-Cache"] == "hit"
        db.session.remove()
        other_engine = db.engine
    assert client.get(url).headers["X-Page-Cache"] == "miss"

    db.session.get(Contribution, 1).state = ContributionState.HIDDEN
    db.session.commit()

    with other.app_context():
        page = other.test_client().get(url)
        assert page.headers["X-Page-Cache"] == "miss"
        assert MARKER not in page.get_data(as_text=True)
        db.session.remove()
    other_engine.dispose()
    assert MARKER not in client.get(url).get_data(as_text=True)


def test_a_browser_that_has_the_page_gets_a_304_until_it_changes(cached, client, proposal):
    url = f"/propositions/{proposal.id}"
    first = client.get(url)
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""

    db.session.get(Contribution, 1).state = ContributionState.HIDDEN
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert MARKER not in changed.get_data(as_text=True)


def test_other_logged_in_pages_are_neither_served_nor_kept(cached, client, app, make_user):
    reader = app.test_client()
    login(reader, make_user("participant", pseudonym="lectrice-connectee"))
    for _ in range(2):
        page = reader.get("/suivi")
        assert "X-Page-Cache" not in page.headers
        assert page.headers["Cache-Control"] == "no-store"
        assert "ETag" not in page.headers
    visitor = client.get("/suivi")
    assert visitor.headers["X-Page-Cache"] == "miss"
    assert "lectrice-connectee" not in visitor.get_data(as_text=True)
    assert "/compte/deconnexion" not in visitor.get_data(as_text=True)


def test_languages_and_reading_modes_are_kept_apart(cached, client, proposal):
    french = client.get("/propositions").get_data(as_text=True)
    english_reader = cached.test_client()
    english_reader.get("/propositions?lang=en")  # kept in the session: not a cached answer
    english = english_reader.get("/propositions")
    assert english.headers["X-Page-Cache"] == "miss"
    assert english.get_data(as_text=True) != french
    assert 'lang="en"' in english.get_data(as_text=True)
    assert 'lang="fr"' in client.get("/propositions").get_data(as_text=True)


def test_a_message_shown_once_is_not_kept(cached, client, app, make_user):
    """After logging out, the farewell message is for this visitor's next page only."""
    login(client, make_user("participant"))
    client.post("/compte/deconnexion")
    first = client.get("/propositions")
    assert "X-Page-Cache" not in first.headers
    other = app.test_client().get("/propositions").get_data(as_text=True)
    assert "déconnecté" not in other


@pytest.fixture
def made_for_one(client):
    """An app whose cached endpoints include pages made for one visitor alone."""
    other = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": client.application.config["SQLALCHEMY_DATABASE_URI"],
            "PAGE_CACHE_ENABLED": True,
        },
    )

    @other.get("/essai/formulaire")
    @public_page
    def form_page():
        return render_template_string("<input value='{{ csrf_token() }}'>")

    @other.get("/essai/cookie")
    @public_page
    def cookie_page():
        response = make_response("un cookie")
        response.set_cookie("essai", "1")
        return response

    @other.get("/essai/session")
    @public_page
    def session_page():
        session["vu"] = True
        return "noté"

    @other.get("/essai/public")
    @public_page
    def for_everyone():
        return "pour tout le monde"

    other.test_client_class = FreshRequestClient  # a new `g` per request, as in production
    with other.app_context():
        yield other.test_client()
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("path", ["/essai/formulaire", "/essai/cookie", "/essai/session"])
def test_pages_made_for_one_visitor_are_not_kept(made_for_one, proposal, path):
    """A CSRF token, a cookie, a session: kept, the next visitor would get them."""
    for _ in range(2):
        assert "X-Page-Cache" not in made_for_one.get(path).headers
    made_for_one.get("/essai/public")
    assert made_for_one.get("/essai/public").headers["X-Page-Cache"] == "hit"


def test_only_content_changes_the_version(cached, client, proposal, make_user):
    before = current_version()
    db.session.add(AuditEvent(action=AuditAction.THEME_CREATED, target_type="theme"))
    db.session.commit()
    assert current_version() == before
    proposal.title = "Un autre titre"
    db.session.rollback()
    assert current_version() == before
    proposal.title = "Un autre titre"
    db.session.commit()
    assert current_version() != before


def test_the_version_row_comes_back_if_it_is_lost(cached, client, proposal):
    db.session.execute(sa.delete(ContentVersion))
    db.session.commit()
    assert current_version() is None
    url = f"/propositions/{proposal.id}"
    assert client.get(url).status_code == 200
    assert "X-Page-Cache" not in client.get(url).headers  # no version: nothing kept
    proposal.title = "Un autre titre"
    db.session.commit()
    assert current_version() is not None


def test_pages_are_served_when_the_cache_server_is_down(client, proposal, caplog):
    broken = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": client.application.config["SQLALCHEMY_DATABASE_URI"],
            "PAGE_CACHE_ENABLED": True,
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": "redis://127.0.0.1:1/0",
            "CACHE_OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    )
    with broken.app_context():
        page = broken.test_client().get(f"/propositions/{proposal.id}")
        assert page.status_code == 200
        assert MARKER in page.get_data(as_text=True)
        db.session.remove()
        db.engine.dispose()
    assert "Page cache unavailable" in caplog.text


def test_flask_cache_clear_drops_every_cached_page(cached, client, proposal):
    """bin/serve runs it after each upgrade: no page rendered by the previous code remains."""
    url = f"/propositions/{proposal.id}"
    client.get(url)
    assert client.get(url).headers["X-Page-Cache"] == "hit"
    before = current_version()
    result = cached.test_cli_runner().invoke(args=["cache", "clear"])
    assert result.exit_code == 0
    assert "Pages en cache oubliées." in result.output
    assert current_version() != before
    assert client.get(url).headers["X-Page-Cache"] == "miss"


def test_a_guest_who_left_a_testimony_reads_the_pages_everyone_reads(cached, app, proposal):
    """What the receipt's handover keeps in the session changes no page: a guest who left
    a testimony is served the copy every visitor is."""
    url = f"/propositions/{proposal.id}"
    assert app.test_client().get(url).headers["X-Page-Cache"] == "miss"
    guest = app.test_client()
    with guest.session_transaction() as session:
        session[HANDED_KEY] = ["k" * 32]
    assert guest.get(url).headers["X-Page-Cache"] == "hit"


# The version's own connection (app/web/version_reader.py)


def _hide_the_testimony() -> None:
    db.session.get(Contribution, 1).state = ContributionState.HIDDEN
    db.session.commit()


def test_the_version_is_read_on_a_connection_kept_for_it(cached, client, proposal):
    url = f"/propositions/{proposal.id}"
    client.get(url)
    held = version_reader.held_connection()
    assert held is not None
    page, statements = _queries(client, url)
    assert page.headers["X-Page-Cache"] == "hit"
    assert statements == 1
    assert version_reader.held_connection() is held  # the same one, request after request


def _end(connection) -> None:
    """End the version's connection as it ends in production: PostgreSQL's server ends the
    session (a restart, an idle timeout); SQLite has no server, the file's connection is
    closed."""
    if db.engine.dialect.name == "postgresql":
        pid = connection.info.backend_pid
        db.session.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        db.session.commit()
    else:
        connection.close()


def test_an_ended_version_connection_is_replaced_and_no_page_is_stale(cached, client, proposal):
    url = f"/propositions/{proposal.id}"
    assert client.get(url).status_code == 200
    ended = version_reader.held_connection()
    _end(ended)
    _hide_the_testimony()

    page = client.get(url)
    assert page.status_code == 200
    assert page.headers["X-Page-Cache"] == "miss"  # the new version, read from the pool
    assert MARKER not in page.get_data(as_text=True)
    assert client.get(url).headers["X-Page-Cache"] == "hit"
    assert version_reader.held_connection() not in (None, ended)


def test_a_forked_process_and_another_thread_read_on_their_own(
    cached, client, proposal, monkeypatch
):
    url = f"/propositions/{proposal.id}"
    client.get(url)
    parents = version_reader.held_connection()
    seen = {}

    def other_thread():
        with cached.app_context():
            seen["page"] = cached.test_client().get(url).status_code
            seen["held"] = version_reader.held_connection()
            db.session.remove()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen["page"] == 200
    assert seen["held"] not in (None, parents)

    real_pid = os.getpid()
    monkeypatch.setattr(os, "getpid", lambda: real_pid + 1)  # as in a forked child
    assert client.get(url).status_code == 200
    assert version_reader.held_connection() is not parents
    monkeypatch.undo()
    cursor = parents.cursor()  # the parent's connection was left open for the parent
    cursor.execute("SELECT 1")
    assert cursor.fetchall()[0][0] == 1
