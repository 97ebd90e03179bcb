"""Where a recording's bytes are kept: in the database by default (the ``original`` and
``media`` columns), or, when AUDIO_DIRECTORY is set, as files in that directory, on a
volume every app server shares. Writing and deleting them here; reading them in
app/queries/audio.py.

A file is written under a random name (``<32 hex>.original`` or ``.mp3``), first as
``.part`` then renamed, so a reader never sees half a file; its name is in the row. A
file whose row lets go of it is deleted once the transaction commits (a rollback keeps it:
the row still names it). What a commit never came to delete (a process killed, a row
deleted by a cascade) is swept by the daily purge: a file no row names, older than
SWEEP_GRACE, goes.
"""

import contextlib
import io
import os
import secrets
import shutil
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import BinaryIO

import sqlalchemy as sa
from flask import has_app_context
from sqlalchemy.orm import Session

from app.audio.files import (
    CONVERTED,
    NAME,
    ORIGINAL,
    StorageMissing,
    directory,
    path_of,
    writable_directory,
)
from app.extensions import db
from app.models import AudioRecording

__all__ = ["CONVERTED", "ORIGINAL", "StorageMissing", "directory", "path_of"]

# A file younger than this is never swept: its transaction may not have committed yet.
SWEEP_GRACE = timedelta(hours=1)
COPY_PIECE_BYTES = 256 * 1024
_TO_DELETE = "audio_files_to_delete"


def save_stream(source: BinaryIO, kind: str) -> str:
    """Copy a file into the directory a piece at a time; its new name."""
    name = f"{secrets.token_hex(16)}.{kind}"
    final = writable_directory() / name
    part = final.with_name(final.name + ".part")
    handle = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(handle, "wb") as out:
            shutil.copyfileobj(source, out, COPY_PIECE_BYTES)
            out.flush()
            os.fsync(out.fileno())
        os.replace(part, final)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return name


def save_path(path: str, kind: str) -> str:
    with open(path, "rb") as source:
        return save_stream(source, kind)


def save_bytes(data: bytes, kind: str) -> str:
    return save_stream(io.BytesIO(data), kind)


def names_of(condition) -> list[str]:
    """The file names held by the recordings matching ``condition``."""
    rows = db.session.execute(
        sa.select(AudioRecording.original_file, AudioRecording.media_file).where(condition)
    )
    return [name for row in rows for name in row if name]


def delete_after_commit(names: Iterable[str]) -> None:
    """Delete these files once the current transaction commits (its outermost level: a
    savepoint released inside a transaction later rolled back deletes nothing)."""
    names = [name for name in names if name]
    if names:
        db.session().info.setdefault(_TO_DELETE, set()).update(names)


def delete_now(name: str) -> None:
    if name and directory() is not None:
        with contextlib.suppress(FileNotFoundError, ValueError):
            path_of(name).unlink()


@sa.event.listens_for(Session, "after_commit")
def _delete_released(session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: the outermost transaction may still roll back
    names = session.info.pop(_TO_DELETE, None)
    if names and has_app_context():
        for name in names:
            delete_now(name)


@sa.event.listens_for(Session, "after_transaction_end")
def _keep_on_rollback(session, transaction) -> None:
    """The outermost transaction ended without its commit deleting them (rolled back): the
    rows still name the files. (A savepoint rolled back keeps the names: at worst a file
    goes that the sweep would have taken.)"""
    if transaction.parent is None:
        session.info.pop(_TO_DELETE, None)


def sweep(now: datetime) -> int:
    """Delete the files no recording names, older than SWEEP_GRACE (a cascade deleted
    their row, a process died between the commit and the deletion, a write was rolled
    back); how many. Run outside any transaction of ours: what it reads is committed.
    Nothing to do when the database keeps the recordings."""
    folder = directory()
    if folder is None or not folder.is_dir():
        return 0
    named = set(names_of(sa.true()))
    db.session.commit()  # nothing held while the directory is listed
    before = (now - SWEEP_GRACE).replace(tzinfo=UTC).timestamp()  # ``now``: naive UTC
    swept = 0
    for entry in os.scandir(folder):
        name = entry.name.removesuffix(".part")
        if NAME.fullmatch(name) is None or entry.name in named:
            continue
        with contextlib.suppress(FileNotFoundError):  # taken meanwhile by another server
            if entry.stat().st_mtime < before:
                os.unlink(entry.path)
                swept += 1
    return swept
