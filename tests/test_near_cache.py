"""A worker's own copy of the visitors' pages (app/web/near_cache.py), in front of the
shared page cache: served without asking the shared cache, never after a change, never
beyond the page's life in the shared cache, and no more pages than configured."""

import time

import pytest

from app.extensions import db, page_cache
from app.models import Contribution, ContributionKind, ContributionState
from tests.conftest import login

MARKER = "Un-témoignage-du-quartier"


@pytest.fixture
def near(app):
    """The page cache on, with a worker's copy of at most 3 pages, for this test only."""
    app.config.update(PAGE_CACHE_ENABLED=True, PAGE_CACHE_LOCAL_PAGES=3)
    copies = app.extensions["page_cache_near"]
    copies.size = 3
    with app.app_context():
        page_cache.clear()
    yield copies
    copies.clear()
    copies.size = 0
    app.config.update(PAGE_CACHE_ENABLED=False, PAGE_CACHE_LOCAL_PAGES=0)


def _publish(proposal, text: str) -> None:
    db.session.add(
        Contribution(
            proposal=proposal,
            kind=ContributionKind.TESTIMONY,
            body=text,
            state=ContributionState.PUBLISHED,
        )
    )
    db.session.commit()


def _shared_cache_emptied(app) -> None:
    with app.app_context():
        page_cache.clear()


def test_a_page_read_again_comes_from_the_worker_s_copy(near, app, client, make_proposal):
    proposal = make_proposal()
    _publish(proposal, MARKER)
    url = f"/propositions/{proposal.id}"
    first = client.get(url)
    assert first.headers["X-Page-Cache"] == "miss"
    _shared_cache_emptied(app)  # only the worker's copy is left
    again = client.get(url)
    assert again.headers["X-Page-Cache"] == "hit"
    assert again.get_data() == first.get_data()
    assert MARKER in again.get_data(as_text=True)


def test_a_change_is_shown_at_once_whatever_the_copy(near, app, client, make_proposal):
    proposal = make_proposal()
    url = f"/propositions/{proposal.id}"
    client.get(url)
    assert client.get(url).headers["X-Page-Cache"] == "hit"
    _publish(proposal, MARKER)  # a new content version
    page = client.get(url)
    assert page.headers["X-Page-Cache"] == "miss"
    assert MARKER in page.get_data(as_text=True)


def test_a_copy_lives_no_longer_than_the_shared_page(near, app, client, make_proposal):
    proposal = make_proposal()
    url = f"/propositions/{proposal.id}"
    client.get(url)
    _shared_cache_emptied(app)  # as Redis does when the page's time is up
    for entry in near._pages.values():
        entry["until"] = time.time() - 1
    assert client.get(url).headers["X-Page-Cache"] == "miss"


def test_the_worker_keeps_only_the_pages_read_last(near, app, client, make_proposal):
    proposals = [make_proposal(title=f"Proposition numéro {n}") for n in range(4)]
    urls = [f"/propositions/{p.id}" for p in proposals]
    for url in urls:
        assert client.get(url).headers["X-Page-Cache"] == "miss"
    assert len(near._pages) == 3
    _shared_cache_emptied(app)
    assert client.get(urls[0]).headers["X-Page-Cache"] == "miss"  # the oldest went
    assert client.get(urls[3]).headers["X-Page-Cache"] == "hit"


def test_a_logged_in_reader_s_page_is_never_copied(near, app, client, make_proposal, make_user):
    proposal = make_proposal()
    login(client, make_user("participant"))
    client.get(f"/propositions/{proposal.id}")
    client.get(f"/propositions/{proposal.id}")
    assert not near._pages


def test_without_a_size_nothing_is_copied(app, make_proposal, client):
    app.config["PAGE_CACHE_ENABLED"] = True
    try:
        client.get(f"/propositions/{make_proposal().id}")
        assert not app.extensions["page_cache_near"]._pages
    finally:
        app.config["PAGE_CACHE_ENABLED"] = False
