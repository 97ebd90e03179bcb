"""The demonstration data of the 2015 assises: faithful to the source, idempotent, able to
bring an older demo to the faithful record, refused in production; read in French, English
and Arabic."""

import importlib.util
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext

from app.demo import data_2015 as data
from app.demo import legacy_2015 as legacy
from app.extensions import db
from app.models import (
    AddressedInstitution,
    CharterVersion,
    Contribution,
    ContributionKind,
    ContributionState,
    Event,
    Meeting,
    OfficialResponse,
    Organisation,
    OrganisationKind,
    Proposal,
    ProposalStatus,
    Role,
    StatedPosition,
    StatusChange,
    Theme,
    TranslatedKind,
    Translation,
    User,
    membership,
    source_digest,
)
from app.services import ServiceError, translations
from app.services.demo import ASSISES_AT, load_demo
from app.services.examples import load_examples
from app.web.content_language import kind_of

DEMO_EMAILS = {
    "admin@demo.voix-solidaires.fr": Role.ADMIN,
    "moderation@demo.voix-solidaires.fr": Role.MODERATOR,
    "association@demo.voix-solidaires.fr": Role.ASSOCIATION_MEMBER,
    "institution@demo.voix-solidaires.fr": Role.INSTITUTION_REP,
    "usager@demo.voix-solidaires.fr": Role.PARTICIPANT,
}
RESEAU = "reseau-solidarite-associations-messines"


def _count(model_or_table) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model_or_table))


def _totals() -> dict:
    return {
        "events": _count(Event),
        "themes": _count(Theme),
        "organisations": _count(Organisation),
        "users": _count(User),
        "memberships": _count(membership),
        "proposals": _count(Proposal),
        "addressed": _count(AddressedInstitution),
        "stated_positions": _count(StatedPosition),
        "status_changes": _count(StatusChange),
        "meetings": _count(Meeting),
        "translations": _count(Translation),
    }


def _created(counts: dict) -> dict:
    return {name: n for name, n in counts.items() if name not in ("updated", "removed")}


def _proposal(title_part: str) -> Proposal:
    rows = db.session.scalars(sa.select(Proposal).where(Proposal.title.contains(title_part))).all()
    assert len(rows) == 1, title_part
    return rows[0]


def _org(slug: str) -> Organisation:
    return db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))


def test_load_demo_creates_the_2015_record(app):
    counts = load_demo()

    themes = db.session.scalars(sa.select(Theme).order_by(Theme.position)).all()
    assert [t.slug for t in themes] == [
        "acces-sante",
        "urgence-alimentaire",
        "culture-insertion",
        "hebergement-logement",
        "propositions-du-reseau",
    ]
    assert _count(Proposal) == len(data.PROPOSALS) == 31
    assert _count(Meeting) == 3
    users = db.session.scalars(sa.select(User)).all()
    assert {u.email: u.role for u in users} == DEMO_EMAILS
    assert _created(counts) == _totals()
    assert counts["updated"] == counts["removed"] == 0

    for theme in themes:
        assert db.session.scalar(sa.select(sa.func.count()).where(Proposal.theme_id == theme.id)), (
            theme.slug
        )
    reseau = _org(RESEAU)
    event = db.session.scalar(sa.select(Event))
    for proposal in db.session.scalars(sa.select(Proposal)):
        assert proposal.organisation_id == reseau.id
        assert proposal.event_id == event.id
        assert not proposal.example
    assert all(m.event_id == event.id for m in db.session.scalars(sa.select(Meeting)))
    institutions = db.session.scalars(
        sa.select(Organisation).where(Organisation.kind == OrganisationKind.INSTITUTION)
    ).all()
    assert institutions and all(org.verified for org in institutions)


def test_load_demo_twice_changes_nothing(app):
    load_demo()
    before = _totals()

    counts = load_demo()

    assert set(counts.values()) == {0}
    assert _totals() == before


