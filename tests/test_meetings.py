"""Meetings: lists, organising, changing and cancelling, registration with places, the
people registered told of changes, iCalendar files, the API; escaped text, fixed query counts."""

import re
from datetime import date, datetime, timedelta

import icalendar
import pytest
import sqlalchemy as sa

from app.calendar import meetings_calendar
from app.extensions import db
from app.models import (
    Meeting,
    MeetingKind,
    MeetingRegistration,
    Minutes,
    MinutesState,
    MinutesVersion,
    Notification,
    NotificationKind,
    OrganisationKind,
    OutboxEmail,
    Role,
    meeting_proposal,
    utcnow,
)
from app.services import PermissionDenied, ServiceError
from app.services import meetings as service
from app.services.demo import load_demo
from tests.conftest import login
from tests.helpers import count_queries
from tests.test_contribution_safety import assert_inert

YEAR = date.today().year + 2
SUMMER = date(YEAR, 6, 3)  # Paris is UTC+2
WINTER = date(YEAR, 1, 15)  # Paris is UTC+1
# The last Sunday of March: 02:00 to 03:00 does not exist in Paris.
SPRING_FORWARD = max(date(YEAR, 3, d) for d in range(25, 32) if date(YEAR, 3, d).weekday() == 6)


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@pytest.fixture
def make_meeting(db):
    def make(title="Réunion du groupe santé", days=10, **fields):
        starts_at = (utcnow() + timedelta(days=days)).replace(microsecond=0)
        values = {
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=2),
            "place_name": "Médecins du Monde",
            "address": "12 b rue d’Annecy, 57070 Metz",
            "agenda": "1. Tour de table",
            **fields,
        }
        meeting = Meeting(title=title, **values)
        db.session.add(meeting)
        db.session.commit()
        return meeting

    return make


def _register(meeting, *users):
    for user in users:
        db.session.add(MeetingRegistration(meeting_id=meeting.id, user_id=user.id))
    db.session.commit()


def _form(**changes) -> dict:
    data = {
        "kind": "working_group",
        "title": "Groupe accès à la santé",
        "theme_id": "0",
        "host_id": "0",
        "day": SUMMER.isoformat(),
        "starts": "09:00",
        "ends": "11:00",
        "place_name": "Maison diocésaine de la solidarité",
        "address": "6 bd Paixhans, 57000 Metz",
        "agenda": "1. Plateforme médico-sociale\n2. PASS",
        "description": "",
        "is_public": "y",
        "capacity": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# Lists


def test_upcoming_and_past_lists(client, make_meeting):
    make_meeting("Réunion à venir", days=5)
    make_meeting("Réunion passée", days=-5)
    html = client.get("/reunions/").get_data(as_text=True)
    upcoming, past = html.split('id="passees"')
    assert "Réunion à venir" in upcoming and "Réunion passée" not in upcoming
    assert "Réunion passée" in past


def test_lists_by_workshop_and_kind(client, make_meeting, make_theme):
    health, culture = make_theme("Accès à la santé"), make_theme("Culture")
    make_meeting("Groupe santé", theme=health)
    make_meeting("Atelier des médiateurs", theme=culture, days=-3)
    make_meeting("Journée des usagers", kind=MeetingKind.THEMATIC_DAY)
    html = client.get(f"/reunions/?atelier={health.slug}").get_data(as_text=True)
    assert "Groupe santé" in html
    assert "Atelier des médiateurs" not in html and "Journée des usagers" not in html
    html = client.get(f"/reunions/?atelier={culture.slug}").get_data(as_text=True)
    assert "Atelier des médiateurs" in html.split('id="passees"')[1]
    html = client.get("/reunions/?type=thematic_day").get_data(as_text=True)
    assert "Journée des usagers" in html and "Groupe santé" not in html
    assert client.get("/reunions/?atelier=inconnu").status_code == 404
    assert client.get("/reunions/?type=fete").status_code == 400


def test_workshop_page_lists_its_upcoming_meetings(client, make_meeting, make_theme):
    health, other = make_theme("Accès à la santé"), make_theme("Hébergement")
    make_meeting("Prochain groupe santé", theme=health)
    make_meeting("Ancien groupe santé", theme=health, days=-10)
    make_meeting("Groupe hébergement", theme=other)
    html = client.get(f"/ateliers/{health.slug}").get_data(as_text=True)
    assert "Prochain groupe santé" in html
    assert "Ancien groupe santé" not in html and "Groupe hébergement" not in html


def test_meeting_page(client, make_meeting, make_theme, make_proposal, make_organisation):
    theme = make_theme("Accès à la santé")
    pass_committee = make_proposal(title="Un comité de pilotage de la PASS", theme=theme)
    host = make_organisation(name="Médecins du Monde")
    meeting = make_meeting(theme=theme, host=host, capacity=12, agenda="1. PASS\n2. Bains douches")
    meeting.proposals.append(pass_committee)
    db.session.commit()
    html = client.get(f"/reunions/{meeting.id}").get_data(as_text=True)
    assert "1. PASS\n2. Bains douches" in html
    assert f'href="/propositions/{pass_committee.id}"' in html
    assert "Médecins du Monde" in html and "12 b rue d’Annecy" in html
    assert "Personne n’est encore inscrit." in html and "12 places restantes" in html
    assert "Connectez-vous pour vous inscrire" in html
    assert f'href="/reunions/{meeting.id}.ics"' in html
    assert client.get("/reunions/999999").status_code == 404


def test_members_only_meeting_is_shown_and_marked(client, make_meeting, login_as):
    meeting = make_meeting("Groupe interne", is_public=False)
    html = client.get(f"/reunions/{meeting.id}").get_data(as_text=True)
    assert "Groupe interne" in html and "Médecins du Monde" in html
    assert "Réservée aux membres des associations du réseau" in html
    assert "Réservée aux membres" in client.get("/reunions/").get_data(as_text=True)
    login_as("participant")
    html = client.get(f"/reunions/{meeting.id}").get_data(as_text=True)
    assert "M’inscrire" not in html
    assert client.post(f"/reunions/{meeting.id}/inscription").status_code == 403
    assert _count(MeetingRegistration) == 0


# Organising


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("visitor", 302),
        ("participant", 403),
        ("institution_rep", 403),
        ("association_member", 302),
        ("moderator", 302),
        ("admin", 302),
    ],
)
def test_who_organises(client, login_as, role, status):
    if role != "visitor":
        login_as(role)
    shown = {"visitor": 302, "participant": 403, "institution_rep": 403}.get(role, 200)
    assert client.get("/reunions/nouvelle").status_code == shown
    response = client.post("/reunions/nouvelle", data=_form())
    assert response.status_code == status
    assert _count(Meeting) == (1 if status == 302 and role != "visitor" else 0)
    if role == "visitor":
        assert "/compte/connexion" in response.headers["Location"]


