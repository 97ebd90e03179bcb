"""One search interface, two databases.

- SQLite (the embedded default): an FTS5 table `search_fts` whose rowid is the
  `search_document` id; it holds the documents' words as app/search/terms.py reduces them,
  written by the same transaction as the document (and removed by a trigger when the
  document row goes). Ranked by bm25.
- PostgreSQL (production): a stored generated `tsvector` column `search_vector` on
  `search_document`, built with the `french_unaccent` text search configuration (French
  stemming after `unaccent`) and a GIN index. Ranked by ts_rank.

Both are created by the migration. The user's text only ever reaches SQL as a bound
parameter.
"""

import sqlalchemy as sa

from app.models import DocumentKind, SearchDocument
from app.search.terms import fts5_query, index_text, terms

# Weights of the title and the body in the ranking.
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0


class SearchBackend:
    """What the index and the result pages need from a database.

    A page of results never joins or sorts every match: `ranked()` gives the ids of the
    page, best first, and only those are joined to what the results show."""

    def write(self, connection, document_id: int, title: str, body: str) -> None:
        """Index a document that was just inserted or changed (same transaction)."""

    def matching(self, select, text: str):
        """The select (over `search_document`) narrowed to the documents matching the text."""
        raise NotImplementedError

    def counts(self, text: str):
        """(kind, number) of the documents matching the text, for each kind found."""
        kind = DOCUMENTS.c.kind
        select = sa.select(kind, sa.func.count()).select_from(DOCUMENTS)
        return self.matching(select, text).group_by(kind)

    def ranked(self, text: str, kind: DocumentKind | None = None):
        """The ids (`id`) and `score` (lower is better) of the matching documents, of one
        kind or all, best first: add the page's LIMIT and OFFSET, and order the rows joined
        to it by `score, id`."""
        raise NotImplementedError

    def ranked_and_counted(self, text: str, kind: DocumentKind | None = None):
        """`ranked()`, and a column of the counts by kind as a JSON object computed in the
        same pass over the matches; or None where two passes cost less."""
        return None

    @staticmethod
    def searchable(text: str) -> bool:
        """Whether the text has any word left to look for (not only stop words)."""
        return bool(terms(text))


FTS = sa.table("search_fts", sa.column("rowid"), sa.column("title"), sa.column("body"))
FTS_NAME = sa.literal_column("search_fts")
DOCUMENTS = SearchDocument.__table__


def _fts_match(text: str):
    expression = sa.bindparam("fts_query", fts5_query(text), sa.Text, unique=True)
    return FTS_NAME.op("MATCH")(expression)


class SQLiteBackend(SearchBackend):
    def write(self, connection, document_id: int, title: str, body: str) -> None:
        connection.execute(sa.delete(FTS).where(FTS.c.rowid == document_id))
        connection.execute(
            sa.insert(FTS).values(rowid=document_id, title=index_text(title), body=index_text(body))
        )

    def matching(self, select, text: str):
        return select.join(FTS, FTS.c.rowid == SearchDocument.id).where(_fts_match(text))

    def counts(self, text: str):
        # Each match's kind read from the narrow (id, kind) index: SQLite, without
        # statistics, would look up each document's row, its text and all (3 times slower).
        documents = sa.text("search_document INDEXED BY ix_search_document_id_kind")
        kind = sa.literal_column("search_document.kind", DOCUMENTS.c.kind.type)
        return (
            sa.select(kind, sa.func.count())
            .select_from(FTS)
            .select_from(documents)
            .where(sa.literal_column("search_document.id") == FTS.c.rowid, _fts_match(text))
            .group_by(kind)
        )

    def ranked(self, text: str, kind: DocumentKind | None = None):
        score = sa.func.bm25(FTS_NAME, TITLE_WEIGHT, BODY_WEIGHT).label("score")
        select = sa.select(FTS.c.rowid.label("id"), score).where(_fts_match(text))
        if kind is not None:
            # "+kind": the kind is checked on each match, never used to pick the documents
            # from its index (each of them then looked up in the full-text table: slow).
            plus_kind = sa.literal_column("+search_document.kind", DOCUMENTS.c.kind.type)
            select = select.join(DOCUMENTS, DOCUMENTS.c.id == FTS.c.rowid).where(plus_kind == kind)
        return select.order_by(score, FTS.c.rowid)


VECTOR = sa.literal_column("search_document.search_vector")
CONFIG = sa.literal_column("'french_unaccent'::regconfig")


def _tsquery(text: str):
    # "<" and ">" read as spaces, as in the column (see the migration): not HTML tags.
    query = sa.func.translate(sa.bindparam("ts_query", text, sa.Text, unique=True), "<>", "  ")
    return sa.func.plainto_tsquery(CONFIG, query)


class PostgreSQLBackend(SearchBackend):
    def matching(self, select, text: str):
        return select.where(VECTOR.op("@@")(_tsquery(text)))

    def ranked(self, text: str, kind: DocumentKind | None = None):
        score = _rank(text).label("score")
        select = self.matching(sa.select(DOCUMENTS.c.id, score), text)
        if kind is not None:
            select = select.where(DOCUMENTS.c.kind == kind)
        return select.order_by(score, DOCUMENTS.c.id)

    def ranked_and_counted(self, text: str, kind: DocumentKind | None = None):
        # Each match's row is read from the heap (the index cannot give its kind): the
        # matches are read once, ranked and counted from there (a third less time).
        columns = (DOCUMENTS.c.id, DOCUMENTS.c.kind, _rank(text).label("score"))
        matches = self.matching(sa.select(*columns), text).cte("matches")
        matches = matches.prefix_with("MATERIALIZED")
        select = sa.select(matches.c.id, matches.c.score)
        if kind is not None:
            select = select.where(matches.c.kind == kind)
        by_kind = (
            sa.select(matches.c.kind, sa.func.count().label("n"))
            .group_by(matches.c.kind)
            .subquery("by_kind")
        )
        counts = sa.select(sa.func.json_object_agg(by_kind.c.kind, by_kind.c.n))
        return select.order_by(matches.c.score, matches.c.id), counts.scalar_subquery()


def _rank(text: str):
    weights = sa.literal_column("'{0.1, 0.2, 0.4, 1.0}'::float4[]")
    return -sa.func.ts_rank(weights, VECTOR, _tsquery(text))


def backend_for(dialect_name: str) -> SearchBackend:
    """The backend of a database (PostgreSQL, or SQLite for everything else)."""
    return PostgreSQLBackend() if dialect_name == "postgresql" else SQLiteBackend()


# Database objects of the full-text index that the models do not describe (the migration
# creates them); autogenerate and the models-match-migrations test leave them alone.
INDEX_TABLES = ("search_fts",)
INDEX_COLUMNS = ("search_vector",)
INDEX_INDEXES = ("ix_search_document_search_vector",)


def include_object(_object, name, type_, reflected, _compare_to) -> bool:
    """Alembic's `include_object` hook: everything but the full-text index's own objects."""
    if not reflected:
        return True
    if type_ == "table":
        return not (name or "").startswith(INDEX_TABLES)
    if type_ == "column":
        return name not in INDEX_COLUMNS
    if type_ == "index":
        return name not in INDEX_INDEXES
    return True
