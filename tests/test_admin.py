"""Administration: organisations and verification, roles and memberships, workshops."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Organisation, OrganisationKind, Role, Theme, User, utcnow


@pytest.fixture
def admin(login_as):
    return login_as("admin")


def test_admin_creates_and_verifies_an_institution(client, admin):
    data = {
        "name": "CAF de la Moselle",
        "kind": "institution",
        "website": "https://www.caf.fr",
        "contact_email": "contact@caf.example",
        "official_email": "accueil@caf.example",
    }
    response = client.post("/admin/organisations/nouvelle", data=data)
    assert response.status_code == 302
    org = db.session.scalar(sa.select(Organisation).filter_by(name="CAF de la Moselle"))
    assert org.kind is OrganisationKind.INSTITUTION
    assert org.verified is False
    # Verified once its official address is confirmed (tests/test_official_address.py).
    org.official_email_verified_at = utcnow()
    db.session.commit()
    response = client.post(f"/admin/organisations/{org.id}", data={**data, "verified": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert org.verified is True
    assert org.slug == "caf-de-la-moselle"
    assert "CAF de la Moselle" in client.get("/organisations/").get_data(as_text=True)


def test_only_institutions_are_verified(client, admin):
    client.post(
        "/admin/organisations/nouvelle",
        data={"name": "Les Restos", "kind": "association", "verified": "y"},
    )
    org = db.session.scalar(sa.select(Organisation).filter_by(name="Les Restos"))
    assert org.verified is False


def test_unverify_an_institution(client, admin, make_organisation):
    org = make_organisation(OrganisationKind.INSTITUTION, name="CCAS de Metz")
    response = client.post(
        f"/admin/organisations/{org.id}", data={"name": "CCAS de Metz", "kind": "institution"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).verified is False


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "kind": "association"}, "Indiquez le nom."),
        ({"name": "Ville de Metz", "kind": "institution"}, "Une organisation porte déjà ce nom."),
        (
            {"name": "Nouvelle", "kind": "association", "website": "pas une adresse"},
            "Indiquez une adresse web complète",
        ),
        (
            {"name": "Nouvelle", "kind": "association", "contact_email": "nope"},
            "Cette adresse e-mail n’est pas valide.",
        ),
    ],
)
def test_bad_organisation_saves_nothing(client, admin, make_organisation, data, message):
    make_organisation(OrganisationKind.INSTITUTION, name="Ville de Metz")
    data = {"description": "Texte <gardé>", **data}
    response = client.post("/admin/organisations/nouvelle", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert "Texte &lt;gardé&gt;" in html
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 1


def test_admin_gives_role_and_membership(client, admin, make_user, make_organisation):
    person = make_user("participant")
    association = make_organisation(OrganisationKind.ASSOCIATION, name="LDH")
    response = client.post(
        f"/admin/utilisateurs/{person.id}",
        data={"role": "association_member", "organisation_ids": [association.id], "active": "y"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    person = db.session.get(User, person.id)
    assert person.role is Role.ASSOCIATION_MEMBER
    assert [o.name for o in person.organisations] == ["LDH"]


def test_admin_blocks_an_account(client, admin, make_user):
    person = make_user("participant")
    client.post(f"/admin/utilisateurs/{person.id}", data={"role": "participant"})
    db.session.expire_all()
    assert db.session.get(User, person.id).active is False


def test_admin_cannot_demote_themselves(client, admin):
    response = client.post(
        f"/admin/utilisateurs/{admin.id}", data={"role": "participant", "active": "y"}
    )
    assert response.status_code == 200
    assert "Vous ne pouvez pas retirer votre propre rôle" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).role is Role.ADMIN


def test_bad_role_is_refused(client, admin, make_user):
    person = make_user("participant")
    response = client.post(f"/admin/utilisateurs/{person.id}", data={"role": "superuser"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(User, person.id).role is Role.PARTICIPANT


def test_user_search(client, admin, make_user):
    make_user("participant", pseudonym="Camille")
    make_user("participant", pseudonym="Dominique")
    make_user("participant", pseudonym="Sacha", email="sacha.martin@example.org")
    html = client.post("/admin/utilisateurs", data={"q": "cami"}).get_data(as_text=True)
    assert "Camille" in html
    assert "Dominique" not in html
    # By e-mail too; the search is posted, never in the URL, and the page links to the list.
    html = client.post("/admin/utilisateurs", data={"q": "sacha.martin@"}).get_data(as_text=True)
    assert "Sacha" in html
    assert "Camille" not in html
    assert 'method="post" class="filters" role="search"' in html
    # A search put in the URL by hand is ignored: the full list.
    html = client.get("/admin/utilisateurs?q=cami").get_data(as_text=True)
    assert "Camille" in html and "Dominique" in html


def test_admin_manages_workshops(client, admin):
    response = client.post(
        "/admin/ateliers/nouveau", data={"name": "Accès aux droits", "position": "5"}
    )
    assert response.status_code == 302
    theme = db.session.scalar(sa.select(Theme))
    assert (theme.slug, theme.position) == ("acces-aux-droits", 5)
    client.post(
        f"/admin/ateliers/{theme.id}", data={"name": "Accès aux droits sociaux", "position": "2"}
    )
    db.session.expire_all()
    assert db.session.get(Theme, theme.id).name == "Accès aux droits sociaux"
    assert "Accès aux droits sociaux" in client.get("/ateliers").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "position": "1"}, "Indiquez le nom."),
        ({"name": "Atelier", "position": "-3"}, "Un nombre entre 0 et 1 000."),
    ],
)
def test_bad_workshop_saves_nothing(client, admin, data, message):
    response = client.post("/admin/ateliers/nouveau", data={"description": "gardé", **data})
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Theme.id))) == 0


def test_email_is_private_outside_admin(client, make_user, make_proposal):
    author = make_user("association_member", email="privee@example.org")
    make_proposal(author=author)
    for url in ("/", "/propositions", "/organisations/", "/api/v1/proposals"):
        assert "privee@example.org" not in client.get(url).get_data(as_text=True)


def test_an_organisation_is_never_given_a_slug_a_page_of_its_own_uses(client, admin):
    """/organisations/adresse-officielle/<token> confirms an official address: no
    organisation may be called that in its URL, or its page would be out of reach."""
    response = client.post(
        "/admin/organisations/nouvelle",
        data={"name": "Adresse officielle", "kind": "association"},
    )
    assert response.status_code == 302
    organisation = db.session.scalar(
        sa.select(Organisation).where(Organisation.name == "Adresse officielle")
    )
    assert organisation.slug == "adresse-officielle-2"
    assert client.get("/organisations/adresse-officielle-2").status_code == 200
