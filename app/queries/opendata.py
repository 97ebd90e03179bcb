"""The open data exports (/donnees): every public dataset, read by keyset batches.

Each dataset is one select of plain columns (the names of linked objects joined in the same
query), read ``BATCH_SIZE`` rows at a time by id (``WHERE id > last ORDER BY id LIMIT n``):
an export of any size holds one batch in memory, and runs one query per batch (two for
organisations: their workshops). Only what the public pages show: no account id or e-mail,
no guest contact, no contribution, no organisation's premises networks.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import (
    Commitment,
    Event,
    Meeting,
    OfficialResponse,
    Organisation,
    Proposal,
    StatedPosition,
    Theme,
    organisation_theme,
)

# Rows read per query; a module constant so that tests can make batches small.
BATCH_SIZE = 500


@dataclass(frozen=True)
class Dataset:
    """One export: its select (without order or limit), the id it is read by, and what a
    batch of rows gets afterwards (a list column read in one more query)."""

    name: str
    statement: Callable[[], sa.Select]
    key: Callable[[], sa.ColumnElement]
    extra_columns: tuple[str, ...] = ()
    complete: Callable[[list[dict]], None] | None = None

    @property
    def columns(self) -> list[str]:
        return [*self.statement().selected_columns.keys(), *self.extra_columns]


def _proposals() -> sa.Select:
    return (
        sa.select(
            Proposal.id,
            Proposal.title,
            Proposal.body.label("text"),
            Proposal.easy_read,
            Theme.slug.label("workshop"),
            Theme.name.label("workshop_name"),
            Proposal.status,
            Organisation.name.label("organisation"),
            Event.slug.label("event"),
            Proposal.origin,
            Proposal.example,
            Proposal.created_at,
            Proposal.updated_at,
        )
        .join(Theme, Proposal.theme_id == Theme.id)
        .outerjoin(Organisation, Proposal.organisation_id == Organisation.id)
        .outerjoin(Event, Proposal.event_id == Event.id)
    )


def _stated_positions() -> sa.Select:
    reporter = aliased(Organisation)
    return (
        sa.select(
            StatedPosition.id,
            StatedPosition.proposal_id,
            Proposal.title.label("proposal_title"),
            StatedPosition.institution_id,
            Organisation.name.label("institution"),
            StatedPosition.words,
            StatedPosition.source,
            StatedPosition.stated_on,
            reporter.name.label("reported_by"),
            Proposal.example,
            StatedPosition.created_at,
        )
        .join(Proposal, StatedPosition.proposal_id == Proposal.id)
        .join(Organisation, StatedPosition.institution_id == Organisation.id)
        .outerjoin(reporter, StatedPosition.reported_by_id == reporter.id)
    )


def _responses() -> sa.Select:
    return (
        sa.select(
            OfficialResponse.id,
            OfficialResponse.proposal_id,
            Proposal.title.label("proposal_title"),
            OfficialResponse.institution_id,
            Organisation.name.label("institution"),
            OfficialResponse.position,
            OfficialResponse.competent_body,
            OfficialResponse.body.label("text"),
            OfficialResponse.received_via,
            OfficialResponse.received_at,
            Proposal.example,
            OfficialResponse.created_at,
            OfficialResponse.updated_at,
        )
        .join(Proposal, OfficialResponse.proposal_id == Proposal.id)
        .join(Organisation, OfficialResponse.institution_id == Organisation.id)
    )


def _commitments() -> sa.Select:
    return (
        sa.select(
            Commitment.id,
            Commitment.response_id,
            OfficialResponse.proposal_id,
            OfficialResponse.institution_id,
            Organisation.name.label("institution"),
            Commitment.action,
            Commitment.due_on,
            Commitment.state,
            Commitment.drop_reason,
            Proposal.example,
            Commitment.created_at,
            Commitment.updated_at,
        )
        .join(OfficialResponse, Commitment.response_id == OfficialResponse.id)
        .join(Proposal, OfficialResponse.proposal_id == Proposal.id)
        .join(Organisation, OfficialResponse.institution_id == Organisation.id)
    )


def _events() -> sa.Select:
    return sa.select(
        Event.id,
        Event.slug,
        Event.name,
        Event.kind,
        Event.held_on,
        Event.place,
        Event.organisations_count,
        Event.summary,
        Event.advances,
        Event.obstacles,
        Event.next_steps,
        Event.source,
        Event.example,
        Event.created_at,
        Event.updated_at,
    )


def _meetings() -> sa.Select:
    return (
        sa.select(
            Meeting.id,
            Meeting.kind,
            Meeting.title,
            Theme.slug.label("workshop"),
            Event.slug.label("event"),
            Organisation.name.label("host"),
            Meeting.starts_at,
            Meeting.ends_at,
            Meeting.place_name,
            Meeting.address,
            Meeting.agenda,
            Meeting.description,
            Meeting.is_public,
            Meeting.capacity,
            Meeting.cancelled_at.is_not(None).label("cancelled"),
            Meeting.cancelled_at,
            Meeting.cancel_reason,
            Meeting.example,
            Meeting.updated_at,
        )
        .outerjoin(Theme, Meeting.theme_id == Theme.id)
        .outerjoin(Event, Meeting.event_id == Event.id)
        .outerjoin(Organisation, Meeting.host_id == Organisation.id)
    )


def _organisations() -> sa.Select:
    """The fields the directory's page shows (never premises_networks)."""
    return sa.select(
        Organisation.id,
        Organisation.slug,
        Organisation.name,
        Organisation.short_name,
        Organisation.kind,
        Organisation.verified,
        Organisation.description,
        Organisation.address,
        Organisation.opening_hours,
        Organisation.contact_email,
        Organisation.contact_phone,
        Organisation.website,
        Organisation.example,
    )


