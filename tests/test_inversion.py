"""The inversion (issue 20, item 7): institutions put proposals to associations, which take
them up ("Nous nous en saisissons") or answer with their position; the proposal page, the
board, the synthesis and the API show it, counted apart from the institutions' answers."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app import policy, queries
from app.extensions import db
from app.models import (
    AddressedInstitution,
    Commitment,
    OfficialResponse,
    OrganisationKind,
    Position,
    Proposal,
    ProposalStatus,
    utcnow,
)
from app.services import ServiceError
from app.services import proposals as proposal_service
from app.services import responses as response_service
from tests.conftest import login
from tests.helpers import count_queries

TAKE_UP = {
    "position": "taken_up",
    "body": "Nous ouvrons une permanence d’accueil le samedi matin.",
}


def _count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@pytest.fixture
def orgs(make_organisation, make_theme):
    return {
        "theme": make_theme("Accès aux droits"),
        "ville": make_organisation(OrganisationKind.INSTITUTION, name="Ville de Metz"),
        "ddcs": make_organisation(OrganisationKind.INSTITUTION, name="DDCS de la Moselle"),
        "restos": make_organisation(OrganisationKind.ASSOCIATION, name="Restos du cœur"),
        "secours": make_organisation(OrganisationKind.ASSOCIATION, name="Secours populaire"),
        "aiem": make_organisation(OrganisationKind.SERVICE_PROVIDER, name="AIEM prestataire"),
    }


def _put(make_proposal, orgs, *addressees, days_ago=10, due_in=50, title=None):
    """The Ville's proposal, sent to these organisations ``days_ago`` days ago."""
    proposal = make_proposal(
        title=title or "Une permanence d’accès aux droits le samedi",
        theme=orgs["theme"],
        organisation=orgs["ville"],
        status=ProposalStatus.SENT,
        commit=False,
    )
    for org in addressees:
        proposal.addressed.append(
            AddressedInstitution(
                institution=org,
                sent_at=utcnow() - timedelta(days=days_ago),
                response_due_on=date.today() + timedelta(days=due_in),
            )
        )
    db.session.commit()
    return proposal


@pytest.fixture
def put(make_proposal, orgs):
    """The Ville's proposal sent to the Restos and the AIEM (not to the Secours populaire)."""
    return _put(make_proposal, orgs, orgs["restos"], orgs["aiem"])


def _respond_url(proposal, organisation):
    return f"/propositions/{proposal.id}/reponses/{organisation.id}"


# Filing: who a proposal may go to.


def test_an_institution_files_a_proposal_to_associations(client, orgs, make_user):
    login(client, make_user("institution_rep", organisation=orgs["ville"]))
    page = client.get("/propositions/nouvelle").get_data(as_text=True)
    assert "Organisations sollicitées" in page
    for group in ("<legend>Associations</legend>", "<legend>Associations prestataires</legend>"):
        assert group in page
    assert "<legend>Institutions</legend>" in page
    for name in ("Restos du cœur", "AIEM prestataire", "DDCS de la Moselle"):
        assert name in page
    response = client.post(
        "/propositions/nouvelle",
        data={
            "title": "Une permanence le samedi",
            "body": "La ville prête une salle ; une association tient la permanence.",
            "theme_id": orgs["theme"].id,
            "organisation_id": orgs["ville"].id,
            "institution_ids": [orgs["restos"].id, orgs["aiem"].id, orgs["ddcs"].id],
        },
    )
    assert response.status_code == 302
    proposal = db.session.scalar(sa.select(Proposal))
    assert proposal.organisation == orgs["ville"]
    assert {a.institution.name for a in proposal.addressed} == {
        "Restos du cœur",
        "AIEM prestataire",
        "DDCS de la Moselle",
    }
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'Proposition de <bdi dir="auto">Ville de Metz</bdi> aux associations' in page
    assert "Réponses des organisations sollicitées" in page


def test_the_edit_form_keeps_the_associations_checked(client, orgs, put, make_user):
    login(client, make_user("institution_rep", organisation=orgs["ville"]))
    page = client.get(f"/propositions/{put.id}/modifier").get_data(as_text=True)
    assert "<legend>Associations</legend>" in page
    checked = re.findall(
        r'<input checked id="[^"]+" name="institution_ids" [^>]*value="(\d+)"', page
    )
    assert sorted(map(int, checked)) == sorted([orgs["restos"].id, orgs["aiem"].id])


