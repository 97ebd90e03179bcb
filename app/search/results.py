"""One page of search results in a fixed number of queries: the counts by kind, then the
page of hits with what their links and labels need (no query per result)."""

import math
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import DocumentKind, Meeting, Organisation, Proposal, SearchDocument
from app.search.backends import backend_for


@dataclass
class Hit:
    """A result: its document, and the few facts of its object the result shows."""

    document: SearchDocument
    proposal_title: str | None
    organisation_slug: str | None
    meeting_starts_at: datetime | None
    meeting_cancelled: bool
    # Invented for the demonstration (its proposal, organisation or meeting): marked so.
    example: bool = False

    @property
    def kind(self) -> DocumentKind:
        return self.document.kind


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
    """How many documents of each kind match (one query).

    Every match is counted: one pass over the matches costs less than one capped count per
    kind (measured at 100,000 contributions, on SQLite and PostgreSQL alike), and ranking
    the page reads every match anyway."""
    rows = db.session.execute(backend_for(db.engine.dialect.name).counts(text))
    found = {DocumentKind(kind): n for kind, n in rows}
    return {kind: found.get(kind, 0) for kind in DocumentKind}


def _hits_query(best, counts=None):
    """The page's hits: the backend ranks and cuts the matches, the rest joins to them.

    With `counts` (a one-row subquery), the hits hang from its row by outer joins: an empty
    page still gives one row, its counts, and no more queries than a full one."""
    doc = SearchDocument
    columns = [
        doc,
        Proposal.title,
        Organisation.slug,
        Meeting.starts_at,
        Meeting.cancelled_at,
        Proposal.example,
        Organisation.example,
        Meeting.example,
    ]
    if counts is None:
        select = sa.select(*columns).select_from(best).join(doc, doc.id == best.c.id)
    else:
        select = (
            sa.select(*columns, counts.c.counts)
            .select_from(counts)
            .outerjoin(best, sa.true())
            .outerjoin(doc, doc.id == best.c.id)
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


def _counts_and_rows(text: str, kind: DocumentKind | None, limit: int, offset: int):
    """The counts by kind and the page's rows: in one query where the backend counts while
    it ranks, in two otherwise."""
    backend = backend_for(db.engine.dialect.name)
    both = backend.ranked_and_counted(text, kind)
    if both is None:
        counts = counts_by_kind(text)
        best = backend.ranked(text, kind).limit(limit).offset(offset).subquery()
        return counts, db.session.execute(_hits_query(best)).all()
    ranked, counts_column = both
    best = ranked.limit(limit).offset(offset).subquery()
    counts = sa.select(counts_column.label("counts")).subquery("counts")
    rows = db.session.execute(_hits_query(best, counts)).all()
    found = {DocumentKind(kind): n for kind, n in (rows[0][-1] or {}).items()}
    hits = [row[:-1] for row in rows if row[0] is not None]
    return {kind: found.get(kind, 0) for kind in DocumentKind}, hits


def search(text: str, kind: DocumentKind | None, page: int, per_page: int, limit: int):
    """The counts by kind and one page of hits, best first (one or two queries).

    Only the `limit` best matches are offered: past them the counts say "more than" and the
    pages stop."""
    offset = min((page - 1) * per_page, limit)
    # Run even when nothing matches: the same queries whatever the results.
    counts, rows = _counts_and_rows(text, kind, min(per_page, limit - offset), offset)
    found = counts[kind] if kind is not None else sum(counts.values())
    hits = [
        Hit(document, title, slug, starts_at, cancelled_at is not None, any(examples))
        for document, title, slug, starts_at, cancelled_at, *examples in rows
    ]
    results = ResultPage(hits, page, per_page, min(found, limit), more=found > limit)
    return results, counts