def test_create_in_paris_time(client, login_as, make_theme, make_proposal):
    member = login_as("association_member")
    theme = make_theme("Accès à la santé")
    pass_committee = make_proposal(title="Un comité de pilotage de la PASS", theme=theme)
    form = _form(theme_id=str(theme.id), proposal_ids=[str(pass_committee.id)], capacity="15")
    form["host_id"] = str(member.organisations[0].id)
    response = client.post("/reunions/nouvelle", data=form)
    meeting = db.session.scalar(sa.select(Meeting))
    assert response.headers["Location"].endswith(f"/reunions/{meeting.id}")
    assert meeting.starts_at == datetime(YEAR, 6, 3, 7, 0)  # 09:00 in Paris, in summer
    assert meeting.ends_at == datetime(YEAR, 6, 3, 9, 0)
    assert (meeting.theme_id, meeting.host_id, meeting.capacity) == (
        theme.id,
        member.organisations[0].id,
        15,
    )
    assert meeting.created_by_id == member.id
    assert [p.id for p in meeting.proposals] == [pass_committee.id]
    assert meeting.agenda == "1. Plateforme médico-sociale\n2. PASS"
    client.post("/reunions/nouvelle", data=_form(day=WINTER.isoformat(), title="En hiver"))
    winter = db.session.scalar(sa.select(Meeting).where(Meeting.title == "En hiver"))
    assert winter.starts_at == datetime(YEAR, 1, 15, 8, 0)  # 09:00 in Paris, in winter


def test_workshop_preselected_and_its_proposals_offered(
    client, login_as, make_theme, make_proposal
):
    login_as("association_member")
    theme, other = make_theme("Accès à la santé"), make_theme("Culture")
    make_proposal(title="Un comité de pilotage de la PASS", theme=theme)
    make_proposal(title="Développer les médiateurs culturels", theme=other)
    html = client.get(f"/reunions/nouvelle?atelier={theme.slug}").get_data(as_text=True)
    assert f'<option selected value="{theme.id}">' in html
    assert "Un comité de pilotage de la PASS" in html
    assert "Développer les médiateurs culturels" not in html


def test_the_newest_proposals_are_offered_and_those_ticked_kept(
    client, login_as, make_theme, make_proposal, monkeypatch
):
    """A workshop of thousands of proposals: the form lists the newest, and a proposal
    ticked among them stays offered (and saved) once newer ones pushed it out."""
    monkeypatch.setattr("app.queries.proposals.PROPOSALS_OFFERED", 2)
    member = login_as("association_member")
    theme = make_theme("Accès à la santé")
    oldest, older = (make_proposal(title=t, theme=theme) for t in ("La plus ancienne", "Avant"))
    newer = make_proposal(title="Un comité de pilotage de la PASS", theme=theme)
    html = client.get(f"/reunions/nouvelle?atelier={theme.slug}").get_data(as_text=True)
    assert "Avant" in html and "Un comité de pilotage de la PASS" in html
    assert "La plus ancienne" not in html
    make_proposal(title="Plus récente", theme=theme)
    form = _form(theme_id=str(theme.id), proposal_ids=[str(older.id), str(newer.id)])
    form["host_id"] = str(member.organisations[0].id)
    assert client.post("/reunions/nouvelle", data=form).status_code == 302
    meeting = db.session.scalar(sa.select(Meeting))
    assert {p.id for p in meeting.proposals} == {older.id, newer.id}
    html = client.get(f"/reunions/{meeting.id}/modifier").get_data(as_text=True)
    assert "Avant" in html and oldest.title not in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Donnez un titre à la réunion."),
        ({"day": ""}, "Indiquez la date."),
        ({"day": "31/02/2030"}, "Indiquez une date valide"),
        ({"starts": "9h"}, "Indiquez une heure valide"),
        ({"ends": "08:30"}, "La fin doit être après le début."),
        ({"ends": "09:00"}, "La fin doit être après le début."),
        ({"capacity": "0"}, "Au moins 1 place."),
        ({"capacity": "-3"}, "Au moins 1 place."),
        ({"capacity": "beaucoup"}, "Nombre de places"),
        ({"place_name": ""}, "Indiquez le lieu."),
        ({"kind": "fete"}, "Type de réunion"),
        ({"theme_id": "999999"}, "Atelier"),
        ({"day": SPRING_FORWARD.isoformat(), "starts": "02:30"}, "Cette heure n’existe pas"),
        ("other-workshop", "Choisissez des propositions de l’atelier de la réunion."),
    ],
)
def test_bad_meeting_saves_nothing_and_keeps_the_text(
    client, login_as, make_theme, make_proposal, changes, message
):
    login_as("association_member")
    theme, other = make_theme("Accès à la santé"), make_theme("Culture")
    foreign = make_proposal(title="Une proposition de la culture", theme=other)
    if changes == "other-workshop":
        changes = {"theme_id": str(theme.id), "proposal_ids": [str(foreign.id)]}
    form = _form(**{"title": "Groupe <santé> du réseau", "agenda": "Un ordre du jour à garder"})
    form.update(changes)
    response = client.post("/reunions/nouvelle", data=form)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert "Un ordre du jour à garder" in html
    if form.get("title"):
        assert "Groupe &lt;santé&gt; du réseau" in html
    assert _count(Meeting) == 0


