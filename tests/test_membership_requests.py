"""Requests to join an organisation: a person asks from its page, sees and withdraws their
request; its members (or an admin) accept or refuse with a reason; who may see and decide;
bad input; two decisions at once; the role given on acceptance, never lowered."""

import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditAction,
    AuditEvent,
    MembershipRequest,
    Notification,
    NotificationKind,
    OrganisationKind,
    RequestState,
    Role,
    User,
)
from app.services import ServiceError
from app.services import memberships as service
from tests.conftest import login as _login
from tests.helpers import count_queries, running_in, wait_until

OK, REDIRECT, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404
XSS = '<script>alert("x")</script>'


def login(client, user) -> None:
    """Log in as this person, whoever was logged in before."""
    client.post("/compte/deconnexion")
    _login(client, user)


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _requests(**where) -> list[MembershipRequest]:
    db.session.expire_all()
    query = sa.select(MembershipRequest).filter_by(**where).order_by(MembershipRequest.id)
    return list(db.session.scalars(query))


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == OK, response.status_code
    return response.get_data(as_text=True)


def _notes(user, kind) -> list[Notification]:
    query = sa.select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind
    )
    return list(db.session.scalars(query))


@pytest.fixture
def association(make_organisation):
    return make_organisation(OrganisationKind.ASSOCIATION, name="Le Relais")


@pytest.fixture
def member(make_user, association):
    return make_user("association_member", organisation=association)


def _ask(client, organisation, message="Je suis bénévole le mardi."):
    return client.post(f"/organisations/{organisation.slug}/rejoindre", data={"message": message})


def _decide(client, asked, decision, reason=""):
    url = f"/organisations/{asked.organisation.slug}/demandes/{asked.id}"
    return client.post(url, data={"decision": decision, "reason": reason})


def test_a_participant_asks_and_a_member_accepts(client, association, member, make_user):
    person = make_user("participant")
    login(client, person)
    page = _page(client, f"/organisations/{association.slug}")
    assert "Demander à rejoindre" in page
    assert "Votre message (facultatif)" in _page(
        client, f"/organisations/{association.slug}/rejoindre"
    )
    response = _ask(client, association, "Je suis bénévole le mardi.")
    assert response.status_code == REDIRECT
    (asked,) = _requests()
    assert (asked.user_id, asked.state, asked.message) == (
        person.id,
        RequestState.PENDING,
        "Je suis bénévole le mardi.",
    )
    page = _page(client, f"/organisations/{association.slug}")
    assert "attend une réponse" in page and "Retirer ma demande" in page
    assert "Demander à rejoindre" not in page
    # The member hears of it, and finds it on the requests page.
    (note,) = _notes(member, NotificationKind.MEMBERSHIP_REQUEST)
    assert note.data["pseudonym"] == person.pseudonym
    login(client, member)
    assert "1 demande pour rejoindre" in _page(client, f"/organisations/{association.slug}")
    page = _page(client, f"/organisations/{association.slug}/demandes")
    assert person.pseudonym in page and "Je suis bénévole le mardi." in page
    notifications = _page(client, "/notifications/")  # names isolated, in their own direction
    assert 'demande à rejoindre <bdi dir="auto">Le Relais</bdi>' in notifications
    assert _decide(client, asked, "accept").status_code == REDIRECT
    db.session.expire_all()
    person = db.session.get(User, person.id)
    assert association.id in person.organisation_ids()
    assert person.role is Role.ASSOCIATION_MEMBER
    (asked,) = _requests()
    assert (asked.state, asked.decided_by_id) == (RequestState.ACCEPTED, member.id)
    (decision,) = _notes(person, NotificationKind.MEMBERSHIP_DECISION)
    assert decision.data["decision"] == "accepted"
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == AuditAction.MEMBERSHIP_REQUEST_DECIDED)
    )
    assert (event.actor_id, event.target_id) == (member.id, asked.id)
    assert event.details["role_after"] == "association_member"
    # Now a member: they may act for it (file a proposal in its name).
    login(client, person)
    assert client.get("/propositions/nouvelle").status_code == OK


