"""Proposals: list and filters, the proposal page, filing, editing, status changes."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Cosignature,
    Event,
    OfficialResponse,
    OrganisationKind,
    Position,
    Proposal,
    ProposalStatus,
    StatedPosition,
    StatusChange,
    Suggestion,
    SuggestionState,
)
from tests.helpers import count_queries


@pytest.fixture
def member(login_as, make_organisation):
    association = make_organisation(OrganisationKind.ASSOCIATION, name="Médecins du Monde")
    return login_as("association_member", organisation=association)


@pytest.fixture
def institution(make_organisation):
    return make_organisation(OrganisationKind.INSTITUTION, name="DDCS de la Moselle")


def _form(member, theme, institution, **changes):
    data = {
        "title": "Ouvrir des bains-douches gratuits",
        "body": "Des bains-douches et des toilettes publiques gratuits en centre-ville.",
        "theme_id": theme.id,
        "organisation_id": member.organisations[0].id,
        "institution_ids": [institution.id],
    }
    data.update(changes)
    return data


def _count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_member_files_a_proposal(client, member, make_theme, institution):
    theme = make_theme("Accès à la santé")
    response = client.post("/propositions/nouvelle", data=_form(member, theme, institution))
    assert response.status_code == 302
    proposal = db.session.scalar(sa.select(Proposal))
    assert proposal.author_id == member.id
    assert proposal.organisation.name == "Médecins du Monde"
    assert [a.institution.name for a in proposal.addressed] == ["DDCS de la Moselle"]
    assert proposal.status is ProposalStatus.SUBMITTED
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ouvrir des bains-douches gratuits" in page
    assert "DDCS de la Moselle" in page
    assert "Proposition déposée" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Donnez un titre à la proposition."),
        ({"title": "abc"}, "Le titre doit faire entre 5 et 200 caractères."),
        ({"body": "trop court"}, "Le texte doit faire entre 20 et 10 000 caractères."),
        ({"theme_id": "999999"}, "un choix valide"),
    ],
)
def test_bad_proposal_keeps_text_and_saves_nothing(
    client, member, make_theme, institution, changes, message
):
    theme = make_theme()
    data = _form(member, theme, institution, **changes)
    data["body"] = changes.get("body", "Texte gardé <b>tel quel</b> après l’erreur, assez long.")
    response = client.post("/propositions/nouvelle", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert "Le formulaire contient des erreurs" in html
    if "body" not in changes:
        assert "Texte gardé &lt;b&gt;tel quel&lt;/b&gt;" in html
    assert _count(Proposal) == 0


def test_a_proposal_names_the_event_it_comes_from(
    client, login_as, make_organisation, make_theme, institution
):
    admin = login_as("admin", organisation=make_organisation(name="Réseau"))
    event = Event(slug="journee-logement", name="Journée logement", held_on=date(2026, 3, 12))
    invented = Event(slug="exemple", name="Journée (exemple)", held_on=date(2026, 3, 1))
    invented.example = True
    db.session.add_all([event, invented])
    db.session.commit()
    form = client.get("/propositions/nouvelle").get_data(as_text=True)
    assert "Journée (exemple)" not in form  # a real proposal never comes from an example
    for bad in (invented.id, 999999):
        data = _form(admin, make_theme(f"Atelier {bad}"), institution, event_choice=bad)
        data["body"] = "Texte gardé après l’erreur, assez long pour passer."
        refused = client.post("/propositions/nouvelle", data=data).get_data(as_text=True)
        assert "un choix valide" in refused and "Texte gardé après l’erreur" in refused
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Proposal)) == 0
    assert "Journée logement (12 mars 2026)" in form
    assert "Aucun : proposée en dehors d’un événement" in form
    data = _form(admin, make_theme(), institution, event_choice=event.id)
    response = client.post("/propositions/nouvelle", data=data)
    assert response.status_code == 302
    proposal = db.session.scalar(sa.select(Proposal))
    assert proposal.event_id == event.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Journée logement" in page

    edit = client.get(f"/propositions/{proposal.id}/modifier").get_data(as_text=True)
    assert re.search(
        rf'<option selected value="{event.id}">|<option value="{event.id}" selected', edit
    )
    data["event_choice"] = 0
    assert client.post(f"/propositions/{proposal.id}/modifier", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).event_id is None


def test_only_coordinators_say_which_event_a_proposal_comes_from(
    client, member, make_theme, institution, make_proposal
):
    event = Event(slug="assises", name="Assises de la solidarité", held_on=date(2015, 4, 30))
    db.session.add(event)
    db.session.commit()
    form = client.get("/propositions/nouvelle").get_data(as_text=True)
    assert 'name="event_choice"' not in form and "Assises de la solidarité" not in form
    data = _form(member, make_theme(), institution, event_choice=event.id)
    assert client.post("/propositions/nouvelle", data=data).status_code == 302
    proposal = db.session.scalar(sa.select(Proposal))
    assert proposal.event_id is None  # the field smuggled in changes nothing
    proposal.event = event
    db.session.commit()
    data["event_choice"] = 0
    assert client.post(f"/propositions/{proposal.id}/modifier", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).event_id == event.id  # kept as it was


def test_member_cannot_file_for_another_association(
    client, member, make_theme, institution, make_organisation
):
    other = make_organisation(OrganisationKind.ASSOCIATION)
    data = _form(member, make_theme(), institution, organisation_id=other.id)
    response = client.post("/propositions/nouvelle", data=data)
    assert response.status_code == 200
    assert _count(Proposal) == 0


def test_edit_keeps_addressed_dates(client, member, make_proposal, institution, make_theme):
    proposal = make_proposal(organisation=member.organisations[0], institutions=[institution])
    proposal.addressed[0].response_due_on = date(2015, 6, 29)
    db.session.commit()
    new_theme = make_theme("Hébergement")
    data = _form(member, new_theme, institution, title="Un titre tout neuf")
    response = client.post(f"/propositions/{proposal.id}/modifier", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    proposal = db.session.get(Proposal, proposal.id)
    assert proposal.title == "Un titre tout neuf"
    assert proposal.theme.name == "Hébergement"
    assert proposal.addressed[0].response_due_on == date(2015, 6, 29)


def test_edit_form_is_prefilled(client, member, make_proposal, institution):
    proposal = make_proposal(organisation=member.organisations[0], institutions=[institution])
    html = client.get(f"/propositions/{proposal.id}/modifier").get_data(as_text=True)
    assert 'value="Ouvrir des bains-douches gratuits"' in html
    checkbox = re.search(r'<input[^>]*name="institution_ids"[^>]*>', html).group(0)
    assert "checked" in checkbox
    assert f'value="{institution.id}"' in checkbox


def test_status_change_appears_on_timeline(client, member, make_proposal):
    proposal = make_proposal(organisation=member.organisations[0])
    response = client.post(
        f"/propositions/{proposal.id}/statut",
        data={"status": "in_discussion", "reason": "Discutée à l’atelier du 4 juin."},
    )
    assert response.status_code == 302
    html = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "Déposée → En discussion" in html
    assert "Discutée à l’atelier du 4 juin." in html
    change = db.session.scalar(sa.select(StatusChange).where(StatusChange.reason != ""))
    assert change.actor_id == member.id
    assert change.from_status is ProposalStatus.SUBMITTED


def test_a_timeline_shows_each_status_change_once_newest_first(
    client, make_proposal, make_organisation
):
    """Status changes and addressed institutions are loaded joined to the proposal, a row
    for each pair: three institutions, three changes, each change still told once."""
    institutions = [make_organisation(OrganisationKind.INSTITUTION) for _ in range(3)]
    proposal = make_proposal(institutions=institutions)
    changes = [
        (ProposalStatus.IN_DISCUSSION, "Discutée à l’atelier."),
        (ProposalStatus.SENT, "Envoyée aux services."),
        (ProposalStatus.ANSWERED, "Réponse reçue en mairie."),
    ]
    for hours, (to_status, reason) in enumerate(changes, start=1):
        later = proposal.created_at + timedelta(hours=hours)
        proposal.status_changes.append(
            StatusChange(to_status=to_status, reason=reason, created_at=later)
        )
    reasons = [reason for _status, reason in changes]
    proposal_id = proposal.id
    db.session.commit()
    db.session.expunge_all()
    html = client.get(f"/propositions/{proposal_id}").get_data(as_text=True)
    assert [html.count(reason) for reason in reasons] == [1, 1, 1]
    newest_first = [html.find(reason) for reason in reversed(reasons)]
    assert newest_first == sorted(newest_first)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "in_discussion", "reason": ""}, "Indiquez la raison du changement."),
        ({"status": "submitted", "reason": "Rien"}, "La proposition a déjà ce statut."),
        ({"status": "bogus", "reason": "Rien"}, "un choix valide"),
    ],
)
def test_bad_status_change_saves_nothing(client, member, make_proposal, data, message):
    proposal = make_proposal(organisation=member.organisations[0])
    response = client.post(f"/propositions/{proposal.id}/statut", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).status is ProposalStatus.SUBMITTED
    assert _count(StatusChange) == 1


def test_list_filters_by_theme_and_status(client, make_proposal, make_theme):
    housing, health = make_theme("Hébergement"), make_theme("Santé")
    make_proposal(title="Bail glissant", theme=housing, status=ProposalStatus.ANSWERED)
    make_proposal(title="Domiciliation", theme=housing, status=ProposalStatus.IN_PROGRESS)
    make_proposal(title="Comité de pilotage PASS", theme=health)
    html = client.get(f"/propositions?atelier={housing.slug}&statut=answered").get_data(
        as_text=True
    )
    assert "Bail glissant" in html
    assert "Domiciliation" not in html
    assert "Comité de pilotage PASS" not in html


@pytest.mark.parametrize(
    ("query", "status"),
    [("?statut=nope", 400), ("?atelier=inconnu", 404), ("?page=abc", 400), ("?page=0", 400)],
)
def test_list_rejects_bad_arguments(client, query, status):
    response = client.get(f"/propositions{query}")
    assert response.status_code == status
    assert "<h1>" in response.get_data(as_text=True)


def test_list_is_paginated(client, make_proposal, make_theme, app):
    theme = make_theme()
    per_page = app.config["PROPOSALS_PER_PAGE"]
    for i in range(per_page + 3):
        make_proposal(title=f"Proposition {i:02d}", theme=theme)
    first = client.get("/propositions").get_data(as_text=True)
    second = client.get("/propositions?page=2").get_data(as_text=True)
    assert first.count('class="card"') == per_page
    assert second.count('class="card"') == 3
    assert "Page suivante" in first
    assert "Page 2 sur 2" in second


def test_user_text_is_escaped(client, make_proposal, make_theme):
    proposal = make_proposal(title="<script>alert(1)</script>", theme=make_theme("<i>x</i>"))
    for url in (f"/propositions/{proposal.id}", "/propositions", "/"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_unknown_proposal_is_404_in_french(client):
    response = client.get("/propositions/424242")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_proposal_page_shows_the_response(client, make_proposal, institution):
    proposal = make_proposal(title="Camp géré type HCR", institutions=[institution])
    db.session.add(
        OfficialResponse(
            proposal=proposal,
            institution=institution,
            position=Position.UNFAVOURABLE,
            body="Avis défavorable de la DDCS.",
        )
    )
    db.session.commit()
    html = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "Avis défavorable de la DDCS." in html
    assert "Changer le statut" not in html  # visitors see no action they cannot take


def test_a_visitor_reading_a_proposal_is_given_no_cookie(client, make_proposal, monkeypatch):
    monkeypatch.setitem(client.application.config, "WTF_CSRF_ENABLED", True)  # as in production
    proposal = make_proposal()
    page = client.get(f"/propositions/{proposal.id}")
    assert page.status_code == 200
    assert "Set-Cookie" not in page.headers


def test_a_visitor_with_a_session_is_not_sent_it_again_on_every_page(client, make_proposal):
    proposal = make_proposal()
    client.get("/propositions?lang=en")  # the language choice is kept in a session
    assert client.get_cookie(client.application.config["SESSION_COOKIE_NAME"]) is not None
    for path in ("/propositions", f"/propositions/{proposal.id}", "/suivi"):
        page = client.get(path)
        assert page.status_code == 200
        assert "Set-Cookie" not in page.headers, path


def test_the_page_reads_positions_cosigners_and_origin_only_when_the_proposal_has_them(
    client, make_proposal, make_organisation, make_user
):
    """Most proposals have no stated position, co-signer or suggestion of origin: their page
    runs no query for them. One that has each shows each."""
    proposal = make_proposal(title="Ouvrir des bains-douches gratuits")
    own_reads = ("SELECT stated_position.", "SELECT cosignature.", "SELECT suggestion.")
    with count_queries() as statements:
        empty = client.get(f"/propositions/{proposal.id}")
    assert empty.status_code == 200
    assert not [s for s in statements if s.lstrip().startswith(own_reads)]
    assert 'Cosignataires <span class="count">(0)</span>' in empty.get_data(as_text=True)

    city = make_organisation(OrganisationKind.INSTITUTION, name="Ville de Metz")
    cosigner = make_organisation(OrganisationKind.ASSOCIATION, name="Le Secours du Coin")
    db.session.add_all(
        [
            StatedPosition(proposal=proposal, institution=city, words="Nous y travaillons."),
            Cosignature(proposal=proposal, organisation=cosigner),
            Suggestion(
                author=make_user("participant", pseudonym="Samira57"),
                title="Des douches",
                body="Des douches gratuites en ville, ouvertes le matin.",
                state=SuggestionState.TAKEN_UP,
                proposal=proposal,
            ),
        ]
    )
    db.session.commit()
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "Nous y travaillons." in page and ">Ville de Metz<" in page
    assert 'Cosignataires <span class="count">(1)</span>' in page
    assert ">Le Secours du Coin<" in page
    assert "Suggérée par" in page and "Samira57" in page
