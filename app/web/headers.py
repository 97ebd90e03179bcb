"""Response headers every page gets, and who may keep a copy of a page.

The policies themselves are in config.py (CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY,
HSTS); HSTS is sent by the production configuration only. A route may send its own value
of one of them (a recorded response's letter has its own policy, a receipt its own
referrer policy): the route's value is kept.
"""

from functools import lru_cache

from flask import Flask, current_app, request
from flask_login import current_user

from app.web import reader_hit, routes


@lru_cache(maxsize=8)
def security_headers(csp: str, permissions: str, hsts: str | None) -> tuple:
    """The security headers as (lower-case name, name, value), built once per configuration."""
    headers = [
        ("Content-Security-Policy", csp),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", permissions),
    ]
    if hsts:
        headers.append(("Strict-Transport-Security", hsts))
    return tuple((name.lower(), name, value) for name, value in headers)


def _is_private() -> bool:
    """No-store for a private route (app/web/routes.py), and for anything a logged-in person
    is shown."""
    if request.endpoint == "static":
        return False
    # A reader's page answered before their account was loaded: logged in, not loaded now.
    logged_in = reader_hit.served() or current_user.is_authenticated
    return routes.is_private(request.endpoint) or logged_in


def init_app(app: Flask) -> None:
    @app.after_request
    def _headers(response):
        config = current_app.config
        wanted = security_headers(
            config["CONTENT_SECURITY_POLICY"], config["PERMISSIONS_POLICY"], config["HSTS"]
        )
        headers = response.headers
        # One pass over the response's headers instead of a search per header.
        present = {name.lower() for name, _value in headers}
        headers.extend([(name, value) for low, name, value in wanted if low not in present])
        if _is_private():
            headers["Cache-Control"] = "no-store"
            headers.pop("Expires", None)
        return response
