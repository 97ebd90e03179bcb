"""How fast this machine runs Python at the moment a run times its renders.

Render times are absolute milliseconds, and the machine is shared: the same code and data
have rendered the proposal page in 10 ms one hour and 25 ms another. The reference is a
fixed piece of work of the same kind as a page's: one Jinja template over fixed rows
(a loop, attribute access, escaping, a filter), no app and no database, in the same
process. Its median, taken just before and just after each size's renders, sets a run's
renders beside another run's: a page that took 10 ms with a reference of 2 ms would take
about 20 ms in an hour when the reference takes 4.
"""

import statistics
import time
from types import SimpleNamespace

from jinja2 import Environment

TEMPLATE = (
    '<ul>{% for row in rows %}<li id="r{{ row.id }}" class="{{ row.kind }}">'
    "<p>{{ row.author }} · {{ row.when }}</p><div>{{ row.body }}</div>"
    '<a href="/c/{{ row.id }}">{{ row.label|upper }}</a></li>{% endfor %}</ul>'
)
ROWS = 400
RENDERS = 60


def _rows() -> list[SimpleNamespace]:
    return [
        SimpleNamespace(
            id=i,
            kind="testimony" if i % 3 else "comment",
            author=f"Personne n° {i} <association & co>",
            when=f"{1 + i % 28} novembre 2026",
            body=f"Témoignage {i} : « un logement, un accompagnement » & <b>rien</b> d’autre.",
            label="répondre",
        )
        for i in range(ROWS)
    ]


def reference_ms() -> float:
    """The median time, in milliseconds, of rendering the reference template."""
    template = Environment(autoescape=True).from_string(TEMPLATE)
    rows = _rows()
    template.render(rows=rows)  # warm
    times = []
    for _ in range(RENDERS):
        start = time.perf_counter()
        template.render(rows=rows)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)
