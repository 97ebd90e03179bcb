"""Participants suggest proposals: the form and its bad input, the person's own page,
withdrawal; the waiting ones, seen by associations and moderators only; an association
takes one up (the proposal filed, the person credited as they chose), a moderator declines
one with a reason; the person told in their language; two decisions at once; privacy."""

import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditAction,
    AuditEvent,
    DisplayMode,
    Follow,
    Notification,
    NotificationKind,
    OrganisationKind,
    OutboxEmail,
    Proposal,
    Suggestion,
    SuggestionState,
    User,
)
from app.services import ServiceError, privacy
from app.services import suggestions as service
from tests.conftest import PASSWORD
from tests.conftest import login as _login
from tests.helpers import count_queries, exported_data, running_in, wait_until

OK, REDIRECT, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404
XSS = '<script>alert("x")</script>'
FORM = {
    "title": "Des douches ouvertes le dimanche",
    "body": "Le dimanche, tout est fermé : on ne peut pas se laver avant un rendez-vous.",
    "theme_id": "0",
    "lang": "fr",
    "display_mode": "pseudonym",
}


def login(client, user) -> None:
    """Log in as this person, whoever was logged in before."""
    client.post("/compte/deconnexion")
    _login(client, user)


def _suggestions() -> list[Suggestion]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Suggestion).order_by(Suggestion.id)))


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == OK, response.status_code
    return response.get_data(as_text=True)


def _notes(user) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification).where(
                Notification.user_id == user.id,
                Notification.kind == NotificationKind.SUGGESTION_DECISION,
            )
        )
    )


def _emails_to(user) -> list[OutboxEmail]:
    return list(
        db.session.scalars(
            sa.select(OutboxEmail)
            .where(OutboxEmail.to_address == user.email)
            .order_by(OutboxEmail.id)
        )
    )


@pytest.fixture
def association(make_organisation):
    return make_organisation(OrganisationKind.ASSOCIATION, name="Le Relais")


@pytest.fixture
def member(make_user, association):
    return make_user("association_member", organisation=association)


@pytest.fixture
def person(make_user):
    return make_user("participant", pseudonym="Nadia")


def _suggest(person, theme=None, mode=DisplayMode.PSEUDONYM, **fields) -> Suggestion:
    values = {"title": FORM["title"], "body": FORM["body"], "lang": "fr", **fields}
    return service.suggest(person, theme=theme, display_mode=mode, **values)


def _take_up_form(association, theme, **fields):
    return {
        "title": "Ouvrir des douches le dimanche",
        "body": "Ouvrir les douches municipales le dimanche matin, avec un accueil.",
        "theme_id": theme.id,
        "organisation_id": association.id,
        **fields,
    }


def test_a_participant_suggests_and_sees_it_waiting(client, person, make_theme):
    theme = make_theme("Hébergement")
    login(client, person)
    page = _page(client, "/suggestions/nouvelle?lang=fr")
    assert "n’est pas publiée tout de suite" in page
    response = client.post("/suggestions/nouvelle", data={**FORM, "theme_id": theme.id})
    assert response.status_code == REDIRECT
    assert response.location.endswith("/compte/suggestions")
    (suggestion,) = _suggestions()
    assert (suggestion.author_id, suggestion.theme_id, suggestion.state) == (
        person.id,
        theme.id,
        SuggestionState.WAITING,
    )
    page = _page(client, "/compte/suggestions")
    assert FORM["title"] in page and "En attente" in page and "Retirer ma suggestion" in page


