"""Helpers shared by the tests (fixtures live in tests/conftest.py)."""

import base64
import json
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import cachelib.simple
from sqlalchemy import event

from app.extensions import db
from app.models import base as models_base


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """The SQL statements run inside the block, in order: the query-count tests compare
    their number, whatever the number of rows."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def signed_payload(token: str) -> str:
    """What anyone holding a signed link (itsdangerous) reads without the key: its payload,
    base64 of JSON, zlib-compressed when that is shorter (the token then starts with a dot)."""
    compressed = token.startswith(".")
    part = token.removeprefix(".").split(".")[0]
    raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    return (zlib.decompress(raw) if compressed else raw).decode()


def wait_until(condition, seconds: float = 10.0) -> bool:
    """Poll `condition` until it holds or `seconds` pass; whether it held.

    Only for what runs apart from the test (a thread, a process, a server): the test cannot
    move its clock, so it looks every few milliseconds instead of sleeping a fixed time.
    """
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def running_in(thread: threading.Thread, function_name: str) -> bool:
    """Whether `thread` is now inside a call of the function of that name (say, waiting for
    a database lock in it)."""
    frame = sys._current_frames().get(thread.ident)
    while frame is not None:
        if frame.f_code.co_name == function_name:
            return True
        frame = frame.f_back
    return False


class Clock:
    """The app's clock (utcnow(), paris_today()) and the in-memory cache's, moved forward by
    `advance(seconds)` instead of waiting (the `clock` fixture)."""

    def __init__(self, monkeypatch):
        self.offset = timedelta()
        clock = self

        class MovedDatetime(datetime):
            @classmethod
            def now(cls, tz=None):
                return datetime.now(tz) + clock.offset

        monkeypatch.setattr(models_base, "datetime", MovedDatetime)
        monkeypatch.setattr(cachelib.simple, "time", lambda: time.time() + self.seconds)

    @property
    def seconds(self) -> float:
        return self.offset.total_seconds()

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


def exported_data(user) -> dict:
    """What "Mes données" downloads for this person, read whole (the app streams it)."""
    from app.services.privacy import export_json

    return json.loads("".join(export_json(user)))


def yield_per_seen(monkeypatch, method: str) -> list:
    """The ``yield_per`` (None: all rows at once) of each statement the session runs through
    ``method`` ("execute", "scalars") from now on."""
    seen = []
    run = getattr(db.session, method)

    def spy(statement, *args, **kwargs):
        seen.append(statement.get_execution_options().get("yield_per"))
        return run(statement, *args, **kwargs)

    monkeypatch.setattr(db.session, method, spy)
    return seen
