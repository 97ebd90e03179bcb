"""Rate limits: a French page (JSON under /api) with Retry-After; guessing at one account is
slowed down without locking its owner out; counters shared by workers through Redis."""

import os
import re
import subprocess
import sys
import textwrap
import uuid

import pytest

from app.extensions import db
from app.models import Contribution, ContributionKind, ContributionState
from tests.conftest import PASSWORD

WRONG = "mauvais mot de passe"


def _login(client, email, password=WRONG, address="10.0.0.1"):
    return client.post(
        "/compte/connexion",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


@pytest.mark.parametrize(
    ("config", "url", "data"),
    [
        ("LOGIN_RATE_LIMIT", "/compte/connexion", lambda n: {"email": f"p{n}@x.org"}),
        ("REGISTER_RATE_LIMIT", "/compte/inscription", lambda n: {}),
        ("RESET_RATE_LIMIT", "/compte/mot-de-passe-oublie", lambda n: {"email": "a"}),
    ],
)
def test_account_forms_answer_429_in_french(app, client, monkeypatch, config, url, data):
    monkeypatch.setitem(app.config, config, "2 per hour")
    for n in range(2):
        assert client.post(url, data=data(n)).status_code == 200
    response = client.post(url, data=data(3))
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Trop de tentatives" in html and "Vous pourrez réessayer dans" in html
    assert 3500 < int(response.headers["Retry-After"]) <= 3601
    assert re.search(r"réessayer dans (59|60)\xa0?\s?minutes", html), html[
        html.find("réessayer") :
    ][:80]
    assert client.get(url).status_code == 200  # reading the form is never limited


def test_contributions_and_flags_are_limited(app, client, login_as, make_proposal, monkeypatch):
    monkeypatch.setitem(app.config, "CONTRIBUTION_RATE_LIMIT", "1 per hour")
    monkeypatch.setitem(app.config, "FLAG_RATE_LIMIT", "1 per hour")
    login_as("participant")
    proposal = make_proposal()
    url = f"/propositions/{proposal.id}/temoigner"
    assert client.post(url, data={}).status_code == 200  # refused form, counted anyway
    assert client.post(url, data={}).status_code == 429
    published = Contribution(
        proposal=proposal,
        kind=ContributionKind.COMMENT,
        body="Un avis publié",
        state=ContributionState.PUBLISHED,
        guest_name="Sam",
    )
    db.session.add(published)
    db.session.commit()
    flag_url = f"/contributions/{published.id}/signaler"
    assert client.post(flag_url, data={"reason": "spam"}).status_code == 302
    assert client.post(flag_url, data={"reason": "spam"}).status_code == 429


def test_api_answers_429_in_json(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "1 per minute")
    assert client.get("/api/v1/themes").status_code == 200
    response = client.get("/api/v1/themes")
    assert response.status_code == 429
    assert response.get_json() == {"error": {"code": 429, "message": "Trop de tentatives"}}
    assert 1 <= int(response.headers["Retry-After"]) <= 61


# --- One account being guessed at -------------------------------------------------------


def test_guessing_from_one_address_is_stopped_per_account(client, make_user):
    user = make_user(email="lea@example.org")
    for _ in range(5):
        assert _login(client, user.email).status_code == 200
    response = _login(client, user.email, PASSWORD)  # even the right password now waits
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 60
    assert _login(client, user.email, PASSWORD, address="10.0.0.2").status_code == 302


def test_guessing_from_many_addresses_is_stopped_too(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ACCOUNT_RATE_LIMIT", "6 per hour")
    user = make_user(email="lea@example.org")
    for n in range(6):
        assert _login(client, user.email, address=f"10.0.1.{n}").status_code == 200
    assert _login(client, user.email, address="10.0.2.1").status_code == 429
    assert _login(client, "autre@example.org", address="10.0.2.1").status_code == 200


def test_the_owner_still_gets_in_from_their_usual_address(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ACCOUNT_RATE_LIMIT", "6 per hour")
    user = make_user(email="lea@example.org")
    home = "192.0.2.7"
    assert _login(client, user.email, PASSWORD, address=home).status_code == 302
    client.post("/compte/deconnexion")
    for n in range(10):  # an attacker floods the account from elsewhere
        _login(client, user.email, address=f"10.0.3.{n}")
    assert _login(client, user.email, PASSWORD, address="10.0.4.1").status_code == 429
    assert _login(client, user.email, PASSWORD, address=home).status_code == 302


def test_a_successful_login_forgets_that_addresses_failures(client, make_user):
    user = make_user(email="lea@example.org")
    for _ in range(4):
        _login(client, user.email)
    assert _login(client, user.email, PASSWORD).status_code == 302
    client.post("/compte/deconnexion")
    for _ in range(4):  # typos again: not blocked, the earlier ones were forgotten
        assert _login(client, user.email).status_code == 200
    assert _login(client, user.email, PASSWORD).status_code == 302


# --- Redis: counters shared by several workers ------------------------------------------

WORKER = textwrap.dedent(
    """
    import sys
    from app import create_app

    app = create_app("testing", {
        "RATELIMIT_STORAGE_URI": sys.argv[1],
        "RATELIMIT_KEY_PREFIX": sys.argv[2],
        "RESET_RATE_LIMIT": "2 per minute",
        "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
    })
    client = app.test_client()
    codes = [client.post("/compte/mot-de-passe-oublie", data={"email": "x"}).status_code
             for _ in range(int(sys.argv[3]))]
    print(" ".join(map(str, codes)))
    """
)


def _worker(url, prefix, requests):
    env = {**os.environ, "VOIX_CONFIG": "testing"}
    result = subprocess.run(
        [sys.executable, "-c", WORKER, url, prefix, str(requests)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )
    return result.stdout.split()


def test_two_workers_share_counters_through_redis():
    redis = pytest.importorskip("redis")
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no Redis server")
    prefix = f"test-{uuid.uuid4().hex}"
    try:
        assert _worker(url, prefix, 2) == ["200", "200"]
        assert _worker(url, prefix, 1) == ["429"]  # another process, the same counter
        assert _worker("memory://", prefix, 1) == ["200"]  # without Redis: its own
    finally:
        connection = redis.Redis.from_url(url)
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)


def test_login_works_with_rate_limits_switched_off(client, make_user, monkeypatch):
    """The load test's server runs with RATELIMIT_ENABLED=false, where Flask-Limiter sets up
    no storage at all: logging in, right or wrong, must still work."""
    from app.extensions import limiter

    user = make_user()
    monkeypatch.setattr(limiter, "enabled", False)
    monkeypatch.setattr(limiter, "_limiter", None)  # as when init_app returned early
    wrong = client.post("/compte/connexion", data={"email": user.email, "password": "faux"})
    assert wrong.status_code == 200
    response = client.post("/compte/connexion", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
