"""The board's tallies (AddressedTally and CommitmentTally, kept by the database's
triggers) against the same figures counted on the addressed rows and the commitments,
after every kind of write: ORM writes, bulk updates and deletes past the ORM, cascades and
SET NULL."""

import threading
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import (
    OPEN_COMMITMENT_STATES,
    AddressedInstitution,
    AddressedTally,
    Commitment,
    CommitmentState,
    CommitmentTally,
    Event,
    OfficialResponse,
    Organisation,
    OrganisationKind,
    Position,
    Proposal,
    ProposalStatus,
    StatusChange,
    Theme,
)
from app.queries import board, inversion, synthesis
from app.queries.proposals import ANY_EVENT, EventFilter, themes_with_counts
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
    # The city puts a proposal to an association, which takes it up with a commitment.
    put = Proposal(
        title="Une proposition de la ville", body="Aux associations.", theme=scene["logement"],
        status=ProposalStatus.ANSWERED, organisation=scene["ville"],
    )  # fmt: skip
    put.addressed.append(
        AddressedInstitution(
            institution=scene["association"],
            sent_at=at(2025, 1, 5),
            response_due_on=date(2025, 2, 5),
        )
    )
    taken_up = OfficialResponse(
        proposal=put, institution=scene["association"], position=Position.TAKEN_UP,
        body="Nous nous en saisissons.", created_at=at(2025, 1, 20), updated_at=at(2025, 1, 20),
    )  # fmt: skip
    taken_up.commitments.append(Commitment(action="Ouvrir un lieu", due_on=date(2025, 3, 5)))
    db.session.add_all([put, taken_up])
    db.session.commit()
    return {**scene, "invented": invented, "put": put}


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


def _late_commitment_rows(theme_id, today, events, period) -> int:
    clauses = [*events.counted_clauses(), *period.days(Commitment.due_on)]
    if theme_id is not None:
        clauses.append(Proposal.theme_id == theme_id)
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Commitment)
        .join(OfficialResponse, OfficialResponse.id == Commitment.response_id)
        .join(Proposal, Proposal.id == OfficialResponse.proposal_id)
        .where(Commitment.state.in_(OPEN_COMMITMENT_STATES), Commitment.due_on < today, *clauses)
    )


def _answers_match(theme_id, events, today) -> None:
    tallied = db.session.execute(board.tallied_answers(theme_id, today, events)).one()
    counted = db.session.execute(board._counted_answers(theme_id, None, today, events))
    assert tuple(tallied) == tuple(counted.one()), (theme_id, events, today)
    for period in PERIODS:
        late = db.session.scalar(sa.select(board.late_answers(theme_id, today, events, period)))
        assert late == _late_rows(theme_id, today, events, period), (period, today)


def _institution_rows_match(theme_id, events, today) -> None:
    """Each institution's row of the board, read on the addressed rows' and the
    commitments' copies, against the same figures counted with the answers joined."""
    rows = board._figures(theme_id, None, today, events)
    institutions = sa.select(Organisation.id).where(
        Organisation.kind == OrganisationKind.INSTITUTION
    )
    for org_id in db.session.scalars(institutions):
        answers = db.session.execute(board._counted_answers(theme_id, [org_id], today, events))
        due, overdue = db.session.execute(
            board._open_commitments(theme_id, [org_id], today, events)
        ).one()
        counted = board._answer_figures(answers.one(), today)
        counted.update(commitments_due=due, commitments_overdue=overdue)
        assert {key: rows[org_id][key] for key in counted} == counted, (org_id, theme_id, today)


def _commitments_match(theme_id, events, today) -> None:
    still_open, late = db.session.execute(
        sa.select(
            board.commitments_in(theme_id, events, OPEN_COMMITMENT_STATES),
            board.late_commitments(theme_id, today, events),
        )
    ).one()
    counted = db.session.execute(board._open_commitments(theme_id, None, today, events))
    assert (still_open - late, late) == tuple(counted.one()), (theme_id, events, today)
    theme = theme_id and db.session.get(Theme, theme_id)
    by_associations = inversion._commitments(
        theme, None, events, *board._commitment_columns(today)
    ).where(inversion._to_associations(OfficialResponse.institution_id))
    tallied = board.open_commitments(theme_id, today, events, by_institutions=False)
    assert tallied == tuple(db.session.execute(by_associations).one())
    # Over all time from the tallies; over a period holding everything, counted: the
    # commitments, the responses by position and the changes of status.
    tallied = synthesis.list_totals(theme, PERIODS[0], today, events)
    counted = synthesis.list_totals(theme, board.Period(date(2000, 1, 1)), today, events)
    assert tallied == counted, (theme_id, events, today)
    for period in PERIODS:
        late = board.late_commitments(theme_id, today, events, period, by_institutions=None)
        expected = _late_commitment_rows(theme_id, today, events, period)
        assert db.session.scalar(sa.select(late)) == expected, (period, today)


