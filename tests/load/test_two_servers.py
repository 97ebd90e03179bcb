"""Two app servers, one PostgreSQL database and one Redis: what one server does, the other
sees. A login made on A works on B and a logout on A ends it on B (the server-side sessions
table); the login rate limit counts the attempts made through A and B together (Redis); a
page A rendered is served by B from the shared page cache (Redis), and a contribution hidden
by a moderator on A is no longer shown by B.

Marked `load` (it starts two gunicorn servers): `make test-load` runs it, with
TEST_DATABASE_URL (its server gets a database of its own) and Redis at
redis://127.0.0.1:6379/14 (TEST_REDIS_URL), flushed first. Without them it is skipped,
except in CI, where it fails.
"""

import os
import re
import secrets

import pytest
import requests
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.models import (
    Contribution,
    ContributionKind,
    ContributionState,
    Organisation,
    OrganisationKind,
    Proposal,
    ProposalStatus,
    Role,
    StatusChange,
    Theme,
)
from app.services.accounts import register_user
from tests.load.test_under_load import Server
from tests.scratch_db import scratch_database

pytestmark = pytest.mark.load

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
PASSWORD = "mot de passe partagé"
LOGIN_LIMIT = 4  # per address and minute, through both servers together
HIDDEN = re.compile(r'name="(csrf_token|version)" type="hidden" value="([^"]+)"')
MARKER = "commentaire-a-masquer-" + secrets.token_hex(6)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI runs the two-server test: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def database_url():
    """A new PostgreSQL database on TEST_DATABASE_URL's server, dropped afterwards."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        _unavailable("TEST_DATABASE_URL is not a PostgreSQL URL")
    with scratch_database(base, "two_servers") as url:
        yield url


@pytest.fixture
def redis_db():
    """Redis database 14, emptied before each test (rate-limit counters start at zero)."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.ConnectionError:
        _unavailable(f"no Redis at {REDIS_URL}")
    yield client
    client.close()


@pytest.fixture(scope="module")
def site(database_url):
    """The schema, a proposal with a published comment, a moderator and a participant."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
        association = Organisation(
            slug="asso", name="Association", kind=OrganisationKind.ASSOCIATION
        )
        proposal = Proposal(
            title="Deux serveurs",
            body="Une proposition vue par deux serveurs.",
            theme=Theme(slug="deux", name="Atelier", position=1),
            status=ProposalStatus.SUBMITTED,
            organisation=association,
        )
        proposal.status_changes.append(
            StatusChange(from_status=None, to_status=ProposalStatus.SUBMITTED)
        )
        db.session.add(proposal)
        db.session.commit()
        moderator = register_user("moderation@example.org", PASSWORD, "moderatrice", Role.MODERATOR)
        moderator.organisations.append(association)
        author = register_user("auteur@example.org", PASSWORD, "auteur")
        comment = Contribution(
            proposal=proposal,
            kind=ContributionKind.COMMENT,
            author=author,
            body=f"Un commentaire publié {MARKER}.",
            state=ContributionState.PUBLISHED,
        )
        db.session.add(comment)
        db.session.commit()
        ids = {"proposal": proposal.id, "comment": comment.id}
        db.session.remove()
        db.engine.dispose()
    return ids


@pytest.fixture(scope="module")
def servers(database_url, site, tmp_path_factory):
    """Servers A and B: the same database, Redis and SECRET_KEY, like two hosts behind nginx."""
    env = {
        "SECRET_KEY": secrets.token_hex(16),
        "REDIS_URL": REDIS_URL,
        "RATELIMIT_ENABLED": "true",
        "LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT} per minute",
    }
    logs = tmp_path_factory.mktemp("two-servers")
    pair = [Server(database_url, logs / f"{name}.log", env) for name in ("a", "b")]
    try:
        for server in pair:
            server.start()
        yield pair
    finally:
        for server in pair:
            server.stop()


def _form(session: requests.Session, url: str) -> dict[str, str]:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, page.status_code
    return dict(HIDDEN.findall(page.text))


def _login(session: requests.Session, base: str, email: str) -> requests.Response:
    data = _form(session, f"{base}/compte/connexion") | {"email": email, "password": PASSWORD}
    return session.post(f"{base}/compte/connexion", data=data, allow_redirects=False)


def _logged_in(session: requests.Session, base: str) -> bool:
    response = session.get(f"{base}/compte/preferences", allow_redirects=False, timeout=30)
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def test_both_servers_are_ready_with_redis(servers, redis_db):
    for server in servers:
        response = requests.get(f"{server.base}/readyz", timeout=10)
        assert response.status_code == 200
        assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


def test_a_login_on_a_works_on_b_and_a_logout_on_a_ends_it_on_b(servers, redis_db):
    a, b = servers
    browser = requests.Session()
    assert _login(browser, a.base, "auteur@example.org").status_code == 302
    assert _logged_in(browser, b.base)
    copied = requests.Session()  # the same cookie, kept by someone else
    copied.cookies.update(browser.cookies)
    assert _logged_in(copied, b.base)

    token = _form(browser, f"{a.base}/compte/preferences")["csrf_token"]
    logout = browser.post(f"{a.base}/compte/deconnexion", data={"csrf_token": token})
    assert logout.status_code == 200
    assert not _logged_in(browser, b.base)
    assert not _logged_in(copied, b.base)  # revoked in the database, not just forgotten


def test_the_login_rate_limit_counts_both_servers_together(servers, redis_db):
    a, b = servers
    browser = requests.Session()
    codes = []
    for attempt in range(LOGIN_LIMIT + 2):
        server = (a, b)[attempt % 2]
        data = _form(browser, f"{server.base}/compte/connexion")
        data |= {"email": f"inconnu{attempt}@example.org", "password": "pas le bon"}
        response = browser.post(f"{server.base}/compte/connexion", data=data)
        codes.append(response.status_code)
    # Each server alone would have allowed LOGIN_LIMIT attempts: 2 × LOGIN_LIMIT in all.
    assert codes == [200] * LOGIN_LIMIT + [429, 429]


def test_a_comment_hidden_on_a_is_not_shown_by_b(servers, site, redis_db):
    a, b = servers
    page = f"/propositions/{site['proposal']}"
    site_name = {"Host": "voix.example.org"}  # as nginx passes it to every app server
    rendered = requests.get(f"{a.base}{page}", headers=site_name, timeout=30)
    assert MARKER in rendered.text
    kept = requests.get(f"{b.base}{page}", headers=site_name, timeout=30)  # A's, from Redis
    assert kept.headers["X-Page-Cache"] == "hit"
    assert MARKER in kept.text

    moderator = requests.Session()
    assert _login(moderator, a.base, "moderation@example.org").status_code == 302
    decision_page = f"{a.base}/moderation/contributions/{site['comment']}"
    data = _form(moderator, decision_page) | {"action": "hide", "reason": "insult"}
    decided = moderator.post(f"{decision_page}/decision", data=data, allow_redirects=False)
    assert decided.status_code == 302, decided.text[:500]

    after = requests.get(f"{b.base}{page}", headers=site_name, timeout=30)
    assert after.headers["X-Page-Cache"] == "miss"  # the decision changed the content version
    assert MARKER not in after.text
    assert MARKER not in requests.get(f"{a.base}{page}", timeout=30).text
    assert redis_db.keys("voix:page:*")  # the pages are in the shared Redis
