"""The test database's rows: which tables have any, emptying them, a copy put back.

A data set that many tests share (the route × role matrix's world) is built once per module
and copied (`take`); each next test gets the copy back (`restore`) in a few milliseconds
instead of building it again with dozens of commits.

- SQLite: the whole file, through SQLite's backup API, into an in-memory database and back
  (the full-text table `search_fts` and the schema come with it).
- PostgreSQL: the rows of every table of the models, and where each id sequence stands.
  The search column `search_vector` is generated: the database computes it again.
"""

import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db


def _tables() -> list[sa.Table]:
    return list(db.metadata.sorted_tables)


_TABLES_WITH_ROWS = None  # the statement, built once


def tables_with_rows() -> list[str]:
    """The names of the tables holding at least one row, in one query."""
    global _TABLES_WITH_ROWS
    if _TABLES_WITH_ROWS is None:
        checks = [
            sa.select(sa.literal(table.name)).where(
                sa.exists(sa.select(sa.literal(1)).select_from(table))
            )
            for table in _tables()
        ]
        _TABLES_WITH_ROWS = sa.union_all(*checks)
    return list(db.session.scalars(_TABLES_WITH_ROWS))


# The tables that may still hold a row once emptied (the content version, written again by
# the emptying's own commit), and on SQLite a copy of the empty database: set by the first
# emptying.
_LEFT_WHEN_EMPTY: frozenset[str] = frozenset()
_EMPTY_COPY = None


def is_empty() -> bool:
    """Whether the database holds no more than `empty_tables` leaves."""
    return set(tables_with_rows()) <= _LEFT_WHEN_EMPTY


def empty_tables() -> None:
    """Delete every row, and PostgreSQL's id sequences start again at 1 (SQLite's ids,
    without AUTOINCREMENT, start again by themselves).

    SQLite: the copy of the empty database taken the first time is put back (a millisecond).
    PostgreSQL: only the tables holding rows are emptied, by DELETE: a test writes a few
    tables, and a TRUNCATE of every table cost more than the test itself.
    """
    global _LEFT_WHEN_EMPTY, _EMPTY_COPY
    if _EMPTY_COPY is not None:
        restore(_EMPTY_COPY)
        return
    _delete_rows()
    db.session.commit()
    _LEFT_WHEN_EMPTY = frozenset(tables_with_rows())
    if db.engine.dialect.name == "sqlite":
        _EMPTY_COPY = take()


def _delete_rows() -> None:
    written = set(tables_with_rows())
    for table in reversed(_tables()):
        if table.name in written:
            db.session.execute(table.delete())
    if db.engine.dialect.name == "postgresql":
        db.session.execute(_RESTART_SEQUENCES)


_RESTART_SEQUENCES = sa.text(
    "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false)"
    " FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL"
)


@dataclass
class _Rows:
    """PostgreSQL: each table's rows and each sequence's last value."""

    rows: dict[str, list[dict]]
    sequences: list[tuple[str, int | None]]


def take():
    """A copy of the database as it is now (committed)."""
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        return _take_rows()
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    with _sqlite_connection() as connection:
        connection.backup(copy)
    return copy


def restore(copy) -> None:
    """Put the database back as it was when `copy` was taken."""
    db.session.remove()  # no transaction left open on the database being replaced
    if isinstance(copy, _Rows):
        _restore_rows(copy)
        return
    with _sqlite_connection() as connection:
        copy.backup(connection)


def discard(copy) -> None:
    if isinstance(copy, sqlite3.Connection):
        copy.close()


@contextmanager
def _sqlite_connection():
    connection = db.engine.raw_connection()
    try:
        yield connection.driver_connection
    finally:
        connection.close()


def _take_rows() -> _Rows:
    session = db.session
    rows = {t.name: [dict(r) for r in session.execute(_in_order(t)).mappings()] for t in _tables()}
    sequences = session.execute(
        sa.text("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
    ).all()
    session.commit()
    return _Rows(rows, [tuple(s) for s in sequences])


def _in_order(table: sa.Table):
    """A table's rows by key, as they were written: a reply comes after the comment it
    answers (a row that was updated may come last in a plain SELECT)."""
    return sa.select(table).order_by(*table.primary_key.columns)


def _restore_rows(copy: _Rows) -> None:
    _delete_rows()  # in the same transaction: one content version written, at the end
    session = db.session
    for table in _tables():
        if copy.rows[table.name]:
            session.execute(table.insert(), copy.rows[table.name])
    for name, last_value in copy.sequences:
        if last_value is None:  # never used: the next id is its first
            session.execute(sa.text("SELECT setval(:name, 1, false)"), {"name": name})
        else:
            value = {"name": name, "value": last_value}
            session.execute(sa.text("SELECT setval(:name, :value)"), value)
    session.commit()
