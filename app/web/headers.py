"""Response headers every page gets, and who may keep a copy of a page.

The policies themselves are in config.py (CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY,
HSTS); HSTS is sent by the production configuration only.
"""

from flask import Flask, current_app, request
from flask_login import current_user

from app.web import routes


def _is_private() -> bool:
    """No-store for a private route (app/web/routes.py), and for anything a logged-in person
    is shown."""
    if request.endpoint == "static":
        return False
    return routes.is_private(request.endpoint) or current_user.is_authenticated


def init_app(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        config = current_app.config
        headers = response.headers
        headers.setdefault("Content-Security-Policy", config["CONTENT_SECURITY_POLICY"])
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", config["PERMISSIONS_POLICY"])
        if config["HSTS"]:
            headers.setdefault("Strict-Transport-Security", config["HSTS"])
        if _is_private():
            headers["Cache-Control"] = "no-store"
            headers.pop("Expires", None)
        return response
