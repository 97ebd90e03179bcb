"""board tallies: the board and the synthesis add up the addressed rows' tallies rather
than count 133,000 rows joined to their answers

- ``addressed_institution`` gains what the board counts a row under, copied by triggers
  from its proposal (``proposal_theme_id``, ``proposal_event_id``, ``proposal_example``,
  ``proposal_abandoned``), its answer (``answered``) and its institution
  (``to_institution``): a row deleted by a cascade, after its proposal, still says where it
  was counted.
- ``addressed_tally``: per workshop, event (0: none), example or not and month the answer
  is due (``year * 12 + month - 1``; 0: none), how many rows to institutions are addressed,
  answered and awaited (sent, unanswered, the proposal not abandoned). Filled here, then
  kept by triggers in the transaction of each write: ORM writes, bulk updates and cascades
  alike. The triggers:

  - ``addressed_institution``: a row inserted gets its copies; a row inserted, deleted or
    changed in what it is counted under moves its tally;
  - ``proposal``: a change of workshop, event, example or abandonment is copied onto its
    rows; ``official_response``: an answer given, withdrawn or moved sets ``answered``;
    ``organisation``: a change of kind sets ``to_institution``.

- ``ix_addressed_institution_awaiting_since``: the oldest awaited answer, the first row.

Measured at 100× (133,030 addressed rows, SQLite): the board's network totals took 114 ms,
the synthesis's count of late answers 116 ms.

SQLite: a later ``batch_alter_table`` that rebuilds ``addressed_institution``,
``proposal``, ``official_response`` or ``organisation`` drops the triggers on it: such a
migration must create them again (``create_sqlite_triggers``).

Revision ID: 9b1e5c7d2a40
Revises: e4a7c2b9f136
Create Date: 2026-12-10 06:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9b1e5c7d2a40"
down_revision = "e4a7c2b9f136"
branch_labels = None
depends_on = None

COPIES = (
    "proposal_theme_id",
    "proposal_event_id",
    "proposal_example",
    "proposal_abandoned",
    "answered",
    "to_institution",
)
# The columns a row is counted under: a change of another leaves the tallies alone.
COUNTED = "sent_at, response_due_on, " + ", ".join(COPIES)
KEY = "theme_id, event_id, example, due_month"
FIGURES = ("addressed", "answered", "awaiting")


def _month(day: str, dialect: str) -> str:
    if dialect == "postgresql":
        year, month = f"EXTRACT(YEAR FROM {day})", f"EXTRACT(MONTH FROM {day})"
    else:
        year, month = f"strftime('%Y', {day})", f"strftime('%m', {day})"
    return f"COALESCE(CAST({year} AS INTEGER) * 12 + CAST({month} AS INTEGER) - 1, 0)"


def _awaiting(row: str) -> str:
    return f"{row}.sent_at IS NOT NULL AND NOT {row}.answered AND NOT {row}.proposal_abandoned"


def _flag(condition: str) -> str:
    return f"(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _tally(row: str, sign: int, dialect: str) -> str:
    """Add (1) or take away (-1) a row's share of its tally, if it is to an institution."""
    values = (
        f"{row}.proposal_theme_id, COALESCE({row}.proposal_event_id, 0), {row}.proposal_example, "
        f"{_month(f'{row}.response_due_on', dialect)}, {sign}, "
        f"{sign} * {_flag(f'{row}.answered')}, {sign} * {_flag(_awaiting(row))}"
    )
    added = ", ".join(f"{f} = addressed_tally.{f} + excluded.{f}" for f in FIGURES)
    return (
        f"INSERT INTO addressed_tally ({KEY}, {', '.join(FIGURES)}) "
        f"SELECT {values} WHERE {row}.to_institution "
        f"ON CONFLICT ({KEY}) DO UPDATE SET {added}"
    )


def _copies(row: str) -> list[str]:
    """Each copied column's value for a row (``row``: NEW), read from its neighbours."""
    proposal = f"FROM proposal WHERE proposal.id = {row}.proposal_id"
    answer = (
        "FROM official_response WHERE official_response.proposal_id = "
        f"{row}.proposal_id AND official_response.institution_id = {row}.institution_id"
    )
    organisation = (
        f"FROM organisation WHERE organisation.id = {row}.institution_id "
        "AND organisation.kind = 'institution'"
    )
    return [
        f"(SELECT theme_id {proposal})",
        f"(SELECT event_id {proposal})",
        f"(SELECT example {proposal})",
        f"(SELECT status = 'abandoned' {proposal})",
        f"EXISTS (SELECT 1 {answer})",
        f"EXISTS (SELECT 1 {organisation})",
    ]


