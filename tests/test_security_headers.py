"""Security headers on every page type, templates without inline script or style, cookies,
and which responses no cache may keep."""

import re
from pathlib import Path

import pytest

from app import create_app
from app.responses.views import DOCUMENT_POLICY
from config import Config, ProductionConfig
from tests.conftest import PASSWORD, login
from tests.test_permissions import CASES, _act_as, _fill

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; "  # a spoken testimony heard again before it is sent
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)
GET_CASES = [case for case in CASES if case[0] == "GET"]


def inline_code(html: str) -> list[str]:
    """Every inline script, style or event handler in this HTML."""
    found = []
    for pattern in (INLINE_SCRIPT, STYLE_ATTRIBUTE, STYLE_ELEMENT, HANDLER, JAVASCRIPT_URL):
        found += [match.group(0) for match in pattern.finditer(html)]
    return found


def assert_security_headers(response, hsts=False, csp=CSP, referrer="same-origin"):
    headers = response.headers
    assert headers["Content-Security-Policy"] == csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == referrer
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]
    # The site's own pages may record a spoken testimony; no frame or other origin may.
    assert "microphone=(self)" in headers["Permissions-Policy"]
    assert ("Strict-Transport-Security" in headers) is hsts


@pytest.fixture
def world(prebuilt, make_organisation, make_theme, make_proposal, make_user):
    from tests.test_permissions import add_minutes, build_world

    def build():
        built = build_world(make_organisation, make_theme, make_proposal, make_user)
        add_minutes(built)
        return built

    return prebuilt(build)


@pytest.mark.parametrize("role", ["visitor", "admin", "institution_rep"])
def test_every_page_type_has_the_headers_and_no_inline_code(client, world, make_user, role):
    """Each GET route of the permission matrix (HTML, JSON, CSV, iCalendar, errors)."""
    _act_as(client, role, world, make_user)
    problems = []
    for _method, endpoint, url, _form, _expected in GET_CASES:
        # Closed here, as a server closes it (a streamed download left open would be closed
        # later by the garbage collector, outside its request).
        with client.get(_fill(world, url, None)[0]) as response:
            _check_headers(response, endpoint, problems)
    assert problems == []


def _check_headers(response, endpoint: str, problems: list[str]) -> None:
    # A recorded response's letter is shown by the browser's PDF viewer, running nothing.
    shown = endpoint == "responses.document" and response.status_code == 200
    csp = DOCUMENT_POLICY if shown else CSP
    # A guest's receipt: its address holds the code, sent to no other page, even ours.
    referrer = "no-referrer" if endpoint.startswith("receipts.") else "same-origin"
    assert_security_headers(response, csp=csp, referrer=referrer)
    if response.mimetype == "text/html":
        problems.extend(f"{endpoint}: {code}" for code in inline_code(response.get_data(True)))


def test_error_pages_and_static_files_have_the_headers(client):
    assert_security_headers(client.get("/nulle-part"))
    assert_security_headers(client.get("/static/app.css"))


def test_no_template_has_inline_script_style_or_handler():
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        problems += [f"{path.relative_to(TEMPLATES)}: {c}" for c in inline_code(path.read_text())]
    assert problems == []


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<p style="color:red">',
        "<style>p{}</style>",
        '<a href="#" onclick="go()">',
        '<a href="javascript:go()">',
    ],
)
def test_the_template_scan_finds_inline_code(html):
    assert inline_code(html)


def test_the_template_scan_accepts_external_scripts_and_ordinary_text():
    html = '<script src="/static/counter.js" defer></script><p>Réunion online = 12 h</p>'
    assert inline_code(html) == []


# --- Production: HSTS and __Host- cookies ----------------------------------------------------


def test_production_config_hardens_the_cookies():
    assert ProductionConfig.SESSION_COOKIE_NAME == "__Host-session"
    assert ProductionConfig.REMEMBER_COOKIE_NAME == "__Host-remember_token"
    for prefix in ("SESSION", "REMEMBER"):
        assert getattr(ProductionConfig, f"{prefix}_COOKIE_SECURE") is True
        assert getattr(ProductionConfig, f"{prefix}_COOKIE_HTTPONLY") is True
        assert getattr(ProductionConfig, f"{prefix}_COOKIE_SAMESITE") == "Lax"
        assert getattr(ProductionConfig, f"{prefix}_COOKIE_PATH") == "/"
        assert getattr(ProductionConfig, f"{prefix}_COOKIE_DOMAIN") is None
    assert ProductionConfig.HSTS.startswith("max-age=")
    assert Config.HSTS is None


@pytest.fixture
def production_app(app, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("MAIL_SITE_URL", "https://localhost")  # the test client's host
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    prod = create_app("production", {"WTF_CSRF_ENABLED": False})
    yield prod
    with prod.app_context():
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()


def test_production_sends_hsts_and_a_host_prefixed_session_cookie(production_app, make_user):
    user = make_user()
    client = production_app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"  # as behind the TLS proxy
    assert_security_headers(client.get("/"), hsts=True)
    response = client.post("/compte/connexion", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    [cookie] = response.headers.getlist("Set-Cookie")
    attributes = [part.strip() for part in cookie.split(";")]
    assert attributes[0].startswith("__Host-session=")
    assert {"Secure", "HttpOnly", "Path=/", "SameSite=Lax"} <= set(attributes)
    assert not [a for a in attributes if a.lower().startswith("domain")]
    assert client.get("/compte/preferences").status_code == 200  # the cookie works


def test_development_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


# --- Cache-Control -----------------------------------------------------------------------------


def no_store(response) -> bool:
    return response.headers.get("Cache-Control") == "no-store"


def test_public_pages_for_visitors_keep_their_caching(client, world):
    assert not no_store(client.get("/"))
    assert not no_store(client.get(f"/propositions/{world['proposal'].id}"))
    calendar = client.get("/reunions.ics")
    assert calendar.cache_control.public and calendar.cache_control.max_age


@pytest.mark.parametrize(
    "url",
    [
        "/compte/connexion",
        "/compte/inscription",
        "/compte/mot-de-passe-oublie",
        "/propositions/{proposal.id}/temoigner",
        "/propositions/{proposal.id}/temoignage-envoye",
    ],
)
def test_forms_and_account_pages_are_never_stored(client, world, url):
    assert no_store(client.get(url.format(**world)))


def test_nothing_shown_to_a_logged_in_person_is_stored(client, world, make_user):
    login(client, make_user())
    for url in ("/", "/compte/preferences", f"/propositions/{world['proposal'].id}"):
        assert no_store(client.get(url)), url
    assert no_store(client.get(f"/contributions/{world['comment'].id}/repondre"))
    assert no_store(client.get("/reunions.ics"))
    assert not no_store(client.get("/static/app.css"))
