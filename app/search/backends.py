"""One search interface, two databases, three languages.

Every document is indexed in its language (`index_language` of its `lang`: French,
English or Arabic; French for any other) and a query is matched against each document as
the document's language reads it (app/search/terms.py):

- SQLite (the embedded default): an FTS5 table `search_fts` whose rowid is the
  `search_document` id; it holds the document's words as app/search/terms.py reduces them
  in its language, in that language's two columns (`title`/`body` for French,
  `title_en`/`body_en`, `title_ar`/`body_ar`), written by the same transaction as the
  document (and removed by a trigger when the document row goes). A query is one MATCH
  expression with a branch per language, each limited to that language's columns. Ranked
  by bm25.
- PostgreSQL (production): a stored generated `tsvector` column `search_vector` on
  `search_document`, built with its language's text search configuration
  (`french_unaccent`, `english_unaccent`, `arabic_unaccent`: the language's Snowball
  stemmer after `unaccent`) over the text with Arabic normalised by `translate()` (the
  same mapping as `normalise_arabic`), and a GIN index. A query is a `plainto_tsquery` per
  language, each tried on the documents of its language. Ranked by ts_rank.

Arabic is normalised at index and query time on both (diacritics and tatweel removed;
alef, ya and ta marbuta forms unified), then stemmed by Snowball's Arabic stemmer (a light
stemmer: a word with and without its article may still stem apart).

An object has one document per language it can be read in (its French original, and each
translation): a search counts each object once and ranks it by its best document
(`one_per_object`); the result page shows it through its document in the reader's
language when that one matches too (`matches_document`), its best otherwise. Ranking
never sorts more than the documents of the objects up to the page's end: each object has
at most one document per site language, so the first N objects are among the first
N × languages documents.

Both indexes are created by the migrations. The user's text only ever reaches SQL as a
bound parameter.
"""

import sqlalchemy as sa
from flask import current_app

from app.models import DocumentKind, SearchDocument
from app.search.terms import (
    ARABIC,
    ENGLISH,
    FRENCH,
    FTS_COLUMNS,
    SEARCH_LANGUAGES,
    fts5_query,
    index_language,
    index_text,
    query_words,
)
from app.search.terms import searchable as has_words

# Weights of the title and the body in the ranking, in every language.
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0

DOCUMENTS = SearchDocument.__table__


def documents_per_object() -> int:
    """The most documents an object has: its original and a translation into each other
    site language."""
    return max(1, len(current_app.config["LANGUAGES"]))


def one_per_object(matches, limit: int, offset: int):
    """A page of the matches (id, kind, object_id, score) with one document per object, the
    object's best, best object first (ties: by that document's id)."""
    end = (offset + limit) * documents_per_object()
    top = (
        sa.select(matches.c.id, matches.c.kind, matches.c.object_id, matches.c.score)
        .order_by(matches.c.score, matches.c.id)
        .limit(end)
        .subquery("top")
    )
    rank = sa.func.row_number().over(
        partition_by=(top.c.kind, top.c.object_id), order_by=(top.c.score, top.c.id)
    )
    firsts = sa.select(top, rank.label("nth")).subquery("firsts")
    return (
        sa.select(firsts.c.id, firsts.c.kind, firsts.c.object_id, firsts.c.score)
        .where(firsts.c.nth == 1)
        .order_by(firsts.c.score, firsts.c.id)
        .limit(limit)
        .offset(offset)
    )


def _counted(matches):
    """(kind, number of objects) of the matches: an object found in two languages once."""
    objects = sa.func.count(sa.distinct(matches.c.object_id)).label("n")
    return sa.select(matches.c.kind, objects).group_by(matches.c.kind)


