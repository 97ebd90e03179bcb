"""A request that only read ends its PostgreSQL transaction with COMMIT, not ROLLBACK:
psycopg forgets its prepared statements on every ROLLBACK, so with one per request no
statement was ever prepared, and PostgreSQL planned each afresh (app/database.py). A
transaction that wrote is left to its ROLLBACK; a search is planned for its own words
each time; LIMIT is written as its number."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from app.database import end_reads_with_commit
from app.extensions import db
from app.models import Proposal

PREPARE_THRESHOLD = 5  # psycopg's default: a statement is prepared at its fifth run


def _as_served(app, requests):
    """Run `requests(client)` as a server does: each request in its own app context, whose
    end ends the session (a test's requests otherwise share the test's context). A new
    thread starts with no context; Flask's own client needs none."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(requests, FlaskClient(app, app.response_class)).result()


def _one_connection() -> None:
    """An empty pool: one request after another then run on one connection (the pool
    otherwise hands its idle connections out in turn, each below the threshold)."""
    db.session.remove()
    db.engine.dispose()


@pytest.fixture
def returned_connections():
    """The driver connections requests give back to the pool, during the test."""
    seen = {}

    def checkin(dbapi_connection, _record):
        seen[id(dbapi_connection)] = dbapi_connection

    sa.event.listen(db.engine, "checkin", checkin)
    yield seen.values()
    sa.event.remove(db.engine, "checkin", checkin)


def _prepared(connections) -> list[str] | None:
    """The statements prepared on these connections (PostgreSQL; None on SQLite, whose
    driver keeps its own statement cache whatever ends a transaction)."""
    if db.engine.dialect.name != "postgresql":
        return None
    found = []
    for connection in [each for each in connections if not each.closed]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements", prepare=False)
            found += [row[0] for row in cursor.fetchall()]
        connection.commit()
    return found


def test_a_page_read_again_runs_prepared_statements(app, make_proposal, returned_connections):
    proposal_id = make_proposal(title="Ouvrir des bains-douches").id
    _one_connection()
    statuses = _as_served(
        app,
        lambda client: [client.get(f"/propositions/{proposal_id}").status_code for _ in range(6)],
    )
    assert statuses == [200] * (PREPARE_THRESHOLD + 1)
    prepared = _prepared(returned_connections)
    postgres = db.engine.dialect.name == "postgresql"
    assert (prepared is not None) is postgres
    if postgres:
        assert any("FROM proposal" in statement for statement in prepared), prepared


def test_a_search_is_planned_for_its_words_each_time(app, make_proposal, returned_connections):
    """Never prepared: a plan made once would walk the newest rows for a rare word too."""
    make_proposal(title="Un logement d’abord")
    _one_connection()
    statuses = _as_served(
        app, lambda client: [client.get("/recherche?q=logement").status_code for _ in range(6)]
    )
    assert statuses == [200] * (PREPARE_THRESHOLD + 1)
    prepared = _prepared(returned_connections)
    if prepared is not None:
        assert prepared and not any(s.startswith("WITH matches") for s in prepared), prepared


def _status() -> str | None:
    """The session's connection's transaction status (PostgreSQL; None on SQLite)."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return None
    return connection.connection.driver_connection.info.transaction_status.name


@pytest.mark.parametrize(
    "write",
    [
        sa.update(Proposal).values(title="Changé"),
        sa.delete(Proposal),
        sa.insert(Proposal).from_select(
            [Proposal.title, Proposal.body, Proposal.theme_id, Proposal.organisation_id],
            sa.select(
                sa.literal("Copie"), Proposal.body, Proposal.theme_id, Proposal.organisation_id
            ),
        ),
    ],
    ids=["update", "delete", "insert"],
)
def test_a_transaction_that_wrote_is_left_to_its_rollback(make_proposal, write):
    make_proposal(title="Avant")
    db.session.remove()
    db.session.execute(write.execution_options(synchronize_session=False))
    end_reads_with_commit()
    assert _status() in ("INTRANS", None)
    db.session.remove()  # the session's own end: ROLLBACK
    assert db.session.scalars(sa.select(Proposal.title)).all() == ["Avant"]


def test_a_transaction_that_only_read_is_committed(make_proposal):
    make_proposal(title="Avant")
    db.session.remove()
    assert db.session.scalar(sa.select(Proposal.title)) == "Avant"
    assert _status() in ("INTRANS", None)
    end_reads_with_commit()
    assert _status() in ("IDLE", None)


def test_a_limit_is_written_as_its_number_on_postgresql(make_proposal):
    """A generic plan knows its LIMIT (PostgreSQL); the rows are the same either way."""
    for n in range(3):
        make_proposal(title=f"Proposition {n}")
    sent = []

    def before(_connection, _cursor, statement, *_args):
        sent.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", before)
    try:
        query = sa.select(Proposal.title).order_by(Proposal.id)
        titles = db.session.scalars(query.limit(2)).all()
        paged = db.session.scalars(query.limit(2).offset(1)).all()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)
    assert titles == ["Proposition 0", "Proposition 1"]
    assert paged == ["Proposition 1", "Proposition 2"]
    postgres = db.engine.dialect.name == "postgresql"
    assert ("LIMIT 2" in sent[0]) is postgres, sent[0]
    assert ("LIMIT 2 OFFSET %(param_2)s" in sent[1]) is postgres, sent[1]  # pages: one text


def test_a_lost_connection_does_not_stop_the_session_from_ending(make_proposal):
    make_proposal(title="Avant")
    db.session.remove()
    assert db.session.scalar(sa.select(Proposal.title)) == "Avant"
    db.session.connection().invalidate()  # the link dropped during the request
    end_reads_with_commit()  # raises nothing: the session's own end comes next
    db.session.remove()
    assert db.session.scalar(sa.select(Proposal.title)) == "Avant"
