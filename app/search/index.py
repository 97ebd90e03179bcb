"""Keeping the search index in step with the data, inside the writer's own transaction.

After every flush, the objects it wrote (proposals, contributions and the moderation
decisions that change them, official responses and their commitments, organisations,
meetings, and the translations of proposals, responses, commitments and meetings) have
their documents rebuilt from what the database now holds: upserted when the object is
public, deleted when it is not (any more). Reading back from the database, not from the
objects in memory, also catches state changes made by a bulk UPDATE earlier in the
transaction (moderation's compare-and-set). `reindex()` rebuilds everything.

An object has one document per language it can be read in, unique by (kind, object_id,
lang): its French original's, and one for each language it has translations in (a
proposal's title, text and easy-read summary; a response's text, easy-read summary and
commitments; a meeting's title, description and agenda), indexed with that language's
stemming. A translation is indexed whether current or outdated: pages show an outdated
translation (with a note) until it is updated, so a search finds what readers are shown.
An object that is not public has no document in any language.
"""

from array import array
from collections.abc import Iterable
from datetime import datetime
from itertools import chain

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import aliased

from app import policy
from app.extensions import db
from app.models import (
    AudioRecording,
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
    TranslatedKind,
    Translation,
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


def _translated(connection, kind: TranslatedKind, ids: set[int]) -> dict[int, dict]:
    """The translations of these objects into the site's languages: object id → language →
    field → text (so that an object has at most one document per site language)."""
    found: dict[int, dict[str, dict[str, str]]] = {}
    if not ids:
        return found
    t = Translation
    rows = connection.execute(
        sa.select(t.object_id, t.lang, t.field, t.text).where(
            t.kind == kind, t.object_id.in_(ids), t.lang.in_(policy.translation_languages())
        )
    )
    for object_id, lang, field, text in rows:
        found.setdefault(object_id, {}).setdefault(lang, {})[field] = text
    return found


def _shown(texts: dict[str, str], **originals: str) -> dict[str, str]:
    """The translated fields a page shows: those whose original is not empty (a page shows
    no translation of a text that is no longer there)."""
    return {field: texts.get(field) for field, original in originals.items() if original}


def proposal_documents(connection, ids):
    """Every proposal is public (there are no drafts): title, text, easy-read summary, in
    French and in each language they are translated into."""
    p = Proposal
    rows = list(
        connection.execute(
            sa.select(p.id, p.title, p.body, p.easy_read, p.updated_at).where(_where_ids(p.id, ids))
        )
    )
    documents = []
    translated = _translated(connection, TranslatedKind.PROPOSAL, {r.id for r in rows})
    for r in rows:
        documents.append(_document(r.id, r.id, r.title, _text(r.body, r.easy_read), r.updated_at))
        for lang, texts in translated.get(r.id, {}).items():
            shown = _shown(texts, title=r.title, body=r.body, easy_read=r.easy_read)
            body = _text(shown.get("body"), shown.get("easy_read"))
            documents.append(_document(r.id, r.id, shown.get("title"), body, r.updated_at, lang))
    return {DocumentKind.PROPOSAL: documents}


def _text_and_transcript(body, transcript):
    """What a testimony says: its text, then what its recording says (the transcript a
    moderator wrote), in one SQL expression."""
    return body + sa.case((sa.func.coalesce(transcript, "") != "", "\n" + transcript), else_="")


def contribution_documents(connection, ids):
    """Published, not withdrawn, under a published comment if a reply; the text and the
    transcript of its recording only, never who wrote it (anonymous, guest or assisted
    alike). Never translated: one document, in the language its author wrote in."""
    c, parent = Contribution, aliased(Contribution)
    rows = connection.execute(
        sa.select(
            c.id, c.kind, c.proposal_id, c.lang, c.created_at, c.edited_at,
            _text_and_transcript(c.body, AudioRecording.transcript).label("body"),
        )
        .outerjoin(parent, c.parent_id == parent.id)
        .outerjoin(AudioRecording, AudioRecording.contribution_id == c.id)
        .where(_where_ids(c.id, ids), has_public_text(parent))
    )  # fmt: skip
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
    """The current version of each official response, its institution and commitments; in
    each language its text, summary or commitments are translated into, the translated
    texts under the institution's name."""
    r, org = OfficialResponse, Organisation
    rows = list(
        connection.execute(
            sa.select(
                r.id, r.proposal_id, r.body, r.easy_read, r.competent_body, r.updated_at, org.name
            )
            .join(org, r.institution_id == org.id)
            .where(_where_ids(r.id, ids))
        )
    )
    found = {row.id for row in rows}
    commitments: dict[int, list[tuple[int, str]]] = {}
    for commitment_id, response_id, action in connection.execute(
        sa.select(Commitment.id, Commitment.response_id, Commitment.action)
        .where(Commitment.response_id.in_(found))
        .order_by(Commitment.due_on, Commitment.id)
    ):
        commitments.setdefault(response_id, []).append((commitment_id, action))
    translated = _translated(connection, TranslatedKind.RESPONSE, found)
    actions = _translated(
        connection,
        TranslatedKind.COMMITMENT,
        {commitment_id for listed in commitments.values() for commitment_id, _ in listed},
    )
    documents = []
    for row in rows:
        listed = commitments.get(row.id, [])
        body = _text(row.body, row.easy_read, row.competent_body, *(a for _, a in listed))
        documents.append(_document(row.id, row.proposal_id, row.name, body, row.updated_at))
        languages = set(translated.get(row.id, {}))
        languages.update(lang for cid, _ in listed for lang in actions.get(cid, {}))
        for lang in sorted(languages):
            texts = translated.get(row.id, {}).get(lang, {})
            shown = _shown(texts, body=row.body, easy_read=row.easy_read)
            in_lang = (actions.get(cid, {}).get(lang, {}).get("action") for cid, _ in listed)
            body = _text(shown.get("body"), shown.get("easy_read"), *in_lang)
            documents.append(
                _document(row.id, row.proposal_id, row.name, body, row.updated_at, lang)
            )
    return {DocumentKind.RESPONSE: documents}


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
    """Public meetings only (cancelled ones stay, labelled as such on the results); their
    title, description and agenda in each language they are translated into too."""
    m = Meeting
    rows = list(
        connection.execute(
            sa.select(
                m.id, m.title, m.description, m.agenda, m.place_name, m.address, m.updated_at
            ).where(_where_ids(m.id, ids), m.is_public.is_not(False))
        )
    )
    translated = _translated(connection, TranslatedKind.MEETING, {r.id for r in rows})
    documents = []
    for r in rows:
        body = _text(r.description, r.agenda, r.place_name, r.address)
        documents.append(_document(r.id, None, r.title, body, r.updated_at))
        for lang, texts in translated.get(r.id, {}).items():
            shown = _shown(texts, title=r.title, description=r.description, agenda=r.agenda)
            body = _text(shown.get("description"), shown.get("agenda"))
            documents.append(_document(r.id, None, shown.get("title"), body, r.updated_at, lang))
    return {DocumentKind.MEETING: documents}


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
    d = DOCUMENTS.c
    existing = {
        (kind, object_id, lang): doc_id
        for doc_id, kind, object_id, lang in connection.execute(
            sa.select(d.id, d.kind, d.object_id, d.lang).where(
                d.kind.in_(kinds), d.object_id.in_(ids)
            )
        )
    }
    backend = backend_for(connection.dialect.name)
    for kind, rows in documents.items():
        for row in rows:
            if not (row["title"] or row["body"]):
                continue  # a translation of nothing the index holds
            doc_id = existing.pop((kind, row["object_id"], row["lang"]), None)
            if doc_id is None:
                doc_id = connection.execute(
                    sa.insert(DOCUMENTS).values(kind=kind, **row).returning(DOCUMENTS.c.id)
                ).scalar_one()
            else:
                connection.execute(
                    sa.update(DOCUMENTS).where(DOCUMENTS.c.id == doc_id).values(**row)
                )
            backend.write(connection, doc_id, row["title"], row["body"], row["lang"])
    if existing:  # no longer public, or no longer translated: the document goes (and, by
        # trigger, its index entry)
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


# The group whose documents hold the translations of each kind (commitments: through their
# response, found by `_responses_of_commitments`).
TRANSLATED_GROUPS = {
    TranslatedKind.PROPOSAL: "proposal",
    TranslatedKind.RESPONSE: "response",
    TranslatedKind.MEETING: "meeting",
}


def _responses_of_commitments(connection, commitment_ids: set[int]) -> set[int]:
    """A translated commitment is part of its response's document in that language."""
    if not commitment_ids:
        return set()
    return set(
        connection.scalars(
            sa.select(Commitment.response_id).where(Commitment.id.in_(commitment_ids))
        )
    )


def _translated_commitments(objects: Iterable) -> set[int]:
    return {
        obj.object_id
        for obj in objects
        if isinstance(obj, Translation) and obj.kind == TranslatedKind.COMMITMENT
    }


def _changed(objects: Iterable) -> dict[str, set[int]]:
    groups: dict[str, set[int]] = {group: set() for group in BUILDERS}
    for obj in objects:
        if isinstance(obj, Translation):
            if obj.kind in TRANSLATED_GROUPS:
                groups[TRANSLATED_GROUPS[obj.kind]].add(obj.object_id)
            continue
        if isinstance(obj, Proposal):
            groups["proposal"].add(obj.id)
        elif isinstance(obj, Contribution):
            groups["contribution"].add(obj.id)
        elif isinstance(obj, ModerationDecision | AudioRecording):
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
    commitments = _translated_commitments(objects)
    if not any(groups.values()) and not commitments:
        return
    connection = session.connection()
    groups["response"] |= _responses_of_commitments(connection, commitments)
    deleted_proposals = {obj.id for obj in session.deleted if isinstance(obj, Proposal)}
    if deleted_proposals:  # their contributions and responses went by cascade
        connection.execute(
            sa.delete(DOCUMENTS).where(DOCUMENTS.c.proposal_id.in_(deleted_proposals))
        )
    groups["contribution"] |= _replies_of(connection, groups["contribution"])
    groups["response"] |= _responses_of(connection, groups["organisation"])
    for group, ids in groups.items():
        refresh(connection, group, ids)


# Objects per batch of a full rebuild: each batch is built with a few queries, then written
# with one multi-row INSERT of its documents (and, on SQLite, one of their index rows).
REINDEX_BATCH = 2000


def reindex() -> dict[str, int]:
    """Rebuild the whole index from the data; returns the number of documents by kind.

    The same documents as `refresh()` would make, written in batches: the table was just
    emptied, so each batch's documents are inserted at once with ids allocated beforehand
    (SQLite: after the largest, our transaction holding the database's write lock;
    PostgreSQL: from the table's own sequence, so a writer indexing at the same time never
    takes one of them).

    Ids follow the objects' creation (a meeting's last change), whatever their kind: a
    search for a very common word ranks its latest matches (app/search/backends.py), which
    must be the latest of every kind. Indexing as things are published numbers them much
    the same way; it gives a new id to a document first indexed later (a translation added,
    a contribution published again after moderation), which a rebuild puts back beside
    its object's."""
    connection = db.session.connection()
    content_version.mark_changed(db.session)  # search pages are cached; this bypasses the ORM
    connection.execute(sa.delete(DOCUMENTS))
    if connection.dialect.name != "postgresql":
        connection.execute(sa.delete(FTS))  # the trigger did it; leftovers of a crash too
    # Without statistics (a freshly loaded database), both databases read a batch of
    # contributions through the index on their state, every published one, rather than
    # by their ids: at a million contributions, 270 s instead of 26 (SQLite), 390 s
    # instead of about 65 (PostgreSQL). ANALYZE costs a few seconds at that size.
    connection.exec_driver_sql("ANALYZE contribution")
    backend = backend_for(connection.dialect.name)
    for chunk in _objects_by_creation(connection, REINDEX_BATCH):
        _insert_documents(connection, backend, _documents_in_order(connection, chunk))
    counts = dict(
        connection.execute(
            sa.select(DOCUMENTS.c.kind, sa.func.count()).group_by(DOCUMENTS.c.kind)
        ).all()
    )
    db.session.commit()
    return {kind.value: counts.get(kind.value, 0) for kind in DocumentKind}


def _documents_in_order(connection, objects: list[tuple[int, int]]) -> list[dict]:
    """The documents of these (group number, id) objects, in the objects' order."""
    position = {item: n for n, item in enumerate(objects)}
    ids_by_group: dict[int, set[int]] = {}
    for group_number, object_id in objects:
        ids_by_group.setdefault(group_number, set()).add(object_id)
    rows = []
    for group_number, ids in ids_by_group.items():
        build, _kinds = BUILDERS[GROUPS[group_number]]
        for kind, built in build(connection, ids).items():
            for row in built:
                if row["title"] or row["body"]:  # a translation of nothing the index holds
                    key = position[(group_number, row["object_id"])]
                    rows.append((key, {"kind": kind, **row}))
    rows.sort(key=lambda item: item[0])  # stable: an object's documents in build order
    return [row for _key, row in rows]


def _insert_documents(connection, backend, rows: list[dict]) -> None:
    """Insert new documents and index them: one statement for the documents, one per
    index language for the full-text rows."""
    if not rows:
        return
    for row, doc_id in zip(rows, _new_ids(connection, len(rows)), strict=True):
        row["id"] = doc_id
    connection.execute(sa.insert(DOCUMENTS), rows)
    backend.write_many(
        connection, [(row["id"], row["title"], row["body"], row["lang"]) for row in rows]
    )


def _new_ids(connection, count: int) -> list[int]:
    """`count` unused document ids, in increasing order."""
    if connection.dialect.name == "postgresql":
        sequence = sa.func.pg_get_serial_sequence("search_document", "id")
        series = sa.func.generate_series(1, count).table_valued("n")
        return list(connection.scalars(sa.select(sa.func.nextval(sequence)).select_from(series)))
    last = connection.scalar(sa.select(sa.func.coalesce(sa.func.max(DOCUMENTS.c.id), 0)))
    return list(range(last + 1, last + 1 + count))


# When each group's objects appeared (a meeting keeps only its last change).
APPEARED = {
    "proposal": (Proposal.id, Proposal.created_at),
    "contribution": (Contribution.id, Contribution.created_at),
    "response": (OfficialResponse.id, OfficialResponse.created_at),
    "organisation": (Organisation.id, Organisation.created_at),
    "meeting": (Meeting.id, Meeting.updated_at),
}
GROUPS = tuple(BUILDERS)


def _objects_by_creation(connection, size: int):
    """Every object that may have documents, as (group number, id), oldest first (ties:
    by group, then id), in lists of `size`. Read whole first (a statement still being read
    must not see the inserts), kept compactly: two machine arrays, not a million tuples."""
    selects = [
        sa.select(
            APPEARED[group][1].label("appeared"),
            sa.literal(number).label("group_number"),
            APPEARED[group][0].label("id"),
        )
        for number, group in enumerate(GROUPS)
    ]
    union = sa.union_all(*selects).subquery("objects")
    ordered = sa.select(union.c.group_number, union.c.id).order_by(
        union.c.appeared, union.c.group_number, union.c.id
    )
    groups, ids = array("b"), array("q")
    for group_number, object_id in connection.execute(ordered):
        groups.append(group_number)
        ids.append(object_id)
    for start in range(0, len(ids), size):
        yield list(zip(groups[start : start + size], ids[start : start + size], strict=True))


def init_app(app: Flask) -> None:
    """Listen to the flushes of the app's session (once, whatever the number of apps)."""
    if not event.contains(db.session, "after_flush", _after_flush):
        event.listen(db.session, "after_flush", _after_flush)
