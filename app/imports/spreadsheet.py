"""An uploaded spreadsheet read into rows of text, by its content, never by its name.

XLSX, XLS and ODS files are read by python-calamine (the first sheet); anything else must
be CSV text: UTF-8 with or without a byte-order mark, else Windows-1252 (what a French
Excel saves), cells separated by ";" or "," (or a tab), chosen from the header line. A
file that is none of these, empty, or too large is refused with a French message.
"""

import csv
import io
import zipfile
from datetime import date, datetime, time

from flask_babel import gettext as _
from python_calamine import CalamineWorkbook

from app.web.incoming import megabytes

# How a workbook starts: a zip archive (XLSX, ODS) or an OLE2 compound file (XLS).
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A workbook's parts, unzipped, at most this many times the file's limit (a zip bomb).
UNZIPPED_RATIO = 20
DELIMITERS = (";", ",", "\t")
# Control characters never found in a text file: what a binary file is full of.
_BINARY = set(range(0, 9)) | {11} | set(range(14, 32))


class SpreadsheetProblem(ValueError):
    """The file cannot be read as a table; the message (translated) says why."""


def read_upload(stream, max_bytes: int) -> list[list[str]]:
    """Read an uploaded file (a file object), at most ``max_bytes`` of it."""
    data = stream.read(max_bytes + 1)
    return read_table(data, max_bytes)


def read_table(data: bytes, max_bytes: int) -> list[list[str]]:
    """The rows of the file's first sheet, each a list of stripped strings; rows entirely
    empty kept as empty lists so that row numbers are the spreadsheet's."""
    if not data or not data.strip():
        raise SpreadsheetProblem(_("Le fichier est vide."))
    if len(data) > max_bytes:
        raise SpreadsheetProblem(
            _(
                "Le fichier est trop volumineux (%(size)s au plus) : partagez-le en "
                "plusieurs fichiers.",
                size=megabytes(max_bytes),
            )
        )
    if data.startswith((ZIP_MAGIC, OLE2_MAGIC)):
        rows = _workbook_rows(data, max_bytes)
    else:
        rows = _csv_rows(data)
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise SpreadsheetProblem(_("Le fichier est vide."))
    return rows


def _not_a_spreadsheet() -> SpreadsheetProblem:
    return SpreadsheetProblem(
        _(
            "Ce fichier n’est pas un tableur lisible. Envoyez un fichier CSV, XLSX ou ODS "
            "(dans votre tableur : « Enregistrer sous »)."
        )
    )


def _workbook_rows(data: bytes, max_bytes: int) -> list[list[str]]:
    if data.startswith(ZIP_MAGIC):
        _check_unzipped_size(data, max_bytes)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise _not_a_spreadsheet()
        cells = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except SpreadsheetProblem:
        raise
    except Exception as error:  # calamine's errors: not a workbook, damaged, encrypted
        raise _not_a_spreadsheet() from error
    return [[_cell_text(value) for value in row] for row in cells]


def _check_unzipped_size(data: bytes, max_bytes: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise _not_a_spreadsheet() from error
    if unzipped > UNZIPPED_RATIO * max_bytes:
        raise SpreadsheetProblem(
            _(
                "Le fichier est trop volumineux une fois décompressé : partagez-le en "
                "plusieurs fichiers."
            )
        )


def _cell_text(value) -> str:
    """A cell as the person reads it: 3 not 3.0, a date as 2026-05-12."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"  # data, in the site's language
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def _csv_rows(data: bytes) -> list[list[str]]:
    text = _decoded(data)
    if sum(1 for char in text[:4096] if ord(char) in _BINARY):
        raise _not_a_spreadsheet()
    header = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(DELIMITERS, key=header.count)
    try:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        return [[cell.strip() for cell in row] for row in reader]
    except csv.Error as error:
        raise _not_a_spreadsheet() from error


def _decoded(data: bytes) -> str:
    if b"\x00" in data:  # UTF-16 or binary: not the CSV a spreadsheet saves by default
        raise _not_a_spreadsheet()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _not_a_spreadsheet()
