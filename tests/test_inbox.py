"""The institution's inbox (/espace-institution): who opens it, what each list holds and
hides, the days late or left counted in Paris, the replies marked as seen, the landing after
login, and a query count that does not grow with the data."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AddressedInstitution,
    Commitment,
    CommitmentState,
    Contribution,
    ContributionKind,
    ContributionState,
    InboxVisit,
    OfficialResponse,
    Organisation,
    OrganisationKind,
    Position,
    Proposal,
    ProposalStatus,
    Theme,
    User,
    paris_today,
    utcnow,
)
from app.models.base import PARIS
from tests.conftest import PASSWORD, login
from tests.helpers import count_queries

INBOX = "/espace-institution"


@dataclass
class Town:
    institution: Organisation
    other: Organisation
    association: Organisation
    theme: Theme
    rep: User


@pytest.fixture
def town(make_organisation, make_theme, make_user) -> Town:
    """A verified institution working in the "Hébergement" workshop, its representative, and
    another institution beside it."""
    theme = make_theme("Hébergement")
    institution = make_organisation(OrganisationKind.INSTITUTION, name="Ville de Metz")
    institution.themes = [theme]
    db.session.commit()
    return Town(
        institution=institution,
        other=make_organisation(OrganisationKind.INSTITUTION, name="Préfecture de la Moselle"),
        association=make_organisation(name="Association porteuse"),
        theme=theme,
        rep=make_user("institution_rep", organisation=institution),
    )


def _proposal(town, title, status=ProposalStatus.SENT, theme=None, **fields) -> Proposal:
    proposal = Proposal(
        title=title,
        body="Le constat, puis ce qui est proposé.",
        theme=theme or town.theme,
        organisation=town.association,
        status=status,
        **fields,
    )
    db.session.add(proposal)
    db.session.commit()
    return proposal


def _send(proposal, institution, due_on: date | None, sent=True) -> AddressedInstitution:
    addressed = AddressedInstitution(
        proposal=proposal,
        institution=institution,
        sent_at=utcnow() - timedelta(days=10) if sent else None,
        response_due_on=due_on,
    )
    db.session.add(addressed)
    db.session.commit()
    return addressed


def _awaiting(town, title, days: int | None, institution=None) -> Proposal:
    """A proposal sent to the institution, due in `days` days (negative: overdue)."""
    proposal = _proposal(town, title)
    due = None if days is None else paris_today() + timedelta(days=days)
    _send(proposal, institution or town.institution, due)
    return proposal


def _answer(proposal, institution) -> OfficialResponse:
    response = OfficialResponse(
        proposal=proposal, institution=institution, position=Position.UNDER_STUDY, body="À voir."
    )
    db.session.add(response)
    db.session.commit()
    return response


def _commitment(response, action, days, state=CommitmentState.PLANNED) -> Commitment:
    commitment = Commitment(
        response=response, action=action, due_on=paris_today() + timedelta(days=days), state=state
    )
    db.session.add(commitment)
    db.session.commit()
    return commitment


def _reply(response, body, author=None, state=ContributionState.PUBLISHED, **fields):
    reply = Contribution(
        proposal_id=response.proposal_id,
        response=response,
        kind=ContributionKind.REPLY,
        author=author,
        guest_name="" if author else "Samia",
        body=body,
        state=state,
        **fields,
    )
    db.session.add(reply)
    db.session.commit()
    return reply


def _section(page: str, anchor: str) -> str:
    """The text of one section of the inbox, by its heading's id."""
    start = page.index(f'id="{anchor}"')
    end = page.find("<section", start)
    return page[start : end if end != -1 else len(page)]


def _inbox(client, query="") -> str:
    response = client.get(INBOX + query)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# Who opens it


def test_a_representative_sees_their_institutions_inbox(client, town):
    _awaiting(town, "Ouvrir des bains-douches", 5)
    login(client, town.rep)
    page = _inbox(client)
    assert "Ville de Metz" in page
    assert "Ouvrir des bains-douches" in _section(page, "a-repondre")
    proposal = db.session.scalars(sa.select(Proposal)).one()
    url = f"/propositions/{proposal.id}/reponses/{town.institution.id}"
    assert url in page  # one click to the answer form


