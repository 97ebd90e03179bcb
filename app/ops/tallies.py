"""The tallies recounted from the rows: `flask database recount`, and bulk loads.

The database's triggers keep the tallies (docs/architecture.md, "Tallies") in the
transaction of each write. Two cases need them counted again from the rows:

- a repair, after a row was changed by hand with the triggers off, or a restore from a
  copy that lost them: `recount()`;
- a bulk load (the benchmark's seed, a large import), which writes far faster with the
  triggers set aside (`triggers_set_aside`) and recounts once at the end: at 100× the
  seed's 1,000,000 contributions took 538 s with them, each one moving its proposal's
  tallies row by row.

`recount()` sets the proposals' counters, every row's copies and every tally from the
rows, in the caller's transaction, the triggers set aside meanwhile: writers wait until
the caller commits (SQLite's write lock; on PostgreSQL ``DISABLE TRIGGER``'s SHARE ROW
EXCLUSIVE lock on each table), so that no write falls between the count and the
triggers' return; readers go on with the figures as they were. At 100×: 4.5 s on SQLite,
18 s on PostgreSQL.
The conditions are the migrations' (5d2b8e41c7a3, 9b1e5c7d2a40, 2c7e9f4a6b18,
4e8a2d6c1f93, 8c3d5f7a9e21, 7c4e1a9b3d52); `tests/test_tallies_recount.py` checks that
both give the same figures."""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.models import (
    AddressedInstitution,
    AddressedTally,
    Commitment,
    CommitmentTally,
    OfficialResponse,
    Organisation,
    OrganisationKind,
    Proposal,
    ProposalStatus,
    ProposalTally,
    ResponseTally,
    StatusChange,
    StatusChangeTally,
)
from app.models.contribution import Contribution
from app.queries.contributions import visible_to_public
from app.queries.synthesis import voice_counters, voice_kinds

# The tables whose triggers keep the tallies and the counters.
TALLIED_TABLES = (
    "contribution",
    "proposal",
    "official_response",
    "addressed_institution",
    "commitment",
    "status_change",
    "organisation",
)
TALLIES = (AddressedTally, CommitmentTally, ProposalTally, ResponseTally, StatusChangeTally)


@contextmanager
def triggers_set_aside(session: Session) -> Iterator[None]:
    """The triggers of TALLIED_TABLES off until the block ends, then back as they were;
    the block may commit (a bulk load commits each batch), the caller commits the end.

    SQLite: dropped and created again from their own SQL (``sqlite_master``), in the
    transaction under way if there is one. PostgreSQL: ``ALTER TABLE … DISABLE TRIGGER
    USER``, which locks each table against writes until the transaction ends (foreign
    keys' triggers are the system's and stay). The tallies are wrong once the block has
    written: recount."""
    if session.connection().dialect.name == "postgresql":
        _alter_triggers(session.connection(), "DISABLE")
        try:
            yield
        finally:
            _alter_triggers(session.connection(), "ENABLE")
        return
    saved = _sqlite_triggers(session.connection())
    for name, _sql in saved:
        session.connection().exec_driver_sql(f'DROP TRIGGER "{name}"')
    try:
        yield
    finally:
        for _name, sql in saved:
            session.connection().exec_driver_sql(sql)


def _alter_triggers(connection: Connection, action: str) -> None:
    for table in TALLIED_TABLES:
        connection.exec_driver_sql(f'ALTER TABLE "{table}" {action} TRIGGER USER')


def _sqlite_triggers(connection: Connection) -> list[tuple[str, str]]:
    query = sa.text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
        "AND tbl_name IN :tables ORDER BY rowid"
    ).bindparams(sa.bindparam("tables", expanding=True))
    return list(connection.execute(query, {"tables": list(TALLIED_TABLES)}))


def recount(session: Session) -> None:
    """Every counter, copy and tally from the rows, in the session's transaction (the
    caller commits)."""
    connection = session.connection()
    # A write first: SQLite's driver opens the transaction the triggers' DDL then joins.
    for tally in TALLIES:
        connection.execute(sa.delete(tally))
    with triggers_set_aside(session):
        _count_proposals(connection)
        _copy_onto_rows(connection)
        _fill_tallies(connection)


def _count_if(condition) -> sa.ScalarSelect:
    return (
        sa.select(sa.func.count())
        .where(Contribution.proposal_id == Proposal.id, condition)
        .scalar_subquery()
    )


def _count_proposals(connection: Connection) -> None:
    # A voice anyone may read, not withdrawn, of each kind (as the contributions' triggers).
    voice = sa.and_(visible_to_public(), Contribution.withdrawn_at.is_(None))
    counters = {
        counter.key: _count_if(sa.and_(voice, kind))
        for counter, kind in zip(voice_counters(), voice_kinds(), strict=True)
    }
    responses = (
        sa.select(sa.func.count())
        .where(OfficialResponse.proposal_id == Proposal.id)
        .scalar_subquery()
    )
    addressed = (
        sa.select(sa.func.count())
        .where(AddressedInstitution.proposal_id == Proposal.id)
        .scalar_subquery()
    )
    connection.execute(
        sa.update(Proposal).values(**counters, response_count=responses, addressed_count=addressed)
    )


