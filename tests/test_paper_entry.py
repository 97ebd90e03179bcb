"""Paper testimonies typed in at the day centre: a sitting's sheets saved all or none, the
shared fields kept, the sheet's photo for moderators only and gone with their decision."""

import io
from datetime import timedelta
from uuid import uuid4

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AudioRecording,
    Contribution,
    ContributionKind,
    ContributionState,
    OrganisationKind,
    PaperSheetPhoto,
    Place,
    paris_today,
    utcnow,
)
from app.paper.forms import MOST_SHEETS
from app.services.privacy import purge_personal_data
from tests.conftest import PASSWORD, login
from tests.helpers import count_queries

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
TEXTS = [
    "Le soir, l’accueil ferme trop tôt pour ceux qui travaillent.",
    "Il faudrait des douches ouvertes le dimanche.",
    "Je lave mes affaires dans les toilettes de la gare.",
]


@pytest.fixture
def association(make_organisation):
    return make_organisation(OrganisationKind.ASSOCIATION, name="Accueil de jour Saint-Vincent")


@pytest.fixture
def place(association):
    place = Place(organisation=association, name="Accueil de jour", address="2 rue des Récollets")
    db.session.add(place)
    db.session.commit()
    return place


@pytest.fixture
def proposal(make_proposal):
    return make_proposal(title="Ouvrir des bains-douches gratuits")


@pytest.fixture
def member(client, make_user, association):
    user = make_user("association_member", organisation=association)
    login(client, user)
    return user


def _url(proposal):
    return f"/propositions/{proposal.id}/fiches-papier"


def _sitting(association, proposal, place, **changes):
    data = {
        "organisation_id": association.id,
        "proposal_id": proposal.id,
        "collected_on": paris_today().isoformat(),
        "place_id": place.id,
        "lang": "fr",
        "consent": "y",
        "idempotency_key": f"seance-{uuid4().hex}",
    }
    return {**data, **changes}


def _sheets(*rows, empty=2):
    data = {}
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"sheets-{index}-{name}"] = value
    for index in range(len(rows), len(rows) + empty):
        data[f"sheets-{index}-body"] = ""
    return data


def _post(client, proposal, data):
    return client.post(_url(proposal), data=data, content_type="multipart/form-data")


def _as(client, user):
    client.post("/compte/deconnexion")
    login(client, user)


def _count():
    return db.session.scalar(sa.select(sa.func.count(Contribution.id)))


def test_three_sheets_are_saved_with_the_shared_fields(
    client, member, association, proposal, place
):
    rows = [{"body": TEXTS[0], "first_name": "Amina"}, {"body": TEXTS[1]}, {"body": TEXTS[2]}]
    rows[2]["lang"] = "en"
    rows[0]["photo"] = (io.BytesIO(PNG), "fiche.png")
    response = _post(client, proposal, {**_sitting(association, proposal, place), **_sheets(*rows)})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert f"association={association.id}" in location and f"lieu={place.id}" in location
    saved = db.session.scalars(sa.select(Contribution).order_by(Contribution.id)).all()
    assert [c.body for c in saved] == TEXTS
    for contribution in saved:
        assert contribution.on_paper and contribution.collected_on == paris_today()
        assert contribution.place_id == place.id and contribution.recorded_for_id == association.id
        assert contribution.author_id == member.id and contribution.consent_confirmed_at
    assert [c.lang for c in saved] == ["fr", "fr", "en"]
    assert [c.guest_name for c in saved] == ["Amina", "", ""]
    photo = db.session.scalar(sa.select(PaperSheetPhoto))
    assert photo.contribution_id == saved[0].id and photo.media_type == "image/png"
    # The next sitting's page keeps the shared fields and says how many were saved.
    html = client.get(location).get_data(as_text=True)
    assert "3 fiches enregistrées" in html
    assert f'value="{paris_today().isoformat()}"' in html
    assert f'<option selected value="{place.id}">' in html


def test_the_same_form_sent_twice_saves_once(client, member, association, proposal, place):
    data = {**_sitting(association, proposal, place), **_sheets({"body": TEXTS[0]})}
    assert _post(client, proposal, dict(data)).status_code == 302
    assert _post(client, proposal, dict(data)).status_code == 302
    assert _count() == 1


