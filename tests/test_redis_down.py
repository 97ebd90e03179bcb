"""Redis down is degraded, not down: with REDIS_URL at a port where nothing listens, or at a
Redis that accepts and never answers, pages, logins, comments, testimonies and the search
still answer within a second, and /readyz says "degraded".

The app runs in a server process of its own, configured from the environment as in
production (the rate limiter's storage is chosen when the app starts), on the test database.
"""

import http.cookiejar
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from app.accounts import login_throttle
from app.extensions import db
from app.models import Contribution
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Le dimanche, aucun accueil de jour n’est ouvert dans le quartier."
SERVER = """
import sys
from werkzeug.serving import make_server
from app import create_app

app = create_app("development", {"WTF_CSRF_ENABLED": False})
server = make_server("127.0.0.1", int(sys.argv[1]), app, threaded=True)
print("ready", flush=True)
server.serve_forever()
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SilentRedis:
    """A TCP server that accepts every connection and never says a word."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.held.append(self.sock.accept()[0])
            except OSError:  # closed
                return

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture(params=["refused", "silent"])
def redis_url(request):
    if request.param == "refused":
        yield f"redis://127.0.0.1:{_free_port()}/0"  # nothing listens there
        return
    silent = SilentRedis()
    yield f"redis://127.0.0.1:{silent.port}/0"
    silent.close()


@pytest.fixture
def server(app, db, redis_url, tmp_path):
    """The app in its own process, REDIS_URL at the broken Redis; its base URL."""
    port = _free_port()
    env = os.environ | {
        "VOIX_CONFIG": "development",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": redis_url,
        "SECRET_KEY": "redis-down-test",
        "MAIL_BACKEND": "memory",
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=(tmp_path / "server.log").open("w"),
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "ready", (tmp_path / "server.log").read_text()
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies kept, redirects not followed, each answer timed."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, float, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        started = time.monotonic()
        try:
            with self.opener.open(self.base + path, data=body, timeout=15) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        return status, time.monotonic() - started, text


def test_the_site_works_without_redis(server, make_user, make_proposal):
    proposal = make_proposal(title="Des bains-douches gratuits")
    user = make_user("participant")
    visitor, person = Browser(server), Browser(server)
    form = {"body": TEXT, "display_mode": "pseudonym"}
    steps = [
        (visitor, "/", None, 200),
        (visitor, f"/propositions/{proposal.id}", None, 200),
        (visitor, "/recherche?q=douches", None, 200),
        (visitor, f"/propositions/{proposal.id}/temoigner", form | {"body": "Un témoin."}, 302),
        (person, "/compte/connexion", {"email": user.email, "password": PASSWORD}, 302),
        (person, f"/propositions/{proposal.id}/commentaires", form, 302),
        (person, f"/propositions/{proposal.id}", None, 200),
        (visitor, "/", None, 200),
    ]
    for n, (browser, path, data, expected) in enumerate(steps):
        status, elapsed, _text = browser.request(path, data)
        assert status == expected, (path, status)
        assert elapsed < (3 if n == 0 else 2), (path, elapsed)  # the first one starts cold
    db.session.expire_all()
    bodies = set(db.session.scalars(sa.select(Contribution.body)))
    assert bodies == {TEXT, "Un témoin."}


def test_readyz_says_degraded_without_redis(server):
    status, elapsed, text = Browser(server).request("/readyz")
    assert (status, elapsed < 2) == (200, True)
    assert '"status":"degraded"' in text.replace(" ", "")
    assert '"redis":"unavailable"' in text.replace(" ", "")
    assert "127.0.0.1" not in text  # no address (or password) of the Redis in the answer


def test_the_login_throttle_steps_aside_when_redis_fails_mid_request(
    client, make_user, monkeypatch
):
    """Redis failing after Flask-Limiter's own check passed: the login goes on, no 500."""

    class Down:
        def __getattr__(self, _name):
            raise redis.ConnectionError("Redis went away")

    monkeypatch.setattr(login_throttle, "_counters", lambda: (Down(), Down()))
    user = make_user("participant")
    wrong = client.post("/compte/connexion", data={"email": user.email, "password": "non"})
    assert wrong.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in wrong.get_data(as_text=True)
    right = client.post("/compte/connexion", data={"email": user.email, "password": PASSWORD})
    assert right.status_code == 302
