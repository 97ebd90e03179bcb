"""Events of the network: their list and page (the review, the proposals by workshop, the
meetings that followed), the admin that records them, and `flask events create`."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditAction, AuditEvent, Event, EventKind, Meeting, ProposalStatus, utcnow
from tests.helpers import count_queries


@pytest.fixture
def admin(login_as):
    return login_as("admin")


def _count(client, url) -> int:
    client.get(url)  # warm-up: first-request work is not the page's cost
    db.session.expire_all()
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


# The list


def test_list_newest_first_with_what_is_known(client, make_event, make_proposal):
    old = make_event(place="Metz", organisations_count=100)
    new = make_event(
        "journee-2026", "Journée logement 2026", held_on=date(2026, 3, 12), example=True
    )
    make_proposal().event = old
    db.session.commit()
    html = client.get("/evenements/").get_data(as_text=True)
    assert html.index(new.name) < html.index(old.name)
    assert "100 organisations représentées" in html
    assert html.count("organisations représentées") == 1  # unknown for the 2026 one: silent
    assert "1 proposition" in html and "0 proposition" in html
    assert "Metz" in html and "30 avril 2015" in html
    assert html.count('class="badge example"') == 1  # only the example event says so


def test_list_by_year(client, make_event):
    make_event()
    make_event("journee-2026", "Journée logement 2026", held_on=date(2026, 3, 12))
    html = client.get("/evenements/?annee=2026").get_data(as_text=True)
    assert "Journée logement 2026" in html
    assert "Assises de la solidarité 2015" not in html


@pytest.mark.parametrize("year", ["deux", "1989", "2101", "99999", "２０１５", "2015.0"])
def test_a_bad_year_is_a_bad_request(client, year):
    assert client.get(f"/evenements/?annee={year}").status_code == 404


def test_the_site_links_to_the_events(client):
    assert 'href="/evenements/"' in client.get("/").get_data(as_text=True)


# An event's page


def test_event_page_shows_the_review_escaped_with_its_paragraphs(client, make_event):
    make_event(
        summary="Une journée <b>riche</b>.\n\nCent associations.",
        advances="La DDCS plus favorable.",
        obstacles="Des comptes rendus peu fidèles.",
        next_steps="Travailler avec la ville.",
        source="Bilan écrit du réseau",
    )
    response = client.get("/evenements/assises-2015")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Une journée &lt;b&gt;riche&lt;/b&gt;.\n\nCent associations." in html
    for heading in ("Les avancées", "Les freins", "La suite"):
        assert heading in html
    assert 'Source : <bdi lang="fr" dir="ltr">Bilan écrit du réseau</bdi>' in html
    assert "organisations représentées" not in html  # not known: not said
    assert "exemple" not in html.split("<main", 1)[1]


def test_an_empty_section_is_not_shown(client, make_event):
    make_event(organisations_count=100)
    html = client.get("/evenements/assises-2015").get_data(as_text=True)
    assert "Les freins" not in html and "Source :" not in html
    assert "100 organisations représentées" in html


def test_event_page_lists_proposals_by_workshop_and_meetings(
    client, make_event, make_proposal, make_theme
):
    event = make_event(example=True)
    health, housing = make_theme("Santé"), make_theme("Logement")
    for title, theme in (("Bains-douches", health), ("Bail glissant", housing)):
        make_proposal(title=title, theme=theme, status=ProposalStatus.IN_DISCUSSION).event = event
    make_proposal(title="Sans événement", theme=health)
    db.session.add(Meeting(title="Groupe santé de juin", starts_at=utcnow(), event=event))
    db.session.commit()
    html = client.get("/evenements/assises-2015").get_data(as_text=True)
    assert html.index("Santé") < html.index("Bains-douches") < html.index("Logement")
    assert html.index("Logement") < html.index("Bail glissant")
    assert "Sans événement" not in html
    assert html.count("En discussion") == 2
    assert "Groupe santé de juin" in html
    assert "/propositions?evenement=assises-2015" in html
    assert 'class="badge example"' in html
    assert "{# voices" not in html and '<h2 id="voix">Les voix</h2>' in html


def test_event_page_caps_its_list(client, make_event, make_proposal, make_theme):
    from app.events import views

    event, theme = make_event(), make_theme()
    for i in range(views.PROPOSALS_SHOWN + 3):
        make_proposal(title=f"Proposition {i:03d}", theme=theme, commit=False).event = event
    db.session.commit()
    html = client.get("/evenements/assises-2015").get_data(as_text=True)
    listed = html.split('<h2 id="voix">')[0]  # the voices below list their own proposals
    assert listed.count('href="/propositions/') == views.PROPOSALS_SHOWN
    assert f"({views.PROPOSALS_SHOWN + 3})" in html


def test_unknown_event_is_not_found(client):
    assert client.get("/evenements/inconnu").status_code == 404


def test_a_proposal_says_which_event_it_comes_from(client, make_event, make_proposal):
    event = make_event()
    proposal = make_proposal()
    html = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "Issue de" not in html
    proposal.event = event
    db.session.commit()
    html = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "Issue de" in html and 'href="/evenements/assises-2015"' in html


def test_pages_run_a_fixed_number_of_queries(
    client, make_event, make_proposal, make_theme, make_organisation
):
    event = make_event()
    themes = [make_theme() for _ in range(3)]
    urls = ("/evenements/", "/evenements/?annee=2015", "/evenements/assises-2015")

    def grow(n):
        for i in range(n):
            make_proposal(theme=themes[i % 3], commit=False).event = event
            db.session.add(Meeting(title=f"Suivi {i}", starts_at=utcnow(), event=event))
            db.session.add(
                Event(slug=f"journee-{n}-{i}", name=f"Journée {n}-{i}", held_on=date(2015, 6, 1))
            )
        db.session.commit()

    grow(2)
    small = [_count(client, url) for url in urls]
    grow(40)
    assert [_count(client, url) for url in urls] == small
    assert max(small) <= 8


# The admin


EVENT_FORM = {
    "name": "Assises de la solidarité 2026",
    "slug": "assises-2026",
    "kind": "assises",
    "held_on": "2026-04-30",
    "place": "Metz",
    "organisations_count": "",
    "summary": "Première ligne.\n\nDeuxième paragraphe.",
    "advances": "",
    "obstacles": "",
    "next_steps": "",
    "source": "",
}


def test_admin_creates_and_edits_an_event(client, admin):
    response = client.post("/admin/evenements/nouveau", data=EVENT_FORM)
    assert response.status_code == 302
    event = db.session.scalar(sa.select(Event))
    assert (event.slug, event.held_on, event.kind) == (
        "assises-2026",
        date(2026, 4, 30),
        EventKind.ASSISES,
    )
    assert event.organisations_count is None and event.example is False
    page = client.get("/admin/evenements").get_data(as_text=True)
    assert "/admin/evenements/assises-2026/modifier" in page
    form = client.get("/admin/evenements/assises-2026/modifier").get_data(as_text=True)
    assert "Deuxième paragraphe." in form
    edited = {**EVENT_FORM, "organisations_count": "80", "obstacles": "Peu de temps."}
    edited["slug"] = "assises-2026-metz"
    response = client.post("/admin/evenements/assises-2026/modifier", data=edited)
    assert response.status_code == 302
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert (event.slug, event.organisations_count, event.obstacles) == (
        "assises-2026-metz",
        80,
        "Peu de temps.",
    )
    actions = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [a.action for a in actions] == [AuditAction.EVENT_CREATED, AuditAction.EVENT_UPDATED]
    assert set(actions[1].details["fields"]) == {"slug", "organisations_count", "obstacles"}
    assert "Événements" in client.get("/admin/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Indiquez le nom."),
        ({"slug": ""}, "Indiquez l’adresse."),
        ({"slug": "Assises 2026"}, "lettres minuscules sans accent"),
        ({"slug": "assises--2026"}, "lettres minuscules sans accent"),
        ({"slug": "assises-é"}, "lettres minuscules sans accent"),
        ({"held_on": "2026-02-30"}, "Indiquez une date valide"),
        ({"held_on": "demain"}, "Indiquez une date valide"),
        ({"held_on": ""}, "Indiquez une date valide"),
        ({"held_on": "1989-12-31"}, "Indiquez une date entre 1990 et 2100."),
        ({"held_on": "2101-01-01"}, "Indiquez une date entre 1990 et 2100."),
        ({"organisations_count": "-1"}, "Un nombre positif, ou rien"),
        ({"name": "x" * (Event.NAME_MAX + 1)}, "caractères ;"),
        ({"slug": "assises-2015"}, "Un autre événement a déjà cette adresse."),
        ({"name": "assises de la solidarité 2015"}, "Un autre événement porte déjà ce nom."),
        ({"kind": "fete"}, "pas un choix valide"),
    ],
)
def test_a_bad_event_form_saves_nothing(client, admin, make_event, changes, message):
    make_event()
    data = {**EVENT_FORM, "summary": "Texte <gardé>", **changes}
    response = client.post("/admin/evenements/nouveau", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert "Texte &lt;gardé&gt;" in html
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0


def test_a_refused_edit_keeps_the_text_and_saves_nothing(client, admin, make_event):
    make_event()
    other = make_event("journee-2026", "Journée logement 2026", held_on=date(2026, 3, 12))
    data = {**EVENT_FORM, "slug": "assises-2015", "advances": "Gardé"}
    response = client.post(f"/admin/evenements/{other.slug}/modifier", data=data)
    html = response.get_data(as_text=True)
    assert "Un autre événement a déjà cette adresse." in html and "Gardé" in html
    db.session.expire_all()
    assert db.session.get(Event, other.id).advances == ""


def test_unknown_event_edit_is_not_found(client, admin):
    assert client.get("/admin/evenements/inconnu/modifier").status_code == 404


@pytest.mark.parametrize("role", ["participant", "association_member", "moderator"])
def test_only_admins_record_events(client, login_as, role):
    login_as(role)
    assert client.post("/admin/evenements/nouveau", data=EVENT_FORM).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


def test_the_service_checks_again(make_user, make_event):
    from app.services import PermissionDenied, ServiceError
    from app.services.network_events import create_event

    make_event()
    data = {"slug": "assises-2026", "name": "Assises 2026", "held_on": date(1900, 1, 1)}
    with pytest.raises(ServiceError) as refused:
        create_event(make_user("admin"), data)
    assert refused.value.field == "held_on"
    with pytest.raises(PermissionDenied):
        create_event(make_user("moderator"), {**data, "held_on": date(2026, 1, 1)})
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 1


# The command line


def test_cli_creates_an_event(app):
    result = app.test_cli_runner().invoke(
        args=["events", "create", "assises-2026", "Assises 2026", "2026-04-30"]
    )
    assert result.exit_code == 0, result.output
    event = db.session.scalar(sa.select(Event))
    assert (event.slug, event.name, event.held_on) == (
        "assises-2026",
        "Assises 2026",
        date(2026, 4, 30),
    )
    audit = db.session.scalar(sa.select(AuditEvent))
    assert audit.action is AuditAction.EVENT_CREATED and audit.details == {"via": "cli"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["assises-2026", "Assises 2026", "30/04/2026"], "Date invalide"),
        (["assises-2026", "Assises 2026", "2026-02-30"], "Date invalide"),
        (["assises-2026", "Assises 2026", "1900-01-01"], "entre 1990 et 2100"),
        (["assises-2015", "Assises 2026", "2026-04-30"], "a déjà cette adresse"),
        (["autre", "Assises de la solidarité 2015", "2026-04-30"], "porte déjà ce nom"),
        (["Assises 2026", "Assises 2026", "2026-04-30"], "lettres minuscules"),
    ],
)
def test_cli_refuses_bad_input(app, make_event, args, message):
    make_event()
    result = app.test_cli_runner().invoke(args=["events", "create", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 1


def test_events_keep_their_order_over_the_years(client, make_event):
    for i in range(3):
        make_event(f"journee-{i}", f"Journée {i}", held_on=date(2020, 1, 1) + timedelta(days=i))
    html = client.get("/evenements/").get_data(as_text=True)
    assert html.index("Journée 2") < html.index("Journée 1") < html.index("Journée 0")


def test_a_slug_taken_at_the_same_moment_is_refused_by_the_field(
    monkeypatch, make_user, make_event
):
    """Two admins save the same address at once: the unique index refuses the second, and
    they get the message the check gives, nothing saved."""
    from app.services import ServiceError, network_events
    from app.services.network_events import create_event

    make_event()
    real, calls = network_events.slug_taken, []

    def taken(*args):  # free when checked, before the other's commit; then the truth
        calls.append(args)
        return len(calls) > 1 and real(*args)

    monkeypatch.setattr(network_events, "slug_taken", taken)
    data = {"slug": "assises-2015", "name": "Autres assises", "held_on": date(2026, 1, 1)}
    with pytest.raises(ServiceError) as refused:
        create_event(make_user("admin"), data)
    assert refused.value.field == "slug" and len(calls) == 2
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0