def test_empty_rows_are_ignored_and_one_sheet_is_needed(
    client, member, association, proposal, place
):
    data = {**_sitting(association, proposal, place), **_sheets(empty=5)}
    html = _post(client, proposal, data).get_data(as_text=True)
    assert "Tapez au moins une fiche." in html
    assert _count() == 0


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"body": "x" * 6000}, "caractères"),
        ({"body": TEXTS[1], "photo": (io.BytesIO(PDF), "fiche.jpg")}, "n’est pas une photo"),
        ({"first_name": "Karim"}, "Tapez le texte de la fiche"),
    ],
)
def test_a_bad_sheet_saves_nothing_and_keeps_every_row(
    client, member, association, proposal, place, bad, message
):
    rows = [{"body": TEXTS[0], "first_name": "Amina"}, bad, {"body": TEXTS[2]}]
    response = _post(client, proposal, {**_sitting(association, proposal, place), **_sheets(*rows)})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html and "Fiche 2" in html
    assert TEXTS[0] in html and TEXTS[2] in html and 'value="Amina"' in html
    assert _count() == 0
    assert db.session.scalar(sa.select(sa.func.count(PaperSheetPhoto.id))) == 0


def test_without_the_signed_sheets_nothing_is_saved(client, member, association, proposal, place):
    data = {**_sitting(association, proposal, place), **_sheets({"body": TEXTS[0]})}
    del data["consent"]
    html = _post(client, proposal, data).get_data(as_text=True)
    assert "sans l’accord signé des personnes" in html and TEXTS[0] in html
    assert _count() == 0


def test_a_place_of_another_association_is_refused(
    client, member, association, proposal, place, make_organisation
):
    other = make_organisation(OrganisationKind.ASSOCIATION, name="Autre association")
    elsewhere = Place(organisation=other, name="Foyer")
    db.session.add(elsewhere)
    db.session.commit()
    data = {
        **_sitting(association, proposal, place, place_id=elsewhere.id),
        **_sheets({"body": TEXTS[0]}),
    }
    html = _post(client, proposal, data).get_data(as_text=True)
    assert "Choisissez un des lieux de l’association." in html
    assert _count() == 0


def test_the_service_refuses_a_place_of_another_association(
    member, association, proposal, make_organisation
):
    from app.services import ServiceError
    from app.services import paper as service

    other = make_organisation(OrganisationKind.ASSOCIATION)
    elsewhere = Place(organisation=other, name="Foyer")
    db.session.add(elsewhere)
    db.session.commit()
    sitting = service.Sitting(association, proposal, paris_today(), elsewhere, "fr", True)
    with pytest.raises(ServiceError):
        service.post_paper_testimonies(member, sitting, [service.Sheet(TEXTS[0])])
    assert _count() == 0


def test_a_date_in_the_future_is_refused(client, member, association, proposal, place):
    tomorrow = (paris_today() + timedelta(days=1)).isoformat()
    data = {
        **_sitting(association, proposal, place, collected_on=tomorrow),
        **_sheets({"body": TEXTS[0]}),
    }
    html = _post(client, proposal, data).get_data(as_text=True)
    assert "dans le futur" in html and _count() == 0


def test_add_a_sheet_keeps_the_rows_without_saving(client, member, association, proposal, place):
    rows = [{"body": TEXTS[0]}]
    data = {**_sitting(association, proposal, place), **_sheets(*rows, empty=4), "add_sheet": "1"}
    html = _post(client, proposal, data).get_data(as_text=True)
    assert "Fiche 6" in html and TEXTS[0] in html
    assert _count() == 0


