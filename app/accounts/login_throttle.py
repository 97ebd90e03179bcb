"""Slowing down password guessing on one account without locking its owner out.

The login route already has a per-address limit (``LOGIN_RATE_LIMIT``). An attacker with
many addresses can still try passwords on one account, so failures are also counted per
account, in the rate-limit storage (Redis when configured, so every worker sees them):

- strictly per account *and* address (``LOGIN_ACCOUNT_IP_RATE_LIMIT``, e.g. 5 failures
  per 15 minutes): one machine guessing at one account is stopped quickly;
- loosely per account alone (``LOGIN_ACCOUNT_RATE_LIMIT``, e.g. 30 failures per hour):
  a distributed guess is stopped too, but this limit does not apply from an address the
  owner has already logged in from successfully (remembered ``LOGIN_KNOWN_ADDRESS_DAYS``).

So an attacker who floods an account with failures can lock *their own* addresses out
and slow down new addresses, but the owner logging in from their usual address still gets
in. Only failures count: a successful login never uses up the allowance, and it clears the
strict counter of that address. Addresses and e-mails are stored as a keyed hash.

When Redis does not answer, the counters live in this process's memory, like Flask-Limiter's
own (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED); a login is never refused with a 500 for it.
"""

import functools
import time

from flask import current_app, request
from limits import parse
from limits.errors import StorageError
from redis.exceptions import RedisError
from werkzeug.exceptions import TooManyRequests

from app.accounts.security_log import email_hash, security_event
from app.extensions import limiter


def _identity(email: str) -> tuple[str, str]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or "voix"
    return prefix, email_hash(email)


def _address() -> str:
    return email_hash(request.remote_addr or "-")  # the same keyed hash, for addresses


def _known_key(email: str) -> str:
    prefix, account = _identity(email)
    return f"{prefix}/login-known/{account}/{_address()}"


def _enabled() -> bool:
    """Rate limits switched off (RATELIMIT_ENABLED=false, the load test's server): no throttle."""
    return limiter.enabled and current_app.config.get("RATELIMIT_ENABLED", True)


def _counters():
    """Flask-Limiter's strategy and its storage: Redis, or memory while Redis is down."""
    strategy = limiter.limiter  # the in-memory fallback once Flask-Limiter found Redis down
    return strategy, strategy.storage


def _degrades(function):
    """Redis failing before Flask-Limiter noticed: this throttle steps aside for the request
    (the per-address limit still holds) rather than answer 500."""

    @functools.wraps(function)
    def guarded(email: str) -> None:
        try:
            function(email)
        except (RedisError, StorageError, OSError) as error:  # the storage, not the login
            current_app.logger.warning("Login throttle skipped: %s", type(error).__name__)

    return guarded


def _limits():
    cfg = current_app.config
    return parse(cfg["LOGIN_ACCOUNT_IP_RATE_LIMIT"]), parse(cfg["LOGIN_ACCOUNT_RATE_LIMIT"])


def _refuse(item, prefix: str, scope: str, account: str, *more: str) -> None:
    reset_at, _remaining = _counters()[0].get_window_stats(item, prefix, scope, account, *more)
    security_event("rate_limited", limit=scope, account=account)
    raise TooManyRequests(retry_after=max(1, int(reset_at - time.time()) + 1))


@_degrades
def check(email: str) -> None:
    """Refuse (429) a login attempt on this account if it has failed too often."""
    if not _enabled():
        return
    strict, loose = _limits()
    prefix, account = _identity(email)
    strategy, storage = _counters()
    if not strategy.test(strict, prefix, "login-account-ip", account, _address()):
        _refuse(strict, prefix, "login-account-ip", account, _address())
    if storage.get(_known_key(email)):
        return  # the owner's usual address: only the strict limit applies
    if not strategy.test(loose, prefix, "login-account", account):
        _refuse(loose, prefix, "login-account", account)


@_degrades
def failed(email: str) -> None:
    """Count a failed attempt on this account, from this address and overall."""
    if not _enabled():
        return
    strict, loose = _limits()
    prefix, account = _identity(email)
    strategy, _storage = _counters()
    strategy.hit(strict, prefix, "login-account-ip", account, _address())
    strategy.hit(loose, prefix, "login-account", account)


@_degrades
def succeeded(email: str) -> None:
    """Remember this address as the owner's, and forget its recent failures."""
    if not _enabled():
        return
    strict, _loose = _limits()
    prefix, account = _identity(email)
    strategy, storage = _counters()
    strategy.clear(strict, prefix, "login-account-ip", account, _address())
    days = current_app.config["LOGIN_KNOWN_ADDRESS_DAYS"]
    storage.incr(_known_key(email), days * 24 * 3600)