def test_an_association_addresses_institutions_only(client, orgs, make_user):
    member = make_user("association_member", organisation=orgs["secours"])
    login(client, member)
    page = client.get("/propositions/nouvelle").get_data(as_text=True)
    assert "DDCS de la Moselle" in page
    assert "Restos du cœur" not in page and "AIEM prestataire" not in page
    form = {
        "title": "Des douches en accès libre",
        "body": "Un texte assez long pour être accepté par le formulaire.",
        "theme_id": orgs["theme"].id,
        "organisation_id": orgs["secours"].id,
        "institution_ids": [orgs["restos"].id],
    }
    response = client.post("/propositions/nouvelle", data=form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    error = 'class="error" id="institution_ids-error">Choisissez parmi les organisations de la'
    assert error in page
    assert "Des douches en accès libre" in page  # the text typed is kept
    assert _count(Proposal) == 0
    # The service says it again, on the field, whatever the form offered.
    with pytest.raises(ServiceError) as refused:
        proposal_service.create_proposal(
            member,
            title=form["title"],
            body=form["body"],
            theme=orgs["theme"],
            organisation=orgs["secours"],
            institution_ids=[orgs["restos"].id],
        )
    assert refused.value.field == "institution_ids"
    assert "Seule une institution" in str(refused.value)
    db.session.rollback()
    assert _count(Proposal) == 0


def test_an_association_proposal_cannot_be_edited_towards_an_association(
    orgs, make_proposal, make_user
):
    member = make_user("association_member", organisation=orgs["secours"])
    proposal = make_proposal(
        theme=orgs["theme"],
        organisation=orgs["secours"],
        author=member,
        institutions=[orgs["ddcs"]],
    )
    with pytest.raises(ServiceError):
        proposal_service.update_proposal(
            member,
            proposal,
            title=proposal.title,
            body=proposal.body,
            theme=orgs["theme"],
            institution_ids=[orgs["ddcs"].id, orgs["restos"].id],
        )
    db.session.rollback()
    assert [a.institution_id for a in db.session.get(Proposal, proposal.id).addressed] == [
        orgs["ddcs"].id
    ]


# Answering: an addressed association takes it up, with commitments.


def test_an_addressed_association_takes_it_up_with_a_commitment(client, orgs, put, make_user):
    login(client, make_user("association_member", organisation=orgs["restos"]))
    page = client.get(_respond_url(put, orgs["restos"])).get_data(as_text=True)
    assert "Position de l’association" in page
    assert 'value="taken_up"' in page and "Nous nous en saisissons" in page
    assert '<bdi dir="auto">Ville de Metz</bdi> propose cette action aux associations' in page
    response = client.post(_respond_url(put, orgs["restos"]), data=TAKE_UP)
    assert response.status_code == 302
    answer = db.session.scalar(sa.select(OfficialResponse))
    assert (answer.institution_id, answer.position) == (orgs["restos"].id, Position.TAKEN_UP)
    assert db.session.get(Proposal, put.id).status is ProposalStatus.ANSWERED
    due = (date.today() + timedelta(days=30)).isoformat()
    response = client.post(
        f"/reponses/{answer.id}/engagements",
        data={"action": "Tenir la permanence du samedi", "due_on": due},
    )
    assert response.status_code == 302
    assert _count(Commitment, Commitment.response_id == answer.id) == 1
    page = client.get(f"/propositions/{put.id}").get_data(as_text=True)
    assert 'class="badge position-taken_up">Nous nous en saisissons</span>' in page
    assert "Tenir la permanence du samedi" in page
    assert "Répondre à cette association" in page
    # The AIEM has not answered yet: still awaited, under its kind.
    assert "Association prestataire" in page
    assert "Réponse attendue avant le" in page


def test_an_association_not_addressed_cannot_answer(client, orgs, put, make_user):
    login(client, make_user("association_member", organisation=orgs["secours"]))
    assert client.get(_respond_url(put, orgs["secours"])).status_code == 403
    assert client.post(_respond_url(put, orgs["secours"]), data=TAKE_UP).status_code == 403
    # Nor for an addressed association it does not belong to.
    assert client.post(_respond_url(put, orgs["restos"]), data=TAKE_UP).status_code == 403
    assert _count(OfficialResponse) == 0


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("visitor", 302),
        ("participant", 403),
        ("restos_member", 200),
        ("restos_moderator", 200),
        ("restos_unconfirmed", 403),
        ("other_member", 403),
        ("ville_rep", 403),  # the institution that filed it does not answer for others
        ("admin", 403),
    ],
)
def test_who_answers_for_an_addressed_association(client, orgs, put, make_user, who, expected):
    roles = {
        "participant": ("participant", None),
        "restos_member": ("association_member", orgs["restos"]),
        "restos_moderator": ("moderator", orgs["restos"]),
        "restos_unconfirmed": ("association_member", orgs["restos"]),
        "other_member": ("association_member", orgs["secours"]),
        "ville_rep": ("institution_rep", orgs["ville"]),
        "admin": ("admin", None),
    }
    if who != "visitor":
        role, organisation = roles[who]
        user = make_user(role, organisation=organisation)
        if who == "restos_unconfirmed":
            user.email_confirmed_at = None
            db.session.commit()
        login(client, user)
    assert client.get(_respond_url(put, orgs["restos"])).status_code == expected
    response = client.post(_respond_url(put, orgs["restos"]), data=TAKE_UP)
    assert response.status_code == (302 if expected == 200 else expected)
    assert _count(OfficialResponse) == (1 if expected == 200 else 0)


