"""The board's tallies (AddressedTally, kept by the database's triggers) against the same
figures counted on the addressed rows, after every kind of write: ORM writes, bulk
updates and deletes past the ORM, cascades and SET NULL."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AddressedInstitution,
    AddressedTally,
    Event,
    OfficialResponse,
    Organisation,
    OrganisationKind,
    Position,
    Proposal,
    ProposalStatus,
    Theme,
)
from app.queries import board
from app.queries.proposals import ANY_EVENT, EventFilter
from tests.test_board import at, build

DAYS = (date(2025, 3, 10), date(2025, 3, 1), date(2025, 2, 1), date(2025, 4, 30))
PERIODS = (
    board.Period(),
    board.Period(date(2025, 1, 15), date(2025, 2, 20)),
    board.Period(date(2025, 2, 1)),
    board.Period(None, date(2025, 2, 28)),
    board.Period(date(2025, 1, 1), date(2025, 1, 31)),
    board.Period(date(2025, 3, 2), date(2025, 3, 5)),
)


@pytest.fixture
def scene(db):
    scene = build()
    invented = Proposal(
        title="Une proposition inventée", body="Exemple.", theme=scene["sante"],
        status=ProposalStatus.SENT, organisation=scene["association"], example=True,
    )  # fmt: skip
    invented.addressed.append(
        AddressedInstitution(
            institution=scene["ville"], sent_at=at(2024, 12, 2), response_due_on=date(2025, 1, 2)
        )
    )
    db.session.add(invented)
    db.session.commit()
    return {**scene, "invented": invented}


def _scopes(scene) -> list:
    event = db.session.get(Event, scene["event"].id)
    filters = [
        ANY_EVENT,
        EventFilter(event=event),
        EventFilter(year=2024),
        EventFilter(with_examples=True),
    ]
    themes = [None, *db.session.scalars(sa.select(Theme.id))]
    return [(theme_id, events) for theme_id in themes for events in filters]


def _late_rows(theme_id, today, events, period) -> int:
    theme = theme_id and db.session.get(Theme, theme_id)
    listed = board.overdue_query(theme, None, today, due=period, events=events)
    return db.session.scalar(sa.select(sa.func.count()).select_from(listed.subquery()))


def assert_tallies_match(scene) -> None:
    """Every scope's figures from the tallies are those counted on the rows."""
    db.session.expire_all()
    for theme_id, events in _scopes(scene):
        for today in DAYS:
            tallied = db.session.execute(board.tallied_answers(theme_id, today, events)).one()
            counted = db.session.execute(board._counted_answers(theme_id, None, today, events))
            assert tuple(tallied) == tuple(counted.one()), (theme_id, events, today)
            for period in PERIODS:
                late = db.session.scalar(
                    sa.select(board.late_answers(theme_id, today, events, period))
                )
                assert late == _late_rows(theme_id, today, events, period), (period, today)


def _network() -> tuple:
    return tuple(
        db.session.execute(board.tallied_answers(None, date(2025, 3, 10), ANY_EVENT)).one()
    )


def test_the_tallies_start_from_the_rows(scene):
    assert_tallies_match(scene)
    # Nine real rows to institutions (from tests/test_board.py's build), the example apart;
    # p5's is not awaited, abandoned; p6's is not sent; p3's to the city is due today.
    addressed, answered, awaiting, late, oldest = _network()
    assert (addressed, answered, awaiting, late) == (9, 4, 3, 2)
    assert oldest == at(2025, 1, 1, 10)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AddressedTally)) > 0


