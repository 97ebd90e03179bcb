"""Reads of the pages translators work from (``ReadTally``): added up in each process's
memory (app/web/read_counter.py) and written here now and then.

One upsert per object adds the reads counted since the last flush, in a short transaction
of its own on its own connection: never the request's, which has long rendered its page.
``ReadTally`` is private, and the write passes by the ORM session, so flushing never
changes the content version: no cached page is dropped for a read.
"""

from collections.abc import Mapping

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.models import ReadTally, TranslatedKind
from app.services import retry_when_busy


def _upsert(dialect: str):
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(ReadTally.__table__)
    return statement.on_conflict_do_update(
        index_elements=["kind", "object_id"],
        set_={"reads": ReadTally.__table__.c.reads + statement.excluded.reads},
    )


@retry_when_busy
def add_reads(counts: Mapping[tuple[TranslatedKind, int], int]) -> None:
    """Add ``counts`` (reads by kind and object id) to the tally, one upsert per object."""
    rows = [
        {"kind": kind, "object_id": object_id, "reads": reads}
        for (kind, object_id), reads in sorted(counts.items())
        if reads > 0
    ]
    if not rows:
        return
    with db.engine.begin() as connection:
        connection.execute(_upsert(connection.dialect.name), rows)