def test_demo_accounts_belong_to_their_organisations(app):
    load_demo()
    admin = db.session.scalar(sa.select(User).where(User.email == "admin@demo.voix-solidaires.fr"))
    rep = db.session.scalar(
        sa.select(User).where(User.email == "institution@demo.voix-solidaires.fr")
    )
    guest = db.session.scalar(sa.select(User).where(User.email == "usager@demo.voix-solidaires.fr"))
    assert [o.slug for o in admin.organisations] == [RESEAU]
    assert [o.slug for o in rep.organisations] == ["ville-de-metz"]
    assert guest.organisations == []
    assert admin.password_hash.startswith("$argon2id$")


def test_the_assises_are_an_event_with_the_review_as_its_text(app):
    load_demo()
    event = db.session.scalar(sa.select(Event))
    assert (event.slug, event.name, event.kind.value) == (
        "assises-solidarite-2015",
        "Assises de la solidarité",
        "assises",
    )
    assert event.held_on == date(2015, 4, 30)
    assert event.place == ""  # the source does not say where
    assert event.organisations_count == 100
    assert event.source == (
        "Bilan qualitatif des assises de la solidarité du 30 avril 2015 — Réseau de solidarité "
        "des associations messines"
    )
    assert "partiellement été atteint" in event.summary
    assert "rencontre initiale" in event.summary
    assert "100 associations" in event.summary
    assert "qui fait quoi" in event.advances
    for words in (
        "réflexion fine et concrète",
        "partir des propositions",
        "n’étaient pas fidèles aux débats",
        "(comme si c’était évident)",
        "une assistante sociale en urgence",
        "ni d’ailleurs à M. Pitti",
        "le CCAS a éliminé a priori cette possibilité",
        "Thionville",
        "« Si tu fais pour moi sans moi, tu finis par faire contre moi. » (Mandela)",
        "un partenaire parmi d’autres",
    ):
        assert words in event.obstacles, words
    assert "Chaque groupe reprendra toutes les propositions" in event.next_steps
    assert "25 juin à 14 h 30" in event.next_steps
    assert not event.example


def test_no_sending_no_due_date_no_answer(app):
    load_demo()
    addressed = db.session.scalars(sa.select(AddressedInstitution)).all()
    assert addressed
    assert all(a.sent_at is None and a.response_due_on is None for a in addressed)
    assert _count(OfficialResponse) == 0


def test_addressees_only_where_the_source_names_an_institution(app):
    load_demo()
    rows = db.session.execute(
        sa.select(Proposal.title, Organisation.slug)
        .join(AddressedInstitution, AddressedInstitution.proposal_id == Proposal.id)
        .join(Organisation, Organisation.id == AddressedInstitution.institution_id)
    ).all()
    addressed: dict[str, set] = {}
    for title, slug in rows:
        addressed.setdefault(title, set()).add(slug)
    assert addressed == {
        "Ouvrir des bains douches et des toilettes publiques gratuits": {"ville-de-metz"},
        "Travailler avec le service communication de la ville pour relayer les évènements": {
            "ville-de-metz"
        },
        "Préciser le mode de collaboration avec la ville et, éventuellement, le CCAS": {
            "ville-de-metz",
            "ccas-de-metz",
        },
        "Travailler avec la mairie dans le cadre de la feuille de route de M. Pitti": {
            "ville-de-metz"
        },
    }


def test_stated_positions_are_the_two_of_the_ddcs(app):
    load_demo()
    positions = db.session.scalars(sa.select(StatedPosition).order_by(StatedPosition.id)).all()
    assert [(p.proposal.title, p.institution.slug) for p in positions] == [
        ("Un camp géré type HCR pour les demandeurs d’asile", "ddcs-moselle"),
        ("Mobiliser des locaux vides qui pourraient changer d’affectation", "ddcs-moselle"),
    ]
    assert "avis défavorable de la DDCS" in positions[0].words
    assert "avis plus favorable de la DDCS" in positions[1].words
    for position in positions:
        assert position.source == data.POSITION_SOURCE
        assert position.stated_on == date(2015, 4, 30)
        assert position.reported_by.slug == RESEAU
    # The network's judgement stays its own words, in the proposal.
    bail = _proposal("bail glissant")
    assert "Aucune volonté politique de le développer." in bail.body
    assert bail.addressed == []


