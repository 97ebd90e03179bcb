"""Keyset pagination for the API's lists: an opaque cursor of (sort key, id), and the page loop."""

import base64
import binascii
import json
from datetime import date, datetime

import sqlalchemy as sa
from flask import abort, current_app, request

from app.extensions import db
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


def decode_day_cursor(cursor: str) -> tuple[date, int]:
    """A cursor whose sort key is a day."""
    key, ident = decode_cursor(cursor)
    try:
        return date.fromisoformat(key), ident
    except ValueError:
        abort(400)


def keyset_page(query, sort_key, ident, *, ascending: bool, summary=None, first=False) -> dict:
    """One page of ``query`` (ordered by ``sort_key`` then ``ident``, ascending or not) after
    the request's ``?cursor=`` (``first``: the first page, whatever the request says):
    ``{"items": [...], "next_cursor": ...}``.

    One row more than the page is read to know whether another page follows; a timestamp
    or day sort key travels in the cursor as ISO 8601. Without ``summary`` the items are the
    rows themselves (the caller reads their translations in one query, then shapes them).
    """
    size = current_app.config["API_PAGE_SIZE"]
    moment = isinstance(sort_key.type, sa.DateTime)
    day = isinstance(sort_key.type, sa.Date)
    if not first and (cursor := request.args.get("cursor")):
        decode = decode_moment_cursor if moment else decode_day_cursor if day else decode_cursor
        after = decode(cursor)
        key = sa.tuple_(sort_key, ident)
        query = query.where(key > after if ascending else key < after)
    rows = db.session.scalars(query.limit(size + 1)).unique().all()
    items, next_cursor = rows[:size], None
    if len(rows) > size:
        last = getattr(items[-1], sort_key.key)
        next_cursor = encode_cursor(last.isoformat() if moment or day else last, items[-1].id)
    if summary is not None:
        items = [summary(item) for item in items]
    return {"items": items, "next_cursor": next_cursor}