# The host and the secretary


def test_the_form_names_the_secretary_among_the_host_members(client, make_user, make_organisation):
    host = make_organisation(name="Médecins du Monde")
    organiser = make_user("association_member", organisation=host, pseudonym="Nadia")
    colleague = make_user("association_member", organisation=host, pseudonym="Bruno")
    make_user("participant", organisation=host, pseudonym="Ancien membre")  # demoted
    make_user("association_member", organisation=host, pseudonym="Bloqué", active=False)
    make_user("association_member", pseudonym="Ailleurs")  # another association
    login(client, organiser)
    html = client.get("/reunions/nouvelle").get_data(as_text=True)
    secretary_select = html.split('name="secretary_id"')[1].split("</select>")[0]
    options = re.findall(r"<option[^>]*>([^<]*)</option>", secretary_select)
    assert options == ["Bruno", "Nadia"]
    assert f'<option selected value="{organiser.id}">Nadia' in secretary_select  # the creator
    form = _form(host_id=str(host.id), secretary_id=str(colleague.id))
    assert client.post("/reunions/nouvelle", data=form).status_code == 302
    meeting = db.session.scalar(sa.select(Meeting))
    assert (meeting.host_id, meeting.secretary_id, meeting.created_by_id) == (
        host.id,
        colleague.id,
        organiser.id,
    )


def test_the_creator_is_secretary_unless_another_is_named(client, make_organisation, make_user):
    host = make_organisation()
    organiser = make_user("association_member", organisation=host)
    login(client, organiser)
    assert client.post("/reunions/nouvelle", data=_form(host_id=str(host.id))).status_code == 302
    assert client.post("/reunions/nouvelle", data=_form(title="Sans hôte")).status_code == 302
    meetings = db.session.scalars(sa.select(Meeting).order_by(Meeting.id)).all()
    assert [m.secretary_id for m in meetings] == [organiser.id, organiser.id]


@pytest.mark.parametrize("who", ["outsider", "participant", "blocked", "unknown", "huge"])
def test_a_secretary_from_outside_the_host_is_refused(client, make_organisation, make_user, who):
    host = make_organisation()
    organiser = make_user("association_member", organisation=host)
    secretary_id = {
        "outsider": lambda: make_user("association_member").id,
        "participant": lambda: make_user("participant", organisation=host).id,
        "blocked": lambda: make_user("association_member", organisation=host, active=False).id,
        "unknown": lambda: 999999,
        "huge": lambda: 99999999999999999999,
    }[who]()
    login(client, organiser)
    form = _form(host_id=str(host.id), secretary_id=str(secretary_id), agenda="Un ordre à garder")
    response = client.post("/reunions/nouvelle", data=form)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Choisissez comme secrétaire un membre de l’association qui accueille." in html
    assert "Un ordre à garder" in html
    assert _count(Meeting) == 0
    without_host = _form(secretary_id=str(secretary_id))
    response = client.post("/reunions/nouvelle", data=without_host)
    assert "la personne qui organise est secrétaire" in response.get_data(as_text=True)
    assert _count(Meeting) == 0


def test_the_host_members_change_the_secretary(client, make_meeting, make_user, make_organisation):
    meeting, creator, host = _world(make_meeting, make_user, make_organisation)
    member = make_user("association_member", organisation=host)
    login(client, member)
    html = client.get(f"/reunions/{meeting.id}/modifier").get_data(as_text=True)
    assert f'<option selected value="{creator.id}">' in html
    form = _form(host_id=str(host.id), secretary_id=str(member.id))
    assert client.post(f"/reunions/{meeting.id}/modifier", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).secretary_id == member.id
    outsider = make_user("association_member")
    form = _form(host_id=str(host.id), secretary_id=str(outsider.id), title="Changée")
    response = client.post(f"/reunions/{meeting.id}/modifier", data=form)
    assert "Choisissez comme secrétaire un membre" in response.get_data(as_text=True)
    db.session.expire_all()
    changed = db.session.get(Meeting, meeting.id)
    assert (changed.secretary_id, changed.title) == (member.id, "Groupe accès à la santé")


def test_a_meeting_is_hosted_by_one_of_ones_associations(client, make_organisation, make_user):
    mine, theirs = make_organisation(name="Mon association"), make_organisation(name="Autre")
    institution = make_organisation(OrganisationKind.INSTITUTION, name="Préfecture")
    organiser = make_user("association_member", organisation=mine)
    login(client, organiser)
    html = client.get("/reunions/nouvelle").get_data(as_text=True)
    assert "Mon association" in html and "Autre" not in html and "Préfecture" not in html
    for host in (theirs, institution):
        form = _form(host_id=str(host.id), title="Chez les autres")
        response = client.post("/reunions/nouvelle", data=form)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "Choisissez une association dont vous êtes membre." in html
        assert "Chez les autres" in html
    assert _count(Meeting) == 0