def test_the_nine_proposals_of_the_network(app):
    load_demo()
    theme = db.session.scalar(sa.select(Theme).where(Theme.slug == "propositions-du-reseau"))
    assert theme.name == "Propositions du réseau"
    assert "pas un atelier des assises" in theme.description
    titles = db.session.scalars(
        sa.select(Proposal.title).where(Proposal.theme_id == theme.id).order_by(Proposal.id)
    ).all()
    assert len(titles) == 9
    assert "Procéder à une inversion de logique" in titles
    assert "Un animateur compétent et un secrétaire de séance dans chaque atelier" in titles
    pitti = _proposal("feuille de route de M. Pitti")
    assert pitti.origin == data.NETWORK_ORIGIN


def test_only_organisations_the_source_names(app):
    load_demo()
    names = set(db.session.scalars(sa.select(Organisation.name)))
    assert "Hôpitaux de Metz" not in names
    assert "Université de Lorraine" not in names
    assert {o["name"] for o in data.ORGANISATIONS} == names
    for org in db.session.scalars(sa.select(Organisation)):
        assert "57000" not in org.address and "57070" not in org.address  # no postcode in it


def test_one_timeline_entry_per_proposal_on_the_day_of_the_assises(app):
    load_demo()
    paris = ZoneInfo("Europe/Paris")
    for proposal in db.session.scalars(sa.select(Proposal)):
        [entry] = proposal.status_changes
        assert entry.created_at == proposal.created_at == ASSISES_AT
        local = entry.created_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(paris)
        assert local.date() == date(2015, 4, 30)
        assert entry.from_status is None and entry.to_status is proposal.status
        assert "30 avril 2015" in entry.reason
        assert proposal.status in (ProposalStatus.IN_DISCUSSION, ProposalStatus.SUBMITTED)
    guarantee = _proposal("garantie universelle des loyers")
    assert guarantee.status is ProposalStatus.SUBMITTED
    assert (
        guarantee.body == "Garantie universelle des loyers : cette question n’a pas été soulevée."
    )
    assert not db.session.scalar(
        sa.select(sa.exists().where(StatusChange.created_at == datetime(2015, 5, 20, 16, 0)))
    )


def test_the_june_meetings_say_only_what_the_source_says(app, client):
    load_demo()
    meetings = db.session.scalars(sa.select(Meeting).order_by(Meeting.starts_at)).all()
    assert [(m.starts_at, m.host.slug, m.address) for m in meetings] == [
        (datetime(2015, 6, 3, 7, 0), "maison-diocesaine-de-la-solidarite", "6 bd Paixhans, Metz"),
        (
            datetime(2015, 6, 4, 12, 0),
            "medecins-du-monde",
            "12 b rue d’Annecy, Metz Bellecroix",
        ),
        (datetime(2015, 6, 25, 12, 30), "fondation-abbe-pierre", "7 rue Clovis, Metz"),
    ]
    directory, health, culture = meetings
    for meeting in meetings:
        assert meeting.ends_at is None
        assert meeting.agenda == ""
        assert meeting.secretary is None
        assert meeting.is_public is None  # who could come: the review does not say
        assert "reprendra toutes les propositions" in meeting.description
    assert directory.theme is None and directory.proposals == []
    assert len(health.proposals) == 5 and len(culture.proposals) == 8
    assert all(p.theme_id == health.theme_id for p in health.proposals)

    page = client.get(f"/reunions/{health.id}").get_data(as_text=True)
    assert "Ouverte à tous" not in page
    assert "a déjà eu lieu" not in page and "La date prévue de cette réunion est passée." in page
    assert "jeudi 4 juin 2015, 14:00" in page and "14:00 –" not in page  # no end time
    assert "Aucun ordre du jour n’a été publié." in page
    listing = client.get("/reunions/").get_data(as_text=True)
    assert "Ouverte à tous" not in listing and "Réservée aux membres" not in listing
    api = client.get(f"/api/v1/meetings/{health.id}").get_json()
    assert api["is_public"] is None and api["ends_at"] is None
    calendar = client.get(f"/reunions/{health.id}.ics").get_data(as_text=True)
    assert "DTSTART" in calendar and "DTEND" not in calendar