def test_the_proposals_list_and_the_account_link_to_it(client, person, member):
    login(client, person)
    assert "/suggestions/nouvelle" in _page(client, "/propositions")
    assert "/compte/suggestions" in _page(client, "/compte/preferences")
    login(client, member)
    assert 'href="/suggestions"' in _page(client, "/propositions")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Donnez un titre"),
        ("body", "   ", "Dites ce qui devrait changer"),
        ("title", "T" * (Suggestion.TITLE_MAX + 1), "201 caractères"),
        ("body", "B" * (Suggestion.BODY_MAX + 1), "5 001 caractères"),
        ("lang", "xx", "Choisissez une langue"),
    ],
)
def test_bad_input_is_said_kept_and_nothing_saved(client, person, field, value, message):
    login(client, person)
    data = {**FORM, field: value}
    response = client.post("/suggestions/nouvelle", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == OK
    assert message in page.replace("\u202f", " ").replace("\xa0", " ")
    kept = FORM["body"] if field != "body" else FORM["title"]
    assert kept.replace("’", "&#39;")[:20] in page or kept[:20] in page
    assert _suggestions() == []


def test_the_same_form_sent_twice_is_stored_once(client, person):
    login(client, person)
    for _ in range(2):
        assert client.post("/suggestions/nouvelle", data=FORM).status_code == REDIRECT
    assert len(_suggestions()) == 1


@pytest.mark.parametrize("role", ["visitor", "participant", "institution_rep"])
def test_waiting_suggestions_are_not_for_the_public(client, person, make_user, role):
    suggestion = _suggest(person)
    if role != "visitor":
        login(client, make_user(role))
    queue = client.get("/suggestions")
    take_up = client.get(f"/suggestions/{suggestion.id}/reprendre")
    decline = client.get(f"/suggestions/{suggestion.id}/decliner")
    if role == "visitor":
        assert {queue.status_code, take_up.status_code, decline.status_code} == {REDIRECT}
    else:
        assert queue.status_code == FORBIDDEN
        assert (take_up.status_code, decline.status_code) == (NOT_FOUND, NOT_FOUND)
        assert FORM["title"] not in _page(client, "/compte/suggestions")
    for url in ("/propositions", "/recherche?q=douches", "/api/v1/proposals"):
        assert "le dimanche" not in client.get(url).get_data(as_text=True)


def test_associations_and_moderators_see_the_queue_oldest_first(
    client, person, member, make_user, make_theme
):
    health, housing = make_theme("Santé"), make_theme("Hébergement")
    _suggest(person, theme=health, title="Première idée")
    _suggest(person, theme=housing, title="Deuxième idée")
    login(client, member)
    page = _page(client, "/suggestions")
    assert page.index("Première idée") < page.index("Deuxième idée")
    assert "La reprendre pour mon association" in page and "La décliner" not in page
    page = _page(client, f"/suggestions?atelier={housing.slug}")
    assert "Deuxième idée" in page and "Première idée" not in page
    login(client, make_user("moderator"))
    assert "La décliner" in _page(client, "/suggestions")


def test_an_association_takes_it_up_crediting_the_pseudonym(
    client, person, member, association, make_theme, make_organisation
):
    theme = make_theme("Hébergement")
    institution = make_organisation(OrganisationKind.INSTITUTION, name="Mairie de Metz")
    suggestion = _suggest(person, theme=theme)
    login(client, member)
    page = _page(client, f"/suggestions/{suggestion.id}/reprendre")
    assert FORM["body"].replace("’", "&#39;") in page or "tout est fermé" in page
    form = _take_up_form(association, theme, institution_ids=[institution.id])
    response = client.post(f"/suggestions/{suggestion.id}/reprendre", data=form)
    assert response.status_code == REDIRECT
    (suggestion,) = _suggestions()
    proposal = db.session.get(Proposal, suggestion.proposal_id)
    assert suggestion.state is SuggestionState.TAKEN_UP
    assert (suggestion.organisation_id, suggestion.decided_by_id) == (association.id, member.id)
    assert (proposal.organisation_id, proposal.author_id) == (association.id, member.id)
    assert proposal.title == form["title"]
    assert [a.institution_id for a in proposal.addressed] == [institution.id]
    assert response.location.endswith(f"/propositions/{proposal.id}")
    page = _page(client, f"/propositions/{proposal.id}")
    assert "Suggérée par" in page and "Nadia" in page
    audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.target_type == "suggestion"))
    assert audit.action is AuditAction.SUGGESTION_TAKEN_UP and audit.actor_id == member.id
    (note,) = _notes(person)
    assert note.proposal_id == proposal.id and note.data["decision"] == "taken_up"
    assert db.session.scalar(
        sa.select(Follow).where(Follow.user_id == person.id, Follow.proposal_id == proposal.id)
    )
    login(client, person)
    page = _page(client, "/compte/suggestions")
    assert "Reprise par une association" in page and f"/propositions/{proposal.id}" in page


