"""The directory: search and filters, an organisation's page and who edits it, co-signatures,
the JSON API, escaping, and constant query counts."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import render_template
from flask_login import login_user

from app.extensions import db
from app.models import (
    Commitment,
    CommitmentState,
    Cosignature,
    OfficialResponse,
    Organisation,
    OrganisationKind,
    Position,
    utcnow,
)
from app.queries import directory as directory_queries
from tests.conftest import login
from tests.helpers import count_queries

PRIVATE_EMAIL = "benevole.prive@example.org"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _sent(proposal, days_ago=90, due_in=-30):
    for addressed in proposal.addressed:
        addressed.sent_at = utcnow() - timedelta(days=days_ago)
        addressed.response_due_on = date.today() + timedelta(days=due_in)
    db.session.commit()
    return proposal


@pytest.fixture
def w(make_organisation, make_theme, make_proposal, make_user):
    """Two associations and an institution with proposals, a co-signature, an official
    response with an overdue and a future commitment, and a proposal awaiting its answer."""
    housing, food = make_theme("Hébergement"), make_theme("Urgence alimentaire")
    coeur = make_organisation(
        name="Restos du Cœur",
        short_name="RDC",
        description="Distribution de repas.\nAccueil de jour.",
        address="3 rue du Pont, Metz",
        opening_hours="Lundi au vendredi, 9 h – 12 h",
        contact_email="contact@restos.example",
        contact_phone="03 87 00 00 00",
        website="https://restos.example",
        themes=[food],
    )
    vincent = make_organisation(name="Équipe Saint-Vincent", themes=[housing])
    ville = make_organisation(OrganisationKind.INSTITUTION, name="Ville de Metz")
    own = _sent(make_proposal("Ouvrir des bains-douches", housing, coeur, institutions=[ville]))
    waiting = _sent(make_proposal("Une halte de nuit", housing, coeur, institutions=[ville]))
    theirs = make_proposal("Domiciliation simplifiée", food, vincent)
    response = OfficialResponse(
        proposal=own, institution=ville, position=Position.FAVOURABLE, body="Oui."
    )
    response.commitments = [
        Commitment(action="Ouvrir un local", due_on=date.today() - timedelta(days=5)),
        Commitment(action="Étendre les horaires", due_on=date.today() + timedelta(days=50)),
        Commitment(action="Action finie", due_on=date(2020, 1, 1), state=CommitmentState.DONE),
    ]
    db.session.add_all([response, Cosignature(proposal=theirs, organisation=coeur)])
    db.session.commit()
    member = make_user("association_member", organisation=coeur, email=PRIVATE_EMAIL)
    return {
        "housing": housing,
        "food": food,
        "coeur": coeur,
        "vincent": vincent,
        "ville": ville,
        "own": own,
        "waiting": waiting,
        "theirs": theirs,
        "member": member,
    }


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def _html(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def _names(html, organisations):
    return [org.name for org in organisations if org.name in html]


# Search, filters, pagination


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("coeur", ["Restos du Cœur"]),
        ("CŒUR", ["Restos du Cœur"]),
        ("rdc", ["Restos du Cœur"]),
        ("equipe", ["Équipe Saint-Vincent"]),
        ("ÉQUIPE saint", ["Équipe Saint-Vincent"]),
        ("metz", ["Ville de Metz"]),
        ("%", []),
        ("_", []),
    ],
)
def test_search_ignores_case_and_accents(client, w, query, expected):
    html = _html(client.get("/organisations/", query_string={"q": query}))
    assert _names(html, [w["coeur"], w["vincent"], w["ville"]]) == expected


def test_filters_by_theme_and_kind(client, w):
    html = _html(client.get(f"/organisations/?theme={w['food'].slug}"))
    assert _names(html, [w["coeur"], w["vincent"], w["ville"]]) == ["Restos du Cœur"]
    html = _html(client.get("/organisations/?type=institution"))
    assert _names(html, [w["coeur"], w["vincent"], w["ville"]]) == ["Ville de Metz"]
    html = _html(client.get(f"/organisations/?type=association&theme={w['housing'].slug}&q=vinc"))
    assert _names(html, [w["coeur"], w["vincent"], w["ville"]]) == ["Équipe Saint-Vincent"]


@pytest.mark.parametrize(
    ("url", "status", "title"),
    [
        ("/organisations/?type=nope", 400, "Requête invalide"),
        ("/organisations/?page=0", 400, "Requête invalide"),
        ("/organisations/?page=abc", 400, "Requête invalide"),
        ("/organisations/?theme=inconnu", 404, "Page introuvable"),
        ("/organisations/inconnue", 404, "Page introuvable"),
        ("/organisations/inconnue/modifier", 404, "Page introuvable"),
    ],
)
def test_bad_arguments_get_french_pages(client, w, url, status, title):
    if url.endswith("modifier"):
        login(client, w["member"])
    assert title in _html(client.get(url), status)


def test_list_is_paginated(client, app, make_organisation, monkeypatch):
    monkeypatch.setitem(app.config, "ORGANISATIONS_PER_PAGE", 3)
    made = [make_organisation(name=f"Association {i:02d}") for i in range(7)]
    pages = [_html(client.get(f"/organisations/?page={n}")) for n in (1, 2, 3, 4)]
    assert [_names(page, made) for page in pages] == [
        [o.name for o in made[0:3]],
        [o.name for o in made[3:6]],
        [made[6].name],
        [],
    ]
    assert "page=2" in pages[0] and "7 organisations" in pages[0]


# The organisation's page


def test_page_shows_every_section(client, w):
    html = _html(client.get(f"/organisations/{w['coeur'].slug}"))
    for text in (
        "Association",
        "Distribution de repas.<br>Accueil de jour.",
        "3 rue du Pont, Metz",
        "Lundi au vendredi, 9 h – 12 h",
        'href="mailto:contact@restos.example"',
        'href="tel:0387000000"',
        'href="https://restos.example"',
        "Urgence alimentaire",
        "Ouvrir des bains-douches",
        "Propositions cosignées",
        "Domiciliation simplifiée",
    ):
        assert text in html
    html = _html(client.get(f"/organisations/{w['ville'].slug}"))
    assert "institution vérifiée par le réseau" in html
    responses, awaiting = html.split('id="reponses"')[1].split('id="attente"')
    assert "Ouvrir des bains-douches" in responses and "Favorable" in responses
    assert "Ouvrir un local" in responses and "Étendre les horaires" in responses
    assert responses.count("en retard") == 1  # the done one is not late
    assert "Une halte de nuit" in awaiting and "Réponse en retard" in awaiting
    assert "Ouvrir des bains-douches" not in awaiting


def test_page_lists_are_paginated(client, app, w, make_proposal, monkeypatch):
    monkeypatch.setitem(app.config, "ORGANISATION_LISTS_PER_PAGE", 2)
    for i in range(3):
        make_proposal(f"Proposition en plus {i}", organisation=w["coeur"])
    first = _html(client.get(f"/organisations/{w['coeur'].slug}"))
    assert "Proposition en plus 2" in first and "Proposition en plus 1" in first
    assert "Proposition en plus 0" not in first and "propositions=2" in first
    second = _html(client.get(f"/organisations/{w['coeur'].slug}?propositions=2"))
    assert "Proposition en plus 0" in second and "Proposition en plus 2" not in second
    assert "Domiciliation simplifiée" in second  # the other lists stay on their first page
    assert client.get(f"/organisations/{w['coeur'].slug}?cosignees=x").status_code == 400


def test_no_personal_email_anywhere_public(app, client, w):
    """Members are not listed: neither their e-mail nor their pseudonym shows."""
    urls = [
        "/organisations/",
        f"/organisations/{w['coeur'].slug}",
        f"/api/v1/organisations/{w['coeur'].id}",
        "/api/v1/organisations",
    ]
    for url in urls:
        body = client.get(url).get_data(as_text=True)
        assert PRIVATE_EMAIL not in body and w["member"].pseudonym not in body
    with app.test_request_context():
        html = render_template(
            "proposals/_cosigners.html",
            proposal=w["theirs"],
            cosignatures=directory_queries.cosignatures_for(w["theirs"]),
        )
    assert "Restos du Cœur" in html and PRIVATE_EMAIL not in html


# Editing the page

EDIT_FORM = {
    "description": "Nouvelle description",
    "address": "5 place d’Armes",
    "opening_hours": "Mardi, 14 h – 17 h",
    "contact_email": "accueil@restos.example",
    "contact_phone": "+33 3 87 11 22 33",
    "website": "https://nouveau.example/page",
}


def _can_edit(role, org_key):
    """(role, organisation it belongs to) -> may edit w["coeur"] / w["ville"]."""
    return {
        ("association_member", "coeur"): {"coeur"},
        ("moderator", "coeur"): {"coeur"},
        ("institution_rep", "ville"): {"ville"},
        ("admin", None): {"coeur", "ville"},
    }.get((role, org_key), set())


@pytest.mark.parametrize(
    ("role", "org_key"),
    [
        ("participant", None),
        ("participant", "coeur"),
        ("association_member", "coeur"),
        ("association_member", "vincent"),
        ("moderator", "coeur"),
        ("moderator", None),
        ("institution_rep", "ville"),
        ("admin", None),
    ],
)
@pytest.mark.parametrize("target", ["coeur", "ville"])
def test_who_edits_which_page(app, w, make_user, role, org_key, target):
    user = make_user(role, organisation=w[org_key] if org_key else None)
    client = _client(app, user)
    url = f"/organisations/{w[target].slug}/modifier"
    allowed = target in _can_edit(role, org_key)
    assert client.get(url).status_code == (200 if allowed else 403)
    data = {**EDIT_FORM, "theme_ids": [w["housing"].id]}
    response = client.post(url, data=data)
    db.session.expire_all()
    organisation = db.session.get(Organisation, w[target].id)
    if allowed:
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/organisations/{w[target].slug}")
        assert [getattr(organisation, f) for f in EDIT_FORM] == list(EDIT_FORM.values())
        assert [t.slug for t in organisation.themes] == [w["housing"].slug]
    else:
        assert response.status_code == 403
        assert organisation.description != "Nouvelle description"


def test_edit_button_only_for_those_allowed(app, client, w, make_user):
    url = f"/organisations/{w['coeur'].slug}"
    assert "/modifier" not in _html(client.get(url))
    assert "/modifier" in _html(_client(app, w["member"]).get(url))
    other = make_user("association_member", organisation=w["vincent"])
    assert "/modifier" not in _html(_client(app, other).get(url))


def test_visitor_goes_to_login(client, w):
    response = client.get(f"/organisations/{w['coeur'].slug}/modifier")
    assert response.status_code == 302 and "/compte/connexion" in response.headers["Location"]


def test_unverified_institution_reps_do_not_edit(app, make_organisation, make_user):
    unverified = make_organisation(OrganisationKind.INSTITUTION, verified=False)
    rep = make_user("institution_rep", organisation=unverified)
    assert _client(app, rep).get(f"/organisations/{unverified.slug}/modifier").status_code == 403


def test_edit_form_is_prefilled(app, w):
    html = _html(_client(app, w["member"]).get(f"/organisations/{w['coeur'].slug}/modifier"))
    assert "contact@restos.example" in html and "Lundi au vendredi" in html
    assert re.search(rf'<input checked[^>]* value="{w["food"].id}"', html)
    assert not re.search(rf'<input checked[^>]* value="{w["housing"].id}"', html)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contact_email", "pas-une-adresse", "Cette adresse e-mail n’est pas valide."),
        ("website", "pas une adresse", "Indiquez une adresse web complète"),
        ("website", "javascript://exemple.org/%0aalert(1)", "Indiquez une adresse web complète"),
        ("website", "ftp://exemple.org/fichier", "Indiquez une adresse web complète"),
        ("contact_phone", "appelez-nous", "Indiquez un numéro de téléphone"),
        ("contact_phone", "0" * 41, "Votre texte fait 41 caractères ; 40 au plus."),
        ("description", "x" * 5001, "Votre texte fait 5\u202f001 caractères ; 5\u202f000 au plus."),
        ("address", "x" * 301, "Votre texte fait 301 caractères ; 300 au plus."),
        (
            "opening_hours",
            "x" * 1001,
            "Votre texte fait 1\u202f001 caractères ; 1\u202f000 au plus.",
        ),
        ("theme_ids", "999999", "pas un choix valide"),
    ],
)
def test_bad_input_keeps_text_and_saves_nothing(app, w, field, value, message):
    client = _client(app, w["member"])
    data = {**EDIT_FORM, "description": "Texte <gardé>", field: value}
    before = db.session.execute(sa.text("SELECT * FROM organisation ORDER BY id")).all()
    html = _html(client.post(f"/organisations/{w['coeur'].slug}/modifier", data=data))
    assert message in html and "Le formulaire contient des erreurs" in html
    if field != "description":
        assert "Texte &lt;gardé&gt;" in html
    db.session.expire_all()
    assert db.session.execute(sa.text("SELECT * FROM organisation ORDER BY id")).all() == before
    assert [t.slug for t in db.session.get(Organisation, w["coeur"].id).themes] == ["atelier-2"]


def test_name_kind_and_verification_stay_admin_only(app, w):
    client = _client(app, w["member"])
    data = {**EDIT_FORM, "name": "Autre nom", "kind": "institution", "verified": "y", "slug": "x"}
    assert client.post(f"/organisations/{w['coeur'].slug}/modifier", data=data).status_code == 302
    db.session.expire_all()
    coeur = db.session.get(Organisation, w["coeur"].id)
    assert (coeur.name, coeur.kind, coeur.verified, coeur.slug) == (
        "Restos du Cœur",
        OrganisationKind.ASSOCIATION,
        False,
        w["coeur"].slug,
    )


# Co-signatures


def _cosign(client, proposal, organisation=None):
    data = {"organisation_id": organisation.id} if organisation else {}
    return client.post(f"/propositions/{proposal.id}/cosigner", data=data)


def _signers(proposal) -> list[str]:
    db.session.expire_all()
    return [c.organisation.name for c in directory_queries.cosignatures_for(proposal)]


def test_member_cosigns_another_associations_proposal(app, w, make_user):
    signer = make_user("association_member", organisation=w["vincent"])
    response = _cosign(_client(app, signer), w["own"], w["vincent"])
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/propositions/{w['own'].id}#cosignataires")
    assert _signers(w["own"]) == ["Équipe Saint-Vincent"]
    [cosignature] = directory_queries.cosignatures_for(w["own"])
    assert cosignature.signed_by_id == signer.id
    page = _html(app.test_client().get(f"/organisations/{w['vincent'].slug}"))
    assert "Ouvrir des bains-douches" in page.split('id="cosignees"')[1]


@pytest.mark.parametrize(
    ("role", "org_key"),
    [
        ("association_member", "coeur"),  # the proposal's own association
        ("moderator", "coeur"),
        ("participant", None),
        ("institution_rep", "ville"),
        ("admin", None),  # coordinators belong to no association here
    ],
)
def test_who_cannot_cosign(app, w, make_user, role, org_key):
    user = make_user(role, organisation=w[org_key] if org_key else None)
    response = _cosign(_client(app, user), w["own"], w[org_key] if org_key else w["vincent"])
    assert response.status_code == 403
    assert _signers(w["own"]) == []


def test_visitors_are_sent_to_login(client, w):
    response = _cosign(client, w["own"], w["vincent"])
    assert response.status_code == 302 and "/compte/connexion" in response.headers["Location"]
    assert _signers(w["own"]) == []


def test_an_association_cosigns_once(app, w, make_user):
    first = make_user("association_member", organisation=w["vincent"])
    second = make_user("moderator", organisation=w["vincent"])
    assert _cosign(_client(app, first), w["own"], w["vincent"]).status_code == 302
    assert _cosign(_client(app, first), w["own"], w["vincent"]).status_code == 403
    assert _cosign(_client(app, second), w["own"], w["vincent"]).status_code == 403
    assert _signers(w["own"]) == ["Équipe Saint-Vincent"]


def test_member_of_several_associations_chooses(app, w, make_user, make_organisation):
    third = make_organisation(name="Secours solidaire")
    signer = make_user("association_member", organisation=w["vincent"])
    signer.organisations.extend([third, w["coeur"]])
    db.session.commit()
    client = _client(app, signer)
    with app.test_request_context():
        login_user(signer)
        html = render_template("proposals/_cosigners.html", proposal=w["own"], cosignatures=[])
    assert '<select id="cosigner-organisation"' in html
    assert "Secours solidaire" in html and "Équipe Saint-Vincent" in html
    assert f'<option value="{w["coeur"].id}"' not in html  # never for its own association
    for refused in (w["coeur"], make_organisation(name="Pas la mienne")):
        response = client.post(
            f"/propositions/{w['own'].id}/cosigner", data={"organisation_id": refused.id}
        )
        assert response.status_code == 302
        followed = _html(client.get(response.headers["Location"].split("#")[0]))
        assert "Choisissez une de vos associations qui n’a pas encore cosigné." in followed
    assert _signers(w["own"]) == []
    assert _cosign(client, w["own"], third).status_code == 302
    assert _cosign(client, w["own"], w["vincent"]).status_code == 302
    assert sorted(_signers(w["own"])) == ["Secours solidaire", "Équipe Saint-Vincent"]


def test_members_withdraw_their_associations_cosignature(app, w, make_user):
    outsider = make_user("association_member", organisation=w["vincent"])
    url = f"/propositions/{w['theirs'].id}/retirer-cosignature"
    data = {"organisation_id": w["coeur"].id}
    assert _client(app, outsider).post(url, data=data).status_code == 403
    assert app.test_client().post(url, data=data).status_code == 302  # to the login page
    assert _signers(w["theirs"]) == ["Restos du Cœur"]
    member = _client(app, w["member"])
    assert member.post(url, data={}).status_code == 400
    assert member.post(url, data={"organisation_id": "abc"}).status_code == 400
    assert member.post(url, data={"organisation_id": w["vincent"].id}).status_code == 404
    assert member.post("/propositions/999999/retirer-cosignature", data=data).status_code == 404
    assert member.post(url, data=data).status_code == 302
    assert _signers(w["theirs"]) == []


def test_cosign_unknown_proposal(app, w):
    client = _client(app, w["member"])
    response = client.post("/propositions/999999/cosigner", data={"organisation_id": 1})
    assert response.status_code == 404


def test_cosigners_partial(app, w, make_user):
    cosignatures = directory_queries.cosignatures_for(w["theirs"])
    with app.test_request_context():
        anonymous = render_template(
            "proposals/_cosigners.html", proposal=w["theirs"], cosignatures=cosignatures
        )
        login_user(w["member"])
        member = render_template(
            "proposals/_cosigners.html", proposal=w["theirs"], cosignatures=cosignatures
        )
    assert f'href="/organisations/{w["coeur"].slug}"' in anonymous
    assert "Retirer la cosignature" not in anonymous and "Cosigner" not in anonymous
    assert 'Retirer la cosignature de <bdi dir="auto">Restos du Cœur</bdi>' in member
    assert "Cosigner au nom" not in member  # its only association already signed
    with app.test_request_context():
        login_user(w["member"])
        html = render_template("proposals/_cosigners.html", proposal=w["own"], cosignatures=[])
    assert "Cosigner au nom" not in html  # its own association's proposal
    other = make_user("association_member", organisation=w["vincent"])
    with app.test_request_context():
        login_user(other)
        html = render_template("proposals/_cosigners.html", proposal=w["own"], cosignatures=[])
    assert 'Cosigner au nom de <bdi dir="auto">Équipe Saint-Vincent</bdi>' in html
    assert f'name="organisation_id" value="{w["vincent"].id}"' in html


# The JSON API


def test_api_list_shape_and_filters(client, w):
    data = client.get("/api/v1/organisations").get_json()
    # By name, in the database's collation (where "É" sorts differs between the two).
    assert {item["name"] for item in data["items"]} == {
        "Restos du Cœur",
        "Ville de Metz",
        "Équipe Saint-Vincent",
    }
    item = next(i for i in data["items"] if i["id"] == w["coeur"].id)
    assert item == {
        "id": w["coeur"].id,
        "slug": w["coeur"].slug,
        "name": "Restos du Cœur",
        "short_name": "RDC",
        "kind": "association",
        "verified": False,
        "themes": [w["food"].slug],
        "url": f"http://voix.test/organisations/{w['coeur'].slug}",
        "example": False,
    }
    assert data["next_cursor"] is None

    def names(query):
        return [i["name"] for i in client.get(f"/api/v1/organisations?{query}").get_json()["items"]]

    assert names(f"theme={w['housing'].slug}") == ["Équipe Saint-Vincent"]
    assert names("kind=institution") == ["Ville de Metz"]
    assert names("q=COEUR") == ["Restos du Cœur"]
    assert names("q=equipe&kind=association") == ["Équipe Saint-Vincent"]
    assert names("q=equipe&kind=institution") == []


def test_api_cursor_walks_every_item(client, app, make_organisation, monkeypatch):
    monkeypatch.setitem(app.config, "API_PAGE_SIZE", 2)
    made = [make_organisation(name=f"Asso | {i}") for i in range(5)]
    seen, cursor = [], None
    for _ in range(5):
        url = "/api/v1/organisations" + (f"?cursor={cursor}" if cursor else "")
        data = client.get(url).get_json()
        seen += [item["id"] for item in data["items"]]
        if (cursor := data["next_cursor"]) is None:
            break
    assert seen == [o.id for o in made]


def test_api_detail(client, w):
    data = client.get(f"/api/v1/organisations/{w['coeur'].id}").get_json()
    assert data["themes"] == [
        {
            "slug": w["food"].slug,
            "name": "Urgence alimentaire",
            "languages": {"name": {"lang": "fr", "translation_outdated": False}},
        }
    ]
    assert data["description"] == "Distribution de repas.\nAccueil de jour."
    assert (data["address"], data["opening_hours"]) == (
        "3 rue du Pont, Metz",
        "Lundi au vendredi, 9 h – 12 h",
    )
    assert (data["contact_email"], data["contact_phone"], data["website"]) == (
        "contact@restos.example",
        "03 87 00 00 00",
        "https://restos.example",
    )
    assert {p["title"] for p in data["proposals"]} == {
        "Ouvrir des bains-douches",
        "Une halte de nuit",
    }
    assert data["cosigned_proposals"] == [
        {
            "id": w["theirs"].id,
            "title": "Domiciliation simplifiée",
            "url": f"http://voix.test/propositions/{w['theirs'].id}",
            "example": False,
            "languages": {"title": {"lang": "fr", "translation_outdated": False}},
        }
    ]
    assert data["responses"] == [] and data["awaiting_responses"] == []
    ville = client.get(f"/api/v1/organisations/{w['ville'].id}").get_json()
    [response] = ville["responses"]
    assert response["proposal"]["id"] == w["own"].id and response["position"] == "favourable"
    commitments = [(c["action"], c["state"], c["overdue"]) for c in response["commitments"]]
    assert commitments == [
        ("Action finie", "done", False),
        ("Ouvrir un local", "planned", True),
        ("Étendre les horaires", "planned", False),
    ]
    assert [a["title"] for a in ville["awaiting_responses"]] == ["Une halte de nuit"]
    assert (
        ville["awaiting_responses"][0]["response_due_on"]
        == (date.today() - timedelta(days=30)).isoformat()
    )


def test_api_lists_come_a_page_at_a_time(app, client, w, monkeypatch):
    """An institution addressed in most proposals has thousands: the organisation gives the
    first page of each list and, at the site's public address, the next one."""
    monkeypatch.setitem(app.config, "API_PAGE_SIZE", 1)
    site = app.config["MAIL_SITE_URL"]
    data = client.get(f"/api/v1/organisations/{w['coeur'].id}").get_json()
    assert len(data["proposals"]) == 1
    assert data["next_proposals"] == (
        f"{site}/api/v1/organisations/{w['coeur'].id}/proposals?page=2"
    )
    rest = client.get(data["next_proposals"].removeprefix(site)).get_json()
    titles = {data["proposals"][0]["title"], *(p["title"] for p in rest["items"])}
    assert titles == {"Ouvrir des bains-douches", "Une halte de nuit"}
    assert rest["next"] is None
    arabic = client.get(f"/api/v1/organisations/{w['coeur'].id}?lang=ar").get_json()
    assert arabic["next_proposals"].endswith("/proposals?page=2&lang=ar")
    assert data["next_cosigned_proposals"] is None
    assert data["next_responses"] is None and data["next_awaiting_responses"] is None
    ville = f"/api/v1/organisations/{w['ville'].id}"
    assert client.get(f"{ville}/responses").get_json()["items"][0]["proposal"]["id"] == (
        w["own"].id
    )
    awaiting = client.get(f"{ville}/awaiting_responses").get_json()["items"]
    assert [a["title"] for a in awaiting] == ["Une halte de nuit"]
    assert client.get(f"/api/v1/organisations/{w['coeur'].id}/responses").get_json() == {
        "items": [],
        "next": None,
    }


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/organisations?kind=nope", 400),
        ("/api/v1/organisations?cursor=%%%", 400),
        ("/api/v1/organisations?cursor=bm9wZQ", 400),
        ("/api/v1/organisations?cursor=WzEsICJhIl0", 400),  # [1, "a"]
        ("/api/v1/organisations?theme=inconnu", 404),
        ("/api/v1/organisations/999999", 404),
        ("/api/v1/organisations/999999/proposals", 404),
        ("/api/v1/organisations/1/inconnus", 404),
        ("/api/v1/organisations/1/proposals?page=0", 400),
    ],
)
def test_api_bad_requests_answer_json(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == status


# Escaping


def test_payloads_in_every_field_are_inert(app, client, w):
    """Written straight to the database (as an older admin form could), then shown."""
    coeur = w["coeur"]
    for field in ("name", "description", "address", "opening_hours"):
        setattr(coeur, field, f"{field} {XSS}")
    coeur.short_name = "<script>x</script>"
    coeur.contact_email = 'x"><script>alert(1)</script>@example.org'
    coeur.contact_phone = '"><svg onload=alert(1)>'
    coeur.website = "javascript:alert(1)"
    db.session.commit()
    edit_page = _client(app, w["member"]).get(f"/organisations/{coeur.slug}/modifier")
    pages = [
        client.get("/organisations/"),
        client.get(f"/organisations/{coeur.slug}"),
        client.get(f"/organisations/{w['vincent'].slug}?q={XSS}"),
        client.get("/organisations/", query_string={"q": XSS}),
        edit_page,
    ]
    with app.test_request_context():
        partial = render_template(
            "proposals/_cosigners.html",
            proposal=w["theirs"],
            cosignatures=directory_queries.cosignatures_for(w["theirs"]),
        )
    for html in [_html(page) for page in pages] + [partial]:
        assert "<script" not in html.split("</header>")[-1]
        assert "<img src=x" not in html and "<svg" not in html
        assert 'href="javascript:' not in html
    show = _html(pages[1])
    assert "&lt;script&gt;" in show and "javascript:alert(1)" in show  # shown, not linked
    api = client.get(f"/api/v1/organisations/{coeur.id}")
    assert api.mimetype == "application/json"
    assert api.get_json()["website"] is None
    assert api.get_json()["description"] == f"description {XSS}"


def test_payloads_through_the_form_are_saved_as_text(app, client, w):
    data = {f: f"{f} {XSS}" for f in ("description", "address", "opening_hours")}
    response = _client(app, w["member"]).post(
        f"/organisations/{w['coeur'].slug}/modifier", data=data
    )
    assert response.status_code == 302
    html = _html(client.get(f"/organisations/{w['coeur'].slug}"))
    assert "<script" not in html.split("</header>")[-1] and "<img src=x" not in html
    assert html.count("&lt;script&gt;") == 3


# Query counts


def _count(client, url):
    client.get(url)  # warm-up
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def _grow(w, n, make_organisation, make_proposal):
    """n more organisations, proposals filed by and addressed to the page's organisations,
    co-signed by them, answered with commitments."""
    for i in range(n):
        org = make_organisation(name=f"Association ajoutée {n}-{i}", themes=[w["food"]])
        mine = make_proposal(f"Proposition {n}-{i}", organisation=w["coeur"], commit=False)
        theirs = make_proposal(f"Autre {n}-{i}", organisation=org, institutions=[w["ville"]])
        _sent(theirs)
        answered = make_proposal(f"Répondue {n}-{i}", organisation=org, institutions=[w["ville"]])
        response = OfficialResponse(
            proposal=answered, institution=w["ville"], position=Position.UNDER_STUDY, body="…"
        )
        response.commitments = [
            Commitment(action=f"Action {k}", due_on=date(2030, 1, k + 1)) for k in range(3)
        ]
        db.session.add_all([mine, response, Cosignature(proposal=theirs, organisation=w["coeur"])])
    db.session.commit()


URLS = [
    lambda w: "/organisations/",
    lambda w: f"/organisations/?q=asso&type=association&theme={w['food'].slug}",
    lambda w: f"/organisations/{w['coeur'].slug}",
    lambda w: f"/organisations/{w['ville'].slug}",
    lambda w: f"/organisations/{w['ville'].slug}?reponses=2&attente=2",
    lambda w: "/api/v1/organisations",
    lambda w: f"/api/v1/organisations/{w['coeur'].id}",
    lambda w: f"/api/v1/organisations/{w['ville'].id}",
    lambda w: f"/api/v1/organisations/{w['ville'].id}/responses?page=2",
    lambda w: f"/api/v1/organisations/{w['coeur'].id}/proposals?page=2",
]


@pytest.mark.parametrize("url", range(len(URLS)))
@pytest.mark.parametrize("logged_in", [False, True])
def test_query_count_does_not_grow(
    app, w, url, logged_in, make_organisation, make_proposal, monkeypatch
):
    # Small data already fills more than a page of each list, so page 2 is never empty.
    monkeypatch.setitem(app.config, "ORGANISATION_LISTS_PER_PAGE", 2)
    monkeypatch.setitem(app.config, "ORGANISATIONS_PER_PAGE", 2)
    client = _client(app, w["member"]) if logged_in else app.test_client()
    _grow(w, 3, make_organisation, make_proposal)
    small = _count(client, URLS[url](w))
    _grow(w, 30, make_organisation, make_proposal)
    large = _count(client, URLS[url](w))
    assert small == large
    assert large <= 12
