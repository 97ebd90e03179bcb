"""The content version, read for each visitor's page on a connection kept for that alone.

A visitor's kept page costs one read: the content version (app/web/page_cache.py). Through
the pool, that read cost a checkout and a return, the engine's events, SQLAlchemy's
execution and, on PostgreSQL, a switch to autocommit and back: 40 µs on SQLite and 107 µs
on PostgreSQL, for a statement that takes 2 and 16 µs on the driver alone.

So each worker thread keeps one connection of the engine's for this read: made by the
engine (its connect events run: SQLite's pragmas), then taken out of the pool for good
(`detach`), in autocommit on PostgreSQL, and given the statement as plain text. Each read
sees what is committed at that moment, as before: no transaction stays open on it (on
SQLite the rows are read to the end, which ends the statement's read).

A failure of that connection (a server restarted, an idle connection dropped) closes it;
the request reads through the pool instead, and the next one opens a new connection. A
forked process never uses its parent's: each connection is kept with the process id.
An in-memory SQLite database is one connection that the pool shares: it is read there.
"""

import contextlib
import os
import threading

import sqlalchemy as sa
from flask import Flask, current_app

from app.extensions import db

_EXTENSION = "content_version_readers"


class _Held:
    """One thread's connection for reading the version, with its process and statement."""

    def __init__(self, engine: sa.Engine, statement: str):
        proxied = engine.raw_connection()
        self.dbapi = proxied.dbapi_connection
        proxied.detach()  # closed with this object, never returned to the pool
        self.engine, self.pid, self.statement = engine, os.getpid(), statement
        self.errors = engine.dialect.loaded_dbapi.Error
        if engine.dialect.name == "postgresql":
            try:
                self.dbapi.rollback()
                self.dbapi.autocommit = True
            except self.errors:
                self.close()
                raise

    def read(self):
        cursor = self.dbapi.cursor()
        try:
            cursor.execute(self.statement)
            rows = cursor.fetchall()  # to the end: SQLite's read ends with its statement
        finally:
            cursor.close()
        return rows[0][0] if rows else None

    def close(self) -> None:
        with contextlib.suppress(Exception):  # already broken: nothing more to release
            self.dbapi.close()


def read(query: sa.Select, pooled_read):
    """The value of `query` (one row, one column) as committed now: on this thread's own
    connection, else through `pooled_read()` (when that connection just failed, or
    cannot be held)."""
    engine = db.engine
    if not _holdable(engine):
        return pooled_read()
    local = current_app.extensions[_EXTENSION]
    held = getattr(local, "held", None)
    if held is None or held.engine is not engine or held.pid != os.getpid():
        held = local.held = _replace(held, engine, query)
    if held is None:  # the database refused a connection: the pool's own way tells
        return pooled_read()
    try:
        return held.read()
    except held.errors:
        held.close()
        local.held = None
        return pooled_read()


# A parent's connections, inherited by a forked process: never used nor closed there
# (closing one would end the parent's session); kept so that no collection closes them.
_INHERITED: list[_Held] = []


def _replace(held: _Held | None, engine: sa.Engine, query: sa.Select) -> _Held | None:
    if held is not None:
        if held.pid != os.getpid():
            _INHERITED.append(held)
        else:
            held.close()
    try:
        return _Held(engine, _statement(engine, query))
    except (sa.exc.DBAPIError, engine.dialect.loaded_dbapi.Error):
        return None


def _holdable(engine: sa.Engine) -> bool:
    if engine.dialect.name != "sqlite":
        return True
    return engine.url.database not in (None, "", ":memory:")


def _statement(engine: sa.Engine, query: sa.Select) -> str:
    """The query as the database reads it, its values written in (no parameter to bind)."""
    compiled = query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
    return str(compiled)


def held_connection():
    """This thread's DBAPI connection for the version, if one is held (for the tests)."""
    held = getattr(current_app.extensions[_EXTENSION], "held", None)
    return held.dbapi if held is not None else None


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = threading.local()