def test_an_anonymous_suggestion_names_nobody(client, person, member, association, make_theme):
    theme = make_theme()
    suggestion = _suggest(person, theme=theme, mode=DisplayMode.ANONYMOUS)
    login(client, member)
    assert "Nadia" not in _page(client, "/suggestions")
    client.post(f"/suggestions/{suggestion.id}/reprendre", data=_take_up_form(association, theme))
    (suggestion,) = _suggestions()
    for viewer in (None, member):
        client.post("/compte/deconnexion")
        if viewer:
            login(client, viewer)
        page = _page(client, f"/propositions/{suggestion.proposal_id}")
        assert "Suggérée par" in page and "ne pas donner son nom" in page
        assert "Nadia" not in page


def test_taking_up_with_bad_input_keeps_the_text_and_the_suggestion_waiting(
    client, person, member, association, make_theme
):
    theme = make_theme()
    suggestion = _suggest(person, theme=theme)
    login(client, member)
    form = _take_up_form(association, theme, title="Ouvrir", body="Trop court.")
    response = client.post(f"/suggestions/{suggestion.id}/reprendre", data=form)
    assert response.status_code == OK
    page = response.get_data(as_text=True)
    assert "Trop court." in page and "entre 20 et 10 000" in page.replace("\u202f", " ")
    assert _suggestions()[0].state is SuggestionState.WAITING
    assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0


def test_a_member_takes_up_only_for_their_own_association(
    client, person, member, make_organisation, make_theme
):
    theme = make_theme()
    other = make_organisation(OrganisationKind.ASSOCIATION, name="Une autre")
    suggestion = _suggest(person, theme=theme)
    login(client, member)
    response = client.post(
        f"/suggestions/{suggestion.id}/reprendre", data=_take_up_form(other, theme)
    )
    assert response.status_code == OK  # not a choice offered: the form again
    assert _suggestions()[0].state is SuggestionState.WAITING


def test_a_moderator_declines_with_a_reason_the_person_reads(client, person, make_user, make_theme):
    moderator = make_user("moderator")
    suggestion = _suggest(person, theme=make_theme())
    login(client, moderator)
    url = f"/suggestions/{suggestion.id}/decliner"
    response = client.post(url, data={"reason": "  "})
    assert response.status_code == OK
    assert "la personne lira cette raison" in response.get_data(as_text=True)
    assert _suggestions()[0].state is SuggestionState.WAITING
    response = client.post(url, data={"reason": "R" * (Suggestion.REASON_MAX + 1)})
    assert "2 001 caractères" in response.get_data(as_text=True).replace("\u202f", " ")
    assert _suggestions()[0].state is SuggestionState.WAITING
    reason = "Elle existe déjà : voyez la proposition sur les bains-douches."
    assert client.post(url, data={"reason": reason}).status_code == REDIRECT
    (suggestion,) = _suggestions()
    assert (suggestion.state, suggestion.reason) == (SuggestionState.DECLINED, reason)
    assert suggestion.decided_by_id == moderator.id
    action = db.session.scalar(
        sa.select(AuditEvent.action).where(AuditEvent.target_id == suggestion.id)
    )
    assert action is AuditAction.SUGGESTION_DECLINED
    (note,) = _notes(person)
    assert note.data["reason"] == reason
    login(client, person)
    page = _page(client, "/compte/suggestions")
    assert "Pas reprise" in page and "bains-douches" in page
    assert "Retirer ma suggestion" not in page
    assert "bains-douches" in _page(client, "/notifications/")


def test_an_association_member_cannot_decline(client, person, member):
    suggestion = _suggest(person)
    login(client, member)
    url = f"/suggestions/{suggestion.id}/decliner"
    assert client.get(url).status_code == FORBIDDEN
    assert client.post(url, data={"reason": "Non."}).status_code == FORBIDDEN
    assert _suggestions()[0].state is SuggestionState.WAITING


