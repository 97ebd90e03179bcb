"""The read-only JSON API."""

import pytest

from app.models import OrganisationKind, ProposalStatus


def test_themes_with_counts(client, make_theme, make_proposal):
    health = make_theme("Accès à la santé")
    make_theme("Urgence alimentaire")
    make_proposal(theme=health)
    data = client.get("/api/v1/themes").get_json()
    french = {"name": {"lang": "fr", "translation_outdated": False}}
    assert data["items"] == [
        {"slug": health.slug, "name": "Accès à la santé", "proposal_count": 1, "languages": french},
        {
            "slug": "atelier-2",
            "name": "Urgence alimentaire",
            "proposal_count": 0,
            "languages": french,
        },
    ]


def test_proposals_cursor_walks_every_item(client, app, make_theme, make_proposal):
    app.config["API_PAGE_SIZE"] = 3
    theme = make_theme()
    made = [make_proposal(title=f"Proposition {i}", theme=theme) for i in range(7)]
    seen, cursor = [], None
    for _ in range(5):
        url = "/api/v1/proposals" + (f"?cursor={cursor}" if cursor else "")
        data = client.get(url).get_json()
        seen += [item["id"] for item in data["items"]]
        cursor = data["next_cursor"]
        if cursor is None:
            break
    app.config["API_PAGE_SIZE"] = 50
    assert sorted(seen) == sorted(p.id for p in made)
    assert len(seen) == len(set(seen)) == 7


def test_proposals_filter_and_item_shape(client, make_theme, make_proposal):
    housing = make_theme("Hébergement")
    make_proposal(title="Bail glissant", theme=housing, status=ProposalStatus.ANSWERED)
    make_proposal(title="Domiciliation", theme=housing)
    data = client.get(f"/api/v1/proposals?theme={housing.slug}&status=answered").get_json()
    assert [item["title"] for item in data["items"]] == ["Bail glissant"]
    item = data["items"][0]
    assert set(item) == {
        *("id", "title", "theme", "status", "created_at", "url", "event", "example", "languages"),
        "concerned_count",
    }
    assert item["languages"] == {"title": {"lang": "fr", "translation_outdated": False}}
    assert item["theme"] == housing.slug
    assert item["url"].endswith(f"/propositions/{item['id']}")
    assert data["next_cursor"] is None


def test_proposal_detail(client, make_proposal, make_organisation):
    ddcs = make_organisation(OrganisationKind.INSTITUTION, name="DDCS")
    proposal = make_proposal(title="Camp géré type HCR", institutions=[ddcs])
    from app.extensions import db
    from app.models import OfficialResponse, Position

    db.session.add(
        OfficialResponse(
            proposal=proposal,
            institution=ddcs,
            position=Position.UNFAVOURABLE,
            body="Avis défavorable.",
        )
    )
    db.session.commit()
    data = client.get(f"/api/v1/proposals/{proposal.id}").get_json()
    assert data["text"].startswith("Le constat")
    assert data["organisation"]["name"] == proposal.organisation.name
    assert data["addressed_institutions"] == [
        {
            "id": ddcs.id,
            "name": "DDCS",
            "kind": "institution",
            "sent_at": None,
            "response_due_on": None,
        }
    ]
    [response] = data["responses"]
    assert response["institution"] == {"id": ddcs.id, "name": "DDCS", "kind": "institution"}
    assert (response["position"], response["text"]) == ("unfavourable", "Avis défavorable.")
    assert response["commitments"] == []
    assert data["timeline"][0]["to_status"] == "submitted"