class SearchBackend:
    """What the index and the result pages need from a database.

    A page of results joins only its own hits to what they show: `ranked()` gives the
    page's documents, best first, one per object."""

    def write(self, connection, document_id: int, title: str, body: str, lang: str) -> None:
        """Index a document that was just inserted or changed (same transaction)."""

    def write_many(self, connection, documents: list[tuple[int, str, str, str]]) -> None:
        """Index documents just inserted, never indexed before: (id, title, body, lang)
        each (a full rebuild)."""

    def matches(self, text: str, kind: DocumentKind | None = None):
        """The matching documents (id, kind, object_id, score; lower is better)."""
        raise NotImplementedError

    def matches_document(self, document, text: str, lang: str):
        """Whether a document of `document` (a table alias), in `lang`, matches the text."""
        raise NotImplementedError

    def counts(self, text: str):
        """(kind, number of objects) matching the text, for each kind found."""
        return _counted(self.matches(text).subquery("matches"))

    def ranked(self, text: str, kind: DocumentKind | None, limit: int, offset: int):
        """The page's documents (`id`, `kind`, `object_id`, `score`; lower is better), one per
        object, of one kind or all: order the rows joined to it by `score, id`."""
        return one_per_object(self.matches(text, kind).subquery("matches"), limit, offset)

    def ranked_and_counted(self, text: str, kind: DocumentKind | None, limit: int, offset: int):
        """`ranked()`, and a column of the counts by kind as a JSON object computed in the
        same pass over the matches; or None where two passes cost less."""
        return None

    @staticmethod
    def searchable(text: str) -> bool:
        """Whether the text has words left to look for in every language (not only stop
        words of one of them)."""
        return has_words(text)


FTS_COLUMN_NAMES = tuple(column for lang in SEARCH_LANGUAGES for column in FTS_COLUMNS[lang])
FTS = sa.table("search_fts", sa.column("rowid"), *(sa.column(c) for c in FTS_COLUMN_NAMES))
FTS_NAME = sa.literal_column("search_fts")


def _fts_match(text: str, languages: tuple[str, ...] = SEARCH_LANGUAGES):
    expression = sa.bindparam("fts_query", fts5_query(text, languages), sa.Text, unique=True)
    return FTS_NAME.op("MATCH")(expression)


def _bm25():
    return sa.func.bm25(FTS_NAME, *[TITLE_WEIGHT, BODY_WEIGHT] * len(SEARCH_LANGUAGES))


def _indexed(name: str, type_=None):
    return sa.literal_column(f"search_document.{name}", type_)


class SQLiteBackend(SearchBackend):
    def write(self, connection, document_id: int, title: str, body: str, lang: str) -> None:
        lang = index_language(lang)
        title_column, body_column = FTS_COLUMNS[lang]
        connection.execute(sa.delete(FTS).where(FTS.c.rowid == document_id))
        connection.execute(
            sa.insert(FTS).values(
                {
                    "rowid": document_id,
                    title_column: index_text(title, lang),
                    body_column: index_text(body, lang),
                }
            )
        )

    def write_many(self, connection, documents: list[tuple[int, str, str, str]]) -> None:
        by_language: dict[str, list[dict]] = {}
        for document_id, title, body, lang in documents:
            lang = index_language(lang)
            title_column, body_column = FTS_COLUMNS[lang]
            by_language.setdefault(lang, []).append(
                {
                    "rowid": document_id,
                    title_column: index_text(title, lang),
                    body_column: index_text(body, lang),
                }
            )
        for rows in by_language.values():  # one statement per language: its two columns
            connection.execute(sa.insert(FTS), rows)

    def matches(self, text: str, kind: DocumentKind | None = None):
        # Each match's kind and object read from the narrow index on (id, kind, object_id):
        # SQLite, without statistics, would otherwise look up each document's row, its
        # text and all, or start from the (kind, object_id, lang) index.
        documents = sa.text("search_document INDEXED BY ix_search_document_match")
        kind_column = _indexed("kind", DOCUMENTS.c.kind.type)
        score = _bm25()
        select = (
            sa.select(
                FTS.c.rowid.label("id"),
                kind_column.label("kind"),
                _indexed("object_id").label("object_id"),
                score.label("score"),
            )
            .select_from(FTS)
            .select_from(documents)
            .where(_indexed("id") == FTS.c.rowid, _fts_match(text))
        )
        if kind is not None:
            select = select.where(kind_column == kind)
        return select

    def ranked(self, text: str, kind: DocumentKind | None, limit: int, offset: int):
        if kind is not None:
            return super().ranked(text, kind, limit, offset)
        # Every kind: the best documents picked from the full-text table alone, then only
        # those looked up for their object.
        score = _bm25()
        top = (
            sa.select(FTS.c.rowid.label("id"), score.label("score"))
            .where(_fts_match(text))
            .order_by(score, FTS.c.rowid)
            .limit((offset + limit) * documents_per_object())
            .subquery("top")
        )
        matches = (
            sa.select(top.c.id, DOCUMENTS.c.kind, DOCUMENTS.c.object_id, top.c.score)
            .join(DOCUMENTS, DOCUMENTS.c.id == top.c.id)
            .subquery("matches")
        )
        return one_per_object(matches, limit, offset)

    def matches_document(self, document, text: str, lang: str):
        # Only the branch of the document's language: the rowid picks the one row.
        matching = sa.select(FTS.c.rowid).where(
            FTS.c.rowid == document.c.id, _fts_match(text, (index_language(lang),))
        )
        return sa.exists(matching)


