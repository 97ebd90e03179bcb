"""A spreadsheet's rows as proposals: its columns recognised, each row checked against the
database, and the preview of what an import would create.

Columns (headers in French or English, whatever their case and accents): titre/title,
texte/text, atelier/workshop (a workshop's slug or name), resume_facile/easy_read,
institutions (names, short names or slugs, separated by ";") and association (the
carrying association's name, short name or slug). Title, text and workshop are required.
A title the event already has is "already imported": the row is shown, never created
twice, so importing the same file again creates nothing new.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field, fields

from flask_babel import gettext as _

from app.imports.spreadsheet import SpreadsheetProblem
from app.models import Organisation, Proposal, Theme
from app.queries.proposal_imports import Catalogue
from app.text import too_long_message

# Column: the headers that name it, as `header_key` reads them.
COLUMNS = {
    "title": ("titre", "title"),
    "text": ("texte", "text"),
    "workshop": ("atelier", "workshop"),
    "easy_read": ("resume_facile", "easy_read"),
    "institutions": ("institutions",),
    "association": ("association",),
}
REQUIRED = ("title", "text", "workshop")
SUGGESTIONS = 3


def title_key(text: str) -> str:
    """Lower case, no accents, spaces collapsed: how titles (and names) are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def header_key(header: str) -> str:
    """ "Résumé facile", "easy-read" → "resume_facile", "easy_read"."""
    return re.sub(r"[^0-9a-z]+", "_", title_key(header)).strip("_")


HEADERS = {header: column for column, headers in COLUMNS.items() for header in headers}


@dataclass
class SheetRow:
    """One line of the file, as typed (stripped strings)."""

    line: int
    title: str = ""
    text: str = ""
    workshop: str = ""
    easy_read: str = ""
    institutions: str = ""
    association: str = ""

    def as_list(self) -> list:
        return [getattr(self, f.name) for f in fields(self)]

    @classmethod
    def from_list(cls, values: list) -> "SheetRow":
        line, *texts = values
        if not isinstance(line, int) or not all(isinstance(text, str) for text in texts):
            raise ValueError("not a row")
        return cls(line, *texts)


@dataclass
class CheckedRow:
    """A row and what it will become: its workshop, institutions and association, or why
    it cannot be imported."""

    source: SheetRow
    theme: Theme | None = None
    institutions: list[Organisation] = field(default_factory=list)
    association: Organisation | None = None
    errors: list[str] = field(default_factory=list)
    already_imported: bool = False

    @property
    def is_new(self) -> bool:
        return not self.errors and not self.already_imported


@dataclass
class Preview:
    rows: list[CheckedRow]

    @property
    def new_rows(self) -> list[CheckedRow]:
        return [row for row in self.rows if row.is_new]

    @property
    def bad_rows(self) -> list[CheckedRow]:
        return [row for row in self.rows if row.errors]

    @property
    def imported_rows(self) -> list[CheckedRow]:
        return [row for row in self.rows if row.already_imported]

    def new_lines(self) -> list[int]:
        return [row.source.line for row in self.new_rows]


def sheet_rows(table: list[list[str]], max_rows: int) -> list[SheetRow]:
    """The file's lines under its header line (the first that is not empty)."""
    start = next((i for i, row in enumerate(table) if any(row)), None)
    if start is None:
        raise SpreadsheetProblem(_("Le fichier est vide."))
    header = table[start]
    columns = _columns(header, table[start + 1 :])
    rows = []
    for number, cells in enumerate(table[start + 1 :], start=start + 2):
        if any(cells[len(header) :]):
            raise SpreadsheetProblem(
                _(
                    "La ligne %(line)d a plus de cellules que la ligne des titres : dans un "
                    "fichier CSV, une cellule qui contient le séparateur (par exemple « ; » "
                    "entre deux institutions) doit être entre guillemets.",
                    line=number,
                )
            )
        values = {name: cells[i] if i < len(cells) else "" for i, name in columns.items()}
        if any(values.values()):
            rows.append(SheetRow(number, **values))
    if not rows:
        raise SpreadsheetProblem(
            _("Le fichier ne contient aucune proposition : seulement la ligne des titres.")
        )
    if len(rows) > max_rows:
        raise SpreadsheetProblem(
            _(
                "Le fichier contient %(count)d propositions ; %(max)d au plus par import : "
                "partagez-le en plusieurs fichiers.",
                count=len(rows),
                max=max_rows,
            )
        )
    return rows


def _columns(header: list[str], body: list[list[str]]) -> dict[int, str]:
    """Column number → column name; unknown, repeated or missing columns refused."""
    columns: dict[int, str] = {}
    unknown = []
    for index, title in enumerate(header):
        if not title:
            if any(index < len(row) and row[index] for row in body):
                unknown.append(_("colonne %(n)d sans titre", n=index + 1))
            continue
        name = HEADERS.get(header_key(title))
        if name is None:
            unknown.append(f"« {title} »")
        elif name in columns.values():
            raise SpreadsheetProblem(_("La colonne « %(title)s » est en double.", title=title))
        else:
            columns[index] = name
    if unknown:
        raise SpreadsheetProblem(
            _(
                "Colonnes inconnues : %(unknown)s. Colonnes possibles : %(known)s.",
                unknown=", ".join(unknown),
                known=", ".join(headers[0] for headers in COLUMNS.values()),
            )
        )
    missing = [COLUMNS[name][0] for name in REQUIRED if name not in columns.values()]
    if missing:
        raise SpreadsheetProblem(
            _("Colonnes obligatoires absentes : %(missing)s.", missing=", ".join(missing))
        )
    return columns


