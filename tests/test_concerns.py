""" "Ça me concerne": marks by people with an account, tallies by associations, and the count
every page shows (``Proposal.concerned_count``, always marks + tallies' people)."""

import re
import threading
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditAction,
    AuditEvent,
    ConcernMark,
    ConcernTally,
    OrganisationKind,
    Place,
    Proposal,
    ProposalStatus,
    paris_today,
)
from app.services import concerns as service
from tests.conftest import login


def _count(proposal_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Proposal, proposal_id).concerned_count


def _marks_plus_tallies(proposal_id: int) -> int:
    marks = db.session.scalar(
        sa.select(sa.func.count()).select_from(ConcernMark).filter_by(proposal_id=proposal_id)
    )
    people = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(ConcernTally.people), 0)).filter_by(
            proposal_id=proposal_id
        )
    )
    return marks + people


def _updated_at(proposal_id: int):
    db.session.expire_all()
    return db.session.get(Proposal, proposal_id).updated_at


@pytest.fixture
def proposal(make_proposal):
    proposal = make_proposal(title="Des lits halte soins santé")
    proposal.created_at = datetime(2026, 1, 5, 9, 0)  # people were met since
    db.session.commit()
    return proposal


@pytest.fixture
def member(make_user, make_organisation):
    association = make_organisation(name="Accueil de jour Saint-Vincent")
    return make_user("association_member", organisation=association)


@pytest.fixture
def place(member):
    place = Place(organisation=member.organisations[0], name="Accueil de jour rue Mazelle")
    db.session.add(place)
    db.session.commit()
    return place


def _tally_url(proposal) -> str:
    return f"/propositions/{proposal.id}/personnes-concernees"


def _tally_form(**fields) -> dict:
    form = {"people": "12", "met_on": "2026-03-03", "place_id": "0", "note": ""}
    form.update(fields)
    return form


# --- Marks -----------------------------------------------------------------------------


def test_a_person_marks_once_and_withdraws(app, client, login_as, proposal):
    user = login_as("participant")
    before = _updated_at(proposal.id)
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "Ça me concerne" in page and "Ça ne me concerne plus" not in page
    response = client.post(f"/propositions/{proposal.id}/ca-me-concerne")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/propositions/{proposal.id}#ca-me-concerne")
    client.post(f"/propositions/{proposal.id}/ca-me-concerne")  # a second time: no change
    assert _count(proposal.id) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConcernMark)) == 1
    assert _updated_at(proposal.id) == before
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "Vous avez dit que cette proposition vous concerne." in page
    assert "Ça ne me concerne plus" in page
    assert "1 personne a dit « ça me concerne » sur le site." in page
    urls = (f"/propositions/{proposal.id}", "/propositions", f"/api/v1/proposals/{proposal.id}")
    for url in urls:
        assert user.pseudonym not in app.test_client().get(url).get_data(as_text=True)
    client.post(f"/propositions/{proposal.id}/ne-me-concerne-plus")
    assert _count(proposal.id) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConcernMark)) == 0
    assert _updated_at(proposal.id) == before


def test_the_service_marks_once(make_user, proposal):
    user = make_user("participant")
    service.mark(user, proposal)
    service.mark(user, proposal)
    assert _count(proposal.id) == 1


def test_a_visitor_is_led_to_log_in_and_back(client, proposal):
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert f"/compte/connexion?next=/propositions/{proposal.id}%23ca-me-concerne" in page
    assert "une association du réseau peut aussi vous compter" in page
    response = client.post(f"/propositions/{proposal.id}/ca-me-concerne")
    assert response.status_code == 302 and "/compte/connexion" in response.headers["Location"]
    assert _count(proposal.id) == 0


def test_withdrawing_without_a_mark_changes_nothing(client, login_as, proposal):
    login_as("participant")
    response = client.post(f"/propositions/{proposal.id}/ne-me-concerne-plus")
    assert response.status_code == 302
    assert _count(proposal.id) == 0


