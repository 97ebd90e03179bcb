"""Voix solidaires: the application factory."""

import os
import weakref
from functools import lru_cache

from babel import Locale
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import gettext
from flask_login import current_user

from app.extensions import babel, csrf, db, limiter, login_manager, migrate
from app.web import catalogues, cookie_session, ids
from config import CONFIGS, INSTANCE_DIR


def N_(message: str) -> str:  # gettext_noop: marked for the catalogues, not translated here
    return message


BLUEPRINTS = (
    "app.main",
    "app.accounts.views",
    "app.proposals",
    "app.contributions",
    "app.responses",
    "app.moderation",
    "app.notifications",
    "app.meetings",
    "app.minutes",
    "app.directory",
    "app.admin",
    "app.api",
    "app.board",
    "app.privacy",
    "app.search",
    "app.opendata",
    "app.events",
    "app.imports.views",
    "app.answers",
    "app.receipts.views",
    "app.inbox.views",
    "app.onboarding",
    "app.translators.views",
    "app.paper",
    "app.audio.views",
    "app.suggestions.views",
    "app.sheets",
    "app.concerns.views",
)


class VoixFlask(Flask):
    """Flask, its hooks and views checked once for being coroutines, not at every request:
    Flask asks `inspect` again for each of a request's twenty hooks."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Weak keys: a function made for one request (`after_this_request`) is not kept.
        self._plain_functions = weakref.WeakKeyDictionary()

    def ensure_sync(self, func):
        try:
            plain = self._plain_functions.get(func)
            if plain is None:  # a bool: a value holding the function would keep it
                plain = self._plain_functions[func] = super().ensure_sync(func) is func
        except TypeError:  # a callable that takes no weak reference: asked each time
            plain = False
        return func if plain else super().ensure_sync(func)


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    """Build the app: defaults, then the chosen config class, then test overrides."""
    app = VoixFlask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=str(INSTANCE_DIR),
    )
    name = config_name or os.environ.get("VOIX_CONFIG", "development")
    config_class = CONFIGS[name]
    if hasattr(config_class, "check"):
        config_class.check()
    app.config.from_object(config_class)
    app.config["CONFIG_NAME"] = name
    if overrides:
        app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    if app.config.get("JSON_LOGS"):
        from app.ops import logs

        logs.init_app(app)
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Behind nginx: the client's address and scheme come from X-Forwarded-For/-Proto,
        # trusted for as many hops as there are proxies (rate limits key on the address).
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    cookie_session.init_app(app)
    _init_extensions(app)
    ids.init_app(app)  # before the blueprints: their `<int:…>` rules use its converter
    _register_blueprints(app)
    from app.web import pipeline

    pipeline.install(app)
    return app


def _select_locale() -> Locale:
    """The account's language, then the visitor's choice, then the browser's."""
    if not has_request_context():  # commands and workers: the default language
        return _locale(current_app.config["LANGUAGES"][0])
    logged_in = current_user and current_user.is_authenticated
    return locale_for(current_user.locale if logged_in else None)


def locale_for(account_locale: str | None) -> Locale:
    """This request's language, for a person whose account says `account_locale` (None for
    a visitor or an account without one)."""
    languages = current_app.config["LANGUAGES"]
    if account_locale in languages:
        return _locale(account_locale)
    if session.get("locale") in languages:
        return _locale(session["locale"])
    return _locale(request.accept_languages.best_match(languages) or languages[0])


@lru_cache(maxsize=16)
def _locale(code: str) -> Locale:
    """Babel's Locale for a site language, parsed once (Flask-Babel parses the selector's
    answer at every request, unless it is a Locale already)."""
    return Locale.parse(code)


def _init_extensions(app: Flask) -> None:
    from app import database

    db.init_app(app)
    migrate.init_app(
        app, db, directory=os.path.join(app.root_path, "..", "migrations"), render_as_batch=True
    )
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=_select_locale,
        default_translation_directories=os.path.join(app.root_path, "translations"),
    )
    catalogues.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    # Marked for the catalogues, translated when flashed (a lazy string cannot be flashed).
    login_manager.login_message = N_("Connectez-vous pour accéder à cette page.")
    login_manager.localize_callback = gettext
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    _protect_logged_in_sessions_only()
    database.init_app(app)


def _protect_logged_in_sessions_only() -> None:
    """Flask-Login's strong protection "clears" any session opened elsewhere, a visitor's too.

    A visitor's session holds a CSRF token or a language, no identity: there is nothing to
    protect, and clearing it rewrote their cookie (and a remember-cookie deletion) on every
    page, which no cache may then keep. Only a session with an account in it is checked.
    """
    check = login_manager._session_protection_failed
    login_manager._session_protection_failed = lambda: "_user_id" in session and check()


def _register_blueprints(app: Flask) -> None:
    from importlib import import_module

    for module_name in BLUEPRINTS:
        app.register_blueprint(import_module(module_name).bp)
