"""Invitations: an admin invites a representative or a member by e-mail; the link creates
the account already attached to the organisation, or lets an existing account join."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditAction,
    AuditEvent,
    Invitation,
    OrganisationKind,
    OutboxEmail,
    Role,
    User,
    utcnow,
)
from app.services import onboarding, privacy
from app.services.notifications import deliver_outbox
from tests.conftest import PASSWORD, ROLES, login
from tests.helpers import count_queries

LINK = re.compile(r"http://voix\.test(/invitation/[\w-]+)")
INVITEE = "camille@ccas.example.org"
INBOX = "/espace-institution"


@pytest.fixture
def admin(login_as):
    return login_as("admin")


@pytest.fixture
def institution(make_organisation):
    return make_organisation(OrganisationKind.INSTITUTION, name="CCAS de Metz")


@pytest.fixture
def association(make_organisation):
    return make_organisation(OrganisationKind.ASSOCIATION, name="Les Restos du Cœur")


def _invite(client, organisation, email=INVITEE, role="institution_rep"):
    return client.post(
        "/admin/invitations",
        data={"email": email, "organisation_id": str(organisation.id), "role": role},
    )


def _links(outbox, to: str = INVITEE) -> list[str]:
    deliver_outbox()
    return [LINK.search(m.get_content()).group(1) for m in outbox if m["To"] == to]


def _invited(client, outbox, organisation, **kwargs) -> str:
    """Invite as the logged-in admin, log out, and return the e-mailed link's path."""
    assert _invite(client, organisation, **kwargs).status_code == 302
    [path] = _links(outbox, kwargs.get("email", INVITEE))
    client.post("/compte/deconnexion")
    return path


def _account(**changes) -> dict:
    data = {
        "pseudonym": "Camille du CCAS",
        "password": "une phrase longue et facile",
        "password_confirm": "une phrase longue et facile",
        "accept_charter": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id)))


def _audits(action: AuditAction) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def _user(email: str = INVITEE) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def _invitation() -> Invitation:
    db.session.expire_all()
    return db.session.scalar(sa.select(Invitation))


# Sending


def test_admin_invites_a_representative(client, admin, institution, outbox):
    response = _invite(client, institution, email="  Camille@CCAS.example.org ")
    assert response.status_code == 302
    invitation = _invitation()
    assert invitation.email == INVITEE
    assert invitation.role is Role.INSTITUTION_REP
    assert invitation.invited_by_id == admin.id
    days = client.application.config["INVITATION_DAYS"]
    assert abs(invitation.expires_at - (utcnow() + timedelta(days=days))) < timedelta(minutes=1)
    [path] = _links(outbox)
    token = path.rsplit("/", 1)[1]
    assert invitation.token_hash == onboarding.token_hash(token)  # only the hash is stored
    assert token not in invitation.token_hash
    [message] = [m for m in outbox if m["To"] == INVITEE]
    assert "CCAS de Metz" in message["Subject"]
    assert "Représentant" in message.get_content()
    [audit] = _audits(AuditAction.INVITATION_SENT)
    assert audit.details == {"organisation_id": institution.id, "role": "institution_rep"}
    page = client.get("/admin/invitations").get_data(as_text=True)
    assert INVITEE in page and "en attente, jusqu’au" in page


@pytest.mark.parametrize(
    ("email", "role", "kind", "message"),
    [
        ("pas-une-adresse", "institution_rep", "institution", "n’est pas valide"),
        ("", "institution_rep", "institution", "Indiquez l’adresse e-mail"),
        ("a@b.example.org", "moderator", "institution", "Une institution accueille des"),
        ("a@b.example.org", "institution_rep", "association", "Une association accueille"),
        ("a@b.example.org", "admin", "association", "Choisissez un des rôles proposés."),
    ],
)
def test_a_bad_invitation_is_refused_and_nothing_sent(
    client, admin, institution, association, email, role, kind, message
):
    organisation = institution if kind == "institution" else association
    response = _invite(client, organisation, email=email, role=role)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    if email:
        assert f'value="{email}"' in html  # the text typed is kept
    assert _count(Invitation) == 0 and _count(OutboxEmail) == 0


def test_no_organisation_chosen_is_refused(client, admin):
    response = client.post(
        "/admin/invitations", data={"email": INVITEE, "organisation_id": "", "role": "moderator"}
    )
    assert "Choisissez une organisation de la liste." in response.get_data(as_text=True)
    assert _count(Invitation) == 0


