"""Keeping the search index in step with the data, inside the writer's own transaction.

After every flush, the objects it wrote (proposals, contributions and the moderation
decisions that change them, official responses and their commitments, organisations,
meetings) have their document rebuilt from what the database now holds: upserted when the
object is public, deleted when it is not (any more). Reading back from the database, not
from the objects in memory, also catches state changes made by a bulk UPDATE earlier in the
transaction (moderation's compare-and-set). `reindex()` rebuilds everything.
"""

from collections.abc import Iterable
from datetime import datetime
from itertools import chain

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import (
    Commitment,
    Contribution,
    ContributionKind,
    DocumentKind,
    Meeting,
    ModerationDecision,
    OfficialResponse,
    Organisation,
    Proposal,
    ResponseVersion,
    SearchDocument,
    content_version,
)
from app.queries.contributions import has_public_text
from app.search.backends import FTS, backend_for

DOCUMENTS = SearchDocument.__table__
CONTRIBUTION_KINDS = (DocumentKind.TESTIMONY, DocumentKind.COMMENT)


def _text(*parts: str | None) -> str:
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def _document(object_id, proposal_id, title, body, updated_at: datetime, lang="fr") -> dict:
    return {
        "object_id": object_id,
        "proposal_id": proposal_id,
        "title": (title or "")[:300],
        "body": body,
        "lang": lang or "fr",
        "updated_at": updated_at,
    }


def _where_ids(column, ids: set[int] | None):
    return sa.true() if ids is None else column.in_(ids)


def proposal_documents(connection, ids):
    """Every proposal is public (there are no drafts): title, text, easy-read summary."""
    p = Proposal
    rows = connection.execute(
        sa.select(p.id, p.title, p.body, p.easy_read, p.updated_at).where(_where_ids(p.id, ids))
    )
    return {
        DocumentKind.PROPOSAL: [
            _document(r.id, r.id, r.title, _text(r.body, r.easy_read), r.updated_at) for r in rows
        ]
    }


def contribution_documents(connection, ids):
    """Published, not withdrawn, under a published comment if a reply; the text only,
    never who wrote it (anonymous, guest or assisted alike)."""
    c, parent = Contribution, aliased(Contribution)
    rows = connection.execute(
        sa.select(c.id, c.kind, c.proposal_id, c.body, c.lang, c.created_at, c.edited_at)
        .outerjoin(parent, c.parent_id == parent.id)
        .where(_where_ids(c.id, ids), has_public_text(parent))
    )
    documents = {kind: [] for kind in CONTRIBUTION_KINDS}
    for r in rows:
        kind = (
            DocumentKind.TESTIMONY if r.kind == ContributionKind.TESTIMONY else DocumentKind.COMMENT
        )
        documents[kind].append(
            _document(r.id, r.proposal_id, "", r.body, r.edited_at or r.created_at, r.lang)
        )
    return documents


def response_documents(connection, ids):
    """The current version of each official response, its institution and commitments."""
    r, org = OfficialResponse, Organisation
    rows = list(
        connection.execute(
            sa.select(r.id, r.proposal_id, r.body, r.competent_body, r.updated_at, org.name)
            .join(org, r.institution_id == org.id)
            .where(_where_ids(r.id, ids))
        )
    )
    actions: dict[int, list[str]] = {}
    commitments = connection.execute(
        sa.select(Commitment.response_id, Commitment.action)
        .where(_where_ids(Commitment.response_id, ids))
        .order_by(Commitment.due_on, Commitment.id)
    )
    for response_id, action in commitments:
        actions.setdefault(response_id, []).append(action)
    return {
        DocumentKind.RESPONSE: [
            _document(
                row.id,
                row.proposal_id,
                row.name,
                _text(row.body, row.competent_body, *actions.get(row.id, [])),
                row.updated_at,
            )
            for row in rows
        ]
    }


def organisation_documents(connection, ids):
    """Every organisation is in the directory: its name and what its page says it does."""
    o = Organisation
    rows = connection.execute(
        sa.select(o.id, o.name, o.short_name, o.description, o.address, o.created_at).where(
            _where_ids(o.id, ids)
        )
    )
    documents = []
    for r in rows:
        body = _text(r.short_name, r.description, r.address)
        documents.append(_document(r.id, None, r.name, body, r.created_at))
    return {DocumentKind.ORGANISATION: documents}


def meeting_documents(connection, ids):
    """Public meetings only (cancelled ones stay, labelled as such on the results)."""
    m = Meeting
    rows = connection.execute(
        sa.select(
            m.id, m.title, m.description, m.agenda, m.place_name, m.address, m.updated_at
        ).where(_where_ids(m.id, ids), m.is_public.is_not(False))
    )
    return {
        DocumentKind.MEETING: [
            _document(
                r.id,
                None,
                r.title,
                _text(r.description, r.agenda, r.place_name, r.address),
                r.updated_at,
            )
            for r in rows
        ]
    }


# What each group of objects builds, and the document kinds it owns.
BUILDERS = {
    "proposal": (proposal_documents, (DocumentKind.PROPOSAL,)),
    "contribution": (contribution_documents, CONTRIBUTION_KINDS),
    "response": (response_documents, (DocumentKind.RESPONSE,)),
    "organisation": (organisation_documents, (DocumentKind.ORGANISATION,)),
    "meeting": (meeting_documents, (DocumentKind.MEETING,)),
}


