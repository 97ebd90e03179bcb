"""bin/serve checks its port before starting gunicorn: when something holds it (orphaned
workers of a master killed with kill -9…), it names the process instead of gunicorn's bare
"Connection in use", waits a little for it to go, and stops with a clear message."""

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def held_port():
    """A port this test process listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock


def _run(*command: str, wait: float = 0, **env: str) -> subprocess.CompletedProcess:
    environment = os.environ | {
        "SERVE_PORT_WAIT": str(wait),
        "VENV_BIN": str(Path(sys.executable).parent),
    }
    return subprocess.run(
        command, cwd=ROOT, env=environment | env, capture_output=True, text=True, timeout=60
    )


def test_serve_names_what_holds_its_port_and_does_not_start(held_port):
    port = held_port.getsockname()[1]
    env = {"PORT": str(port), "BIND": "", "DATABASE_URL": "sqlite:////nonexistent/x.sqlite"}
    result = _run("bin/serve", **env)
    assert result.returncode == 1
    assert f"127.0.0.1:{port} is in use by:" in result.stderr
    assert f"pid {os.getpid()}: " in result.stderr  # this test's own process holds it
    assert "Not starting gunicorn." in result.stderr
    assert "Connection in use" not in result.stderr + result.stdout
    # Stopped before anything else: no migration was tried.
    assert "alembic" not in (result.stderr + result.stdout).lower()


def test_a_free_port_starts_at_once():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = _run(sys.executable, "bin/check-port", f"127.0.0.1:{port}")
    assert (result.returncode, result.stderr) == (0, "")


def test_waits_for_the_port_to_be_freed(held_port):
    port = held_port.getsockname()[1]
    threading.Timer(1.0, held_port.close).start()
    result = _run(sys.executable, "bin/check-port", f"127.0.0.1:{port}", wait=10)
    assert result.returncode == 0
    assert "is in use by:" in result.stderr
    assert f"127.0.0.1:{port} is free now: starting." in result.stderr


def test_a_unix_socket_is_not_checked():
    result = _run(sys.executable, "bin/check-port", "unix:/run/voix.sock")
    assert result.returncode == 0