def test_an_address_already_a_member_is_not_invited(client, admin, institution, make_user):
    make_user("institution_rep", organisation=institution, email=INVITEE)
    response = _invite(client, institution, email=INVITEE.upper())
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "déjà membre de CCAS de Metz" in html
    assert INVITEE.upper() in html
    assert _count(Invitation) == 0 and _count(OutboxEmail) == 0


@pytest.mark.parametrize(
    ("role", "kind"), [("moderator", "institution"), ("institution_rep", "association")]
)
def test_an_account_of_the_other_kind_is_not_invited(
    client, admin, institution, association, make_user, role, kind
):
    """One account, one role: an association's moderator cannot become an institution's
    representative by an invitation, nor the other way round."""
    make_user(role, email=INVITEE)
    organisation, invited = (
        (institution, "institution_rep") if kind == "institution" else (association, "moderator")
    )
    response = _invite(client, organisation, role=invited)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "un même compte ne peut pas être à la fois" in html
    assert _count(Invitation) == 0 and _count(OutboxEmail) == 0


def test_a_second_pending_invitation_is_not_sent(client, admin, institution, outbox):
    _invite(client, institution)
    response = _invite(client, institution)
    assert response.status_code == 200
    assert "Une invitation attend déjà cette adresse" in response.get_data(as_text=True)
    assert _count(Invitation) == 1
    assert len(_links(outbox)) == 1


def test_resending_gives_a_new_link_and_the_old_one_stops(client, admin, institution, outbox):
    _invite(client, institution)
    [old] = _links(outbox)
    invitation = _invitation()
    response = client.post(f"/admin/invitations/{invitation.id}/renvoyer")
    assert response.status_code == 302
    old_link, new = _links(outbox)
    assert old_link == old and new != old
    assert client.get(old).status_code == 400
    client.post("/compte/deconnexion")
    assert client.get(new).status_code == 200
    assert len(_audits(AuditAction.INVITATION_SENT)) == 2


def test_revoked_invitation_no_longer_works(client, admin, institution, outbox):
    _invite(client, institution)
    [path] = _links(outbox)
    invitation = _invitation()
    assert client.post(f"/admin/invitations/{invitation.id}/revoquer").status_code == 302
    assert "révoquée le" in client.get("/admin/invitations").get_data(as_text=True)
    [audit] = _audits(AuditAction.INVITATION_REVOKED)
    assert audit.target_id == invitation.id
    client.post("/compte/deconnexion")
    for method in ("GET", "POST"):
        response = client.open(path, method=method, data=_account())
        assert response.status_code == 400
        assert "annulée" in response.get_data(as_text=True)
    assert _user() is None
    # A revoked invitation no longer blocks a new one.
    login(client, admin)
    assert _invite(client, institution).status_code == 302
    assert _count(Invitation) == 2


# Accepting without an account


