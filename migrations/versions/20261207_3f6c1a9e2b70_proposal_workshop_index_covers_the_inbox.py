"""proposal workshop index covers the inbox: an institution's space counts the proposals of
its workshops without reading them

``ix_proposal_theme_status`` (theme_id, status) becomes ``ix_proposal_workshop`` (theme_id,
status, example, organisation_id): the institution's space counts the proposals of its
workshops that nobody was asked about, which tests all four columns. From the index alone
it reads no proposal row: 29 → 9 ms for 6,500 such proposals at 100× on SQLite. Every query
that used the old index uses its first two columns.

Revision ID: 3f6c1a9e2b70
Revises: 5d2b8e41c7a3
Create Date: 2026-12-07 00:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "3f6c1a9e2b70"
down_revision = "5d2b8e41c7a3"
branch_labels = None
depends_on = None


def upgrade():
    # Not through batch_alter_table: on SQLite that rebuilds the table, for an index.
    op.create_index(
        "ix_proposal_workshop",
        "proposal",
        ["theme_id", "status", "example", "organisation_id"],
        unique=False,
    )
    op.drop_index("ix_proposal_theme_status", table_name="proposal")


def downgrade():
    op.create_index("ix_proposal_theme_status", "proposal", ["theme_id", "status"], unique=False)
    op.drop_index("ix_proposal_workshop", table_name="proposal")