def test_an_admin_names_any_association_as_host(client, make_organisation, make_user):
    host = make_organisation(name="Fondation Abbé Pierre")
    secretary = make_user("association_member", organisation=host)
    login(client, make_user("admin"))
    html = client.get("/reunions/nouvelle").get_data(as_text=True)
    assert "Fondation Abbé Pierre" in html
    form = _form(host_id=str(host.id), secretary_id=str(secretary.id))
    assert client.post("/reunions/nouvelle", data=form).status_code == 302
    meeting = db.session.scalar(sa.select(Meeting))
    assert (meeting.host_id, meeting.secretary_id) == (host.id, secretary.id)


def test_an_edit_cannot_move_the_meeting_to_another_association(
    client, make_meeting, make_user, make_organisation
):
    meeting, creator, host = _world(make_meeting, make_user, make_organisation)
    theirs = make_organisation(name="Autre")
    login(client, creator)
    form = _form(host_id=str(theirs.id), secretary_id=str(creator.id))
    response = client.post(f"/reunions/{meeting.id}/modifier", data=form)
    assert "Choisissez une association dont vous êtes membre." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).host_id == host.id


def test_the_service_refuses_a_foreign_host_and_an_outside_secretary(
    app, make_organisation, make_user
):
    mine, theirs = make_organisation(), make_organisation()
    organiser = make_user("association_member", organisation=mine)
    outsider = make_user("association_member", organisation=theirs)
    starts_at = utcnow() + timedelta(days=3)

    def details(host, secretary):
        return service.MeetingDetails(
            kind=MeetingKind.WORKING_GROUP,
            title="Réunion",
            theme=None,
            host=host,
            secretary=secretary,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            place_name="Salle",
            address="",
            agenda="",
            description="",
            is_public=True,
            capacity=None,
            proposals=[],
        )

    with pytest.raises(PermissionDenied):
        service.create_meeting(organiser, details(theirs, outsider))
    for host, secretary in ((mine, outsider), (None, outsider), (mine, None)):
        with pytest.raises(ServiceError):
            service.create_meeting(organiser, details(host, secretary))
    db.session.rollback()
    assert _count(Meeting) == 0
    service.create_meeting(make_user("admin"), details(theirs, outsider))
    assert _count(Meeting) == 1


def _world(make_meeting, make_user, make_organisation):
    host = make_organisation(name="Fondation Abbé Pierre")
    creator = make_user("association_member", organisation=host)
    meeting = make_meeting(host=host, created_by_id=creator.id, secretary=creator)
    return meeting, creator, host


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("visitor", None),
        ("participant", False),
        ("institution_rep", False),
        ("other_member", False),
        ("moderator", False),
        ("creator", True),
        ("host_member", True),
        ("admin", True),
        ("demoted_creator", False),
    ],
)
def test_who_edits_and_cancels(client, make_meeting, make_user, make_organisation, who, allowed):
    meeting, creator, host = _world(make_meeting, make_user, make_organisation)
    user = {
        "visitor": None,
        "creator": creator,
        "host_member": lambda: make_user("association_member", organisation=host),
        "other_member": lambda: make_user("association_member"),
        "demoted_creator": creator,
    }.get(who, lambda: make_user(who))
    user = user() if callable(user) else user
    if who == "demoted_creator":
        creator.role = Role.PARTICIPANT
        db.session.commit()
    if user is not None:
        login(client, user)
    expected = {None: 302, False: 403, True: 200}[allowed]
    assert client.get(f"/reunions/{meeting.id}/modifier").status_code == expected
    assert client.get(f"/reunions/{meeting.id}/annuler").status_code == expected
    form = _form(title="Changée", host_id=str(host.id))
    response = client.post(f"/reunions/{meeting.id}/modifier", data=form)
    assert response.status_code == (302 if allowed is not False else 403)
    db.session.expire_all()
    assert (db.session.get(Meeting, meeting.id).title == "Changée") is bool(allowed)
    html = client.get(f"/reunions/{meeting.id}").get_data(as_text=True)
    assert ("Modifier la réunion" in html) is bool(allowed)
    assert ("Annuler la réunion" in html) is bool(allowed)
    response = client.post(f"/reunions/{meeting.id}/annuler", data={"reason": "Salle indisponible"})
    assert response.status_code == (302 if allowed is not False else 403)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).is_cancelled is bool(allowed)


def test_cancel_needs_a_reason_and_stays_listed(client, make_meeting, login_as):
    meeting = make_meeting("Groupe culture")
    login_as("admin")
    response = client.post(f"/reunions/{meeting.id}/annuler", data={"reason": "  "})
    assert "Indiquez pourquoi la réunion est annulée." in response.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Meeting, meeting.id).is_cancelled
    client.post(f"/reunions/{meeting.id}/annuler", data={"reason": "La salle n’est pas libre."})
    listed = client.get("/reunions/").get_data(as_text=True)
    assert "Groupe culture" in listed and "Annulée" in listed
    page = client.get(f"/reunions/{meeting.id}").get_data(as_text=True)
    assert "Cette réunion est annulée." in page and "La salle n’est pas libre." in page
    # A cancelled meeting is neither changed nor cancelled again.
    assert client.get(f"/reunions/{meeting.id}/modifier").status_code == 403
    assert client.post(f"/reunions/{meeting.id}/annuler", data={"reason": "x"}).status_code == 403


def test_a_past_meeting_is_corrected_not_cancelled(client, make_meeting, login_as):
    meeting = make_meeting(days=-2)
    login_as("admin")
    assert client.get(f"/reunions/{meeting.id}/modifier").status_code == 200
    assert client.post(f"/reunions/{meeting.id}/annuler", data={"reason": "x"}).status_code == 403


def test_capacity_not_below_people_registered(client, make_meeting, make_user, login_as):
    meeting = make_meeting(capacity=5)
    _register(meeting, make_user(), make_user(), make_user())
    login_as("admin")
    response = client.post(f"/reunions/{meeting.id}/modifier", data=_form(capacity="2"))
    assert "3 personnes sont déjà inscrites" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).capacity == 5


