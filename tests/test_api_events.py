"""Events in the JSON API, and what a proposal says of its event, of the positions
institutions stated elsewhere, and of when an answer is due."""

from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import (
    AddressedInstitution,
    OrganisationKind,
    StatedPosition,
    utcnow,
)
from tests.helpers import count_queries


def _count(client, url) -> int:
    client.get(url)
    db.session.expire_all()
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def test_events_list_shape(client, make_event, make_proposal):
    event = make_event(place="Metz", organisations_count=100)
    make_event("journee-2026", "Journée 2026", held_on=date(2026, 3, 12), example=True)
    make_proposal().event = event
    db.session.commit()
    data = client.get("/api/v1/events").get_json()
    assert data["next_cursor"] is None
    newest, assises = data["items"]
    assert assises.pop("html_url").endswith("/evenements/assises-2015")
    assert assises == {
        "slug": "assises-2015",
        "name": "Assises de la solidarité 2015",
        "kind": "assises",
        "date": "2015-04-30",
        "place": "Metz",
        "organisations_count": 100,
        "proposals_count": 1,
        "example": False,
        "languages": {"name": {"lang": "fr", "translation_outdated": False}},
    }
    assert (newest["slug"], newest["example"], newest["place"]) == ("journee-2026", True, None)
    assert newest["organisations_count"] is None and newest["proposals_count"] == 0


def test_events_html_url_uses_the_public_address(client, app, monkeypatch, make_event):
    make_event()
    monkeypatch.setitem(app.config, "MAIL_SITE_URL", "https://voix.example.org")
    item = client.get("/api/v1/events", headers={"Host": "evil.example"}).get_json()["items"][0]
    assert item["html_url"] == "https://voix.example.org/evenements/assises-2015"


def test_events_by_year(client, make_event):
    make_event()
    make_event("journee-2026", "Journée 2026", held_on=date(2026, 3, 12))
    data = client.get("/api/v1/events?year=2015").get_json()
    assert [item["slug"] for item in data["items"]] == ["assises-2015"]