def test_answers_given_withdrawn_and_moved(scene):
    answer = OfficialResponse(
        proposal=scene["p3"], institution=scene["prefecture"], position=Position.FAVOURABLE,
        body="Oui.", created_at=at(2025, 3, 1), updated_at=at(2025, 3, 1),
    )  # fmt: skip
    db.session.add(answer)
    db.session.commit()
    assert _network()[1:4] == (5, 2, 1)
    assert_tallies_match(scene)
    # Moved to the other institution (a correction), then withdrawn past the ORM.
    db.session.execute(
        sa.update(OfficialResponse)
        .where(OfficialResponse.id == answer.id)
        .values(institution_id=scene["ville"].id)
    )
    db.session.commit()
    assert_tallies_match(scene)
    db.session.execute(sa.delete(OfficialResponse).where(OfficialResponse.id == answer.id))
    db.session.commit()
    assert _network()[1:4] == (4, 3, 2)
    assert_tallies_match(scene)


def test_proposals_moved_abandoned_and_invented(scene):
    scene["p3"].theme = scene["sante"]
    scene["p3"].event = scene["event"]
    scene["p1"].status = ProposalStatus.ABANDONED
    db.session.commit()
    assert_tallies_match(scene)
    db.session.execute(
        sa.update(Proposal)
        .where(Proposal.id.in_([scene["p1"].id, scene["p5"].id]))
        .values(status=ProposalStatus.SENT, example=False)
    )
    db.session.execute(
        sa.update(Proposal).where(Proposal.id == scene["p2"].id).values(example=True)
    )
    db.session.commit()
    assert_tallies_match(scene)


def test_rows_sent_rescheduled_added_and_moved(scene):
    row = scene["p6"].addressed[0]
    row.sent_at, row.response_due_on = at(2025, 2, 10), date(2025, 3, 3)
    db.session.commit()
    assert _network()[2:4] == (4, 3)
    assert_tallies_match(scene)
    db.session.execute(
        sa.update(AddressedInstitution)
        .where(AddressedInstitution.proposal_id == scene["p3"].id)
        .values(response_due_on=date(2025, 1, 31))
    )
    db.session.commit()
    assert_tallies_match(scene)
    # Addressed to an institution that had answered unasked: answered at once.
    scene["p4"].addressed.append(
        AddressedInstitution(institution=scene["ville"], sent_at=at(2025, 1, 2))
    )
    db.session.commit()
    assert _network()[:2] == (10, 5)
    assert_tallies_match(scene)
    db.session.execute(
        sa.update(AddressedInstitution)
        .where(AddressedInstitution.id == row.id)
        .values(proposal_id=scene["p2"].id)
    )
    db.session.commit()
    assert_tallies_match(scene)


def test_organisations_change_kind_and_go(scene):
    scene["prefecture"].kind = OrganisationKind.ASSOCIATION
    db.session.commit()
    assert _network()[0] == 5
    assert_tallies_match(scene)
    scene["prefecture"].kind = OrganisationKind.INSTITUTION
    db.session.commit()
    assert_tallies_match(scene)
    db.session.execute(sa.delete(Organisation).where(Organisation.id == scene["ville"].id))
    db.session.commit()
    assert _network()[0] == 4
    assert_tallies_match(scene)


def test_deletions_cascade_to_the_tallies(scene):
    db.session.delete(scene["p2"])
    db.session.commit()
    assert_tallies_match(scene)
    # Past the ORM: the database's cascade deletes the rows after their proposal.
    db.session.execute(sa.delete(Proposal).where(Proposal.id == scene["p3"].id))
    db.session.commit()
    assert _network()[:3] == (6, 3, 1)
    assert_tallies_match(scene)
    db.session.execute(sa.delete(Event).where(Event.id == scene["event"].id))  # SET NULL
    db.session.commit()
    assert_tallies_match(scene)
    db.session.execute(sa.delete(Proposal))
    db.session.commit()
    assert _network() == (0, 0, 0, 0, None)
    sums = sa.select(
        sa.func.sum(AddressedTally.addressed),
        sa.func.sum(AddressedTally.answered),
        sa.func.sum(AddressedTally.awaiting),
    )
    assert tuple(db.session.execute(sums).one()) == (0, 0, 0)
