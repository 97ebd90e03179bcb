"""answers wait for rows being addressed: on PostgreSQL an answer given (or withdrawn)
while another transaction addresses the same proposal to its institution set that row's
``answered`` copy before the row was committed, and so missed it: the row then stayed
awaited (and late, on the board) for good, or answered after the answer was withdrawn.

The answers' trigger now locks the proposal ``FOR NO KEY UPDATE`` first. The addressed
rows' copy trigger holds it ``FOR SHARE`` until its transaction commits (9b1e5c7d2a40), so
the answer waits for the row, then sets its copy; a row addressed after an answer waits
for the answer in the same way (it already did: the responses' count on the proposal
takes the same lock). SQLite writes one transaction at a time: nothing changes there.

Revision ID: a3f8c2d9e614
Revises: 8c3d5f7a9e21
Create Date: 2026-12-11 06:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "a3f8c2d9e614"
down_revision = "8c3d5f7a9e21"
branch_labels = None
depends_on = None


def _answered(row: str, value: str, lock: bool) -> str:
    waits = (
        f"PERFORM 1 FROM proposal WHERE id = {row}.proposal_id FOR NO KEY UPDATE; " if lock else ""
    )
    return (
        f"{waits}UPDATE addressed_institution SET answered = {value} "
        f"WHERE proposal_id = {row}.proposal_id AND institution_id = {row}.institution_id"
    )


def _replace_function(lock: bool) -> None:
    op.execute(
        "CREATE OR REPLACE FUNCTION addressed_tally_answer() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN "
        f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {_answered('OLD', 'FALSE', lock)}; END IF; "
        f"IF TG_OP IN ('UPDATE', 'INSERT') THEN {_answered('NEW', 'TRUE', lock)}; END IF; "
        "RETURN NULL; END $$"
    )


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        _replace_function(lock=True)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _replace_function(lock=False)
