"""Database connection settings, and what a busy database looks like.

SQLite runs in WAL mode (readers never wait for the writer) with a busy timeout, so a
writer waits its turn instead of failing at once. If the database is still busy (SQLite
"database is locked", a PostgreSQL deadlock or serialization failure), the use case that
met it is rolled back and run once more (``retry_when_busy`` in app/services/__init__.py);
a request that still fails gets a French 503 page (app/web/errors.py).
"""

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from app.extensions import db

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


def init_app(app: Flask) -> None:
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _configure_sqlite)
