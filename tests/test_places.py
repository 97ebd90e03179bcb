"""An association's places: named by its members and admins, archived once something was
collected there, never an institution's."""

from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditEvent,
    ConcernTally,
    Contribution,
    ContributionKind,
    ContributionState,
    OrganisationKind,
    Place,
)
from tests.conftest import login


def _places():
    db.session.expire_all()
    return db.session.scalars(sa.select(Place).order_by(Place.id)).all()


def test_a_member_adds_a_place_from_the_directory(client, make_organisation, make_user):
    association = make_organisation(OrganisationKind.ASSOCIATION, name="Le Relais")
    login(client, make_user("association_member", organisation=association))
    page = client.get(f"/organisations/{association.slug}").get_data(as_text=True)
    assert f"/organisations/{association.slug}/lieux" in page
    response = client.post(
        f"/organisations/{association.slug}/lieux",
        data={"name": "Accueil de jour", "address": "2 rue des Récollets, Metz"},
    )
    assert response.status_code == 302
    [place] = _places()
    assert (place.name, place.organisation_id) == ("Accueil de jour", association.id)
    event = db.session.scalar(sa.select(AuditEvent))
    assert event.target_id == association.id and event.details["change"] == "place_added"
    html = client.get(f"/organisations/{association.slug}/lieux").get_data(as_text=True)
    assert "Accueil de jour" in html and "Récollets" in html


def test_a_bad_place_is_refused_with_the_text_kept(client, make_organisation, make_user):
    association = make_organisation(OrganisationKind.ASSOCIATION)
    login(client, make_user("association_member", organisation=association))
    url = f"/organisations/{association.slug}/lieux"
    html = client.post(url, data={"name": "", "address": "12 rue Mazelle"}).get_data(as_text=True)
    assert "Donnez un nom à ce lieu." in html and "12 rue Mazelle" in html
    client.post(url, data={"name": "Maraude"})
    html = client.post(url, data={"name": "maraude"}).get_data(as_text=True)
    assert "déjà un lieu de ce nom" in html
    # Accented capitals too (SQLite's lower() leaves them).
    client.post(url, data={"name": "Épicerie solidaire"})
    html = client.post(url, data={"name": "épicerie SOLIDAIRE"}).get_data(as_text=True)
    assert "déjà un lieu de ce nom" in html and "épicerie SOLIDAIRE" in html
    long_name = "L" * (Place.NAME_MAX + 1)
    html = client.post(url, data={"name": long_name}).get_data(as_text=True)
    assert long_name in html
    assert len(_places()) == 2


def test_a_place_where_people_were_counted_is_archived(
    client, make_organisation, make_user, make_proposal
):
    association = make_organisation(OrganisationKind.ASSOCIATION)
    member = make_user("association_member", organisation=association)
    login(client, member)
    place = Place(organisation=association, name="Maraude du mardi")
    db.session.add(place)
    db.session.add(
        ConcernTally(
            proposal=make_proposal(),
            organisation=association,
            people=12,
            met_on=date(2026, 11, 3),
            place=place,
            recorded_by=member,
        )
    )
    db.session.commit()
    base = f"/organisations/{association.slug}/lieux"
    assert client.post(f"{base}/{place.id}/retirer").status_code == 302
    [kept] = _places()
    assert kept.archived_at is not None
    assert db.session.scalar(sa.select(ConcernTally.place_id)) == kept.id


def test_a_used_place_is_archived_an_unused_one_deleted(
    client, make_organisation, make_user, make_proposal
):
    association = make_organisation(OrganisationKind.ASSOCIATION)
    member = make_user("association_member", organisation=association)
    login(client, member)
    used, unused = (
        Place(organisation=association, name="Foyer"),
        Place(organisation=association, name="Marché"),
    )
    db.session.add_all([used, unused])
    db.session.add(
        Contribution(
            proposal=make_proposal(),
            kind=ContributionKind.TESTIMONY,
            author=member,
            recorded_for=association,
            on_paper=True,
            place=used,
            body="Un texte.",
            state=ContributionState.PUBLISHED,
        )
    )
    db.session.commit()
    base = f"/organisations/{association.slug}/lieux"
    assert client.post(f"{base}/{unused.id}/retirer").status_code == 302
    assert client.post(f"{base}/{used.id}/retirer").status_code == 302
    [kept] = _places()
    assert kept.name == "Foyer" and kept.archived_at is not None
    client.post(f"{base}/{kept.id}/retablir")
    assert _places()[0].archived_at is None


def test_a_member_renames_a_place(client, make_organisation, make_user):
    association = make_organisation(OrganisationKind.ASSOCIATION)
    login(client, make_user("association_member", organisation=association))
    place = Place(organisation=association, name="Foyer")
    db.session.add(place)
    db.session.commit()
    url = f"/organisations/{association.slug}/lieux/{place.id}"
    assert 'value="Foyer"' in client.get(url).get_data(as_text=True)
    client.post(url, data={"name": "Foyer du Pontiffroy", "address": ""})
    assert _places()[0].name == "Foyer du Pontiffroy"


def test_others_may_not_manage_an_associations_places(client, make_organisation, make_user):
    association = make_organisation(OrganisationKind.ASSOCIATION)
    place = Place(organisation=association, name="Foyer")
    db.session.add(place)
    db.session.commit()
    base = f"/organisations/{association.slug}/lieux"
    for role in ("participant", "association_member", "moderator", "institution_rep"):
        client.post("/compte/deconnexion")
        login(client, make_user(role))  # members of other organisations
        assert client.get(base).status_code == 403
        assert client.post(base, data={"name": "Intrus"}).status_code == 403
        assert client.post(f"{base}/{place.id}/retirer").status_code == 403
    assert [p.name for p in _places()] == ["Foyer"] and _places()[0].archived_at is None


def test_admins_manage_places_institutions_have_none(client, make_organisation, make_user):
    association = make_organisation(OrganisationKind.ASSOCIATION)
    institution = make_organisation(OrganisationKind.INSTITUTION)
    login(client, make_user("admin"))
    assert client.get(f"/organisations/{association.slug}/lieux").status_code == 200
    assert client.get(f"/organisations/{institution.slug}/lieux").status_code == 403
    client.post("/compte/deconnexion")
    login(client, make_user("institution_rep", organisation=institution))
    assert client.get(f"/organisations/{institution.slug}/lieux").status_code == 403
    page = client.get(f"/organisations/{institution.slug}").get_data(as_text=True)
    assert "/lieux" not in page


def test_a_place_of_another_association_is_not_found(client, make_organisation, make_user):
    association = make_organisation(OrganisationKind.ASSOCIATION)
    other = make_organisation(OrganisationKind.ASSOCIATION)
    elsewhere = Place(organisation=other, name="Foyer")
    db.session.add(elsewhere)
    db.session.commit()
    login(client, make_user("association_member", organisation=association))
    base = f"/organisations/{association.slug}/lieux/{elsewhere.id}"
    assert client.get(base).status_code == 404
    assert client.post(f"{base}/retirer").status_code == 404
    assert _places()[0].archived_at is None
