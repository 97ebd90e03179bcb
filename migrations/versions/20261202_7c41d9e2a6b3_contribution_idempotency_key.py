"""idempotency key on contributions: a form sent twice is stored once

Revision ID: 7c41d9e2a6b3
Revises: 5834338c4b77
Create Date: 2026-12-02 02:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c41d9e2a6b3"
down_revision = "5834338c4b77"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("contribution") as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_contribution_idempotency_key"), ["idempotency_key"]
        )


def downgrade():
    with op.batch_alter_table("contribution") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_contribution_idempotency_key"), type_="unique")
        batch_op.drop_column("idempotency_key")
