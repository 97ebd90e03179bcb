"""Paper at the day centre: an association's places, the proposals a sitting may type
sheets for, the photo of a sheet (read in pieces)."""

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import load_only

from app.extensions import db
from app.models import Organisation, PaperSheetPhoto, Place, Proposal
from app.queries import stored_files
from app.queries.proposals import newest_or_kept


def places_of(organisation: Organisation) -> list[Place]:
    """Every place of the association, those in use first, each by name."""
    return list(
        db.session.scalars(
            sa.select(Place)
            .where(Place.organisation_id == organisation.id)
            .order_by(Place.archived_at.is_not(None), Place.name, Place.id)
        )
    )


def open_places_of(organisations: list[Organisation]) -> list[Place]:
    """The places still offered of these associations, by association then name."""
    ids = [organisation.id for organisation in organisations]
    return list(
        db.session.scalars(
            sa.select(Place)
            .join(Place.organisation)
            .where(Place.organisation_id.in_(ids), Place.archived_at.is_(None))
            .order_by(Organisation.name, Place.name, Place.id)
        )
    )


def place_of(organisation: Organisation, place_id: int) -> Place | None:
    return db.session.scalar(
        sa.select(Place).where(Place.id == place_id, Place.organisation_id == organisation.id)
    )


def proposals_to_choose(kept: list[int]) -> list[Proposal]:
    """The proposals a sitting may type sheets for, newest first: the latest, and those of
    ``kept`` (the page's, the one chosen) wherever they are (one query; only what the list
    shows)."""
    return list(
        db.session.scalars(
            sa.select(Proposal)
            .options(load_only(Proposal.title, Proposal.example))
            .where(newest_or_kept(kept))
            .order_by(Proposal.id.desc())
        )
    )


def sheet_photo_of(contribution_id: int) -> PaperSheetPhoto | None:
    """A testimony's sheet photo, its type and size (the bytes are read by ``photo_pieces``)."""
    return db.session.scalar(
        sa.select(PaperSheetPhoto).where(PaperSheetPhoto.contribution_id == contribution_id)
    )


def photo_pieces(photo: PaperSheetPhoto) -> Iterator[bytes]:
    """The photo's bytes, a piece at a time."""
    return stored_files.pieces(
        PaperSheetPhoto.content, PaperSheetPhoto.id == photo.id, stop=photo.size
    )
