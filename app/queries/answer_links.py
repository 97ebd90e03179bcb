"""What the answer-link pages read: a link's due date, and the administration's list."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import AddressedInstitution, AnswerLink, OfficialResponse, Organisation


def due_on(link: AnswerLink) -> date | None:
    """The day the link's institution should answer the proposal by, if one is set."""
    return db.session.scalar(
        sa.select(AddressedInstitution.response_due_on).where(
            AddressedInstitution.proposal_id == link.proposal_id,
            AddressedInstitution.institution_id == link.institution_id,
        )
    )


def links_query(institution_id: int | None = None):
    """Every answer link, newest first, those of one institution if given (a select to
    paginate; proposal and institution loaded with each row)."""
    query = (
        sa.select(AnswerLink)
        .options(joinedload(AnswerLink.proposal), joinedload(AnswerLink.institution))
        .order_by(AnswerLink.created_at.desc(), AnswerLink.id.desc())
    )
    if institution_id is not None:
        query = query.where(AnswerLink.institution_id == institution_id)
    return query


def corrected_responses(links: list[AnswerLink]) -> dict[int, OfficialResponse]:
    """The responses these links were sent to correct (or posted), by id, in one query:
    whether each link still works depends on them."""
    ids = {link.response_id for link in links if link.response_id is not None}
    query = sa.select(OfficialResponse).where(OfficialResponse.id.in_(ids))
    return {response.id: response for response in db.session.scalars(query)}


def institutions_with_links() -> list[Organisation]:
    """The institutions that were ever sent a link, by name: the list's filter."""
    with_links = sa.select(AnswerLink.institution_id).distinct()
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(Organisation.id.in_(with_links))
            .order_by(Organisation.name)
        )
    )
