"""The tallies counted again from the rows (app/ops/tallies.py, `flask database recount`):
the same figures as the triggers keep, whatever was wrong before; and a bulk load with the
triggers set aside, counted once recounted."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AddressedInstitution,
    AddressedTally,
    Commitment,
    CommitmentTally,
    OfficialResponse,
    Position,
    Proposal,
    ProposalStatus,
    ProposalTally,
    ResponseTally,
    StatusChange,
    StatusChangeTally,
    utcnow,
)
from app.models.base import TALLY_COPY
from app.models.contribution import ContributionKind, ContributionState, DisplayMode
from app.ops.tallies import recount, triggers_set_aside
from tests.test_board import at
from tests.test_board_tallies import assert_tallies_match, scene  # noqa: F401 (fixture)
from tests.test_voices import _add

TALLIES = (AddressedTally, CommitmentTally, ProposalTally, ResponseTally, StatusChangeTally)
COPIED = (AddressedInstitution, Commitment, OfficialResponse, StatusChange)
COUNTERS = (
    "voices_guest",
    "voices_anonymous",
    "voices_assisted",
    "voices_account",
    "voices_comments",
    "response_count",
    "addressed_count",
)


def _tally_rows(tally) -> list[tuple]:
    """A tally's rows that count something (a row emptied by the triggers stays at 0)."""
    keys = [c for c in tally.__table__.c if c.primary_key]
    figures = [c for c in tally.__table__.c if not c.primary_key]
    rows = db.session.execute(sa.select(*keys, *figures).order_by(*keys))
    return [tuple(row) for row in rows if any(row[len(keys) :])]


def _kept() -> dict:
    """Everything the triggers keep: the tallies, the rows' copies, the proposals' counters."""
    db.session.expire_all()
    kept = {tally.__tablename__: _tally_rows(tally) for tally in TALLIES}
    for model in COPIED:
        copies = [c for c in model.__table__.c if c.info == TALLY_COPY]
        kept[model.__tablename__] = db.session.execute(
            sa.select(model.id, *copies).order_by(model.id)
        ).all()
    counters = [Proposal.__table__.c[name] for name in COUNTERS]
    kept["proposal"] = db.session.execute(
        sa.select(Proposal.id, *counters).order_by(Proposal.id)
    ).all()
    return kept


def _voices(proposal, person, association) -> None:
    """Voices of each kind, in different numbers (1 to 5: one kind counted as another
    shows), and some that are not counted."""
    kinds = [
        {"guest_name": "Amina"},
        {"author": person, "display_mode": DisplayMode.ANONYMOUS},
        {"author": person, "recorded_for": association, "consent_confirmed_at": utcnow()},
        {"author": person},
        {"kind": ContributionKind.COMMENT, "author": person},
    ]
    for n, fields in enumerate(kinds, 1):
        for _ in range(n):
            _add(proposal, **fields)
    _add(proposal, state=ContributionState.PENDING, guest_name="Attente")
    _add(proposal, author=person, withdrawn_at=utcnow())


def _scramble() -> None:
    """Wrong figures everywhere, written past the triggers (a hand-made repair gone wrong)."""
    with triggers_set_aside(db.session):
        db.session.execute(sa.update(AddressedTally).values(addressed=AddressedTally.addressed + 7))
        db.session.execute(sa.delete(ProposalTally))
        db.session.execute(sa.update(ResponseTally).values(responses=40))
        db.session.execute(
            sa.update(AddressedInstitution).values(
                answered=~AddressedInstitution.answered, proposal_theme_id=None
            )
        )
        db.session.execute(sa.update(Commitment).values(by_institution=True))
        db.session.execute(sa.update(OfficialResponse).values(proposal_example=True))
        db.session.execute(sa.update(StatusChange).values(proposal_event_id=None))
        db.session.execute(sa.update(Proposal).values(voices_guest=99, response_count=5))
    db.session.commit()


