"""What importing an event's proposals reads: the event, and what a spreadsheet's rows are
checked against (workshops, organisations, the titles the event already has)."""

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.models import Event, Organisation, Proposal, Theme


@dataclass(frozen=True)
class Catalogue:
    """Everything a row may name, loaded once for the whole file (three queries)."""

    themes: list[Theme]
    organisations: list[Organisation]
    existing_titles: list[str]


def catalogue(event: Event) -> Catalogue:
    """The workshops, every organisation and the titles of the event's proposals."""
    themes = db.session.scalars(sa.select(Theme).order_by(Theme.position, Theme.name))
    organisations = db.session.scalars(sa.select(Organisation).order_by(Organisation.name))
    titles = db.session.scalars(sa.select(Proposal.title).where(Proposal.event_id == event.id))
    return Catalogue(list(themes), list(organisations), list(titles))
