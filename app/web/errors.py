"""Error pages in French, never a stack trace."""

import math
import time

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, SecurityError, TooManyRequests
from werkzeug.test import EnvironBuilder

from app.accounts.security_log import security_event
from app.database import is_busy
from app.extensions import db, limiter
from app.ops.logs import redact_path
from app.services import PermissionDenied, ServiceError
from app.web.incoming import megabytes
from app.web.kept_input import kept_fields, typed_texts

MESSAGES = {
    400: (
        _l("Requête invalide"),
        _l("La demande n’a pas pu être comprise. Vérifiez le lien ou le formulaire."),
    ),
    403: (_l("Accès refusé"), _l("Vous n’avez pas le droit de faire cette action.")),
    404: (_l("Page introuvable"), _l("Cette page n’existe pas ou a été déplacée.")),
    405: (_l("Méthode non autorisée"), _l("Cette action n’est pas possible sur cette page.")),
    # The message says the configured limit (``_too_large``).
    413: (_l("Envoi trop volumineux"), ""),
    429: (
        _l("Trop de tentatives"),
        _l("Vous avez fait trop de demandes. Attendez quelques minutes puis réessayez."),
    ),
    500: (
        _l("Erreur du site"),
        _l("Une erreur est survenue de notre côté. Réessayez dans un moment."),
    ),
    503: (
        _l("Site très occupé"),
        _l(
            "Le site est très sollicité en ce moment. Rien n’a été enregistré : "
            "réessayez dans un instant."
        ),
    ),
}


def _render(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if code == 413 and detail is None:
        detail = _too_large()
    if request.path.startswith("/api/"):
        return jsonify({"error": {"code": code, "message": str(title)}}), code
    # A refused form (expired, with a file, forbidden, a database too busy) gives its text
    # back to copy; a body too large (413) was never read.
    kept = _kept_texts() if (400 <= code < 500 and code != 413) or code == 503 else []
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=str(title),
            message=detail or str(message),
            kept_texts=kept,
        ),
        code,
    )


def _on_site_address() -> dict:
    """A request for the home page on the site's public address (MAIL_SITE_URL)."""
    return EnvironBuilder(path="/", base_url=current_app.config["MAIL_SITE_URL"]).get_environ()


def _retry_after(error: TooManyRequests) -> int:
    """Seconds until the breached limit lets requests through again (at least 1)."""
    if isinstance(error, RateLimitExceeded) and limiter.current_limit is not None:
        return max(1, math.ceil(limiter.current_limit.reset_at - time.time()))
    retry_after = getattr(error, "retry_after", None)
    if isinstance(retry_after, int):
        return max(1, retry_after)
    return 60


def _kept_texts() -> list[str]:
    """What the refused form held, given back to copy; account forms' fields never are."""
    if request.method != "POST" or request.blueprint == "accounts":
        return []
    try:
        return typed_texts(kept_fields(request.form))
    except Exception:  # a body that could not be read (the error being shown, maybe)
        return []


def _too_many_requests(error: TooManyRequests):
    """429 with ``Retry-After``: a page in French, or JSON under /api."""
    seconds = _retry_after(error)
    if isinstance(error, RateLimitExceeded):  # per-account refusals are logged where raised
        security_event("rate_limited", limit=str(getattr(error.limit, "limit", "")))
    if request.path.startswith("/api/"):
        response = _render(429)
    else:
        html = render_template(
            "errors/too_many_requests.html",
            minutes=max(1, round(seconds / 60)),
            about_accounts=request.blueprint == "accounts",
            sent=request.method == "POST",
            guest_testimony=request.endpoint == "contributions.testify",
            kept_texts=_kept_texts(),
        )
        response = (html, 429)
    response = make_response(response)
    response.headers["Retry-After"] = str(seconds)
    return response


def _too_large() -> str:
    return _(
        "Ce que vous avez envoyé est trop volumineux (%(size)s au plus). Rien n’a été "
        "enregistré : raccourcissez le texte et réessayez.",
        size=megabytes(current_app.config["MAX_CONTENT_LENGTH"] or 0),
    )


def _page_message(error: HTTPException) -> str | None:
    message = getattr(error, "page_message", None)
    return str(message) if message is not None else None


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return _render(
            400, _("Le formulaire a expiré ou n’est pas valide. Rechargez la page et réessayez.")
        )

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        # Forms check the same rules first, and form views give a refusal back on the form
        # (app/web/refusals.py); this is the safety net for the rest, never a 500.
        db.session.rollback()
        return _render(400, str(error))

    @app.errorhandler(PermissionDenied)
    def permission_denied(_error):
        security_event("authorization_failed", status=403, method=request.method)
        return _render(403)

    app.register_error_handler(TooManyRequests, _too_many_requests)

    @app.errorhandler(SecurityError)
    def untrusted_host(_error):
        # A Host outside TRUSTED_HOSTS: Flask refused it before binding URLs to it, so the
        # page is rendered in a request for the site's own address (its links never point
        # at the forged one, and nobody is logged in there).
        security_event("untrusted_host", status=400, method=request.method)
        with app.request_context(_on_site_address()):
            return _render(400)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 403:
            security_event("authorization_failed", status=403, method=request.method)
        # An error raised with its own French message (``page_message``) shows it.
        return _render(error.code or 500, _page_message(error))

    @app.errorhandler(OperationalError)
    def database_error(error: OperationalError):
        if not is_busy(error):
            return unexpected_error(error)
        # Still busy after the use case was tried again (app/services/__init__.py), or
        # busy outside one: nothing was saved, the person tries again in a moment.
        db.session.rollback()
        app.logger.warning("Database busy, request refused: %s", error.orig)
        return _render(503)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # Redacted: a receipt page's path holds the guest's code, never written in a log.
        app.logger.exception("Unhandled error on %s", redact_path(request.path))
        db.session.rollback()  # the error page must not touch a broken transaction
        return _render(500)