def test_the_board_shows_no_2015_proposal_late(app, client):
    load_demo()
    page = client.get("/suivi").get_data(as_text=True)
    assert "jours de retard" not in page and "jour de retard" not in page
    assert "Aucune réponse en retard." in page


def test_refused_when_demo_data_not_allowed(app):
    previous = app.config.get("DEMO_DATA_ALLOWED")
    app.config["DEMO_DATA_ALLOWED"] = False
    try:
        with pytest.raises(ServiceError):
            load_demo()
    finally:
        app.config["DEMO_DATA_ALLOWED"] = previous
    assert _count(Proposal) == 0
    assert _count(User) == 0


def test_directory_lists_organisations_by_workshop(app, client):
    load_demo()
    health = client.get("/organisations/?theme=acces-sante").get_data(as_text=True)
    assert "Médecins du Monde" in health
    assert "Ville de Metz" in health
    assert "Caisse d" not in health
    housing = client.get("/organisations/?theme=hebergement-logement").get_data(as_text=True)
    assert "Direction départementale de la cohésion sociale" in housing
    assert "Fondation Abbé Pierre" not in housing
    load_demo()  # still idempotent
    assert [t.slug for t in _org("ddcs-moselle").themes] == ["hebergement-logement"]
    assert _org("conseil-departemental-moselle").themes == []


def _age_into_the_older_demo() -> dict:
    """Turn a faithful load back into what earlier versions of the demo left: invented
    sending, addressees, organisations, positions, timeline, meeting details."""
    reseau, city = _org(RESEAU), _org("ville-de-metz")
    hospitals = Organisation(
        slug="hopitaux-de-metz", name="Hôpitaux de Metz", kind=OrganisationKind.INSTITUTION
    )
    university = Organisation(
        slug="universite-de-lorraine",
        name="Université de Lorraine",
        kind=OrganisationKind.INSTITUTION,
    )
    caf = _org("caf-moselle")
    caf.description = "Déjà en place, selon elle."
    sent = legacy.INVENTED_SENDING_AT
    platform = _proposal("plateforme d’accueil")
    platform.addressed.append(
        AddressedInstitution(institution=hospitals, sent_at=sent, response_due_on=date(2015, 6, 29))
    )
    showers = _proposal("bains douches")
    showers.addressed[0].sent_at = sent
    showers.addressed[0].response_due_on = date(2015, 6, 29)
    master = _proposal("projet de Master")
    master.title = "Un centre de ressources et médiations, projet de Master proposé à l’université"
    master.addressed.append(AddressedInstitution(institution=university, sent_at=sent))
    eviction = _proposal("Prévenir les expulsions")
    eviction.title = "Prévenir les expulsions locatives"
    eviction.addressed.append(AddressedInstitution(institution=caf, sent_at=sent))
    db.session.add(
        StatedPosition(
            proposal=eviction,
            institution=caf,
            words="Des dispositifs sont déjà en place.",
            source=legacy.INVENTED_POSITION_SOURCE,
        )
    )
    bail = _proposal("bail glissant")
    bail.status = ProposalStatus.ANSWERED
    bail.status_changes[0].created_at = sent
    bail.status_changes[0].to_status = ProposalStatus.SUBMITTED
    bail.status_changes.append(
        StatusChange(
            from_status=ProposalStatus.SUBMITTED,
            to_status=ProposalStatus.ANSWERED,
            created_at=legacy.INVENTED_FOLLOW_UP_AT,
        )
    )
    usager = db.session.scalar(sa.select(User).where(User.email.startswith("usager@")))
    db.session.add(
        Contribution(
            proposal=bail,
            kind=ContributionKind.TESTIMONY,
            author=usager,
            body="Mon témoignage, posté sur l’ancienne démo.",
            state=ContributionState.PUBLISHED,
            idempotency_key="a" * 32,
        )
    )
    forum = _proposal("Organiser un forum")
    forum.status = ProposalStatus.SENT  # a person moved it on, on the site
    forum.status_changes.append(
        StatusChange(
            actor=usager,
            from_status=ProposalStatus.IN_DISCUSSION,
            to_status=ProposalStatus.SENT,
            created_at=datetime(2026, 1, 5, 10, 0),
        )
    )
    forum.addressed.append(
        AddressedInstitution(institution=city, sent_at=datetime(2026, 1, 5, 10, 0))
    )
    db.session.delete(_proposal("inversion de logique"))  # not in the older demo
    association = db.session.scalar(sa.select(User).where(User.email.startswith("association@")))
    culture = db.session.scalar(sa.select(Meeting).where(Meeting.title.contains("culture")))
    culture.ends_at = culture.starts_at.replace(hour=14, minute=30)
    culture.agenda = "1. Relire le compte rendu de l’atelier."
    culture.secretary = association
    association.organisations.append(culture.host)
    _org("fondation-abbe-pierre").themes.append(
        db.session.scalar(sa.select(Theme).where(Theme.slug == "hebergement-logement"))
    )
    db.session.commit()
    return {"reseau": reseau.id, "forum": forum.id}


