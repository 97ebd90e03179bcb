"""proposal addressed count: the institution's space finds its workshops' proposals
addressed to nobody on an index, rather than read every proposal of its workshops

- ``proposal.addressed_count``: how many rows address it (to institutions or to
  associations); kept by triggers on ``addressed_institution`` (a row inserted, deleted or
  moved to another proposal), in the transaction of each write, cascades included.
- ``ix_proposal_unaddressed``: the proposals addressed to nobody, by workshop, with what
  the institution's space counts them under (up to 101). PostgreSQL read a bitmap of each
  workshop's proposals (9,785 index entries at 100×) and looked for a row addressing each
  before it could stop: 2.2 ms; now it reads the first 101 entries of this index alone
  (0.1 ms). The newest of them are listed on ``ix_proposal_created``, as before.

PostgreSQL: the addressed rows' copy trigger (9b1e5c7d2a40) held the proposal ``FOR SHARE``
until its transaction commits; the count then updates that proposal. Two transactions
addressing the same proposal would each hold the share lock and wait for the other's to
update it: a deadlock. The copy trigger now takes ``FOR NO KEY UPDATE`` (as the answers'
trigger does, a3f8c2d9e614): the second waits for the first, then copies and counts. The
foreign keys' ``FOR KEY SHARE`` does not conflict with it.

SQLite: a later ``batch_alter_table`` that rebuilds ``addressed_institution`` drops the
triggers on it: such a migration must create them again (``create_sqlite_triggers``).

Revision ID: 7c4e1a9b3d52
Revises: 51e7d06930ec
Create Date: 2026-12-13 06:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c4e1a9b3d52"
down_revision = "51e7d06930ec"
branch_labels = None
depends_on = None

UNADDRESSED = "addressed_count = 0"


def _count(row: str, sign: str) -> str:
    return (
        f"UPDATE proposal SET addressed_count = addressed_count {sign} 1 "
        f"WHERE id = {row}.proposal_id"
    )


def create_sqlite_triggers() -> None:
    """The count's triggers on SQLite (also for a migration that rebuilds the table)."""
    for statement in (
        "CREATE TRIGGER addressed_count_insert AFTER INSERT ON addressed_institution "
        f"BEGIN {_count('NEW', '+')}; END",
        "CREATE TRIGGER addressed_count_delete AFTER DELETE ON addressed_institution "
        f"BEGIN {_count('OLD', '-')}; END",
        "CREATE TRIGGER addressed_count_moved AFTER UPDATE OF proposal_id ON "
        f"addressed_institution BEGIN {_count('OLD', '-')}; {_count('NEW', '+')}; END",
    ):
        op.execute(statement)


SQLITE_TRIGGERS = ("insert", "delete", "moved")


def _lock_in_copies(before: str, after: str) -> None:
    """The copy trigger's lock on the proposal changed, the rest of 9b1e5c7d2a40's function
    as it is; an error if that lock is not found."""
    old = f"FROM proposal WHERE id = NEW.proposal_id FOR {before};"
    new = f"FROM proposal WHERE id = NEW.proposal_id FOR {after};"
    op.execute(
        "DO $$ DECLARE definition text := pg_get_functiondef('addressed_copies'::regproc); "
        f"BEGIN IF position('{old}' IN definition) = 0 THEN "
        "RAISE EXCEPTION 'addressed_copies: lock not found'; END IF; "
        f"EXECUTE replace(definition, '{old}', '{new}'); END $$"
    )


def _create_postgresql_triggers() -> None:
    _lock_in_copies("SHARE", "NO KEY UPDATE")
    op.execute(
        "CREATE FUNCTION addressed_count() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {_count('OLD', '-')}; END IF; "
        f"IF TG_OP IN ('UPDATE', 'INSERT') THEN {_count('NEW', '+')}; END IF; "
        "RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER addressed_count AFTER INSERT OR DELETE OR UPDATE OF proposal_id ON "
        "addressed_institution FOR EACH ROW EXECUTE FUNCTION addressed_count()"
    )


def upgrade():
    op.add_column(
        "proposal", sa.Column("addressed_count", sa.Integer(), server_default="0", nullable=False)
    )
    if op.get_bind().dialect.name == "postgresql":
        # No row addressed between the fill and the trigger (another host may be serving).
        op.execute("LOCK TABLE addressed_institution IN SHARE ROW EXCLUSIVE MODE")
    op.execute(
        "UPDATE proposal SET addressed_count = (SELECT count(*) FROM addressed_institution "
        "WHERE addressed_institution.proposal_id = proposal.id)"
    )
    if op.get_bind().dialect.name == "postgresql":
        _create_postgresql_triggers()
    else:
        create_sqlite_triggers()
    op.create_index(
        "ix_proposal_unaddressed",
        "proposal",
        ["theme_id", "example", "status", "organisation_id"],
        unique=False,
        sqlite_where=sa.text(UNADDRESSED),
        postgresql_where=sa.text(UNADDRESSED),
    )


def downgrade():
    op.drop_index("ix_proposal_unaddressed", table_name="proposal")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER addressed_count ON addressed_institution")
        op.execute("DROP FUNCTION addressed_count()")
        _lock_in_copies("NO KEY UPDATE", "SHARE")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER addressed_count_{name}")
    # Not a batch: rebuilt, the table would lose the other migrations' triggers on it.
    op.execute("ALTER TABLE proposal DROP COLUMN addressed_count")
