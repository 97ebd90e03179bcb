"""An organisation's official address: set by an admin, private, confirmed by the link
e-mailed to it; an institution is verified only once its address is confirmed."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditAction, AuditEvent, Organisation, OrganisationKind, OutboxEmail, utcnow
from app.services import onboarding
from app.services.notifications import deliver_outbox
from tests.conftest import ROLES, login
from tests.helpers import signed_payload

LINK = re.compile(r"http://voix\.test(/organisations/adresse-officielle/[\w.-]+)")
SECRET = "accueil@mairie-exemple.example.org"


@pytest.fixture
def admin(login_as):
    return login_as("admin")


@pytest.fixture
def institution(make_organisation):
    return make_organisation(OrganisationKind.INSTITUTION, name="CCAS de Metz", verified=False)


def _form(organisation, **changes):
    data = {
        "name": organisation.name,
        "kind": organisation.kind.value,
        "description": "Le centre communal d’action sociale.",
        "official_email": "",
        "official_locale": "fr",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _set_address(client, organisation, email, **changes):
    return client.post(
        f"/admin/organisations/{organisation.id}",
        data=_form(organisation, official_email=email, **changes),
    )


def _links(outbox, to: str) -> list[str]:
    deliver_outbox()
    return [LINK.search(m.get_content()).group(1) for m in outbox if m["To"] == to]


def _audits(action: AuditAction) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def _reload(organisation) -> Organisation:
    db.session.expire_all()
    return db.session.get(Organisation, organisation.id)


# Setting the address


def test_a_new_address_is_unconfirmed_and_gets_its_link(client, admin, institution, outbox):
    response = _set_address(client, institution, "  Accueil@CCAS-Metz.example.org ")
    assert response.status_code == 302
    org = _reload(institution)
    assert org.official_email == "accueil@ccas-metz.example.org"
    assert org.official_email_verified_at is None
    assert len(_links(outbox, "accueil@ccas-metz.example.org")) == 1
    [message] = [m for m in outbox if m["To"] == "accueil@ccas-metz.example.org"]
    assert "CCAS de Metz" in message["Subject"]
    assert "List-Unsubscribe" not in message  # a security e-mail
    [audit] = _audits(AuditAction.OFFICIAL_EMAIL_SET)
    assert "ccas-metz" not in str(audit.details)  # never the address itself
    assert audit.actor_id == admin.id


def test_the_link_is_written_in_the_address_language(client, admin, institution, outbox):
    _set_address(client, institution, "office@ccas.example.org", official_locale="en")
    deliver_outbox()
    [message] = [m for m in outbox if m["To"] == "office@ccas.example.org"]
    assert "confirm the official address" in message["Subject"].lower()
    assert _reload(institution).official_locale == "en"


def test_saving_the_same_address_sends_nothing_new(client, admin, institution, outbox):
    _set_address(client, institution, "accueil@ccas.example.org")
    _set_address(client, institution, "ACCUEIL@ccas.example.org")
    assert len(_links(outbox, "accueil@ccas.example.org")) == 1
    assert len(_audits(AuditAction.OFFICIAL_EMAIL_SET)) == 1


@pytest.mark.parametrize(
    ("email", "locale", "message"),
    [
        ("pas-une-adresse", "fr", "Cette adresse e-mail n’est pas valide."),
        ("a" * 250 + "@x.org", "fr", "254"),
        ("accueil@ccas.example.org", "de", "Choisissez une des langues proposées."),
    ],
)
def test_a_bad_address_is_refused_and_nothing_saved(
    client, admin, institution, email, locale, message
):
    response = _set_address(
        client, institution, email, official_locale=locale, description="Texte <gardé>"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert "Texte &lt;gardé&gt;" in html
    org = _reload(institution)
    assert org.official_email == "" and org.description == ""
    assert db.session.scalar(sa.select(sa.func.count(OutboxEmail.id))) == 0


# Confirming it


def test_the_link_confirms_on_a_button_not_on_opening(client, admin, institution, outbox):
    _set_address(client, institution, "accueil@ccas.example.org")
    [path] = _links(outbox, "accueil@ccas.example.org")
    client.post("/compte/deconnexion")
    page = client.get(path)  # a mail scanner opening the link
    assert page.status_code == 200
    assert "Confirmer cette adresse" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"].startswith("no-store")
    assert _reload(institution).official_email_verified_at is None
    response = client.post(path)
    assert response.status_code == 302
    org = _reload(institution)
    assert org.official_email_verified
    [audit] = _audits(AuditAction.OFFICIAL_EMAIL_VERIFIED)
    assert audit.target_id == org.id and audit.actor_id is None
    again = client.get(path)
    assert "est confirmée depuis le" in again.get_data(as_text=True)
    client.post(path)  # the same link twice: nothing more
    assert len(_audits(AuditAction.OFFICIAL_EMAIL_VERIFIED)) == 1


def test_an_expired_link_confirms_nothing(client, admin, institution, outbox, clock):
    _set_address(client, institution, "accueil@ccas.example.org")
    [path] = _links(outbox, "accueil@ccas.example.org")
    clock.advance(7 * 24 * 3600 + 60)
    for method in ("GET", "POST"):
        response = client.open(path, method=method)
        assert response.status_code == 400
        assert "a expiré" in response.get_data(as_text=True)
    assert _reload(institution).official_email_verified_at is None
    assert _audits(AuditAction.OFFICIAL_EMAIL_VERIFIED) == []


def test_a_link_for_an_address_changed_since_confirms_nothing(client, admin, institution, outbox):
    _set_address(client, institution, "ancienne@ccas.example.org")
    [old_path] = _links(outbox, "ancienne@ccas.example.org")
    _set_address(client, institution, "nouvelle@ccas.example.org")
    response = client.post(old_path)
    assert response.status_code == 400
    assert "a changé depuis l’envoi de ce lien" in response.get_data(as_text=True)
    org = _reload(institution)
    assert org.official_email == "nouvelle@ccas.example.org"
    assert org.official_email_verified_at is None
    [new_path] = _links(outbox, "nouvelle@ccas.example.org")
    assert client.post(new_path).status_code == 302
    assert _reload(institution).official_email_verified


def test_the_link_does_not_carry_the_address(client, admin, institution, outbox):
    """A signed link is only base64: it carries a keyed digest, never the address."""
    _set_address(client, institution, "accueil@ccas.example.org")
    [path] = _links(outbox, "accueil@ccas.example.org")
    payload = signed_payload(path.rsplit("/", 1)[1])
    assert "accueil" not in payload and "ccas.example.org" not in payload
    assert client.post(path).status_code == 302
    assert _reload(institution).official_email_verified


def test_changing_a_confirmed_address_unconfirms_it(client, admin, institution, outbox):
    _set_address(client, institution, "accueil@ccas.example.org")
    [path] = _links(outbox, "accueil@ccas.example.org")
    client.post(path)
    assert _reload(institution).official_email_verified
    _set_address(client, institution, "autre@ccas.example.org")
    org = _reload(institution)
    assert org.official_email_verified_at is None and not org.official_email_verified


@pytest.mark.parametrize(
    "token",
    ["inconnu", "eyJvIjoxLCJlIjoiYUBiLmMifQ.ZZZZZZ.forged-signature-here"],
)
def test_a_forged_link_confirms_nothing(client, institution, token):
    for method in ("GET", "POST"):
        response = client.open(f"/organisations/adresse-officielle/{token}", method=method)
        assert response.status_code == 400
        assert "n’est pas valide" in response.get_data(as_text=True)
    assert _audits(AuditAction.OFFICIAL_EMAIL_VERIFIED) == []


def test_a_link_signed_for_another_purpose_confirms_nothing(client, app, institution):
    from itsdangerous import URLSafeTimedSerializer

    institution.official_email = "accueil@ccas.example.org"
    db.session.commit()
    other = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="notifications-unsubscribe")
    token = other.dumps({"o": institution.id, "e": "accueil@ccas.example.org"})
    assert client.post(f"/organisations/adresse-officielle/{token}").status_code == 400
    assert _reload(institution).official_email_verified_at is None


@pytest.mark.parametrize("role", ROLES)
def test_anyone_holding_the_link_may_confirm(client, make_user, institution, role):
    """The link is the proof: no login needed, and any login works the same."""
    institution.official_email = "accueil@ccas.example.org"
    db.session.commit()
    if role != "visitor":
        login(client, make_user(role))
    with client.application.test_request_context():
        path = onboarding.official_link(institution).removeprefix("http://voix.test")
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302
    assert _reload(institution).official_email_verified


# Resending the link


def test_admin_resends_the_link(client, admin, institution, outbox):
    _set_address(client, institution, "accueil@ccas.example.org")
    page = client.get(f"/admin/organisations/{institution.id}").get_data(as_text=True)
    assert "en attente de confirmation" in page and "Renvoyer le lien" in page
    response = client.post(f"/admin/organisations/{institution.id}/adresse-officielle/renvoyer")
    assert response.status_code == 302
    assert len(_links(outbox, "accueil@ccas.example.org")) == 2


def test_resending_without_an_address_says_so(client, admin, institution):
    response = client.post(
        f"/admin/organisations/{institution.id}/adresse-officielle/renvoyer",
        follow_redirects=True,
    )
    assert "n’a pas d’adresse officielle" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(OutboxEmail.id))) == 0


def test_admin_list_shows_each_address_state(client, admin, make_organisation, clock):
    make_organisation(OrganisationKind.INSTITUTION, name="Sans adresse")
    make_organisation(
        OrganisationKind.INSTITUTION, name="En attente", official_email="a@example.org"
    )
    from app.models import utcnow

    make_organisation(
        OrganisationKind.INSTITUTION,
        name="Confirmée",
        official_email="b@example.org",
        official_email_verified_at=utcnow(),
    )
    html = client.get("/admin/organisations").get_data(as_text=True)
    assert "aucune" in html
    assert "en attente de confirmation" in html and "renvoyer le lien" in html
    assert "vérifiée le" in html
    assert "a@example.org" not in html  # the list shows the state only


# Verification of an institution


def test_an_institution_is_not_verified_before_its_address_is_confirmed(
    client, admin, institution, outbox
):
    response = _set_address(
        client, institution, "accueil@ccas.example.org", verified="y", description="Gardé"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "une fois son adresse officielle confirmée" in html
    assert "Gardé" in html and "accueil@ccas.example.org" in html
    org = _reload(institution)
    assert not org.verified and org.official_email == ""  # nothing saved, not even the address
    assert db.session.scalar(sa.select(sa.func.count(OutboxEmail.id))) == 0


def test_a_new_institution_cannot_be_created_verified(client, admin):
    response = client.post(
        "/admin/organisations/nouvelle",
        data={"name": "CAF de la Moselle", "kind": "institution", "verified": "y"},
    )
    assert response.status_code == 200
    assert "indiquez d’abord cette adresse" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 0


def test_an_institution_is_verified_once_its_address_is_confirmed(
    client, admin, institution, outbox
):
    _set_address(client, institution, "accueil@ccas.example.org")
    [path] = _links(outbox, "accueil@ccas.example.org")
    client.post(path)
    response = _set_address(client, institution, "accueil@ccas.example.org", verified="y")
    assert response.status_code == 302
    assert _reload(institution).verified
    assert len(_audits(AuditAction.ORGANISATION_VERIFIED)) == 1


def test_an_institution_verified_before_stays_verified(client, admin, make_organisation):
    """Institutions verified before the rule (the 2015 record's) keep their verification."""
    org = make_organisation(OrganisationKind.INSTITUTION, name="Ville de Metz", verified=True)
    response = _set_address(client, org, "", verified="y", description="Mise à jour")
    assert response.status_code == 302
    org = _reload(org)
    assert org.verified and org.description == "Mise à jour"


# Private everywhere but the admin's pages


def test_the_address_never_shows_in_public(client, make_organisation, make_user):
    org = make_organisation(
        OrganisationKind.INSTITUTION,
        name="Mairie exemple",
        official_email=SECRET,
        contact_email="public@mairie.example.org",
    )
    urls = [
        "/organisations/",
        f"/organisations/{org.slug}",
        "/api/v1/organisations",
        f"/api/v1/organisations/{org.id}",
        "/donnees/organisations.csv",
        "/donnees/organisations.json",
        "/recherche?q=Mairie",
        "/recherche?q=accueil",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        assert SECRET not in body and "mairie-exemple" not in body, url
    assert "public@mairie.example.org" in client.get(f"/organisations/{org.slug}").get_data(
        as_text=True
    )
    # A representative's own data export holds their organisations, not the address.
    login(client, make_user("institution_rep", organisation=org))
    export = client.get("/compte/mes-donnees.json").get_data(as_text=True)
    assert SECRET not in export
    # Their page for editing the organisation's directory entry does not show it either.
    edit = client.get(f"/organisations/{org.slug}/modifier").get_data(as_text=True)
    assert SECRET not in edit


# The demonstration


def test_the_demo_invents_no_address_for_real_institutions(app):
    """The 2015 record's institutions are real: no official address is made up for them;
    the example edition's invented ones have confirmed example.org addresses."""
    from app.services.demo import load_demo
    from app.services.examples import load_examples

    load_demo()
    load_examples()
    institutions = db.session.scalars(
        sa.select(Organisation).where(Organisation.kind == OrganisationKind.INSTITUTION)
    ).all()
    real = [org for org in institutions if not org.example]
    invented = [org for org in institutions if org.example]
    assert real and invented
    assert all(org.official_email == "" for org in real)
    assert all(org.official_email.endswith("@example.org") for org in invented)
    assert all(org.official_email_verified for org in invented)


def test_an_admin_starts_the_stopped_follow_up_emails_again(client, admin, institution):
    """Stopped by the link at the foot of an e-mail (by mistake, or asked again by phone):
    the admin's page says since when, and one button starts them again, audited."""
    institution.digest_stopped_at = utcnow()
    db.session.commit()
    page = client.get(f"/admin/organisations/{institution.id}").get_data(as_text=True)
    assert "sont arrêtés depuis le" in page
    url = f"/admin/organisations/{institution.id}/suivi/reprendre"
    assert client.post(url).status_code == 302
    db.session.refresh(institution)
    assert institution.digest_stopped_at is None
    audit = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert audit.action is AuditAction.ORGANISATION_UPDATED
    assert audit.details == {"fields": ["digest_stopped_at"]}
    page = client.get(f"/admin/organisations/{institution.id}").get_data(as_text=True)
    assert "sont arrêtés depuis le" not in page
    # Not stopped: said, nothing written.
    response = client.post(url, follow_redirects=True)
    assert "ne sont pas arrêtés" in response.get_data(as_text=True)