def test_a_proposal_gives_its_first_contributions_and_the_way_to_the_next(
    app, client, make_proposal
):
    """A proposal may have thousands of testimonies: its answer holds the first page of
    each kind with the totals, and an address (the site's public one) for the next page."""
    from app.extensions import db
    from app.models import Contribution, ContributionKind, ContributionState

    app.config["API_PAGE_SIZE"] = 2
    proposal = make_proposal()
    made = {}
    for kind in (ContributionKind.TESTIMONY, ContributionKind.COMMENT):
        made[kind.value] = []
        for n in range(5):
            state = ContributionState.HIDDEN if n == 1 else ContributionState.PUBLISHED
            contribution = Contribution(
                proposal=proposal, kind=kind, state=state, body=f"{kind.value} {n}"
            )
            db.session.add(contribution)
            db.session.flush()
            made[kind.value].append(contribution.id)
    reply = Contribution(
        proposal=proposal,
        kind=ContributionKind.REPLY,
        state=ContributionState.PUBLISHED,
        parent_id=made["comment"][4],
        body="r",
    )
    db.session.add(reply)
    db.session.commit()
    try:
        data = client.get(f"/api/v1/proposals/{proposal.id}").get_json()
        assert data["contribution_counts"] == {"testimonies": 4, "comments": 4, "replies": 1}
        for key, kind in (("testimonies", "testimony"), ("comments", "comment")):
            shown = [item["id"] for item in data[key]]
            assert shown == [made[kind][0], made[kind][2]]
            url = data[f"next_{key}"]
            assert url.startswith(f"{app.config['MAIL_SITE_URL']}/api/v1/proposals/")
            rest = client.get(url.removeprefix(app.config["MAIL_SITE_URL"])).get_json()
            assert [item["id"] for item in rest["items"]] == [made[kind][3], made[kind][4]]
            assert rest["next"] is None and rest["next_cursor"] is None
        arabic = client.get(f"/api/v1/proposals/{proposal.id}?lang=ar").get_json()
        assert arabic["next_comments"].endswith("&lang=ar")
        last = client.get(url.removeprefix(app.config["MAIL_SITE_URL"])).get_json()["items"]
        assert [r["text"] for r in last[-1]["replies"]] == ["r"]
    finally:
        app.config["API_PAGE_SIZE"] = 50


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/proposals?status=nope", 400),
        ("/api/v1/proposals?cursor=%%%", 400),
        ("/api/v1/proposals?cursor=bm9wZQ", 400),
        ("/api/v1/proposals?theme=inconnu", 404),
        ("/api/v1/proposals/999999", 404),
        ("/api/v1/proposals/999999/testimonies", 404),
        ("/api/v1/proposals/999999/comments?cursor=bm9wZQ", 404),
    ],
)
def test_bad_requests_answer_json(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == status


def test_institution_accountability(client, make_organisation, make_proposal):
    from datetime import date, timedelta

    from app.extensions import db
    from app.models import OfficialResponse, Position, utcnow

    ville = make_organisation(OrganisationKind.INSTITUTION, name="Ville de Metz")
    answered = make_proposal(title="Bains-douches", institutions=[ville])
    late = make_proposal(title="Plateforme médico-sociale", institutions=[ville])
    for proposal in (answered, late):
        proposal.addressed[0].sent_at = utcnow() - timedelta(days=90)
        proposal.addressed[0].response_due_on = date.today() - timedelta(days=30)
    db.session.add(
        OfficialResponse(
            proposal=answered,
            institution=ville,
            position=Position.UNDER_STUDY,
            body="À voir.",
            created_at=utcnow() - timedelta(days=80),
        )
    )
    db.session.commit()
    data = client.get(f"/api/v1/institutions/{ville.id}/accountability").get_json()
    assert data["institution"] == {"id": ville.id, "name": "Ville de Metz"}
    assert (data["addressed"], data["answered"], data["awaiting"], data["overdue"]) == (2, 1, 1, 1)
    assert data["median_days_to_answer"] == 10
    assert (data["commitments_due"], data["commitments_overdue"]) == (0, 0)
    association = make_organisation(OrganisationKind.ASSOCIATION)
    assert client.get(f"/api/v1/institutions/{association.id}/accountability").status_code == 404
    assert client.get("/api/v1/institutions/999999/accountability").status_code == 404
