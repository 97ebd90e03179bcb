"""Server-side login sessions: created at login, ended by logout, inactivity, age, another
device, a password reset or a blocked account; listed on the account page."""

import hashlib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.database import read_before_transaction
from app.extensions import db
from app.models import User, UserSession, utcnow
from app.services import sessions
from app.services.sessions import device_names
from tests.conftest import PASSWORD, login

FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
EDGE_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Safari/537.36 Edg/120.0"
)
END_OTHERS = "/compte/sessions/deconnecter-les-autres"


def log_in(client, user, remember=False, agent=FIREFOX_ANDROID):
    """Log in with this browser, which keeps its User-Agent for the next requests."""
    client.environ_base["HTTP_USER_AGENT"] = agent
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/compte/connexion", data=data)
    assert response.status_code == 302
    return response


def is_logged_in(client) -> bool:
    response = client.get("/compte/preferences")
    return response.status_code == 200


def rows(user=None) -> list[UserSession]:
    db.session.expire_all()
    query = sa.select(UserSession).order_by(UserSession.id)
    if user is not None:
        query = query.where(UserSession.user_id == user.id)
    return list(db.session.scalars(query))


def age(row: UserSession, *, created=None, seen=None) -> None:
    """Move a session back in time."""
    if created is not None:
        row.created_at = utcnow() - created
    if seen is not None:
        row.last_seen_at = utcnow() - seen
    db.session.commit()


def session_cookie(client) -> str:
    return client.get_cookie("session").value


# --- Login opens a row -----------------------------------------------------------------------


def test_login_opens_a_session_with_a_hashed_token(client, make_user):
    user = make_user()
    log_in(client, user)
    [row] = rows(user)
    with client.session_transaction() as session:
        token = session["session_token"]
    assert len(token) >= 40
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.token_hash
    assert (row.browser, row.platform, row.revoked_at, row.remember) == (
        "Firefox",
        "Android",
        None,
        False,
    )


def test_each_login_is_a_new_session(app, make_user):
    user = make_user()
    first, second = app.test_client(), app.test_client()
    log_in(first, user)
    log_in(second, user, agent=SAFARI_IPHONE)
    assert len({row.token_hash for row in rows(user)}) == 2
    assert is_logged_in(first) and is_logged_in(second)


def test_a_signed_cookie_without_a_session_row_is_refused(client, make_user):
    """The old kind of cookie (account id only, no server-side session) logs nobody in."""
    user = make_user()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert not is_logged_in(client)


def test_a_token_of_another_account_is_refused(app, make_user):
    alice, bob = make_user(), make_user()
    client = app.test_client()
    log_in(client, alice)
    with client.session_transaction() as session:
        session["_user_id"] = str(bob.id)
    assert not is_logged_in(client)


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (FIREFOX_ANDROID, ("Firefox", "Android")),
        (SAFARI_IPHONE, ("Safari", "iOS")),
        (EDGE_WINDOWS, ("Edge", "Windows")),
        ("<script>alert(1)</script>", (None, None)),
        ("", (None, None)),
    ],
)
def test_only_the_browser_and_system_names_are_kept(agent, expected):
    assert device_names(agent) == expected


# --- Logout ---------------------------------------------------------------------------------


def test_logout_revokes_the_session_and_the_old_cookie_is_worthless(app, client, make_user):
    user = make_user()
    log_in(client, user)
    stolen = session_cookie(client)
    client.post("/compte/deconnexion")
    [row] = rows(user)
    assert row.revoked_at is not None
    replay = app.test_client()
    replay.environ_base["HTTP_USER_AGENT"] = FIREFOX_ANDROID
    replay.set_cookie("session", stolen, domain="localhost")
    response = replay.get("/compte/preferences")
    assert response.status_code == 302
    assert "/compte/connexion" in response.location
    assert user.pseudonym not in replay.get("/").get_data(as_text=True)


def test_the_cookie_works_until_logout(app, client, make_user):
    """The replay above fails because of the logout, not because replaying never works."""
    user = make_user()
    log_in(client, user)
    copy = app.test_client()
    copy.environ_base["HTTP_USER_AGENT"] = FIREFOX_ANDROID
    copy.set_cookie("session", session_cookie(client), domain="localhost")
    assert is_logged_in(copy)


# --- Time limits ----------------------------------------------------------------------------