def test_may_answer_for_is_the_rule_notifications_use(orgs, make_user):
    member = make_user("association_member", organisation=orgs["restos"])
    rep = make_user("institution_rep", organisation=orgs["ville"])
    assert policy.may_answer_for(member, orgs["restos"])
    assert not policy.may_answer_for(member, orgs["secours"])
    assert policy.may_answer_for(rep, orgs["ville"])
    assert not policy.may_answer_for(rep, orgs["restos"])


def test_an_association_proposal_put_to_an_association_is_not_answered_by_it(
    client, orgs, make_proposal, make_user
):
    """Only an institution's proposal is answered by associations, whatever the rows say."""
    proposal = make_proposal(
        theme=orgs["theme"], organisation=orgs["secours"], institutions=[orgs["restos"]]
    )
    login(client, make_user("association_member", organisation=orgs["restos"]))
    assert client.get(_respond_url(proposal, orgs["restos"])).status_code == 403


def test_the_institutions_form_never_offers_taking_it_up(client, orgs, make_proposal, make_user):
    proposal = make_proposal(
        theme=orgs["theme"],
        organisation=orgs["secours"],
        institutions=[orgs["ddcs"]],
        status=ProposalStatus.SENT,
    )
    rep = make_user("institution_rep", organisation=orgs["ddcs"])
    login(client, rep)
    page = client.get(_respond_url(proposal, orgs["ddcs"])).get_data(as_text=True)
    assert 'value="favourable"' in page
    assert "taken_up" not in page and "Nous nous en saisissons" not in page
    response = client.post(_respond_url(proposal, orgs["ddcs"]), data=TAKE_UP)
    assert response.status_code == 200
    assert TAKE_UP["body"] in response.get_data(as_text=True)  # the text typed is kept
    assert _count(OfficialResponse) == 0
    with pytest.raises(ServiceError) as refused:
        response_service.publish_response(
            rep, proposal, orgs["ddcs"], position=Position.TAKEN_UP, body=TAKE_UP["body"]
        )
    assert refused.value.field == "position"
    db.session.rollback()
    assert _count(OfficialResponse) == 0


def test_an_association_may_also_say_it_is_not_competent(client, orgs, put, make_user):
    login(client, make_user("association_member", organisation=orgs["restos"]))
    response = client.post(
        _respond_url(put, orgs["restos"]),
        data={"position": "not_competent", "body": "Ce n’est pas notre métier."},
    )
    assert response.status_code == 200
    assert "Indiquez qui est compétent." in response.get_data(as_text=True)
    assert _count(OfficialResponse) == 0


# What the pages, the board, the synthesis and the API show.


def _answered(put, orgs, make_user):
    member = make_user("association_member", organisation=orgs["restos"])
    answer = response_service.publish_response(
        member, put, orgs["restos"], position=Position.TAKEN_UP, body=TAKE_UP["body"]
    )
    response_service.add_commitment(
        member, answer, "Tenir la permanence", date.today() + timedelta(days=20)
    )
    return answer


