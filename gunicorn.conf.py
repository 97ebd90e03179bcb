"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py` (see bin/serve).

Every value comes from the environment, with defaults fit for one small machine:

- WEB_CONCURRENCY: worker processes (default 2 × cores + 1, at most 12);
- BIND, or PORT: where to listen (default 127.0.0.1:8000, behind nginx);
- GUNICORN_TIMEOUT, GUNICORN_GRACEFUL_TIMEOUT: seconds before a stuck worker is killed, and
  given to workers to finish their requests on SIGTERM or a reload;
- GUNICORN_ACCESS_LOG: "1" to add gunicorn's own access log; off by default, since the
  application writes one JSON line per request itself (app/ops/logs.py).
"""

import multiprocessing
import os

MAX_DEFAULT_WORKERS = 12


def _default_workers() -> int:
    return min(2 * multiprocessing.cpu_count() + 1, MAX_DEFAULT_WORKERS)


def _bind() -> str:
    if os.environ.get("BIND"):
        return os.environ["BIND"]
    return f"127.0.0.1:{os.environ.get('PORT', '8000')}"


wsgi_app = "app:create_app()"
bind = [_bind()]
workers = int(os.environ.get("WEB_CONCURRENCY") or _default_workers())
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Restart each worker after a number of requests (with jitter), so a slow leak cannot grow.
# Not too often: a worker builds the app anew (about a second of one core) and starts with
# cold caches; at 2,000 a busy site restarted each worker every few seconds.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# nginx speaks to us on the same machine; trust its X-Forwarded-* (the app's ProxyFix,
# TRUSTED_PROXIES, decides what they mean for the client's address).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG") == "1" else None
if accesslog:  # its lines carry the path: a guest's receipt code is taken out of it
    from app.ops.logs import access_logger_class

    logger_class = access_logger_class()
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Each worker builds the app itself: its own database pool (no connection shared across a
# fork), and a reload (SIGHUP) picks up new code.
preload_app = False


def post_worker_init(_worker) -> None:
    """The app is built: its objects live as long as the worker, so the garbage collector
    stops scanning them (app/ops/memory.py)."""
    from app.ops.memory import settle

    settle()


def pre_request(worker, _req) -> None:
    """Before the request that follows the worker's 1st, 10th, 100th and 1000th: what its
    first pages built (compiled templates and statements) is frozen in its turn. Not after
    a request: its objects would still be held then, and frozen with their cycles."""
    from app.ops.memory import settle_after

    settle_after(worker.nr)
