"""`make bench`: seed a large data set at 1× and 10×, serve it with gunicorn, measure every
page with wrk, count each page's SQL queries in-process, and write the report.

Settings (environment): DATABASE_URL (a PostgreSQL URL benches PostgreSQL: the databases
bench_1x and bench_10x are created on that server and dropped afterwards; SQLite files under
bench/.data/ otherwise), BENCH_DURATION (10 s per page), BENCH_WARMUP (2 s),
BENCH_CONNECTIONS (32), BENCH_THREADS (2), BENCH_WORKERS (2), BENCH_SCALES ("1,10"),
BENCH_REDIS_URL (redis://127.0.0.1:6379/13: the page cache lives there, as in production,
when a Redis answers; in each worker's memory otherwise), BENCH_RENDERS (50 renders per page
for the in-process timings).
"""

import html
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
DATA = BENCH / ".data"
RESULTS = BENCH / "results"
VENV_BIN = Path(sys.executable).parent

DURATION = int(os.environ.get("BENCH_DURATION", "10"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
SCALES = [int(s) for s in os.environ.get("BENCH_SCALES", "1,10").split(",")]
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
RENDERS = int(os.environ.get("BENCH_RENDERS", "50"))
USER_AGENT = "voix-bench/1.0"  # the same for the login and wrk (session protection)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

# (key, label, path, logged in)
PAGES = [
    ("hello", "Plafond : /bench/hello", "/bench/hello", False),
    ("list", "Liste des propositions", "/propositions", False),
    ("proposal", "Proposition (50 contributions)", "/propositions/1", False),
    ("workshop", "Page d’atelier", "/ateliers/atelier-4", False),
    ("board", "Tableau de suivi", "/suivi", False),
    ("search", "Recherche « logement »", "/recherche?q=logement", False),
    ("api", "API : propositions", "/api/v1/proposals", False),
    ("list_auth", "Liste (connecté·e)", "/propositions", True),
    ("proposal_auth", "Proposition (connecté·e)", "/propositions/1", True),
]


def say(message: str) -> None:
    print(message, flush=True)


# Databases


def database_urls() -> tuple[str, dict[int, str]]:
    """The kind of database and one URL per scale (fresh, empty)."""
    DATA.mkdir(parents=True, exist_ok=True)  # SQLite files, gunicorn logs
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgresql"):
        import sqlalchemy as sa
        from sqlalchemy.engine import make_url

        parsed = make_url(base)
        admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        urls = {}
        with admin.connect() as conn:
            for scale in SCALES:
                name = f"bench_{scale}x"
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
                # As docs/deployment.md asks of a production server on SSDs: at the default
                # (4, for spinning disks) the planner reads a whole table for a common word
                # rather than the full-text index.
                conn.execute(sa.text(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1'))
                urls[scale] = parsed.set(database=name).render_as_string(hide_password=False)
        admin.dispose()
        return "postgresql", urls
    urls = {}
    for scale in SCALES:
        path = DATA / f"bench_{scale}x.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        urls[scale] = f"sqlite:///{path}"
    return "sqlite", urls


def analyze(kind: str, url: str) -> None:
    """PostgreSQL's planner statistics and visibility map, as autovacuum keeps them on a live
    server: measured straight after a bulk load, queries would plan blind and index-only
    scans would still read the table."""
    if kind != "postgresql":
        return
    import sqlalchemy as sa

    say("  VACUUM ANALYZE, CHECKPOINT …")
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
        # The bulk load's dirty pages written now, not by the checkpointer while the pages
        # are timed (on two cores it takes one from the renders measured next).
        try:
            conn.execute(sa.text("CHECKPOINT"))
        except sa.exc.DBAPIError:  # a role without pg_checkpoint: measured as it comes
            say("  (CHECKPOINT refused to this role: skipped)")
    engine.dispose()


def drop_databases(kind: str, urls: dict[int, str]) -> None:
    if kind != "postgresql" or os.environ.get("BENCH_KEEP"):
        return
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    parsed = make_url(urls[SCALES[0]])
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for url in urls.values():
            name = make_url(url).database
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def app_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        VOIX_CONFIG="production",
        DATABASE_URL=url,
        SECRET_KEY=env.get("BENCH_SECRET_KEY") or secrets.token_hex(32),
        RATELIMIT_ENABLED="false",
        MAIL_BACKEND="console",
        # Production needs its public address; the bench reaches it by these two names.
        MAIL_SITE_URL="https://localhost",
        TRUSTED_HOSTS="localhost,127.0.0.1",
        FLASK_APP="app",
        # Steady state: no worker recycled mid-measurement (gunicorn.conf.py recycles one
        # after 50,000 requests, which the bench reaches; a restart stalls a second).
        GUNICORN_MAX_REQUESTS="0",
    )
    env.pop("REDIS_URL", None)
    if redis_ready():
        env["REDIS_URL"] = REDIS_URL
    return env


def redis_ready() -> bool:
    """True (and the bench's Redis database emptied) when a Redis answers at REDIS_URL."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.flushdb()
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()
    return True


def flask(env: dict, *args: str) -> None:
    subprocess.run([str(VENV_BIN / "flask"), *args], cwd=ROOT, env=env, check=True)


# SQL queries per page, in-process against the same database


def count_queries(url: str) -> tuple[dict[str, int], dict[str, dict], str]:
    """Each page's SQL statements and render time, in-process with the page cache off (what
    a page costs when it must be rendered: a visitor's first view after a change, any search
    words); and a logged-in Cookie header.

    The login goes through the real form (CSRF token and all) of an app with rate limits on:
    with RATELIMIT_ENABLED=false the login view fails (see the report). The session it opens
    is a row of the same database, so gunicorn accepts the cookie.
    """
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db
    from bench.seed import BENCH_EMAIL, BENCH_PASSWORD
    from bench.wsgi import add_hello

    os.environ["DATABASE_URL"] = url
    app = add_hello(
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
    counts: dict[str, int] = {}
    renders: dict[str, dict] = {}
    with app.app_context():
        statements: list[str] = []

        def listener(_conn, _cursor, statement, *_args):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", listener)
        anonymous = app.test_client()
        anonymous.environ_base["HTTP_USER_AGENT"] = USER_AGENT
        logged_in = app.test_client()
        logged_in.environ_base["HTTP_USER_AGENT"] = USER_AGENT
        base = "https://localhost"  # production cookies are Secure
        page = logged_in.get(f"{base}/compte/connexion")
        token = CSRF.search(page.get_data(as_text=True)).group(1)
        answer = logged_in.post(
            f"{base}/compte/connexion",
            data={"email": BENCH_EMAIL, "password": BENCH_PASSWORD, "csrf_token": token},
            headers={"Referer": f"{base}/compte/connexion"},  # CSRF checks it over HTTPS
        )
        assert answer.status_code == 302, answer.status_code
        # The next page shows the login's message once and drops it from the cookie, as a
        # browser's would (the server's first pages give the cookie wrk sends: measure()).
        logged_in.get(f"{base}/aide")
        session_cookie = logged_in.get_cookie(app.config["SESSION_COOKIE_NAME"])
        cookie = f"{session_cookie.key}={session_cookie.value}"
        for key, _label, path, auth in PAGES:
            client = logged_in if auth else anonymous
            client.get(base + path)  # warm: first-request work is not the page's
            statements.clear()
            response = client.get(base + path)
            assert response.status_code == 200, (path, response.status_code)
            counts[key] = len(statements)
            renders[key] = render_times(client, base + path)
        sa.event.remove(db.engine, "before_cursor_execute", listener)
        db.session.remove()
        db.engine.dispose()
    return counts, renders, cookie


def render_times(client, url: str) -> dict:
    """Median and p95 of RENDERS renders, in milliseconds (one process, nothing else)."""
    times = []
    for _ in range(RENDERS):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"median_ms": times[len(times) // 2], "p95_ms": times[-max(1, len(times) // 20)]}


# gunicorn and wrk


class Server:
    def __init__(self, env: dict, log: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [
                    str(VENV_BIN / "gunicorn"),
                    "--workers",
                    str(WORKERS),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--timeout",
                    "120",
                    "bench.wsgi:app",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/bench/hello")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise SystemExit(f"gunicorn did not start:\n{self.log.read_text()[-3000:]}")

    def __exit__(self, *_exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def request(self, method: str, path: str, body=None, headers=None, timeout: float = 60):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        all_headers = {"User-Agent": USER_AGENT, **(headers or {})}
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, response.headers.get_all("Set-Cookie") or [], data

    def browse_as_reader(self, cookie: str) -> str:
        """The logged-in pages once, as a browser reads them: a new session cookie (the first
        page with a form gives the session its CSRF token, which a reader's kept page is keyed
        by) replaces the old. The cookie wrk sends is the one the browser ends with."""
        name = cookie.split("=", 1)[0]
        for _key, _label, path, auth in PAGES:
            if not auth:
                continue
            _status, set_cookies, page = self.request("GET", path, headers={"Cookie": cookie})
            if b"/compte/deconnexion" not in page:
                raise SystemExit(f"login failed: {path} does not show a logged-in visitor")
            for header in set_cookies:
                if header.startswith(f"{name}="):
                    cookie = header.split(";", 1)[0]
        return cookie


def wrk(port: int, path: str, seconds: int, cookie: str | None) -> dict:
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(BENCH / "stats.lua"),
        "-H",
        f"User-Agent: {USER_AGENT}",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    line = next(x for x in output.splitlines() if x.startswith("BENCH_JSON "))
    figures = json.loads(line.removeprefix("BENCH_JSON "))
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    if not figures["requests"]:  # nothing answered in time: the latencies are unknown
        figures.update(p50=None, p95=None, p99=None)
    return figures


def drain(server: "Server") -> None:
    """gunicorn's sync workers still serve what wrk left queued: wait for that backlog."""
    for _ in range(2 * WORKERS):
        server.request("GET", "/bench/hello", timeout=600)


def measure(envs: dict[int, dict], cookies: dict[int, str]) -> dict[int, dict]:
    """Every page at every size, one server per size, all started at once.

    A page is measured in two halves per size, in the order 1×, 10×, 10×, 1×: the sizes
    compared share the machine's moment (on a shared machine the speed drifts over
    minutes), and neither always comes first."""
    results: dict[int, dict] = {scale: {} for scale in envs}
    with ExitStack() as stack:
        servers = {
            scale: stack.enter_context(Server(env, DATA / f"gunicorn-{scale}x.log"))
            for scale, env in envs.items()
        }
        cookies = {s: server.browse_as_reader(cookies[s]) for s, server in servers.items()}
        order = list(servers) + list(reversed(servers))
        for n, (key, label, path, auth) in enumerate(PAGES, 1):
            halves: dict[int, list[dict]] = {scale: [] for scale in servers}
            for scale in order:
                cookie = cookies[scale] if auth else None
                warm = not halves[scale]
                sys.stdout.write(f"    [{n}/{len(PAGES)}] {label:<32} {scale:>2}× ")
                halves[scale].append(measure_page(servers[scale], path, cookie, warm))
            for scale, (first, second) in halves.items():
                results[scale][key] = combine(first, second)
    return results


def measure_page(server: "Server", path: str, cookie: str | None, warm: bool) -> dict:
    """Half of a page's measurement (after a warm-up when `warm`)."""
    status, _set, body = server.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    if status != 200:
        raise SystemExit(f"{path} answered {status}")
    seconds = max(DURATION // 2, 1)
    sys.stdout.write(f"{f'warm-up {WARMUP} s, ' if warm else ''}{seconds:g} s …")
    sys.stdout.flush()
    if warm and WARMUP:
        wrk(server.port, path, WARMUP, cookie)
        drain(server)
    figures = wrk(server.port, path, seconds, cookie)
    drain(server)
    figures["page_bytes"] = len(body)
    say(
        f" {figures['rps']:8.1f} req/s  p95 {ms(figures['p95'])} ms"
        + (f"  non-2xx {figures['status_errors']}" if figures["status_errors"] else "")
    )
    return figures


def combine(first: dict, second: dict) -> dict:
    """A page's two halves as one measurement: counts added, throughput over both, and
    each latency percentile the mean of the two halves' (wrk gives no histogram to merge)."""
    both = {key: first[key] + second[key] for key in first if key.endswith(("errors", "timeouts"))}
    both.update(
        requests=first["requests"] + second["requests"],
        duration_us=first["duration_us"] + second["duration_us"],
        bytes=first["bytes"] + second["bytes"],
        max=max(first["max"], second["max"]),
        page_bytes=second["page_bytes"],
    )
    both["rps"] = both["requests"] / (both["duration_us"] / 1e6)
    both["mean"] = (first["mean"] * first["requests"] + second["mean"] * second["requests"]) / (
        both["requests"] or 1
    )
    for key in ("p50", "p95", "p99"):
        known = [half[key] for half in (first, second) if half[key] is not None]
        both[key] = round(sum(known) / len(known)) if known else None
    return both


# The report

TARGET_ANON, TARGET_AUTH, P95_FACTOR, SCALE_LOSS, SEARCH_P95_MS = 25, 10, 10, 20, 50


def analyse(kind: str, data: dict) -> dict:
    """Adds the derived figures and the targets' verdicts to each page."""
    scales = [str(s) for s in SCALES]
    for scale in scales:
        ceiling = data["scales"][scale]["pages"]["hello"]
        for key, _label, _path, auth in PAGES:
            page = data["scales"][scale]["pages"][key]
            page["queries"] = data["scales"][scale]["queries"][key]
            page["render"] = data["scales"][scale]["renders"][key]
            page["ceiling_percent"] = 100 * page["rps"] / ceiling["rps"]
            checks = {}
            if key in ("list", "proposal"):
                checks["ceiling"] = page["ceiling_percent"] >= TARGET_ANON
            elif auth:
                checks["ceiling"] = page["ceiling_percent"] >= TARGET_AUTH
            if key != "hello":
                checks["p95"] = (
                    page["p95"] is not None and page["p95"] <= P95_FACTOR * ceiling["p95"]
                )
            if key == "search" and scale == scales[-1] and int(scale) >= 10:
                # Searches differ from one person to the next: rendered, not cached.
                checks["search_p95"] = page["render"]["p95_ms"] < SEARCH_P95_MS
            if scale != scales[0]:
                first = data["scales"][scales[0]]["pages"][key]
                page["change_percent"] = (
                    100 * (page["rps"] - first["rps"]) / first["rps"] if first["rps"] else None
                )
                page["queries_change"] = page["queries"] - first["queries"]
                if key != "hello":
                    change = page["change_percent"]
                    checks["scale"] = change is not None and change >= -SCALE_LOSS
            page["checks"] = checks
    return data


def ms(microseconds: int | None) -> str:
    return "—" if microseconds is None else f"{microseconds / 1000:.1f}"


def mark(ok: bool | None) -> str:
    return "" if ok is None else (" ✅" if ok else " ❌")


def markdown(kind: str, data: dict) -> str:
    scales = [str(s) for s in SCALES]
    lines = [
        f"# Benchmark — {kind}, {data['date']}",
        "",
        f"gunicorn {WORKERS} workers (sync), production config (gunicorn.conf.py), no worker "
        f"recycling, rate limits off; wrk {THREADS} threads, {CONNECTIONS} connections, "
        f"{DURATION} s per page after a "
        f"{WARMUP} s warm-up; one server per size, each page measured in two halves per size "
        "in the order 1×, 10×, 10×, 1× (the sizes compared share the machine's moment; "
        "percentiles: the mean of the halves'). "
        f"Machine: {data['machine']}. Ceiling: `/bench/hello`, a route "
        "of the same Flask app (same hooks, no database, no template). Bytes: raw (the app "
        "does not compress). wrk measures pages as served: anonymous pages come from the page "
        f"cache ({data.get('page_cache', 'memory')}), which costs 1 SQL query (the content "
        "version); the logged-in list and proposal page come from the reader's own kept copy "
        "(app/web/page_cache.py), which costs the session, the version and the reader's private "
        "state (3 queries), with the cookie a browser holds after reading both pages once. "
        "Queries and render ms: what rendering "
        "the page costs, counted and timed in-process with the page cache off, against the "
        f"same database ({RENDERS} renders; the search target is checked on this p95: search "
        "words differ from one person to the next).",
        "",
        "Targets: anonymous list and proposal ≥ 25 % of the ceiling; logged-in pages ≥ 10 %; "
        "p95 ≤ 10 × the ceiling's p95; 10× data costs ≤ 20 % of throughput; search p95 "
        "< 50 ms at 100,000 contributions (rendered).",
        "",
    ]
    for scale in scales:
        counts = data["scales"][scale]["counts"]
        lines.append(
            f"**{scale}×**: {counts['proposal']:,} proposals, {counts['contribution']:,} "
            f"contributions, {counts['organisation']:,} organisations, "
            f"{counts['official_response']:,} responses, {counts['commitment']:,} commitments, "
            f"{counts['meeting']:,} meetings; seeded in {data['scales'][scale]['seed_s']:.0f} s, "
            f"indexed in {data['scales'][scale]['reindex_s']:.0f} s."
        )
    lines.append("")
    header = (
        "| page | size | req/s | % ceiling | p50 ms | p95 ms | p99 ms | queries | bytes "
        "| render ms p50 / p95 |"
    )
    if len(scales) > 1:
        header += " Δ req/s vs 1× |"
    lines += [header, "|" + " --- |" * (header.count("|") - 1)]
    for key, label, _path, _auth in PAGES:
        for scale in scales:
            p = data["scales"][scale]["pages"][key]
            c = p["checks"]
            row = (
                f"| {label} | {scale}× | {p['rps']:.1f} | {p['ceiling_percent']:.0f} %"
                f"{mark(c.get('ceiling'))} | {ms(p['p50'])} | {ms(p['p95'])}"
                f"{mark(c.get('p95'))} | {ms(p['p99'])} | "
                f"{p['queries']} | {p['page_bytes']:,} | {p['render']['median_ms']:.1f} / "
                f"{p['render']['p95_ms']:.1f}{mark(c.get('search_p95'))} |"
            )
            if len(scales) > 1:
                change = p.get("change_percent")
                row += "" if change is None else f" {change:+.0f} %{mark(c.get('scale'))}"
                row += " |"
            lines.append(row)
    failed = [
        f"{label} ({scale}×): {name}"
        for key, label, _p, _a in PAGES
        for scale in scales
        for name, ok in data["scales"][scale]["pages"][key]["checks"].items()
        if not ok
    ]
    lines += ["", f"Targets missed: {len(failed)}."]
    lines += [f"- {item}" for item in failed]
    lines += ["", f"Chart: `{data['svg']}`.", ""]
    return "\n".join(lines)


def svg_chart(kind: str, data: dict) -> str:
    """Horizontal bars: requests per second per page, one bar per size."""
    scales = [str(s) for s in SCALES]
    colours = ["#2b6cb0", "#dd6b20", "#38a169", "#805ad5"]
    bar, gap, left, width = 14, 12, 250, 420
    top = 50
    height = top + len(PAGES) * (len(scales) * bar + gap) + 30
    peak = max(data["scales"][s]["pages"][k]["rps"] for s in scales for k, *_ in PAGES) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 90}" '
        f'height="{height}" font-family="sans-serif" font-size="12" role="img" '
        f'aria-label="Requêtes par seconde par page ({kind})">',
        f'<text x="10" y="20" font-size="14" font-weight="bold">Requêtes par seconde par page '
        f"— {html.escape(kind)}, {data['date']}</text>",
    ]
    for i, scale in enumerate(scales):
        x = 10 + i * 120
        parts.append(f'<rect x="{x}" y="30" width="10" height="10" fill="{colours[i]}"/>')
        parts.append(f'<text x="{x + 14}" y="39">données {scale}×</text>')
    y = top
    for key, label, _path, _auth in PAGES:
        parts.append(
            f'<text x="{left - 8}" y="{y + bar * len(scales) / 2 + 4}" '
            f'text-anchor="end">{html.escape(label)}</text>'
        )
        for i, scale in enumerate(scales):
            rps = data["scales"][scale]["pages"][key]["rps"]
            w = max(1, round(width * rps / peak))
            parts.append(
                f'<rect x="{left}" y="{y}" width="{w}" height="{bar - 2}" fill="{colours[i]}"/>'
            )
            parts.append(f'<text x="{left + w + 4}" y="{y + bar - 4}">{rps:.0f}</text>')
            y += bar
        y += gap
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def write_results(kind: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = f"{data['date']}-{kind}"
    data["svg"] = f"bench/results/{stem}.svg"
    md = markdown(kind, data)
    svg = svg_chart(kind, data)
    payload = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    for name in (stem, f"latest-{kind}"):
        (RESULTS / f"{name}.md").write_text(md)
        (RESULTS / f"{name}.json").write_text(payload)
        (RESULTS / f"{name}.svg").write_text(svg)
    print()
    print(md)
    return RESULTS / f"{stem}.md"


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: `apt-get install wrk` (make bench does it when it can)")
    sys.path.insert(0, str(ROOT))
    started = time.monotonic()
    kind, urls = database_urls()
    data = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "database": kind,
        "machine": f"{os.cpu_count()} CPU(s), shared with other jobs — indicative figures",
        "settings": {
            "workers": WORKERS,
            "connections": CONNECTIONS,
            "threads": THREADS,
            "duration_s": DURATION,
            "warmup_s": WARMUP,
        },
        "scales": {},
    }
    try:
        envs, cookies = {}, {}
        for scale in SCALES:
            envs[scale], cookies[scale], data["scales"][str(scale)] = prepare(kind, scale, urls)
            data["page_cache"] = "Redis" if "REDIS_URL" in envs[scale] else "memory of each worker"
        say(f"  measuring with wrk ({len(PAGES)} pages × {len(SCALES)} sizes) …")
        for scale, pages in measure(envs, cookies).items():
            data["scales"][str(scale)]["pages"] = pages
    finally:
        drop_databases(kind, urls)
    analyse(kind, data)
    data["total_s"] = time.monotonic() - started
    path = write_results(kind, data)
    say(f"Written: {path} (and .json, .svg, latest-{kind}.*) in {data['total_s']:.0f} s")


def prepare(kind: str, scale: int, urls: dict[int, str]) -> tuple[dict, str, dict]:
    """One size's database, seeded and indexed; its environment, login cookie and figures."""
    say(f"== {scale}× data on {kind}")
    env = app_env(urls[scale])
    t0 = time.monotonic()
    say(f"  flask db upgrade ({scale}×)")
    flask(env, "db", "upgrade")
    say(f"  seeding {scale}× …")
    counts = seed_in_process(scale, env)
    t1 = time.monotonic()
    say("  flask search reindex …")
    flask(env, "search", "reindex")
    analyze(kind, urls[scale])
    t2 = time.monotonic()
    say("  counting SQL queries per page (in-process) …")
    queries, renders, cookie = count_queries(urls[scale])
    figures = {
        "counts": counts,
        "seed_s": t1 - t0,
        "reindex_s": t2 - t1,
        "queries": queries,
        "renders": renders,
    }
    return env, cookie, figures


def seed_in_process(scale: int, env: dict) -> dict:
    for key in ("VOIX_CONFIG", "DATABASE_URL", "SECRET_KEY", "RATELIMIT_ENABLED", "MAIL_SITE_URL"):
        os.environ[key] = env[key]
    from app import create_app
    from app.extensions import db
    from bench.seed import seed

    app = create_app("production")
    with app.app_context():
        counts = seed(scale)
        db.session.remove()
        db.engine.dispose()
    return counts


if __name__ == "__main__":
    main()
