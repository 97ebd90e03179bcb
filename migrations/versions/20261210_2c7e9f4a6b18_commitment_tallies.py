"""commitment tallies: the board and the synthesis add up the commitments' tallies rather
than count 100,000 commitments joined to their responses

- ``commitment`` gains what it is counted under, copied by triggers from its response's
  proposal (``proposal_theme_id``, ``proposal_event_id``, ``proposal_example``) and
  institution (``by_institution``): a commitment deleted by a cascade, after its response
  and proposal, still says where it was counted.
- ``commitment_tally``: per workshop, event (0: none), example or not, whether an
  institution made them, state and month they are due (``year * 12 + month - 1``), how many
  commitments there are. Filled here, then kept by triggers in the transaction of each
  write: ORM writes, bulk updates and cascades alike. The triggers:

  - ``commitment``: a commitment inserted gets its copies; one inserted, deleted or changed
    in what it is counted under moves its tally;
  - ``proposal``: a change of workshop, event or example is copied onto its commitments;
    ``official_response``: moved to another proposal or institution, its commitments'
    copies follow; ``organisation``: a change of kind sets ``by_institution``.

Measured at 100× (99,896 commitments, SQLite): the board's network count of open
commitments took 19–28 ms, the synthesis's counts of commitments 21 ms.

SQLite: a later ``batch_alter_table`` that rebuilds ``commitment``, ``proposal``,
``official_response`` or ``organisation`` drops the triggers on it: such a migration must
create them again (``create_sqlite_triggers``), and those of migration 9b1e5c7d2a40.

Revision ID: 2c7e9f4a6b18
Revises: 9b1e5c7d2a40
Create Date: 2026-12-10 07:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "2c7e9f4a6b18"
down_revision = "9b1e5c7d2a40"
branch_labels = None
depends_on = None

COPIES = ("proposal_theme_id", "proposal_event_id", "proposal_example", "by_institution")
# The columns a commitment is counted under: a change of another leaves the tallies alone.
COUNTED = "state, due_on, " + ", ".join(COPIES)
KEY = "theme_id, event_id, example, by_institution, state, due_month"
STATES = ("planned", "in_progress", "done", "dropped")


def _month(day: str, dialect: str) -> str:
    if dialect == "postgresql":
        year, month = f"EXTRACT(YEAR FROM {day})", f"EXTRACT(MONTH FROM {day})"
    else:
        year, month = f"strftime('%Y', {day})", f"strftime('%m', {day})"
    return f"CAST({year} AS INTEGER) * 12 + CAST({month} AS INTEGER) - 1"


def _tally(row: str, sign: int, dialect: str) -> str:
    """Add (1) or take away (-1) a commitment's share of its tally, once it has its copies."""
    values = (
        f"{row}.proposal_theme_id, COALESCE({row}.proposal_event_id, 0), {row}.proposal_example, "
        f"{row}.by_institution, {row}.state, {_month(f'{row}.due_on', dialect)}, {sign}"
    )
    return (
        f"INSERT INTO commitment_tally ({KEY}, commitments) "
        f"SELECT {values} WHERE {row}.proposal_theme_id IS NOT NULL "
        f"ON CONFLICT ({KEY}) DO UPDATE SET "
        "commitments = commitment_tally.commitments + excluded.commitments"
    )


def _copies(response_id: str) -> list[str]:
    """Each copied column's value for a commitment of the response ``response_id``."""
    proposal = (
        "FROM official_response JOIN proposal ON proposal.id = official_response.proposal_id "
        f"WHERE official_response.id = {response_id}"
    )
    institution = (
        "FROM official_response JOIN organisation ON organisation.id = "
        f"official_response.institution_id WHERE official_response.id = {response_id} "
        "AND organisation.kind = 'institution'"
    )
    return [
        f"(SELECT proposal.theme_id {proposal})",
        f"(SELECT proposal.event_id {proposal})",
        f"(SELECT proposal.example {proposal})",
        f"EXISTS (SELECT 1 {institution})",
    ]


def _set_copies(response_id: str) -> str:
    return ", ".join(
        f"{column} = {value}" for column, value in zip(COPIES, _copies(response_id), strict=True)
    )


