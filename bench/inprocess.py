"""What each page costs when it must be rendered, measured in-process against the same
database as the servers: its SQL statements, its render time with the page cache off, and
(at the largest size) the plan of each statement. Also logs the bench's readers in."""

import math
import os
import re
import time

import sqlalchemy as sa

from bench.pages import PAGES
from bench.reference import reference_ms
from bench.settings import RENDERS, USER_AGENT, WARM_RENDERS

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
BASE = "https://localhost"  # production cookies are Secure
MIN_RENDERS, RENDER_BUDGET_S = 5, 20


def bench_app(url: str):
    """The production app with the page cache off and rate limits on (with
    RATELIMIT_ENABLED=false the login view fails: see the README)."""
    from app import create_app
    from bench.wsgi import add_hello

    os.environ["DATABASE_URL"] = url
    return add_hello(
        create_app(
            "production",
            {
                "RATELIMIT_ENABLED": True,
                "SQLALCHEMY_DATABASE_URI": url,
                "PAGE_CACHE_ENABLED": False,
                "JSON_LOGS": False,
            },
        )
    )


def log_in(app, email: str):
    """A test client logged in through the real form (CSRF token and all), and its cookie.

    The session it opens is a row of the same database, so gunicorn accepts the cookie."""
    from bench.seed import BENCH_PASSWORD

    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    page = client.get(f"{BASE}/compte/connexion")
    token = CSRF.search(page.get_data(as_text=True)).group(1)
    answer = client.post(
        f"{BASE}/compte/connexion",
        data={"email": email, "password": BENCH_PASSWORD, "csrf_token": token},
        headers={"Referer": f"{BASE}/compte/connexion"},  # CSRF checks it over HTTPS
    )
    assert answer.status_code == 302, (email, answer.status_code)
    # The next page shows the login's message once and drops it from the cookie, as a
    # browser's would (the server's first pages give the cookie wrk sends).
    client.get(f"{BASE}/aide")
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return client, f"{cookie.key}={cookie.value}"


def page_costs(url: str, explain: bool) -> tuple[dict, dict, dict, dict[str, str], list]:
    """Per page: SQL statements, render times, plans (when `explain`); a cookie per reader;
    the host's reference time (bench/reference.py) just before and just after the renders.

    Requests run outside any app context of ours: inside one, Flask would share `g` (and
    the logged-in user kept there) between the clients' requests."""
    from app.extensions import db, limiter
    from app.ops.memory import settle
    from bench.seed import BENCH_EMAIL, BENCH_INSTITUTION_EMAIL

    app = bench_app(url)
    with app.app_context():
        engine = db.engine
    counts, renders, plans = {}, {}, {}
    statements: list[tuple[str, object]] = []

    def listener(_conn, _cursor, statement, parameters, *_args):
        statements.append((statement, parameters))

    clients, cookies = {None: app.test_client()}, {}
    clients[None].environ_base["HTTP_USER_AGENT"] = USER_AGENT
    for reader, email in (("member", BENCH_EMAIL), ("institution", BENCH_INSTITUTION_EMAIL)):
        clients[reader], cookies[reader] = log_in(app, email)
    limiter.enabled = False  # logged in: the renders below must not meet the search's limit
    sa.event.listen(engine, "before_cursor_execute", listener)
    reference = [reference_ms()]
    for page in (p for p in PAGES if p.server == "app"):
        client = clients[page.reader]
        warm(client, BASE + page.path)
        statements.clear()
        response = client.get(BASE + page.path)
        assert response.status_code == 200, (page.path, response.status_code)
        counts[page.key] = len(statements)
        read = list(statements)
        # As a gunicorn worker after its first requests (gunicorn.conf.py's pre_request):
        # what the warm-up built is frozen, out of the full collections timed below.
        settle()
        renders[page.key] = render_times(client, BASE + page.path)
        if explain:  # after the renders: its ROLLBACK drops what psycopg prepared
            plans[page.key] = explain_all(engine, read)
    reference.append(reference_ms())
    sa.event.remove(engine, "before_cursor_execute", listener)
    engine.dispose()
    return counts, renders, plans, cookies, reference


def warm(client, url: str) -> None:
    """WARM_RENDERS renders, a worker's first requests, which are not the page's; fewer for
    a page slower than RENDER_BUDGET_S in all (at least one)."""
    started = time.perf_counter()
    for _ in range(WARM_RENDERS):
        client.get(url)
        if time.perf_counter() - started > RENDER_BUDGET_S:
            break


def render_times(client, url: str) -> dict:
    """Median and p95 of RENDERS renders, in milliseconds (one process, nothing else); a
    page slower than RENDER_BUDGET_S in all stops earlier, after at least MIN_RENDERS."""
    times = []
    started = time.perf_counter()
    while len(times) < RENDERS:
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        if len(times) >= MIN_RENDERS and start - started > RENDER_BUDGET_S:
            break
    times.sort()
    return {
        "renders": len(times),
        "median_ms": times[len(times) // 2],
        "p95_ms": times[percentile_rank(len(times), 95)],
    }


def percentile_rank(count: int, percent: int) -> int:
    """The index, in `count` sorted times, of the nearest-rank percentile: the smallest
    time that at least `percent` % of the times do not exceed (of 100 renders, p95 is the
    95th; of 50, the 48th)."""
    return max(0, math.ceil(count * percent / 100) - 1)


def explain_all(engine, statements: list[tuple[str, object]]) -> list[dict]:
    """Each read's plan as the database executes it: EXPLAIN ANALYZE on PostgreSQL (timed,
    with buffers), EXPLAIN QUERY PLAN on SQLite (which has no timed plan)."""
    with engine.connect() as connection:
        return [_plan(connection, *item) for item in statements if _is_read(item[0])]


def _is_read(statement: str) -> bool:
    return statement.lstrip().upper().startswith(("SELECT", "WITH"))


def _plan(connection, statement: str, parameters) -> dict:
    postgres = connection.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
    rows = connection.exec_driver_sql(prefix + statement, parameters).all()
    plan = [row[0] for row in rows] if postgres else [f"{row[1]}|{row[3]}" for row in rows]
    return {"sql": statement, "plan": plan}
