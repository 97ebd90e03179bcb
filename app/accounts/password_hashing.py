"""Password hashing with Argon2id, a memory-hard function.

Hashes imported from elsewhere (Werkzeug's ``pbkdf2:`` and ``scrypt:`` formats) are still
checked, and, like Argon2 hashes with weaker parameters, replaced with a current Argon2id
hash at the next successful login (``needs_rehash``).
"""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from werkzeug.security import check_password_hash

LEGACY_PREFIXES = ("pbkdf2:", "scrypt:")


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def _is_legacy(password_hash: str) -> bool:
    return password_hash.startswith(LEGACY_PREFIXES)


def verify_password(password_hash: str, password: str) -> bool:
    if _is_legacy(password_hash):
        try:
            return check_password_hash(password_hash, password)
        except ValueError:  # a malformed imported hash matches nothing
            return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash is not Argon2id with the configured parameters."""
    if _is_legacy(password_hash):
        return True
    try:
        return _hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


_dummy_hashes: dict[tuple, str] = {}


def dummy_verify(password: str) -> None:
    """Spend the time of a real check when the e-mail is unknown, so timing reveals nothing."""
    cfg = current_app.config
    key = (cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"])
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hash_password("not-a-real-password")
    verify_password(_dummy_hashes[key], password)