def test_refusing_needs_a_reason_the_person_reads(client, association, member, make_user):
    person = make_user("participant")
    asked = service.request_membership(person, association, "")
    login(client, member)
    response = _decide(client, asked, "refuse", "   ")
    assert response.status_code == OK
    assert "Expliquez pourquoi vous refusez" in response.get_data(as_text=True)
    assert _requests()[0].state is RequestState.PENDING
    assert _notes(person, NotificationKind.MEMBERSHIP_DECISION) == []
    reason = "Nous ne vous connaissons pas " + XSS
    assert _decide(client, asked, "refuse", reason).status_code == REDIRECT
    (asked,) = _requests()
    assert (asked.state, asked.reason) == (RequestState.REFUSED, reason)
    db.session.expire_all()
    assert association.id not in db.session.get(User, person.id).organisation_ids()
    assert db.session.get(User, person.id).role is Role.PARTICIPANT
    login(client, person)
    page = _page(client, "/notifications/")
    assert "est refusée" in page and "Nous ne vous connaissons pas" in page
    assert XSS not in page and "&lt;script&gt;" in page
    # Refused, they may ask again.
    assert "Demander à rejoindre" in _page(client, f"/organisations/{association.slug}")


def test_accepting_with_a_reason_and_a_too_long_reason(client, association, member, make_user):
    asked = service.request_membership(make_user("participant"), association, "")
    login(client, member)
    response = _decide(client, asked, "accept", "x" * (MembershipRequest.REASON_MAX + 1))
    assert response.status_code == OK
    assert "caractères" in response.get_data(as_text=True)
    assert "x" * (MembershipRequest.REASON_MAX + 1) in response.get_data(as_text=True)
    assert _requests()[0].state is RequestState.PENDING
    assert _decide(client, asked, "accept", "Bienvenue !").status_code == REDIRECT
    assert _requests()[0].reason == "Bienvenue !"


def test_a_decision_without_a_choice_is_asked_again(client, association, member, make_user):
    asked = service.request_membership(make_user("participant"), association, "")
    login(client, member)
    response = client.post(
        f"/organisations/{association.slug}/demandes/{asked.id}", data={"reason": "Bonjour"}
    )
    assert response.status_code == OK
    assert "Choisissez d’accepter ou de refuser." in response.get_data(as_text=True)
    assert _requests()[0].state is RequestState.PENDING


def test_a_too_long_message_is_refused_and_kept(client, association, login_as):
    login_as("participant")
    message = "Bonjour " + "a" * MembershipRequest.MESSAGE_MAX
    response = _ask(client, association, message)
    assert response.status_code == OK
    page = response.get_data(as_text=True)
    assert "caractères" in page and message in page
    assert _requests() == []


def test_a_second_request_is_said_and_not_duplicated(client, association, member, login_as):
    login_as("participant")
    assert _ask(client, association).status_code == REDIRECT
    page = _page(client, f"/organisations/{association.slug}/rejoindre")
    assert "attend déjà une réponse" in page and "Envoyer ma demande" not in page
    response = _ask(client, association, "Une deuxième fois")
    assert response.status_code == OK
    page = response.get_data(as_text=True)
    assert "attend déjà une réponse" in page and "Une deuxième fois" in page
    assert len(_requests()) == 1
    assert len(_notes(member, NotificationKind.MEMBERSHIP_REQUEST)) == 1


def test_a_member_is_told_they_belong_already(client, association, member):
    login(client, member)
    assert "Demander à rejoindre" not in _page(client, f"/organisations/{association.slug}")
    assert "déjà membre" in _page(client, f"/organisations/{association.slug}/rejoindre")
    response = _ask(client, association)
    assert response.status_code == OK
    assert "déjà membre" in response.get_data(as_text=True)
    assert _requests() == []


