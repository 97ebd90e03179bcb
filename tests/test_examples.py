"""The fictional example edition: complete, dated around today, idempotent, refused in
production, removed whole by `flask demo clear-examples`, and marked "exemple" on every page
and in the API."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AddressedInstitution,
    AmendmentState,
    Commitment,
    Contribution,
    ContributionKind,
    ContributionState,
    DisplayMode,
    DocumentKind,
    Event,
    Meeting,
    Minutes,
    MinutesAmendment,
    MinutesVersion,
    ModerationDecision,
    OfficialResponse,
    Organisation,
    Proposal,
    SearchDocument,
    StatusChange,
    User,
    paris_today,
)
from app.services import ServiceError
from app.services.examples import clear_examples, load_examples

BADGE = re.compile(r'<span class="badge example"[^>]*>exemple</span>')
EVENT_SLUG = "assises-2026-exemple"


def _count(model, *conditions) -> int:
    query = sa.select(sa.func.count()).select_from(model)
    for condition in conditions:
        query = query.where(condition)
    return db.session.scalar(query)


def _totals() -> dict:
    return {
        model.__name__: _count(model)
        for model in (
            Event,
            Organisation,
            User,
            Proposal,
            AddressedInstitution,
            StatusChange,
            Contribution,
            ModerationDecision,
            OfficialResponse,
            Commitment,
            Meeting,
            Minutes,
            MinutesVersion,
            MinutesAmendment,
        )
    }


def _example_proposals() -> list[Proposal]:
    return db.session.scalars(
        sa.select(Proposal).where(Proposal.example.is_(True)).order_by(Proposal.id)
    ).all()


@pytest.fixture
def production(app):
    previous = app.config.get("DEMO_DATA_ALLOWED")
    app.config["DEMO_DATA_ALLOWED"] = False
    yield
    app.config["DEMO_DATA_ALLOWED"] = previous


def test_load_examples_creates_the_whole_edition(app):
    today = paris_today()
    created = load_examples()

    event = db.session.scalar(sa.select(Event).where(Event.slug == EVENT_SLUG))
    assert event.example and event.name == "Assises de la solidarité 2026 (exemple)"
    assert event.held_on == today - timedelta(days=40)
    organisations = db.session.scalars(sa.select(Organisation)).all()
    assert organisations and all(o.example and o.name.endswith("(exemple)") for o in organisations)
    kinds = sorted(o.kind.value for o in organisations)
    assert kinds == ["association", "institution", "institution"]
    proposals = _example_proposals()
    assert 4 <= len(proposals) <= 6
    assert all(p.event_id == event.id and p.theme is not None for p in proposals)

    contributions = db.session.scalars(sa.select(Contribution)).all()
    testimonies = [c for c in contributions if c.kind is ContributionKind.TESTIMONY]
    assert any(c.is_guest and c.guest_name and c.is_public for c in testimonies)
    anonymous = [c for c in testimonies if c.display_mode is DisplayMode.ANONYMOUS]
    assert anonymous[0].author.email == "usager@demo.voix-solidaires.fr"
    assisted = [c for c in testimonies if c.is_assisted]
    assert assisted[0].recorded_for.example and assisted[0].consent_confirmed_at
    assert any(c.kind is ContributionKind.COMMENT for c in contributions)
    assert any(c.kind is ContributionKind.REPLY and c.response_id for c in contributions)
    assert any(c.state is ContributionState.PENDING for c in contributions)
    featured = [c for c in contributions if c.featured_at]
    assert featured and all(c.is_public and c.kind is ContributionKind.TESTIMONY for c in featured)
    assert {c.featured_by.email for c in featured} == {"moderation@demo.voix-solidaires.fr"}

    sent = db.session.scalars(sa.select(AddressedInstitution)).all()
    assert sent and all(a.sent_at and a.response_due_on for a in sent)
    answered = {
        (r.proposal_id, r.institution_id) for r in db.session.scalars(sa.select(OfficialResponse))
    }
    late = [
        a
        for a in sent
        if a.response_due_on < today and (a.proposal_id, a.institution_id) not in answered
    ]
    assert len(late) == 1
    commitments = db.session.scalars(sa.select(Commitment)).all()
    assert sum(c.is_overdue(today) for c in commitments) == 1

    meetings = db.session.scalars(sa.select(Meeting).order_by(Meeting.starts_at)).all()
    assert all(m.example and m.event_id == event.id for m in meetings)
    assert meetings[0].starts_at.date() < today < meetings[-1].starts_at.date()
    minutes = db.session.scalar(sa.select(Minutes))
    assert minutes.meeting_id == meetings[0].id and len(minutes.versions) == 2
    amendment = db.session.scalar(sa.select(MinutesAmendment))
    assert amendment.state is AmendmentState.ACCEPTED
    assert amendment.proposed_text in minutes.versions[-1].body

    assert created["proposals"] == len(proposals)
    assert created["organisations"] == 3 and created["events"] == 1


def test_examples_are_indexed_for_search(app):
    load_examples()
    kinds = set(db.session.scalars(sa.select(SearchDocument.kind)))
    assert {
        DocumentKind.PROPOSAL,
        DocumentKind.TESTIMONY,
        DocumentKind.COMMENT,
        DocumentKind.RESPONSE,
        DocumentKind.ORGANISATION,
        DocumentKind.MEETING,
    } <= kinds


def test_dates_follow_the_day_it_is_loaded(app):
    load_examples(today=date(2031, 3, 10))
    event = db.session.scalar(sa.select(Event))
    assert event.held_on == date(2031, 1, 29)
    assert max(m.starts_at for m in db.session.scalars(sa.select(Meeting))).date() > date(
        2031, 3, 10
    )


def test_a_second_load_creates_nothing(app):
    load_examples()
    before = _totals()
    again = load_examples()
    assert set(again.values()) == {0}
    assert _totals() == before


def test_refused_in_production(app, production):
    with pytest.raises(ServiceError, match="production"):
        load_examples()
    with pytest.raises(ServiceError, match="production"):
        clear_examples()
    assert _count(Proposal) == 0


def test_clear_removes_every_example_row_and_nothing_else(
    app, make_proposal, make_organisation, make_user
):
    association = make_organisation(name="Vraie association")
    author = make_user("participant")
    kept = make_proposal(title="Une vraie proposition", organisation=association)
    db.session.add(
        Contribution(
            proposal=kept,
            kind=ContributionKind.TESTIMONY,
            author=author,
            body="Un vrai témoignage.",
            state=ContributionState.PUBLISHED,
        )
    )
    db.session.commit()
    before = _totals()
    load_examples()

    removed = clear_examples()

    assert removed["proposals"] == 5 and removed["events"] == 1
    assert removed["organisations"] == 3 and removed["meetings"] == 2
    after = _totals()
    # The demo accounts the example needed stay; everything else is as before.
    assert after.pop("User") == before.pop("User") + 3
    assert after == before
    assert db.session.get(Proposal, kept.id).title == "Une vraie proposition"
    assert _count(SearchDocument, SearchDocument.title.contains("(exemple)")) == 0
    assert _count(SearchDocument, SearchDocument.kind == DocumentKind.PROPOSAL) == 1