def _from_proposal(row: str) -> str:
    return (
        f"proposal_theme_id = {row}.theme_id, proposal_event_id = {row}.event_id, "
        f"proposal_example = {row}.example, proposal_abandoned = ({row}.status = 'abandoned')"
    )


_PROPOSAL_CHANGED = (
    "OLD.theme_id IS DISTINCT FROM NEW.theme_id OR OLD.event_id IS DISTINCT FROM NEW.event_id "
    "OR OLD.example IS DISTINCT FROM NEW.example "
    "OR (OLD.status = 'abandoned') IS DISTINCT FROM (NEW.status = 'abandoned')"
)
_KIND_CHANGED = "(OLD.kind = 'institution') IS DISTINCT FROM (NEW.kind = 'institution')"


def _answered(row: str, value: str) -> str:
    return (
        f"UPDATE addressed_institution SET answered = {value} "
        f"WHERE proposal_id = {row}.proposal_id AND institution_id = {row}.institution_id"
    )


def create_sqlite_triggers() -> None:
    """The tallies' triggers on SQLite (also for a migration that rebuilds a table)."""
    copies = ", ".join(
        f"{column} = {value}" for column, value in zip(COPIES, _copies("NEW"), strict=True)
    )
    fill = f"UPDATE addressed_institution SET {copies} WHERE id = NEW.id"
    for statement in (
        # Inserted: its share as it came, then its copies (the update below moves the share).
        "CREATE TRIGGER addressed_tally_insert AFTER INSERT ON addressed_institution "
        f"BEGIN {_tally('NEW', 1, 'sqlite')}; {fill}; END",
        "CREATE TRIGGER addressed_tally_moved AFTER UPDATE OF proposal_id, institution_id "
        f"ON addressed_institution BEGIN {fill}; END",
        f"CREATE TRIGGER addressed_tally_update AFTER UPDATE OF {COUNTED} ON "
        f"addressed_institution BEGIN {_tally('OLD', -1, 'sqlite')}; "
        f"{_tally('NEW', 1, 'sqlite')}; END",
        "CREATE TRIGGER addressed_tally_delete AFTER DELETE ON addressed_institution "
        f"BEGIN {_tally('OLD', -1, 'sqlite')}; END",
        "CREATE TRIGGER addressed_tally_proposal AFTER UPDATE OF theme_id, event_id, example, "
        f"status ON proposal WHEN {_PROPOSAL_CHANGED} BEGIN UPDATE addressed_institution "
        f"SET {_from_proposal('NEW')} WHERE proposal_id = NEW.id; END",
        "CREATE TRIGGER addressed_tally_answer_insert AFTER INSERT ON official_response "
        f"BEGIN {_answered('NEW', 'TRUE')}; END",
        "CREATE TRIGGER addressed_tally_answer_delete AFTER DELETE ON official_response "
        f"BEGIN {_answered('OLD', 'FALSE')}; END",
        "CREATE TRIGGER addressed_tally_answer_moved AFTER UPDATE OF proposal_id, "
        f"institution_id ON official_response BEGIN {_answered('OLD', 'FALSE')}; "
        f"{_answered('NEW', 'TRUE')}; END",
        f"CREATE TRIGGER addressed_tally_kind AFTER UPDATE OF kind ON organisation WHEN "
        f"{_KIND_CHANGED} BEGIN UPDATE addressed_institution SET to_institution = "
        "(NEW.kind = 'institution') WHERE institution_id = NEW.id; END",
    ):
        op.execute(statement)


SQLITE_TRIGGERS = (
    *("insert", "moved", "update", "delete", "proposal"),
    *("answer_insert", "answer_delete", "answer_moved", "kind"),
)


def _function(name: str, body: str) -> None:
    op.execute(
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} "
        "RETURN NULL; END $$"
    )


