"""`make bench`: seed large data sets, serve each with gunicorn beside a bare Flask app (the
ceiling), measure every page with wrk, count and time each page's render in-process, and
write the report under bench/results/.

Settings (environment): DATABASE_URL (a PostgreSQL URL benches PostgreSQL: the databases
bench_<scale>x are created on that server and dropped afterwards unless BENCH_KEEP=1; SQLite
files under bench/.data/ otherwise), BENCH_SCALES ("1,10"; "1,10,100" for the full run),
BENCH_DURATION (10 s per page and size), BENCH_WARMUP (2 s), BENCH_CONNECTIONS (32),
BENCH_THREADS (2), BENCH_WORKERS (2), BENCH_REDIS_URL (redis://127.0.0.1:6379/13: the page
cache lives there, as in production, when a Redis answers; in each worker's memory
otherwise), BENCH_RENDERS (100 renders per page for the in-process timings), BENCH_SOAK
(seconds of soak on the largest size, 0: none; 300 for the 5-minute figures), BENCH_PROFILE
(0: no flame graphs), BENCH_PROFILE_SECONDS (10).
"""

import os
import platform
import secrets
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from bench.settings import (
    CONNECTIONS,
    DATA,
    DURATION,
    PROFILE,
    REDIS_URL,
    RESULTS,
    ROOT,
    SCALES,
    SOAK_SECONDS,
    THREADS,
    VENV_BIN,
    WARMUP,
    WORKERS,
    say,
)

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


def analyze(kind: str, url: str, env: dict) -> None:
    """The planner's statistics, as a live server keeps them: `flask database analyze` (the
    daily timer's) on both databases; on PostgreSQL also the visibility map, as autovacuum
    keeps it (straight after a bulk load, index-only scans would still read the table)."""
    say("  flask database analyze …")
    flask(env, "database", "analyze")
    if kind != "postgresql":
        return
    import sqlalchemy as sa

    say("  VACUUM, CHECKPOINT …")
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("VACUUM"))
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


# One size: seeded, indexed, costed


def prepare(kind: str, scale: int, url: str) -> tuple[dict, dict, dict, dict]:
    """One size's database, seeded and indexed; its environment, readers' cookies, figures
    and (at the largest size) query plans."""
    from bench.inprocess import page_costs

    say(f"== {scale}× data on {kind}")
    env = app_env(url)
    t0 = time.monotonic()
    say(f"  flask db upgrade ({scale}×)")
    flask(env, "db", "upgrade")
    say(f"  seeding {scale}× …")
    counts = seed_in_process(scale, env)
    t1 = time.monotonic()
    say("  flask search reindex …")
    flask(env, "search", "reindex")
    analyze(kind, url, env)
    t2 = time.monotonic()
    explain = scale == SCALES[-1]
    say(f"  counting and timing each page's SQL in-process{' (with plans)' if explain else ''} …")
    queries, renders, plans, cookies, reference = page_costs(url, explain)
    figures = {
        "reference_ms": reference,
        "counts": counts,
        "seed_s": t1 - t0,
        "reindex_s": t2 - t1,
        "queries": queries,
        "renders": renders,
    }
    return env, cookies, figures, plans


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


# The run


def serve_and_measure(data: dict, envs: dict, cookies: dict) -> None:
    """Every server started at once: the bare ceiling and one app per size; then the pages,
    each worker's memory, the soak and the flame graphs on the largest size."""
    from bench import flames, load
    from bench.pages import PAGES
    from bench.servers import Server

    largest = SCALES[-1]
    with ExitStack() as stack:
        bare = stack.enter_context(Server("bench.bare:app", envs[largest], DATA / "bare.log"))
        servers = {
            scale: stack.enter_context(
                Server("bench.wsgi:app", env, DATA / f"gunicorn-{scale}x.log")
            )
            for scale, env in envs.items()
        }
        for scale, server in servers.items():
            for reader, cookie in cookies[scale].items():
                paths = [p.path for p in PAGES if p.reader == reader]
                cookies[scale][reader] = server.browse_as_reader(cookie, paths)
        say(f"  measuring with wrk ({len(PAGES)} pages × {len(SCALES)} sizes) …")
        for scale, pages in load.measure(bare, servers, cookies).items():
            data["scales"][str(scale)]["pages"] = pages
            data["scales"][str(scale)]["memory_mb"] = servers[scale].worker_memory_mb()
        if SOAK_SECONDS:
            say(f"  soak: {SOAK_SECONDS} s at {largest}× …")
            data["soak"] = {"scale": largest, **load.soak(servers[largest], cookies[largest])}
        if PROFILE and flames.py_spy():
            say(f"  flame graphs at {largest}× …")
            stem = data["stem"]
            cached = flames.record(servers[largest], f"{stem}-flame-cached.svg")
            uncached_env = {**envs[largest], "PAGE_CACHE_ENABLED": "false"}
            log = DATA / "gunicorn-uncached.log"
            with Server("bench.wsgi:app", uncached_env, log) as uncached:
                rendered = flames.record(uncached, f"{stem}-flame-uncached.svg")
            data["flames"] = [cached, rendered]


def free_stem(day: str, kind: str) -> str:
    """The name of this run's files: the date and database, then b, c… when an earlier run
    of the same day holds that name (the results are a record: none is overwritten)."""
    for suffix in ("", *"bcdefghijklmnopqrstuvwxyz"):
        stem = f"{day}{suffix}-{kind}"
        if not (RESULTS / f"{stem}.md").exists():
            return stem
    raise SystemExit(f"bench/results/ already holds 26 runs of {day} on {kind}")


def interpreter() -> str:
    """The Python the servers and renders run on (.venv's): its version and executable.
    Builds differ: on this machine pyenv's 3.11.7 (libpython shared, no profile-guided
    optimisation) renders a proposal page about a tenth slower than Debian's python3
    3.11.2, the one docs/deployment.md installs."""
    return f"Python {platform.python_version()}, {os.path.realpath(sys.executable)}"


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: `apt-get install wrk` (make bench does it when it can)")
    sys.path.insert(0, str(ROOT))
    from bench.report import analyse, write_results

    started = time.monotonic()
    kind, urls = database_urls()
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    data = {
        "date": today,
        "stem": free_stem(today, kind),
        "database": kind,
        "machine": f"{os.cpu_count()} CPU(s), shared with other jobs — indicative figures",
        "python": interpreter(),
        "settings": {
            "workers": WORKERS,
            "connections": CONNECTIONS,
            "threads": THREADS,
            "duration_s": DURATION,
            "warmup_s": WARMUP,
            "scales": SCALES,
        },
        "scales": {},
        "explain_scale": SCALES[-1],
    }
    plans = {}
    try:
        envs, cookies = {}, {}
        for scale in SCALES:
            envs[scale], cookies[scale], figures, scale_plans = prepare(kind, scale, urls[scale])
            data["scales"][str(scale)] = figures
            plans = scale_plans or plans
            data["page_cache"] = "Redis" if "REDIS_URL" in envs[scale] else "memory of each worker"
        serve_and_measure(data, envs, cookies)
    finally:
        drop_databases(kind, urls)
    analyse(data)
    data["total_s"] = time.monotonic() - started
    path = write_results(data, plans)
    say(f"Written: {path} (and .json, .svg, latest-{kind}.*) in {data['total_s']:.0f} s")


if __name__ == "__main__":
    main()