_OF_PROPOSAL = "response_id IN (SELECT id FROM official_response WHERE proposal_id = NEW.id)"
_OF_INSTITUTION = "response_id IN (SELECT id FROM official_response WHERE institution_id = NEW.id)"
_FROM_PROPOSAL = (
    "proposal_theme_id = NEW.theme_id, proposal_event_id = NEW.event_id, "
    "proposal_example = NEW.example"
)
_PROPOSAL_CHANGED = (
    "OLD.theme_id IS DISTINCT FROM NEW.theme_id OR OLD.event_id IS DISTINCT FROM NEW.event_id "
    "OR OLD.example IS DISTINCT FROM NEW.example"
)
_KIND_CHANGED = "(OLD.kind = 'institution') IS DISTINCT FROM (NEW.kind = 'institution')"
_BY_INSTITUTION = "by_institution = (NEW.kind = 'institution')"


def create_sqlite_triggers() -> None:
    """The tallies' triggers on SQLite (also for a migration that rebuilds a table)."""
    fill = f"UPDATE commitment SET {_set_copies('NEW.response_id')} WHERE id = NEW.id"
    for statement in (
        # Inserted: its share as it came, then its copies (the update below moves the share).
        "CREATE TRIGGER commitment_tally_insert AFTER INSERT ON commitment "
        f"BEGIN {_tally('NEW', 1, 'sqlite')}; {fill}; END",
        "CREATE TRIGGER commitment_tally_moved AFTER UPDATE OF response_id ON commitment "
        f"BEGIN {fill}; END",
        f"CREATE TRIGGER commitment_tally_update AFTER UPDATE OF {COUNTED} ON commitment "
        f"BEGIN {_tally('OLD', -1, 'sqlite')}; {_tally('NEW', 1, 'sqlite')}; END",
        "CREATE TRIGGER commitment_tally_delete AFTER DELETE ON commitment "
        f"BEGIN {_tally('OLD', -1, 'sqlite')}; END",
        "CREATE TRIGGER commitment_tally_proposal AFTER UPDATE OF theme_id, event_id, example "
        f"ON proposal WHEN {_PROPOSAL_CHANGED} BEGIN UPDATE commitment SET {_FROM_PROPOSAL} "
        f"WHERE {_OF_PROPOSAL}; END",
        "CREATE TRIGGER commitment_tally_response AFTER UPDATE OF proposal_id, institution_id "
        f"ON official_response BEGIN UPDATE commitment SET {_set_copies('NEW.id')} "
        "WHERE response_id = NEW.id; END",
        f"CREATE TRIGGER commitment_tally_kind AFTER UPDATE OF kind ON organisation WHEN "
        f"{_KIND_CHANGED} BEGIN UPDATE commitment SET {_BY_INSTITUTION} "
        f"WHERE {_OF_INSTITUTION}; END",
    ):
        op.execute(statement)


SQLITE_TRIGGERS = ("insert", "moved", "update", "delete", "proposal", "response", "kind")


def _function(name: str, body: str) -> None:
    op.execute(
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} "
        "RETURN NULL; END $$"
    )