def _proposals_match(theme_id, events) -> None:
    theme = theme_id and db.session.get(Theme, theme_id)
    themes = list(db.session.scalars(sa.select(Theme)))
    tallied = synthesis.workshop_summary(theme, PERIODS[0], themes, events)
    counted = synthesis.workshop_summary(theme, board.Period(date(2000, 1, 1)), themes, events)
    assert tallied == counted, (theme_id, events)
    # The board's workshops, from the tallies, against the same proposals counted.
    rows = board.workshop_rows(theme, None, themes, events)
    assert [row["counts"] for row in rows] == [row["counts"] for row in counted]


def _addressed_counts_match() -> None:
    """Each proposal's own count of rows addressing it, against the rows."""
    rows = (
        sa.select(sa.func.count())
        .where(AddressedInstitution.proposal_id == Proposal.id)
        .scalar_subquery()
    )
    counts = db.session.execute(sa.select(Proposal.id, Proposal.addressed_count, rows)).all()
    assert [(id_, kept) for id_, kept, _ in counts] == [(id_, n) for id_, _, n in counts]


def assert_tallies_match(scene) -> None:
    """Every scope's figures from the tallies are those counted on the rows."""
    db.session.expire_all()
    _addressed_counts_match()
    per_theme = sa.select(Proposal.theme_id, sa.func.count()).group_by(Proposal.theme_id)
    counted = dict(db.session.execute(per_theme).all())
    assert {t.id: n for t, n in themes_with_counts()} == {
        t: counted.get(t, 0) for t in db.session.scalars(sa.select(Theme.id))
    }
    for theme_id, events in _scopes(scene):
        _proposals_match(theme_id, events)
        for today in DAYS:
            _answers_match(theme_id, events, today)
            _commitments_match(theme_id, events, today)
            _institution_rows_match(theme_id, events, today)


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
    # Three institutions' commitments open, one late (due 1 March); one by the city on p4,
    # an answer it gave unasked, due 9 March.
    assert _commitments() == (3, 2)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CommitmentTally)) > 0
    # The association's, due 5 March, counted apart.
    assert board.open_commitments(None, date(2025, 3, 10), ANY_EVENT, False) == (0, 1)


def _commitments() -> tuple:
    """The network's open commitments and the late ones, from the tallies."""
    today = date(2025, 3, 10)
    return tuple(
        db.session.execute(
            sa.select(
                board.commitments_in(None, ANY_EVENT, OPEN_COMMITMENT_STATES),
                board.late_commitments(None, today, ANY_EVENT),
            )
        ).one()
    )


def _answer(proposal, institution) -> OfficialResponse:
    return db.session.scalars(
        sa.select(OfficialResponse).filter_by(
            proposal_id=proposal.id, institution_id=institution.id
        )
    ).one()


def test_commitments_made_kept_moved_and_dropped(scene):
    answer = _answer(scene["p1"], scene["ville"])
    answer.commitments.append(
        Commitment(action="Ouvrir la plateforme", due_on=date(2025, 2, 20), state="planned")
    )
    db.session.commit()
    assert _commitments() == (4, 3)
    assert_tallies_match(scene)
    late = answer.commitments[0]
    late.state = CommitmentState.DONE
    db.session.commit()
    assert _commitments() == (3, 2)
    db.session.execute(
        sa.update(Commitment)
        .where(Commitment.state == CommitmentState.PLANNED)
        .values(due_on=date(2025, 3, 2), state=CommitmentState.IN_PROGRESS)
    )
    db.session.commit()
    assert_tallies_match(scene)
    # Moved to another answer, on a proposal of another workshop.
    db.session.execute(
        sa.update(Commitment)
        .where(Commitment.id == late.id)
        .values(
            response_id=_answer(scene["p4"], scene["prefecture"]).id,
            state=CommitmentState.PLANNED,
        )
    )
    db.session.commit()
    assert_tallies_match(scene)
    db.session.execute(sa.delete(Commitment).where(Commitment.id == late.id))
    db.session.commit()
    assert_tallies_match(scene)


