"""Production readiness: /readyz, the production configuration and its JSON logs."""

import json
import logging
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app import create_app

REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_or_skip(url: str) -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no Redis server")


# --- /readyz ----------------------------------------------------------------------------


def test_readyz_names_each_check(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_readyz_503_when_the_database_is_down(tmp_path):
    broken = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/db.sqlite"}
    )
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "unavailable"
    assert body["failing"] == ["database"]
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_degraded_when_redis_is_configured_but_unreachable(app, client, monkeypatch):
    """The site works without Redis (tests/test_redis_down.py): degraded, still ready."""
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["checks"] == {"database": "ok", "redis": "unavailable"}
    assert body["degraded"] == ["redis"]
    assert "127.0.0.1:1" not in response.get_data(as_text=True)


def test_readyz_pings_a_real_redis(app, client, monkeypatch):
    _redis_or_skip(REDIS_TEST_URL)
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_TEST_URL)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "redis": "ok"}


def test_readyz_is_not_rate_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    codes = {client.get("/readyz").status_code for _ in range(120)}
    assert codes == {200}


# --- the production configuration -------------------------------------------------------


@pytest.fixture
def production_env(tmp_path, monkeypatch):
    """The environment production needs, on a temporary SQLite file; root logging restored."""
    monkeypatch.setenv("SECRET_KEY", "a-production-secret-for-tests")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite")
    monkeypatch.setenv("MAIL_SITE_URL", "https://voix-solidaires.fr")
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    from config import ProductionConfig

    # check() copies the environment onto the class: put the values back afterwards.
    for name in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "MAIL_SITE_URL", "TRUSTED_HOSTS"):
        monkeypatch.setattr(ProductionConfig, name, getattr(ProductionConfig, name))
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers, root.level = handlers, level


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "MAIL_SITE_URL"])
def test_production_refuses_to_start_without_its_secrets(production_env, monkeypatch, missing):
    monkeypatch.delenv(missing)
    with pytest.raises(RuntimeError, match=missing):
        create_app("production")


def test_production_uses_the_environments_secret_and_database(production_env, tmp_path):
    app = create_app("production")
    assert app.config["SECRET_KEY"] == "a-production-secret-for-tests"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/prod.sqlite"
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("host", ["evil.example", "voix-solidaires.fr.evil.example", "127.0.0.1"])
def test_production_refuses_an_unknown_host(production_env, host):
    """A forged Host gets a 400 page in French, not a page (nor a stack trace)."""
    client = create_app("production").test_client()
    for path in ("/", "/compte/connexion", "/healthz", "/propositions/1"):
        response = client.get(path, headers={"Host": host}, base_url="https://voix-solidaires.fr")
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "Requête invalide" in html
        assert "Traceback" not in html
        assert host.split(":")[0] not in html  # every link on the site's own address


def test_production_answers_its_own_name(production_env):
    client = create_app("production").test_client()
    response = client.get("/healthz", base_url="https://voix-solidaires.fr")
    assert response.status_code == 200
    assert client.get("/healthz", base_url="https://voix-solidaires.fr:443").status_code == 200


