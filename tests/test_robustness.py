"""Nothing lost, nothing twice: a form sent twice is stored once, a busy database is tried
again, a failure in the middle of a use case leaves nothing half-written, and too large a
request gets a French page."""

import re
import threading
import time
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from app.database import ping_when_idle
from app.extensions import db
from app.models import (
    Contribution,
    ContributionKind,
    ContributionState,
    Follow,
    ModerationDecision,
    Notification,
    OfficialResponse,
    OrganisationKind,
    OutboxEmail,
    Position,
    Proposal,
    ProposalStatus,
    StatusChange,
    utcnow,
)
from tests.conftest import login

TEXT = "Le dimanche, aucun accueil de jour n’est ouvert dans le quartier."
KEY = re.compile(r'name="idempotency_key" type="hidden" value="([^"]+)"')


def _count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _form_key(client, url: str) -> str:
    """The idempotency key drawn when the form at `url` is shown."""
    html = client.get(url).get_data(as_text=True)
    keys = KEY.findall(html)
    assert keys, "the form carries no idempotency key"
    return keys[0]


@pytest.fixture
def proposal(make_proposal):
    return make_proposal()


@pytest.fixture
def published_comment(proposal, make_user):
    author = make_user("participant")
    comment = Contribution(
        proposal=proposal,
        kind=ContributionKind.COMMENT,
        author=author,
        body="Un commentaire publié.",
        state=ContributionState.PUBLISHED,
    )
    db.session.add(comment)
    db.session.commit()
    return comment


# A form sent twice (double click, resent page) is stored once


def test_guest_testimony_sent_twice_is_stored_once(client, proposal):
    url = f"/propositions/{proposal.id}/temoigner"
    key = _form_key(client, url)
    first = client.post(url, data={"body": TEXT, "idempotency_key": key})
    second = client.post(url, data={"body": TEXT, "idempotency_key": key})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(Contribution) == 1
    # A new form (a new key) is a new testimony.
    client.post(url, data={"body": TEXT, "idempotency_key": _form_key(client, url)})
    assert _count(Contribution) == 2


@pytest.mark.parametrize("page", ["testimony", "comment", "reply"])
def test_logged_in_form_sent_twice_is_stored_once(
    client, login_as, proposal, published_comment, page
):
    login_as("participant")
    url, form_url = {
        "testimony": (f"/propositions/{proposal.id}/temoigner",) * 2,
        "comment": (f"/propositions/{proposal.id}/commentaires", f"/propositions/{proposal.id}"),
        "reply": (f"/contributions/{published_comment.id}/repondre",) * 2,
    }[page]
    data = {"body": TEXT, "display_mode": "pseudonym", "idempotency_key": ""}
    data["idempotency_key"] = _form_key(client, form_url)
    first = client.post(url, data=data)
    second = client.post(url, data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]  # the same contribution
    assert _count(Contribution, Contribution.body == TEXT) == 1
    assert "Merci" in client.get(second.headers["Location"]).get_data(as_text=True)


def test_response_reply_sent_twice_is_stored_once(client, login_as, proposal, make_organisation):
    institution = make_organisation(OrganisationKind.INSTITUTION)
    response = OfficialResponse(
        proposal=proposal, institution=institution, body="Oui.", position=Position.FAVOURABLE
    )
    db.session.add(response)
    db.session.commit()
    login_as("participant")
    url = f"/reponses/{response.id}/repondre"
    data = {"body": TEXT, "display_mode": "pseudonym", "idempotency_key": _form_key(client, url)}
    assert client.post(url, data=data).status_code == 302
    assert client.post(url, data=data).status_code == 302
    assert _count(Contribution, Contribution.response_id == response.id) == 1