def test_the_link_creates_the_account_already_attached(client, admin, institution, outbox):
    path = _invited(client, outbox, institution)
    page = client.get(path)
    assert page.status_code == 200
    assert INVITEE in page.get_data(as_text=True)
    assert _user() is None  # opening the link creates nothing
    response = client.post(path, data=_account())
    assert response.status_code == 302
    # A representative lands in the institution's inbox when the site has one.
    inbox = [r.rule for r in client.application.url_map.iter_rules() if r.rule == INBOX]
    assert response.headers["Location"] == (inbox[0] if inbox else "/")
    user = _user()
    assert user.role is Role.INSTITUTION_REP
    assert user.email_confirmed_at is not None
    assert [org.id for org in user.organisations] == [institution.id]
    invitation = _invitation()
    assert invitation.accepted_at is not None and invitation.user_id == user.id
    [audit] = _audits(AuditAction.USER_MEMBERSHIPS_CHANGED)
    assert audit.actor_id == user.id and audit.details["added"] == [institution.id]
    home = client.get("/").get_data(as_text=True)
    assert "Camille du CCAS" in home  # logged in
    # Single use: the link has served.
    client.post("/compte/deconnexion")
    again = client.post(path, data=_account(pseudonym="Quelqu’un d’autre"))
    assert again.status_code == 400
    assert "déjà servi" in again.get_data(as_text=True)
    assert _count(User) == 2  # the admin and Camille


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pseudonym": ""}, "Choisissez un pseudonyme."),
        ({"password": "court", "password_confirm": "court"}, "caractères"),
        ({"password_confirm": "autre chose encore"}, "ne sont pas identiques"),
        ({"accept_charter": None}, "Vous devez accepter la charte"),
        ({"pseudonym": "admin-1"}, "Ce pseudonyme est déjà pris"),
    ],
)
def test_a_bad_account_form_creates_nothing(client, admin, institution, outbox, changes, message):
    path = _invited(client, outbox, institution)
    data = _account(**changes)
    response = client.post(path, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    if data.get("pseudonym"):
        assert f'value="{data["pseudonym"]}"' in html
    assert _user() is None
    assert _invitation().accepted_at is None


def test_an_expired_invitation_creates_nothing(client, admin, institution, outbox, clock):
    path = _invited(client, outbox, institution)
    clock.advance(client.application.config["INVITATION_DAYS"] * 24 * 3600 + 60)
    response = client.post(path, data=_account())
    assert response.status_code == 400
    assert "a expiré" in response.get_data(as_text=True)
    assert _user() is None
    login(client, admin)
    assert "expirée le" in client.get("/admin/invitations").get_data(as_text=True)


@pytest.mark.parametrize("token", ["inconnu", "x" * 43, "y" * 500])
def test_an_unknown_invitation_is_a_clear_page(client, token):
    for method in ("GET", "POST"):
        response = client.open(f"/invitation/{token}", method=method, data=_account())
        assert response.status_code == 400
        assert "n’est pas valide" in response.get_data(as_text=True)
    assert _count(User) == 0


def test_a_member_invited_to_an_association(client, admin, association, outbox):
    path = _invited(client, outbox, association, role="moderator")
    client.post(path, data=_account(pseudonym="Camille"))
    user = _user()
    assert user.role is Role.MODERATOR
    assert [org.id for org in user.organisations] == [association.id]


# Accepting with an account


def test_an_existing_account_is_asked_to_log_in_then_joins(
    client, admin, institution, outbox, make_user
):
    person = make_user("participant", email=INVITEE)
    path = _invited(client, outbox, institution)
    page = client.get(path).get_data(as_text=True)
    assert "Un compte existe déjà" in page and "/compte/connexion?next=" in page
    assert client.post(path, data=_account()).status_code == 200  # no account made
    assert _count(User) == 2
    login(client, person)
    assert "Rejoindre CCAS de Metz" in client.get(path).get_data(as_text=True)
    assert _user().organisations == []  # the GET joined nothing
    response = client.post(path)
    assert response.status_code == 302
    user = _user()
    assert user.role is Role.INSTITUTION_REP  # raised from participant
    assert [org.id for org in user.organisations] == [institution.id]
    assert _invitation().user_id == user.id
    assert [a.details["to"] for a in _audits(AuditAction.USER_ROLE_CHANGED)] == ["institution_rep"]
    assert client.post(path).status_code == 400  # used


def test_an_admin_joining_stays_an_admin(client, admin, association, outbox, make_user):
    other_admin = make_user("admin", email=INVITEE)
    path = _invited(client, outbox, association, role="association_member")
    login(client, other_admin)
    client.post(path)
    user = _user()
    assert user.role is Role.ADMIN
    assert [org.id for org in user.organisations] == [association.id]
    assert _audits(AuditAction.USER_ROLE_CHANGED) == []


def test_someone_else_logged_in_is_told_and_nothing_happens(
    client, admin, institution, outbox, make_user
):
    path = _invited(client, outbox, institution)
    login(client, make_user("participant"))
    for method in ("GET", "POST"):
        response = client.open(path, method=method, data=_account())
        assert response.status_code == 200
        assert "un autre compte que celui de l’invitation" in response.get_data(as_text=True)
    assert _user() is None
    assert _invitation().accepted_at is None


def test_a_service_call_twice_accepts_once(client, admin, institution, outbox, make_user):
    """Two clicks at once: the conditional update lets one through."""
    person = make_user("participant", email=INVITEE)
    _invite(client, institution)
    invitation = _invitation()
    onboarding.accept_as_account(person, invitation)
    with pytest.raises(onboarding.ServiceError):
        onboarding.accept_as_account(person, invitation)
    assert len(_audits(AuditAction.USER_MEMBERSHIPS_CHANGED)) == 1


def test_a_role_changed_since_the_invitation_is_refused_at_acceptance(
    client, admin, institution, outbox, make_user
):
    """Invited as a participant to an institution, made an association member meanwhile:
    the same refusal as at sending, and nothing changes."""
    person = make_user("participant", email=INVITEE)
    path = _invited(client, outbox, institution)
    person.role = Role.ASSOCIATION_MEMBER
    db.session.commit()
    login(client, person)
    response = client.post(path, follow_redirects=True)
    assert "un même compte ne peut pas être à la fois" in response.get_data(as_text=True)
    user = _user()
    assert user.role is Role.ASSOCIATION_MEMBER
    assert user.organisations == []
    assert _invitation().accepted_at is None
    assert _audits(AuditAction.USER_MEMBERSHIPS_CHANGED) == []


# The admin's list


def test_the_list_runs_the_same_queries_with_more_invitations(client, admin, make_organisation):
    def add(n):
        for i in range(n):
            org = make_organisation(OrganisationKind.ASSOCIATION)
            db.session.add(
                Invitation(
                    email=f"p{org.id}-{i}@example.org",
                    organisation=org,
                    role=Role.ASSOCIATION_MEMBER,
                    token_hash=f"{org.id:064d}",
                    expires_at=utcnow() + timedelta(days=i - 1),
                    accepted_at=utcnow() if i == 2 else None,
                    revoked_at=utcnow() if i == 3 else None,
                )
            )
        db.session.commit()

    def queries() -> int:
        client.get("/admin/invitations")
        db.session.expire_all()
        with count_queries() as statements:
            assert client.get("/admin/invitations").status_code == 200
        return len(statements)

    add(4)
    small = queries()
    add(30)
    assert queries() == small


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_manage_invitations(client, make_user, institution, role):
    invitation = Invitation(
        email=INVITEE,
        organisation=institution,
        role=Role.INSTITUTION_REP,
        token_hash="0" * 64,
        expires_at=utcnow() + timedelta(days=3),
    )
    db.session.add(invitation)
    db.session.commit()
    if role != "visitor":
        login(client, make_user(role))
    for url in (
        f"/admin/invitations/{invitation.id}/renvoyer",
        f"/admin/invitations/{invitation.id}/revoquer",
    ):
        response = client.post(url)
        expected = 302 if role in ("admin", "visitor") else 403
        assert response.status_code == expected
    db.session.expire_all()
    invitation = db.session.get(Invitation, invitation.id)
    assert (invitation.revoked_at is not None) == (role == "admin")
    assert _count(OutboxEmail) == (1 if role == "admin" else 0)


def test_the_accepted_password_logs_in(client, admin, institution, outbox):
    path = _invited(client, outbox, institution)
    client.post(path, data=_account())
    client.post("/compte/deconnexion")
    response = client.post(
        "/compte/connexion", data={"email": INVITEE, "password": "une phrase longue et facile"}
    )
    assert response.status_code == 302


def test_a_deleted_account_leaves_no_invitation_behind(client, admin, institution, outbox):
    """The accepted invitation holds the address: it goes with the account; the admin's
    own data export never holds the addresses they invited."""
    path = _invited(client, outbox, institution)
    client.post(path, data=_account())
    client.post("/compte/deconnexion")
    login(client, admin)
    export = client.get("/compte/mes-donnees.json").get_data(as_text=True)
    assert INVITEE not in export
    privacy.delete_account(_user(), "une phrase longue et facile", withdraw_contributions=False)
    assert _count(Invitation) == 0


def test_a_deleted_account_leaves_no_invitation_to_its_address(
    client, admin, institution, association, outbox, make_user
):
    """Invitations sent to the account's address and never taken go with the account too;
    another address's stays."""
    person = make_user("participant", email=INVITEE)
    _invite(client, institution)
    _invite(client, association, role="association_member")
    _invite(client, association, email="autre@example.org", role="association_member")
    assert _count(Invitation) == 3
    privacy.delete_account(person, PASSWORD, withdraw_contributions=False)
    db.session.expire_all()
    assert [row.email for row in db.session.scalars(sa.select(Invitation))] == ["autre@example.org"]


def onboarding_links(world) -> dict:
    """For the accessibility pages (tests/browser/test_accessibility.py): a pending
    invitation to the world's institution and a genuine link confirming its official
    address, as the tokens of their URLs."""
    token = "invitation-accessibilite-" + "0" * 20
    institution = world["institution"]
    institution.official_email = "accueil@ddcs.example.org"
    db.session.add(
        Invitation(
            email="invitee@example.org",
            organisation=institution,
            role=Role.INSTITUTION_REP,
            token_hash=onboarding.token_hash(token),
            expires_at=utcnow() + timedelta(days=14),
        )
    )
    db.session.commit()
    official = onboarding.official_link(institution).rsplit("/", 1)[1]
    return {"invitation_token": token, "official_token": official}