def _add_workshops(rows: list[dict]) -> None:
    """Each organisation's workshops (slugs in display order), for a batch in one query."""
    if not rows:
        return
    found = db.session.execute(
        sa.select(organisation_theme.c.organisation_id, Theme.slug)
        .join(Theme, organisation_theme.c.theme_id == Theme.id)
        .where(organisation_theme.c.organisation_id.in_([row["id"] for row in rows]))
        .order_by(Theme.position, Theme.name)
    )
    workshops: dict[int, list[str]] = {row["id"]: [] for row in rows}
    for organisation_id, slug in found:
        workshops[organisation_id].append(slug)
    for row in rows:
        row["workshops"] = workshops[row["id"]]


DATASETS: dict[str, Dataset] = {
    dataset.name: dataset
    for dataset in (
        Dataset("propositions", _proposals, lambda: Proposal.id),
        Dataset("positions-rapportees", _stated_positions, lambda: StatedPosition.id),
        Dataset("reponses", _responses, lambda: OfficialResponse.id),
        Dataset("engagements", _commitments, lambda: Commitment.id),
        Dataset("evenements", _events, lambda: Event.id),
        Dataset("reunions", _meetings, lambda: Meeting.id),
        Dataset(
            "organisations",
            _organisations,
            lambda: Organisation.id,
            extra_columns=("workshops",),
            complete=_add_workshops,
        ),
    )
}


def dataset(name: str) -> Dataset | None:
    """The dataset of that name (as in its address), or None."""
    return DATASETS.get(name)


def rows(dataset: Dataset) -> Iterator[dict]:
    """Every row of the dataset by increasing id, read a batch at a time (one query per
    batch, plus one for a list column): meant to be consumed while the response streams."""
    last = 0
    key = dataset.key()
    while True:
        size = BATCH_SIZE
        statement = dataset.statement().where(key > last).order_by(key).limit(size)
        batch = [dict(row._mapping) for row in db.session.execute(statement)]
        if dataset.complete is not None:
            dataset.complete(batch)
        yield from batch
        if len(batch) < size:
            return
        last = batch[-1]["id"]
