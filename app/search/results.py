"""One page of search results in one query: the counts by kind and the page of hits with
what their links and labels need (no query per result)."""

import math
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup

from app.database import planned_each_time
from app.extensions import db
from app.models import DocumentKind, Meeting, Organisation, Proposal, SearchDocument
from app.search.backends import backend_for
from app.web.content_language import Localized, language_attrs


@dataclass
class Hit:
    """A result: the document that matched (in the reader's language when that one did),
    and the few facts of its object the result shows. The proposal and the meeting are
    loaded whole so that their titles are shown in the reader's language (`tr()`)."""

    document: SearchDocument
    proposal: Proposal | None
    organisation_slug: str | None
    meeting: Meeting | None
    # Invented for the demonstration (its proposal, organisation or meeting): marked so.
    example: bool = False

    @property
    def kind(self) -> DocumentKind:
        return self.document.kind

    @property
    def meeting_starts_at(self) -> datetime | None:
        return self.meeting.starts_at if self.meeting else None

    @property
    def meeting_cancelled(self) -> bool:
        return bool(self.meeting and self.meeting.cancelled_at is not None)

    @property
    def text_attrs(self) -> Markup:
        """The `lang` and `dir` of the document's text: the direction of its language for
        the network's texts and their translations; what a person wrote marked as every
        other page marks it (``language_attrs``)."""
        lang = self.document.lang
        if self.kind in (DocumentKind.TESTIMONY, DocumentKind.COMMENT):
            return language_attrs(lang)
        return Localized("", lang).attrs


@dataclass
class ResultPage:
    """A page of hits, shaped like Flask-SQLAlchemy's pagination for the shared macro."""

    items: list[Hit]
    page: int
    per_page: int
    total: int
    # More matches than the limit: only the best `total` are offered.
    more: bool = False
    # Set (to the window's size) when the search found more documents than it ranks: the
    # results are the best of the latest `window` matches.
    window: int | None = None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


@dataclass
class Tally:
    """What the filter's tabs say: the objects found of each kind, and the kinds for which
    that is a lower bound (the window was full; see app/search/backends.py)."""

    counts: dict[DocumentKind, int]
    at_least: set[DocumentKind]
    # The search of every kind's window was full.
    window_full: bool

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def tally(rows, kind: DocumentKind | None, window: int) -> Tally:
    """The tally from `counted()` rows (kind, objects, documents, filtered): a search of one
    kind counts that kind in its own window."""
    counts = dict.fromkeys(DocumentKind, 0)
    documents, filtered = 0, None
    for row_kind, objects, row_documents, is_filtered in rows:
        if is_filtered:
            filtered = (objects, row_documents)
        else:
            counts[DocumentKind(row_kind)] = objects
            documents += row_documents
    window_full = documents >= window
    at_least = set(DocumentKind) if window_full else set()
    if kind is not None and filtered is not None:
        counts[kind] = filtered[0]
        at_least.discard(kind)
        if filtered[1] >= window:
            at_least.add(kind)
    return Tally(counts, at_least, window_full)


def _shown(backend, best, text: str, lang: str):
    """The document a hit is shown through: the object's document in the reader's language
    if that one matches too, its best match otherwise."""
    readers = SearchDocument.__table__.alias("readers_document")
    in_readers = (
        sa.select(readers.c.id)
        .where(
            readers.c.kind == best.c.kind,
            readers.c.object_id == best.c.object_id,
            readers.c.lang == lang,
            backend.matches_document(readers, text, lang),
        )
        .scalar_subquery()
    )
    return sa.func.coalesce(in_readers, best.c.id)


def _hits_query(backend, best, text: str, lang: str, counts):
    """The page's hits: the backend ranks and cuts the matches, the rest joins to them.

    The hits hang from the row of `counts` (a one-row subquery) by outer joins: an empty
    page still gives one row, its counts, and no more queries than a full one."""
    doc = SearchDocument
    columns = [doc, Proposal, Organisation.slug, Meeting, Organisation.example]
    shown = _shown(backend, best, text, lang)
    select = (
        sa.select(*columns, counts.c.counts)
        .select_from(counts)
        .outerjoin(best, sa.true())
        .outerjoin(doc, doc.id == shown)
    )
    return (
        select.outerjoin(Proposal, doc.proposal_id == Proposal.id)
        .outerjoin(
            Organisation,
            sa.and_(doc.kind == DocumentKind.ORGANISATION, doc.object_id == Organisation.id),
        )
        .outerjoin(Meeting, sa.and_(doc.kind == DocumentKind.MEETING, doc.object_id == Meeting.id))
        .order_by(best.c.score, best.c.id)
    )


def _counts_and_rows(text: str, kind: DocumentKind | None, page: tuple, window: int, lang: str):
    """The `counted()` rows and the page's rows (`page`: limit, offset), in one query."""
    backend = backend_for(db.engine.dialect.name)
    ranked, counts_column = backend.ranked_and_counted(text, kind, *page, window)
    best = ranked.subquery("best")
    counts = sa.select(counts_column.label("counts")).subquery("counts")
    with planned_each_time(db.session):
        rows = db.session.execute(_hits_query(backend, best, text, lang, counts)).all()
    hits = [row[:-1] for row in rows if row[0] is not None]
    return rows[0][-1] or [], hits


def _example(proposal, meeting, organisation_example) -> bool:
    return bool(
        (proposal is not None and proposal.example)
        or (meeting is not None and meeting.example)
        or organisation_example
    )


def search(text: str, kind: DocumentKind | None, page: int, per_page: int, lang: str):
    """The tally by kind and one page of hits, best first, one per object (one query);
    `lang` is the reader's: an object found in several languages is shown
    through its document in that language if it matched.

    Only the `SEARCH_COUNT_LIMIT` best matches are offered: past them the counts say "more
    than" and the pages stop. Only the latest `SEARCH_RANK_WINDOW` matching documents are
    ranked and counted (app/search/backends.py)."""
    limit = current_app.config["SEARCH_COUNT_LIMIT"]
    window = current_app.config["SEARCH_RANK_WINDOW"]
    offset = min((page - 1) * per_page, limit)
    # Run even when nothing matches: the same queries whatever the results.
    page_rows = (min(per_page, limit - offset), offset)
    rows, hit_rows = _counts_and_rows(text, kind, page_rows, window, lang)
    found = tally(rows, kind, window)
    total = found.counts[kind] if kind is not None else found.total
    full = kind in found.at_least if kind is not None else found.window_full
    hits = [
        Hit(document, proposal, slug, meeting, _example(proposal, meeting, org_example))
        for document, proposal, slug, meeting, org_example in hit_rows
    ]
    results = ResultPage(
        hits, page, per_page, min(total, limit), more=total > limit, window=window if full else None
    )
    return results, found
