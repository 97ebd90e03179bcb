"""A busy database: the use case is tried once more, the rate limit counts the request once,
and a request that still fails gets the French 503 page with the typed text to copy."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.models import Contribution
from app.services import contributions as service
from app.services import retry_when_busy

TEXT = "Le dimanche, aucun accueil de jour n’est ouvert dans le quartier."


def _busy() -> OperationalError:
    return OperationalError("INSERT INTO contribution …", {}, Exception("database is locked"))


@pytest.fixture
def busy_once_per_call(monkeypatch):
    """The commit of a new contribution finds the database busy at every other call: each
    request fails once, then succeeds when tried again. The failure is raised where a real
    one is, at the commit (`_save`), beneath the use case that retries."""
    original = service._save
    calls = {"n": 0}

    def save(contribution):
        calls["n"] += 1
        if calls["n"] % 2:
            raise _busy()
        return original(contribution)

    monkeypatch.setattr(service, "_save", save)
    return calls


@pytest.fixture
def always_busy(monkeypatch):
    def save(_contribution):
        raise _busy()

    monkeypatch.setattr(service, "_save", save)


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Contribution))


def test_a_request_tried_again_counts_once_in_the_rate_limit(
    app, client, login_as, make_proposal, monkeypatch, busy_once_per_call
):
    monkeypatch.setitem(app.config, "CONTRIBUTION_RATE_LIMIT", "4 per hour")
    login_as("participant")
    url = f"/propositions/{make_proposal().id}/commentaires"
    for n in range(4):
        response = client.post(url, data={"body": f"{TEXT} ({n})", "display_mode": "pseudonym"})
        assert response.status_code == 302, n
    assert busy_once_per_call["n"] == 8  # each request met the busy database once
    assert _count() == 4
    assert client.post(url, data={"body": TEXT, "display_mode": "pseudonym"}).status_code == 429


def test_still_busy_is_a_french_503_that_gives_the_text_back(
    client, login_as, make_proposal, always_busy
):
    login_as("participant")
    url = f"/propositions/{make_proposal().id}/commentaires"
    response = client.post(url, data={"body": TEXT, "display_mode": "pseudonym"})
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Rien n’a été enregistré" in html
    assert TEXT in html  # to copy and send again
    assert "database is locked" not in html
    assert _count() == 0


def test_a_busy_database_outside_a_use_case_is_a_503_too(app, client, monkeypatch):
    """Wherever it happens (here the home page's reads), a busy database is never a 500."""
    from app.main import views

    def busy_query(*_args, **_kwargs):
        raise _busy()

    monkeypatch.setattr(views.queries.proposals, "latest_proposals", busy_query)
    response = client.get("/")
    assert response.status_code == 503
    assert "Site très occupé" in response.get_data(as_text=True)


def test_a_use_case_inside_another_is_retried_with_it(app):
    """Rolled back, the inner use case would lose the outer one's changes: the outer retries."""
    calls = []

    @retry_when_busy
    def inner():
        calls.append("inner")
        if calls.count("inner") == 1:
            raise _busy()

    @retry_when_busy
    def outer():
        calls.append("outer")
        inner()

    outer()
    assert calls == ["outer", "inner", "outer", "inner"]


def test_a_use_case_still_busy_gives_up_after_two_tries(app):
    calls = []

    @retry_when_busy
    def busy():
        calls.append(1)
        raise _busy()

    with pytest.raises(OperationalError):
        busy()
    assert len(calls) == 2