# Registration


def test_register_and_unregister(client, make_meeting, login_as):
    meeting = make_meeting(capacity=10)
    user = login_as("participant")
    response = client.post(f"/reunions/{meeting.id}/inscription")
    assert response.status_code == 302
    client.post(f"/reunions/{meeting.id}/inscription")  # twice: still once
    assert _count(MeetingRegistration, MeetingRegistration.user_id == user.id) == 1
    html = client.get(f"/reunions/{meeting.id}").get_data(as_text=True)
    assert "Vous êtes inscrit·e." in html and "1 personne inscrite" in html
    assert "9 places restantes" in html
    client.post(f"/reunions/{meeting.id}/desinscription")
    assert _count(MeetingRegistration) == 0
    response = client.post(f"/reunions/{meeting.id}/desinscription", follow_redirects=True)
    assert "Vous n’étiez pas inscrit·e à cette réunion." in response.get_data(as_text=True)


def test_full_meeting_refuses(client, app, make_meeting, make_user, login_as):
    meeting = make_meeting(capacity=1)
    _register(meeting, make_user())
    login_as("participant")
    assert "Complet" in client.get("/reunions/").get_data(as_text=True)
    response = client.post(f"/reunions/{meeting.id}/inscription", follow_redirects=True)
    assert "Cette réunion est complète." in response.get_data(as_text=True)
    assert _count(MeetingRegistration) == 1


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ({"cancelled_at": datetime(2030, 1, 1), "cancel_reason": "x"}, "est annulée"),
        ({"days": -1}, "a déjà eu lieu"),
    ],
)
def test_cancelled_or_past_meeting_refuses(client, make_meeting, login_as, state, message):
    meeting = make_meeting(**state)
    login_as("participant")
    response = client.post(f"/reunions/{meeting.id}/inscription", follow_redirects=True)
    assert message in response.get_data(as_text=True)
    assert _count(MeetingRegistration) == 0


def test_registration_needs_an_account(client, make_meeting):
    meeting = make_meeting()
    for action in ("inscription", "desinscription"):
        response = client.post(f"/reunions/{meeting.id}/{action}")
        assert response.status_code == 302
        assert "/compte/connexion" in response.headers["Location"]
    assert client.post("/reunions/999999/inscription").status_code in (302, 404)
    assert _count(MeetingRegistration) == 0


def test_unknown_meeting_is_404(client, login_as):
    login_as("admin")
    for url in ("/reunions/999999/inscription", "/reunions/999999/desinscription"):
        assert client.post(url).status_code == 404
    for url in ("/reunions/999999/modifier", "/reunions/999999/annuler", "/reunions/999999.ics"):
        assert client.get(url).status_code == 404


# Notifications


def _notes(kind):
    return db.session.scalars(
        sa.select(Notification).where(Notification.kind == kind).order_by(Notification.user_id)
    ).all()


def test_people_registered_hear_of_a_change(client, make_meeting, make_user):
    admin = make_user("admin")
    first, second, away = make_user(), make_user(), make_user()
    meeting = make_meeting("Groupe santé", days=20)
    _register(meeting, first, second, admin)
    login(client, admin)
    starts = meeting.starts_at.replace(tzinfo=None)
    form = _form(title="Groupe santé", day=SUMMER.isoformat(), starts="14:00", ends="16:00")
    client.post(f"/reunions/{meeting.id}/modifier", data=form)
    notes = _notes(NotificationKind.MEETING_CHANGED)
    assert [n.user_id for n in notes] == [first.id, second.id]  # not the editor, not `away`
    data = notes[0].data
    assert (data["meeting_id"], data["title"]) == (meeting.id, "Groupe santé")
    fields = {change["field"]: change for change in data["changes"]}
    assert set(fields) == {"starts_at", "ends_at", "place_name", "address"}
    assert fields["starts_at"]["before"] == starts.isoformat()
    assert fields["starts_at"]["after"] == datetime(YEAR, 6, 3, 12, 0).isoformat()
    assert fields["place_name"]["after"] == "Maison diocésaine de la solidarité"
    emails = db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)).all()
    assert [e.to_address for e in emails] == [first.email, second.email]
    assert "14:00" in emails[0].body and "Maison diocésaine de la solidarité" in emails[0].body
    assert f"/reunions/{meeting.id}" in emails[0].body
    client.post("/compte/deconnexion")
    login(client, first)
    page = client.get("/notifications/").get_data(as_text=True)
    assert 'La réunion « <bdi dir="auto">Groupe santé</bdi> » a changé' in page and "14:00" in page
    assert away.id not in {n.user_id for n in _notes(NotificationKind.MEETING_CHANGED)}


def test_no_notification_for_an_edit_that_moves_nothing(client, make_meeting, make_user):
    admin, person = make_user("admin"), make_user()
    login(client, admin)
    client.post("/reunions/nouvelle", data=_form())
    meeting = db.session.scalar(sa.select(Meeting))
    _register(meeting, person)
    form = _form(title="Un autre titre", agenda="Un autre ordre du jour", capacity="30")
    client.post(f"/reunions/{meeting.id}/modifier", data=form)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).agenda == "Un autre ordre du jour"
    assert _count(Notification) == 0 and _count(OutboxEmail) == 0


