"""The content version: one row whose value changes whenever published content may have changed.

The page cache (app/web/page_cache.py) puts it in every kept page's key. It is changed by
the ORM session, in the writer's own transaction, never by reading SQL:

- a flush that inserts, updates or deletes an instance of a content model, or a bulk
  ``update()``, ``delete()`` or ``insert()`` on a content table run through the session,
  marks the session (``session.info``);
- just before a marked session commits, the row gets a new random value, in the same
  transaction as the content: both or neither. A rollback forgets the mark.

Every model is content unless it is declared a `PrivateRecord` (app/models/base.py), so a new
model changes the version until someone decides otherwise. A write that bypasses the ORM
(``session.connection().execute()``, ``sa.text``) calls `mark_changed()` itself, as the
search index's rebuild does. Migrations run on their own connection and change nothing;
``flask cache clear`` (run by ``bin/serve`` after them) gives a new version once.
"""

import secrets
from functools import cache
from itertools import chain

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from app.extensions import db
from app.models.base import PrivateRecord

_CHANGED = "content_changed"  # the mark, in session.info


class ContentVersion(PrivateRecord, db.Model):
    """The page cache's key: a new random value at every commit that wrote content. Several
    app servers share it through the database, so a page cached by one is dropped by all
    when anything changes."""

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger)


def mark_changed(session: Session) -> None:
    """The session wrote content: its commit gives the content version a new value."""
    session.info[_CHANGED] = True


@cache
def _private_tables() -> frozenset[str]:
    return frozenset(
        mapper.local_table.name
        for mapper in db.Model.registry.mappers
        if issubclass(mapper.class_, PrivateRecord)
    )


def _is_content(instance) -> bool:
    return not isinstance(instance, PrivateRecord)


def _note_flush(session: Session, _flush_context) -> None:
    """After a flush (its new, dirty and deleted instances still listed): did it write content?"""
    if session.info.get(_CHANGED):
        return
    if any(_is_content(i) for i in chain(session.new, session.deleted)) or any(
        _is_content(i) and session.is_modified(i) for i in session.dirty
    ):
        mark_changed(session)


def _note_bulk_write(state: ORMExecuteState) -> None:
    """A bulk ``update()``, ``delete()`` or ``insert()`` through the session; reads pass by."""
    statement = state.statement
    if statement.is_dml and getattr(statement.table, "name", None) not in _private_tables():
        mark_changed(state.session)  # a join or an alias has no name: content, to be safe


def _bump_before_commit(session: Session) -> None:
    """The new version goes in with the content, in the same transaction, at its very end:
    the row stays locked (PostgreSQL) only while the commit completes."""
    if session.in_nested_transaction():
        return  # a savepoint: the outermost commit writes the version
    session.flush()  # what the commit is about to flush counts too
    if session.info.pop(_CHANGED, False):
        _write_new_version(session)


def _forget_at_the_end(session: Session, transaction) -> None:
    """A rolled-back transaction changed nothing. (A savepoint rolled back keeps the mark: at
    worst the version changes for nothing.)"""
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)


def _write_new_version(session: Session) -> None:
    version = secrets.randbits(62)
    updated = session.execute(
        sa.update(ContentVersion)
        .where(ContentVersion.id == 1)
        .values(version=version)
        .execution_options(synchronize_session=False)
    )
    if updated.rowcount == 0:  # the row was lost (a test emptied the table): back it comes
        session.execute(sa.insert(ContentVersion).values(id=1, version=version))


def watch(session) -> None:
    """Make every content-writing commit of this session (factory) change the version."""
    if event.contains(session, "after_flush", _note_flush):
        return
    event.listen(session, "after_flush", _note_flush)
    event.listen(session, "do_orm_execute", _note_bulk_write)
    event.listen(session, "before_commit", _bump_before_commit)
    event.listen(session, "after_transaction_end", _forget_at_the_end)
