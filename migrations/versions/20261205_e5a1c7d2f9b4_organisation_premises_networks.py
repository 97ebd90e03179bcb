"""organisation.premises_networks: the address ranges of an association's premises, where
many people share one connection to leave guest testimonies

Revision ID: e5a1c7d2f9b4
Revises: b41f6d2c8e57
Create Date: 2026-12-05 03:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e5a1c7d2f9b4"
down_revision = "b41f6d2c8e57"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("premises_networks", sa.Text(), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("premises_networks")