def test_an_unconfirmed_address_cannot_ask(client, association, make_user):
    person = make_user("participant")
    person.email_confirmed_at = None
    db.session.commit()
    login(client, person)
    page = _page(client, f"/organisations/{association.slug}/rejoindre")
    assert "Confirmez d’abord votre adresse e-mail" in page
    assert "M’envoyer le lien de confirmation" in page
    response = _ask(client, association, "Mon message")
    assert "Confirmez d’abord votre adresse e-mail" in response.get_data(as_text=True)
    assert "Mon message" in response.get_data(as_text=True)
    assert _requests() == []


def test_roles_that_do_not_fit_are_told(client, association, make_organisation, make_user):
    institution = make_organisation(OrganisationKind.INSTITUTION, name="Mairie")
    rep = make_user("institution_rep", organisation=institution)
    login(client, rep)
    assert "Demander à rejoindre" not in _page(client, f"/organisations/{association.slug}")
    response = _ask(client, association)
    assert "compte distinct" in response.get_data(as_text=True)
    member = make_user("association_member", organisation=association)
    login(client, member)
    response = _ask(client, institution)
    assert "compte distinct" in response.get_data(as_text=True)
    assert _requests() == []


def test_admins_attach_themselves_in_the_administration(client, association, login_as):
    login_as("admin")
    page = _page(client, f"/organisations/{association.slug}")
    assert "Demander à rejoindre" not in page
    assert client.get(f"/organisations/{association.slug}/rejoindre").status_code == FORBIDDEN
    assert _ask(client, association).status_code == FORBIDDEN
    assert _requests() == []


def test_visitors_are_sent_to_log_in(client, association):
    assert "Demander à rejoindre" not in _page(client, f"/organisations/{association.slug}")
    response = _ask(client, association)
    assert response.status_code == REDIRECT and "/compte/connexion" in response.location
    assert _requests() == []


def test_the_person_withdraws_their_request(client, association, member, login_as):
    login_as("participant")
    _ask(client, association)
    url = f"/organisations/{association.slug}/rejoindre/retirer"
    assert client.post(url).status_code == REDIRECT
    (asked,) = _requests()
    assert asked.state is RequestState.WITHDRAWN
    page = _page(client, f"/organisations/{association.slug}")
    assert "Votre demande est retirée." in page and "Demander à rejoindre" in page
    client.post(url)
    assert "Aucune demande n’attend de réponse" in _page(
        client, f"/organisations/{association.slug}"
    )
    assert _requests()[0].state is RequestState.WITHDRAWN
    # A withdrawn request is no longer on the members' page, and cannot be decided.
    login(client, member)
    assert "Aucune demande n’attend de réponse" in _page(
        client, f"/organisations/{association.slug}/demandes"
    )
    response = _decide(client, asked, "accept")
    assert response.status_code == REDIRECT
    assert _requests()[0].state is RequestState.WITHDRAWN


def test_who_sees_and_decides(client, association, member, make_organisation, make_user):
    asked = service.request_membership(make_user("participant"), association, "Bonjour")
    requests_url = f"/organisations/{association.slug}/demandes"
    decide_url = f"{requests_url}/{asked.id}"
    other_association = make_organisation(OrganisationKind.ASSOCIATION)
    institution = make_organisation(OrganisationKind.INSTITUTION)
    expected = [
        (make_user("participant"), FORBIDDEN),
        (make_user("association_member", organisation=other_association), FORBIDDEN),
        (make_user("moderator", organisation=other_association), FORBIDDEN),
        (make_user("institution_rep", organisation=institution), FORBIDDEN),
        (make_user("moderator", organisation=association), OK),
        (member, OK),
        (make_user("admin"), OK),
    ]
    for user, status in expected:
        login(client, user)
        assert client.get(requests_url).status_code == status, user.role
        assert client.get(decide_url).status_code == status, user.role
        if status == FORBIDDEN:
            assert _decide(client, asked, "accept").status_code == FORBIDDEN
            assert _requests()[0].state is RequestState.PENDING
    # All waiting requests: admins only.
    assert "Le Relais" in _page(client, "/admin/demandes-adhesion")
    assert "1 demande en attente" in _page(client, "/admin/")
    login(client, member)
    assert client.get("/admin/demandes-adhesion").status_code == FORBIDDEN
    client.post("/compte/deconnexion")
    assert client.get(requests_url).status_code == REDIRECT


