"""Keyset-pagination cursors shared by the API's lists: an opaque token of (sort key, id)."""

import base64
import binascii
import json
from datetime import datetime

from flask import abort

from app.web.ids import ID_MAX


def encode_cursor(key: str, ident: int) -> str:
    """The token a client sends back to get the next page, after the row (key, ident)."""
    raw = json.dumps([key, ident])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    """The (key, ident) in a cursor; anything malformed is a bad request."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        key, ident = json.loads(raw)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        abort(400)
    if not isinstance(key, str) or not isinstance(ident, int) or isinstance(ident, bool):
        abort(400)
    if not 0 <= ident <= ID_MAX:  # beyond the id column: PostgreSQL would refuse the query
        abort(400)
    return key, ident


def decode_moment_cursor(cursor: str) -> tuple[datetime, int]:
    """A cursor whose sort key is a timestamp."""
    key, ident = decode_cursor(cursor)
    try:
        return datetime.fromisoformat(key), ident
    except ValueError:
        abort(400)
