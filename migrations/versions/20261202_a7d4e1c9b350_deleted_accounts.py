"""deleted accounts: the user row stays, anonymised, with the time it was deleted

Revision ID: a7d4e1c9b350
Revises: 5f0a3c2e9b71
Create Date: 2026-12-02 02:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7d4e1c9b350"
down_revision = "5f0a3c2e9b71"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("deleted_at")