@pytest.mark.parametrize("year", ["deux", "1989", "20155", "２０１５"])
def test_events_bad_year_is_a_json_400(client, year):
    response = client.get(f"/api/v1/events?year={year}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == 400


def test_events_cursor_walks_every_event(client, app, monkeypatch, make_event):
    monkeypatch.setitem(app.config, "API_PAGE_SIZE", 2)
    for i in range(5):  # two on the same day: the id breaks the tie
        make_event(f"e-{i}", f"Événement {i}", held_on=date(2020, 1, 1) + timedelta(days=i // 2))
    seen, cursor = [], None
    for _ in range(5):
        url = "/api/v1/events" + (f"?cursor={cursor}" if cursor else "")
        data = client.get(url).get_json()
        seen += [item["slug"] for item in data["items"]]
        cursor = data["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == [f"e-{i}" for i in range(5)]
    assert len(seen) == len(set(seen))
    assert seen[0] == "e-4"


def test_events_bad_cursor_is_a_400(client):
    from app.api.cursors import encode_cursor

    assert client.get("/api/v1/events?cursor=pas-un-curseur").status_code == 400
    bad_day = encode_cursor("le 30 avril", 1)
    assert client.get(f"/api/v1/events?cursor={bad_day}").status_code == 400


def test_event_detail_with_its_review(client, make_event):
    make_event(summary="Une journée <b>riche</b>.", advances="La DDCS", source="Bilan écrit")
    data = client.get("/api/v1/events/assises-2015").get_json()
    assert data["summary"] == "Une journée <b>riche</b>."  # JSON: the text as written
    assert (data["advances"], data["obstacles"], data["next_steps"]) == ("La DDCS", None, None)
    assert data["source"] == "Bilan écrit"
    assert data["slug"] == "assises-2015" and data["date"] == "2015-04-30"


def test_unknown_event_is_a_json_404(client):
    response = client.get("/api/v1/events/inconnu")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == 404


def test_events_list_query_count_does_not_grow(client, make_event, make_proposal):
    def grow(n, start):
        for i in range(start, start + n):
            event = make_event(f"e-{i}", f"Événement {i}", held_on=date(2020, 1, 1))
            make_proposal(commit=False).event = event
        db.session.commit()

    grow(2, 0)
    urls = ("/api/v1/events", "/api/v1/events?year=2020", "/api/v1/events/e-0")
    small = [_count(client, url) for url in urls]
    grow(30, 2)
    assert [_count(client, url) for url in urls] == small
    assert max(small) <= 6


# Proposals


def test_proposal_items_name_their_event(client, make_event, make_proposal):
    event = make_event()
    make_proposal(title="Issue des assises").event = event
    make_proposal(title="Déposée plus tard")
    db.session.commit()
    items = client.get("/api/v1/proposals").get_json()["items"]
    assert {item["title"]: item["event"] for item in items} == {
        "Issue des assises": "assises-2015",
        "Déposée plus tard": None,
    }
    assert all(item["example"] is False for item in items)


def test_proposals_by_event_and_year(client, make_event, make_proposal):
    assises = make_event()
    later = make_event("journee-2026", "Journée 2026", held_on=date(2026, 3, 12))
    make_proposal(title="De 2015").event = assises
    make_proposal(title="De 2026").event = later
    make_proposal(title="Sans événement")
    db.session.commit()

    def titles(query):
        return [i["title"] for i in client.get(f"/api/v1/proposals?{query}").get_json()["items"]]

    assert titles("event=assises-2015") == ["De 2015"]
    assert titles("year=2026") == ["De 2026"]
    assert titles("year=2026&event=assises-2015") == []
    assert sorted(titles("")) == ["De 2015", "De 2026", "Sans événement"]


def test_proposals_unknown_event_is_404_bad_year_is_400(client):
    response = client.get("/api/v1/proposals?event=inconnu")
    assert response.status_code == 404 and response.is_json
    response = client.get("/api/v1/proposals?year=l-an-dernier")
    assert response.status_code == 400 and response.is_json


def test_proposal_detail_event_stated_positions_and_due_date(
    client, make_event, make_proposal, make_organisation
):
    event = make_event(example=True)
    ccas = make_organisation(OrganisationKind.INSTITUTION, name="CCAS de Metz")
    network = make_organisation(name="Le réseau")
    proposal = make_proposal(institutions=[ccas])
    proposal.event, proposal.example = event, True
    db.session.add_all(
        [
            StatedPosition(
                proposal=proposal,
                institution=ccas,
                words="Aucune volonté politique",
                source="Bilan des assises",
                stated_on=date(2015, 4, 30),
                reported_by=network,
            ),
            StatedPosition(proposal=proposal, institution=ccas, words="À voir"),
        ]
    )
    db.session.commit()
    data = client.get(f"/api/v1/proposals/{proposal.id}").get_json()
    assert data["event"] == {
        "slug": "assises-2015",
        "name": "Assises de la solidarité 2015",
        "date": "2015-04-30",
        "languages": {"name": {"lang": "fr", "translation_outdated": False}},
    }
    assert data["example"] is True
    assert data["stated_positions"] == [
        {
            "institution": {"id": ccas.id, "name": "CCAS de Metz"},
            "words": "Aucune volonté politique",
            "source": "Bilan des assises",
            "date": "2015-04-30",
            "reported_by": {"id": network.id, "name": "Le réseau"},
            "languages": {"words": {"lang": "fr", "translation_outdated": False}},
        },
        {
            "institution": {"id": ccas.id, "name": "CCAS de Metz"},
            "words": "À voir",
            "source": None,
            "date": None,
            "reported_by": None,
            "languages": {"words": {"lang": "fr", "translation_outdated": False}},
        },
    ]
    assert data["responses"] == []  # a stated position is never an answer


def test_response_due_only_from_a_real_sending(client, make_proposal, make_organisation):
    first, second, unsent = (make_organisation(OrganisationKind.INSTITUTION) for _ in range(3))
    proposal = make_proposal()
    data = client.get(f"/api/v1/proposals/{proposal.id}").get_json()
    assert data["response_due_at"] is None and data["event"] is None
    proposal.addressed += [
        AddressedInstitution(institution=first, sent_at=utcnow(), response_due_on=date(2031, 3, 1)),
        AddressedInstitution(
            institution=second, sent_at=utcnow(), response_due_on=date(2031, 2, 1)
        ),
        # Never sent: a due date without a sending counts for nothing.
        AddressedInstitution(institution=unsent, response_due_on=date(2030, 1, 1)),
    ]
    db.session.commit()
    data = client.get(f"/api/v1/proposals/{proposal.id}").get_json()
    assert data["response_due_at"] == "2031-02-01"


def test_proposal_queries_do_not_grow_with_stated_positions(
    client, make_event, make_proposal, make_organisation
):
    event = make_event()
    institutions = [make_organisation(OrganisationKind.INSTITUTION) for _ in range(5)]
    few, many = make_proposal(), make_proposal()
    few.event = many.event = event
    db.session.add(StatedPosition(proposal=few, institution=institutions[0], words="Oui"))
    for institution in institutions:
        db.session.add(
            StatedPosition(
                proposal=many, institution=institution, words="Non", reported_by=institutions[0]
            )
        )
    db.session.commit()
    assert _count(client, f"/api/v1/proposals/{few.id}") == _count(
        client, f"/api/v1/proposals/{many.id}"
    )


def test_proposals_list_query_count_does_not_grow_with_events(client, make_event, make_proposal):
    def grow(n, start):
        for i in range(start, start + n):
            event = make_event(f"e-{i}", f"Événement {i}", held_on=date(2015, 1, 1))
            make_proposal(commit=False).event = event
        db.session.commit()

    grow(2, 0)
    urls = ("/api/v1/proposals", "/api/v1/proposals?year=2015", "/api/v1/proposals?event=e-0")
    small = [_count(client, url) for url in urls]
    grow(30, 2)
    assert [_count(client, url) for url in urls] == small