def test_marking_waits_for_the_new_charter(client, login_as, proposal):
    from app.models import CharterVersion

    login_as("participant")
    db.session.add(CharterVersion(label="2027-1"))
    db.session.commit()
    response = client.post(f"/propositions/{proposal.id}/ca-me-concerne")
    assert response.status_code == 200  # the charter page, the button kept to send again
    assert _count(proposal.id) == 0


def test_unknown_proposal_is_404(client, login_as):
    login_as("participant")
    assert client.post("/propositions/999/ca-me-concerne").status_code == 404
    assert client.get("/propositions/999/personnes-concernees").status_code in (403, 404)


def test_deleting_the_account_deletes_the_marks_and_recounts(client, login_as, proposal):
    from tests.conftest import PASSWORD

    user = login_as("participant")
    client.post(f"/propositions/{proposal.id}/ca-me-concerne")
    assert _count(proposal.id) == 1
    before = _updated_at(proposal.id)
    response = client.post("/compte/supprimer", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConcernMark)) == 0
    assert _count(proposal.id) == 0
    assert _updated_at(proposal.id) == before
    assert user.id


# --- Tallies ---------------------------------------------------------------------------


def test_a_member_records_a_tally_shown_publicly(app, client, member, place, proposal):
    login(client, member)
    before = _updated_at(proposal.id)
    page = client.get(_tally_url(proposal)).get_data(as_text=True)
    assert "Accueil de jour rue Mazelle" in page and "Lieu non précisé" in page
    response = client.post(_tally_url(proposal), data=_tally_form(place_id=str(place.id)))
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    assert _count(proposal.id) == 12 == _marks_plus_tallies(proposal.id)
    assert _updated_at(proposal.id) == before
    tally = db.session.scalar(sa.select(ConcernTally))
    assert (tally.people, tally.met_on, tally.place_id, tally.recorded_by_id) == (
        12,
        date(2026, 3, 3),
        place.id,
        member.id,
    )
    audit = db.session.scalar(sa.select(AuditEvent))
    assert audit.action is AuditAction.CONCERN_TALLY_RECORDED and audit.target_id == tally.id
    page = app.test_client().get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "12 personnes rencontrées par" in page
    assert "Accueil de jour Saint-Vincent" in page and "3 mars 2026" in page
    # The place is for the association's members: where people were met can locate them.
    assert "Accueil de jour rue Mazelle" not in page
    assert "« ça me concerne » sur le site" not in page  # nobody with an account yet
    assert "12 personnes rencontrées par des associations :" in page


def test_the_public_never_reads_where_people_were_met(app, client, member, place, proposal):
    login(client, member)
    client.post(_tally_url(proposal), data=_tally_form(people="3"))
    client.post(_tally_url(proposal), data=_tally_form(people="4", place_id=str(place.id)))
    html = app.test_client().get(f"/propositions/{proposal.id}").get_data(as_text=True)
    page = re.sub(r"<[^>]+>", "", html)
    assert "7 personnes rencontrées par Accueil de jour Saint-Vincent le 3 mars 2026" in page
    assert place.name not in page and "lieu non précisé" not in page
    members = client.get(_tally_url(proposal)).get_data(as_text=True)
    assert place.name in members


def test_the_page_sums_up_each_association_and_names_the_first_few(
    app, proposal, make_user, make_organisation, monkeypatch
):
    """However many tallies, the page names a few associations, each with its people added
    up over its tallies, and says how many others there are."""
    monkeypatch.setattr("app.queries.concerns.ASSOCIATIONS_SHOWN", 2)
    for name, counts in (("Le Relais", [5, 6]), ("La Maraude", [20]), ("Le Foyer", [1])):
        association = make_organisation(name=name)
        member = make_user("association_member", organisation=association)
        for day, people in enumerate(counts, start=3):
            service.record_tally(
                member, proposal, organisation=association, people=people,
                met_on=date(2026, 3, day), place=None, note="",
            )  # fmt: skip
    html = app.test_client().get(f"/propositions/{proposal.id}").get_data(as_text=True)
    page = re.sub(r"<[^>]+>", "", html)
    assert "32 personnes rencontrées par des associations" in page
    assert "20 personnes rencontrées par La Maraude le 3 mars 2026" in page
    assert "11 personnes rencontrées par Le Relais, du 3 mars 2026 au 4 mars 2026" in page
    assert page.index("La Maraude") < page.index("Le Relais")
    assert "Le Foyer" not in page and "Et 1 autre association." in page
    assert "exemple" not in page


