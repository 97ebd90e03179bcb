"""Links in pages: `page_url_for`, the templates' url_for, builds each endpoint's address
once and fills in ids; every address is the one Flask's url_for builds."""

import pytest
from flask import url_for
from werkzeug.routing import MapAdapter

from app.web.templating import page_url_for

SAME_AS_URL_FOR = [
    ("proposals.show", {"proposal_id": 7}),
    ("proposals.show", {"proposal_id": 0}),
    ("contributions.reply", {"contribution_id": 123456}),
    ("proposals.index", {"page": 3}),  # an id in the query string
    ("proposals.index", {"page": True}),  # not an int: url_for's own
    ("proposals.index", {"statut": "sent"}),
    ("proposals.index", {"statut": "sent", "page": 2}),
    ("proposals.show", {"proposal_id": 7, "_anchor": "reponses"}),
    ("main.index", {}),
]


@pytest.mark.parametrize(("endpoint", "values"), SAME_AS_URL_FOR)
def test_each_address_is_the_one_url_for_builds(app, endpoint, values):
    with app.test_request_context("/bilan"):
        assert page_url_for(endpoint, **values) == url_for(endpoint, **values)
        assert page_url_for(endpoint, **values) == url_for(endpoint, **values)  # kept shape


def test_an_application_under_a_prefix_keeps_it(app):
    with app.test_request_context("/bilan", base_url="http://localhost/voix"):
        assert page_url_for("proposals.show", proposal_id=5) == "/voix/propositions/5"
    with app.test_request_context("/bilan"):
        assert page_url_for("proposals.show", proposal_id=5) == "/propositions/5"


def test_an_endpoint_is_built_once_per_request(app, monkeypatch):
    app.extensions["page_url_shapes"].clear()  # the app is the session's
    builds = []
    build = MapAdapter.build
    monkeypatch.setattr(MapAdapter, "build", lambda *a, **k: builds.append(a) or build(*a, **k))
    for _request in range(2):
        with app.test_request_context("/bilan"):
            urls = [page_url_for("proposals.show", proposal_id=i) for i in range(1, 51)]
            assert urls[0] == "/propositions/1" and urls[-1] == "/propositions/50"
    assert len(builds) == 1  # once for the app: the address is the same in every request