def test_people_registered_hear_of_a_cancellation(client, make_meeting, make_user):
    member, person = make_user("association_member"), make_user()
    meeting = make_meeting("Groupe culture", host=member.organisations[0])
    _register(meeting, person, member)
    login(client, member)
    client.post(f"/reunions/{meeting.id}/annuler", data={"reason": "La salle n’est pas libre."})
    [note] = _notes(NotificationKind.MEETING_CANCELLED)
    assert note.user_id == person.id
    assert note.data == {
        "meeting_id": meeting.id,
        "title": "Groupe culture",
        "reason": "La salle n’est pas libre.",
    }
    [email] = db.session.scalars(sa.select(OutboxEmail)).all()
    assert "est annulée" in email.body and "La salle n’est pas libre." in email.body
    client.post("/compte/deconnexion")
    login(client, person)
    page = client.get("/notifications/").get_data(as_text=True)
    assert 'La réunion « <bdi dir="auto">Groupe culture</bdi> » est annulée.' in page


def test_demo_meetings_take_up_their_workshops_proposals(app):
    load_demo()
    meetings = db.session.scalars(sa.select(Meeting).order_by(Meeting.starts_at)).all()
    directory, health, culture = meetings
    assert directory.proposals == []
    assert all(m.agenda == "" for m in meetings)  # the source gives none
    assert [p.title for p in health.proposals][:3] == [
        "Une plateforme d’accueil médico-sociale des publics fragiles en centre-ville",
        "Contrat local de santé mentale : réactiver l’équipe mobile et créer des lits halte "
        "soins santé",
        "Un comité de pilotage de la PASS",
    ]
    assert len(health.proposals) == 5 and len(culture.proposals) == 8
    assert all(p.theme_id == health.theme_id for p in health.proposals)
    links = _count(meeting_proposal)
    load_demo()
    assert _count(meeting_proposal) == links == 13


# iCalendar


def _calendar(client, url) -> icalendar.Calendar:
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.data)


def _events(calendar) -> dict[str, icalendar.Event]:
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def test_network_calendar_of_the_june_2015_meetings(client, app):
    load_demo()
    response = client.get("/reunions.ics")
    raw = response.get_data(as_text=True)
    calendar = icalendar.Calendar.from_ical(response.data)
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Paris"
    assert {c.name for c in zone.subcomponents} == {"DAYLIGHT", "STANDARD"}
    events = _events(calendar)
    starts = {
        title: event.decoded("dtstart").strftime("%Y-%m-%d %H:%M %Z")
        for title, event in events.items()
    }
    assert starts == {
        "Réunion du groupe annuaire": "2015-06-03 09:00 CEST",
        "Réunion du groupe « accès à la santé »": "2015-06-04 14:00 CEST",
        "Réunion du groupe « accès à la culture et à l’insertion »": "2015-06-25 14:30 CEST",
    }
    assert "DTSTART;TZID=Europe/Paris:20150603T090000" in raw
    assert "DTEND" not in raw  # the review gives no end time: none is invented
    health = events["Réunion du groupe « accès à la santé »"]
    assert str(health["location"]) == "Médecins du Monde, 12 b rue d’Annecy, Metz Bellecroix"
    assert "Un comité de pilotage de la PASS" in str(health["description"])
    assert str(health["status"]) == "CONFIRMED"
    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.title.contains("santé")))
    assert str(health["uid"]) == f"meeting-{meeting.id}@voix-solidaires.fr"
    assert str(health["url"]).endswith(f"/reunions/{meeting.id}")
    assert health.decoded("dtstamp").tzinfo is not None
    second = client.get("/reunions.ics")
    assert second.data == response.data  # same UIDs, same stamps: nothing changed
    etag = response.headers["ETag"]
    assert client.get("/reunions.ics", headers={"If-None-Match": etag}).status_code == 304


def test_meeting_and_workshop_calendars(client, make_meeting, make_theme):
    health, other = make_theme("Accès à la santé"), make_theme("Culture")
    mine = make_meeting("Groupe santé", theme=health)
    make_meeting("Groupe culture", theme=other)
    events = _events(_calendar(client, f"/ateliers/{health.slug}/reunions.ics"))
    assert list(events) == ["Groupe santé"]
    events = _events(_calendar(client, f"/reunions/{mine.id}.ics"))
    assert list(events) == ["Groupe santé"]
    assert client.get("/ateliers/inconnu/reunions.ics").status_code == 404
    assert len(_events(_calendar(client, "/reunions.ics"))) == 2


def test_calendar_follows_changes_and_cancellation(client, make_meeting, login_as):
    meeting = make_meeting("Groupe santé")
    url = f"/reunions/{meeting.id}.ics"
    before = _events(_calendar(client, url))["Groupe santé"]
    login_as("admin")
    client.post(
        f"/reunions/{meeting.id}/modifier",
        data=_form(title="Groupe santé", starts="14:30", ends="16:30"),
    )
    after = _events(_calendar(client, url))["Groupe santé"]
    assert after["uid"] == before["uid"]
    assert int(after["sequence"]) > int(before["sequence"])
    assert after.decoded("dtstart").strftime("%H:%M") == "14:30"
    client.post(f"/reunions/{meeting.id}/annuler", data={"reason": "Grève des transports"})
    [cancelled] = _calendar(client, url).walk("VEVENT")
    assert str(cancelled["status"]) == "CANCELLED"
    assert cancelled["uid"] == before["uid"]
    assert int(cancelled["sequence"]) > int(after["sequence"])
    assert "Grève des transports" in str(cancelled["description"])


def test_pages_link_to_the_calendars(client, make_meeting, make_theme):
    theme = make_theme()
    meeting = make_meeting(theme=theme)
    assert 'href="/reunions.ics"' in client.get("/reunions/").get_data(as_text=True)
    html = client.get(f"/reunions/?atelier={theme.slug}").get_data(as_text=True)
    assert f'href="/ateliers/{theme.slug}/reunions.ics"' in html
    html = client.get(f"/reunions/{meeting.id}").get_data(as_text=True)
    assert "Ajouter à mon agenda" in html
    assert f'href="webcal://voix.test/reunions/{meeting.id}.ics"' in html


