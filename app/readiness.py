"""Readiness checks for /readyz: the database always, Redis when REDIS_URL is set.

Each check returns "ok" or a short reason; no exception text (it may hold a URL with a
password) goes into the answer.
"""

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db

REDIS_TIMEOUT_SECONDS = 1.0


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

    client = redis.Redis.from_url(
        url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
    )
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
    url = current_app.config.get("REDIS_URL")
    if url:
        checks["redis"] = check_redis(url)
    return checks