def test_a_recount_gives_what_the_triggers_kept(scene, make_user):  # noqa: F811
    person = make_user("participant", pseudonym="Pseudo-Recompte")
    _voices(scene["p1"], person, scene["association"])
    kept = _kept()
    assert (1, 2, 3, 4, 5) in [tuple(row[1:6]) for row in kept["proposal"]]  # p1's voices
    assert kept["proposal_tally"] and kept["commitment_tally"] and kept["status_change_tally"]
    _scramble()
    assert _kept() != kept
    recount(db.session)
    db.session.commit()
    assert _kept() == kept
    assert_tallies_match(scene)


def _load(scene) -> Proposal:  # noqa: F811
    """A proposal with its rows, written as a bulk load would: the triggers set aside."""
    with triggers_set_aside(db.session):
        loaded = Proposal(
            title="Chargée en masse", body="Sans déclencheurs.", theme=scene["logement"],
            status=ProposalStatus.ANSWERED, organisation=scene["association"],
        )  # fmt: skip
        loaded.addressed.append(
            AddressedInstitution(
                institution=scene["ville"], sent_at=at(2025, 1, 3), response_due_on=date(2025, 2, 3)
            )
        )
        loaded.status_changes.append(
            StatusChange(from_status=ProposalStatus.SENT, to_status=ProposalStatus.ANSWERED)
        )
        answer = OfficialResponse(
            proposal=loaded, institution=scene["ville"], position=Position.FAVOURABLE,
            body="Nous le ferons.", created_at=at(2025, 1, 9), updated_at=at(2025, 1, 9),
        )  # fmt: skip
        answer.commitments.append(Commitment(action="Ouvrir", due_on=date(2025, 2, 1)))
        db.session.add_all([loaded, answer])
        db.session.flush()
        _add(loaded, guest_name="Nadia")  # commits
    return loaded


def _addressed_to_institutions() -> int:
    return db.session.scalar(sa.select(sa.func.sum(AddressedTally.addressed)))


def test_rows_loaded_without_the_triggers_count_once_recounted(scene):  # noqa: F811
    addressed, commitments = (
        _addressed_to_institutions(),
        db.session.scalar(sa.select(sa.func.sum(CommitmentTally.commitments))),
    )
    loaded = _load(scene)
    # Set aside, the triggers neither counted nor copied.
    assert _addressed_to_institutions() == addressed
    db.session.refresh(loaded)
    assert (loaded.voices_guest, loaded.response_count) == (0, 0)
    assert loaded.addressed[0].proposal_theme_id is None
    recount(db.session)
    db.session.commit()
    db.session.refresh(loaded)
    assert (loaded.voices_guest, loaded.response_count) == (1, 1)
    assert loaded.addressed[0].answered and loaded.addressed[0].to_institution
    assert _addressed_to_institutions() == addressed + 1
    assert db.session.scalar(sa.select(sa.func.sum(CommitmentTally.commitments))) == (
        commitments + 1
    )
    assert_tallies_match(scene)


def _triggers() -> list:
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        query = "SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1"
    else:
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY 1"
    return connection.exec_driver_sql(query).all()


def test_the_triggers_come_back_even_when_the_load_fails(scene):  # noqa: F811
    before = _triggers()
    assert len(before) > 15
    with pytest.raises(RuntimeError), triggers_set_aside(db.session):
        assert _triggers() != before
        raise RuntimeError("the load failed")
    db.session.commit()
    assert _triggers() == before
    # And they count again: a proposal abandoned leaves the awaited answers.
    awaiting = db.session.scalar(sa.select(sa.func.sum(AddressedTally.awaiting)))
    db.session.execute(
        sa.update(Proposal).where(Proposal.id == scene["p1"].id).values(status="abandoned")
    )
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.sum(AddressedTally.awaiting))) < awaiting
    assert_tallies_match(scene)


def test_the_recount_command_repairs_the_tallies(app, scene):  # noqa: F811
    kept = _kept()
    _scramble()
    result = app.test_cli_runner().invoke(args=["database", "recount"])
    assert result.exit_code == 0, result.output
    assert "Comptages recalculés" in result.output
    db.session.rollback()
    assert _kept() == kept
