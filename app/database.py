"""Database connection settings, and what a busy database looks like.

SQLite runs in WAL mode (readers never wait for the writer) with a busy timeout, so a
writer waits its turn instead of failing at once. If the database is still busy (SQLite
"database is locked", a PostgreSQL deadlock or serialization failure), the use case that
met it is rolled back and run once more (``retry_when_busy`` in app/services/__init__.py);
a request that still fails gets a French 503 page (app/web/errors.py).
"""

import contextlib
import functools
import logging
import time
from collections.abc import Sequence
from types import SimpleNamespace

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, OperationalError

from app.extensions import db

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
# Messages (SQLite) and SQLSTATEs (PostgreSQL) of a database that is busy, not broken.
BUSY_MESSAGES = ("database is locked", "database table is locked")
BUSY_SQLSTATES = {"40001", "40P01"}  # serialization failure, deadlock detected


def _configure_sqlite(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    # In WAL mode NORMAL is durable against a crash of the application; only a power cut
    # may lose the last transactions, and never corrupts the database.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def is_busy(error: BaseException) -> bool:
    """True when the database refused because it was busy: worth one more try."""
    if not isinstance(error, OperationalError):
        return False
    sqlstate = getattr(error.orig, "sqlstate", None)
    return sqlstate in BUSY_SQLSTATES or any(m in str(error.orig) for m in BUSY_MESSAGES)


@contextlib.contextmanager
def read_before_transaction(session):
    """The block's statements, run before the session's transaction opens on PostgreSQL:
    plain reads, each in its own autocommit, the transaction (BEGIN) coming with the first
    statement after the block, if any.

    Under READ COMMITTED every statement sees what was committed when it started, in a
    transaction or not: a plain read answers the same. A request whose only statement it is
    (a logged-in reader's kept page) then needs neither BEGIN nor the ROLLBACK at its end:
    one round trip instead of three. Nothing but plain reads belongs in the block (no write,
    no FOR UPDATE). Elsewhere (SQLite, which opens no transaction for a read; a transaction
    already under way) the block runs as it is."""
    connection = session.connection()
    driver = connection.connection.driver_connection
    if connection.dialect.name != "postgresql" or driver.autocommit or _status(driver) != "IDLE":
        yield
        return
    driver.autocommit = True  # the driver's own setting: no round trip
    try:
        yield
    finally:
        driver.autocommit = False


def _status(driver) -> str:
    """The driver connection's transaction status: IDLE, INTRANS (a transaction under way),
    INERROR (a failed one), ACTIVE or UNKNOWN (psycopg's `TransactionStatus`)."""
    return driver.info.transaction_status.name


_WROTE = "voix_wrote"
# How a read starts (a UNION's first SELECT in brackets; a CTE's WITH). The app writes no
# data-modifying CTE; a compiled INSERT, UPDATE or DELETE is told by its context.
READS = ("SELECT", "(SELECT", "WITH")


def _note_writes(connection, _cursor, statement: str, _parameters, context, many) -> None:
    """Anything but a read may write: noted on the connection until its next transaction."""
    if (
        many
        or not statement.startswith(READS)
        or context.isinsert
        or context.isupdate
        or context.isdelete
    ):
        connection.info[_WROTE] = True


@contextlib.contextmanager
def planned_each_time(session):
    """The block's statements never prepared (PostgreSQL): planned for their values each
    time. For a statement whose best plan depends on its values (a search: a common word
    walks the newest rows, a rare one reads the full-text index), where a plan made once for
    any value could read a whole table."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        yield
        return
    driver = connection.connection.driver_connection
    threshold, driver.prepare_threshold = driver.prepare_threshold, None
    try:
        yield
    finally:
        driver.prepare_threshold = threshold


def _forget_writes(connection) -> None:
    connection.info.pop(_WROTE, None)


def end_reads_with_commit(_exc=None) -> None:
    """At the end of a request (before the session's own ending), COMMIT a PostgreSQL
    transaction that only read, where the session would ROLLBACK it.

    Both end a transaction that wrote nothing the same way, but psycopg forgets every
    statement it prepared on a ROLLBACK (one of them might have undone what a statement
    depends on), so with one per request no statement ever reached its prepare threshold
    and PostgreSQL planned each one afresh: half the time of most of a page's statements.
    The session then finds the connection idle, and its ROLLBACK sends nothing."""
    if not db.session.registry.has():
        return
    try:
        _commit_if_only_read(db.session.registry())
    except Exception:  # the session's own end comes next and must run: nothing here may
        # stop it (a connection lost, a flush that failed)
        logger.warning("a read-only transaction was left to its rollback", exc_info=True)


def _commit_if_only_read(session) -> None:
    transaction = session.get_transaction()
    if transaction is None or not transaction.is_active:
        return
    connection = session.connection()
    if connection.invalidated or connection.dialect.name != "postgresql":
        return
    if connection.info.get(_WROTE):
        return
    driver = connection.connection.driver_connection
    if _status(driver) == "INTRANS":
        driver.commit()


def with_literal_limits(engine: Engine) -> None:
    """LIMIT written into the statement's text as its number, not sent as a parameter
    (PostgreSQL).

    A prepared statement is planned for its values five times, then once for any value if
    that generic plan costs no more. Not knowing the LIMIT, the planner costs a generic plan
    for a tenth of the rows, rarely as cheap: the synthesis's lists were planned afresh at
    every render, about a millisecond each. Limits are few (page sizes), each its own text."""
    base = engine.dialect.statement_compiler

    class LiteralLimitCompiler(base):
        def limit_clause(self, select, **kw):
            if select._limit_clause is None:
                return super().limit_clause(select, **kw)
            limit = self.process(select._limit_clause, **{**kw, "literal_execute": True})
            text = " \n LIMIT " + limit
            if select._offset_clause is not None:
                text += " OFFSET " + self.process(select._offset_clause, **kw)
            return text

    engine.dialect.statement_compiler = LiteralLimitCompiler


_RETURNED_AT = "voix_returned_at"


def ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Test a pooled connection with a round trip before use only when it has sat unused for
    `idle_seconds`: a server restart or a dropped link then costs no request.

    SQLAlchemy's `pool_pre_ping` tests every checkout; under load a connection is back in use
    within milliseconds, and that round trip was a third of what a cached page costs on
    PostgreSQL (156 → 97 µs to read the content version). A connection that fails the test is
    replaced before the request uses it (the pool retries on DisconnectionError). One that
    the server drops while in constant use fails its next statement: SQLAlchemy then replaces
    every connection of the pool, and that request gets the error page."""

    def connected(_dbapi_connection, record) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    def checkout(dbapi_connection, record, _proxy) -> None:
        if time.monotonic() - record.info.get(_RETURNED_AT, 0.0) < idle_seconds:
            return
        try:  # a closed connection refuses even a cursor
            with contextlib.closing(dbapi_connection.cursor()) as cursor:
                cursor.execute("SELECT 1")
            # Out of the transaction the driver opened for it: the engine may switch this
            # connection to autocommit next (the page cache's reads), which a transaction
            # under way forbids. A COMMIT, which keeps the prepared statements (see
            # `end_reads_with_commit`).
            dbapi_connection.commit()
        except Exception as error:  # any failure of the driver: a connection to replace
            raise DisconnectionError(f"connection unusable after idling: {error}") from error

    def checkin(_dbapi_connection, record) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    event.listen(engine, "connect", connected)
    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", checkin)


def described_when_read(engine: Engine) -> None:
    """The engine's cursors (PostgreSQL) describe a result's columns only when they are read.

    psycopg builds a `Column` object for every column of every result, each time
    `cursor.description` is read; SQLAlchemy reads it after every statement, but once it
    has described a statement's result it keeps that and only asks whether rows came. A
    proposal page's statements returned about 500 columns: that was half a millisecond of
    each render, for nothing."""
    event.listen(engine, "connect", _with_lazy_cursors)


def _with_lazy_cursors(dbapi_connection, _record) -> None:
    dbapi_connection.cursor_factory = _lazily_described_cursor()


@functools.cache
def _lazily_described_cursor():
    """psycopg's cursor, its `description` a `LazyDescription` (built once, on first use:
    psycopg is imported only where PostgreSQL is)."""
    import psycopg
    from psycopg.pq import ExecStatus

    with_rows = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK)

    class LazilyDescribedCursor(psycopg.Cursor):
        @property
        def description(self):
            result = self.pgresult
            # As psycopg's own: None unless the statement returned rows (even none of them).
            if result and (result.nfields or result.status in with_rows):
                return LazyDescription(self, result)
            return None

    return LazilyDescribedCursor


class LazyDescription(Sequence):
    """A result's column descriptions (psycopg's `Column`s), built when first read, from
    that result even if the cursor has run another statement since."""

    __slots__ = ("_columns", "_count", "_source")

    def __init__(self, cursor, result) -> None:
        # What psycopg's Column reads of a cursor, as it is for this result.
        self._source = SimpleNamespace(
            pgresult=result, adapters=cursor.adapters, _encoding=cursor._encoding
        )
        self._count = result.nfields
        self._columns: list | None = None

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if self._columns is None:
            from psycopg import Column

            self._columns = [Column(self._source, i) for i in range(self._count)]
        return self._columns[index]


def init_app(app: Flask) -> None:
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _configure_sqlite)
        else:  # a file needs no test; a server may have restarted
            ping_when_idle(engine, app.config["DATABASE_PING_AFTER_IDLE_SECONDS"])
            with_literal_limits(engine)
            described_when_read(engine)
            event.listen(engine, "before_cursor_execute", _note_writes)
            event.listen(engine, "begin", _forget_writes)
            # Registered after Flask-SQLAlchemy's: Flask runs it before the session ends.
            app.teardown_appcontext(end_reads_with_commit)


def refresh_planner_statistics() -> None:
    """ANALYZE the whole database: `flask database analyze`, run by the daily timer.

    SQLite keeps no statistics until ANALYZE runs. Without them its planner takes an index
    on organisation.kind for a selective one: at 100,000 proposals the board then read every
    institution's rows before sorting them (1 s a render; 0.5 s with statistics). It takes
    about a second at that size, holding the write lock meanwhile (writers wait, as for any
    write). PostgreSQL's autovacuum keeps its own; there ANALYZE only refreshes them sooner,
    as after a large import, without locking anyone out."""
    with db.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
