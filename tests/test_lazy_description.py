"""On PostgreSQL the app's cursors describe a result's columns only when they are read
(app/database.py, `described_when_read`): what they describe must be what psycopg's own
cursor describes, for that result, even after the cursor has run another statement."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Proposal

STATEMENT = "SELECT 1 AS one, 'deux' AS two, CAST(2.5 AS NUMERIC(4, 1)) AS three"


def _driver_cursor(connection):
    return connection.connection.driver_connection.cursor()


def test_a_result_is_described_as_the_driver_describes_it(app):
    with db.engine.connect() as connection:
        cursor = _driver_cursor(connection)
        cursor.execute(STATEMENT)
        described = cursor.description
        assert [column[0] for column in described] == ["one", "two", "three"]
        if connection.dialect.name != "postgresql":
            return  # SQLite's driver describes a result in a tuple, names only
        from psycopg import Cursor

        assert type(described).__name__ == "LazyDescription"
        own = Cursor.description.fget(cursor)  # psycopg's, built at once
        assert [tuple(column) for column in described] == [tuple(column) for column in own]
        assert [column.type_code for column in described] == [column.type_code for column in own]
        assert len(described) == 3 and described[-1].name == "three"


def test_a_description_read_late_describes_its_own_result(app):
    with db.engine.connect() as connection:
        cursor = _driver_cursor(connection)
        cursor.execute(STATEMENT)
        first = cursor.description
        cursor.execute("SELECT 'autre' AS other")
        assert [column[0] for column in first] == ["one", "two", "three"]
        assert [column[0] for column in cursor.description] == ["other"]


def test_a_statement_without_rows_has_no_description(app):
    with db.engine.connect() as connection:
        cursor = _driver_cursor(connection)
        cursor.execute("CREATE TEMPORARY TABLE scratch (x INTEGER)")
        assert cursor.description is None
        cursor.execute("SELECT x FROM scratch")
        assert [column[0] for column in cursor.description] == ["x"]
        assert cursor.fetchall() == []


def test_the_orm_reads_its_rows_through_them(app, make_proposal):
    """A statement run twice: the second time SQLAlchemy reuses what it learnt of the
    result's columns the first time and never reads the description's items."""
    proposal_id = make_proposal(title="Des bains-douches ouverts le dimanche").id
    db.session.expunge_all()
    for _ in range(2):
        title = db.session.scalar(sa.select(Proposal.title).where(Proposal.id == proposal_id))
        assert title == "Des bains-douches ouverts le dimanche"
