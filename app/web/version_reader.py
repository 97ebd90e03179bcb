"""The content version, read for each visitor's page on a connection kept for that alone.

A visitor's kept page costs one read: the content version (app/web/page_cache.py). Through
the pool, that read cost a checkout and a return, the engine's events, SQLAlchemy's
execution and, on PostgreSQL, a switch to autocommit and back: 40 µs on SQLite and 107 µs
on PostgreSQL, for a statement that takes 2 and 16 µs on the driver alone.

So each worker thread keeps one connection of the engine's for this read: made by the
engine (its connect events run: SQLite's pragmas), then taken out of the pool for good
(`detach`), in autocommit on PostgreSQL, and given each statement as the driver takes it,
compiled once for that connection (its SQL and where its values go). Each read
sees what is committed at that moment, as before: no transaction stays open on it (on
SQLite the rows are read to the end, which ends the statement's read).

A failure of that connection (a server restarted, an idle connection dropped) closes it;
the request reads through the pool instead, and the next one opens a new connection. A
forked process never uses its parent's: each connection is kept with the process id.
An in-memory SQLite database is one connection that the pool shares: it is read there.

A logged-in reader's kept page reads its one statement there too (`read_rows`, for
app/web/reader_hit.py): on the same connection, as fresh.
"""

import contextlib
import os
import threading

import sqlalchemy as sa
from flask import Flask, current_app

from app.extensions import db

_EXTENSION = "content_version_readers"


class _Held:
    """One thread's connection for reading the version, with its process and statements."""

    def __init__(self, engine: sa.Engine):
        proxied = engine.raw_connection()
        self.dbapi = proxied.dbapi_connection
        proxied.detach()  # closed with this object, never returned to the pool
        self.engine, self.pid = engine, os.getpid()
        self.statements: dict[sa.Select, _Statement] = {}
        self.errors = engine.dialect.loaded_dbapi.Error
        if engine.dialect.name == "postgresql":
            try:
                self.dbapi.rollback()
                self.dbapi.autocommit = True
            except self.errors:
                self.close()
                raise

    def read(self, query: sa.Select, params: dict | None = None) -> list[tuple]:
        statement = self.statements.get(query)
        if statement is None:
            statement = self.statements[query] = _Statement(self.engine, query)
        cursor = self.dbapi.cursor()
        try:
            cursor.execute(statement.sql, statement.values(params or {}))
            fetched = cursor.fetchall()  # to the end: SQLite's read ends with its statement
        finally:
            cursor.close()
        return statement.rows(fetched)

    def close(self) -> None:
        with contextlib.suppress(Exception):  # already broken: nothing more to release
            self.dbapi.close()


class _Statement:
    """A query as the driver takes it: its SQL in the dialect's own parameter style, and
    how to give it its values (the query's fixed ones, then the caller's).

    Values go to the driver as they are: a query whose parameters SQLAlchemy would convert
    (an enum, a date on SQLite), expand (``IN``, a literal ``LIMIT``) or rename is refused
    when first read, not read differently from the ORM."""

    def __init__(self, engine: sa.Engine, query: sa.Select):
        dialect = engine.dialect
        compiled = query.compile(dialect=dialect)
        _refuse_converted_values(compiled, dialect)
        self.sql = str(compiled)
        binds = compiled.binds.items()
        self.fixed = {name: bind.effective_value for name, bind in binds if not bind.required}
        self.order = compiled.positiontup if compiled.positional else None
        # The columns' types as SQLAlchemy applies them (SQLite's dates are text, its
        # booleans 0 and 1): a row reads as the ORM's would.
        types = [column.type.dialect_impl(dialect) for column in query.selected_columns]
        self.processors = [kind.result_processor(dialect, None) for kind in types]
        if not any(self.processors):
            self.processors = None

    def rows(self, fetched: list) -> list[tuple]:
        if self.processors is None:
            return fetched
        processors = self.processors
        return [
            tuple(v if p is None else p(v) for p, v in zip(processors, row, strict=True))
            for row in fetched
        ]

    def values(self, params: dict):
        values = self.fixed | params
        return values if self.order is None else tuple(values[name] for name in self.order)


def _refuse_converted_values(compiled, dialect) -> None:
    converted = [
        name
        for name, bind in compiled.binds.items()
        if bind.type.dialect_impl(dialect).bind_processor(dialect) is not None
    ]
    if compiled.post_compile_params or compiled.escaped_bind_names or converted:
        raise ValueError(f"Not a query for a held connection: {compiled}")


def read(query: sa.Select, pooled_read):
    """The value of `query` (one row, one column) as committed now: on this thread's own
    connection, else through `pooled_read()` (when that connection just failed, or
    cannot be held)."""
    rows = read_rows(query)
    if rows is None:
        return pooled_read()
    return rows[0][0] if rows else None


def read_rows(query: sa.Select, params: dict | None = None) -> list[tuple] | None:
    """The rows of `query` with these values, as committed now, on this thread's own
    connection (typed as SQLAlchemy types them); None when that connection just failed or
    cannot be held."""
    engine = db.engine
    if not _holdable(engine):
        return None
    local = current_app.extensions[_EXTENSION]
    held = getattr(local, "held", None)
    if held is None or held.engine is not engine or held.pid != os.getpid():
        held = local.held = _replace(held, engine)
    if held is None:  # the database refused a connection: the pool's own way tells
        return None
    try:
        return held.read(query, params)
    except held.errors:
        held.close()
        local.held = None
        return None


# A parent's connections, inherited by a forked process: never used nor closed there
# (closing one would end the parent's session); kept so that no collection closes them.
_INHERITED: list[_Held] = []


def _replace(held: _Held | None, engine: sa.Engine) -> _Held | None:
    if held is not None:
        if held.pid != os.getpid():
            _INHERITED.append(held)
        else:
            held.close()
    try:
        return _Held(engine)
    except (sa.exc.DBAPIError, engine.dialect.loaded_dbapi.Error):
        return None


def _holdable(engine: sa.Engine) -> bool:
    if engine.dialect.name != "sqlite":
        return True
    return engine.url.database not in (None, "", ":memory:")


def held_connection():
    """This thread's DBAPI connection for the version, if one is held (for the tests)."""
    held = getattr(current_app.extensions[_EXTENSION], "held", None)
    return held.dbapi if held is not None else None


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = threading.local()
