"""audio files in a directory: where a recording's bytes are when AUDIO_DIRECTORY is set

``audio_recording.original_file`` and ``media_file``: the names, in the configured
directory on a volume every app server shares, of the original and the converted file.
Empty in the default storage, the database (the ``original`` and ``media`` columns).

Revision ID: b7c3e9a1d5f2
Revises: 8a4d2e6b1c39
Create Date: 2026-12-08 01:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7c3e9a1d5f2"
down_revision = "8a4d2e6b1c39"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audio_recording") as batch_op:
        batch_op.add_column(
            sa.Column("original_file", sa.String(length=80), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("media_file", sa.String(length=80), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("audio_recording") as batch_op:
        batch_op.drop_column("media_file")
        batch_op.drop_column("original_file")