def test_another_persons_key_is_not_theirs(client, make_user, proposal):
    """A key someone else used never shows them the other person's contribution."""
    url = f"/propositions/{proposal.id}/temoigner"
    data = {"body": TEXT, "display_mode": "pseudonym", "idempotency_key": "k" * 32}
    login(client, make_user("participant"))
    client.post(url, data=data)
    client.post("/compte/deconnexion")
    login(client, make_user("participant"))
    response = client.post(url, data=data | {"body": "Un autre texte, le mien."})
    assert response.status_code == 302
    assert _count(Contribution) == 2
    assert _count(Contribution, Contribution.body == "Un autre texte, le mien.") == 1


@pytest.mark.parametrize("key", ["", "court", "x" * 65, "<script>" * 4, "clé avec espaces !!!"])
def test_malformed_key_still_saves_once(client, login_as, proposal, key):
    login_as("participant")
    url = f"/propositions/{proposal.id}/temoigner"
    data = {"body": TEXT, "display_mode": "pseudonym", "idempotency_key": key}
    assert client.post(url, data=data).status_code == 302
    assert db.session.scalar(sa.select(Contribution.idempotency_key)) is None


def test_key_kept_when_the_form_comes_back_with_an_error(client, login_as, proposal):
    login_as("participant")
    url = f"/propositions/{proposal.id}/temoigner"
    key = _form_key(client, url)
    html = client.post(
        url, data={"body": "", "display_mode": "pseudonym", "idempotency_key": key}
    ).get_data(as_text=True)
    assert f'value="{key}"' in html and "Écrivez votre témoignage ou enregistrez-le." in html
    assert _count(Contribution) == 0


# A busy database is tried again; nothing half-written when it stays busy


@contextmanager
def failing_statement(table: str, error_text: str, times: int = 1, nth: int = 1):
    """Make the `nth` INSERT into `table` fail, `times` times (fault injection)."""
    seen = {"inserts": 0, "failed": 0}
    prefix = re.compile(rf'^\s*INSERT INTO "?{table}"?\s', re.IGNORECASE)

    def before(_conn, _cursor, statement, _params, _context, _executemany):
        if not prefix.match(statement):
            return
        seen["inserts"] += 1
        if seen["inserts"] >= nth and seen["failed"] < times:
            seen["failed"] += 1
            raise OperationalError(statement, {}, Exception(error_text))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def test_locked_database_is_tried_again_once(client, login_as, proposal):
    login_as("participant")
    url = f"/propositions/{proposal.id}/temoigner"
    with failing_statement("contribution", "database is locked") as seen:
        response = client.post(url, data={"body": TEXT, "display_mode": "pseudonym"})
    assert seen["failed"] == 1
    assert response.status_code == 302
    assert _count(Contribution) == 1


def test_database_locked_twice_is_a_french_503_and_nothing_saved(client, login_as, proposal):
    login_as("participant")
    url = f"/propositions/{proposal.id}/temoigner"
    with failing_statement("contribution", "database is locked", times=2):
        response = client.post(url, data={"body": TEXT, "display_mode": "pseudonym"})
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "réessayez" in html and "Rien n’a été enregistré" in html
    assert "database is locked" not in html
    assert _count(Contribution) == 0