@pytest.mark.parametrize("role", ["participant", "association_member", "moderator"])
def test_other_roles_are_refused(client, town, make_user, role):
    login(client, make_user(role))
    assert client.get(INBOX).status_code == 403
    assert client.get(f"{INBOX}?institution={town.institution.slug}").status_code == 403
    assert client.post(f"{INBOX}/vu?institution={town.institution.slug}").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InboxVisit)) == 0


def test_a_visitor_is_asked_to_log_in(client, town):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert "/compte/connexion" in response.headers["Location"]


def test_a_representative_of_an_unverified_institution_is_refused(
    client, make_organisation, make_user
):
    unverified = make_organisation(OrganisationKind.INSTITUTION, verified=False)
    login(client, make_user("institution_rep", organisation=unverified))
    assert client.get(INBOX).status_code == 403
    assert client.get(f"{INBOX}?institution={unverified.slug}").status_code == 403


def test_a_representative_does_not_open_another_institutions_inbox(client, town):
    _awaiting(town, "Une proposition pour la préfecture", 5, institution=town.other)
    login(client, town.rep)
    response = client.get(f"{INBOX}?institution={town.other.slug}")
    assert response.status_code == 403
    assert "Une proposition pour la préfecture" not in response.get_data(as_text=True)
    assert client.post(f"{INBOX}/vu?institution={town.other.slug}").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InboxVisit)) == 0


@pytest.mark.parametrize("who", ["rep", "admin"])
def test_an_unknown_institution_is_not_found(client, town, make_user, who):
    login(client, town.rep if who == "rep" else make_user("admin"))
    assert client.get(f"{INBOX}?institution=inconnue").status_code == 404
    # An association has no inbox.
    assert client.get(f"{INBOX}?institution={town.association.slug}").status_code == 404
    assert client.post(f"{INBOX}/vu?institution=inconnue").status_code == 404


def test_a_representative_of_several_institutions_chooses(client, town):
    town.rep.organisations.append(town.other)
    db.session.commit()
    _awaiting(town, "Pour la ville", 5)
    _awaiting(town, "Pour la préfecture", 5, institution=town.other)
    login(client, town.rep)
    first = _inbox(client)  # by name: "Préfecture…" before "Ville…"
    assert "Pour la préfecture" in first and "Pour la ville" not in first
    assert f'href="{INBOX}?institution={town.institution.slug}"' in first
    second = _inbox(client, f"?institution={town.institution.slug}")
    assert "Pour la ville" in second and "Pour la préfecture" not in second
    assert re.search(
        r'institution=org-\d+" aria-current="page"><bdi dir="auto">Ville de Metz</bdi>', second
    )


def test_an_admin_chooses_any_institution_and_sees_it_without_answering(client, town, make_user):
    proposal = _awaiting(town, "Ouvrir des bains-douches", 5)
    login(client, make_user("admin"))
    chooser = _inbox(client)
    assert "Ville de Metz" in chooser and "Préfecture de la Moselle" in chooser
    assert "Ouvrir des bains-douches" not in chooser
    page = _inbox(client, f"?institution={town.institution.slug}")
    assert "Ouvrir des bains-douches" in _section(page, "a-repondre")
    # Only the institution answers for itself: no link to a form the admin would be refused.
    assert f"/reponses/{town.institution.id}" not in page
    assert f"/propositions/{proposal.id}" in page
    other = _inbox(client, f"?institution={town.other.slug}")
    assert "Ouvrir des bains-douches" not in other


# The proposals awaiting an answer


def test_awaiting_proposals_come_overdue_first_with_days_late_and_left(client, town):
    _awaiting(town, "Sans date demandée", None)
    _awaiting(town, "Dans cinq jours", 5)
    _awaiting(town, "En retard de trois jours", -3)
    _awaiting(town, "Pour aujourd’hui", 0)
    _awaiting(town, "Pour demain", 1)
    _awaiting(town, "En retard d’un jour", -1)
    login(client, town.rep)
    section = _section(_inbox(client), "a-repondre")
    titles = [
        "En retard de trois jours",
        "En retard d’un jour",
        "Pour aujourd’hui",
        "Pour demain",
        "Dans cinq jours",
        "Sans date demandée",
    ]
    positions = [section.index(title) for title in titles]
    assert positions == sorted(positions)
    assert "en retard de 3 jours" in section
    assert "en retard de 1 jour<" in section
    assert "à rendre aujourd’hui" in section
    assert "1 jour restant" in section
    assert "5 jours restants" in section
    assert "sans date de réponse demandée" in section