def test_an_example_association_is_marked_so(app, proposal, make_user, make_organisation):
    association = make_organisation(name="Association inventée")
    association.example = True
    member = make_user("association_member", organisation=association)
    service.record_tally(
        member, proposal, organisation=association, people=3, met_on=date(2026, 3, 3),
        place=None, note="",
    )  # fmt: skip
    html = app.test_client().get(f"/propositions/{proposal.id}").get_data(as_text=True)
    line = re.search(r"<li>3 personnes rencontrées par .*?</li>", html).group(0)
    assert "Association inventée" in line and 'class="badge example"' in line


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"people": "0"}, "Indiquez un nombre de personnes entre 1 et 10 000."),
        ({"people": "-4"}, "Indiquez un nombre de personnes entre 1 et 10 000."),
        ({"people": "10001"}, "Indiquez un nombre de personnes entre 1 et 10 000."),
        ({"people": "douze"}, "Indiquez un nombre de personnes entre 1 et 10 000."),
        ({"people": ""}, "Indiquez un nombre de personnes entre 1 et 10 000."),
        ({"met_on": ""}, "Indiquez la date de la rencontre."),
        ({"met_on": "hier"}, "Indiquez une date valide (jj/mm/aaaa)."),
        ({"met_on": "FUTURE"}, "La date de la rencontre ne peut pas être dans le futur."),
        ({"met_on": "1926-03-03"}, "ne peut pas précéder la proposition (publiée le 5 janv. 2026)"),
        ({"place_id": "OTHER"}, "Choisissez un lieu de votre association."),
        ({"note": "x" * 501}, "501 caractères"),
    ],
)
def test_bad_tally_input(client, member, place, proposal, make_organisation, fields, message):
    other = Place(organisation=make_organisation(name="Autre"), name="Lieu d’une autre")
    db.session.add(other)
    db.session.commit()
    values = {
        "FUTURE": (paris_today() + timedelta(days=1)).isoformat(),
        "OTHER": str(other.id),
    }
    fields = {key: values.get(value, value) for key, value in fields.items()}
    login(client, member)
    form = _tally_form(note="Rencontrés à la distribution du mardi", **{"people": "7"})
    form.update(fields)
    response = client.post(_tally_url(proposal), data=form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    if "note" not in fields:
        assert "Rencontrés à la distribution du mardi" in page  # typed text kept
    if "people" not in fields:
        assert 'value="7"' in page
    elif fields["people"]:
        assert f'value="{fields["people"]}"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConcernTally)) == 0
    assert _count(proposal.id) == 0


def test_a_place_of_my_other_association_is_refused_for_this_one(
    client, member, place, proposal, make_organisation
):
    second = make_organisation(name="Deuxième association")
    member.organisations.append(second)
    db.session.commit()
    login(client, member)
    form = _tally_form(organisation_id=str(second.id), place_id=str(place.id))
    response = client.post(_tally_url(proposal), data=form)
    assert "Choisissez un lieu de votre association." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConcernTally)) == 0


def test_archived_places_are_not_offered(client, member, place, proposal):
    from app.models import utcnow

    place.archived_at = utcnow()
    db.session.commit()
    login(client, member)
    assert "Accueil de jour rue Mazelle" not in client.get(_tally_url(proposal)).get_data(
        as_text=True
    )


