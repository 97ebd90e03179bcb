"""Objects named in a URL, loaded or refused with a 404 — one way for every page and the API."""

import sqlalchemy as sa
from flask import request

from app.extensions import db
from app.models import Theme


def theme_or_404(slug: str) -> Theme:
    """The workshop with this slug; an unknown slug is a 404."""
    return db.first_or_404(sa.select(Theme).filter_by(slug=slug))


def theme_filter(arg: str) -> Theme | None:
    """The workshop a listing is filtered by, named by the query argument ``arg``: None when
    the argument is absent or empty, a 404 when it names no workshop."""
    slug = request.args.get(arg) or None
    return theme_or_404(slug) if slug else None