def test_the_summary_counts_what_waits(client, town):
    _awaiting(town, "En retard", -2)
    _awaiting(town, "Bientôt", 4)
    answered = _proposal(town, "Déjà répondue", ProposalStatus.ANSWERED)
    _send(answered, town.institution, paris_today() - timedelta(days=9))
    response = _answer(answered, town.institution)
    _commitment(response, "Recenser les locaux", 3)
    login(client, town.rep)
    summary = _section(_inbox(client), "en-bref")
    assert "1 réponse en retard" in summary
    assert "2 propositions auxquelles répondre" in summary
    assert "1 engagement à tenir" in summary


def _move_to_paris_evening(clock) -> None:
    """The app's clock to 23:30 in Paris, two days from now (the clock only moves forward)."""
    now = datetime.now(PARIS)
    evening = (now + timedelta(days=2)).replace(hour=23, minute=30, second=0, microsecond=0)
    clock.advance((evening - now).total_seconds())


def test_days_turn_at_midnight_in_paris_not_in_utc(client, town, clock):
    _move_to_paris_evening(clock)  # 22:30 UTC in winter, 21:30 in summer: the same UTC day
    _awaiting(town, "Due ce soir", 0)
    _awaiting(town, "Due demain", 1)
    login(client, town.rep)
    section = _section(_inbox(client), "a-repondre")
    assert "à rendre aujourd’hui" in section and "1 jour restant" in section
    assert "en retard" not in section
    clock.advance(60 * 60)  # 00:30 in Paris: a new day there, not yet in UTC
    section = _section(_inbox(client), "a-repondre")
    assert "en retard de 1 jour<" in section
    assert "à rendre aujourd’hui" in section  # the one due "tomorrow" is due today now
    assert "1 jour restant" not in section


def test_answered_unsent_abandoned_and_others_proposals_are_not_awaiting(client, town):
    _awaiting(town, "Toujours attendue", 3)
    answered = _awaiting(town, "Répondue par la ville", 3)
    _answer(answered, town.institution)
    by_other = _awaiting(town, "Répondue par la préfecture seulement", 3)
    _send(by_other, town.other, paris_today())
    _answer(by_other, town.other)
    _send(_proposal(town, "Pas encore envoyée"), town.institution, paris_today(), sent=False)
    _awaiting(town, "Adressée à la préfecture", 3, institution=town.other)
    abandoned = _proposal(town, "Abandonnée en route", ProposalStatus.ABANDONED)
    _send(abandoned, town.institution, paris_today())
    invented = _proposal(town, "Inventée pour la démonstration", example=True)
    _send(invented, town.institution, paris_today())
    login(client, town.rep)
    section = _section(_inbox(client), "a-repondre")
    assert "Toujours attendue" in section
    assert "Répondue par la préfecture seulement" in section  # the city has not answered
    for gone in (
        "Répondue par la ville",
        "Pas encore envoyée",
        "Adressée à la préfecture",
        "Abandonnée en route",
        "Inventée pour la démonstration",
    ):
        assert gone not in section, gone


def test_each_awaiting_line_shows_its_workshop_and_testimonies(client, town):
    proposal = _awaiting(town, "Des douches le dimanche", 3)
    for state in (ContributionState.PUBLISHED, ContributionState.PUBLISHED):
        db.session.add(
            Contribution(
                proposal=proposal, kind=ContributionKind.TESTIMONY, body="Vécu.", state=state
            )
        )
    db.session.add(
        Contribution(
            proposal=proposal,
            kind=ContributionKind.TESTIMONY,
            body="En attente.",
            state=ContributionState.PENDING,
        )
    )
    db.session.commit()
    login(client, town.rep)
    section = _section(_inbox(client), "a-repondre")
    assert "2 témoignages" in section
    assert "Hébergement" in section


def test_the_awaiting_list_is_paginated(client, town):
    for n in range(23):
        _awaiting(town, f"Proposition numéro {n:02d}", n)
    login(client, town.rep)
    first = _section(_inbox(client), "a-repondre")
    assert "Proposition numéro 19" in first and "Proposition numéro 20" not in first
    assert "Page 1 sur 2" in first
    second = _section(_inbox(client, "?page=2"), "a-repondre")
    assert "Proposition numéro 20" in second and "Proposition numéro 19" not in second
    assert client.get(f"{INBOX}?page=zéro").status_code == 400