@pytest.mark.parametrize("role", ["participant", "institution_rep", "admin"])
def test_non_members_may_not_count(client, login_as, proposal, role):
    login_as(role)
    assert client.get(_tally_url(proposal)).status_code == 403
    assert client.post(_tally_url(proposal), data=_tally_form()).status_code == 403
    assert _count(proposal.id) == 0


def test_a_tally_corrected_keeps_its_archived_place(client, member, place, proposal):
    login(client, member)
    client.post(_tally_url(proposal), data=_tally_form(people="12", place_id=str(place.id)))
    tally = db.session.scalar(sa.select(ConcernTally))
    place.archived_at = datetime(2026, 11, 1)
    db.session.commit()
    url = f"/personnes-concernees/{tally.id}/modifier"
    page = client.get(url).get_data(as_text=True)
    assert f'<option selected value="{place.id}">{place.name}</option>' in page
    # Archived: no longer offered for new tallies.
    new = client.get(_tally_url(proposal)).get_data(as_text=True)
    assert f'value="{place.id}">{place.name}</option>' not in new
    response = client.post(url, data=_tally_form(people="13", place_id=str(place.id)))
    assert response.status_code == 302
    db.session.expire_all()
    assert (tally.people, tally.place_id) == (13, place.id)


def test_a_tally_dated_before_its_proposal_keeps_its_date_when_corrected(client, member, proposal):
    """Recorded before the rule on dates: corrected, it keeps its date; a new early one is
    still refused."""
    tally = ConcernTally(
        proposal=proposal, organisation=member.organisations[0], people=5,
        met_on=date(2025, 12, 1), recorded_by=member,
    )  # fmt: skip
    db.session.add(tally)
    db.session.commit()
    login(client, member)
    url = f"/personnes-concernees/{tally.id}/modifier"
    response = client.post(url, data=_tally_form(people="6", met_on="2025-12-01"))
    assert response.status_code == 302
    db.session.expire_all()
    assert (tally.people, tally.met_on) == (6, date(2025, 12, 1))
    refused = client.post(url, data=_tally_form(people="6", met_on="2025-11-30"))
    assert "ne peut pas précéder la proposition" in refused.get_data(as_text=True)


def test_edits_and_deletes_keep_the_count_and_are_audited(
    client, member, place, proposal, make_user, make_organisation
):
    login(client, member)
    client.post(_tally_url(proposal), data=_tally_form(people="12"))
    client.post(_tally_url(proposal), data=_tally_form(people="5", place_id=str(place.id)))
    service.mark(make_user("participant"), proposal)
    assert _count(proposal.id) == 18 == _marks_plus_tallies(proposal.id)
    before = _updated_at(proposal.id)
    first, second = db.session.scalars(sa.select(ConcernTally).order_by(ConcernTally.id))
    response = client.post(
        f"/personnes-concernees/{first.id}/modifier", data=_tally_form(people="20")
    )
    assert response.status_code == 302
    assert _count(proposal.id) == 26 == _marks_plus_tallies(proposal.id)
    page = client.get(f"/personnes-concernees/{first.id}/modifier").get_data(as_text=True)
    assert 'value="20"' in page
    bad = client.post(f"/personnes-concernees/{first.id}/modifier", data=_tally_form(people="0"))
    assert "entre 1 et 10 000" in bad.get_data(as_text=True)
    assert _count(proposal.id) == 26
    assert client.get(f"/personnes-concernees/{second.id}/supprimer").status_code == 200
    response = client.post(f"/personnes-concernees/{second.id}/supprimer")
    assert response.status_code == 302
    assert _count(proposal.id) == 21 == _marks_plus_tallies(proposal.id)
    assert _updated_at(proposal.id) == before
    actions = list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == [
        AuditAction.CONCERN_TALLY_RECORDED,
        AuditAction.CONCERN_TALLY_RECORDED,
        AuditAction.CONCERN_TALLY_CHANGED,
        AuditAction.CONCERN_TALLY_DELETED,
    ]
    # Another association's member may not touch them.
    stranger = make_user("association_member", organisation=make_organisation())
    client.post("/compte/deconnexion")
    login(client, stranger)
    assert client.get(f"/personnes-concernees/{first.id}/modifier").status_code == 403
    assert client.post(f"/personnes-concernees/{first.id}/supprimer").status_code == 403
    assert (
        "Accueil de jour Saint-Vincent"
        not in client.get(_tally_url(proposal))
        .get_data(as_text=True)
        .split("Les comptages de votre association")[1]
    )
    assert _count(proposal.id) == 21


