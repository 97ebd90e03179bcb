"""A web worker's long-lived objects kept out of the garbage collector's full collections.

A worker's first requests build what it keeps until it stops: compiled templates, SQL
statements compiled once, loaded catalogues. Python's full collection scans every object
it tracks, these included (about 200,000 in a warm worker: a pause of tens of
milliseconds, in the middle of a request, every few dozen requests). Frozen
(`gc.freeze`), they are no longer scanned; the garbage of each request still is."""

import gc

# Requests after which a worker settles again: what its first pages built is kept from then.
SETTLE_AFTER_REQUESTS = frozenset({1, 10, 100, 1000})


def settle() -> None:
    """Collect what is garbage now (a cycle frozen would never be freed), then freeze every
    object left."""
    gc.collect()
    gc.freeze()


def settle_after(requests_served: int) -> None:
    """`settle()` once a worker has served its 1st, 10th, 100th or 1000th request
    (gunicorn's `pre_request`, before the next one: nothing of the last one is held)."""
    if requests_served in SETTLE_AFTER_REQUESTS:
        settle()
