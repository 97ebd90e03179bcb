"""Official responses of institutions and their history; the documents of recorded ones,
read in pieces."""

from collections.abc import Iterator
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    Commitment,
    OfficialResponse,
    Organisation,
    Proposal,
    ResponseAttachment,
    ResponseVersion,
)
from app.queries import stored_files


def how_received(load_versions=selectinload):
    """The options that load, with a response, who recorded it and its document's name,
    type and size (never its bytes): no query more per response. Where a document kept
    under a later answer came from: one query more per page (`selectinload`), or joined to
    the responses (`joinedload`) where they are few."""
    return (
        joinedload(OfficialResponse.recorded_by),
        joinedload(OfficialResponse.attachment),
        load_versions(OfficialResponse.recorded_versions),
    )


def responses_for(proposal: Proposal) -> dict[int, OfficialResponse]:
    """The official responses to a proposal by institution id, with their commitments:
    everything the page shows of them is loaded here, before the page renders, so their
    translations (text, easy-read summary, commitments) come with the page's others, in its
    one query for translations."""
    rows = db.session.scalars(_responses_for(), {"proposal_id": proposal.id}).unique()
    return {response.institution_id: response for response in rows}


@cache
def _responses_for() -> sa.Select:
    """responses_for's statement, built once (docs/architecture.md). A proposal has a few
    responses, each a few commitments and rarely an earlier recorded version: all joined in
    one statement, rather than one more per collection (a millisecond of the page on
    PostgreSQL, the ORM's work for each statement more than the database's)."""
    return (
        sa.select(OfficialResponse)
        .where(OfficialResponse.proposal_id == sa.bindparam("proposal_id"))
        .options(
            joinedload(OfficialResponse.commitments),
            joinedload(OfficialResponse.institution),
            *how_received(joinedload),
        )
    )


def response_versions(response: OfficialResponse) -> list[ResponseVersion]:
    """Every earlier text of a response, newest first, with who wrote it and how it came."""
    return list(
        db.session.scalars(
            sa.select(ResponseVersion)
            .where(ResponseVersion.response_id == response.id)
            .options(joinedload(ResponseVersion.author), joinedload(ResponseVersion.recorded_by))
            .order_by(ResponseVersion.written_at.desc(), ResponseVersion.id.desc())
        )
    )


def _about_its_proposal():
    """A response with its institution, and the proposal it answers with its workshop: what
    a page about the response reminds, loaded before it renders (their translations come
    with the page's others, in its one query for translations)."""
    return (
        joinedload(OfficialResponse.institution),
        joinedload(OfficialResponse.proposal).joinedload(Proposal.theme),
    )


def response_with_proposal(response_id: int) -> OfficialResponse | None:
    """A response, its institution, its proposal and the proposal's workshop."""
    return db.session.get(OfficialResponse, response_id, options=_about_its_proposal())


def commitment_with_proposal(commitment_id: int) -> Commitment | None:
    """A commitment with its response, as ``response_with_proposal`` loads it."""
    return db.session.get(
        Commitment,
        commitment_id,
        options=[joinedload(Commitment.response).options(*_about_its_proposal())],
    )


def current_response(proposal: Proposal, institution: Organisation) -> OfficialResponse | None:
    """The institution's response to the proposal, if it answered."""
    return db.session.scalar(
        sa.select(OfficialResponse).where(
            OfficialResponse.proposal_id == proposal.id,
            OfficialResponse.institution_id == institution.id,
        )
    )


def document_of(response_id: int) -> ResponseAttachment | None:
    """A response's document, its name, type and size (the bytes are read by
    ``document_pieces``)."""
    return db.session.scalar(
        sa.select(ResponseAttachment).where(ResponseAttachment.response_id == response_id)
    )


def document_pieces(attachment: ResponseAttachment) -> Iterator[bytes]:
    """The document's bytes, a piece at a time (a document replaced while it is read stops
    there rather than mixing two files)."""
    return stored_files.pieces(
        ResponseAttachment.content,
        ResponseAttachment.id == attachment.id,
        ResponseAttachment.created_at == attachment.created_at,
        stop=attachment.size,
    )
