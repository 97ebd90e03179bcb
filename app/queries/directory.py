"""The directory: searching organisations, what their page shows, who co-signed what.

Each returns a select to paginate or a list built in a fixed number of queries whatever the
data size.
"""

import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.extensions import db
from app.models import (
    AddressedInstitution,
    Cosignature,
    OfficialResponse,
    Organisation,
    OrganisationKind,
    Proposal,
    ProposalStatus,
    StatedPosition,
    Theme,
)
from app.queries.responses import how_received


def organisations_of_kind(*kinds: OrganisationKind) -> list[Organisation]:
    """The organisations of these kinds, by name."""
    return list(
        db.session.scalars(
            sa.select(Organisation).where(Organisation.kind.in_(kinds)).order_by(Organisation.name)
        )
    )


def institutions() -> list[Organisation]:
    """The institutions, by name (to address a proposal to)."""
    return organisations_of_kind(OrganisationKind.INSTITUTION)


def associations() -> list[Organisation]:
    """Associations and service providers, by name."""
    return organisations_of_kind(OrganisationKind.ASSOCIATION, OrganisationKind.SERVICE_PROVIDER)


def fold(text: str | None) -> str:
    """Text as a search compares it: case, accents, ligatures and repeated spaces ignored."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("œ", "oe").replace("æ", "ae").replace("’", "'")
    return " ".join(plain.split())


def _named(text: str) -> list[int]:
    """Ids of the organisations whose name or acronym contains the text (one query).

    Folded in Python: SQLite's lower() only knows ASCII and neither database folds accents
    portably. Names are short and a city's network has hundreds of organisations, not millions.
    """
    term = fold(text)
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name, Organisation.short_name)
    )
    return [ident for ident, name, short in rows if term in fold(name) or term in fold(short)]


def search_query(text: str = "", theme: Theme | None = None, kind: OrganisationKind | None = None):
    """Organisations by name, their workshops loaded (a select to paginate)."""
    query = sa.select(Organisation).options(selectinload(Organisation.themes))
    if fold(text):
        query = query.where(Organisation.id.in_(_named(text)))
    if theme is not None:
        query = query.where(Organisation.themes.any(Theme.id == theme.id))
    if kind is not None:
        query = query.where(Organisation.kind == kind)
    return query.order_by(Organisation.name, Organisation.id)


def organisation_page(slug: str) -> Organisation | None:
    """An organisation with its workshops."""
    return db.session.scalar(
        sa.select(Organisation).filter_by(slug=slug).options(selectinload(Organisation.themes))
    )


@dataclass
class Slice:
    """One page of a list, read without counting: one query, whatever the total."""

    items: list
    page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def slice_of(query, page: int, per_page: int) -> Slice:
    """One page of ``query``, and whether another follows (one query)."""
    rows = list(
        db.session.scalars(query.limit(per_page + 1).offset((page - 1) * per_page)).unique()
    )
    return Slice(items=rows[:per_page], page=page, has_next=len(rows) > per_page)


def _proposal_cards():
    return (joinedload(Proposal.theme), joinedload(Proposal.organisation))


def proposals_of(organisation: Organisation):
    """The proposals it filed, newest first."""
    return (
        sa.select(Proposal)
        .where(Proposal.organisation_id == organisation.id)
        .options(*_proposal_cards())
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
    )


def cosigned_by(organisation: Organisation):
    """The proposals it co-signed, latest signature first."""
    return (
        sa.select(Proposal)
        .join(Cosignature, Cosignature.proposal_id == Proposal.id)
        .where(Cosignature.organisation_id == organisation.id)
        .options(*_proposal_cards())
        .order_by(Cosignature.created_at.desc(), Cosignature.id.desc())
    )


def responses_of(institution: Organisation):
    """Its official responses with their commitments, latest first."""
    return (
        sa.select(OfficialResponse)
        .where(OfficialResponse.institution_id == institution.id)
        .options(
            joinedload(OfficialResponse.proposal).joinedload(Proposal.theme),
            selectinload(OfficialResponse.commitments),
            *how_received(),
        )
        .order_by(OfficialResponse.updated_at.desc(), OfficialResponse.id.desc())
    )


def stated_by(institution: Organisation):
    """The positions it stated elsewhere, as the network reports them, with their proposals:
    the latest said first, those of unknown date last."""
    return (
        sa.select(StatedPosition)
        .where(StatedPosition.institution_id == institution.id)
        .options(joinedload(StatedPosition.proposal))
        .order_by(
            StatedPosition.stated_on.is_(None),
            StatedPosition.stated_on.desc(),
            StatedPosition.id.desc(),
        )
    )


def awaiting_answer(institution: Organisation):
    """Proposals sent to it, not answered, not abandoned: the soonest due first."""
    answered = sa.and_(
        OfficialResponse.proposal_id == AddressedInstitution.proposal_id,
        OfficialResponse.institution_id == AddressedInstitution.institution_id,
    )
    return (
        sa.select(AddressedInstitution)
        .join(AddressedInstitution.proposal)
        .outerjoin(OfficialResponse, answered)
        .where(
            AddressedInstitution.institution_id == institution.id,
            AddressedInstitution.sent_at.is_not(None),
            OfficialResponse.id.is_(None),
            Proposal.status != ProposalStatus.ABANDONED,
        )
        .options(contains_eager(AddressedInstitution.proposal).joinedload(Proposal.theme))
        .order_by(
            AddressedInstitution.response_due_on.is_(None),
            AddressedInstitution.response_due_on,
            AddressedInstitution.id,
        )
    )


def cosignatures_for(proposal: Proposal) -> list[Cosignature]:
    """The co-signatures of a proposal with their organisations, oldest first (one query;
    none when the proposal was loaded knowing it has none, ``Proposal.has_cosignatures``)."""
    if proposal.has_cosignatures is False:
        return []
    return list(
        db.session.scalars(
            sa.select(Cosignature)
            .where(Cosignature.proposal_id == proposal.id)
            .options(joinedload(Cosignature.organisation))
            .order_by(Cosignature.created_at, Cosignature.id)
        )
    )