def _create_postgresql_triggers() -> None:
    op.execute(
        # Its response, proposal and institution locked first (as addressed_copies does).
        "CREATE FUNCTION commitment_copies() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "PERFORM 1 FROM official_response JOIN proposal ON proposal.id = "
        "official_response.proposal_id JOIN organisation ON organisation.id = "
        "official_response.institution_id WHERE official_response.id = NEW.response_id "
        "FOR SHARE; "
        f"SELECT {', '.join(_copies('NEW.response_id'))} INTO "
        f"{', '.join(f'NEW.{c}' for c in COPIES)}; RETURN NEW; END $$"
    )
    _function(
        "commitment_tally",
        f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {_tally('OLD', -1, 'postgresql')}; END IF; "
        f"IF TG_OP IN ('UPDATE', 'INSERT') THEN {_tally('NEW', 1, 'postgresql')}; END IF;",
    )
    _function(
        "commitment_tally_proposal",
        f"IF {_PROPOSAL_CHANGED} THEN UPDATE commitment SET {_FROM_PROPOSAL} "
        f"WHERE {_OF_PROPOSAL}; END IF;",
    )
    _function(
        "commitment_tally_response",
        f"UPDATE commitment SET {_set_copies('NEW.id')} WHERE response_id = NEW.id;",
    )
    _function(
        "commitment_tally_kind",
        f"IF {_KIND_CHANGED} THEN UPDATE commitment SET {_BY_INSTITUTION} "
        f"WHERE {_OF_INSTITUTION}; END IF;",
    )
    for statement in (
        "CREATE TRIGGER commitment_copies BEFORE INSERT OR UPDATE OF response_id ON commitment "
        "FOR EACH ROW EXECUTE FUNCTION commitment_copies()",
        # Moved to another response, the copies change in the trigger above, not in the
        # statement's columns: response_id is named here too.
        f"CREATE TRIGGER commitment_tally AFTER INSERT OR DELETE OR UPDATE OF {COUNTED}, "
        "response_id ON commitment FOR EACH ROW EXECUTE FUNCTION commitment_tally()",
        "CREATE TRIGGER commitment_tally_proposal AFTER UPDATE OF theme_id, event_id, example "
        "ON proposal FOR EACH ROW EXECUTE FUNCTION commitment_tally_proposal()",
        "CREATE TRIGGER commitment_tally_response AFTER UPDATE OF proposal_id, institution_id "
        "ON official_response FOR EACH ROW EXECUTE FUNCTION commitment_tally_response()",
        "CREATE TRIGGER commitment_tally_kind AFTER UPDATE OF kind ON organisation FOR EACH ROW "
        "EXECUTE FUNCTION commitment_tally_kind()",
    ):
        op.execute(statement)


POSTGRESQL_TRIGGERS = {
    "commitment_copies": "commitment",
    "commitment_tally": "commitment",
    "commitment_tally_proposal": "proposal",
    "commitment_tally_response": "official_response",
    "commitment_tally_kind": "organisation",
}


def _fill(dialect: str) -> None:
    """The copies and the tallies from the commitments already there."""
    op.execute(f"UPDATE commitment SET {_set_copies('commitment.response_id')}")
    op.execute(
        f"INSERT INTO commitment_tally ({KEY}, commitments) "
        "SELECT proposal_theme_id, COALESCE(proposal_event_id, 0), proposal_example, "
        f"by_institution, state, {_month('commitment.due_on', dialect)} AS month, count(*) "
        "FROM commitment WHERE proposal_theme_id IS NOT NULL GROUP BY proposal_theme_id, "
        "COALESCE(proposal_event_id, 0), proposal_example, by_institution, state, month"
    )


def _lock_writes(*tables: str) -> None:
    """PostgreSQL: no write to these tables between the fill and the triggers (another host
    may be serving while this one migrates); they wait until the migration commits."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"LOCK TABLE {', '.join(tables)} IN SHARE ROW EXCLUSIVE MODE")


def upgrade():
    op.create_table(
        "commitment_tally",
        sa.Column("theme_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("event_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("example", sa.Boolean(), nullable=False),
        sa.Column("by_institution", sa.Boolean(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(*STATES, name="commitmentstate", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("due_month", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("commitments", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint(
            "theme_id",
            "event_id",
            "example",
            "by_institution",
            "state",
            "due_month",
            name=op.f("pk_commitment_tally"),
        ),
    )
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposal_theme_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("proposal_event_id", sa.Integer(), nullable=True))
        for column in COPIES[2:]:
            batch_op.add_column(
                sa.Column(column, sa.Boolean(), server_default=sa.false(), nullable=False)
            )
    _lock_writes("commitment", "official_response", "proposal", "organisation")
    dialect = op.get_bind().dialect.name
    _fill(dialect)
    if dialect == "postgresql":
        _create_postgresql_triggers()
    else:
        create_sqlite_triggers()


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name, table in POSTGRESQL_TRIGGERS.items():
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION {name}()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER commitment_tally_{name}")

    with op.batch_alter_table("commitment", schema=None) as batch_op:
        for column in reversed(COPIES):
            batch_op.drop_column(column)

    op.drop_table("commitment_tally")
