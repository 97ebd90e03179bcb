"""A worker's own copy of the visitors' pages it served last, in front of the shared page
cache (Redis): a page read again and again costs no round trip to Redis.

It never serves what the shared cache would not: a copy is found only under the same key,
which holds the content version read from the database at this request (so a committed
change is never served from it, on any server), and it lives no longer than the page
would in the shared cache (the moment the page was first kept + PAGE_CACHE_SECONDS). It
holds the PAGE_CACHE_LOCAL_PAGES pages read most recently (0: none); with no Redis the
page cache is already in the worker's memory, and this adds nothing (config.py).
"""

import threading
import time
from collections import OrderedDict

from flask import Flask, current_app


class NearCache:
    def __init__(self, size: int):
        self.size = size
        self._pages: OrderedDict[str, dict] = OrderedDict()
        self._lock = threading.Lock()  # a threaded server, or the tests' threads

    def get(self, key: str) -> dict | None:
        with self._lock:
            entry = self._pages.get(key)
            if entry is None:
                return None
            if time.time() >= entry["until"]:
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return entry

    def put(self, key: str, entry: dict) -> None:
        if not self.size or "until" not in entry:  # a page kept before copies had a term
            return
        with self._lock:
            self._pages[key] = entry
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


def near() -> NearCache:
    return current_app.extensions["page_cache_near"]


def init_app(app: Flask) -> None:
    app.extensions["page_cache_near"] = NearCache(app.config["PAGE_CACHE_LOCAL_PAGES"])
