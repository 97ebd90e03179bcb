"""easy-read summary on proposals, language of each contribution

Revision ID: 5f0a3c2e9b71
Revises: c1cdd0a990f8
Create Date: 2026-12-01 22:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5f0a3c2e9b71"
down_revision = "c1cdd0a990f8"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("proposal") as batch_op:
        batch_op.add_column(sa.Column("easy_read", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("contribution") as batch_op:
        batch_op.add_column(
            sa.Column("lang", sa.String(length=12), server_default="fr", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("contribution") as batch_op:
        batch_op.drop_column("lang")
    with op.batch_alter_table("proposal") as batch_op:
        batch_op.drop_column("easy_read")
