"""Absolute links to the site, for what leaves the page and is kept: e-mails, calendar files
and subscriptions, the API. Always under the configured public address (MAIL_SITE_URL),
never the request's Host (or X-Forwarded-Host), which anyone can forge to point a link at
their own site. Links inside a page stay relative (url_for)."""

from urllib.parse import urlsplit

from flask import current_app, g
from werkzeug.routing import MapAdapter


def site_url_adapter() -> MapAdapter:
    """URLs bound to the site's public address (MAIL_SITE_URL), whatever the request says."""
    site = current_app.config.get("MAIL_SITE_URL")
    if not site:
        raise RuntimeError("MAIL_SITE_URL is not set: links cannot leave the site")
    kept = g.get("site_url_adapter")
    if kept is None or kept[0] != site:  # once per request (an API page links every row)
        parts = urlsplit(site)
        adapter = current_app.url_map.bind(
            parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
        )
        kept = g.site_url_adapter = (site, adapter)
    return kept[1]


def public_url(endpoint: str, **values) -> str:
    """An absolute link under the site's public address."""
    return site_url_adapter().build(endpoint, values, force_external=True)


def links_configured() -> bool:
    """Whether absolute links can be built (MAIL_SITE_URL is set)."""
    return bool(current_app.config.get("MAIL_SITE_URL"))