@pytest.mark.parametrize(
    "query", ["?page=0", "?engagements=-1", "?nouvelles=deux", "?sans-destinataire=١"]
)
def test_a_bad_page_number_is_a_bad_request(client, town, query):
    login(client, town.rep)
    assert client.get(INBOX + query).status_code == 400


def test_a_strange_institution_name_is_not_found(client, town, make_user):
    login(client, make_user("admin"))
    for slug in ("<script>", "x" * 5000, "org-1%00", " "):
        assert client.get(INBOX, query_string={"institution": slug}).status_code in (400, 404)


# Commitments


def test_commitments_due_soon_or_late_and_open_only(client, town):
    answered = _awaiting(town, "Des locaux vides", 3)
    response = _answer(answered, town.institution)
    late = _commitment(response, "Recenser les locaux", -5)
    soon = _commitment(response, "Ouvrir un premier bâtiment", 12, CommitmentState.IN_PROGRESS)
    _commitment(response, "Ouvrir le deuxième bâtiment", 45)
    _commitment(response, "Réunir les propriétaires", 2, CommitmentState.DONE)
    _commitment(response, "Louer un hôtel", 2, CommitmentState.DROPPED)
    theirs = _answer(_awaiting(town, "Pour la préfecture", 3, town.other), town.other)
    _commitment(theirs, "Engagement de la préfecture", 2)
    login(client, town.rep)
    section = _section(_inbox(client), "engagements")
    assert section.index("Recenser les locaux") < section.index("Ouvrir un premier bâtiment")
    assert "en retard de 5 jours" in section and "12 jours restants" in section
    assert "En cours" in section
    for gone in (
        "Ouvrir le deuxième bâtiment",
        "Réunir les propriétaires",
        "Louer un hôtel",
        "Engagement de la préfecture",
    ):
        assert gone not in section, gone
    assert f"/engagements/{late.id}" in section and f"/engagements/{soon.id}" in section


# Replies under its responses


def _answered(town) -> OfficialResponse:
    return _answer(_awaiting(town, "Des locaux vides", 3), town.institution)


def test_new_replies_are_those_since_the_last_visit(client, town, clock, make_user):
    response = _answered(town)
    someone = make_user("participant")
    _reply(response, "Une réplique déjà vue", someone)
    db.session.add(InboxVisit(user_id=town.rep.id, organisation_id=town.institution.id))
    db.session.commit()
    clock.advance(60)
    new = _reply(response, "Une réplique toute neuve", someone)
    _reply(response, "Une réplique en attente", someone, state=ContributionState.PENDING)
    _reply(response, "Une réplique de moi-même", town.rep)
    other_response = _answer(_awaiting(town, "Pour la préfecture", 3, town.other), town.other)
    _reply(other_response, "Une réplique à la préfecture", someone)
    login(client, town.rep)
    page = _inbox(client)
    section = _section(page, "nouvelles-reponses")
    assert "Une réplique toute neuve" in section
    assert f"/propositions/{response.proposal_id}#contribution-{new.id}" in section
    for gone in (
        "Une réplique déjà vue",
        "Une réplique en attente",
        "Une réplique de moi-même",
        "Une réplique à la préfecture",
    ):
        assert gone not in section, gone
    assert "1 nouvelle réponse à vos réponses" in _section(page, "en-bref")


def test_a_reply_held_before_the_visit_and_approved_after_it_is_new(client, town, clock, make_user):
    """New means published since "seen", as in the weekly digest: a reply written before
    and approved by a moderator after it is new."""
    from app.models import ModerationAction, ModerationReason
    from app.services.moderation import decide

    response = _answered(town)
    held = _reply(response, "Une réplique modérée", make_user("participant"))
    held.state = ContributionState.PENDING
    db.session.commit()
    clock.advance(60)
    db.session.add(InboxVisit(user_id=town.rep.id, organisation_id=town.institution.id))
    db.session.commit()
    clock.advance(60)
    compliant = ModerationReason.COMPLIANT
    decide(make_user("moderator"), held, ModerationAction.APPROVE, compliant, "", held.version)
    login(client, town.rep)
    page = _inbox(client)
    assert "Une réplique modérée" in _section(page, "nouvelles-reponses")
    assert "1 nouvelle réponse à vos réponses" in _section(page, "en-bref")


