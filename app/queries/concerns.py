""" "Ça me concerne": the tallies a proposal page shows, those an association manages, and
the places a tally may name. The total is a column (``Proposal.concerned_count``), read
with the proposal at no cost."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import ConcernTally, Organisation, Place, Proposal


def tallies_for(proposal: Proposal) -> list[ConcernTally]:
    """Every tally of the proposal with its association and place, the latest met first
    (one query; none when nobody is counted)."""
    if not proposal.concerned_count:
        return []
    return list(
        db.session.scalars(
            sa.select(ConcernTally)
            .where(ConcernTally.proposal_id == proposal.id)
            .options(joinedload(ConcernTally.organisation), joinedload(ConcernTally.place))
            .order_by(ConcernTally.met_on.desc(), ConcernTally.id.desc())
        )
    )


def split(proposal: Proposal, tallies: list[ConcernTally]) -> dict:
    """The total as the page says it: marks on the site, people met by associations."""
    met = sum(tally.people for tally in tallies)
    return {"total": proposal.concerned_count, "marks": proposal.concerned_count - met, "met": met}


def tally_with_proposal(tally_id: int) -> ConcernTally | None:
    """A tally with its proposal, association and place (one query)."""
    return db.session.scalar(
        sa.select(ConcernTally)
        .where(ConcernTally.id == tally_id)
        .options(
            joinedload(ConcernTally.proposal),
            joinedload(ConcernTally.organisation),
            joinedload(ConcernTally.place),
        )
    )


def open_places(organisations: list[Organisation]) -> list[Place]:
    """The places of these associations still offered in forms, by association and name."""
    ids = [org.id for org in organisations]
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Place)
            .where(Place.organisation_id.in_(ids), Place.archived_at.is_(None))
            .order_by(Place.organisation_id, Place.name)
        )
    )
