"""search in every language: one search document per object and language, each indexed with
its language's stemming, Arabic normalised

- ``search_document``: unique by (kind, object_id, lang), so that a proposal, a response or
  a meeting has one document for its French original and one for each language it is
  translated into; the narrow index the counts read becomes (id, kind, object_id)
  (``ix_search_document_match``): objects are counted, and ranked once each, from it.
- PostgreSQL: ``english_unaccent`` and ``arabic_unaccent`` configurations (like
  ``french_unaccent``: ``unaccent``, then the language's Snowball stemmer); the generated
  ``search_vector`` is rebuilt with the configuration of each document's ``lang`` (English,
  Arabic, French for any other) over its text with Arabic normalised by ``translate()``:
  diacritics and tatweel removed, alef, alef maqsura and ta marbuta forms unified (the
  mapping of ``app/search/terms.py``, written out here as it stood), "<" and ">" as spaces.
- SQLite: ``search_fts`` gains two columns per other language (``title_en``, ``body_en``,
  ``title_ar``, ``body_ar``): a document's words go to its language's columns; the rows
  already there keep their (French-stemmed) words in ``title`` and ``body``.

Run ``flask search reindex`` after this upgrade: it indexes the translations, and on SQLite
stems each existing document in its own language.

Revision ID: 07000bf84b1c
Revises: 1c908a2ce70d
Create Date: 2026-12-06 10:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "07000bf84b1c"
down_revision = "1c908a2ce70d"
branch_labels = None
depends_on = None

# app/search/terms.py's normalisation as it stood (ARABIC_FROM, ARABIC_TO, ARABIC_REMOVED).
ARABIC_FROM = "\u0623\u0625\u0622\u0671\u0649\u0629"  # أ إ آ ٱ ى ة
ARABIC_TO = "\u0627\u0627\u0627\u0627\u064a\u0647"  # ا ا ا ا ي ه
ARABIC_REMOVED = "".join(chr(c) for c in range(0x064B, 0x0656)) + "\u0670\u0640"

CONFIG = (
    "CASE lang WHEN 'en' THEN 'english_unaccent'::regconfig "
    "WHEN 'ar' THEN 'arabic_unaccent'::regconfig "
    "ELSE 'french_unaccent'::regconfig END"
)
FTS_TOKENIZER = "tokenize = 'unicode61 remove_diacritics 2'"
FTS_TRIGGER = (
    "CREATE TRIGGER search_document_fts_delete AFTER DELETE ON search_document "
    "BEGIN DELETE FROM search_fts WHERE rowid = old.id; END"
)


def _normalised(column: str) -> str:
    return f"translate({column}, '<>{ARABIC_FROM}{ARABIC_REMOVED}', '  {ARABIC_TO}')"


def _vector(config: str, normalised) -> str:
    return (
        "ALTER TABLE search_document ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS ("
        f"setweight(to_tsvector({config}, {normalised('title')}), 'A') || "
        f"setweight(to_tsvector({config}, {normalised('body')}), 'D')"
        ") STORED"
    )


def _gin_index() -> None:
    op.execute(
        "CREATE INDEX ix_search_document_search_vector ON search_document "
        "USING gin (search_vector)"
    )


def _swap_fts(columns: str, copied: str) -> None:
    """Recreate the SQLite full-text table with these columns, its rows copied."""
    op.execute(f"CREATE VIRTUAL TABLE search_fts_next USING fts5({columns}, {FTS_TOKENIZER})")
    op.execute(f"INSERT INTO search_fts_next(rowid, {columns}) SELECT rowid, {copied} FROM search_fts")
    op.execute("DROP TABLE search_fts")
    op.execute("ALTER TABLE search_fts_next RENAME TO search_fts")


def _keys(unique: list[str], index: tuple[str, list[str]], old_index: str) -> None:
    with op.batch_alter_table("search_document") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_search_document_kind"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_search_document_kind"), unique)
        batch_op.drop_index(old_index)
        batch_op.create_index(index[0], index[1], unique=False)


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        for language in ("english", "arabic"):
            op.execute(
                f"CREATE TEXT SEARCH CONFIGURATION {language}_unaccent (COPY = {language})"
            )
            op.execute(
                f"ALTER TEXT SEARCH CONFIGURATION {language}_unaccent "
                f"ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {language}_stem"
            )
        op.execute("ALTER TABLE search_document DROP COLUMN search_vector")  # and its index
    else:
        # The batch below copies the table: its trigger goes with the old one (recreated
        # once the full-text table has its new shape).
        op.execute("DROP TRIGGER IF EXISTS search_document_fts_delete")
    _keys(
        ["kind", "object_id", "lang"],
        ("ix_search_document_match", ["id", "kind", "object_id"]),
        "ix_search_document_id_kind",
    )
    if postgresql:
        op.execute(_vector(CONFIG, _normalised))
        _gin_index()
    else:
        _swap_fts("title, body, title_en, body_en, title_ar, body_ar", "title, body, '', '', '', ''")
        op.execute(FTS_TRIGGER)


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    # One document per object again: the translations' documents go.
    op.execute(
        "DELETE FROM search_document "
        "WHERE kind IN ('proposal', 'response', 'meeting') AND lang <> 'fr'"
    )
    if postgresql:
        op.execute("ALTER TABLE search_document DROP COLUMN search_vector")
    else:
        op.execute("DROP TRIGGER IF EXISTS search_document_fts_delete")
    _keys(
        ["kind", "object_id"],
        ("ix_search_document_id_kind", ["id", "kind"]),
        "ix_search_document_match",
    )
    if postgresql:
        op.execute(_vector("'french_unaccent'::regconfig", lambda c: f"translate({c}, '<>', '  ')"))
        _gin_index()
        for language in ("english", "arabic"):
            op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {language}_unaccent")
    else:
        _swap_fts("title, body", "title, body")
        op.execute(FTS_TRIGGER)