def test_a_request_is_decided_under_its_own_organisation(
    client, association, member, make_organisation, make_user
):
    other = make_organisation(OrganisationKind.ASSOCIATION)
    asked = service.request_membership(make_user("participant"), other, "")
    login(client, member)
    url = f"/organisations/{association.slug}/demandes/{asked.id}"
    assert client.get(url).status_code == NOT_FOUND
    assert client.post(url, data={"decision": "accept"}).status_code == NOT_FOUND
    assert client.get(f"/organisations/{association.slug}/demandes/999999").status_code == 404
    assert _requests()[0].state is RequestState.PENDING


def test_an_institution_s_representatives_decide(client, make_organisation, make_user):
    institution = make_organisation(OrganisationKind.INSTITUTION, name="CCAS de Metz")
    rep = make_user("institution_rep", organisation=institution)
    person = make_user("participant")
    login(client, person)
    assert "fonction" in _page(client, f"/organisations/{institution.slug}/rejoindre")
    _ask(client, institution, "Chargée de mission au CCAS")
    (asked,) = _requests()
    assert len(_notes(rep, NotificationKind.MEMBERSHIP_REQUEST)) == 1
    login(client, rep)
    assert _decide(client, asked, "accept").status_code == REDIRECT
    db.session.expire_all()
    person = db.session.get(User, person.id)
    assert person.role is Role.INSTITUTION_REP
    assert institution.id in person.organisation_ids()


def test_an_unverified_institution_s_requests_go_to_the_admins(
    client, make_organisation, make_user
):
    institution = make_organisation(OrganisationKind.INSTITUTION, verified=False)
    rep = make_user("institution_rep", organisation=institution)
    admin = make_user("admin")
    asked = service.request_membership(make_user("participant"), institution, "")
    assert _notes(rep, NotificationKind.MEMBERSHIP_REQUEST) == []
    assert len(_notes(admin, NotificationKind.MEMBERSHIP_REQUEST)) == 1
    login(client, rep)
    assert client.get(f"/organisations/{institution.slug}/demandes").status_code == FORBIDDEN
    login(client, admin)
    assert _decide(client, asked, "accept").status_code == REDIRECT
    assert _requests()[0].state is RequestState.ACCEPTED


def test_a_role_is_never_lowered(association, member, make_organisation, make_user):
    moderator = make_user("moderator", organisation=make_organisation())
    service.decide_membership(
        member, service.request_membership(moderator, association, ""), True, ""
    )
    db.session.expire_all()
    moderator = db.session.get(User, moderator.id)
    assert moderator.role is Role.MODERATOR
    assert association.id in moderator.organisation_ids()
    already = make_user("association_member", organisation=make_organisation())
    service.decide_membership(
        member, service.request_membership(already, association, ""), True, ""
    )
    db.session.expire_all()
    assert db.session.get(User, already.id).role is Role.ASSOCIATION_MEMBER


def test_the_second_of_two_decisions_is_told(association, member, make_user):
    other_member = make_user("association_member", organisation=association)
    person = make_user("participant")
    asked = service.request_membership(person, association, "")
    stale = db.session.get(MembershipRequest, asked.id)
    service.decide_membership(member, asked, True, "")
    with pytest.raises(ServiceError, match="déjà été traitée"):
        service.decide_membership(other_member, stale, False, "Non")
    (asked,) = _requests()
    assert (asked.state, asked.decided_by_id) == (RequestState.ACCEPTED, member.id)
    assert len(_notes(person, NotificationKind.MEMBERSHIP_DECISION)) == 1
    assert _count(AuditEvent, AuditEvent.action == AuditAction.MEMBERSHIP_REQUEST_DECIDED) == 1


