"""Configuration classes, read from the environment.

Choose one with ``VOIX_CONFIG`` (development, testing, production); development is the default.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
# Where the network is: days (due dates, periods) are counted and times shown there. Named
# once; app/models/base.py makes it the PARIS zone the code uses.
SITE_TIMEZONE = "Europe/Paris"


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
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # A pooled connection unused this long is tested before use (app/database.py).
    DATABASE_PING_AFTER_IDLE_SECONDS = float(
        os.environ.get("DATABASE_PING_AFTER_IDLE_SECONDS", "10")
    )
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Flask-Login's remember cookie is never set (app/accounts/login_sessions.py); set anyway.
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    # Server-side login sessions (app/services/sessions.py). A session ends when its row is
    # revoked (logout, "déconnecter mes autres sessions", password reset, blocked account),
    # after SESSION_IDLE_MINUTES without a request, or SESSION_ABSOLUTE_HOURS after login.
    # "Rester connecté·e" trades the inactivity limit for a longer absolute lifetime,
    # SESSION_REMEMBER_HOURS, and a cookie that outlives the browser for as long.
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "120"))
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
    SESSION_REMEMBER_HOURS = int(os.environ.get("SESSION_REMEMBER_HOURS", str(24 * 14)))
    PERMANENT_SESSION_LIFETIME = timedelta(hours=SESSION_REMEMBER_HOURS)
    SESSION_TOUCH_SECONDS = 60  # last activity is written at most once a minute

    # Response headers (app/web/headers.py). No inline script or style anywhere: templates
    # use static files and classes only (tests/test_security_headers.py checks them).
    CONTENT_SECURITY_POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "media-src 'self' blob:; "  # blob: a recording heard again before it is sent
        "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "object-src 'none'"
    )
    PERMISSIONS_POLICY = (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(self), payment=(), usb=()"  # the microphone: spoken testimonies
    )
    HSTS = None  # production only: the development server speaks plain HTTP
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    # Larger requests get a 413 page before anything is read; testimonies are 5,000
    # characters at most, so 2 MB leaves room for every form.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(2 * 1024 * 1024)))
    MAX_FORM_MEMORY_SIZE = MAX_CONTENT_LENGTH
    # Spoken testimonies (app/services/audio.py): an upload's limits, checked by its content;
    # the worker's job tries a conversion AUDIO_MAX_ATTEMPTS times, and takes again one
    # claimed longer than AUDIO_CLAIM_SECONDS ago (its worker was killed). A form taking a
    # recording reads up to twice AUDIO_MAX_BYTES (app/web/incoming.py, ``takes_file``).
    AUDIO_MAX_SECONDS = int(os.environ.get("AUDIO_MAX_SECONDS", "180"))
    AUDIO_MAX_BYTES = int(os.environ.get("AUDIO_MAX_BYTES", str(10 * 1024 * 1024)))
    AUDIO_MAX_ATTEMPTS = int(os.environ.get("AUDIO_MAX_ATTEMPTS", "3"))
    AUDIO_CLAIM_SECONDS = int(os.environ.get("AUDIO_CLAIM_SECONDS", "300"))
    # A conversion stopped past this (a 3-minute recording takes about a second): the worker
    # also sends the e-mails.
    AUDIO_CONVERT_SECONDS = int(os.environ.get("AUDIO_CONVERT_SECONDS", "60"))
    # Decoding while a person waits (reading an upload, then the disguised preview; one
    # budget for the request): stopped past this, well under gunicorn's timeout, so a file
    # made to make the decoder crawl never holds a web worker until it is killed.
    AUDIO_REQUEST_SECONDS = int(os.environ.get("AUDIO_REQUEST_SECONDS", "15"))
    # Where recordings are kept: in the database by default (every app server reads it, the
    # backup takes it), or, when set, as files in this directory, on a volume every app
    # server shares (``flask backup create`` archives it beside the database's dump).
    AUDIO_DIRECTORY = os.environ.get("AUDIO_DIRECTORY", "")
    # How many recordings each round of the notifications worker converts at most.
    AUDIO_JOBS_PER_ROUND = int(os.environ.get("AUDIO_JOBS_PER_ROUND", "5"))

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = SITE_TIMEZONE
    LANGUAGES = ("fr", "en", "ar")
    RTL_LANGUAGES = ("ar",)

    # Rate limits: Redis when several workers share the counters, memory otherwise.
    # /readyz pings REDIS_URL when it is set, and says "degraded" when it does not answer.
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # Redis is a help, never a dependency: every use of it gives up after this long (a Redis
    # that accepts and never answers must not hold a request), and the site goes on without
    # it: counters in each process's memory, pages rendered afresh.
    REDIS_TIMEOUT_SECONDS = float(os.environ.get("REDIS_TIMEOUT_SECONDS", "0.5"))
    _REDIS_TIMEOUTS = {
        "socket_timeout": REDIS_TIMEOUT_SECONDS,
        "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
    }
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_STORAGE_OPTIONS = dict(_REDIS_TIMEOUTS) if REDIS_URL else {}
    # Redis unreachable: Flask-Limiter counts in this process's memory, and tries Redis
    # again after 1, 2, 4… 32 seconds.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Pages as visitors without an account see them (app/web/page_cache.py): in Redis, shared by
    # every app server, when REDIS_URL is set; in each process's memory otherwise. A page is
    # dropped at once when content changes; PAGE_CACHE_SECONDS bounds only what the clock
    # changes ("il y a 3 minutes", meetings to come).
    PAGE_CACHE_ENABLED = _bool("PAGE_CACHE_ENABLED", True)
    PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
    # A logged-in reader's own copy of the proposal list and page, for going back to them;
    # shorter-lived: one copy per reader and page.
    PAGE_CACHE_READER_SECONDS = int(os.environ.get("PAGE_CACHE_READER_SECONDS", "120"))
    # The visitors' pages a worker read last, kept in its memory too, in front of Redis
    # (app/web/near_cache.py); none without Redis, where the whole cache is in its memory.
    PAGE_CACHE_LOCAL_PAGES = int(
        os.environ.get("PAGE_CACHE_LOCAL_PAGES", "64" if REDIS_URL else "0")
    )
    CACHE_TYPE = "RedisCache" if REDIS_URL else "SimpleCache"
    CACHE_REDIS_URL = REDIS_URL
    CACHE_KEY_PREFIX = "voix:"
    CACHE_THRESHOLD = 2000  # pages kept in a process's memory, at most
    CACHE_OPTIONS = dict(_REDIS_TIMEOUTS) if REDIS_URL else {}
    # After a failure the page cache is left alone this long: pages are rendered meanwhile.
    PAGE_CACHE_RETRY_SECONDS = int(os.environ.get("PAGE_CACHE_RETRY_SECONDS", "30"))
    # Reads of proposal pages (the translators' queue puts the most read first) are counted
    # in each process's memory and written at most this often (app/web/read_counter.py).
    READ_TALLY_FLUSH_SECONDS = int(os.environ.get("READ_TALLY_FLUSH_SECONDS", "60"))
    # RATELIMIT_ENABLED=false turns every limit off: the load test's own server only.
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "20 per hour")
    RESET_RATE_LIMIT = os.environ.get("RESET_RATE_LIMIT", "5 per 15 minutes")
    # Failed logins per account (see app/accounts/login_throttle.py): strictly per account and
    # address, loosely per account alone except from an address its owner logged in from.
    LOGIN_ACCOUNT_IP_RATE_LIMIT = os.environ.get("LOGIN_ACCOUNT_IP_RATE_LIMIT", "5 per 15 minutes")
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "30 per hour")
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")
    LOGIN_KNOWN_ADDRESS_DAYS = int(os.environ.get("LOGIN_KNOWN_ADDRESS_DAYS", "30"))

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
    # The site's public address: every absolute link kept elsewhere (e-mails, calendar files,
    # the API) is built from it (app/web/links.py), never from the request (a forged Host or
    # X-Forwarded-Host would otherwise choose where a password reset link points). Required
    # in production.
    MAIL_SITE_URL = os.environ.get("MAIL_SITE_URL")
    # Host names the site answers to (production: the host of MAIL_SITE_URL unless
    # TRUSTED_HOSTS lists them, comma-separated); any other Host header gets a 400 page.
    TRUSTED_HOSTS: list[str] | None = None
    PASSWORD_RESET_MAX_AGE = int(os.environ.get("PASSWORD_RESET_MAX_AGE", str(60 * 60)))
    # How long the link that creates a new account works; an unconfirmed registration is
    # deleted by `flask privacy purge` once it has expired.
    REGISTRATION_MAX_AGE = int(os.environ.get("REGISTRATION_MAX_AGE", str(24 * 60 * 60)))
    # How long the link that confirms an existing account's e-mail address works (an account
    # acts in an organisation's name only once its address is confirmed).
    EMAIL_CONFIRMATION_MAX_AGE = int(
        os.environ.get("EMAIL_CONFIRMATION_MAX_AGE", str(48 * 60 * 60))
    )
    # How many days the link of an admin's invitation (to join an organisation) works.
    INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "14"))

    # Argon2id at OWASP's minimum (19 MiB, 2 iterations, 1 lane).
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19 * 1024
    ARGON2_PARALLELISM = 1

    # Contributions (testimonies, comments, replies) and their moderation.
    TESTIMONY_MAX_LENGTH = 5000
    COMMENT_MAX_LENGTH = 2000
    CONTRIBUTION_EDIT_MINUTES = 15
    CONTRIBUTIONS_PER_PAGE = 20
    # An association's own tallies of a proposal, on the page where it counts people.
    TALLIES_PER_PAGE = 20
    FLAG_HIDE_THRESHOLD = int(os.environ.get("FLAG_HIDE_THRESHOLD", "3"))
    GUEST_TESTIMONY_RATE_LIMIT = os.environ.get(
        "GUEST_TESTIMONY_RATE_LIMIT", "5 per hour;20 per day"
    )
    # From an address an organisation declared as its premises (a day centre's Wi-Fi, shared
    # by everyone it welcomes): Administration → Organisations → "Adresses IP des locaux".
    GUEST_TESTIMONY_PREMISES_RATE_LIMIT = os.environ.get(
        "GUEST_TESTIMONY_PREMISES_RATE_LIMIT", "200 per hour;1000 per day"
    )
    # Hearing one's recording disguised before sending it (a conversion each time).
    AUDIO_PREVIEW_RATE_LIMIT = os.environ.get("AUDIO_PREVIEW_RATE_LIMIT", "30 per hour")
    CONTRIBUTION_RATE_LIMIT = os.environ.get("CONTRIBUTION_RATE_LIMIT", "30 per hour")
    # Suggestions of proposals a person sends (only those stored count).
    SUGGESTION_RATE_LIMIT = os.environ.get("SUGGESTION_RATE_LIMIT", "10 per hour;30 per day")
    SUGGESTIONS_PER_PAGE = 20
    FLAG_RATE_LIMIT = os.environ.get("FLAG_RATE_LIMIT", "30 per hour")
    # A guest's receipt pages (/recu/<code>), per address: codes cannot be guessed.
    RECEIPT_RATE_LIMIT = os.environ.get("RECEIPT_RATE_LIMIT", "30 per hour;100 per day")
    # From an association's premises (many guests behind one address), as for the guest form;
    # 60-bit codes stay out of reach even so.
    RECEIPT_PREMISES_RATE_LIMIT = os.environ.get(
        "RECEIPT_PREMISES_RATE_LIMIT", "300 per hour;1000 per day"
    )
    CONCERN_RATE_LIMIT = os.environ.get("CONCERN_RATE_LIMIT", "60 per hour")
    MODERATION_QUEUE_PER_PAGE = 25
    # A moderator who wants to hear of each new item hears at most once in this many minutes.
    MODERATION_ALERT_MIN_MINUTES = int(os.environ.get("MODERATION_ALERT_MIN_MINUTES", "60"))
    # The daily one leaves from this hour on (Paris time), not at midnight.
    MODERATION_ALERT_DAILY_HOUR = int(os.environ.get("MODERATION_ALERT_DAILY_HOUR", "8"))
    # Send queued e-mails right after the response; `flask notifications send` retries the rest.
    OUTBOX_DELIVER_AFTER_REQUEST = True

    # Institutions answer within this many days of a proposal being sent to them.
    RESPONSE_DUE_DAYS = int(os.environ.get("RESPONSE_DUE_DAYS", "60"))
    # Institutions are reminded this many days before their answer is due (comma-separated),
    # and once when it is overdue (`flask institutions remind`, daily).
    RESPONSE_REMINDER_DAYS = os.environ.get("RESPONSE_REMINDER_DAYS", "14,3")
    # The answer link's page (/repondre/…): posts per address (answers, new-link requests).
    ANSWER_LINK_RATE_LIMIT = os.environ.get("ANSWER_LINK_RATE_LIMIT", "20 per hour")
    # Responses recorded on an institution's behalf (a letter, an e-mail, a meeting), per account.
    RECORD_RESPONSE_RATE_LIMIT = os.environ.get("RECORD_RESPONSE_RATE_LIMIT", "30 per hour")
    # Where an institution whose answer link does not work writes to the network.
    NETWORK_CONTACT_EMAIL = os.environ.get("NETWORK_CONTACT_EMAIL", "contact@voix-solidaires.fr")

    # Personal data (the privacy page shows these): who answers requests, and how long
    # guests' contact details and IP addresses are kept before `flask privacy purge`.
    PRIVACY_CONTROLLER = os.environ.get(
        "PRIVACY_CONTROLLER", "Réseau de solidarité des associations messines"
    )
    PRIVACY_CONTACT = os.environ.get("PRIVACY_CONTACT", "donnees-personnelles@voix-solidaires.fr")
    GUEST_CONTACT_RETENTION_DAYS = int(os.environ.get("GUEST_CONTACT_RETENTION_DAYS", "365"))
    IP_RETENTION_DAYS = int(os.environ.get("IP_RETENTION_DAYS", "30"))
    # Sent e-mails, ended login sessions, expired reset links: deleted after this many days.
    RECORD_RETENTION_DAYS = int(os.environ.get("RECORD_RETENTION_DAYS", "30"))

    # Open data (/donnees): the licence every export is published under, named in the page,
    # in each JSON file and in each download's Link header.
    OPEN_DATA_LICENCE_NAME = os.environ.get(
        "OPEN_DATA_LICENCE_NAME", "Licence Ouverte / Open Licence version 2.0 (Etalab)"
    )
    OPEN_DATA_LICENCE_URL = os.environ.get(
        "OPEN_DATA_LICENCE_URL", "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    )

    # How many proxies (nginx…) stand in front of the app: their X-Forwarded-For, -Proto and
    # -Host are trusted for that many hops (werkzeug's ProxyFix). 0: the headers are ignored,
    # as they must be when clients reach the app directly (anyone could forge them).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # One JSON object per log line on stdout (production only; see app/ops/logs.py).
    JSON_LOGS = False

    # Importing an event's proposals from a spreadsheet (app/imports/): the largest file in
    # bytes, and the most proposals one file may hold. The import route alone takes a body
    # this large (app/web/incoming.py); nginx's client_max_body_size must let it through.
    IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
    IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "1000"))

    # The largest document (a letter's PDF or scan) joined to a response recorded on an
    # institution's behalf, in bytes; its route alone takes a body about twice this large.
    RESPONSE_ATTACHMENT_MAX_BYTES = int(
        os.environ.get("RESPONSE_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))
    )

    # Paper testimonies typed in at the day centre: the photo of one sheet (kept for the
    # moderators until their decision), and all the photos of one sitting's form together.
    PAPER_PHOTO_MAX_BYTES = int(os.environ.get("PAPER_PHOTO_MAX_BYTES", str(5 * 1024 * 1024)))
    PAPER_BATCH_MAX_BYTES = int(os.environ.get("PAPER_BATCH_MAX_BYTES", str(15 * 1024 * 1024)))

    PROPOSALS_PER_PAGE = 20
    # The site-wide search (/recherche).
    SEARCH_RESULTS_PER_PAGE = 20
    # Matches counted (and offered) at most per kind: counting them all costs at 100,000.
    SEARCH_COUNT_LIMIT = 1000
    # Matching documents ranked and counted at most, the latest: a word in a third of a
    # million contributions costs what a word in 4,000 does. Above the count limit times
    # the site's languages, so that a full window always says "more than the limit".
    SEARCH_RANK_WINDOW = 4000
    SEARCH_RATE_LIMIT = os.environ.get("SEARCH_RATE_LIMIT", "60 per minute")
    ORGANISATIONS_PER_PAGE = 20
    ORGANISATION_LISTS_PER_PAGE = 10
    API_PAGE_SIZE = 50
    DEMO_DATA_ALLOWED = True


class DevelopmentConfig(Config):
    """Local development: embedded SQLite, e-mails on the console."""

    DEBUG = False
    # `make run` serves on 127.0.0.1:$PORT.
    MAIL_SITE_URL = (
        os.environ.get("MAIL_SITE_URL") or f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"
    )


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
    # Deliberately not SERVER_NAME: a link built from the request would show in the tests.
    MAIL_SITE_URL = "http://voix.test"
    # The suite sees every page rendered; tests/test_page_cache.py turns the cache on.
    PAGE_CACHE_ENABLED = False
    # Reads are counted but written only when a test asks (tests/test_translators.py):
    # a flush at some moment of the suite would write into another test's database.
    READ_TALLY_FLUSH_SECONDS = 10**9
    CACHE_TYPE = "SimpleCache"
    CACHE_OPTIONS: dict = {}
    PAGE_CACHE_LOCAL_PAGES = 0  # tests/test_near_cache.py turns it on
    # Cheaper Argon2 parameters so the suite stays fast; the algorithm is the same.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1


class ProductionConfig(Config):
    """Production: PostgreSQL, secrets from the environment, secure cookies."""

    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, on path "/"
    # and without a Domain: no subdomain or plain-HTTP page can set or overwrite it.
    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_PATH = "/"
    SESSION_COOKIE_DOMAIN = None
    REMEMBER_COOKIE_NAME = "__Host-remember_token"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_PATH = "/"
    REMEMBER_COOKIE_DOMAIN = None
    HSTS = "max-age=63072000; includeSubDomains"
    PREFERRED_URL_SCHEME = "https"
    DEMO_DATA_ALLOWED = False
    JSON_LOGS = _bool("JSON_LOGS", True)

    @classmethod
    def check(cls) -> None:
        """Refuse to start without the secrets and the public address production needs."""
        required = ("SECRET_KEY", "DATABASE_URL", "MAIL_SITE_URL")
        missing = [name for name in required if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"Missing environment variables for production: {missing}")
        cls.SECRET_KEY = os.environ["SECRET_KEY"]
        cls.SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]
        cls.MAIL_SITE_URL = os.environ["MAIL_SITE_URL"]
        cls.TRUSTED_HOSTS = trusted_hosts(os.environ.get("TRUSTED_HOSTS"), cls.MAIL_SITE_URL)


def trusted_hosts(names: str | None, site_url: str) -> list[str]:
    """The host names listed (comma-separated), else the one of the site's public address."""
    listed = [name.strip().lower() for name in (names or "").split(",") if name.strip()]
    return listed or [(urlsplit(site_url).hostname or "").lower()]


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
