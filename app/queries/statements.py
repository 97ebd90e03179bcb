"""Statements built once for the values they are built for (docs/architecture.md,
"Statements built once").

The board's and the synthesis's statements depend on a few values: a workshop's id, a
period, today's date, an event filter, a state. Building one, with its loader options and
the cache key SQLAlchemy derives from it, cost more than running it (25 statements: a third
of a synthesis's time). ``kept_for_values`` builds each for its values once and keeps the
last ``STATEMENTS_KEPT``; a statement is immutable, so one serves every request and thread.
"""

import threading
from collections import OrderedDict
from functools import wraps

from app.queries.proposals import EventFilter

# For each builder, the statements of this many sets of values (the days, workshops, periods
# and event filters asked for): the synthesis most asked for is the whole network's today,
# then each workshop's. Syntheses of 32 periods or more fill their builders: 14 MiB a worker
# (measured at 100x data, against some 140 MiB a worker in all).
STATEMENTS_KEPT = 32


def kept_for_values(builder):
    """``builder(*args)``, built once for the arguments' values and kept (the least
    recently used dropped first). An event filter counts by its values (``values``): a
    loaded event is never kept."""
    kept: OrderedDict = OrderedDict()
    lock = threading.Lock()

    @wraps(builder)
    def statement(*args):
        key = tuple(arg.values if isinstance(arg, EventFilter) else arg for arg in args)
        with lock:
            found = kept.get(key)
            if found is not None:
                kept.move_to_end(key)
                return found
        built = builder(*args)
        with lock:
            kept[key] = built
            if len(kept) > STATEMENTS_KEPT:
                kept.popitem(last=False)
        return built

    return statement