# --- The count on every page -----------------------------------------------------------


@pytest.fixture
def counted(make_proposal, make_organisation, make_user):
    """Three proposals sent to an institution, overdue: 0, 7 and 3 people concerned."""
    from app.models import AddressedInstitution, utcnow

    institution = make_organisation(OrganisationKind.INSTITUTION, name="Ville de Metz")
    proposals = []
    for title, marks in (("Rien", 0), ("Sept", 7), ("Trois", 3)):
        proposal = make_proposal(title=f"Proposition {title}", status=ProposalStatus.SENT)
        db.session.add(
            AddressedInstitution(
                proposal=proposal,
                institution=institution,
                sent_at=utcnow() - timedelta(days=40),
                response_due_on=paris_today() - timedelta(days=5),
            )
        )
        db.session.commit()
        for _ in range(marks):
            service.mark(make_user("participant"), proposal)
        proposals.append(proposal)
    return institution, proposals


def _order(page: str, titles: list[str]) -> list[str]:
    return sorted(titles, key=page.index)


def test_the_list_shows_and_sorts_by_the_count(client, counted):
    titles = ["Proposition Rien", "Proposition Sept", "Proposition Trois"]
    page = client.get("/propositions").get_data(as_text=True)
    assert "7 personnes concernées" in page and "3 personnes concernées" in page
    assert "0 personne" not in page
    assert _order(page, titles) == ["Proposition Trois", "Proposition Sept", "Proposition Rien"]
    page = client.get("/propositions?tri=concernes").get_data(as_text=True)
    assert _order(page, titles) == ["Proposition Sept", "Proposition Trois", "Proposition Rien"]
    assert client.get("/propositions?tri=n-importe").status_code == 400


def test_the_board_its_csv_and_the_synthesis_show_the_count(client, counted):
    page = client.get("/suivi").get_data(as_text=True)
    assert "Personnes concernées" in page and '<td class="num">7</td>' in page
    csv = client.get("/suivi.csv").get_data(as_text=True)
    assert "Personnes concernées" in csv
    assert any(line.startswith("Proposition Sept;") and ";7;" in line for line in csv.splitlines())
    page = client.get("/bilan").get_data(as_text=True)
    section = page.split("Les propositions qui concernent le plus de personnes")[1]
    assert _order(section, ["Proposition Sept", "Proposition Trois"]) == [
        "Proposition Sept",
        "Proposition Trois",
    ]
    assert "Proposition Rien" not in section.split("</section>")[0]


def test_the_inbox_shows_and_sorts_by_the_count(client, counted, make_user):
    institution, _proposals = counted
    login(client, make_user("institution_rep", organisation=institution))
    titles = ["Proposition Rien", "Proposition Sept", "Proposition Trois"]
    page = client.get("/espace-institution").get_data(as_text=True)
    assert "7 personnes concernées" in page
    page = client.get("/espace-institution?tri=concernes").get_data(as_text=True)
    assert _order(page, titles) == ["Proposition Sept", "Proposition Trois", "Proposition Rien"]


def test_the_api_gives_the_count(client, counted):
    _institution, proposals = counted
    items = client.get("/api/v1/proposals").get_json()["items"]
    assert {item["title"]: item["concerned_count"] for item in items} == {
        "Proposition Rien": 0,
        "Proposition Sept": 7,
        "Proposition Trois": 3,
    }
    detail = client.get(f"/api/v1/proposals/{proposals[1].id}").get_json()
    assert detail["concerned_count"] == 7
    assert "participant" not in str(detail)  # no pseudonym of anyone who marked