def test_the_e_mail_is_in_the_person_s_language(person, member, association, make_theme, make_user):
    person.locale = "ar"
    db.session.commit()
    theme = make_theme()
    suggestion = _suggest(person, theme=theme)
    service.take_up(
        member, suggestion, association, title="Ouvrir des douches", body=FORM["body"],
        theme=theme, institution_ids=[],
    )  # fmt: skip
    (email,) = _emails_to(person)
    proposal_id = _suggestions()[0].proposal_id
    assert f"http://localhost/propositions/{proposal_id}" in email.body or (
        f"/propositions/{proposal_id}" in email.body
    )
    assert "est reprise par" not in email.body  # not French
    assert "Le Relais" in email.body
    other = _suggest(person, title="Une autre idée")
    service.decline(make_user("moderator"), other, "Pas pour nous.")
    emails = _emails_to(person)
    assert len(emails) == 2 and "Pas pour nous." in emails[1].body
    assert "/compte/suggestions" in emails[1].body


def test_the_second_of_two_decisions_is_told(person, member, association, make_user, make_theme):
    theme = make_theme()
    suggestion = _suggest(person, theme=theme)
    stale = db.session.get(Suggestion, suggestion.id)
    service.decline(make_user("moderator"), suggestion, "Non.")
    with pytest.raises(ServiceError, match="déjà été reprise, déclinée ou retirée"):
        service.take_up(
            member, stale, association, title="Des douches", body=FORM["body"], theme=theme,
            institution_ids=[],
        )  # fmt: skip
    assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0
    assert _suggestions()[0].state is SuggestionState.DECLINED
    assert len(_notes(person)) == 1


def test_two_decisions_at_once_make_one(app, person, member, association, make_user, make_theme):
    """While a moderator's refusal is being written, a member's take-up waits for it, then
    is told the suggestion was already decided: no proposal, one notification."""
    theme = make_theme()
    moderator = make_user("moderator")
    suggestion = _suggest(person, theme=theme)
    ids = (member.id, suggestion.id, association.id, theme.id)
    outcome = []

    def take_up_in_another_request():
        with app.app_context():
            from app.models import Organisation, Theme

            user, found = db.session.get(User, ids[0]), db.session.get(Suggestion, ids[1])
            org, chosen = db.session.get(Organisation, ids[2]), db.session.get(Theme, ids[3])
            try:
                service.take_up(
                    user, found, org, title="Des douches", body=FORM["body"], theme=chosen,
                    institution_ids=[],
                )  # fmt: skip
            except ServiceError as error:
                outcome.append(str(error))

    service._claim(suggestion, state=SuggestionState.DECLINED, decided_by_id=moderator.id)
    other = threading.Thread(target=take_up_in_another_request)
    other.start()
    assert wait_until(lambda: running_in(other, "_claim") or running_in(other, "flush"))
    db.session.commit()
    other.join(timeout=10)
    assert outcome == ["Cette suggestion a déjà été reprise, déclinée ou retirée."]
    assert _suggestions()[0].state is SuggestionState.DECLINED
    assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0
    assert _notes(person) == []


def test_the_decision_page_tells_a_suggestion_already_decided(client, person, member):
    suggestion = _suggest(person)
    service.withdraw(person, suggestion)
    login(client, member)
    response = client.get(f"/suggestions/{suggestion.id}/reprendre")
    assert response.status_code == REDIRECT
    assert "déjà été reprise" in _page(client, response.location)


def test_the_person_withdraws_while_it_waits(client, person, make_user):
    suggestion = _suggest(person)
    login(client, make_user("participant"))
    assert client.post(f"/suggestions/{suggestion.id}/retirer").status_code == NOT_FOUND
    login(client, person)
    assert client.post(f"/suggestions/{suggestion.id}/retirer").status_code == REDIRECT
    assert _suggestions()[0].state is SuggestionState.WITHDRAWN
    response = client.post(f"/suggestions/{suggestion.id}/retirer", follow_redirects=True)
    assert "déjà été reprise, déclinée ou retirée" in response.get_data(as_text=True)
    assert "Retirée" in _page(client, "/compte/suggestions")


