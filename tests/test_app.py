"""The application as a whole: schema, health, errors, CSRF, cookies, configuration, CLI."""

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import create_app
from app.extensions import db
from app.models import Proposal, Role, User
from app.search.backends import include_object


def test_the_app_starts_in_a_fresh_interpreter():
    """`flask run` and gunicorn build the app with nothing imported before: an import cycle
    that the test session's earlier imports hide must not stop the site."""
    code = "from app import create_app; create_app('testing')"
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# SQLAlchemy cannot reflect an index on an expression (ix_proposal_spoke): alembic compares
# it on neither side, so the next test checks it is there.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping")
def test_models_match_migrations(app):
    with db.engine.connect() as connection:
        # The full-text index's own tables and column are the migration's, not the models'.
        opts = {"compare_type": True, "include_object": include_object}
        context = MigrationContext.configure(connection, opts=opts)
        assert compare_metadata(context, db.metadata) == []


def test_the_expression_index_is_there(app):
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            found = "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_proposal_spoke'"
        else:
            found = "SELECT sql FROM sqlite_master WHERE name = 'ix_proposal_spoke'"
        definition = connection.exec_driver_sql(found).scalar()
    assert "voices_guest + voices_anonymous" in definition
    assert "voices_comments" in definition


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_503_when_database_is_down(tmp_path):
    broken = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/db.sqlite"}
    )
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_404_and_405_pages_are_french(client):
    assert "Page introuvable" in client.get("/nulle-part").get_data(as_text=True)
    response = client.get("/compte/deconnexion")
    assert response.status_code == 405
    assert "Méthode non autorisée" in response.get_data(as_text=True)


def test_500_page_never_shows_a_trace(app, client, monkeypatch):
    def explode():
        raise RuntimeError("secret internals")

    monkeypatch.setitem(app.view_functions, "main.charter", explode)
    response = client.get("/charte")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Erreur du site" in html
    assert "secret internals" not in html and "Traceback" not in html


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def test_post_without_csrf_token_is_refused(csrf_app, make_user):
    user = make_user("participant")
    client = csrf_app.test_client()
    response = client.post("/compte/connexion", data={"email": user.email, "password": "x"})
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.get_data(as_text=True)


def test_forms_carry_csrf_tokens(csrf_app):
    html = csrf_app.test_client().get("/compte/inscription").get_data(as_text=True)
    assert 'name="csrf_token"' in html


def test_session_cookie_is_httponly_and_samesite(client, make_user):
    from tests.conftest import PASSWORD

    user = make_user("participant")
    response = client.post("/compte/connexion", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_requires_secrets(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_refuses_demo_data(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite")
    monkeypatch.setenv("MAIL_SITE_URL", "https://voix-solidaires.fr")
    prod = create_app("production")
    assert prod.config["SESSION_COOKIE_SECURE"] is True
    with prod.app_context():  # the test app's context is already pushed
        result = prod.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "production" in result.output


def test_create_admin_command(app):
    runner = app.test_cli_runner()
    args = ["users", "create-admin", "--email", "Coord@Example.org", "--pseudonym", "Coord"]
    result = runner.invoke(args=[*args, "--password", "une phrase longue"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User))
    assert (user.email, user.role) == ("coord@example.org", Role.ADMIN)
    again = runner.invoke(args=[*args, "--password", "une phrase longue"])
    assert again.exit_code != 0
    assert "existe déjà" in again.output


def test_create_admin_rejects_short_password(app):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create-admin",
            "--email",
            "a@example.org",
            "--pseudonym",
            "A",
            "--password",
            "court",
        ]
    )
    assert result.exit_code != 0
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_demo_load_command_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "usager@demo.voix-solidaires.fr" in first.output
    count = db.session.scalar(sa.select(sa.func.count(Proposal.id)))
    runner.invoke(args=["demo", "load"])
    assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == count


def test_demo_site_serves_the_2015_assises(app, client):
    app.test_cli_runner().invoke(args=["demo", "load"])
    themes = client.get("/ateliers").get_data(as_text=True)
    for name in ("Accès à la santé", "Urgence alimentaire", "Hébergement"):
        assert name in themes
    housing = client.get("/ateliers/hebergement-logement").get_data(as_text=True)
    assert "bail glissant" in housing.lower()
    meetings = client.get("/reunions/").get_data(as_text=True)
    assert "6 bd Paixhans" in meetings
    assert "12 b rue d’Annecy" in meetings
    assert "7 rue Clovis" in meetings