def test_an_older_demo_is_brought_to_the_faithful_record(app):
    load_demo()
    faithful = _totals()
    ids = _age_into_the_older_demo()

    counts = load_demo()

    assert counts["proposals"] == 1 and counts["updated"] and counts["removed"]
    assert _totals()["proposals"] == faithful["proposals"]
    names = set(db.session.scalars(sa.select(Organisation.name)))
    assert "Hôpitaux de Metz" not in names and "Université de Lorraine" not in names
    invented = db.session.scalars(
        sa.select(AddressedInstitution).where(AddressedInstitution.sent_at.is_not(None))
    ).all()
    assert [(a.proposal_id, a.institution.slug) for a in invented] == [
        (ids["forum"], "ville-de-metz")  # sent by a person on the site: kept
    ]
    assert all(
        a.response_due_on is None for a in db.session.scalars(sa.select(AddressedInstitution))
    )
    assert _count(StatedPosition) == 2
    assert _org("caf-moselle").description == data.ORGANISATIONS[-1]["description"]
    bail = _proposal("bail glissant")
    assert bail.status is ProposalStatus.IN_DISCUSSION
    assert [(c.from_status, c.created_at) for c in bail.status_changes] == [(None, ASSISES_AT)]
    [testimony] = db.session.scalars(sa.select(Contribution)).all()
    assert testimony.proposal_id == bail.id  # what people posted stays
    assert _proposal("Prévenir les expulsions").addressed == []
    assert _proposal("projet de Master à proposer").addressed == []
    forum = db.session.get(Proposal, ids["forum"])
    assert forum.status is ProposalStatus.SENT  # a person's change stays
    culture = db.session.scalar(sa.select(Meeting).where(Meeting.title.contains("culture")))
    assert (culture.ends_at, culture.agenda, culture.secretary) == (None, "", None)
    association = db.session.scalar(sa.select(User).where(User.email.startswith("association@")))
    assert [o.slug for o in association.organisations] == [RESEAU]
    assert "hebergement-logement" not in [t.slug for t in _org("fondation-abbe-pierre").themes]

    before = _totals()
    assert set(load_demo().values()) == {0}
    assert _totals() == before


def test_an_invented_organisation_someone_uses_stays(app, make_proposal):
    load_demo()
    hospitals = Organisation(
        slug="hopitaux-de-metz", name="Hôpitaux de Metz", kind=OrganisationKind.INSTITUTION
    )
    proposal = make_proposal(title="Une proposition d’un membre")
    proposal.addressed.append(AddressedInstitution(institution=hospitals))
    db.session.commit()

    load_demo()

    assert _org("hopitaux-de-metz") is not None


def test_a_meeting_organised_on_the_site_for_the_event_says_who_may_come(app, client, make_user):
    load_demo()
    organiser = make_user("association_member")
    meeting = Meeting(
        title="Groupe santé, suite",
        starts_at=datetime(2015, 9, 1, 12, 0),
        event=db.session.scalar(sa.select(Event)),
        created_by_id=organiser.id,
    )
    db.session.add(meeting)
    db.session.commit()

    page = client.get(f"/reunions/{meeting.id}").get_data(as_text=True)

    assert "Ouverte à tous" in page and "Cette réunion a déjà eu lieu." in page


