"""Configuration classes, read from the environment.

Choose one with ``VOIX_CONFIG`` (development, testing, production); development is the default.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'voix-solidaires.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LANGUAGES = ("fr", "en", "ar")
    RTL_LANGUAGES = ("ar",)

    # Rate limits: Redis when several workers share the counters, memory otherwise.
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory://")
    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "20 per hour")
    RESET_RATE_LIMIT = os.environ.get("RESET_RATE_LIMIT", "5 per 15 minutes")

    # Outgoing e-mail: "smtp" when MAIL_SERVER is set, else printed on the "console";
    # MAIL_BACKEND forces one ("memory" keeps them in app.extensions["mail_outbox"]).
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND") or ("smtp" if MAIL_SERVER else "console")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Voix solidaires <ne-pas-repondre@voix-solidaires.fr>"
    )
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "20"))
    # The site's public address, for links in e-mails built without a request (the
    # `flask notifications` commands); without it, links use the request's or SERVER_NAME.
    MAIL_SITE_URL = os.environ.get("MAIL_SITE_URL")
    PASSWORD_RESET_MAX_AGE = int(os.environ.get("PASSWORD_RESET_MAX_AGE", str(60 * 60)))

    # Argon2id at OWASP's minimum (19 MiB, 2 iterations, 1 lane).
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19 * 1024
    ARGON2_PARALLELISM = 1

    # Contributions (testimonies, comments, replies) and their moderation.
    TESTIMONY_MAX_LENGTH = 5000
    COMMENT_MAX_LENGTH = 2000
    CONTRIBUTION_EDIT_MINUTES = 15
    CONTRIBUTIONS_PER_PAGE = 20
    FLAG_HIDE_THRESHOLD = int(os.environ.get("FLAG_HIDE_THRESHOLD", "3"))
    GUEST_TESTIMONY_RATE_LIMIT = os.environ.get(
        "GUEST_TESTIMONY_RATE_LIMIT", "5 per hour;20 per day"
    )
    CONTRIBUTION_RATE_LIMIT = os.environ.get("CONTRIBUTION_RATE_LIMIT", "30 per hour")
    FLAG_RATE_LIMIT = os.environ.get("FLAG_RATE_LIMIT", "30 per hour")
    MODERATION_QUEUE_PER_PAGE = 25
    # Send queued e-mails right after the response; `flask notifications send` retries the rest.
    OUTBOX_DELIVER_AFTER_REQUEST = True

    # Institutions answer within this many days of a proposal being sent to them.
    RESPONSE_DUE_DAYS = int(os.environ.get("RESPONSE_DUE_DAYS", "60"))

    PROPOSALS_PER_PAGE = 20
    # The site-wide search (/recherche).
    SEARCH_RESULTS_PER_PAGE = 20
    SEARCH_RATE_LIMIT = os.environ.get("SEARCH_RATE_LIMIT", "60 per minute")
    ORGANISATIONS_PER_PAGE = 20
    ORGANISATION_LISTS_PER_PAGE = 10
    API_PAGE_SIZE = 50
    DEMO_DATA_ALLOWED = True


class DevelopmentConfig(Config):
    """Local development: embedded SQLite, e-mails on the console."""

    DEBUG = False
    MAIL_SITE_URL = os.environ.get("MAIL_SITE_URL", "http://127.0.0.1:5000")


class TestingConfig(Config):
    """The test suite: its own database, fast password hashing."""

    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "TEST_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'test.sqlite'}"
    )
    SERVER_NAME = "localhost"
    OUTBOX_DELIVER_AFTER_REQUEST = False  # tests deliver explicitly
    # E-mails stay in memory; a test switches to "smtp" (plain, no TLS) with its own server.
    MAIL_BACKEND = "memory"
    MAIL_USE_TLS = False
    MAIL_SITE_URL = None
    # Cheaper Argon2 parameters so the suite stays fast; the algorithm is the same.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1


class ProductionConfig(Config):
    """Production: PostgreSQL, secrets from the environment, secure cookies."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    DEMO_DATA_ALLOWED = False

    @classmethod
    def check(cls) -> None:
        """Refuse to start without the secrets production needs."""
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"Missing environment variables for production: {missing}")
        cls.SECRET_KEY = os.environ["SECRET_KEY"]
        cls.SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
