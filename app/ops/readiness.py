"""Readiness checks for /readyz: the database always, Redis when REDIS_URL is set, the
recordings' directory when AUDIO_DIRECTORY is set (missing, the volume not mounted: spoken
testimonies can be neither received nor played, the rest works: degraded).

Each check returns "ok" or a short reason; no exception text (it may hold a URL with a
password) goes into the answer. Without the database nothing works; without Redis the site
works on (counters in each process's memory, pages rendered afresh): it is degraded.
"""

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from app.audio import files
from app.extensions import db

# Checks whose failure leaves the site working, only less well.
OPTIONAL = frozenset({"redis", "audio_directory"})


def check_database() -> str:
    """One ``SELECT 1`` on the application's engine."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return "unavailable"
    return "ok"


def check_redis(url: str) -> str:
    """A PING with a short timeout, on a connection of its own."""
    import redis

    timeout = current_app.config["REDIS_TIMEOUT_SECONDS"]
    client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        client.ping()
    except (redis.RedisError, OSError):
        return "unavailable"
    finally:
        client.close()
    return "ok"


def run_checks() -> dict[str, str]:
    """Every check by name, in a stable order."""
    checks = {"database": check_database()}
    if current_app.config.get("AUDIO_DIRECTORY"):
        checks["audio_directory"] = files.check()
    url = current_app.config.get("REDIS_URL")
    if url:
        checks["redis"] = check_redis(url)
    return checks


def report() -> tuple[dict, int]:
    """The /readyz answer: ok (200), degraded (200: Redis down), unavailable (503)."""
    checks = run_checks()
    failing = [name for name, result in checks.items() if result != "ok"]
    if set(failing) - OPTIONAL:
        return {"status": "unavailable", "checks": checks, "failing": failing}, 503
    if failing:
        return {"status": "degraded", "checks": checks, "degraded": failing}, 200
    return {"status": "ok", "checks": checks}, 200