def test_an_idle_session_ends(client, make_user):
    user = make_user()
    log_in(client, user)
    age(rows(user)[0], seen=timedelta(minutes=121))
    assert not is_logged_in(client)


def test_a_session_used_recently_goes_on(client, make_user):
    user = make_user()
    log_in(client, user)
    age(rows(user)[0], created=timedelta(hours=3), seen=timedelta(minutes=119))
    assert is_logged_in(client)


def test_a_session_ends_after_twelve_hours_even_if_used(client, make_user):
    user = make_user()
    log_in(client, user)
    age(rows(user)[0], created=timedelta(hours=12, minutes=1), seen=timedelta(seconds=5))
    assert not is_logged_in(client)


def test_remember_me_has_no_idle_limit_but_ends_after_two_weeks(client, make_user):
    user = make_user()
    log_in(client, user, remember=True)
    row = rows(user)[0]
    assert row.remember is True
    age(row, created=timedelta(days=10), seen=timedelta(days=3))
    assert is_logged_in(client)
    age(rows(user)[0], created=timedelta(days=14, minutes=1), seen=timedelta(seconds=5))
    assert not is_logged_in(client)


def test_remember_me_makes_the_cookie_outlive_the_browser(app, make_user):
    user = make_user()
    remembered = log_in(app.test_client(), user, remember=True)
    cookies = remembered.headers.getlist("Set-Cookie")
    assert [c for c in cookies if c.startswith("session=") and "Expires=" in c]
    assert not [c for c in cookies if c.startswith("remember_token=")]
    plain = log_in(app.test_client(), user)
    session_cookie_header = next(c for c in plain.headers.getlist("Set-Cookie"))
    assert session_cookie_header.startswith("session=")
    assert "Expires=" not in session_cookie_header


def test_last_activity_is_written_at_most_once_a_minute(client, make_user):
    user = make_user()
    log_in(client, user)
    row = rows(user)[0]
    age(row, seen=timedelta(seconds=30))
    written = row.last_seen_at
    client.get("/")
    assert rows(user)[0].last_seen_at == written
    age(rows(user)[0], seen=timedelta(seconds=90))
    client.get("/")
    assert utcnow() - rows(user)[0].last_seen_at < timedelta(seconds=5)


# --- "Mes sessions" -------------------------------------------------------------------------


def test_account_page_lists_the_live_sessions(app, client, make_user):
    user, stranger = make_user(), make_user()
    log_in(client, user)
    log_in(app.test_client(), user, agent=SAFARI_IPHONE)
    log_in(app.test_client(), user, agent=EDGE_WINDOWS)
    log_in(app.test_client(), stranger, agent="Mozilla/5.0 (X11; Linux x86_64) Chrome/120")
    age(rows(user)[2], seen=timedelta(hours=3))  # the Edge one has ended
    html = client.get("/compte/preferences").get_data(as_text=True)
    section = html[html.index("Mes sessions") :]
    assert "Firefox sur Android" in section
    assert "Safari sur iOS" in section
    assert "Edge" not in section
    assert "Linux" not in section
    assert section.count("cette session") == 1
    this_one = re.search(r"<li>(.*?)</li>", section, re.S).group(1)
    assert "Firefox sur Android" in this_one and "cette session" in this_one
    assert "Déconnecter mes autres sessions" in section


def test_ending_the_other_sessions_keeps_this_one(app, client, make_user):
    user, stranger = make_user(), make_user()
    log_in(client, user)
    phone, strangers = app.test_client(), app.test_client()
    log_in(phone, user, agent=SAFARI_IPHONE)
    log_in(strangers, stranger)
    response = client.post(END_OTHERS, follow_redirects=True)
    assert "1 autre session est déconnectée." in response.get_data(as_text=True)
    assert is_logged_in(client)
    assert not is_logged_in(phone)
    assert is_logged_in(strangers)
    assert "Safari sur iOS" not in client.get("/compte/preferences").get_data(as_text=True)


def test_ending_other_sessions_when_there_are_none(client, make_user):
    log_in(client, make_user())
    response = client.post(END_OTHERS, follow_redirects=True)
    assert "Aucune autre session n’était ouverte." in response.get_data(as_text=True)
    assert is_logged_in(client)


def test_ending_other_sessions_needs_the_csrf_token(app, client, make_user):
    user = make_user()
    log_in(client, user)
    phone = app.test_client()
    log_in(phone, user, agent=SAFARI_IPHONE)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(END_OTHERS).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert is_logged_in(phone)


