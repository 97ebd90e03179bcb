""" "Ça me concerne": the tallies a proposal page shows, those an association manages, and
the places a tally may name. The total is a column (``Proposal.concerned_count``), read
with the proposal at no cost."""

from dataclasses import dataclass
from datetime import date
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import ConcernTally, Organisation, Place, Proposal


def tallies_of(proposal: Proposal, organisations: list[Organisation]):
    """The tallies some associations recorded for the proposal, with their association and
    place, the latest met first (a select to paginate)."""
    return (
        sa.select(ConcernTally)
        .where(
            ConcernTally.proposal_id == proposal.id,
            ConcernTally.organisation_id.in_([org.id for org in organisations]),
        )
        .options(joinedload(ConcernTally.organisation), joinedload(ConcernTally.place))
        .order_by(ConcernTally.met_on.desc(), ConcernTally.id.desc())
    )


# The associations a proposal page names, those that met the most people first.
ASSOCIATIONS_SHOWN = 10


@dataclass(frozen=True)
class MetBy:
    """The people one association met who are concerned, over all its tallies."""

    organisation: Organisation
    people: int
    tallies: int
    first: date
    last: date


@dataclass(frozen=True)
class Met:
    """What a proposal page says of the people associations met: the first few
    associations, how many there are, how many people in all."""

    shown: list[MetBy]
    associations: int
    people: int


def met_by_associations(proposal: Proposal) -> Met:
    """The people met by each association, the most first, ``ASSOCIATIONS_SHOWN`` of them
    at most, with the totals over all (one query; none when nobody is counted). Never the
    places: where a street team meets people can locate them."""
    if not proposal.concerned_count:
        return Met([], 0, 0)
    params = {"proposal_id": proposal.id, "shown": ASSOCIATIONS_SHOWN}
    rows = db.session.execute(_met_by_associations(), params).all()
    if not rows:
        return Met([], 0, 0)
    shown = [MetBy(org, int(n), count, first, last) for org, n, count, first, last, *_ in rows]
    return Met(shown, rows[0][-2], int(rows[0][-1]))


@cache
def _met_by_associations() -> sa.Select:
    """met_by_associations's statement, built once (docs/architecture.md); how many are
    shown is a parameter, read at each call."""
    people = sa.func.sum(ConcernTally.people)
    return (
        sa.select(
            Organisation,
            people,
            sa.func.count(ConcernTally.id),
            sa.func.min(ConcernTally.met_on),
            sa.func.max(ConcernTally.met_on),
            sa.func.count().over(),
            sa.func.sum(people).over(),
        )
        .join(Organisation, Organisation.id == ConcernTally.organisation_id)
        .where(ConcernTally.proposal_id == sa.bindparam("proposal_id"))
        .group_by(Organisation.id)
        .order_by(people.desc(), Organisation.name)
        .limit(sa.bindparam("shown", type_=sa.Integer))
    )


def split(proposal: Proposal, met: Met) -> dict:
    """The total as the page says it: marks on the site, people met by associations."""
    total = proposal.concerned_count
    return {"total": total, "marks": total - met.people, "met": met.people}


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
