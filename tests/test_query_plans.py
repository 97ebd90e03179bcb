"""The statements of the most read pages, and of the checks run on every reply or place,
find their rows through an index: none reads a table that grows with the network's
archive. The plans are asked of the database with sequential scans discouraged, so that
a scan left in a plan is one no index could spare, even in a table of a few test rows."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Contribution, ContributionKind, ContributionState, Place, paris_today
from app.queries.outreach import reply_told
from app.services import concerns
from app.services.paper import place_in_use
from tests.conftest import login

# Tables that stay small whatever the archive's size: read whole, and cheaply.
SMALL_TABLES = {"theme", "charter_version", "event"}
# SQLite: "SCAN contribution" (a whole table), "SCAN contribution USING COVERING INDEX …"
# (a whole index), a table joined under an alias named "contribution_1"; PostgreSQL:
# "Seq Scan on contribution".
SCAN = re.compile(r"^(?:SCAN (\w+)|.*Seq Scan on (\w+))")
ALIAS = re.compile(r"_\d+$")


@pytest.fixture
def recorded():
    """The SELECT statements run inside the block, with their parameters."""
    statements = []

    def record(_conn, _cursor, statement, parameters, *_args):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    yield statements
    sa.event.remove(db.engine, "before_cursor_execute", record)


def _plan_lines(connection, statement: str, parameters) -> list[str]:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters)
        return [row[0].strip() for row in rows]
    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
    return [row[-1] for row in rows]


# SQLite: "SEARCH suggestion USING INDEX ix_suggestion_state (state=?)", the table and the
# first column of the key it is searched by.
SEARCH = re.compile(r"^SEARCH (\w+) USING .*\((\w+)[=<>]")
# What a page about one proposal looks its rows up by: the proposal, or a row of its own
# (a contribution, a response, a comment the replies answer).
ROWS_OF_ONE_PROPOSAL = {"rowid", "id", "proposal_id", "contribution_id", "response_id", "parent_id"}


def search_keys(statements) -> set[tuple[str, str]]:
    """(table, column) of each growing table searched by its index on SQLite."""
    keys = set()
    with db.engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            return keys
        for statement, parameters in statements:
            for line in _plan_lines(connection, statement, parameters):
                match = SEARCH.match(line)
                if match:
                    keys.add((ALIAS.sub("", match.group(1)), match.group(2)))
    return {(table, key) for table, key in keys if table not in SMALL_TABLES}


def scanned_tables(statements) -> set[str]:
    """The tables read whole by any of the statements, small ones apart."""
    tables = set()
    with db.engine.connect() as connection:
        for statement, parameters in statements:
            for line in _plan_lines(connection, statement, parameters):
                match = SCAN.match(line)
                if match:
                    tables.add(ALIAS.sub("", match.group(1) or match.group(2)))
            connection.rollback()
    names = set(db.metadata.tables)
    return {table for table in tables if table in names} - SMALL_TABLES


@pytest.fixture
def proposal(make_proposal, make_user, make_organisation):
    """A proposal with something in each part of its page that is read from a table: a
    testimony, a comment and its reply, people counted by an association."""
    proposal = make_proposal()
    published = {"proposal": proposal, "state": ContributionState.PUBLISHED}
    comment = Contribution(kind=ContributionKind.COMMENT, body="Oui, et le soir.", **published)
    db.session.add_all(
        [
            Contribution(
                kind=ContributionKind.TESTIMONY,
                body="Je dors dehors depuis l’hiver.",
                guest_name="Amina",
                **published,
            ),
            comment,
            Contribution(
                kind=ContributionKind.REPLY, body="D’accord.", parent=comment, **published
            ),
        ]
    )
    db.session.commit()
    association = make_organisation()
    member = make_user("association_member", organisation=association)
    concerns.record_tally(
        member, proposal, organisation=association, people=4, met_on=paris_today(),
        place=None, note="",
    )  # fmt: skip
    return proposal


def test_the_proposal_page_reads_no_growing_table_whole(client, proposal, recorded):
    client.get(f"/propositions/{proposal.id}")  # warm-up: first-request work apart
    recorded.clear()
    assert client.get(f"/propositions/{proposal.id}").status_code == 200
    assert recorded
    assert scanned_tables(recorded) == set()
    # On SQLite, also by what: each row found from the proposal, not by a state or a kind
    # that many rows share (the suggestion a proposal was made of was looked up among all
    # those taken up).
    assert {key for _table, key in search_keys(recorded)} <= ROWS_OF_ONE_PROPOSAL


def test_the_proposal_page_of_a_member_reads_no_growing_table_whole(
    client, proposal, make_user, recorded
):
    login(client, make_user("participant"))
    client.get(f"/propositions/{proposal.id}")
    recorded.clear()
    assert client.get(f"/propositions/{proposal.id}").status_code == 200
    assert scanned_tables(recorded) == set()


def test_the_checks_on_a_reply_and_a_place_use_indexes(proposal, make_organisation, recorded):
    place = Place(organisation=make_organisation(), name="Accueil de jour")
    db.session.add(place)
    db.session.commit()
    contribution_id = db.session.scalar(sa.select(sa.func.min(Contribution.id)))
    assert place.id  # loaded before the statements are counted
    recorded.clear()
    assert place_in_use(place) is False
    assert reply_told(contribution_id) is False
    assert len(recorded) == 2
    assert scanned_tables(recorded) == set()