def test_answers_given_withdrawn_and_moved(scene):
    answer = OfficialResponse(
        proposal=scene["p3"], institution=scene["prefecture"], position=Position.FAVOURABLE,
        body="Oui.", created_at=at(2025, 3, 1), updated_at=at(2025, 3, 1),
    )  # fmt: skip
    answer.commitments.append(Commitment(action="Loger", due_on=date(2025, 3, 5)))
    db.session.add(answer)
    db.session.commit()
    assert _network()[1:4] == (5, 2, 1)
    assert _commitments() == (4, 3)
    assert_tallies_match(scene)
    # Moved to the other institution (a correction), then withdrawn past the ORM.
    db.session.execute(
        sa.update(OfficialResponse)
        .where(OfficialResponse.id == answer.id)
        .values(institution_id=scene["ville"].id)
    )
    db.session.commit()
    assert_tallies_match(scene)
    db.session.execute(
        sa.update(OfficialResponse)
        .where(OfficialResponse.id == answer.id)
        .values(proposal_id=scene["p6"].id)
    )
    db.session.commit()
    assert_tallies_match(scene)
    db.session.execute(sa.delete(OfficialResponse).where(OfficialResponse.id == answer.id))
    db.session.commit()
    assert _network()[1:4] == (4, 3, 2)
    assert _commitments() == (3, 2)
    assert_tallies_match(scene)


def test_proposals_moved_abandoned_and_invented(scene):
    scene["p3"].theme = scene["sante"]
    scene["p3"].event = scene["event"]
    scene["p1"].status = ProposalStatus.ABANDONED
    scene["p1"].status_changes.append(StatusChange(to_status=ProposalStatus.ABANDONED))
    db.session.commit()
    assert synthesis.list_totals(None, PERIODS[0], date(2025, 3, 10))["abandoned"] == 2
    assert_tallies_match(scene)
    db.session.execute(sa.delete(StatusChange).where(StatusChange.proposal_id == scene["p2"].id))
    db.session.execute(
        sa.update(StatusChange)
        .where(StatusChange.proposal_id == scene["p5"].id)
        .values(to_status=ProposalStatus.DONE)
    )
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
    scene["ville"].kind = OrganisationKind.ASSOCIATION
    db.session.commit()
    assert _network()[0] == 4  # the prefecture's rows
    assert _commitments() == (0, 0)  # the city's were all those open
    assert_tallies_match(scene)
    scene["ville"].kind = OrganisationKind.INSTITUTION
    db.session.commit()
    assert _commitments() == (3, 2)
    assert_tallies_match(scene)
    db.session.execute(sa.delete(Organisation).where(Organisation.id == scene["ville"].id))
    db.session.commit()
    assert _network()[0] == 4
    assert _commitments() == (0, 0)
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
        sa.select(sa.func.sum(CommitmentTally.commitments)).scalar_subquery(),
    )
    assert tuple(db.session.execute(sums).one()) == (0, 0, 0, 0)


def test_a_row_added_while_its_proposal_changes_is_counted_as_it_became(scene):
    """A row addressed while another transaction abandons its proposal waits for it, then
    copies the proposal as committed (PostgreSQL: the copy trigger locks the proposal;
    SQLite: one writer at a time). Without the lock it kept "not abandoned" for good."""
    proposal_id, institution_id = scene["p6"].id, scene["ville"].id
    db.session.commit()  # no transaction of this session under way
    engine, added = db.engine, []

    def address():
        with engine.connect() as second:
            second.execute(
                sa.insert(AddressedInstitution).values(
                    proposal_id=proposal_id,
                    institution_id=institution_id,
                    sent_at=at(2025, 2, 1),
                    response_due_on=date(2025, 2, 15),
                )
            )
            second.commit()
        added.append(True)

    with engine.connect() as first:
        first.execute(
            sa.update(Proposal)
            .where(Proposal.id == proposal_id)
            .values(status=ProposalStatus.ABANDONED)
        )
        thread = threading.Thread(target=address)
        thread.start()
        thread.join(0.5)
        assert not added  # it waits for the proposal's change
        first.commit()
    thread.join(10)
    assert added
    abandoned = sa.select(AddressedInstitution.proposal_abandoned).filter_by(
        proposal_id=proposal_id, institution_id=institution_id
    )
    assert db.session.scalar(abandoned) is True
    assert_tallies_match(scene)