def test_production_trusted_hosts_list_several_names(production_env, monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", "voix-solidaires.fr, www.voix-solidaires.fr ")
    client = create_app("production").test_client()
    for name in ("voix-solidaires.fr", "www.voix-solidaires.fr"):
        assert client.get("/healthz", base_url=f"https://{name}").status_code == 200
    assert client.get("/healthz", base_url="https://evil.example").status_code == 400


def test_production_behind_a_proxy_refuses_a_forged_forwarded_host(production_env, monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    app = create_app("production", {"TRUSTED_PROXIES": 1})
    client = app.test_client()
    good = {"X-Forwarded-Host": "voix-solidaires.fr", "X-Forwarded-Proto": "https"}
    assert client.get("/healthz", headers=good).status_code == 200
    forged = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
    response = client.get("/compte/connexion", headers=forged)
    assert response.status_code == 400
    assert "Requête invalide" in response.get_data(as_text=True)


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_production_logs_one_json_object_per_request(production_env, capsys):
    app = create_app("production")
    response = app.test_client().get(
        "/healthz", headers={"X-Request-ID": "abc12345-req"}, base_url="https://voix-solidaires.fr"
    )
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "abc12345-req"
    lines = _json_lines(capsys.readouterr().out)
    request_line = next(line for line in lines if line["logger"] == "voix.request")
    assert request_line["level"] == "INFO"
    assert request_line["request_id"] == "abc12345-req"
    assert request_line["method"] == "GET"
    assert request_line["path"] == "/healthz"
    assert request_line["status"] == 200
    assert request_line["duration_ms"] >= 0
    assert request_line["time"].endswith("+00:00")


def test_a_forged_request_id_is_replaced(production_env, capsys):
    app = create_app("production")
    response = app.test_client().get("/healthz", headers={"X-Request-ID": 'x" {"level":"forged"}'})
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32 and "\n" not in request_id
    lines = _json_lines(capsys.readouterr().out)
    assert [line["request_id"] for line in lines if line["logger"] == "voix.request"] == [
        request_id
    ]


def test_production_security_events_are_json_lines(production_env, capsys):
    from app.accounts.security_log import security_event

    app = create_app("production")
    with app.test_request_context("/compte/connexion", method="POST"):
        security_event("login_failed", level=logging.WARNING, reason='bad\n"password"')
    lines = _json_lines(capsys.readouterr().out)
    assert len(lines) == 1  # the line break stayed inside the JSON string
    (line,) = lines
    assert line["logger"] == "voix.security"
    assert line["level"] == "WARNING"
    assert line["message"].startswith("event=login_failed")


def test_tests_keep_the_default_logging(app, capsys):
    app.test_client().get("/healthz")
    assert capsys.readouterr().out == ""
    assert "X-Request-ID" not in app.test_client().get("/healthz").headers


# --- behind a proxy ---------------------------------------------------------------------


def _remote_addr_seen(app) -> str:
    seen = {}

    @app.get("/_test/remote-addr")
    def _remote_addr():
        from flask import request

        seen["addr"], seen["scheme"] = request.remote_addr, request.scheme
        return "ok"

    app.test_client().get(
        "/_test/remote-addr",
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    return seen


def test_forwarded_headers_are_ignored_without_trusted_proxies(tmp_path):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/a.sqlite"})
    assert _remote_addr_seen(app) == {"addr": "127.0.0.1", "scheme": "http"}


def test_forwarded_headers_are_used_behind_a_trusted_proxy(tmp_path, monkeypatch):
    import config

    monkeypatch.setattr(config.TestingConfig, "TRUSTED_PROXIES", 1)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/a.sqlite"})
    assert _remote_addr_seen(app) == {"addr": "203.0.113.9", "scheme": "https"}


# --- gunicorn.conf.py and bin/serve -----------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def _gunicorn_settings(monkeypatch, **env) -> dict:
    for name in ("WEB_CONCURRENCY", "BIND", "PORT", "GUNICORN_ACCESS_LOG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    settings = _gunicorn_settings(monkeypatch, WEB_CONCURRENCY="3", PORT="8123")
    assert settings["workers"] == 3
    assert settings["bind"] == ["127.0.0.1:8123"]
    assert settings["accesslog"] is None  # the app writes its own JSON request lines
    assert settings["graceful_timeout"] > 0
    assert _gunicorn_settings(monkeypatch, BIND="0.0.0.0:9000")["bind"] == ["0.0.0.0:9000"]


def test_gunicorn_default_workers_follow_the_cores_with_a_cap(monkeypatch):
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 2)
    assert _gunicorn_settings(monkeypatch)["workers"] == 5
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 64)
    assert _gunicorn_settings(monkeypatch)["workers"] == 12


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_bin_serve_migrates_then_serves_and_stops_on_sigterm(tmp_path):
    port = _free_port()
    database = tmp_path / "serve.sqlite"
    env = {
        **os.environ,
        "SECRET_KEY": "serve-test-secret",
        "DATABASE_URL": f"sqlite:///{database}",
        "PORT": str(port),
        "MAIL_SITE_URL": f"http://127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "VENV_BIN": str(Path(sys.executable).parent),
    }
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [str(ROOT / "bin" / "serve")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        body = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as r:
                    body = json.loads(r.read())
                    break
            except OSError:
                time.sleep(0.3)
        assert body == {"status": "ok", "checks": {"database": "ok"}}
        # Migrated before serving: the proposals page reads its tables.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/propositions", timeout=10) as r:
            assert r.status == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output[-3000:]
    request_lines = [
        json.loads(line)
        for line in output.splitlines()
        if line.startswith("{") and '"voix.request"' in line
    ]
    assert {(line["path"], line["status"]) for line in request_lines} >= {("/readyz", 200)}


def test_a_worker_freezes_what_its_first_requests_built(monkeypatch):
    """gunicorn.conf.py settles a worker once it served its 1st, 10th, 100th and 1000th request:
    what exists then is frozen, and a cycle already garbage is collected, not frozen."""
    import gc
    import weakref

    settings = _gunicorn_settings(monkeypatch)

    class Node:
        pass

    gc.unfreeze()
    try:
        kept, cycle = Node(), Node()
        cycle.self = cycle
        garbage = weakref.ref(cycle)
        del cycle
        worker = type("Worker", (), {"nr": 2})()
        settings["pre_request"](worker, None)
        assert gc.get_freeze_count() == 0 and garbage() is not None
        worker.nr = 10
        settings["pre_request"](worker, None)
        assert garbage() is None
        assert gc.get_freeze_count() > 0
        assert not any(obj is kept for obj in gc.get_objects())  # frozen: no longer scanned
    finally:
        gc.unfreeze()