VECTOR = sa.literal_column("search_document.search_vector")
# The configuration each language's documents are indexed with (see the migrations).
CONFIGS = {
    FRENCH: "french_unaccent",
    ENGLISH: "english_unaccent",
    ARABIC: "arabic_unaccent",
}


def _tsquery(text: str, lang: str):
    config = sa.literal_column(f"'{CONFIGS[lang]}'::regconfig")
    words = " ".join(query_words(text, lang))
    return sa.func.plainto_tsquery(config, sa.bindparam(f"ts_{lang}", words, sa.Text, unique=True))


def _in_language(lang: str):
    """The documents indexed in a language: as the generated column chooses (French for
    every language but English and Arabic)."""
    column = DOCUMENTS.c.lang
    if lang == FRENCH:
        return column.not_in([other for other in SEARCH_LANGUAGES if other != FRENCH])
    return column == lang


def _pg_match(text: str):
    """Each language's documents against the query as that language reads it: one GIN
    index scan per language."""
    return sa.or_(
        *(
            sa.and_(_in_language(lang), VECTOR.op("@@")(_tsquery(text, lang)))
            for lang in SEARCH_LANGUAGES
        )
    )


def _rank(text: str):
    weights = sa.literal_column("'{0.1, 0.2, 0.4, 1.0}'::float4[]")
    query = sa.case(
        *((DOCUMENTS.c.lang == lang, _tsquery(text, lang)) for lang in (ENGLISH, ARABIC)),
        else_=_tsquery(text, FRENCH),
    )
    return -sa.func.ts_rank(weights, VECTOR, query)


class PostgreSQLBackend(SearchBackend):
    def matches(self, text: str, kind: DocumentKind | None = None):
        columns = (DOCUMENTS.c.id, DOCUMENTS.c.kind, DOCUMENTS.c.object_id, _rank(text))
        select = sa.select(*columns[:3], columns[3].label("score")).where(_pg_match(text))
        if kind is not None:
            select = select.where(DOCUMENTS.c.kind == kind)
        return select

    def matches_document(self, document, text: str, lang: str):
        vector = sa.literal_column(f"{document.name}.search_vector")
        return vector.op("@@")(_tsquery(text, index_language(lang)))

    def ranked_and_counted(self, text: str, kind: DocumentKind | None, limit: int, offset: int):
        # Each match's row is read from the heap (the index cannot give its kind): the
        # matches are read once, ranked and counted from there (a third less time).
        matches = self.matches(text).cte("matches").prefix_with("MATERIALIZED")
        ranked_from = matches
        if kind is not None:
            ranked_from = sa.select(matches).where(matches.c.kind == kind).subquery("of_kind")
        by_kind = _counted(matches).subquery("by_kind")
        counts = sa.select(sa.func.json_object_agg(by_kind.c.kind, by_kind.c.n))
        return one_per_object(ranked_from, limit, offset), counts.scalar_subquery()


def backend_for(dialect_name: str) -> SearchBackend:
    """The backend of a database (PostgreSQL, or SQLite for everything else)."""
    return PostgreSQLBackend() if dialect_name == "postgresql" else SQLiteBackend()


# Database objects of the full-text index that the models do not describe (the migrations
# create them); autogenerate and the models-match-migrations test leave them alone.
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