def _respond_in_another_transaction(engine, proposal_id, institution_id, done) -> None:
    with Session(engine) as second:
        second.add(
            OfficialResponse(
                proposal_id=proposal_id, institution_id=institution_id, body="Nous y veillons.",
                position=Position.FAVOURABLE, created_at=at(2025, 2, 3), updated_at=at(2025, 2, 3),
            )
        )  # fmt: skip
        second.commit()
    done.append(True)


def _withdraw_in_another_transaction(engine, proposal_id, institution_id, done) -> None:
    with engine.connect() as second:
        second.execute(
            sa.delete(OfficialResponse).filter_by(
                proposal_id=proposal_id, institution_id=institution_id
            )
        )
        second.commit()
    done.append(True)


@pytest.mark.parametrize(
    ("answer", "answered"),
    [(_respond_in_another_transaction, True), (_withdraw_in_another_transaction, False)],
)
def test_an_answer_given_while_its_row_is_addressed_reaches_the_row(scene, answer, answered):
    """An answer given (or withdrawn) while another transaction addresses the proposal to
    that institution waits for the row, then sets its copy (PostgreSQL: the answers'
    trigger locks the proposal; SQLite: one writer at a time). Without the lock the row
    stayed awaited, late on the board for good."""
    proposal_id, institution_id = scene["p6"].id, scene["ville"].id
    if not answered:  # an answer there to withdraw
        _respond_in_another_transaction(db.engine, proposal_id, institution_id, [])
    db.session.commit()  # no transaction of this session under way
    engine, done = db.engine, []
    with engine.connect() as first:
        first.execute(
            sa.insert(AddressedInstitution).values(
                proposal_id=proposal_id,
                institution_id=institution_id,
                sent_at=at(2025, 2, 1),
                response_due_on=date(2025, 2, 15),
            )
        )
        thread = threading.Thread(target=answer, args=(engine, proposal_id, institution_id, done))
        thread.start()
        thread.join(0.5)
        assert not done  # it waits for the row
        first.commit()
    thread.join(10)
    assert done
    copy = sa.select(AddressedInstitution.answered).filter_by(
        proposal_id=proposal_id, institution_id=institution_id
    )
    assert db.session.scalar(copy) is answered
    assert_tallies_match(scene)


def test_two_rows_addressing_one_proposal_at_once_are_both_counted(scene):
    """A transaction holding its proposal shared (as a commitment's copy trigger does)
    addresses it while another addresses it too: the other waits (PostgreSQL: the copy
    trigger locks the proposal for the count's update; with the shared lock it took before,
    each waited for the other to update the count, a deadlock), and the proposal counts
    both rows. SQLite writes one transaction at a time."""
    proposal_id = scene["p6"].id
    before = scene["p6"].addressed_count
    ville, association = scene["ville"].id, scene["association"].id
    db.session.commit()  # no transaction of this session under way
    engine, added = db.engine, []
    on_postgresql = engine.dialect.name == "postgresql"

    def address(engine_or_connection, institution_id):
        engine_or_connection.execute(
            sa.insert(AddressedInstitution).values(
                proposal_id=proposal_id, institution_id=institution_id, sent_at=at(2025, 2, 1)
            )
        )

    def second_transaction():
        with engine.connect() as second:
            address(second, association)
            second.commit()
        added.append(association)

    with engine.connect() as first:
        if on_postgresql:
            shared = sa.select(Proposal.id).where(Proposal.id == proposal_id)
            first.execute(shared.with_for_update(read=True))
        thread = threading.Thread(target=second_transaction)
        thread.start()
        thread.join(0.5)
        assert not added or not on_postgresql  # it waits for the proposal
        address(first, ville)
        first.commit()
    thread.join(10)
    assert added == [association]
    db.session.expire_all()
    assert db.session.get(Proposal, proposal_id).addressed_count == before + 2
    assert_tallies_match(scene)