def test_add_a_sheet_at_the_most_saves_nothing_and_says_so(
    client, member, association, proposal, place
):
    rows = [{"body": f"{TEXTS[0]} ({n})"} for n in range(MOST_SHEETS)]
    data = {**_sitting(association, proposal, place), **_sheets(*rows, empty=0), "add_sheet": "1"}
    response = _post(client, proposal, data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "30 fiches au plus par enregistrement" in html
    assert f"{TEXTS[0]} (29)" in html and f"Fiche {MOST_SHEETS + 1}" not in html
    assert _count() == 0


def test_the_list_offers_the_newest_proposals_and_the_pages_own(
    client, member, association, proposal, place, make_proposal, monkeypatch
):
    monkeypatch.setattr("app.queries.proposals.PROPOSALS_OFFERED", 2)
    middle = make_proposal(title="Une laverie solidaire")
    newest = [make_proposal(title=f"Récente {n}") for n in range(2)]
    html = client.get(_url(proposal)).get_data(as_text=True)
    assert "Récente 0" in html and "Récente 1" in html
    assert f'<option value="{proposal.id}" selected' in html
    assert middle.title not in html
    # Chosen from the list, then the list moved on: the sheets still go to it.
    make_proposal(title="Plus récente encore")
    data = {**_sitting(association, proposal, place, proposal_id=newest[0].id)}
    data.update(_sheets({"body": TEXTS[0]}, empty=0))
    assert _post(client, proposal, data).status_code == 302
    assert db.session.scalar(sa.select(Contribution.proposal_id)) == newest[0].id


def test_non_members_may_not_enter_paper(client, make_user, association, proposal, place):
    login(client, make_user("participant"))
    assert client.get(_url(proposal)).status_code == 403
    data = {**_sitting(association, proposal, place), **_sheets({"body": TEXTS[0]})}
    assert _post(client, proposal, data).status_code == 403
    assert _count() == 0


def test_a_member_of_another_association_is_refused(
    client, make_user, association, proposal, place
):
    login(client, make_user("association_member"))  # of another association
    data = {**_sitting(association, proposal, place), **_sheets({"body": TEXTS[0]})}
    html = _post(client, proposal, data).get_data(as_text=True)
    assert "Choisissez une association dont vous êtes membre." in html
    assert _count() == 0


def _paper_testimony(client, association, proposal, place, photo=True, **row):
    sheet = {"body": TEXTS[0], **row}
    if photo:
        sheet["photo"] = (io.BytesIO(PNG), "fiche.png")
    data = {**_sitting(association, proposal, place), **_sheets(sheet)}
    assert _post(client, proposal, data).status_code == 302
    return db.session.scalar(sa.select(Contribution).order_by(Contribution.id.desc()))


def test_the_photo_is_for_moderators_and_gone_with_their_decision(
    client, member, association, proposal, place, make_user
):
    proposal.theme.members_premoderated = True
    db.session.commit()
    contribution = _paper_testimony(client, association, proposal, place)
    assert contribution.state is ContributionState.PENDING
    url = f"/moderation/contributions/{contribution.id}/fiche-papier"
    assert client.get(url).status_code == 403  # its own recorder does not moderate it
    _as(client, make_user("moderator"))
    queue = client.get("/moderation/").get_data(as_text=True)
    assert url in queue and "Accueil de jour" in queue
    photo = client.get(url)
    assert photo.status_code == 200 and photo.data == PNG
    assert photo.headers["Content-Type"] == "image/png"
    assert photo.headers["Content-Length"] == str(len(PNG))
    assert photo.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in photo.headers["Cache-Control"]
    decision = {"action": "approve", "reason": "compliant", "version": contribution.version}
    client.post(f"/moderation/contributions/{contribution.id}/decision", data=decision)
    assert db.session.scalar(sa.select(sa.func.count(PaperSheetPhoto.id))) == 0
    assert client.get(url).status_code == 404


def test_other_roles_never_see_the_photo(client, member, association, proposal, place, make_user):
    contribution = _paper_testimony(client, association, proposal, place)
    url = f"/moderation/contributions/{contribution.id}/fiche-papier"
    for role in ("participant", "association_member", "institution_rep"):
        _as(client, make_user(role))
        assert client.get(url).status_code == 403
    client.post("/compte/deconnexion")
    assert client.get(url).status_code in (302, 401)


def test_withdrawal_and_the_purge_delete_the_photo(
    client, member, association, proposal, place, clock
):
    contribution = _paper_testimony(client, association, proposal, place)
    client.post(f"/contributions/{contribution.id}/retirer")
    assert db.session.scalar(sa.select(sa.func.count(PaperSheetPhoto.id))) == 0
    _paper_testimony(client, association, proposal, place, body=TEXTS[1])
    later = utcnow() + timedelta(days=400)
    assert purge_personal_data(now=later)["paper_photos"] == 1
    assert db.session.scalar(sa.select(sa.func.count(PaperSheetPhoto.id))) == 0


def _photos():
    return db.session.scalar(sa.select(sa.func.count(PaperSheetPhoto.id)))


def test_a_sheet_with_its_photo_waits_for_the_moderators(
    client, member, association, proposal, place
):
    # Members' contributions are published at once on this theme, but a photo is there to
    # be compared: without a decision, nothing would ever delete it.
    assert not proposal.theme.members_premoderated
    hint = "Avec une photo, la fiche attend la modération."
    assert hint in client.get(_url(proposal)).get_data(as_text=True)
    rows = [{"body": TEXTS[0], "photo": (io.BytesIO(PNG), "fiche.png")}, {"body": TEXTS[1]}]
    response = _post(client, proposal, {**_sitting(association, proposal, place), **_sheets(*rows)})
    assert response.status_code == 302
    saved = db.session.scalars(sa.select(Contribution).order_by(Contribution.id)).all()
    assert [c.state for c in saved] == [ContributionState.PENDING, ContributionState.PUBLISHED]
    client.post("/compte/deconnexion")
    html = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert TEXTS[1] in html and TEXTS[0] not in html


def test_a_volunteer_leaving_with_their_testimonies_leaves_the_sheets_they_typed(
    client, member, association, proposal, place
):
    """ "Withdraw my contributions" takes the volunteer's own words, not the sheets they typed
    in for other people: those stay, with their photo for the moderators."""
    typed = _paper_testimony(client, association, proposal, place)
    own = Contribution(
        proposal=proposal, kind=ContributionKind.TESTIMONY, author=member, body=TEXTS[1],
        state=ContributionState.PUBLISHED,
    )  # fmt: skip
    own.audio = AudioRecording(
        original=b"RIFF-original", original_size=13, original_media_type="audio/wav"
    )
    db.session.add(own)
    db.session.commit()
    data = {"password": PASSWORD, "withdraw_contributions": "y", "confirm": "y"}
    assert client.post("/compte/supprimer", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Contribution, own.id).withdrawn_at is not None
    assert db.session.scalar(sa.select(sa.func.count(AudioRecording.id))) == 0
    kept = db.session.get(Contribution, typed.id)
    assert kept.withdrawn_at is None and kept.recorded_for_id == association.id
    assert _photos() == 1


def test_the_purge_deletes_the_photos_of_withdrawn_or_decided_testimonies(
    client, member, association, proposal, place
):
    waiting, withdrawn, decided = (
        _paper_testimony(client, association, proposal, place, body=text) for text in TEXTS
    )
    # As a withdrawal or a decision that missed its photo would leave them.
    withdrawn.withdrawn_at = utcnow()
    decided.state = ContributionState.PUBLISHED
    db.session.commit()
    assert purge_personal_data()["paper_photos"] == 2
    photo = db.session.scalar(sa.select(PaperSheetPhoto))
    assert _photos() == 1 and photo.contribution_id == waiting.id


def test_the_photo_of_a_withdrawn_testimony_is_not_served(
    client, member, association, proposal, place, make_user
):
    contribution = _paper_testimony(client, association, proposal, place)
    url = f"/moderation/contributions/{contribution.id}/fiche-papier"
    _as(client, make_user("moderator"))
    assert client.get(url).data == PNG
    contribution.withdrawn_at = utcnow()  # its photo not deleted yet (the purge will)
    db.session.commit()
    assert client.get(url).status_code == 404


def test_published_paper_testimony_says_where_it_comes_from(
    client, member, association, proposal, place
):
    contribution = _paper_testimony(client, association, proposal, place, photo=False)
    assert contribution.state is ContributionState.PUBLISHED
    client.post("/compte/deconnexion")
    day = paris_today()
    for url in (f"/propositions/{proposal.id}", f"/contributions/{contribution.id}"):
        html = client.get(url, follow_redirects=True).get_data(as_text=True)
        assert "Recueilli sur papier par" in html and "Accueil de jour Saint-Vincent" in html
        assert str(day.year) in html
        assert "Accueil de jour</" not in html and "Récollets" not in html  # no place
    api = client.get(f"/api/v1/proposals/{proposal.id}").get_json()
    collected = api["testimonies"][0]["collected"] if "testimonies" in api else None
    if collected is None:
        collected = api["contributions"]["testimonies"][0]["collected"]
    assert collected == {
        "on_paper": True,
        "on": day.isoformat(),
        "by": {"id": association.id, "name": "Accueil de jour Saint-Vincent"},
    }


def test_the_label_is_in_the_page_language(client, member, association, proposal, place):
    _paper_testimony(client, association, proposal, place, photo=False)
    html = client.get(f"/propositions/{proposal.id}?lang=en").get_data(as_text=True)
    assert "Collected on paper by" in html


def test_proposal_page_queries_stay_flat_with_paper_testimonies(
    client, member, association, proposal, place
):
    _paper_testimony(client, association, proposal, place, photo=False)
    client.post("/compte/deconnexion")
    url = f"/propositions/{proposal.id}"
    client.get(url)
    with count_queries() as few:
        client.get(url, headers={"Cache-Control": "no-cache"})
    _as(client, member)
    for index in range(4):
        _paper_testimony(
            client, association, proposal, place, photo=False, body=f"{TEXTS[1]} {index}"
        )
    client.post("/compte/deconnexion")
    with count_queries() as many:
        client.get(url, headers={"Cache-Control": "no-cache"})
    assert len(many) == len(few)


def test_without_a_place_the_page_says_to_add_one(client, member, association, proposal):
    html = client.get(_url(proposal)).get_data(as_text=True)
    assert "pas encore de lieu" in html and f"/organisations/{association.slug}/lieux" in html
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert _url(proposal) in page  # reached from the proposal's page


def test_sent_again_without_its_photos_the_sitting_asks_for_them(
    client, member, association, proposal, place
):
    """Sent again after the charter's acceptance, which cannot carry files: refused once,
    every row kept, nothing saved."""
    data = {**_sitting(association, proposal, place), **_sheets({"body": TEXTS[0]}, empty=0)}
    response = _post(client, proposal, {**data, "files_left_behind": "1"})
    assert response.status_code == 200
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert "Les photos choisies n’ont pas pu être gardées pendant l’acceptation" in html
    assert TEXTS[0] in html and _count() == 0
    assert _post(client, proposal, data).status_code == 302
    assert _count() == 1
