"""Objects named in a URL, loaded or refused with a 404 — one way for every page and the API."""

import sqlalchemy as sa
from flask import abort, request

from app import queries
from app.extensions import db
from app.models import Event, Theme
from app.queries.network_events import FIRST_YEAR, LAST_YEAR


def theme_or_404(slug: str) -> Theme:
    """The workshop with this slug; an unknown slug is a 404."""
    return db.first_or_404(sa.select(Theme).filter_by(slug=slug))


def theme_filter(arg: str) -> Theme | None:
    """The workshop a listing is filtered by, named by the query argument ``arg``: None when
    the argument is absent or empty, a 404 when it names no workshop."""
    slug = request.args.get(arg) or None
    return theme_or_404(slug) if slug else None


def event_or_404(slug: str) -> Event:
    """The network event with this slug; an unknown slug is a 404."""
    return queries.network_events.event_by_slug(slug) or abort(404)


def event_filter(arg: str) -> Event | None:
    """The event a listing is filtered by, named by the query argument ``arg``: None when
    absent or empty, a 404 when it names no event."""
    slug = request.args.get(arg) or None
    return event_or_404(slug) if slug else None


def year_filter(arg: str) -> int | None:
    """The year a listing of events (or of their proposals) is filtered by: None when the
    argument is absent or empty, a 400 when it is not a year events may be held in."""
    value = request.args.get(arg) or None
    if value is None:
        return None
    # Four ASCII digits: "２０１５" and a thousand-digit number are no years (int() takes both).
    if not (len(value) == 4 and value.isascii() and value.isdigit()):
        abort(400)
    if not FIRST_YEAR <= int(value) <= LAST_YEAR:
        abort(400)
    return int(value)