def test_two_decisions_at_once_make_one(app, association, member, make_user):
    """While one member's acceptance is being written, another's refusal waits for it, then
    is told the request was already decided: one decision, one notification."""
    other_member = make_user("association_member", organisation=association)
    person = make_user("participant")
    asked = service.request_membership(person, association, "")
    ids = (other_member.id, asked.id)
    outcome = []

    def refuse_in_another_request():
        with app.app_context():
            user, request = db.session.get(User, ids[0]), db.session.get(MembershipRequest, ids[1])
            try:
                service.decide_membership(user, request, False, "Non")
            except ServiceError as error:
                outcome.append(str(error))

    service._claim(member, asked, RequestState.ACCEPTED, "")  # the first, not committed yet
    other = threading.Thread(target=refuse_in_another_request)
    other.start()
    assert wait_until(lambda: running_in(other, "_claim"))  # waiting for our lock
    service._admit(person, association)
    db.session.commit()
    other.join(timeout=10)
    assert outcome == ["Cette demande a déjà été traitée."]
    (asked,) = _requests()
    assert (asked.state, asked.decided_by_id) == (RequestState.ACCEPTED, member.id)
    assert _notes(person, NotificationKind.MEMBERSHIP_DECISION) == []  # the refusal told nobody


def test_the_decision_page_tells_a_request_already_decided(client, association, member, make_user):
    asked = service.request_membership(make_user("participant"), association, "")
    service.decide_membership(make_user("admin"), asked, False, "Doublon")
    login(client, member)
    response = client.get(f"/organisations/{association.slug}/demandes/{asked.id}")
    assert response.status_code == REDIRECT
    assert "déjà été traitée" in _page(client, response.location)


def test_what_people_wrote_is_escaped(client, association, member, make_user):
    person = make_user("participant", pseudonym="Zoé")
    service.request_membership(person, association, XSS)
    login(client, member)
    for url in (f"/organisations/{association.slug}/demandes", "/notifications/"):
        page = _page(client, url)
        assert XSS not in page
    assert "&lt;script&gt;" in _page(client, f"/organisations/{association.slug}/demandes")


def test_the_requests_page_costs_the_same_whatever_their_number(
    client, association, member, make_user
):
    def queries() -> int:
        with count_queries() as statements:
            _page(client, f"/organisations/{association.slug}/demandes")
        return len(statements)

    service.request_membership(make_user("participant"), association, "")
    login(client, member)
    one = queries()
    for _ in range(4):
        service.request_membership(make_user("participant"), association, "")
    assert queries() == one


def test_the_e_mails_are_in_the_recipient_s_language(association, member, make_user):
    from app.models import OutboxEmail

    member.locale = "en"
    db.session.commit()
    person = make_user("participant")
    service.request_membership(person, association, "")
    email = db.session.scalar(sa.select(OutboxEmail).where(OutboxEmail.to_address == member.email))
    assert f"/organisations/{association.slug}/demandes" in email.body
    assert "demande à rejoindre" not in email.body


def test_a_deleted_account_s_requests_go_and_none_is_accepted(association, member, make_user):
    from app.services import privacy
    from tests.conftest import PASSWORD

    person = make_user("participant")
    service.request_membership(person, association, "Mon numéro : 06 12 34 56 78")
    privacy.delete_account(person, PASSWORD, withdraw_contributions=False)
    assert _requests() == []
    blocked = make_user("participant")
    asked = service.request_membership(blocked, association, "")
    blocked.active = False
    db.session.commit()
    with pytest.raises(ServiceError, match="supprimé ou bloqué"):
        service.decide_membership(member, asked, True, "")
    service.decide_membership(member, _requests()[0], False, "Compte bloqué")
    assert _requests()[0].state is RequestState.REFUSED


