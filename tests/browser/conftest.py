"""Browser tests: the session app served by a live server in a thread, driven by Debian's
Chromium through Playwright. Without Chromium or Playwright they skip, except in CI
(CI=true), where they fail."""

import logging
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import PASSWORD

try:  # the `browser` fixture reports a missing package: skipped here, failed in CI
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
except ImportError:
    Axe = sync_playwright = None
    PlaywrightError = Exception

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# No sandbox (CI runs as root), and nothing that reaches the network on its own.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
NARROW = {"width": 320, "height": 640}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(reason: str):
    """Skip locally; in CI a missing browser is a failure, never a silent skip."""
    if _in_ci():
        pytest.fail(f"{reason} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live_server(app):
    """The session app on 127.0.0.1, on a free port, for the whole session."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (never a downloaded browser)."""
    if sync_playwright is None or Axe is None:
        unavailable("Playwright or axe-playwright-python is missing (make install)")
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, live_server):
    """Open browser contexts (one per person) on the live server; closed after the test."""
    contexts = []

    def make(javascript=True, viewport=DESKTOP):
        context = browser.new_context(
            base_url=live_server,
            java_script_enabled=javascript,
            viewport=viewport,
            locale="fr-FR",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def log_in(page, user) -> None:
    """Log in through the real form, as a person would."""
    page.goto("/compte/connexion")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form[method=post] [type=submit]").click()
    assert "/compte/connexion" not in page.url, f"login failed for {user.email}"
