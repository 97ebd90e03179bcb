"""search_document (id, kind): counting the matches of each kind reads this narrow index,
not each document's row with its text

Revision ID: b41f6d2c8e57
Revises: 3e8b5c1f7a20
Create Date: 2026-12-02 17:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b41f6d2c8e57"
down_revision = "3e8b5c1f7a20"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_search_document_id_kind", "search_document", ["id", "kind"])


def downgrade():
    op.drop_index("ix_search_document_id_kind", table_name="search_document")
