"""The network's events (assises, thematic days) as the pages' filters offer them."""

import sqlalchemy as sa
from sqlalchemy.orm import load_only

from app.extensions import db
from app.models import Event


def filter_choices() -> tuple[list[Event], list[int]]:
    """The events, newest first, and the years that have one, latest first (one query)."""
    events = list(
        db.session.scalars(
            sa.select(Event)
            .options(load_only(Event.slug, Event.name, Event.held_on))
            .order_by(Event.held_on.desc(), Event.id.desc())
        )
    )
    return events, sorted({event.year for event in events}, reverse=True)