def test_a_proposal_of_the_record_shows_its_origin_not_an_invented_filing_date(app, client):
    load_demo()
    proposal = _proposal("inversion de logique")
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "Déposée le" not in page
    assert "Bilan des assises de la solidarité du 30 avril 2015 (propositions du réseau)" in page
    assert "Le bilan n’est pas daté" in page


# ---------------------------------------------------------------------------
# The demo in three languages: French originals, the network's English and Arabic
# ---------------------------------------------------------------------------

FIRST_CHARTER_MIGRATION = (
    Path(__file__).resolve().parents[1]
    / "migrations"
    / "versions"
    / "20261126_c1cdd0a990f8_meetings_registrations_minutes_and_.py"
)


def _charter_as_migrated() -> CharterVersion:
    """The charter the migrations create (each test starts from empty tables), put back by
    the migration's own function: the demo translates that very text."""
    spec = importlib.util.spec_from_file_location("first_charter", FIRST_CHARTER_MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with Operations.context(MigrationContext.configure(db.session.connection())):
        migration._insert_first_charter()
    db.session.commit()
    return db.session.scalar(sa.select(CharterVersion))


def _translations_of(obj) -> dict[tuple[str, str], Translation]:
    rows = db.session.scalars(
        sa.select(Translation).where(
            Translation.kind == kind_of(obj), Translation.object_id == obj.id
        )
    )
    return {(row.field, row.lang): row for row in rows}


def _assert_translated(obj, *fields: str) -> None:
    """Current English and Arabic translations of these fields, made by the network."""
    found = _translations_of(obj)
    for field in fields:
        original = getattr(obj, field)
        for lang in ("en", "ar"):
            row = found.get((field, lang))
            assert row is not None, (obj, field, lang)
            assert row.text.strip() and row.text != original, (obj, field, lang)
            assert row.is_current_for(original), (obj, field, lang)
            assert row.by_network and row.translator_id is None, (obj, field, lang)
        arabic = found[(field, "ar")].text
        assert re.search("[\u0600-\u06ff]", arabic), arabic  # Arabic script


def _snapshot() -> set:
    return set(
        db.session.execute(
            sa.select(
                Translation.id,
                Translation.text,
                Translation.revision,
                Translation.outdated,
                Translation.updated_at,
            )
        )
    )


def test_every_demo_proposal_has_an_easy_read_summary_in_three_languages(app):
    load_demo()
    load_examples()

    proposals = db.session.scalars(sa.select(Proposal)).all()
    assert len(proposals) == len(data.PROPOSALS) + 6
    assert sum(p.example for p in proposals) == 6
    for proposal in proposals:
        assert proposal.easy_read.strip(), proposal.title
        _assert_translated(proposal, "title", "easy_read")
        assert ("body", "en") not in _translations_of(proposal)  # the full text stays French
    themes = db.session.scalars(sa.select(Theme)).all()
    events = db.session.scalars(sa.select(Event)).all()
    assert len(themes) == 5 and len(events) == 2
    for named in (*themes, *events):
        _assert_translated(named, "name")
    example = db.session.scalar(sa.select(Event).where(Event.example.is_(True)))
    assert _translations_of(example)[("name", "en")].text.endswith("(example)")
    assert _translations_of(example)[("name", "ar")].text.endswith("(مثال)")


def test_the_charter_in_force_is_translated_whole(app):
    charter = _charter_as_migrated()
    assert charter.label == "2015-1" and len(charter.articles) == 6

    counts = load_demo()

    _assert_translated(charter, "introduction")
    for article in charter.articles:
        _assert_translated(article, "title", "body")
    # Workshops, event, proposals (title and summary) and charter, in two languages.
    assert counts["translations"] == 2 * (5 + 1 + 2 * len(data.PROPOSALS) + 1 + 2 * 6)


def test_a_second_load_changes_no_translation(app):
    _charter_as_migrated()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    before = _snapshot()
    assert len(before) > 150

    again = runner.invoke(args=["demo", "load"])

    assert again.exit_code == 0, again.output
    assert "translations: 0" in again.output and "updated: 0" in again.output
    assert "Édition d’exemple chargée (rien de nouveau)" in again.output
    assert _snapshot() == before


def test_the_networks_corrected_wording_replaces_its_earlier_one(app):
    load_demo()
    proposal = _proposal("bains douches")
    earlier = _translations_of(proposal)[("title", "en")]
    earlier.text = "Opening of free shower baths"  # what an earlier demo said
    db.session.commit()  # a write: revision 2

    counts = load_demo()

    assert counts["updated"] == 1 and counts["translations"] == 0
    db.session.refresh(earlier)
    assert (earlier.text, earlier.revision) == ("Open free public baths and free public toilets", 3)
    assert earlier.by_network and earlier.is_current_for(proposal.title)


def test_a_translation_a_person_made_stays(app, make_user):
    load_demo()
    admin, volunteer = make_user("admin"), make_user("association_member")
    translations.name_translator(admin, volunteer, "en")
    proposal = _proposal("bains douches")
    translations.save_translation(
        volunteer,
        proposal,
        "en",
        {"title": "Free public baths and toilets"},
        revisions={"title": 1},
        digests={"title": source_digest(proposal.title)},
    )

    load_demo()

    row = _translations_of(proposal)[("title", "en")]
    assert (row.text, row.translator_id, row.by_network) == (
        "Free public baths and toilets",
        volunteer.id,
        False,
    )


def test_a_workshop_renamed_on_the_site_is_not_given_the_networks_translation(app):
    """The network translated the review's words: a name an admin changed keeps its
    translations marked outdated (shown with the new original) until a translator updates
    them; the demo does not pass them off as current."""
    load_demo()
    theme = db.session.scalar(sa.select(Theme).where(Theme.slug == "acces-sante"))
    theme.name = "Santé et soins"
    db.session.commit()

    load_demo()

    english = _translations_of(theme)[("name", "en")]
    assert (english.text, english.outdated) == ("Access to health care", True)
    theme.name = "Accès à la santé"  # named back: the same translation is current again
    db.session.commit()
    load_demo()
    db.session.refresh(english)
    assert english.is_current_for(theme.name) and english.revision == 1


def test_an_older_demo_gets_its_translations(app):
    load_demo()
    _age_into_the_older_demo()

    load_demo()

    for proposal in db.session.scalars(sa.select(Proposal)):
        _assert_translated(proposal, "title", "easy_read")
    assert not db.session.scalar(sa.select(sa.exists().where(Translation.outdated)))
    kinds = set(db.session.scalars(sa.select(Translation.kind).distinct()))
    assert kinds == {TranslatedKind.PROPOSAL, TranslatedKind.THEME, TranslatedKind.EVENT}


def test_arabic_readers_see_the_demo_in_arabic_and_the_example_mark(app, client):
    load_demo()
    load_examples()
    record = _proposal("bains douches")
    example = db.session.scalar(
        sa.select(Proposal).where(Proposal.title.startswith("Des colis alimentaires"))
    )

    page = client.get(f"/propositions/{record.id}?lang=ar").get_data(as_text=True)

    assert '<h1 lang="ar" dir="rtl">فتح حمّامات عمومية ومراحيض عامة مجانية</h1>' in page
    assert '<div class="text" lang="ar" dir="rtl">نطلب دُشّات مجانية في المدينة.' in page
    assert 'class="badge example"' not in page
    page = client.get(f"/propositions/{example.id}?lang=ar").get_data(as_text=True)
    assert '<h1 lang="ar" dir="rtl">طرود غذائية مناسبة للأشخاص الذين ليس لديهم مطبخ</h1>' in page
    assert re.search(r'<span class="badge example"[^>]*>مثال</span>', page)
    assert '<div class="text" lang="ar" dir="rtl">تحتوي الطرود غالبًا' in page
    english = client.get(f"/propositions/{example.id}?lang=en").get_data(as_text=True)
    assert '<h1 lang="en" dir="ltr">Food parcels suited to people without a kitchen</h1>' in english
    assert re.search(r'<span class="badge example"[^>]*>example</span>', english)
    french = client.get(f"/propositions/{example.id}?lang=fr").get_data(as_text=True)
    assert "Des colis alimentaires adaptés aux personnes sans cuisine</h1>" in french
    assert re.search(r'<span class="badge example"[^>]*>exemple</span>', french)
