"""site-wide search: search_document, and its full-text index per database

Revision ID: 7c4e1a9d3b52
Revises: 7c41d9e2a6b3
Create Date: 2026-12-02 02:20:00

SQLite: an FTS5 table `search_fts` (rowid = search_document.id) holding the stemmed words
app/search/terms.py computes, and a trigger removing its row with the document's.
PostgreSQL: the `unaccent` extension, a `french_unaccent` text search configuration (French
stemming after unaccent), a stored generated `search_vector` column and its GIN index
(`<` and `>` read as spaces: PostgreSQL's parser would otherwise skip "<b>santé</b>" as a
tag, and people's texts are not HTML).
The documents themselves are built by `flask search reindex` (run after this upgrade).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c4e1a9d3b52"
down_revision = "7c41d9e2a6b3"
branch_labels = None
depends_on = None

KINDS = ("proposal", "testimony", "comment", "response", "organisation", "meeting")


def upgrade():
    op.create_table(
        "search_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="documentkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("lang", sa.String(length=12), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_document")),
        sa.UniqueConstraint("kind", "object_id", name=op.f("uq_search_document_kind")),
    )
    with op.batch_alter_table("search_document") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_search_document_proposal_id"), ["proposal_id"], unique=False
        )

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        op.execute("CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french)")
        op.execute(
            "ALTER TEXT SEARCH CONFIGURATION french_unaccent "
            "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem"
        )
        op.execute(
            "ALTER TABLE search_document ADD COLUMN search_vector tsvector "
            "GENERATED ALWAYS AS ("
            "setweight(to_tsvector('french_unaccent'::regconfig, "
            "translate(title, '<>', '  ')), 'A') || "
            "setweight(to_tsvector('french_unaccent'::regconfig, "
            "translate(body, '<>', '  ')), 'D')"
            ") STORED"
        )
        op.execute(
            "CREATE INDEX ix_search_document_search_vector ON search_document "
            "USING gin (search_vector)"
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "title, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER search_document_fts_delete AFTER DELETE ON search_document "
            "BEGIN DELETE FROM search_fts WHERE rowid = old.id; END"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_document_search_vector")
        op.drop_table("search_document")
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent")
        # The unaccent extension stays: other databases objects may use it.
    else:
        op.execute("DROP TRIGGER IF EXISTS search_document_fts_delete")
        op.execute("DROP TABLE IF EXISTS search_fts")
        with op.batch_alter_table("search_document") as batch_op:
            batch_op.drop_index(batch_op.f("ix_search_document_proposal_id"))
        op.drop_table("search_document")
