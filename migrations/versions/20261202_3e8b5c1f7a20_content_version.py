"""content version: the page cache's key, changed by every commit that writes content

Revision ID: 3e8b5c1f7a20
Revises: 7c4e1a9d3b52
Create Date: 2026-12-02 14:00:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3e8b5c1f7a20"
down_revision = "7c4e1a9d3b52"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "content_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_version")),
    )
    op.bulk_insert(table, [{"id": 1, "version": secrets.randbits(62)}])


def downgrade():
    op.drop_table("content_version")
