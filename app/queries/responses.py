"""Official responses of institutions and their history."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import OfficialResponse, Organisation, Proposal, ResponseVersion


def responses_for(proposal: Proposal) -> dict[int, OfficialResponse]:
    """The official responses to a proposal by institution id, with their commitments."""
    rows = db.session.scalars(
        sa.select(OfficialResponse)
        .where(OfficialResponse.proposal_id == proposal.id)
        .options(
            selectinload(OfficialResponse.commitments), joinedload(OfficialResponse.institution)
        )
    )
    return {response.institution_id: response for response in rows}


def response_versions(response: OfficialResponse) -> list[ResponseVersion]:
    """Every earlier text of a response, newest first, with who wrote it."""
    return list(
        db.session.scalars(
            sa.select(ResponseVersion)
            .where(ResponseVersion.response_id == response.id)
            .options(joinedload(ResponseVersion.author))
            .order_by(ResponseVersion.written_at.desc(), ResponseVersion.id.desc())
        )
    )


def current_response(proposal: Proposal, institution: Organisation) -> OfficialResponse | None:
    """The institution's response to the proposal, if it answered."""
    return db.session.scalar(
        sa.select(OfficialResponse).where(
            OfficialResponse.proposal_id == proposal.id,
            OfficialResponse.institution_id == institution.id,
        )
    )
