"""What the printable sheets and posters read (app/sheets/)."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Event, Proposal, ProposalStatus, Theme
from app.queries.proposals import EventFilter, proposal_filters

# Still open to testimonies: neither done nor abandoned.
CLOSED = (ProposalStatus.DONE, ProposalStatus.ABANDONED)


def open_proposal_count(theme: Theme | None = None, event: Event | None = None) -> int:
    """How many proposals of a workshop or an event are still open, among those the list the
    poster's QR code opens shows (examples included, as that list marks them): one query."""
    clauses = proposal_filters(theme, None, EventFilter(event=event))
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Proposal)
        .where(*clauses, Proposal.status.not_in(CLOSED))
    )