def test_the_admin_list_costs_the_same_whatever_its_length(
    client, association, make_organisation, make_user
):
    def queries() -> int:
        with count_queries() as statements:
            _page(client, "/admin/demandes-adhesion")
        return len(statements)

    service.request_membership(make_user("participant"), association, "")
    login(client, make_user("admin"))
    one = queries()
    for _ in range(4):
        service.request_membership(make_user("participant"), make_organisation(), "")
    assert queries() == one


def test_two_requests_sent_at_once_make_one(app, association, member, make_user):
    """While one request is being written, the same person's second one waits for it, then
    is told a request waits already: one request, one notification to the member."""
    person = make_user("participant")
    ids = (person.id, association.id)
    outcome = []

    def ask_in_another_request():
        from app.models import Organisation

        with app.app_context():
            user, organisation = db.session.get(User, ids[0]), db.session.get(Organisation, ids[1])
            try:
                service.request_membership(user, organisation, "Deuxième onglet")
            except ServiceError as error:
                outcome.append(str(error))

    service._hold(person)  # the first request, not committed yet
    db.session.add(MembershipRequest(user=person, organisation=association, message="Premier"))
    db.session.flush()
    other = threading.Thread(target=ask_in_another_request)
    other.start()
    assert wait_until(lambda: running_in(other, "_hold") or running_in(other, "flush"))
    db.session.commit()
    other.join(timeout=10)
    assert outcome == ["Votre demande pour rejoindre Le Relais attend déjà une réponse."]
    assert [asked.message for asked in _requests()] == ["Premier"]


def test_a_role_changed_since_the_request_is_told(client, association, member, make_user):
    person = make_user("participant")
    asked = service.request_membership(person, association, "")
    person.role = Role.INSTITUTION_REP  # an admin made them a representative meanwhile
    db.session.commit()
    login(client, member)
    response = _decide(client, asked, "accept", "Bienvenue")
    assert response.status_code == OK
    page = response.get_data(as_text=True)
    assert "ne lui permet pas d’agir pour cette organisation" in page and "Bienvenue" in page
    assert _requests()[0].state is RequestState.PENDING
    db.session.expire_all()
    assert association.id not in db.session.get(User, person.id).organisation_ids()


def test_two_acceptances_at_once_give_one_kind_of_role(
    app, association, member, make_organisation, make_user
):
    """A participant asked an association and an institution; both accept at once. The
    institution's acceptance waits for the association's, then reads the role it gave
    (member of an association) and is refused: the person never ends up both."""
    institution = make_organisation(OrganisationKind.INSTITUTION, name="CCAS de Metz")
    rep = make_user("institution_rep", organisation=institution)
    person = make_user("participant")
    to_association = service.request_membership(person, association, "")
    to_institution = service.request_membership(person, institution, "")
    ids = (rep.id, to_institution.id)
    outcome = []

    def accept_in_another_request():
        with app.app_context():
            user, request = db.session.get(User, ids[0]), db.session.get(MembershipRequest, ids[1])
            try:
                service.decide_membership(user, request, True, "")
            except ServiceError as error:
                outcome.append(str(error))

    service._claim(member, to_association, RequestState.ACCEPTED, "")  # the first, uncommitted
    service._hold(person)
    service._admit(person, association)
    db.session.flush()
    other = threading.Thread(target=accept_in_another_request)
    other.start()
    waits_in = "_hold" if db.engine.dialect.name == "postgresql" else "_claim"
    assert wait_until(lambda: running_in(other, waits_in))  # waiting for our lock
    db.session.commit()
    other.join(timeout=10)
    assert len(outcome) == 1 and "ne lui permet pas d’agir" in outcome[0]
    db.session.expire_all()
    person = db.session.get(User, person.id)
    assert person.role is Role.ASSOCIATION_MEMBER
    assert person.organisation_ids() == {association.id}
    states = {asked.organisation_id: asked.state for asked in _requests()}
    assert states == {association.id: RequestState.ACCEPTED, institution.id: RequestState.PENDING}