def test_a_first_visit_shows_the_replies_of_the_last_thirty_days(client, town, clock):
    response = _answered(town)
    _reply(response, "Une réplique ancienne", created_at=utcnow() - timedelta(days=31))
    _reply(response, "Une réplique récente", created_at=utcnow() - timedelta(days=29))
    login(client, town.rep)
    section = _section(_inbox(client), "nouvelles-reponses")
    assert "Une réplique récente" in section and "Une réplique ancienne" not in section
    assert "ces 30 derniers jours" in section


def test_marking_replies_as_seen(client, town, clock, make_user):
    response = _answered(town)
    _reply(response, "Une première réplique")
    colleague = make_user("institution_rep", organisation=town.institution)
    login(client, town.rep)
    page = _inbox(client)
    assert "Une première réplique" in _section(page, "nouvelles-reponses")
    assert "Marquer comme vues" in page
    # Looking writes nothing.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InboxVisit)) == 0
    result = client.post(f"{INBOX}/vu?institution={town.institution.slug}")
    assert result.status_code == 302
    assert result.headers["Location"].endswith(
        f"{INBOX}?institution={town.institution.slug}#nouvelles-reponses"
    )
    visit = db.session.scalars(sa.select(InboxVisit)).one()
    assert (visit.user_id, visit.organisation_id) == (town.rep.id, town.institution.id)
    first_seen = visit.seen_at
    assert utcnow() - first_seen < timedelta(minutes=1)
    section = _section(_inbox(client), "nouvelles-reponses")
    assert "Une première réplique" not in section and "Aucune nouvelle réponse" in section
    clock.advance(60)
    _reply(response, "Une deuxième réplique")
    section = _section(_inbox(client), "nouvelles-reponses")
    assert "Une deuxième réplique" in section and "Une première réplique" not in section
    # Marked again: the same row, a later moment. The colleague's view is their own.
    client.post(f"{INBOX}/vu?institution={town.institution.slug}")
    db.session.expire_all()
    assert db.session.scalars(sa.select(InboxVisit)).one().seen_at > first_seen
    client.post("/compte/deconnexion")
    login(client, colleague)
    assert "Une première réplique" in _section(_inbox(client), "nouvelles-reponses")


def test_an_admin_marks_their_own_view_as_seen(client, town, make_user):
    _reply(_answered(town), "Une réplique")
    admin = make_user("admin")
    login(client, admin)
    assert client.post(f"{INBOX}/vu?institution={town.institution.slug}").status_code == 302
    visit = db.session.scalars(sa.select(InboxVisit)).one()
    assert visit.user_id == admin.id
    client.post("/compte/deconnexion")
    login(client, town.rep)
    assert "Une réplique" in _section(_inbox(client), "nouvelles-reponses")


# Proposals of its workshops addressed to nobody yet


def test_proposals_of_its_workshops_without_addressee(client, town, make_theme):
    _proposal(town, "Sans destinataire", ProposalStatus.IN_DISCUSSION)
    _awaiting(town, "Déjà adressée à la ville", 3)
    _send(_proposal(town, "Adressée à la préfecture seule"), town.other, None, sent=False)
    _proposal(town, "Réalisée", ProposalStatus.DONE)
    _proposal(town, "Abandonnée", ProposalStatus.ABANDONED)
    _proposal(town, "Dans un autre atelier", theme=make_theme("Santé"))
    own = _proposal(town, "Déposée par la ville elle-même")
    own.organisation = town.institution
    db.session.commit()
    login(client, town.rep)
    section = _section(_inbox(client), "sans-destinataire")
    assert "Sans destinataire" in section
    for gone in (
        "Déjà adressée à la ville",
        "Adressée à la préfecture seule",
        "Réalisée",
        "Abandonnée",
        "Dans un autre atelier",
        "Déposée par la ville elle-même",
    ):
        assert gone not in section, gone


def test_only_the_newest_proposals_without_addressee_are_shown(client, town, monkeypatch):
    monkeypatch.setattr("app.queries.inbox.UNADDRESSED_SHOWN", 3)
    moment = datetime(2026, 3, 1, 9, 0)
    for n in range(1, 6):
        _proposal(town, f"Sans destinataire numéro {n}", created_at=moment + timedelta(days=n))
    login(client, town.rep)
    section = _section(_inbox(client), "sans-destinataire")
    for shown in (5, 4, 3):
        assert f"Sans destinataire numéro {shown}" in section
    for older in (2, 1):
        assert f"Sans destinataire numéro {older}" not in section
    assert "Il y en a plus de 3 : les 3 plus récentes sont montrées." in section
    assert "Page 1 sur" not in section  # three fit on one page

    monkeypatch.setattr("app.queries.inbox.UNADDRESSED_SHOWN", 5)
    section = _section(_inbox(client), "sans-destinataire")
    assert "Sans destinataire numéro 1" in section
    assert "plus récentes sont montrées" not in section


