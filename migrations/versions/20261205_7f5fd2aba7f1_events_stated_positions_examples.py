"""Events (the assises and what follows), stated positions kept apart from official
responses, example rows for the demonstration, testimonies put forward by a moderator

- ``event``; ``proposal.event_id`` and ``meeting.event_id`` (None: outside any event);
- ``stated_position``: what an institution said elsewhere than on the site, as reported.
  An official response that carried an ``origin`` (a position stated elsewhere, e.g. at the
  2015 assises) was never an answer given on the site: it becomes a stated position with
  the same words and source (when it was said stays unknown), and the response is removed
  from the site and its search index. Replies people posted under it are kept, as
  comments on the proposal;
- ``meeting.is_public`` may be None: the record a meeting is taken from does not say;
- ``example`` on events, proposals, meetings and organisations: invented for the demo;
- ``contribution.featured_at`` / ``featured_by_id``: quoted in the synthesis.

Revision ID: 7f5fd2aba7f1
Revises: 8f3a40c72306
Create Date: 2026-12-05 08:55:03.911115

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7f5fd2aba7f1"
down_revision = "8f3a40c72306"
branch_labels = None
depends_on = None


def _move_stated_responses():
    """Responses stated elsewhere (an ``origin``) become stated positions. When it was said
    is unknown (the response's date is when it was typed in): ``stated_on`` stays empty.
    The search index forgets them (the SQLite trigger takes the FTS rows too)."""
    op.execute(
        "INSERT INTO stated_position (proposal_id, institution_id, words, source, created_at)"
        " SELECT proposal_id, institution_id, body, origin, created_at"
        " FROM official_response WHERE origin <> ''"
    )
    stated = "SELECT id FROM official_response WHERE origin <> ''"
    op.execute(
        "UPDATE contribution SET kind = 'comment', response_id = NULL"
        f" WHERE response_id IN ({stated}) AND parent_id IS NULL"
    )
    op.execute(f"UPDATE contribution SET response_id = NULL WHERE response_id IN ({stated})")
    op.execute(f"DELETE FROM commitment WHERE response_id IN ({stated})")
    op.execute(f"DELETE FROM response_version WHERE response_id IN ({stated})")
    op.execute(f"DELETE FROM search_document WHERE kind = 'response' AND object_id IN ({stated})")
    op.execute("DELETE FROM official_response WHERE origin <> ''")


def upgrade():
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "assises",
                "thematic_day",
                "working_group_cycle",
                name="eventkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("organisations_count", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("advances", sa.Text(), nullable=False),
        sa.Column("obstacles", sa.Text(), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("example", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
        sa.UniqueConstraint("name", name=op.f("uq_event_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_event_slug")),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_held_on"), ["held_on"], unique=False)

    op.create_table(
        "stated_position",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("stated_on", sa.Date(), nullable=True),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["organisation.id"],
            name=op.f("fk_stated_position_institution_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposal.id"],
            name=op.f("fk_stated_position_proposal_id_proposal"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["organisation.id"],
            name=op.f("fk_stated_position_reported_by_id_organisation"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stated_position")),
    )
    with op.batch_alter_table("stated_position", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stated_position_institution_id"), ["institution_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_stated_position_proposal_id"), ["proposal_id"], unique=False
        )

    with op.batch_alter_table("contribution", schema=None) as batch_op:
        batch_op.add_column(sa.Column("featured_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("featured_by_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_contribution_featured_at"), ["featured_at"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_contribution_featured_by_id_user"),
            "user",
            ["featured_by_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("example", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_meeting_event_id"), ["event_id"], unique=False)
        # None: the record a meeting is taken from does not say who could come.
        batch_op.alter_column(
            "is_public",
            existing_type=sa.Boolean(),
            nullable=True,
            existing_server_default=sa.true(),
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_meeting_event_id_event"),
            "event",
            ["event_id"],
            ["id"],
            ondelete="SET NULL",
        )

    _move_stated_responses()
    with op.batch_alter_table("official_response", schema=None) as batch_op:
        batch_op.drop_column("origin")

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("example", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("example", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_index(
            "ix_proposal_event_created", ["event_id", "created_at", "id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_proposal_event_id_event"),
            "event",
            ["event_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_proposal_event_id_event"), type_="foreignkey")
        batch_op.drop_index("ix_proposal_event_created")
        batch_op.drop_column("example")
        batch_op.drop_column("event_id")

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("example")

    with op.batch_alter_table("official_response", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("origin", sa.VARCHAR(length=200), server_default="", nullable=False)
        )

    op.execute("UPDATE meeting SET is_public = true WHERE is_public IS NULL")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.alter_column(
            "is_public",
            existing_type=sa.Boolean(),
            nullable=False,
            existing_server_default=sa.true(),
        )
        batch_op.drop_constraint(batch_op.f("fk_meeting_event_id_event"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_meeting_event_id"))
        batch_op.drop_column("example")
        batch_op.drop_column("event_id")

    with op.batch_alter_table("contribution", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_contribution_featured_by_id_user"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_contribution_featured_at"))
        batch_op.drop_column("featured_by_id")
        batch_op.drop_column("featured_at")

    with op.batch_alter_table("stated_position", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stated_position_proposal_id"))
        batch_op.drop_index(batch_op.f("ix_stated_position_institution_id"))

    op.drop_table("stated_position")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_held_on"))

    op.drop_table("event")