def test_sqlite_writer_waits_for_a_lock_held_elsewhere(app, client, login_as, proposal):
    """A real lock held by another connection for a moment: the post waits, then succeeds."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's own lock")
    login_as("participant")
    other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    raw = other.raw_connection()
    raw.isolation_level = None
    raw.execute("BEGIN IMMEDIATE")  # holds the write lock
    release = threading.Timer(0.5, raw.execute, args=("COMMIT",))
    release.start()
    started = time.monotonic()
    try:
        response = client.post(
            f"/propositions/{proposal.id}/temoigner",
            data={"body": TEXT, "display_mode": "pseudonym"},
        )
    finally:
        release.join()
        raw.close()
        other.dispose()
    assert response.status_code == 302
    assert time.monotonic() - started >= 0.4  # it did wait
    assert _count(Contribution) == 1


def test_sqlite_connection_settings(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with db.engine.connect() as conn:
        pragma = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")
        }
    assert pragma == {
        "journal_mode": "wal",
        "busy_timeout": 5000,
        "foreign_keys": 1,
        "synchronous": 1,
    }


# A failure in the middle of a use case leaves nothing half-written


def test_reply_fails_at_its_email_and_nothing_is_kept(client, login_as, published_comment):
    """Reply + notification + e-mail in the outbox: the e-mail's INSERT fails."""
    login_as("association_member")  # published at once, so its parent's author is told
    with failing_statement("outbox_email", "disk I/O error") as seen:
        response = client.post(
            f"/contributions/{published_comment.id}/repondre",
            data={"body": TEXT, "display_mode": "pseudonym"},
        )
    assert seen["failed"] == 1
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Une erreur est survenue de notre côté" in html and "disk I/O" not in html
    db.session.expire_all()
    assert _count(Contribution, Contribution.kind == ContributionKind.REPLY) == 0
    assert (_count(Notification), _count(OutboxEmail)) == (0, 0)


def test_moderation_fails_at_its_notification_and_nothing_is_kept(
    client, login_as, proposal, make_user
):
    """Decision + state change + the author's notification: the notification fails."""
    held = Contribution(
        proposal=proposal,
        kind=ContributionKind.COMMENT,
        author=make_user("participant"),
        body=TEXT,
        state=ContributionState.PENDING,
    )
    db.session.add(held)
    db.session.commit()
    login_as("moderator")
    with failing_statement("notification", "disk I/O error") as seen:
        response = client.post(
            f"/moderation/contributions/{held.id}/decision",
            data={"action": "approve", "reason": "compliant", "version": held.version},
        )
    assert seen["failed"] == 1
    assert response.status_code == 500
    assert "Erreur du site" in response.get_data(as_text=True)
    db.session.expire_all()
    held = db.session.get(Contribution, held.id)
    assert (held.state, held.version) == (ContributionState.PENDING, 1)
    assert (_count(ModerationDecision), _count(Notification), _count(OutboxEmail)) == (0, 0, 0)


def test_official_response_fails_at_a_follower_notification_and_nothing_is_kept(
    client, make_user, make_proposal, make_organisation
):
    """Response + proposal status + timeline + followers' notifications: the 2nd fails."""
    institution = make_organisation(OrganisationKind.INSTITUTION)
    proposal = make_proposal(institutions=[institution], status=ProposalStatus.SENT)
    proposal.addressed[0].sent_at = utcnow() - timedelta(days=3)
    proposal.addressed[0].response_due_on = date.today() + timedelta(days=50)
    for _ in range(2):
        db.session.add(Follow(user=make_user("participant"), proposal=proposal))
    db.session.commit()
    login(client, make_user("institution_rep", organisation=institution))
    with failing_statement("notification", "disk I/O error", nth=2) as seen:
        response = client.post(
            f"/propositions/{proposal.id}/reponses/{institution.id}",
            data={"position": "favourable", "body": "Nous ouvrirons le dimanche."},
        )
    assert seen == {"inserts": 2, "failed": 1}
    assert response.status_code == 500
    db.session.expire_all()
    assert _count(OfficialResponse) == 0
    assert db.session.get(Proposal, proposal.id).status is ProposalStatus.SENT
    assert _count(StatusChange) == 1  # only the one the proposal was made with
    assert (_count(Notification), _count(OutboxEmail)) == (0, 0)


# Too large a request


def test_request_over_the_limit_is_a_french_413(client, proposal):
    # (The testimony form takes a recording: its own, larger limit, tests/test_audio_forms.py.)
    response = client.post(
        f"/propositions/{proposal.id}/commentaires", data={"body": "x" * (3 * 1024 * 1024)}
    )
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Envoi trop volumineux" in html and "2 Mo au plus" in html
    assert "Revenez en arrière avec le bouton « Précédent »" in html
    assert _count(Contribution) == 0