def test_an_institution_without_workshops_has_none_there(client, town):
    town.institution.themes = []
    db.session.commit()
    _proposal(town, "Sans destinataire")
    login(client, town.rep)
    section = _section(_inbox(client), "sans-destinataire")
    assert "Sans destinataire" not in section
    assert "Aucune proposition de vos ateliers" in section


def test_what_people_wrote_is_escaped(client, town):
    response = _answer(_awaiting(town, "<script>alert(1)</script> titre", 3), town.institution)
    _reply(response, "<img src=x onerror=alert(2)>")
    login(client, town.rep)
    page = _inbox(client)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "<img src=x" not in page


# Landing after login, and the way there


def _log_in(client, user, query=""):
    return client.post(
        "/compte/connexion" + query, data={"email": user.email, "password": PASSWORD}
    )


def test_a_representative_lands_in_the_inbox(client, town):
    response = _log_in(client, town.rep)
    assert response.status_code == 302
    assert response.headers["Location"] == INBOX


def test_the_page_asked_for_comes_first(client, town):
    response = _log_in(client, town.rep, "?next=/propositions/nouvelle")
    assert response.headers["Location"] == "/propositions/nouvelle"


@pytest.mark.parametrize("role", ["participant", "association_member", "admin"])
def test_others_land_on_the_home_page(client, make_user, role):
    assert _log_in(client, make_user(role)).headers["Location"] == "/"


def test_an_unverified_institutions_representative_lands_on_the_home_page(
    client, make_organisation, make_user
):
    unverified = make_organisation(OrganisationKind.INSTITUTION, verified=False)
    rep = make_user("institution_rep", organisation=unverified)
    assert _log_in(client, rep).headers["Location"] == "/"


def test_the_menu_leads_representatives_there(client, town, make_user):
    login(client, town.rep)
    assert f'href="{INBOX}"' in client.get("/propositions").get_data(as_text=True)
    client.post("/compte/deconnexion")
    login(client, make_user("participant"))
    assert f'href="{INBOX}"' not in client.get("/propositions").get_data(as_text=True)
    client.post("/compte/deconnexion")
    login(client, make_user("admin"))
    assert f'href="{INBOX}"' in client.get("/admin/").get_data(as_text=True)


# A fixed number of queries


def _grow(town, n: int, someone: User) -> None:
    """n more of everything the inbox lists, in each of its lists."""
    stamp = len(db.session.scalars(sa.select(Proposal.id)).all())
    for i in range(n):
        proposal = _awaiting(town, f"Attendue {stamp + i}", (i % 7) - 3)
        db.session.add(
            Contribution(
                proposal=proposal,
                kind=ContributionKind.TESTIMONY,
                body="Vécu.",
                state=ContributionState.PUBLISHED,
            )
        )
        answered = _awaiting(town, f"Répondue {stamp + i}", 3)
        response = _answer(answered, town.institution)
        _commitment(response, "Un engagement", (i % 20) - 5)
        _reply(response, "Une réplique", someone)
        _reply(response, "Une réplique anonyme", None)
        _proposal(town, f"Sans destinataire {stamp + i}", ProposalStatus.IN_DISCUSSION)


def _count(client, url) -> int:
    client.get(url)  # warm-up: first-request work is not the page's cost
    db.session.expire_all()
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("who", ["rep", "admin"])
@pytest.mark.parametrize(
    ("pages", "first"),
    [("", 1), ("&page=2&engagements=2&nouvelles=2&sans-destinataire=2", 21)],
    ids=["first pages", "second pages"],
)
def test_the_query_count_does_not_grow(client, town, make_user, who, pages, first):
    """With a few rows (on a second page: a few there) and with many."""
    someone = make_user("participant")
    viewer = town.rep if who == "rep" else make_user("admin")
    login(client, viewer)
    url = f"{INBOX}?institution={town.institution.slug}{pages}"
    _grow(town, first, someone)
    small = _count(client, url)
    _grow(town, 30, someone)
    page = client.get(url).get_data(as_text=True)
    assert "Attendue" in page and "Une réplique" in page and "Un engagement" in page
    assert _count(client, url) == small
    assert small <= 15