class _Names:
    """Objects found by any of their names, whatever the case and accents."""

    def __init__(self, items, names_of):
        self.by_key: dict[str, list] = {}
        for item in items:
            for name in names_of(item):
                if name:
                    found = self.by_key.setdefault(title_key(name), [])
                    if item not in found:
                        found.append(item)

    def get(self, text: str) -> list:
        return self.by_key.get(title_key(text), [])

    def closest(self, text: str) -> list[str]:
        key = title_key(text)
        keys = difflib.get_close_matches(key, self.by_key, n=SUGGESTIONS * 2, cutoff=0.5)
        names = dict.fromkeys(item.name for key in keys for item in self.by_key[key])
        return list(names)[:SUGGESTIONS]


def _organisation_names(organisation: Organisation) -> tuple:
    return (organisation.name, organisation.short_name, organisation.slug)


def _too_short(count: int, least: int) -> str:
    """The same rule as the proposal form: a few words at least."""
    return _("%(count)d caractères : il en faut %(min)d au moins.", count=count, min=least)


class _Checker:
    def __init__(self, catalogue: Catalogue):
        self.themes = _Names(catalogue.themes, lambda theme: (theme.slug, theme.name))
        self.theme_slugs = [theme.slug for theme in catalogue.themes]
        institutions = [o for o in catalogue.organisations if o.is_institution]
        associations = [o for o in catalogue.organisations if o.is_association]
        self.institutions = _Names(institutions, _organisation_names)
        self.associations = _Names(associations, _organisation_names)
        self.organisations = _Names(catalogue.organisations, _organisation_names)
        self.existing = {title_key(title) for title in catalogue.existing_titles}
        self.seen: dict[str, int] = {}

    def check(self, source: SheetRow) -> CheckedRow:
        row = CheckedRow(source)
        key = title_key(source.title)
        if key and key in self.existing:
            row.already_imported = True
            return row
        self._title(row, key)
        if not source.text:
            row.errors.append(_("Le texte est vide."))
        elif len(source.text) < Proposal.BODY_MIN:
            row.errors.append(_too_short(len(source.text), Proposal.BODY_MIN))
        elif len(source.text) > Proposal.BODY_MAX:
            row.errors.append(too_long_message(len(source.text), Proposal.BODY_MAX))
        if len(source.easy_read) > Proposal.EASY_READ_MAX:
            row.errors.append(too_long_message(len(source.easy_read), Proposal.EASY_READ_MAX))
        self._workshop(row)
        for name in _names_in(source.institutions):
            self._institution(row, name)
        if source.association:
            self._association(row)
        return row

    def _title(self, row: CheckedRow, key: str) -> None:
        title = row.source.title
        if not title:
            row.errors.append(_("Le titre est vide."))
        elif len(title) < Proposal.TITLE_MIN:
            row.errors.append(_too_short(len(title), Proposal.TITLE_MIN))
        elif len(title) > Proposal.TITLE_MAX:
            row.errors.append(
                _(
                    "Le titre fait %(count)d caractères ; %(max)d au plus.",
                    count=len(title),
                    max=Proposal.TITLE_MAX,
                )
            )
        elif key in self.seen:
            row.errors.append(
                _("Ce titre est déjà celui de la ligne %(line)d du fichier.", line=self.seen[key])
            )
        else:
            self.seen[key] = row.source.line

    def _workshop(self, row: CheckedRow) -> None:
        name = row.source.workshop
        found = self.themes.get(name) if name else []
        if found:
            row.theme = found[0]
            return
        if not name:
            row.errors.append(_("L’atelier n’est pas indiqué."))
            return
        known = self.themes.closest(name) or self.theme_slugs
        row.errors.append(
            _(
                "Atelier inconnu : « %(name)s ». Ateliers possibles : %(known)s.",
                name=name,
                known=", ".join(known),
            )
        )

    def _institution(self, row: CheckedRow, name: str) -> None:
        found = self.institutions.get(name)
        if len(found) == 1:
            if found[0] not in row.institutions:
                row.institutions.append(found[0])
        elif found:
            row.errors.append(_ambiguous(name, found))
        elif self.organisations.get(name):
            row.errors.append(_("« %(name)s » n’est pas une institution.", name=name))
        else:
            row.errors.append(_unknown_institution(name, self.institutions))

    def _association(self, row: CheckedRow) -> None:
        name = row.source.association
        found = self.associations.get(name)
        if len(found) == 1:
            row.association = found[0]
        elif found:
            row.errors.append(_ambiguous(name, found))
        elif self.organisations.get(name):
            row.errors.append(_("« %(name)s » n’est pas une association.", name=name))
        else:
            row.errors.append(_unknown_association(name, self.associations))


def _names_in(cell: str) -> list[str]:
    return [name.strip() for name in re.split(r"[;\n]", cell) if name.strip()]


def _unknown_institution(name: str, names: _Names) -> str:
    closest = names.closest(name)
    if not closest:
        return _("Institution inconnue : « %(name)s ».", name=name)
    return _(
        "Institution inconnue : « %(name)s ». Noms proches : %(closest)s.",
        name=name,
        closest=", ".join(closest),
    )


def _unknown_association(name: str, names: _Names) -> str:
    closest = names.closest(name)
    if not closest:
        return _("Association inconnue : « %(name)s ».", name=name)
    return _(
        "Association inconnue : « %(name)s ». Noms proches : %(closest)s.",
        name=name,
        closest=", ".join(closest),
    )


def _ambiguous(name: str, found: list[Organisation]) -> str:
    return _(
        "« %(name)s » peut désigner %(names)s : écrivez le nom complet.",
        name=name,
        names=", ".join(organisation.name for organisation in found),
    )


def check_rows(rows: list[SheetRow], catalogue: Catalogue) -> Preview:
    """Each row checked against the database: what it will create, or its errors."""
    checker = _Checker(catalogue)
    return Preview([checker.check(row) for row in rows])
