"""What a route is, declared at the route (app/web/routes.py): every route says it, and the
declaration alone decides what is kept, what is never stored and what needs the charter."""

import pytest
from flask import Blueprint

from app import create_app
from app.extensions import db, page_cache
from app.models import CharterVersion
from app.web import routes
from app.web.routes import private, public, public_page, requires_charter
from tests.conftest import FreshRequestClient, login


def test_every_route_declares_what_it_is(app):
    """A new route that says nothing would silently be private: say it at the route."""
    silent = sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and routes.declared_kind(app.view_functions[rule.endpoint]) not in routes.KINDS
    )
    assert silent == [], f"Declare @public_page, @public or @private on: {silent}"


def test_a_public_page_is_only_read(app):
    """A kept page is only read: a route that takes a form is declared @public or @private."""
    posted = sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if routes.declared_kind(app.view_functions[rule.endpoint])
        in (routes.PUBLIC_PAGE, routes.READER_PAGE)
        and rule.methods - {"GET", "HEAD", "OPTIONS"}
    )
    assert posted == []


def test_the_reader_pages_are_public_pages(app):
    with app.test_request_context():
        kept = sorted(e for e in app.view_functions if routes.kept_per_reader(e))
        assert kept == ["proposals.index", "proposals.show"]
        assert all(routes.cached_for_visitors(e) for e in kept)


@pytest.fixture
def trial(client, make_proposal):
    """An app with one throwaway route of each kind, the page cache on."""
    make_proposal()  # some content, so there is a content version to keep pages under
    other = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": client.application.config["SQLALCHEMY_DATABASE_URI"],
            "PAGE_CACHE_ENABLED": True,
            "WTF_CSRF_ENABLED": False,
        },
    )
    trial = Blueprint("trial", __name__)

    @trial.route("/essai/rien", methods=["GET", "POST"])
    def undeclared():
        return "rien de dit"

    @trial.get("/essai/page-publique")
    @public_page
    def same_for_all():
        return "pour tout le monde"

    @trial.get("/essai/public")
    @public
    def open_page():
        return "ouvert"

    @trial.get("/essai/prive")
    @private
    def closed_page():
        return "fermé"

    @trial.route("/essai/publier", methods=["GET", "POST"])
    @private
    @requires_charter
    def publish():
        return "publié"

    @trial.route("/essai/formulaire", methods=["GET", "POST"])
    @public
    @requires_charter(methods=("POST",))
    def read_then_post():
        return "lu ou envoyé"

    other.register_blueprint(trial)
    other.test_client_class = FreshRequestClient
    with other.app_context():
        page_cache.clear()
        yield other.test_client()
        db.session.remove()
        db.engine.dispose()


def _no_store(response) -> bool:
    return response.headers.get("Cache-Control") == "no-store"


def _twice(client, path):
    client.get(path)
    return client.get(path)


def test_a_route_that_declares_nothing_is_private_and_never_kept(trial):
    page = _twice(trial, "/essai/rien")
    assert page.status_code == 200
    assert _no_store(page)
    assert "X-Page-Cache" not in page.headers


def test_a_public_page_is_kept_for_visitors(trial):
    page = _twice(trial, "/essai/page-publique")
    assert page.headers["X-Page-Cache"] == "hit"
    assert not _no_store(page)


def test_a_public_route_is_neither_kept_nor_no_store(trial):
    page = _twice(trial, "/essai/public")
    assert "X-Page-Cache" not in page.headers
    assert not _no_store(page)


def test_a_private_route_is_never_stored(trial):
    page = _twice(trial, "/essai/prive")
    assert "X-Page-Cache" not in page.headers
    assert _no_store(page)


def test_the_charter_is_asked_only_where_declared(trial, make_user):
    login(trial, make_user())
    db.session.add(CharterVersion(label="2030-1", introduction="Une nouvelle charte."))
    db.session.commit()
    assert trial.post("/essai/rien").status_code == 200  # undeclared: not required
    assert trial.get("/essai/publier").status_code == 302  # to the acceptance page
    assert "/charte/accepter" in trial.get("/essai/publier").headers["Location"]
    assert trial.get("/essai/formulaire").status_code == 200  # reading is free
    sent = trial.post("/essai/formulaire", data={"texte": "Mon texte à garder"})
    assert sent.status_code == 200
    assert "Mon texte à garder" in sent.get_data(as_text=True)  # the acceptance page
    assert sent.get_data(as_text=True) != "lu ou envoyé"
