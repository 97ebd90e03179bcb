"""pending_registration: registrations waiting for their e-mailed link, kept on the server so
that the link carries only a random token (no address, no password hash)

Links e-mailed before this revision carried their details signed; they stop working and
their recipients register again (the page they land on says so).

Revision ID: 8f3a40c72306
Revises: e5a1c7d2f9b4
Create Date: 2026-12-05 04:07:23

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8f3a40c72306"
down_revision = "e5a1c7d2f9b4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pending_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("pseudonym", sa.String(length=40), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("charter_version", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_registration")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_pending_registration_token_hash")),
    )
    with op.batch_alter_table("pending_registration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pending_registration_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_pending_registration_email"), ["email"], unique=False)


def downgrade():
    with op.batch_alter_table("pending_registration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_registration_email"))
        batch_op.drop_index(batch_op.f("ix_pending_registration_created_at"))
    op.drop_table("pending_registration")