# API


def test_api_lists_upcoming_and_past(client, app, make_meeting, make_theme):
    theme = make_theme("Accès à la santé")
    soon = make_meeting("Bientôt", days=2, theme=theme, capacity=20)
    later = make_meeting("Plus tard", days=9)
    past = make_meeting("Passée", days=-9)
    data = client.get("/api/v1/meetings").get_json()
    assert [item["id"] for item in data["items"]] == [soon.id, later.id]
    assert data["next_cursor"] is None
    item = data["items"][0]
    assert set(item) == {
        "id",
        "kind",
        "title",
        "theme",
        "starts_at",
        "ends_at",
        "place",
        "host",
        "is_public",
        "capacity",
        "cancelled",
        "cancelled_at",
        "cancel_reason",
        "url",
        "ics_url",
        "example",
        "languages",
    }
    assert (item["theme"], item["kind"], item["capacity"]) == (theme.slug, "working_group", 20)
    assert item["starts_at"] == soon.starts_at.isoformat() + "Z"
    assert item["place"] == {
        "name": "Médecins du Monde",
        "address": "12 b rue d’Annecy, 57070 Metz",
    }
    assert item["ics_url"].endswith(f"/reunions/{soon.id}.ics")
    past_items = client.get("/api/v1/meetings?when=past").get_json()["items"]
    assert [i["id"] for i in past_items] == [past.id]
    themed = client.get(f"/api/v1/meetings?theme={theme.slug}").get_json()["items"]
    assert [i["id"] for i in themed] == [soon.id]
    assert client.get("/api/v1/meetings?when=demain").status_code == 400
    assert client.get("/api/v1/meetings?cursor=%%%").status_code == 400
    assert client.get("/api/v1/meetings?theme=inconnu").status_code == 404


@pytest.mark.parametrize("when", ["upcoming", "past"])
def test_api_cursor_walks_every_meeting(client, app, make_meeting, when):
    app.config["API_PAGE_SIZE"] = 3
    sign = 1 if when == "upcoming" else -1
    made = [make_meeting(f"Réunion {i}", days=sign * (1 + i % 4)) for i in range(8)]
    seen, cursor = [], None
    for _ in range(6):
        url = f"/api/v1/meetings?when={when}" + (f"&cursor={cursor}" if cursor else "")
        data = client.get(url).get_json()
        seen += [item["id"] for item in data["items"]]
        cursor = data["next_cursor"]
        if cursor is None:
            break
    app.config["API_PAGE_SIZE"] = 50
    assert sorted(seen) == sorted(m.id for m in made) and len(seen) == len(set(seen))
    starts = {m.id: m.starts_at for m in made}
    order = [starts[i] for i in seen]
    assert order == sorted(order, reverse=(when == "past"))


def test_api_meeting_detail_and_minutes(client, make_meeting, make_proposal, make_user):
    proposal = make_proposal(title="Un comité de pilotage de la PASS")
    meeting = make_meeting(capacity=3, theme=proposal.theme)
    meeting.proposals.append(proposal)
    db.session.commit()
    _register(meeting, make_user())
    data = client.get(f"/api/v1/meetings/{meeting.id}").get_json()
    assert data["agenda"] == "1. Tour de table"
    assert data["proposals"] == [
        {
            "id": proposal.id,
            "title": "Un comité de pilotage de la PASS",
            "status": "submitted",
            "url": f"http://voix.test/propositions/{proposal.id}",
            "example": False,
            "languages": {"title": {"lang": "fr", "translation_outdated": False}},
        }
    ]
    assert (data["registered_count"], data["places_left"], data["minutes"]) == (1, 2, None)
    minutes = Minutes(
        meeting_id=meeting.id, state=MinutesState.OPEN, amendments_until=date(2030, 1, 1)
    )
    minutes.versions = [
        MinutesVersion(number=1, body="Premier compte rendu."),
        MinutesVersion(number=2, body="Compte rendu amendé."),
    ]
    db.session.add(minutes)
    db.session.commit()
    assert client.get(f"/api/v1/meetings/{meeting.id}").get_json()["minutes"] is None
    minutes.state, minutes.validated_at = MinutesState.VALIDATED, datetime(2030, 1, 2, 10)
    db.session.commit()
    got = client.get(f"/api/v1/meetings/{meeting.id}").get_json()["minutes"]
    assert got == {
        "validated_at": "2030-01-02T10:00:00Z",
        "version": 2,
        "text": "Compte rendu amendé.",
    }
    assert client.get("/api/v1/meetings/999999").status_code == 404


# Safety and cost


XSS = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'


def test_written_text_is_inert_everywhere(client, make_meeting, make_user, login_as):
    person = make_user()
    meeting = make_meeting(
        title=f"Réunion {XSS}", place_name=f"Lieu {XSS}", address=f"Adresse {XSS}", agenda=XSS
    )
    _register(meeting, person)
    login_as("admin")
    client.post(f"/reunions/{meeting.id}/annuler", data={"reason": f"Raison {XSS}"})
    for url in ("/reunions/", f"/reunions/{meeting.id}", f"/reunions/{meeting.id}/modifier"):
        assert_inert(client.get(url).get_data(as_text=True))
    client.post("/compte/deconnexion")
    login(client, person)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Raison &lt;script&gt;" in page
    assert_inert(page)
    response = client.get(f"/api/v1/meetings/{meeting.id}")
    assert response.mimetype == "application/json"
    assert response.get_json()["title"] == f"Réunion {XSS}"
    ics = client.get(f"/reunions/{meeting.id}.ics")
    assert ics.mimetype == "text/calendar"
    assert ics.headers["X-Content-Type-Options"] == "nosniff"
    [event] = icalendar.Calendar.from_ical(ics.data).walk("VEVENT")
    assert str(event["summary"]).endswith(f"Réunion {XSS}")


