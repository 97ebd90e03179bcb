"""indexes on foreign keys read by pages and by deletions: a proposal's suggestion, a
place's testimonies and tallies, a contribution's or a proposal's notifications

Each of these columns was read without an index, so the cost grew with the table:

- ``suggestion.proposal_id``: every proposal page looks for the suggestion it was made of
  (the credit under its title), and read the whole suggestion table to find it;
- ``contribution.place_id``: retiring a place asks whether anything was collected there,
  and read every contribution (1,000,000 at 100× data); ``concern_tally.place_id``, the
  same question of the people counted there;
- ``notification.contribution_id``: the worker asks whether representatives were told of
  a reply, and read every notification; a contribution deleted (withdrawn, purged) had its
  notifications found the same way (ON DELETE CASCADE);
- ``notification.proposal_id``: a proposal deleted had its notifications found by reading
  them all (ON DELETE CASCADE).

And ``ix_official_response_institution`` (institution_id, id) replaces the index on
``institution_id`` alone: the board's count of open commitments leaves out the responses of
organisations that are not institutions by their ids, which PostgreSQL read from each
response's row (87 → 53 ms at 100,000 commitments).

Revision ID: e4a7c2b9f136
Revises: d2f6a8c4e913
Create Date: 2026-12-09 06:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "e4a7c2b9f136"
down_revision = "d2f6a8c4e913"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_suggestion_proposal_id": ("suggestion", "proposal_id"),
    "ix_contribution_place_id": ("contribution", "place_id"),
    "ix_concern_tally_place_id": ("concern_tally", "place_id"),
    "ix_notification_contribution_id": ("notification", "contribution_id"),
    "ix_notification_proposal_id": ("notification", "proposal_id"),
}


def upgrade():
    for name, (table, column) in INDEXES.items():
        op.create_index(name, table, [column], unique=False)
    op.create_index(
        "ix_official_response_institution", "official_response", ["institution_id", "id"]
    )
    op.drop_index("ix_official_response_institution_id", table_name="official_response")


def downgrade():
    op.create_index(
        "ix_official_response_institution_id", "official_response", ["institution_id"]
    )
    op.drop_index("ix_official_response_institution", table_name="official_response")
    for name, (table, _column) in INDEXES.items():
        op.drop_index(name, table_name=table)