def _create_postgresql_triggers() -> None:
    copies = ", ".join(_copies("NEW"))
    # The proposal and the institution locked first: one changed by a transaction under way
    # is read once committed, and one changed later sees this row (READ COMMITTED).
    op.execute(
        "CREATE FUNCTION addressed_copies() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "PERFORM 1 FROM proposal WHERE id = NEW.proposal_id FOR SHARE; "
        "PERFORM 1 FROM organisation WHERE id = NEW.institution_id FOR SHARE; "
        f"SELECT {copies} INTO {', '.join(f'NEW.{c}' for c in COPIES)}; RETURN NEW; END $$"
    )
    _function(
        "addressed_tally",
        f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {_tally('OLD', -1, 'postgresql')}; END IF; "
        f"IF TG_OP IN ('UPDATE', 'INSERT') THEN {_tally('NEW', 1, 'postgresql')}; END IF;",
    )
    _function(
        "addressed_tally_proposal",
        f"IF {_PROPOSAL_CHANGED} THEN UPDATE addressed_institution SET "
        f"{_from_proposal('NEW')} WHERE proposal_id = NEW.id; END IF;",
    )
    _function(
        "addressed_tally_answer",
        f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {_answered('OLD', 'FALSE')}; END IF; "
        f"IF TG_OP IN ('UPDATE', 'INSERT') THEN {_answered('NEW', 'TRUE')}; END IF;",
    )
    _function(
        "addressed_tally_kind",
        f"IF {_KIND_CHANGED} THEN UPDATE addressed_institution SET to_institution = "
        "(NEW.kind = 'institution') WHERE institution_id = NEW.id; END IF;",
    )
    for statement in (
        "CREATE TRIGGER addressed_copies BEFORE INSERT OR UPDATE OF proposal_id, "
        "institution_id ON addressed_institution FOR EACH ROW EXECUTE FUNCTION "
        "addressed_copies()",
        # Moved to another proposal or institution, the copies change in the trigger above,
        # not in the statement's columns: those two are named here too.
        f"CREATE TRIGGER addressed_tally AFTER INSERT OR DELETE OR UPDATE OF {COUNTED}, "
        "proposal_id, institution_id ON addressed_institution FOR EACH ROW EXECUTE FUNCTION "
        "addressed_tally()",
        "CREATE TRIGGER addressed_tally_proposal AFTER UPDATE OF theme_id, event_id, example, "
        "status ON proposal FOR EACH ROW EXECUTE FUNCTION addressed_tally_proposal()",
        "CREATE TRIGGER addressed_tally_answer AFTER INSERT OR DELETE OR UPDATE OF "
        "proposal_id, institution_id ON official_response FOR EACH ROW EXECUTE FUNCTION "
        "addressed_tally_answer()",
        "CREATE TRIGGER addressed_tally_kind AFTER UPDATE OF kind ON organisation FOR EACH ROW "
        "EXECUTE FUNCTION addressed_tally_kind()",
    ):
        op.execute(statement)


POSTGRESQL_TRIGGERS = {
    "addressed_copies": "addressed_institution",
    "addressed_tally": "addressed_institution",
    "addressed_tally_proposal": "proposal",
    "addressed_tally_answer": "official_response",
    "addressed_tally_kind": "organisation",
}


def _fill(dialect: str) -> None:
    """The copies and the tallies from the rows already there."""
    copies = ", ".join(
        f"{column} = {value}"
        for column, value in zip(COPIES, _copies("addressed_institution"), strict=True)
    )
    op.execute(f"UPDATE addressed_institution SET {copies}")
    row = "addressed_institution"
    op.execute(
        f"INSERT INTO addressed_tally ({KEY}, {', '.join(FIGURES)}) "
        f"SELECT proposal_theme_id, COALESCE(proposal_event_id, 0), proposal_example, "
        f"{_month(f'{row}.response_due_on', dialect)} AS month, count(*), "
        f"sum({_flag(f'{row}.answered')}), sum({_flag(_awaiting(row))}) "
        f"FROM {row} WHERE to_institution GROUP BY proposal_theme_id, "
        "COALESCE(proposal_event_id, 0), proposal_example, month"
    )


def _lock_writes(*tables: str) -> None:
    """PostgreSQL: no write to these tables between the fill and the triggers (another host
    may be serving while this one migrates); they wait until the migration commits."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"LOCK TABLE {', '.join(tables)} IN SHARE ROW EXCLUSIVE MODE")


def upgrade():
    op.create_table(
        "addressed_tally",
        sa.Column("theme_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("event_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("example", sa.Boolean(), nullable=False),
        sa.Column("due_month", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("addressed", sa.Integer(), server_default="0", nullable=False),
        sa.Column("answered", sa.Integer(), server_default="0", nullable=False),
        sa.Column("awaiting", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint(
            "theme_id", "event_id", "example", "due_month", name=op.f("pk_addressed_tally")
        ),
    )
    with op.batch_alter_table("addressed_institution", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposal_theme_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("proposal_event_id", sa.Integer(), nullable=True))
        for column in COPIES[2:]:
            batch_op.add_column(
                sa.Column(column, sa.Boolean(), server_default=sa.false(), nullable=False)
            )
        batch_op.create_index(
            "ix_addressed_institution_awaiting_since",
            ["to_institution", "answered", "proposal_abandoned", "sent_at"],
            unique=False,
        )
    _lock_writes("addressed_institution", "proposal", "official_response", "organisation")
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
            op.execute(f"DROP TRIGGER addressed_tally_{name}")

    with op.batch_alter_table("addressed_institution", schema=None) as batch_op:
        batch_op.drop_index("ix_addressed_institution_awaiting_since")
        for column in reversed(COPIES):
            batch_op.drop_column(column)

    op.drop_table("addressed_tally")
