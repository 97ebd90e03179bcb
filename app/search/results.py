"""One page of search results in a fixed number of queries: the counts by kind, then the
page of hits with what their links and labels need (no query per result)."""

import math
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from markupsafe import Markup

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


def counts_by_kind(text: str) -> dict[DocumentKind, int]:
    """How many objects of each kind match (one query): an object found in several
    languages counts once.

    Every match is counted: one pass over the matches costs less than one capped count per
    kind (measured at 100,000 contributions, on SQLite and PostgreSQL alike), and ranking
    the page reads every match anyway."""
    rows = db.session.execute(backend_for(db.engine.dialect.name).counts(text))
    found = {DocumentKind(kind): n for kind, n in rows}
    return {kind: found.get(kind, 0) for kind in DocumentKind}


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


def _hits_query(backend, best, text: str, lang: str, counts=None):
    """The page's hits: the backend ranks and cuts the matches, the rest joins to them.

    With `counts` (a one-row subquery), the hits hang from its row by outer joins: an empty
    page still gives one row, its counts, and no more queries than a full one."""
    doc = SearchDocument
    columns = [doc, Proposal, Organisation.slug, Meeting, Organisation.example]
    shown = _shown(backend, best, text, lang)
    if counts is None:
        select = sa.select(*columns).select_from(best).join(doc, doc.id == shown)
    else:
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


def _counts_and_rows(text: str, kind: DocumentKind | None, limit: int, offset: int, lang: str):
    """The counts by kind and the page's rows: in one query where the backend counts while
    it ranks, in two otherwise."""
    backend = backend_for(db.engine.dialect.name)
    both = backend.ranked_and_counted(text, kind, limit, offset)
    if both is None:
        counts = counts_by_kind(text)
        best = backend.ranked(text, kind, limit, offset).subquery("best")
        return counts, db.session.execute(_hits_query(backend, best, text, lang)).all()
    ranked, counts_column = both
    best = ranked.subquery("best")
    counts = sa.select(counts_column.label("counts")).subquery("counts")
    rows = db.session.execute(_hits_query(backend, best, text, lang, counts)).all()
    found = {DocumentKind(kind): n for kind, n in (rows[0][-1] or {}).items()}
    hits = [row[:-1] for row in rows if row[0] is not None]
    return {kind: found.get(kind, 0) for kind in DocumentKind}, hits


def _example(proposal, meeting, organisation_example) -> bool:
    return bool(
        (proposal is not None and proposal.example)
        or (meeting is not None and meeting.example)
        or organisation_example
    )


def search(text: str, kind: DocumentKind | None, page: int, per_page: int, limit: int, lang: str):
    """The counts by kind and one page of hits, best first, one per object (one or two
    queries); `lang` is the reader's: an object found in several languages is shown
    through its document in that language if it matched.

    Only the `limit` best matches are offered: past them the counts say "more than" and the
    pages stop."""
    offset = min((page - 1) * per_page, limit)
    # Run even when nothing matches: the same queries whatever the results.
    counts, rows = _counts_and_rows(text, kind, min(per_page, limit - offset), offset, lang)
    found = counts[kind] if kind is not None else sum(counts.values())
    hits = [
        Hit(document, proposal, slug, meeting, _example(proposal, meeting, org_example))
        for document, proposal, slug, meeting, org_example in rows
    ]
    results = ResultPage(hits, page, per_page, min(found, limit), more=found > limit)
    return results, counts