def test_the_api_gives_the_kind_of_each_organisation(client, orgs, put, make_user):
    _answered(put, orgs, make_user)
    data = client.get(f"/api/v1/proposals/{put.id}").get_json()
    assert data["organisation"] == {
        "id": orgs["ville"].id,
        "name": "Ville de Metz",
        "kind": "institution",
    }
    assert {(a["name"], a["kind"]) for a in data["addressed_institutions"]} == {
        ("Restos du cœur", "association"),
        ("AIEM prestataire", "service_provider"),
    }
    [answer] = data["responses"]
    assert answer["institution"] == {
        "id": orgs["restos"].id,
        "name": "Restos du cœur",
        "kind": "association",
    }
    assert answer["position"] == "taken_up"
    assert [c["action"] for c in answer["commitments"]] == ["Tenir la permanence"]


def _section(html: str, anchor: str) -> str:
    """The part of a page from the heading with this id to the next section."""
    start = html.index(f'id="{anchor}"')
    return html[start : html.find("</section>", start)]


def test_the_board_counts_the_associations_apart(client, orgs, make_proposal, put, make_user):
    _answered(put, orgs, make_user)
    # The AIEM is late on another one; the DDCS answers an association's proposal in time.
    _put(make_proposal, orgs, orgs["aiem"], days_ago=40, due_in=-10, title="Un vestiaire")
    make_proposal(
        title="Des douches",
        theme=orgs["theme"],
        organisation=orgs["secours"],
        institutions=[orgs["ddcs"]],
    )
    html = client.get("/suivi").get_data(as_text=True)
    part = _section(html, "aux-associations")
    assert "Propositions des institutions aux associations" in part
    assert "Restos du cœur" in part and "AIEM prestataire" in part
    assert "Secours populaire" not in part  # put nothing to: not listed
    assert "2 propositions d’institutions adressées à des associations." in part
    assert "1 réponse « Nous nous en saisissons »." in part
    assert "1 réponse d’association en retard." in part
    # The institutions' own tables never call an association an institution.
    for anchor in ("retards", "engagements-en-retard", "par-institution"):
        assert "AIEM prestataire" not in _section(html, anchor)
        assert "Restos du cœur" not in _section(html, anchor)
    assert "Aucune réponse en retard." in _section(html, "retards")
    rows = {r["association"].name: r for r in queries.inversion.association_rows()}
    assert {k: rows["Restos du cœur"][k] for k in ("addressed", "answered", "taken_up")} == {
        "addressed": 1,
        "answered": 1,
        "taken_up": 1,
    }
    assert rows["Restos du cœur"]["commitments_due"] == 1
    assert {k: rows["AIEM prestataire"][k] for k in ("addressed", "awaiting", "overdue")} == {
        "addressed": 2,
        "awaiting": 2,
        "overdue": 1,
    }
    totals = queries.board.totals()
    assert (totals["addressed"], totals["awaiting"], totals["overdue"]) == (1, 0, 0)
    # The Ville's own board: the proposals it put to associations.
    html = client.get(f"/suivi?institution={orgs['ville'].id}").get_data(as_text=True)
    assert "Restos du cœur" in _section(html, "aux-associations")
    html = client.get(f"/suivi?institution={orgs['ddcs'].id}").get_data(as_text=True)
    assert "Aucune proposition d’institution adressée" in _section(html, "aux-associations")


def test_the_board_csv_lists_the_associations(client, orgs, put, make_user):
    _answered(put, orgs, make_user)
    text = client.get("/suivi.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = rows.index(
        [
            "Association sollicitée par une institution",
            "Type",
            "Propositions reçues",
            "Réponses données",
            "Dont « Nous nous en saisissons »",
            "Réponses attendues",
            "Réponses en retard",
            "Engagements à venir",
            "Engagements en retard",
            "Exemple",
        ]
    )
    assert rows[header + 1 :] == [
        ["AIEM prestataire", "Association prestataire", "1", "0", "0", "1", "0", "0", "0", ""],
        ["Restos du cœur", "Association", "1", "1", "1", "0", "0", "1", "0", ""],
    ]
    assert all("Restos du cœur" not in row for row in rows[:header])


