"""`flask database analyze`: the query planner's statistics, refreshed (daily timer)."""

import sqlalchemy as sa

from app.extensions import db

PROPOSALS = 7


def _counted_rows(table: str) -> int | None:
    """How many rows the planner believes the table holds, from its statistics."""
    if db.engine.dialect.name == "sqlite":  # a row per index: "<rows> <rows per key> …"
        stat = db.session.scalar(
            sa.text("SELECT stat FROM sqlite_stat1 WHERE tbl = :t LIMIT 1"), {"t": table}
        )
        return int(stat.split()[0]) if stat else None
    return int(
        db.session.scalar(
            sa.text("SELECT reltuples FROM pg_class WHERE relname = :t"), {"t": table}
        )
    )


def test_the_command_gives_the_planner_the_tables_sizes(app, make_proposal):
    for n in range(PROPOSALS):
        make_proposal(title=f"Proposition {n}")
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["database", "analyze"])

    assert result.exit_code == 0, result.output
    assert "Statistiques de la base mises à jour." in result.output
    db.session.rollback()
    assert _counted_rows("proposal") == PROPOSALS