# --- Password reset, blocked account ---------------------------------------------------------


def test_a_password_reset_ends_every_session(app, client, outbox, make_user):
    user = make_user()
    elsewhere = app.test_client()
    log_in(elsewhere, user)
    client.post("/compte/mot-de-passe-oublie", data={"email": user.email})
    token = re.search(r"/compte/reinitialiser/([A-Za-z0-9_-]+)", outbox[-1].get_content())[1]
    new = "Zq8wX une phrase neuve"
    response = client.post(
        f"/compte/reinitialiser/{token}", data={"password": new, "password_confirm": new}
    )
    assert response.status_code == 302
    assert not is_logged_in(elsewhere)
    assert all(row.revoked_at is not None for row in rows(user))


def test_a_failed_reset_ends_nothing(app, client, outbox, make_user):
    user = make_user()
    elsewhere = app.test_client()
    log_in(elsewhere, user)
    client.post("/compte/mot-de-passe-oublie", data={"email": user.email})
    token = re.search(r"/compte/reinitialiser/([A-Za-z0-9_-]+)", outbox[-1].get_content())[1]
    data = {"password": "Zq8wX une phrase", "password_confirm": "autre chose"}
    assert client.post(f"/compte/reinitialiser/{token}", data=data).status_code == 200
    assert is_logged_in(elsewhere)


def test_blocking_an_account_ends_its_sessions(app, client, make_user):
    person = make_user()
    their_client = app.test_client()
    log_in(their_client, person)
    login(client, make_user("admin"))
    response = client.post(f"/admin/utilisateurs/{person.id}", data={"role": "participant"})
    assert response.status_code == 302
    assert all(row.revoked_at is not None for row in rows(person))
    assert not is_logged_in(their_client)
    # Unblocking does not bring the old sessions back.
    client.post(f"/admin/utilisateurs/{person.id}", data={"role": "participant", "active": "y"})
    assert not is_logged_in(their_client)


# --- The account's read opens no transaction (app/database.py) --------------------------------


def _in_transaction() -> bool | None:
    """Whether the session's connection is inside a transaction (PostgreSQL; None on SQLite,
    whose driver opens one for writes only)."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return None
    status = connection.connection.driver_connection.info.transaction_status
    return status.name != "IDLE"


def test_a_read_before_the_transaction_opens_none_and_the_next_statement_does(make_user):
    user = make_user(pseudonym="Avant")
    user_id = user.id
    db.session.commit()
    db.session.remove()
    postgres = db.engine.dialect.name == "postgresql"

    with read_before_transaction(db.session):
        assert db.session.scalar(sa.select(User.pseudonym).where(User.id == user_id)) == "Avant"
        assert _in_transaction() is (False if postgres else None)  # no BEGIN was sent
    db.session.execute(sa.update(User).where(User.id == user_id).values(pseudonym="Après"))
    assert _in_transaction() is (True if postgres else None)
    db.session.rollback()  # the write after the block was in a transaction: undone whole
    assert db.session.scalar(sa.select(User.pseudonym).where(User.id == user_id)) == "Avant"


def test_a_read_inside_a_transaction_under_way_stays_in_it(make_user):
    user = make_user(pseudonym="Avant")
    db.session.commit()
    user.pseudonym = "Pendant"
    db.session.flush()  # the transaction is under way

    with read_before_transaction(db.session):
        assert db.session.scalar(sa.select(User.pseudonym).where(User.id == user.id)) == ("Pendant")
    db.session.rollback()
    assert db.session.scalar(sa.select(User.pseudonym).where(User.id == user.id)) == "Avant"


def test_a_logged_in_request_reads_its_account_outside_any_transaction(
    client, make_user, monkeypatch
):
    """The account's query is the first of the request: on PostgreSQL no transaction is open
    when it has run (a kept page then needs nothing more)."""
    user = make_user()
    log_in(client, user)
    seen = {}
    original = sessions.load

    def load(*args, **kwargs):
        found = original(*args, **kwargs)
        seen["in_transaction"] = _in_transaction()
        return found

    monkeypatch.setattr(sessions, "load", load)
    db.session.remove()  # as each request starts: no transaction of the test's own under way
    assert is_logged_in(client)
    postgres = db.engine.dialect.name == "postgresql"
    assert seen["in_transaction"] is (False if postgres else None)
