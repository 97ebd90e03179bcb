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

A word found in most documents would make every search rank, and count, a large part of the
index (a third of it for "logement"): each search looks at the latest matches only, at
most `SEARCH_RANK_WINDOW` documents (newest ids first; ids follow publication, see
app/search/index.py), read from the index in its own order so that the walk stops there.
Below that many matches, every match is ranked and counted, exactly; from that many on, the
counts say "at least" and the result page says the best of the latest are offered. A
search of one kind has its own window, of that kind's documents: a rare kind among many
matches walks them all, newest first, to fill it (as costly as before the window).

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


def counted(matches, of_kind=None):
    """Rows (kind, objects, documents, filtered) of the matches: per kind, the objects (an
    object found in two languages once) and the documents; with `of_kind` (the matches of a
    search of one kind, in their own window), one more row, `filtered` true, for them."""
    rows = sa.select(
        matches.c.kind,
        sa.func.count(sa.distinct(matches.c.object_id)).label("objects"),
        sa.func.count().label("documents"),
        sa.false().label("filtered"),
    ).group_by(matches.c.kind)
    if of_kind is None:
        return rows
    filtered = sa.select(
        sa.func.min(of_kind.c.kind),
        sa.func.count(sa.distinct(of_kind.c.object_id)),
        sa.func.count(),
        sa.true(),
    )
    return sa.union_all(rows, filtered)


class SearchBackend:
    """What the index and the result pages need from a database.

    A page of results joins only its own hits to what they show: `ranked_and_counted()`
    gives the page's documents, best first, one per object."""

    def write(self, connection, document_id: int, title: str, body: str, lang: str) -> None:
        """Index a document that was just inserted or changed (same transaction)."""

    def write_many(self, connection, documents: list[tuple[int, str, str, str]]) -> None:
        """Index documents just inserted, never indexed before: (id, title, body, lang)
        each (a full rebuild)."""

    def matches(self, text: str, kind: DocumentKind | None, window: int):
        """The latest `window` matching documents, of one kind or all (id, kind, object_id,
        score; lower is better)."""
        raise NotImplementedError

    def matches_document(self, document, text: str, lang: str):
        """Whether a document of `document` (a table alias), in `lang`, matches the text."""
        raise NotImplementedError

    def json_rows(self, rows):
        """One JSON array of the rows of a subquery, each row an array."""
        raise NotImplementedError

    def ranked_and_counted(self, text: str, kind, limit: int, offset: int, window: int):
        """The page's documents (`id`, `kind`, `object_id`, `score`; lower is better), one per
        object, of one kind or all (order the rows joined to it by `score, id`); and a
        column of the `counted()` rows as a JSON array. Each window is read once (a
        materialised CTE), then ranked and counted from there."""
        matches = self.matches(text, None, window).cte("matches").prefix_with("MATERIALIZED")
        of_kind = None
        if kind is not None:
            of_kind = self.matches(text, kind, window).cte("of_kind").prefix_with("MATERIALIZED")
        counts = sa.select(self.json_rows(counted(matches, of_kind).subquery("counted")))
        ranked_from = matches if of_kind is None else of_kind
        return one_per_object(ranked_from, limit, offset), counts.scalar_subquery()

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

    def matches(self, text: str, kind: DocumentKind | None, window: int):
        # The full-text table gives its rows newest first and stops at the window; bm25 is
        # computed for those only. Each match's kind and object are read from the narrow
        # index on (id, kind, object_id): SQLite, without statistics, would otherwise look
        # up each document's row, its text and all, or start from its other indexes.
        documents = sa.text("search_document INDEXED BY ix_search_document_match")
        kind_column = _indexed("kind", DOCUMENTS.c.kind.type)
        latest = (
            sa.select(FTS.c.rowid.label("id"), _bm25().label("score"))
            .where(_fts_match(text))
            .order_by(FTS.c.rowid.desc())
        )
        if kind is not None:  # the kind within the walk: the window is of that kind
            latest = latest.select_from(FTS).select_from(documents)
            latest = latest.where(_indexed("id") == FTS.c.rowid, kind_column == kind)
        window_rows = latest.limit(window).subquery("window")
        return (
            sa.select(
                window_rows.c.id,
                kind_column.label("kind"),
                _indexed("object_id").label("object_id"),
                window_rows.c.score,
            )
            .select_from(window_rows)
            .select_from(documents)
            .where(_indexed("id") == window_rows.c.id)
        )

    def json_rows(self, rows):
        return sa.func.json_group_array(sa.func.json_array(*rows.c), type_=sa.JSON)

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


def _rank(text: str, lang, vector):
    weights = sa.literal_column("'{0.1, 0.2, 0.4, 1.0}'::float4[]")
    query = sa.case(
        *((lang == each, _tsquery(text, each)) for each in (ENGLISH, ARABIC)),
        else_=_tsquery(text, FRENCH),
    )
    return -sa.func.ts_rank(weights, vector, query)


class PostgreSQLBackend(SearchBackend):
    def matches(self, text: str, kind: DocumentKind | None, window: int):
        # Newest first: for a common word the planner walks the primary key backwards and
        # stops at the window; for a rarer one it reads the GIN index and sorts the few
        # matches. Ranked outside the window, so only its rows are ranked.
        d = DOCUMENTS.c
        latest = (
            sa.select(d.id, d.kind, d.object_id, d.lang, VECTOR.label("vector"))
            .where(_pg_match(text))
            .order_by(d.id.desc())
            .limit(window)
        )
        if kind is not None:
            latest = latest.where(d.kind == kind)
        rows = latest.subquery("window")
        score = _rank(text, rows.c.lang, rows.c.vector)
        return sa.select(rows.c.id, rows.c.kind, rows.c.object_id, score.label("score"))

    def matches_document(self, document, text: str, lang: str):
        vector = sa.literal_column(f"{document.name}.search_vector")
        return vector.op("@@")(_tsquery(text, index_language(lang)))

    def json_rows(self, rows):
        return sa.func.json_agg(sa.func.json_build_array(*rows.c))


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