def refresh(connection, group: str, ids: set[int]) -> None:
    """Rebuild the documents of these objects: upsert the public ones, drop the others."""
    if not ids:
        return
    build, kinds = BUILDERS[group]
    documents = build(connection, ids)
    existing = {
        (kind, object_id): doc_id
        for doc_id, kind, object_id in connection.execute(
            sa.select(DOCUMENTS.c.id, DOCUMENTS.c.kind, DOCUMENTS.c.object_id).where(
                DOCUMENTS.c.kind.in_(kinds), DOCUMENTS.c.object_id.in_(ids)
            )
        )
    }
    backend = backend_for(connection.dialect.name)
    for kind, rows in documents.items():
        for row in rows:
            doc_id = existing.pop((kind, row["object_id"]), None)
            if doc_id is None:
                doc_id = connection.execute(
                    sa.insert(DOCUMENTS).values(kind=kind, **row).returning(DOCUMENTS.c.id)
                ).scalar_one()
            else:
                connection.execute(
                    sa.update(DOCUMENTS).where(DOCUMENTS.c.id == doc_id).values(**row)
                )
            backend.write(connection, doc_id, row["title"], row["body"])
    if existing:  # no longer public: the document goes (and, by trigger, its index entry)
        connection.execute(sa.delete(DOCUMENTS).where(DOCUMENTS.c.id.in_(existing.values())))


def _replies_of(connection, ids: set[int]) -> set[int]:
    """Replies follow their comment: hidden with it, back with it."""
    if not ids:
        return set()
    return set(
        connection.scalars(sa.select(Contribution.id).where(Contribution.parent_id.in_(ids)))
    )


def _responses_of(connection, institution_ids: set[int]) -> set[int]:
    """A response's document carries its institution's name."""
    if not institution_ids:
        return set()
    return set(
        connection.scalars(
            sa.select(OfficialResponse.id).where(
                OfficialResponse.institution_id.in_(institution_ids)
            )
        )
    )


def _changed(objects: Iterable) -> dict[str, set[int]]:
    groups: dict[str, set[int]] = {group: set() for group in BUILDERS}
    for obj in objects:
        if isinstance(obj, Proposal):
            groups["proposal"].add(obj.id)
        elif isinstance(obj, Contribution):
            groups["contribution"].add(obj.id)
        elif isinstance(obj, ModerationDecision):
            groups["contribution"].add(obj.contribution_id)
        elif isinstance(obj, OfficialResponse):
            groups["response"].add(obj.id)
        elif isinstance(obj, Commitment | ResponseVersion):
            groups["response"].add(obj.response_id)
        elif isinstance(obj, Organisation):
            groups["organisation"].add(obj.id)
        elif isinstance(obj, Meeting):
            groups["meeting"].add(obj.id)
    return {group: {i for i in ids if i is not None} for group, ids in groups.items()}


def _after_flush(session, _flush_context) -> None:
    """Bring the documents of what this flush wrote up to date, in its transaction."""
    objects = list(chain(session.new, session.dirty, session.deleted))
    if not objects:
        return
    groups = _changed(objects)
    if not any(groups.values()):
        return
    connection = session.connection()
    deleted_proposals = {obj.id for obj in session.deleted if isinstance(obj, Proposal)}
    if deleted_proposals:  # their contributions and responses went by cascade
        connection.execute(
            sa.delete(DOCUMENTS).where(DOCUMENTS.c.proposal_id.in_(deleted_proposals))
        )
    groups["contribution"] |= _replies_of(connection, groups["contribution"])
    groups["response"] |= _responses_of(connection, groups["organisation"])
    for group, ids in groups.items():
        refresh(connection, group, ids)


def reindex() -> dict[str, int]:
    """Rebuild the whole index from the data; returns the number of documents by kind."""
    connection = db.session.connection()
    content_version.mark_changed(db.session)  # search pages are cached; this bypasses the ORM
    connection.execute(sa.delete(DOCUMENTS))
    if connection.dialect.name != "postgresql":
        connection.execute(sa.delete(FTS))  # the trigger did it; leftovers of a crash too
    for group, (_build, _kinds) in BUILDERS.items():
        ids = set(connection.scalars(_all_ids(group)))
        for chunk in _chunks(sorted(ids), 500):
            refresh(connection, group, set(chunk))
    counts = dict(
        connection.execute(
            sa.select(DOCUMENTS.c.kind, sa.func.count()).group_by(DOCUMENTS.c.kind)
        ).all()
    )
    db.session.commit()
    return {kind.value: counts.get(kind.value, 0) for kind in DocumentKind}


def _all_ids(group: str):
    model = {
        "proposal": Proposal,
        "contribution": Contribution,
        "response": OfficialResponse,
        "organisation": Organisation,
        "meeting": Meeting,
    }[group]
    return sa.select(model.id)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def init_app(app: Flask) -> None:
    """Listen to the flushes of the app's session (once, whatever the number of apps)."""
    if not event.contains(db.session, "after_flush", _after_flush):
        event.listen(db.session, "after_flush", _after_flush)
