"""commitments' due-date index in the order the lists read them, covering what they are
counted under: whether an institution made them and whether their proposal is an example

``ix_commitment_due`` was (due_on, state, response_id); it becomes (due_on, id, state,
response_id, by_institution, proposal_example).

- ``id`` second: the board's late commitments and the synthesis's lists are in (due_on,
  id) order. Many commitments fall due the same day (a hundred a day at 100×): the index
  gave the days in order, and PostgreSQL joined and sorted every commitment of the first
  days to find the first twenty (2.7 → 0.5 ms at 100×).
- The two copies last: the board and the synthesis count the open commitments of the
  current month on the rows themselves (the months before come from the tallies), now from
  the index alone (585 rows at 100×: 1.1 → 0.3 ms on PostgreSQL).

Revision ID: 51e7d06930ec
Revises: c6e1b4a8d352
Create Date: 2026-12-12 08:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "51e7d06930ec"
down_revision = "c6e1b4a8d352"
branch_labels = None
depends_on = None

BEFORE = ["due_on", "state", "response_id"]
AFTER = ["due_on", "id", "state", "response_id", "by_institution", "proposal_example"]


def _index(columns: list[str]) -> None:
    # Not a batch: on SQLite the table carries the tallies' triggers (9b1e5c7d2a40).
    op.drop_index("ix_commitment_due", table_name="commitment")
    op.create_index("ix_commitment_due", "commitment", columns, unique=False)


def upgrade():
    _index(AFTER)


def downgrade():
    _index(BEFORE)