def test_a_title_cannot_forge_calendar_lines(client, make_meeting):
    meeting = make_meeting(title="Réunion\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Faux")
    calendar = _calendar(client, f"/reunions/{meeting.id}.ics")
    assert len(calendar.walk("VEVENT")) == 1


# PostgreSQL refuses NUL in text: that case is built without the database (the next test).
CONTROL_CHARACTERS = [
    "\r",
    "\rBEGIN:VEVENT\rSUMMARY:Faux",
    "\rEND:VEVENT\rBEGIN:VEVENT\rUID:forged@example.org",
    "\x1b[31m",
    "\x0b\x0c\x7f\x85",
]


def _assert_one_clean_event(body: bytes) -> icalendar.Event:
    assert b"\r" not in body.replace(b"\r\n", b"")  # no bare CR
    lines = body.split(b"\r\n")
    assert all(not any((c < 32 and c != 9) or c == 127 for c in line) for line in lines)
    assert "\x85".encode() not in body and "\x9b".encode() not in body
    names = [line.split(b":")[0].split(b";")[0] for line in lines if line[:1] != b" "]
    assert names.count(b"BEGIN") == names.count(b"END") == 5  # calendar, zone, 2 rules, event
    assert names.count(b"UID") == names.count(b"SUMMARY") == 1  # no line of its own
    assert b"\nSUMMARY:Faux" not in body and b"\nUID:forged" not in body
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["summary"]).startswith("Annulée : Réunion")
    assert str(event["summary"]).endswith("fin")
    return event


@pytest.mark.parametrize("bad", CONTROL_CHARACTERS)
def test_control_characters_cannot_forge_calendar_lines(
    client, make_meeting, make_proposal, make_theme, bad
):
    theme = make_theme(name=f"Santé{bad}")
    proposal = make_proposal(title=f"Des douches{bad}", theme=theme)
    meeting = make_meeting(
        title=f"Réunion{bad}fin",
        theme=theme,
        place_name=f"Lieu{bad}",
        address=f"Adresse{bad}",
        agenda=f"1. Point{bad}\n2. Autre",
        proposals=[proposal],
        cancelled_at=utcnow(),
        cancel_reason=f"Salle{bad}",
    )
    for url in (
        f"/reunions/{meeting.id}.ics",
        "/reunions.ics",
        f"/ateliers/{theme.slug}/reunions.ics",
    ):
        _assert_one_clean_event(client.get(url).data)


def test_every_control_character_is_dropped_from_calendars(app):
    every = "".join(map(chr, (*range(0x20), *range(0x7F, 0xA0))))  # NUL, CR, ESC, DEL, C1...
    meeting = Meeting(
        id=1,
        title=f"Réunion{every}fin",
        place_name=f"Lieu{every}",
        agenda=f"Point{every}",
        starts_at=datetime(2026, 6, 3, 7),
        updated_at=datetime(2026, 6, 1),
        cancelled_at=datetime(2026, 6, 2),
        cancel_reason=f"Salle\rBEGIN:VEVENT{every}",
    )
    with app.test_request_context():
        event = _assert_one_clean_event(meetings_calendar([meeting], f"Nom{every}"))
    for text in (event["summary"], event["location"], event["description"]):
        assert {c for c in str(text) if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0} == {"\t", "\n"}


def _seed_meetings(n, make_meeting, make_theme, make_organisation, make_user, make_proposal):
    themes = [make_theme() for _ in range(2)]
    hosts = [make_organisation(OrganisationKind.ASSOCIATION) for _ in range(2)]
    people = [make_user() for _ in range(3)]
    meetings = []
    for i in range(n):
        meeting = make_meeting(
            f"Réunion {i}",
            days=(i % 5) - 2 or 1,
            theme=themes[i % 2],
            host=hosts[i % 2],
            capacity=10 if i % 3 else None,
            is_public=bool(i % 2),
        )
        proposal = make_proposal(title=f"Proposition {i}", theme=themes[i % 2])
        meeting.proposals.append(proposal)
        meetings.append(meeting)
        _register(meeting, *people[: i % 3])
    return meetings[0], themes[0]


def _query_count(client, url) -> int:
    client.get(url)
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


PAGES = [
    lambda first, theme: "/reunions/",
    lambda first, theme: f"/reunions/?atelier={theme.slug}&type=working_group",
    lambda first, theme: f"/reunions/{first.id}",
    lambda first, theme: f"/ateliers/{theme.slug}",
    lambda first, theme: "/reunions.ics",
    lambda first, theme: f"/ateliers/{theme.slug}/reunions.ics",
    lambda first, theme: "/api/v1/meetings",
    lambda first, theme: f"/api/v1/meetings/{first.id}",
]


@pytest.mark.parametrize("page", range(len(PAGES)))
@pytest.mark.parametrize("role", ["visitor", "admin"])
def test_query_count_does_not_grow(
    client, page, role, make_meeting, make_theme, make_organisation, make_user, make_proposal
):
    args = (make_meeting, make_theme, make_organisation, make_user, make_proposal)
    first, theme = _seed_meetings(4, *args)
    if role == "admin":
        admin = make_user("admin")
        _register(first, admin)
        login(client, admin)
    small = _query_count(client, PAGES[page](first, theme))
    more = [make_proposal(title=f"Encore {i}", theme=theme) for i in range(10)]
    first.proposals.extend(more)
    _register(first, *[make_user() for _ in range(10)])
    _seed_meetings(30, *args)
    large = _query_count(client, PAGES[page](first, theme))
    assert small == large
    assert large <= 14