def test_what_people_wrote_is_escaped(client, person, member):
    _suggest(person, title=XSS, body=XSS)
    login(client, member)
    page = _page(client, "/suggestions")
    assert XSS not in page and "&lt;script&gt;" in page
    login(client, person)
    assert XSS not in _page(client, "/compte/suggestions")


def test_the_pages_cost_the_same_whatever_their_number(client, person, member, make_theme):
    theme = make_theme()

    def queries(user, url) -> int:
        login(client, user)
        client.get(url)
        db.session.expire_all()
        with count_queries() as statements:
            _page(client, url)
        return len(statements)

    _suggest(person, theme=theme, title="Idée 0")
    urls = ((member, "/suggestions"), (person, "/compte/suggestions"))
    one = [queries(user, url) for user, url in urls]
    for n in range(1, 6):
        _suggest(person, theme=theme if n % 2 else None, title=f"Idée {n}")
    assert [queries(user, url) for user, url in urls] == one


def test_a_deleted_account_takes_its_suggestions_but_keeps_the_credit_nameless(
    client, person, member, association, make_theme
):
    theme = make_theme()
    taken = _suggest(person, theme=theme, title="Reprise")
    _suggest(person, title="En attente")
    proposal = service.take_up(
        member, taken, association, title="Des douches", body=FORM["body"], theme=theme,
        institution_ids=[],
    )  # fmt: skip
    assert "suggestion" in exported_data(person)["tables"]
    assert len(exported_data(person)["tables"]["suggestion"]) == 2
    privacy.delete_account(db.session.get(User, person.id), PASSWORD, False)
    (left,) = _suggestions()
    assert (left.state, left.title, left.body) == (SuggestionState.TAKEN_UP, "", "")
    page = _page(client, f"/propositions/{proposal.id}")
    assert "ne pas donner son nom" in page and "Nadia" not in page


def test_suggesting_is_rate_limited_but_mistakes_do_not_count(client, person, monkeypatch):
    monkeypatch.setitem(client.application.config, "SUGGESTION_RATE_LIMIT", "2 per hour")
    login(client, person)
    assert client.post("/suggestions/nouvelle", data={**FORM, "title": ""}).status_code == OK
    for n in range(2):
        data = {**FORM, "title": f"Idée {n}"}
        assert client.post("/suggestions/nouvelle", data=data).status_code == REDIRECT
    response = client.post("/suggestions/nouvelle", data={**FORM, "title": "Idée 3"})
    assert response.status_code == 429
    assert len(_suggestions()) == 2


def test_the_workshops_are_named_in_the_page_s_language(client, person, member, make_theme):
    from app.services.translations import add_network_translation

    theme = make_theme("Hébergement")
    add_network_translation(theme, "ar", {"name": "السكن"})
    add_network_translation(theme, "en", {"name": "Housing"})
    db.session.commit()
    login(client, person)
    assert "السكن" in _page(client, "/suggestions/nouvelle?lang=ar")
    assert "Housing" in _page(client, "/suggestions/nouvelle?lang=en")
    assert "Hébergement" in _page(client, "/suggestions/nouvelle?lang=fr")
    suggestion = _suggest(person, theme=theme)
    login(client, member)
    page = _page(client, f"/suggestions/{suggestion.id}/reprendre?lang=ar")
    assert "السكن" in page


def test_the_waiting_count_is_told_to_moderators_and_associations(
    client, person, member, make_user
):
    _suggest(person)
    _suggest(person, title="Un autre sujet")
    moderator = make_user("moderator")
    login(client, moderator)
    page = _page(client, "/moderation/")
    assert "2 suggestions en attente" in page and 'href="/suggestions"' in page
    login(client, member)
    page = _page(client, "/propositions")
    assert '<a href="/suggestions">Suggestions <span class="pill">2<span' in page
    assert "2 suggestions en attente" in _page(client, "/compte/preferences")
    login(client, person)
    assert 'href="/suggestions"' not in _page(client, "/propositions")
