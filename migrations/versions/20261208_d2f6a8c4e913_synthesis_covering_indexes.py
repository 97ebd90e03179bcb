"""synthesis covering indexes: the voices per workshop, the overdue count and the latest
items of each list read from indexes

``ix_proposal_voices`` (theme_id, example, event_id, voices_*): the synthesis adds up each
workshop's voices from the index alone, not from the proposals' wide rows (169 → 17 ms at
100,000 proposals, SQLite).

``ix_addressed_institution_due`` (response_due_on, sent_at, proposal_id, institution_id)
replaces the index on ``response_due_on`` alone: the overdue responses are counted from it
without reading each row (185 → 95 ms), and listed in due-date order as before.

The synthesis's lists (the latest favourable or unfavourable responses, status changes,
commitments kept or dropped; open commitments by due date) walk an index in their order
and stop at their twentieth item, their filters read from the index, instead of sorting
every row (18–44 ms each → 0.1–2 ms): ``ix_official_response_recent``,
``ix_status_change_recent``, ``ix_commitment_recent``, and ``ix_commitment_due`` (which
replaces the index on ``due_on`` alone).

Revision ID: d2f6a8c4e913
Revises: b7c3e9a1d5f2
Create Date: 2026-12-08 02:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "d2f6a8c4e913"
down_revision = "b7c3e9a1d5f2"
branch_labels = None
depends_on = None

VOICES = [
    "theme_id",
    "example",
    "event_id",
    "voices_guest",
    "voices_anonymous",
    "voices_assisted",
    "voices_account",
    "voices_comments",
]
DUE = ["response_due_on", "sent_at", "proposal_id", "institution_id"]


RECENT = {
    "ix_official_response_recent": (
        "official_response",
        ["created_at", "position", "institution_id", "proposal_id"],
    ),
    "ix_status_change_recent": ("status_change", ["created_at", "to_status", "proposal_id"]),
    "ix_commitment_recent": ("commitment", ["updated_at", "state", "response_id"]),
    "ix_commitment_due": ("commitment", ["due_on", "state", "response_id"]),
}


def upgrade():
    op.create_index("ix_proposal_voices", "proposal", VOICES, unique=False)
    op.create_index("ix_addressed_institution_due", "addressed_institution", DUE, unique=False)
    op.drop_index("ix_addressed_institution_response_due_on", table_name="addressed_institution")
    for name, (table, columns) in RECENT.items():
        op.create_index(name, table, columns, unique=False)
    op.drop_index("ix_commitment_due_on", table_name="commitment")


def downgrade():
    op.create_index("ix_commitment_due_on", "commitment", ["due_on"], unique=False)
    for name, (table, _columns) in RECENT.items():
        op.drop_index(name, table_name=table)
    op.create_index(
        "ix_addressed_institution_response_due_on",
        "addressed_institution",
        ["response_due_on"],
        unique=False,
    )
    op.drop_index("ix_addressed_institution_due", table_name="addressed_institution")
    op.drop_index("ix_proposal_voices", table_name="proposal")