def test_the_413_page_says_the_configured_limit(app, client, proposal, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 512 * 1024)
    response = client.post(
        f"/propositions/{proposal.id}/commentaires", data={"body": "x" * (600 * 1024)}
    )
    assert response.status_code == 413
    assert "(512 Ko au plus)" in response.get_data(as_text=True)
    assert _count(Contribution) == 0


def test_one_megabyte_text_is_refused_with_the_text_kept(client, proposal):
    body = "x" * (1024 * 1024)
    response = client.post(f"/propositions/{proposal.id}/temoigner", data={"body": body})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Votre texte fait" in html and body in html
    assert _count(Contribution) == 0


# NUL characters: PostgreSQL refuses them, nobody types them


def test_nul_characters_are_dropped_from_forms_and_queries(client, proposal):
    response = client.post(
        f"/propositions/{proposal.id}/temoigner",
        data={"body": "Sans\x00 abri\x00.", "name": "Ami\x00na"},
    )
    assert response.status_code == 302
    saved = db.session.scalar(sa.select(Contribution))
    assert (saved.body, saved.guest_name) == ("Sans abri.", "Amina")
    assert client.get("/propositions", query_string={"atelier": "a\x00b"}).status_code < 500
    assert client.get("/api/v1/proposals", query_string={"theme": "\x00"}).status_code < 500


def test_nul_character_in_a_path_is_a_french_400(client):
    response = client.get("/ateliers/loge%00ment")
    assert response.status_code == 400
    assert "Requête invalide" in response.get_data(as_text=True)


# A connection dropped under the pool (app/database.py's ping_when_idle). The app tests
# PostgreSQL's connections only, but the mechanism runs on both databases: PostgreSQL's
# server ends the connection; on SQLite the driver's connection is closed under the pool.


def _identity(connection) -> int:
    """Which connection this is: the server process on PostgreSQL, the driver object on
    SQLite."""
    if connection.dialect.name == "postgresql":
        return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    return id(connection.connection.dbapi_connection)


def _dropped(engine) -> int:
    """Use a connection of the engine's pool, then have it ended from outside; its identity."""
    with engine.connect() as connection:
        identity = _identity(connection)
        raw = connection.connection.dbapi_connection
    if engine.dialect.name == "postgresql":
        with db.engine.connect() as other:
            other.exec_driver_sql(f"SELECT pg_terminate_backend({int(identity)})")
    else:
        raw.close()
    return identity


def _engine(app, idle_seconds: float):
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], pool_size=1)
    ping_when_idle(engine, idle_seconds)
    return engine


def test_a_connection_dropped_while_idle_is_replaced_before_use(app):
    engine = _engine(app, idle_seconds=0.05)
    try:
        identity = _dropped(engine)
        time.sleep(0.1)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT 1").scalar() == 1
            assert _identity(connection) != identity
    finally:
        engine.dispose()


def test_a_connection_in_constant_use_is_not_tested_at_each_checkout(app):
    engine = _engine(app, idle_seconds=60)
    try:
        _dropped(engine)
        with engine.connect() as connection, pytest.raises(sa.exc.DBAPIError) as failed:
            connection.exec_driver_sql("SELECT 1")  # no round trip before: it meets the drop
        assert failed.value.connection_invalidated
        with engine.connect() as connection:  # the pool replaced it
            assert connection.exec_driver_sql("SELECT 1").scalar() == 1
    finally:
        engine.dispose()


def test_a_connection_tested_after_idling_can_then_read_in_autocommit(app):
    """The page cache reads the content version in autocommit: the test's own statement
    must not leave the connection inside a transaction."""
    engine = _engine(app, idle_seconds=0)  # tested at every checkout
    reading = engine.execution_options(isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        with reading.connect() as connection:
            assert connection.exec_driver_sql("SELECT 1").scalar() == 1
        with engine.connect() as connection:  # and back, in a transaction
            assert connection.exec_driver_sql("SELECT 1").scalar() == 1
    finally:
        engine.dispose()
