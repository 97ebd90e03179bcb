"""Events of the network (assises, thematic days, working-group cycles) as their pages, the
admin and the API list and show them; the proposals and meetings that come from one; the
positions institutions stated there, as the network reported them."""

from itertools import groupby

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, load_only

from app.extensions import db
from app.models import Event, Meeting, Proposal, Theme
from app.queries.proposals import EventFilter, held_in, proposal_list_query

# The years an event may be dated in, and a list filtered by: a wider year is a typing error.
FIRST_YEAR, LAST_YEAR = 1990, 2100


def events_query(year: int | None = None):
    """Events newest first, by the year they were held in (a select to paginate)."""
    query = sa.select(Event).order_by(Event.held_on.desc(), Event.id.desc())
    if year is not None:
        query = query.where(held_in(year))
    return query


def event_by_slug(slug: str) -> Event | None:
    return db.session.scalar(sa.select(Event).where(Event.slug == slug))


def slug_taken(slug: str, exclude_id: int | None = None) -> bool:
    return _taken(Event.slug == slug, exclude_id)


def name_taken(name: str, exclude_id: int | None = None) -> bool:
    """Whether another event has this name, whatever the case."""
    return _taken(sa.func.lower(Event.name) == name.lower(), exclude_id)


def _taken(condition, exclude_id: int | None) -> bool:
    query = sa.select(Event.id).where(condition)
    if exclude_id is not None:
        query = query.where(Event.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def proposal_counts(event_ids: list[int]) -> dict[int, int]:
    """How many proposals come from each of these events (one query)."""
    counts = dict.fromkeys(event_ids, 0)
    if event_ids:
        rows = db.session.execute(
            sa.select(Proposal.event_id, sa.func.count())
            .where(Proposal.event_id.in_(event_ids))
            .group_by(Proposal.event_id)
        )
        counts.update(dict(rows.all()))
    return counts


def proposals_by_theme(event: Event, limit: int) -> list[tuple[Theme, list[Proposal]]]:
    """The event's first ``limit`` proposals, grouped by workshop in display order (one query)."""
    rows = db.session.scalars(
        sa.select(Proposal)
        .join(Theme, Proposal.theme_id == Theme.id)
        .where(Proposal.event_id == event.id)
        .options(joinedload(Proposal.theme))
        .order_by(Theme.position, Theme.name, Proposal.title, Proposal.id)
        .limit(limit)
    )
    return [(theme, list(items)) for theme, items in groupby(rows, key=lambda p: p.theme)]


def event_meetings(event: Event, limit: int) -> list[Meeting]:
    """The meetings that followed up the event, in date order (one query)."""
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.event_id == event.id)
            .options(joinedload(Meeting.theme))
            .order_by(Meeting.starts_at, Meeting.id)
            .limit(limit)
        )
    )


def proposals_query(theme, status, events: EventFilter):
    """The proposal list of ``queries.proposals`` (newest first, by workshop, status, event
    and year), with each proposal's event loaded in the same round trip."""
    return proposal_list_query(theme, status, events).options(joinedload(Proposal.event))


def filter_choices() -> tuple[list[Event], list[int]]:
    """The events, newest first, and the years that have one, latest first (one query)."""
    events = list(
        db.session.scalars(
            sa.select(Event)
            .options(load_only(Event.slug, Event.name, Event.held_on, Event.example))
            .order_by(Event.held_on.desc(), Event.id.desc())
        )
    )
    return events, sorted({event.year for event in events}, reverse=True)
