"""Objects named in a URL, loaded or refused with a 404 — one way for every page and the API."""

import re

import sqlalchemy as sa
from flask import abort, request

from app.extensions import db
from app.models import Event, Theme
from app.queries.network_events import FIRST_YEAR, LAST_YEAR
from app.queries.proposals import EventFilter

_YEAR = re.compile(r"[0-9]{4}")  # ASCII digits: "２０１５" is no year, though int() takes it


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
    return db.first_or_404(sa.select(Event).filter_by(slug=slug))


def _year(value: str, refusal: int) -> int:
    """A year named in a URL: four digits between 1990 and 2100, or the ``refusal`` status."""
    if not _YEAR.fullmatch(value) or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        abort(refusal)
    return int(value)


def year_or_404(value: str) -> int:
    """A year in a path or a proposal filter: four digits between 1990 and 2100, or a 404."""
    return _year(value, 404)


def event_filter(event_arg: str = "evenement", year_arg: str = "annee") -> EventFilter:
    """The event and the year a listing of proposals is filtered by, from the query
    arguments: absent or empty, no filter; an unknown event or a year that is not one, a 404."""
    slug = request.args.get(event_arg) or None
    year = request.args.get(year_arg) or None
    return EventFilter(
        event=event_or_404(slug) if slug else None,
        year=year_or_404(year) if year else None,
    )


def year_filter(arg: str) -> int | None:
    """The year the API's lists are filtered by: None when the argument is absent or empty,
    a 400 (JSON) when it is not a year events may be held in. Pages answer 404
    (``event_filter``)."""
    value = request.args.get(arg) or None
    return None if value is None else _year(value, 400)
