"""proposal example index: the few invented proposals found at once

``ix_proposal_example`` (example): the network's counts leave the example proposals out by
``NOT IN (SELECT id FROM proposal WHERE example)``; without it PostgreSQL read a whole index
of 100,000 proposals for that short list, once per count (14 ms, ten times for the
synthesis).

Revision ID: 8a4d2e6b1c39
Revises: 3f6c1a9e2b70
Create Date: 2026-12-07 01:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "8a4d2e6b1c39"
down_revision = "3f6c1a9e2b70"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_proposal_example", "proposal", ["example"], unique=False)


def downgrade():
    op.drop_index("ix_proposal_example", table_name="proposal")