def test_the_synthesis_shows_who_took_it_up_and_who_has_not_answered(client, orgs, put, make_user):
    _answered(put, orgs, make_user)
    html = client.get("/bilan").get_data(as_text=True)
    part = html[html.index('id="aux-associations"') :]
    part = part[: part.index("</section>")]
    assert "1 proposition d’institution adressée à des associations sur la période." in part
    assert 'Proposition de <bdi dir="auto">Ville de Metz</bdi> aux associations' in part
    assert (
        '<bdi dir="auto">Restos du cœur</bdi> (Association) : '
        "<strong>Nous nous en saisissons</strong>" in part
    )
    assert (
        '<bdi dir="auto">AIEM prestataire</bdi> (Association prestataire) : réponse attendue'
        in part
    )
    # The institutions' responses by position: none, and no "taken up" among them.
    chart = html[html.index('id="graphique-positions-caption"') :]
    chart = chart[: chart.index("</table>")]
    assert "Nous nous en saisissons" not in chart
    assert "Aucune réponse favorable sur la période." in html
    counts = queries.synthesis.position_counts()
    assert Position.TAKEN_UP not in counts and sum(counts.values()) == 0


# Pages stay at a fixed number of queries.


def _grow(make_proposal, make_organisation, make_user, orgs, n):
    for i in range(n):
        associations = [make_organisation(OrganisationKind.ASSOCIATION) for _ in range(3)]
        proposal = _put(make_proposal, orgs, *associations, title=f"Proposition {i}")
        member = make_user("association_member", organisation=associations[0])
        answer = response_service.publish_response(
            member, proposal, associations[0], position=Position.TAKEN_UP, body="Oui."
        )
        response_service.add_commitment(member, answer, "Agir", date.today() + timedelta(days=9))


def _queries(client, url):
    client.get(url)
    db.session.expire_all()
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.mark.parametrize("url", ["/suivi", "/bilan", "/suivi.csv", "/propositions/{id}"])
def test_pages_do_not_grow_with_proposals_put_to_associations(
    client, orgs, make_proposal, make_organisation, make_user, url
):
    _grow(make_proposal, make_organisation, make_user, orgs, 1)
    first = db.session.scalar(sa.select(Proposal.id).order_by(Proposal.id))
    small = _queries(client, url.format(id=first))
    _grow(make_proposal, make_organisation, make_user, orgs, 25)
    proposal = db.session.get(Proposal, first)
    for org in [make_organisation(OrganisationKind.ASSOCIATION) for _ in range(5)]:
        proposal.addressed.append(AddressedInstitution(institution=org, sent_at=utcnow()))
    db.session.commit()
    assert _queries(client, url.format(id=first)) == small


@pytest.mark.parametrize("bad", ["99999", "9" * 30])
def test_an_unknown_addressee_is_refused_clearly(client, orgs, make_user, bad):
    login(client, make_user("institution_rep", organisation=orgs["ville"]))
    response = client.post(
        "/propositions/nouvelle",
        data={
            "title": "Une permanence le samedi",
            "body": "La ville prête une salle ; une association tient la permanence.",
            "theme_id": orgs["theme"].id,
            "organisation_id": orgs["ville"].id,
            "institution_ids": [orgs["restos"].id, bad],
        },
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Choisissez parmi les organisations de la liste." in page
    assert "La ville prête une salle" in page
    assert _count(Proposal) == 0


def test_the_example_edition_has_one_proposal_put_to_an_association(client):
    from app.services.examples import load_examples

    load_examples()
    put = [p for p in db.session.scalars(sa.select(Proposal)) if p.put_to_associations]
    assert len(put) == 1 and put[0].example and put[0].organisation.example
    [answer] = db.session.scalars(
        sa.select(OfficialResponse).where(OfficialResponse.proposal_id == put[0].id)
    )
    assert answer.position is Position.TAKEN_UP and not answer.institution.is_institution
    page = client.get(f"/propositions/{put[0].id}").get_data(as_text=True)
    assert (
        'Proposition de <bdi dir="auto">Agence fictive des solidarités (exemple)</bdi> '
        "aux associations" in page
    )
    assert 'class="badge example"' in page


def test_a_member_sees_the_page_at_a_fixed_cost(
    client, orgs, make_proposal, make_organisation, make_user
):
    member = make_user("association_member", organisation=orgs["restos"])
    few = _put(make_proposal, orgs, orgs["restos"])
    many = _put(
        make_proposal,
        orgs,
        orgs["restos"],
        *[make_organisation(OrganisationKind.ASSOCIATION) for _ in range(6)],
        title="Une autre",
    )
    login(client, member)
    assert _queries(client, f"/propositions/{few.id}") == _queries(
        client, f"/propositions/{many.id}"
    )
    assert 'Répondre au nom de <bdi dir="auto">Restos du cœur</bdi>' in client.get(
        f"/propositions/{many.id}"
    ).get_data(as_text=True)
