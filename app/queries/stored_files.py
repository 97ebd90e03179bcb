"""Files kept in the database (a response's document, a paper sheet's photo, a spoken
testimony's recording), or in a directory (recordings, with AUDIO_DIRECTORY), read back a
piece at a time, never whole in memory."""

from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db

# How much of a file one read brings.
PIECE_BYTES = 256 * 1024


def pieces(column, *row, start: int = 0, stop: int) -> Iterator[bytes]:
    """Bytes ``start`` to ``stop`` (excluded) of a binary ``column`` in the one row the
    ``row`` conditions select: SQL substr reads a slice (SQLite's BLOB, PostgreSQL's bytea
    alike). A file deleted or replaced while it is read (``row`` no longer matches) stops
    there, never mixing two files."""
    for offset in range(start, stop, PIECE_BYTES):
        length = min(PIECE_BYTES, stop - offset)
        piece = db.session.scalar(
            sa.select(sa.func.substr(column, offset + 1, length, type_=sa.LargeBinary)).where(*row)
        )
        if not piece:
            return
        yield bytes(piece)


def file_pieces(path: Path, start: int, stop: int) -> Iterator[bytes]:
    """Bytes ``start`` to ``stop`` (excluded) of a file, a piece at a time. A file deleted
    before it is opened gives nothing; once opened, it is read to the end asked for."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return
    with handle:
        handle.seek(start)
        left = stop - start
        while left > 0 and (piece := handle.read(min(PIECE_BYTES, left))):
            left -= len(piece)
            yield piece
