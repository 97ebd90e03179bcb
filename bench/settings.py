"""The benchmark's settings, read once from the environment (see bench/run.py)."""

import os
import sys
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
RENDERS = int(os.environ.get("BENCH_RENDERS", "100"))
# Renders of each page before its statements are counted and its renders timed: a worker's
# steady state, not its first requests. On PostgreSQL a statement is planned anew at each of
# its first ten executions on a connection (psycopg prepares it at the sixth; the server then
# plans it for its values five times more before keeping a generic plan): about 5 ms more
# per proposal page, which, in the first renders timed, was the whole of its p95.
WARM_RENDERS = 12
SOAK_SECONDS = int(os.environ.get("BENCH_SOAK", "0"))
PROFILE = os.environ.get("BENCH_PROFILE", "1") != "0"
PROFILE_SECONDS = int(os.environ.get("BENCH_PROFILE_SECONDS", "10"))
USER_AGENT = "voix-bench/1.0"  # the same for the login and wrk (session protection)


def say(message: str) -> None:
    print(message, flush=True)
