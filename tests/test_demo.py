"""The demonstration data of the 2015 assises: complete, faithful, idempotent, refused in prod."""

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AddressedInstitution,
    Meeting,
    Organisation,
    OrganisationKind,
    Proposal,
    ProposalStatus,
    Role,
    StatedPosition,
    StatusChange,
    Theme,
    User,
    membership,
)
from app.services import ServiceError
from app.services.demo import load_demo

DEMO_EMAILS = {
    "admin@demo.voix-solidaires.fr": Role.ADMIN,
    "moderation@demo.voix-solidaires.fr": Role.MODERATOR,
    "association@demo.voix-solidaires.fr": Role.ASSOCIATION_MEMBER,
    "institution@demo.voix-solidaires.fr": Role.INSTITUTION_REP,
    "usager@demo.voix-solidaires.fr": Role.PARTICIPANT,
}


def _count(model_or_table) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model_or_table))


def _totals() -> dict:
    return {
        "themes": _count(Theme),
        "organisations": _count(Organisation),
        "users": _count(User),
        "memberships": _count(membership),
        "proposals": _count(Proposal),
        "addressed": _count(AddressedInstitution),
        "stated_positions": _count(StatedPosition),
        "status_changes": _count(StatusChange),
        "meetings": _count(Meeting),
    }


def _proposal(title_part: str) -> Proposal:
    rows = db.session.scalars(sa.select(Proposal).where(Proposal.title.contains(title_part))).all()
    assert len(rows) == 1, title_part
    return rows[0]


def _responses(proposal: Proposal) -> dict[str, StatedPosition]:
    rows = db.session.scalars(
        sa.select(StatedPosition).where(StatedPosition.proposal_id == proposal.id)
    )
    return {r.institution.slug: r for r in rows}


def test_load_demo_creates_the_assises(app):
    created = load_demo()

    themes = db.session.scalars(sa.select(Theme).order_by(Theme.position)).all()
    assert [t.slug for t in themes] == [
        "acces-sante",
        "urgence-alimentaire",
        "culture-insertion",
        "hebergement-logement",
    ]
    assert _count(Proposal) >= 20
    assert _count(Meeting) == 3
    users = db.session.scalars(sa.select(User)).all()
    assert {u.email: u.role for u in users} == DEMO_EMAILS
    assert created == _totals()

    for theme in themes:
        assert db.session.scalar(sa.select(sa.func.count()).where(Proposal.theme_id == theme.id)), (
            theme.slug
        )
    reseau = db.session.scalar(
        sa.select(Organisation).where(
            Organisation.slug == "reseau-solidarite-associations-messines"
        )
    )
    assert all(p.organisation_id == reseau.id for p in db.session.scalars(sa.select(Proposal)))
    institutions = db.session.scalars(
        sa.select(Organisation).where(Organisation.kind == OrganisationKind.INSTITUTION)
    ).all()
    assert institutions and all(org.verified for org in institutions)


def test_load_demo_twice_changes_nothing(app):
    load_demo()
    before = _totals()

    created = load_demo()

    assert set(created.values()) == {0}
    assert _totals() == before


def test_demo_accounts_belong_to_their_organisations(app):
    load_demo()
    admin = db.session.scalar(sa.select(User).where(User.email == "admin@demo.voix-solidaires.fr"))
    rep = db.session.scalar(
        sa.select(User).where(User.email == "institution@demo.voix-solidaires.fr")
    )
    guest = db.session.scalar(sa.select(User).where(User.email == "usager@demo.voix-solidaires.fr"))
    assert [o.slug for o in admin.organisations] == ["reseau-solidarite-associations-messines"]
    assert [o.slug for o in rep.organisations] == ["ville-de-metz"]
    assert guest.organisations == []
    assert admin.password_hash.startswith("$argon2id$")


def test_bail_glissant_has_both_institutions_positions(app):
    load_demo()
    proposal = _proposal("bail glissant")
    text = (
        "Un système de bail glissant existe déjà au conseil départemental et au CCAS. "
        "Aucune volonté politique de le développer."
    )
    responses = _responses(proposal)
    assert {slug: r.words for slug, r in responses.items()} == {
        "conseil-departemental-moselle": text,
        "ccas-de-metz": text,
    }
    assert proposal.status is ProposalStatus.ANSWERED


def test_hcr_camp_has_unfavourable_ddcs_position(app):
    load_demo()
    proposal = _proposal("type HCR")
    response = _responses(proposal)["ddcs-moselle"]
    assert "défavorable" in response.words.lower()
    assert response.source == "Position exprimée lors des assises du 30 avril 2015"
    assert "reste cependant ouverte" in proposal.body


def test_social_work_training_has_no_answer(app):
    load_demo()
    proposal = _proposal("travailleurs sociaux")
    assert _responses(proposal) == {}  # still owed: the board shows it overdue
    [addressed] = proposal.addressed
    assert addressed.institution.slug == "conseil-departemental-moselle"
    assert addressed.response_due_on == date(2015, 6, 29)
    assert proposal.status is ProposalStatus.SENT


def test_timeline_and_times_are_utc(app):
    load_demo()
    proposal = _proposal("comité de pilotage de la PASS")
    assert proposal.created_at == datetime(2015, 4, 30, 16, 0)  # 18:00 in Paris (CEST)
    timeline = sorted(proposal.status_changes, key=lambda c: c.created_at)
    assert [(c.from_status, c.to_status) for c in timeline] == [
        (None, ProposalStatus.SUBMITTED),
        (ProposalStatus.SUBMITTED, ProposalStatus.IN_PROGRESS),
    ]
    untouched = _proposal("garantie universelle des loyers")
    assert untouched.status is ProposalStatus.SUBMITTED
    assert len(untouched.status_changes) == 1

    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.title.contains("annuaire")))
    assert meeting.starts_at == datetime(2015, 6, 3, 7, 0)  # 9:00 in Paris
    assert meeting.theme is None
    assert meeting.host.slug == "maison-diocesaine-de-la-solidarite"


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
    assert "Hôpitaux de Metz" in health
    assert "Caisse d" not in health  # the CAF is addressed on housing only
    housing = client.get("/organisations/?theme=hebergement-logement").get_data(as_text=True)
    assert "Direction départementale de la cohésion sociale" in housing
    load_demo()  # still idempotent
    org = db.session.scalar(sa.select(Organisation).where(Organisation.slug == "ddcs-moselle"))
    assert [t.slug for t in org.themes] == ["hebergement-logement"]


def test_demo_meetings_name_a_secretary_from_their_host(app):
    load_demo()
    meetings = db.session.scalars(sa.select(Meeting).order_by(Meeting.starts_at)).all()
    assert [(m.host.slug, m.secretary.email) for m in meetings] == [
        ("maison-diocesaine-de-la-solidarite", "association@demo.voix-solidaires.fr"),
        ("medecins-du-monde", "moderation@demo.voix-solidaires.fr"),
        ("fondation-abbe-pierre", "association@demo.voix-solidaires.fr"),
    ]
    assert all(m.host in m.secretary.organisations for m in meetings)
    for meeting in meetings:  # an older demo load named nobody: a new run names them
        meeting.secretary = None
    db.session.commit()
    assert load_demo()["memberships"] == 0
    assert all(m.secretary is not None for m in meetings)