def _of_proposal(proposal_id) -> dict:
    """The copies of a row from its proposal (``proposal_id``: the row's column)."""

    def read(column):
        return sa.select(column).where(Proposal.id == proposal_id).scalar_subquery()

    return {
        "proposal_theme_id": read(Proposal.theme_id),
        "proposal_event_id": read(Proposal.event_id),
        "proposal_example": read(Proposal.example),
    }


def _is_institution(organisation_id) -> sa.Exists:
    return sa.exists().where(
        Organisation.id == organisation_id, Organisation.kind == OrganisationKind.INSTITUTION
    )


def _copy_onto_rows(connection: Connection) -> None:
    row = AddressedInstitution
    abandoned = sa.select(Proposal.status == ProposalStatus.ABANDONED).where(
        Proposal.id == row.proposal_id
    )
    answered = sa.exists().where(
        OfficialResponse.proposal_id == row.proposal_id,
        OfficialResponse.institution_id == row.institution_id,
    )
    connection.execute(
        sa.update(row).values(
            **_of_proposal(row.proposal_id),
            proposal_abandoned=abandoned.scalar_subquery(),
            answered=answered,
            to_institution=_is_institution(row.institution_id),
        )
    )
    connection.execute(
        sa.update(OfficialResponse).values(
            **_of_proposal(OfficialResponse.proposal_id),
            by_institution=_is_institution(OfficialResponse.institution_id),
        )
    )
    connection.execute(sa.update(StatusChange).values(**_of_proposal(StatusChange.proposal_id)))
    response = OfficialResponse
    connection.execute(
        sa.update(Commitment)
        .values(
            proposal_theme_id=response.proposal_theme_id,
            proposal_event_id=response.proposal_event_id,
            proposal_example=response.proposal_example,
            by_institution=response.by_institution,
        )
        .where(response.id == Commitment.response_id)
    )


def _month(day) -> sa.ColumnElement:
    """The tallies' key of a date's month: ``year * 12 + month - 1`` (app.models.due_month)."""
    return (
        sa.cast(sa.extract("year", day), sa.Integer) * 12
        + sa.cast(sa.extract("month", day), sa.Integer)
        - 1
    )


def _flag(condition) -> sa.ColumnElement:
    return sa.case((condition, 1), else_=0)


def _insert_grouped(connection: Connection, tally, keys: dict, figures: dict, *where) -> None:
    """INSERT INTO tally SELECT keys, figures FROM … WHERE … GROUP BY keys."""
    columns = [*keys, *figures]
    select = sa.select(*keys.values(), *figures.values()).where(*where)
    select = select.group_by(*keys.values())
    connection.execute(sa.insert(tally).from_select(columns, select))


def _keys(row) -> dict:
    return {
        "theme_id": row.proposal_theme_id,
        "event_id": sa.func.coalesce(row.proposal_event_id, 0),
        "example": row.proposal_example,
    }


def _fill_tallies(connection: Connection) -> None:
    _fill_proposals(connection)
    row = AddressedInstitution
    awaiting = sa.and_(row.sent_at.is_not(None), ~row.answered, ~row.proposal_abandoned)
    _insert_grouped(
        connection,
        AddressedTally,
        {**_keys(row), "due_month": sa.func.coalesce(_month(row.response_due_on), 0)},
        {
            "addressed": sa.func.count(),
            "answered": sa.func.sum(_flag(row.answered)),
            "awaiting": sa.func.sum(_flag(awaiting)),
        },
        row.to_institution,
    )
    commitment = Commitment
    _insert_grouped(
        connection,
        CommitmentTally,
        {
            **_keys(commitment),
            "by_institution": commitment.by_institution,
            "state": commitment.state,
            "due_month": _month(commitment.due_on),
        },
        {"commitments": sa.func.count()},
        commitment.proposal_theme_id.is_not(None),
    )
    response = OfficialResponse
    _insert_grouped(
        connection,
        ResponseTally,
        {
            **_keys(response),
            "by_institution": response.by_institution,
            "position": response.position,
        },
        {"responses": sa.func.count()},
        response.proposal_theme_id.is_not(None),
    )
    change = StatusChange
    _insert_grouped(
        connection,
        StatusChangeTally,
        {**_keys(change), "to_status": change.to_status},
        {"changes": sa.func.count()},
        change.proposal_theme_id.is_not(None),
    )


def _fill_proposals(connection: Connection) -> None:
    p = Proposal
    voices = voice_counters()
    _insert_grouped(
        connection,
        ProposalTally,
        {
            "theme_id": p.theme_id,
            "event_id": sa.func.coalesce(p.event_id, 0),
            "example": p.example,
            "status": p.status,
        },
        {
            "proposals": sa.func.count(),
            "answered": sa.func.sum(_flag(p.response_count > 0)),
            "spoke": sa.func.sum(_flag(sum(voices[1:], voices[0]) > 0)),
            **{column.key: sa.func.sum(column) for column in voices},
        },
    )