def test_my_data_exports_my_marks(client, login_as, proposal):
    login_as("participant")
    client.post(f"/propositions/{proposal.id}/ca-me-concerne")
    data = client.get("/compte/mes-donnees.json").get_json()
    assert "concern_mark" in str(data) and f"'proposal_id': {proposal.id}" in str(data)


def test_the_proposal_page_costs_the_same_whatever_the_tallies(client, member, proposal):
    from tests.helpers import count_queries

    def queries() -> int:
        client.get(f"/propositions/{proposal.id}")
        db.session.expire_all()
        with count_queries() as statements:
            assert client.get(f"/propositions/{proposal.id}").status_code == 200
        return len(statements)

    login(client, member)
    service.record_tally(
        member,
        proposal,
        organisation=member.organisations[0],
        people=2,
        met_on=date(2026, 1, 5),
        place=None,
        note="",
    )
    small = queries()
    for day in range(1, 30):
        service.record_tally(
            member,
            proposal,
            organisation=member.organisations[0],
            people=day,
            met_on=date(2026, 2, day % 28 + 1),
            place=None,
            note="",
        )
    assert queries() == small


# --- Two people at the same moment ------------------------------------------------------


def test_the_members_page_lists_their_tallies_page_by_page(
    app, client, member, proposal, make_user, make_organisation, monkeypatch
):
    """The page where a member counts people lists their own associations' tallies, 20 at a
    time, the latest met first: never another association's, and the same queries
    whatever their number."""
    from tests.helpers import count_queries

    monkeypatch.setitem(app.config, "TALLIES_PER_PAGE", 2)
    other = make_organisation(name="La Maraude")
    service.record_tally(
        make_user("association_member", organisation=other), proposal, organisation=other,
        people=99, met_on=date(2026, 3, 9), place=None, note="",
    )  # fmt: skip

    def record(day: int) -> None:
        service.record_tally(
            member, proposal, organisation=member.organisations[0], people=day,
            met_on=date(2026, 3, day), place=None, note=f"note du {day}",
        )  # fmt: skip

    def statements(page: int) -> int:
        db.session.expire_all()
        with count_queries() as executed:
            assert client.get(_tally_url(proposal), query_string={"page": page}).status_code == 200
        return len(executed)

    login(client, member)
    record(3)
    first = statements(1)
    for day in (4, 5):
        record(day)
    html = client.get(_tally_url(proposal)).get_data(as_text=True)
    assert "3 comptages" in html and "Page 1 sur 2" in html
    assert html.index("note du 5") < html.index("note du 4") and "note du 3" not in html
    assert "La Maraude" not in html and "99 personnes" not in html
    last = client.get(_tally_url(proposal), query_string={"page": 2}).get_data(as_text=True)
    assert "note du 3" in last and "note du 5" not in last and 'rel="prev"' in last
    past = client.get(_tally_url(proposal), query_string={"page": 9}).get_data(as_text=True)
    assert "3 comptages" in past and "rien compté" not in past and 'rel="prev"' in past
    assert statements(1) == first


def test_two_people_marking_at_once_are_both_counted(app, make_user, proposal):
    """On PostgreSQL the proposal's row lock orders the two; SQLite's writers take turns."""
    users = [make_user("participant").id for _ in range(2)]
    proposal_id = proposal.id
    barrier = threading.Barrier(2)
    errors = []

    def run(user_id):
        from app.models import User

        try:
            with app.app_context():
                user = db.session.get(User, user_id)
                target = db.session.get(Proposal, proposal_id)
                barrier.wait()
                service.mark(user, target)
                db.session.remove()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(user_id,)) for user_id in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert _count(proposal_id) == 2 == _marks_plus_tallies(proposal_id)
