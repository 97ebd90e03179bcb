"""The two formats of the open data exports, written out row by row as they are read.

- CSV: UTF-8 with a byte order mark (spreadsheets then read accents right), comma-separated
  (RFC 4180), one header row with the column names; ``true``/``false``, ISO 8601 dates and
  times (UTC, with a ``Z``), empty cells for nothing, lists joined by ``|``. A text cell a
  spreadsheet would run as a formula starts with a ``'``.
- JSON: one object, ``{"dataset", "publisher", "licence": {"name", "url"}, "exported_at",
  "columns", "items": [...]}``, written piece by piece: one item per line.
"""

import csv
import enum
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime

# Spreadsheets run a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "|"


def plain(value):
    """A value as JSON has it: enums by their value, dates in ISO 8601 (UTC times with Z)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return value


def _cell(value) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(map(str, value))
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return str(value)


def csv_lines(columns: list[str], rows: Iterable[dict]) -> Iterator[str]:
    """The byte order mark, the header row, then one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells) -> str:
        writer.writerow(cells)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield "\ufeff" + line(columns)
    for row in rows:
        yield line([_cell(row[column]) for column in columns])


def json_pieces(envelope: dict, rows: Iterable[dict]) -> Iterator[str]:
    """The envelope's fields, then ``"items": [`` and each row, then the closing brackets."""
    head = json.dumps(envelope, ensure_ascii=False)
    yield head[:-1] + (", " if envelope else "") + '"items": [\n'
    separator = ""
    for row in rows:
        yield separator + json.dumps({k: plain(v) for k, v in row.items()}, ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"
