"""Counting the reads of proposal and meeting pages, for the translators' queue (most read
first).

A read is a GET of the page answered 200, by the view or by the page cache (this
after-request hook runs when the cache answered before the view, too). Nothing about the
reader is kept: no account, address or cookie, only how many times each page was read.
Counts add up in this process's memory and go to the database at most every
``READ_TALLY_FLUSH_SECONDS`` (app/services/read_tally.py), so a read costs no write; a
process that stops loses at most that many seconds of counts.
"""

import threading
import time
from collections import Counter

from flask import Flask, current_app, request

from app.models import TranslatedKind
from app.services import read_tally

# The pages whose reads are counted: endpoint → (kind, the URL's id argument).
# (Events and workshops are addressed by slug: not counted, the queue lists them by date.)
COUNTED = {
    "proposals.show": (TranslatedKind.PROPOSAL, "proposal_id"),
    "meetings.show": (TranslatedKind.MEETING, "meeting_id"),
}


class ReadCounter:
    """Reads counted since the last flush, shared by the process's threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter = Counter()
        self._flushed_at = time.monotonic()

    def add(self, kind: TranslatedKind, object_id: int) -> None:
        with self._lock:
            self._counts[(kind, object_id)] += 1

    def pending(self) -> dict:
        with self._lock:
            return dict(self._counts)

    def take(self, every_seconds: float) -> Counter:
        """The counts to write, when the last flush is ``every_seconds`` old (else none)."""
        with self._lock:
            now = time.monotonic()
            if not self._counts or now - self._flushed_at < every_seconds:
                return Counter()
            taken, self._counts, self._flushed_at = self._counts, Counter(), now
            return taken

    def give_back(self, counts: Counter) -> None:
        """A flush that failed: its counts wait for the next one."""
        with self._lock:
            self._counts.update(counts)

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


def counter() -> ReadCounter:
    return current_app.extensions["read_counter"]


def flush(every_seconds: float = 0) -> None:
    """Write the counted reads (when the last flush is ``every_seconds`` old)."""
    taken = counter().take(every_seconds)
    if not taken:
        return
    try:
        read_tally.add_reads(taken)
    except Exception:  # a busy or absent database: the counts wait, the page is served
        counter().give_back(taken)
        current_app.logger.warning("Read tally not written; kept for the next flush")


def _count_read(response):
    counted = COUNTED.get(request.endpoint or "")
    if counted and request.method == "GET" and response.status_code == 200:
        kind, argument = counted
        counter().add(kind, request.view_args[argument])
        flush(current_app.config["READ_TALLY_FLUSH_SECONDS"])
    return response


def init_app(app: Flask) -> None:
    app.extensions["read_counter"] = ReadCounter()
    app.after_request(_count_read)
