"""An account acts in an organisation's name only once its e-mail address is confirmed:
what an unconfirmed member is refused (and told), the link e-mailed to their own address,
its bad forms (forged, expired, for an address since changed), and every way an account
is made leaves it confirmed."""

import re

import pytest
import sqlalchemy as sa

from app import policy
from app.extensions import db
from app.models import (
    Contribution,
    OfficialResponse,
    OrganisationKind,
    OutboxEmail,
    Proposal,
    ProposalStatus,
    User,
    utcnow,
)
from app.services import accounts
from app.services.email_confirmation import confirmation_token
from app.services.notifications import deliver_outbox
from tests.conftest import login as _login
from tests.helpers import signed_payload
from tests.test_accounts import confirm_registration, register_data

OK, REDIRECT, BAD, FORBIDDEN = 200, 302, 400, 403
LINK = re.compile(r"http://voix\.test(/compte/confirmer-adresse/[\w.-]+)")
NOTICE = "Confirmez votre adresse e-mail pour agir au nom de"


def login(client, user) -> None:
    client.post("/compte/deconnexion")
    _login(client, user)


def _unconfirmed(user) -> User:
    user.email_confirmed_at = None
    db.session.commit()
    return user


def _fresh(user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _links_to(email: str) -> list[str]:
    bodies = db.session.scalars(sa.select(OutboxEmail.body).where(OutboxEmail.to_address == email))
    return [LINK.search(body).group(1) for body in bodies]


@pytest.fixture
def association(make_organisation):
    return make_organisation(OrganisationKind.ASSOCIATION, name="Le Relais")


@pytest.fixture
def institution(make_organisation):
    return make_organisation(OrganisationKind.INSTITUTION, name="DDCS de la Moselle")


def _proposal_form(association, theme, institution) -> dict:
    return {
        "title": "Ouvrir des bains-douches gratuits",
        "body": "Des bains-douches et des toilettes publiques gratuits en centre-ville.",
        "theme_id": theme.id,
        "organisation_id": association.id,
        "institution_ids": [institution.id],
    }


def test_an_unconfirmed_member_files_nothing_until_confirmed(
    client, association, institution, make_user, make_theme
):
    member = _unconfirmed(make_user("association_member", organisation=association))
    theme = make_theme()
    login(client, member)
    response = client.get("/propositions/nouvelle")
    assert response.status_code == FORBIDDEN
    page = response.get_data(as_text=True)
    assert f"{NOTICE} Le Relais." in page and "M’envoyer le lien de confirmation" in page
    form = _proposal_form(association, theme, institution)
    assert client.post("/propositions/nouvelle", data=form).status_code == FORBIDDEN
    assert _count(Proposal) == 0
    # Their account page says so, with the button.
    page = client.get("/compte/preferences").get_data(as_text=True)
    assert f"{NOTICE} Le Relais." in page and "pas encore confirmée" in page
    assert NOTICE in client.get(f"/organisations/{association.slug}").get_data(as_text=True)
    # The link, e-mailed to their own address only.
    response = client.post("/compte/confirmer-adresse", data={"next": "/propositions/nouvelle"})
    assert response.status_code == REDIRECT and response.location.endswith("/propositions/nouvelle")
    (path,) = _links_to(member.email)
    assert _count(OutboxEmail) == 1
    body = db.session.scalar(sa.select(OutboxEmail.body))
    assert "desabonnement" not in body  # a security e-mail
    # Opening it changes nothing until the button is pressed (mail scanners open links).
    assert "Confirmer mon adresse" in client.get(path).get_data(as_text=True)
    assert _fresh(member).email_confirmed_at is None
    assert client.post(path).status_code == REDIRECT
    assert _fresh(member).email_confirmed_at is not None
    assert "Votre adresse e-mail est confirmée." in client.get("/compte/preferences").get_data(
        as_text=True
    )
    assert client.get("/propositions/nouvelle").status_code == OK
    assert client.post("/propositions/nouvelle", data=form).status_code == REDIRECT
    assert _count(Proposal) == 1


def test_an_unconfirmed_representative_responds_once_confirmed(
    client, institution, make_user, make_proposal
):
    rep = _unconfirmed(make_user("institution_rep", organisation=institution))
    proposal = make_proposal(status=ProposalStatus.SENT, institutions=[institution])
    url = f"/propositions/{proposal.id}/reponses/{institution.id}"
    form = {"position": "favourable", "body": "Nous ouvrirons deux bâtiments vides."}
    login(client, rep)
    response = client.get(url)
    assert response.status_code == FORBIDDEN
    assert f"{NOTICE} DDCS de la Moselle." in response.get_data(as_text=True)
    assert client.post(url, data=form).status_code == FORBIDDEN
    assert _count(OfficialResponse) == 0
    client.post("/compte/confirmer-adresse")
    (path,) = _links_to(rep.email)
    client.post(path)
    assert client.post(url, data=form).status_code == REDIRECT
    assert _count(OfficialResponse) == 1


def test_everything_else_stays_allowed(client, association, make_user, make_proposal):
    member = _unconfirmed(make_user("association_member", organisation=association))
    proposal = make_proposal(organisation=association)
    login(client, member)
    response = client.post(
        f"/propositions/{proposal.id}/commentaires",
        data={"body": "Un texte assez long, sans coordonnées.", "display_mode": "pseudonym"},
    )
    assert response.status_code == REDIRECT
    assert _count(Contribution) == 1
    assert client.get("/notifications/").status_code == OK


def test_the_policy_holds_back_unconfirmed_accounts(association, institution, make_user):
    member = make_user("association_member", organisation=association)
    rep = make_user("institution_rep", organisation=institution)
    assert policy.association_memberships(member) == [association]
    assert policy.institution_memberships(rep) == [institution]
    assert policy.awaiting_confirmation(member) == []
    for user in (member, rep):
        _unconfirmed(user)
    assert policy.association_memberships(member) == []
    assert policy.institution_memberships(rep) == []
    assert not policy.can_create_proposal(member)
    assert not policy.can_record_assisted(member)
    assert not policy.can_edit_organisation(member, association)
    assert policy.awaiting_confirmation(member) == [association]
    assert policy.awaiting_confirmation(rep) == [institution]
    assert policy.can_contribute(member)


def test_a_forged_or_expired_link_confirms_nothing(client, clock, association, make_user):
    member = _unconfirmed(make_user("association_member", organisation=association))
    token = confirmation_token(member)
    for bad in ("inconnu", token[:-2] + "xx"):
        response = client.post(f"/compte/confirmer-adresse/{bad}")
        assert response.status_code == BAD
        assert "Ce lien ne fonctionne plus" in response.get_data(as_text=True)
    clock.advance(48 * 3600 + 60)
    assert client.get(f"/compte/confirmer-adresse/{token}").status_code == BAD
    assert client.post(f"/compte/confirmer-adresse/{token}").status_code == BAD
    assert _fresh(member).email_confirmed_at is None


def test_a_link_for_an_address_since_changed_confirms_nothing(client, association, make_user):
    member = _unconfirmed(make_user("association_member", organisation=association))
    token = confirmation_token(member)
    member.email = "nouvelle@example.org"
    db.session.commit()
    assert client.post(f"/compte/confirmer-adresse/{token}").status_code == BAD
    assert _fresh(member).email_confirmed_at is None


def test_the_link_does_not_carry_the_address(client, association, make_user):
    """A signed link is only base64: it carries a keyed digest, never the address."""
    member = _unconfirmed(make_user("association_member", organisation=association))
    token = confirmation_token(member)
    local, domain = member.email.split("@")
    payload = signed_payload(token)
    assert local not in payload and domain not in payload
    assert client.post(f"/compte/confirmer-adresse/{token}").status_code == REDIRECT
    assert _fresh(member).email_confirmed_at is not None


def test_the_link_works_without_being_logged_in(client, association, make_user):
    member = _unconfirmed(make_user("association_member", organisation=association))
    other = make_user("participant")
    login(client, other)  # someone else's session: the link confirms its own account
    path = f"/compte/confirmer-adresse/{confirmation_token(member)}"
    assert client.post(path).status_code == REDIRECT
    assert _fresh(member).email_confirmed_at is not None
    client.post("/compte/deconnexion")
    assert client.post(path).status_code == REDIRECT  # again: nothing changes


def test_a_confirmed_address_gets_no_link(client, make_user):
    login(client, make_user("participant"))
    response = client.post("/compte/confirmer-adresse", follow_redirects=True)
    assert "déjà confirmée" in response.get_data(as_text=True)
    assert _count(OutboxEmail) == 0


def test_the_button_does_not_follow_links_elsewhere(client, association, make_user):
    login(client, _unconfirmed(make_user("association_member", organisation=association)))
    response = client.post("/compte/confirmer-adresse", data={"next": "https://ailleurs.example"})
    assert response.location.endswith("/compte/preferences")


def test_the_link_is_e_mailed_in_the_account_s_language(client, association, make_user):
    member = _unconfirmed(make_user("association_member", organisation=association))
    member.locale = "en"
    db.session.commit()
    login(client, member)
    client.post("/compte/confirmer-adresse")
    email = db.session.scalar(sa.select(OutboxEmail))
    assert email.to_address == member.email
    assert "Voix solidaires" in email.subject and "confirmez" not in email.subject


def test_every_new_account_is_confirmed(client, outbox):
    client.post("/compte/inscription", data=register_data())
    confirm_registration(client, outbox)
    deliver_outbox()
    registered = db.session.scalar(sa.select(User).where(User.email == "alice@example.org"))
    assert registered.email_confirmed_at is not None
    admin = accounts.create_admin("admin@example.org", "Coordination", "une phrase assez longue")
    assert admin.email_confirmed_at is not None
    assert admin.email_confirmed_at <= utcnow()
