"""Importing an event's proposals from a spreadsheet: files read by content (CSV with ";"
or ",", with or without BOM, Windows-1252; XLSX; ODS), each bad input refused with a clear
message and nothing written, the preview writing nothing, the confirmation creating every
new row in one transaction, a second import creating nothing, the carried rows signed,
the admin page, the command line."""

import base64
import io
import os
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from flask import current_app
from itsdangerous import URLSafeTimedSerializer

from app.extensions import db
from app.imports.rows import SheetRow, check_rows, sheet_rows
from app.imports.sealing import SALT, seal
from app.imports.spreadsheet import SpreadsheetProblem, read_table
from app.models import (
    AddressedInstitution,
    Event,
    Organisation,
    OrganisationKind,
    Proposal,
    ProposalStatus,
    StatusChange,
    Theme,
)
from app.queries.proposal_imports import catalogue
from tests.helpers import count_queries
from tests.test_robustness import failing_statement

DOCS = Path(__file__).resolve().parent.parent / "docs"
URL = "/admin/evenements/assises-2026/import"
CONFIRM_URL = URL + "/confirmer"
HEADER = ["titre", "texte", "atelier", "resume_facile", "institutions", "association"]
ROW_1 = ["Ouvrir les bains-douches le dimanche", "Le constat, puis la proposition.", "acces-sante"]
ROW_2 = [
    "Une épicerie solidaire par quartier",
    "Des produits frais à petit prix.",
    "urgence-alimentaire",
]
MAX = 5 * 1024 * 1024


@pytest.fixture
def event(db):
    event = Event(slug="assises-2026", name="Assises 2026", held_on=date(2026, 5, 12))
    db.session.add(event)
    db.session.commit()
    return event


@pytest.fixture
def demo(db):
    """The demo's workshops and institutions, as the sample files name them."""
    themes = {
        slug: Theme(slug=slug, name=name, position=n)
        for n, (slug, name) in enumerate(
            (
                ("acces-sante", "Accès à la santé"),
                ("urgence-alimentaire", "Urgence alimentaire"),
                ("culture-insertion", "Accès à la culture et insertion"),
                ("hebergement-logement", "Hébergement – logement"),
            )
        )
    }
    institution = OrganisationKind.INSTITUTION
    organisations = {
        "ville": Organisation(slug="ville-de-metz", name="Ville de Metz", kind=institution),
        "ccas": Organisation(
            slug="ccas-de-metz",
            name="Centre communal d’action sociale de Metz",
            short_name="CCAS",
            kind=institution,
        ),
        "departement": Organisation(
            slug="cd57", name="Conseil départemental de la Moselle", kind=institution
        ),
        "mdm": Organisation(
            slug="medecins-du-monde",
            name="Médecins du Monde",
            kind=OrganisationKind.ASSOCIATION,
        ),
    }
    db.session.add_all([*themes.values(), *organisations.values()])
    db.session.commit()
    return {"themes": themes, **organisations}


@pytest.fixture
def admin(login_as):
    return login_as("admin")


def _csv(rows, delimiter=";", encoding="utf-8", bom=False) -> bytes:
    text = "\r\n".join(delimiter.join(_quoted(cell, delimiter) for cell in row) for row in rows)
    return ("\ufeff" if bom else "").encode(encoding) + text.encode(encoding)


def _quoted(cell: str, delimiter: str) -> str:
    return f'"{cell}"' if delimiter in cell else cell


def _xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="Propositions">{rows}</table:table>
</office:spreadsheet></office:body></office:document-content>"""
ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
 manifest:version="1.2">
<manifest:file-entry manifest:full-path="/"
 manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def _ods(rows) -> bytes:
    """A minimal OpenDocument spreadsheet: a zip of its mimetype (first, stored), its
    manifest and its content."""
    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{cell}</text:p>'
            "</table:table-cell>"
            for cell in row
        )
        + "</table:table-row>"
        for row in rows
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        archive.writestr("content.xml", ODS_CONTENT.format(rows=cells))
    return buffer.getvalue()


def _upload(client, data: bytes, name="propositions.csv", url=URL):
    return client.post(url, data={"file": (io.BytesIO(data), name)})


def _sealed(response) -> str:
    match = re.search(r'name="rows" type="hidden" value="([^"]+)"', response.get_data(True))
    assert match, "no confirmation form"
    return match.group(1)


def _counts(html: str) -> tuple:
    """To create, already imported, in error: as the preview says."""
    labels = ("Propositions à créer", "Déjà importées", "Lignes en erreur")
    return tuple(
        int(re.search(rf"<dt>{label}</dt><dd>(\d+)</dd>", html).group(1)) for label in labels
    )


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _everything() -> tuple:
    db.session.expire_all()
    return tuple(_count(m) for m in (Proposal, StatusChange, AddressedInstitution))


# Reading files, by content


def test_csv_with_semicolons_and_a_bom():
    rows = read_table(_csv([HEADER[:3], ROW_1], bom=True), MAX)
    assert rows == [HEADER[:3], ROW_1]


def test_csv_with_commas_in_windows_1252():
    rows = read_table(_csv([HEADER[:3], ROW_2], delimiter=",", encoding="cp1252"), MAX)
    assert rows == [HEADER[:3], ROW_2]


def test_xlsx_first_sheet_numbers_as_typed():
    rows = read_table(_xlsx([HEADER[:3], ROW_1, [None, None, None], ["Titre 2", 42, 3.5]]), MAX)
    assert rows == [HEADER[:3], ROW_1, ["", "", ""], ["Titre 2", "42", "3.5"]]


def test_ods():
    rows = read_table(_ods([HEADER[:3], ROW_2]), MAX)
    assert rows == [HEADER[:3], ROW_2]


def test_headers_in_english_any_case_and_accents():
    table = [["TITLE", "Text", "Workshop", "Easy-read", "Institutions", "Association"]]
    table += [
        [
            "Un titre",
            "Un texte assez long pour une proposition.",
            "acces-sante",
            "Facile",
            "CCAS",
            "",
        ]
    ]
    assert sheet_rows(table, 10) == [
        SheetRow(
            2,
            "Un titre",
            "Un texte assez long pour une proposition.",
            "acces-sante",
            "Facile",
            "CCAS",
            "",
        )
    ]
    table[0] = ["Titre", "TEXTE", "Atelier", "Résumé facile", "institutions", "ASSOCIATION"]
    assert sheet_rows(table, 10)[0].easy_read == "Facile"


def test_empty_lines_are_skipped_and_rows_keep_their_line_numbers():
    rows = sheet_rows([[], ["titre", "texte", "atelier"], ROW_1, ["", "", ""], ROW_2], 10)
    assert [row.line for row in rows] == [3, 5]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Le fichier est vide."),
        (b"  \r\n ", "Le fichier est vide."),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "n’est pas un tableur lisible"),
        (b"PK\x03\x04" + bytes(range(256)), "n’est pas un tableur lisible"),
        (bytes(range(1, 9)) * 100, "n’est pas un tableur lisible"),
    ],
)
def test_files_that_are_not_spreadsheets(data, message):
    with pytest.raises(SpreadsheetProblem, match=message):
        read_table(data, MAX)


def test_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(SpreadsheetProblem, match="pas un tableur"):
        read_table(buffer.getvalue(), MAX)


def test_a_zip_bomb_is_refused_unopened():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 30_000)
    with pytest.raises(SpreadsheetProblem, match="une fois décompressé"):
        read_table(buffer.getvalue(), 1000)


def test_the_sample_files_hold_the_same_rows():
    csv_rows = read_table((DOCS / "import-propositions-exemple.csv").read_bytes(), MAX)
    xlsx_rows = read_table((DOCS / "import-propositions-exemple.xlsx").read_bytes(), MAX)
    assert csv_rows == xlsx_rows
    assert all(row[0].endswith("(exemple)") for row in csv_rows[1:])


@pytest.mark.parametrize(
    "name", ["import-propositions-exemple.csv", "import-propositions-exemple.xlsx"]
)
def test_the_sample_files_import_cleanly(client, admin, event, demo, name):
    response = _upload(client, (DOCS / name).read_bytes(), name)
    html = response.get_data(as_text=True)
    assert _counts(html) == (4, 0, 0)
    response = client.post(CONFIRM_URL, data={"rows": _sealed(response)})
    assert response.status_code == 302
    proposals = db.session.scalars(sa.select(Proposal).order_by(Proposal.id)).all()
    assert [p.theme.slug for p in proposals] == list(demo["themes"])
    assert [i.institution.name for i in proposals[0].addressed] == [
        "Ville de Metz",
        "Centre communal d’action sociale de Metz",
    ]
    assert proposals[0].organisation == demo["mdm"]


# Bad files: a clear message, nothing written


BAD_FILES = [
    ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "pas un tableur"),
    ("propositions.xlsx", bytes(range(256)) * 8, "pas un tableur"),
    ("vide.csv", b"", "Le fichier est vide."),
    ("titres.csv", b"titre;texte;atelier\r\n", "aucune proposition"),
    (
        "colonnes.csv",
        "titre;texte;atelier;thème;date\r\nA;B;C;D;E".encode(),
        "Colonnes inconnues : « thème », « date ».",
    ),
    ("manque.csv", b"titre;texte\r\nA;B", "Colonnes obligatoires absentes : atelier."),
    ("double.csv", b"titre;texte;atelier;Title\r\nA;B;C;D", "La colonne « Title » est en double."),
    (
        "guillemets.csv",
        b"titre;texte;atelier;institutions\r\nA;B;acces-sante;Ville de Metz;CCAS",
        "La ligne 2 a plus de cellules que la ligne des titres",
    ),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_file_is_refused_on_the_form(client, admin, event, demo, name, data, message):
    response = _upload(client, data, name)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert 'aria-invalid="true"' in html and "Confirmer l’import" not in html
    assert _everything() == (0, 0, 0)


def test_a_missing_file_is_asked_for(client, admin, event):
    response = client.post(URL, data={})
    assert "Choisissez le fichier à importer." in response.get_data(as_text=True)


def test_a_file_over_the_configured_limit(client, admin, event, demo, monkeypatch):
    monkeypatch.setitem(current_app.config, "IMPORT_MAX_BYTES", 1000)
    rows = [HEADER[:3], ROW_1] * 30
    response = _upload(client, _csv(rows))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Le fichier est trop volumineux (1 Ko au plus)" in html
    assert _everything() == (0, 0, 0)


def test_a_body_far_over_the_limit_is_a_413_that_says_the_limit(client, admin, event, monkeypatch):
    monkeypatch.setitem(current_app.config, "IMPORT_MAX_BYTES", 100 * 1024)
    response = _upload(client, b"x" * (3 * 1024 * 1024))  # over MAX_CONTENT_LENGTH too
    assert response.status_code == 413
    assert "Le fichier envoyé est trop volumineux (100 Ko au plus)" in response.get_data(True)


def test_too_many_rows(client, admin, event, demo, monkeypatch):
    monkeypatch.setitem(current_app.config, "IMPORT_MAX_ROWS", 1)
    response = _upload(client, _csv([HEADER[:3], ROW_1, ROW_2]))
    assert "Le fichier contient 2 propositions ; 1 au plus" in response.get_data(True)


def test_other_forms_still_refuse_files(client, admin):
    response = client.post("/admin/charte", data={"articles": (io.BytesIO(b"x"), "x.txt")})
    assert response.status_code == 400


# Rows checked against the database


def test_each_bad_row_with_its_error(client, admin, event, demo):
    rows = [
        HEADER,
        ["", "Un texte assez long pour une proposition.", "acces-sante", "", "", ""],
        ["Atelier inconnu", "Un texte assez long pour une proposition.", "sante", "", "", ""],
        [
            "Institution inconnue",
            "Un texte assez long pour une proposition.",
            "acces-sante",
            "",
            "Ville de Mets; CCAS",
            "",
        ],
        [
            "Pas une institution",
            "Un texte assez long pour une proposition.",
            "acces-sante",
            "",
            "Médecins du Monde",
            "",
        ],
        [
            "Association inconnue",
            "Un texte assez long pour une proposition.",
            "acces-sante",
            "",
            "",
            "Médecins du monde 2",
        ],
        ["x" * 201, "Un texte assez long pour une proposition.", "acces-sante", "", "", ""],
        ["Sans texte", "", "acces-sante", "", "", ""],
        ["En double", "Un texte assez long pour une proposition.", "acces-sante", "", "", ""],
        ["EN  DOUBLE", "Un texte assez long pour une proposition.", "acces-sante", "", "", ""],
        [
            "Une bonne ligne",
            "Un texte assez long pour une proposition.",
            "Accès à la santé",
            "",
            "cd57",
            "medecins-du-monde",
        ],
        ["Court", "Trop court", "acces-sante", "", "", ""],
        ["Bref", "Un texte assez long pour une proposition.", "acces-sante", "", "", ""],
    ]
    response = _upload(client, _csv(rows))
    html = response.get_data(as_text=True)
    for message in (
        "Le titre est vide.",
        "Atelier inconnu : « sante ». Ateliers possibles : ",
        "Institution inconnue : « Ville de Mets ». Noms proches : Ville de Metz.",
        "« Médecins du Monde » n’est pas une institution.",
        "Association inconnue : « Médecins du monde 2 ». Noms proches : Médecins du Monde.",
        "Le titre fait 201 caractères ; 200 au plus.",
        "Le texte est vide.",
        "Ce titre est déjà celui de la ligne 9 du fichier.",
        "10 caractères : il en faut 20 au moins.",  # the proposal form's rules
        "4 caractères : il en faut 5 au moins.",
    ):
        assert message in html, message
    assert _counts(html) == (2, 0, 10)
    assert "Confirmer l’import" in html
    assert _everything() == (0, 0, 0)
    client.post(CONFIRM_URL, data={"rows": _sealed(response)})
    titles = db.session.scalars(sa.select(Proposal.title).order_by(Proposal.id)).all()
    assert titles == ["En double", "Une bonne ligne"]


def test_the_closest_institutions_are_suggested(event, demo):
    rows = [
        SheetRow(
            2,
            "Un titre",
            "Un texte assez long pour une proposition.",
            "acces-sante",
            institutions="Conseil departemental",
        )
    ]
    preview = check_rows(rows, catalogue(event))
    assert preview.rows[0].errors == [
        "Institution inconnue : « Conseil departemental ». "
        "Noms proches : Conseil départemental de la Moselle."
    ]


def test_institutions_by_name_short_name_or_slug_any_case(event, demo):
    cell = "ville de metz ; ccas\ncd57"
    preview = check_rows(
        [
            SheetRow(
                2,
                "Un titre",
                "Un texte assez long pour une proposition.",
                "ACCES-SANTE",
                institutions=cell,
            )
        ],
        catalogue(event),
    )
    row = preview.rows[0]
    assert not row.errors
    assert row.institutions == [demo["ville"], demo["ccas"], demo["departement"]]


def test_the_preview_writes_nothing_and_shows_each_row(client, admin, event, demo):
    rows = [HEADER, [*ROW_1, "Facile à lire.", "Ville de Metz; CCAS", "Médecins du Monde"]]
    response = _upload(client, _csv(rows))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Rien n’est encore enregistré." in html and "Nouvelle" in html
    assert "Accès à la santé" in html and "Médecins du Monde" in html
    assert "Ville de Metz, Centre communal d’action sociale de Metz" in html
    assert response.headers["Cache-Control"].startswith("no-store")
    assert _everything() == (0, 0, 0)


def test_the_preview_escapes_what_the_file_says(client, admin, event, demo):
    rows = [
        HEADER[:3],
        [
            "<script>alert(1)</script>",
            "Un texte assez long pour une proposition.",
            "<b>atelier</b>",
        ],
    ]
    html = _upload(client, _csv(rows)).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>atelier</b>" not in html


def test_no_confirmation_without_a_new_valid_row(client, admin, event, demo):
    response = _upload(client, _csv([HEADER[:3], ["T", "", "acces-sante"]]))
    html = response.get_data(as_text=True)
    assert "Confirmer l’import" not in html and "Aucune nouvelle proposition" in html


# Confirming


def test_confirm_creates_every_new_row(client, admin, event, demo):
    rows = [HEADER, [*ROW_1, "Facile.", "Ville de Metz; CCAS", "medecins-du-monde"], ROW_2]
    response = client.post(CONFIRM_URL, data={"rows": _sealed(_upload(client, _csv(rows)))})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/propositions?evenement=assises-2026")
    first, second = db.session.scalars(sa.select(Proposal).order_by(Proposal.id)).all()
    assert (first.title, first.body, first.easy_read) == (*ROW_1[:2], "Facile.")
    assert first.event == event and second.event == event
    assert first.status is ProposalStatus.SUBMITTED and first.author == admin
    assert first.organisation == demo["mdm"] and second.organisation is None
    assert [(a.institution, a.sent_at, a.response_due_on) for a in first.addressed] == [
        (demo["ville"], None, None),
        (demo["ccas"], None, None),
    ]
    (change,) = first.status_changes
    assert change.reason.startswith("Importée depuis un tableur le ")
    assert change.actor == admin and change.to_status is ProposalStatus.SUBMITTED
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 propositions importées." in page


def test_confirm_is_one_transaction(client, admin, event, demo):
    rows = [HEADER, [*ROW_1, "", "CCAS", ""], [*ROW_2, "", "CCAS", ""]]
    sealed = _sealed(_upload(client, _csv(rows)))
    # Both proposals are inserted before their institutions (one statement or two).
    with failing_statement("addressed_institution", "disk I/O error") as seen:
        response = client.post(CONFIRM_URL, data={"rows": sealed})
    assert seen["failed"] == 1
    assert response.status_code == 500
    assert _everything() == (0, 0, 0)


def test_importing_the_same_file_twice_creates_nothing_new(client, admin, event, demo):
    data = _csv([HEADER[:3], ROW_1, ROW_2])
    sealed = _sealed(_upload(client, data))
    client.post(CONFIRM_URL, data={"rows": sealed})
    assert _everything() == (2, 2, 0)
    html = _upload(client, data).get_data(as_text=True)
    assert _counts(html) == (0, 2, 0) and "Confirmer l’import" not in html
    # The first preview sent again: it changed since, so it is shown anew; nothing created.
    response = client.post(CONFIRM_URL, data={"rows": sealed})
    assert response.status_code == 200
    assert "Les données ont changé depuis l’aperçu précédent" in response.get_data(True)
    assert _everything() == (2, 2, 0)


def test_a_title_differing_only_by_case_is_already_imported(client, admin, event, demo):
    client.post(CONFIRM_URL, data={"rows": _sealed(_upload(client, _csv([HEADER[:3], ROW_1])))})
    shouted = [ROW_1[0].upper(), *ROW_1[1:]]
    html = _upload(client, _csv([HEADER[:3], shouted, ROW_2])).get_data(as_text=True)
    assert _counts(html) == (1, 1, 0)


def test_what_changed_since_the_preview_is_shown_again(client, admin, event, demo):
    sealed = _sealed(_upload(client, _csv([HEADER[:3], ROW_1, ROW_2])))
    db.session.delete(demo["themes"]["urgence-alimentaire"])
    db.session.commit()
    response = client.post(CONFIRM_URL, data={"rows": sealed})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Les données ont changé" in html and "Atelier inconnu : « urgence-alimentaire »" in html
    assert _everything() == (0, 0, 0)
    client.post(CONFIRM_URL, data={"rows": _sealed(response)})  # confirmed again: the one left
    assert _everything() == (1, 1, 0)


@pytest.mark.parametrize("how", ["changed", "forged", "empty", "other event", "garbage rows"])
def test_tampered_rows_are_refused(client, admin, event, demo, how):
    sealed = _sealed(_upload(client, _csv([HEADER[:3], ROW_1])))
    other = Event(slug="autre", name="Autre", held_on=date(2026, 6, 1))
    db.session.add(other)
    db.session.commit()
    forged = URLSafeTimedSerializer("not the secret", salt=SALT)
    real = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)
    token = {
        "changed": sealed[:-3] + ("AAA" if not sealed.endswith("AAA") else "BBB"),
        "forged": forged.dumps(
            {
                "event": event.id,
                "rows": [
                    [2, "Un titre", "Un texte assez long pour une proposition.", "acces-sante"]
                ],
            }
        ),
        "empty": "",
        "other event": seal(
            other,
            [SheetRow(2, "Un titre", "Un texte assez long pour une proposition.", "acces-sante")],
            [2],
        ),
        "garbage rows": real.dumps({"event": event.id, "rows": [["2", 3]], "new": [2]}),
    }[how]
    response = client.post(CONFIRM_URL, data={"rows": token})
    assert response.status_code == 400
    assert "Cet aperçu n’est plus valable" in response.get_data(as_text=True)
    assert _everything() == (0, 0, 0)


def test_an_old_preview_is_refused(client, admin, event, demo, monkeypatch):
    sealed = _sealed(_upload(client, _csv([HEADER[:3], ROW_1])))
    import itsdangerous.timed

    later = itsdangerous.timed.time.time() + 2 * 24 * 3600
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)
    assert client.post(CONFIRM_URL, data={"rows": sealed}).status_code == 400
    assert _everything() == (0, 0, 0)


# Who may, and forms' protection


@pytest.mark.parametrize("role", ["participant", "association_member", "moderator"])
def test_others_than_admins_may_not(client, login_as, event, demo, role):
    login_as(role)
    assert client.get(URL).status_code == 403
    assert _upload(client, _csv([HEADER[:3], ROW_1])).status_code == 403
    token = seal(event, [SheetRow(2, *ROW_1)], [2])
    assert client.post(CONFIRM_URL, data={"rows": token}).status_code == 403
    assert _everything() == (0, 0, 0)


def test_unknown_event_is_not_found(client, admin):
    assert client.get("/admin/evenements/inconnu/import").status_code == 404


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def test_forms_need_their_csrf_token(csrf_app, event, demo, make_user):
    from tests.conftest import PASSWORD

    client = csrf_app.test_client()
    user = make_user("admin")
    page = client.get("/compte/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"email": user.email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/compte/connexion", data=data).status_code == 302
    assert _upload(client, _csv([HEADER[:3], ROW_1])).status_code == 400
    sealed = seal(event, [SheetRow(2, *ROW_1)], [2])
    assert client.post(CONFIRM_URL, data={"rows": sealed}).status_code == 400
    page = client.get(URL).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"file": (io.BytesIO(_csv([HEADER[:3], ROW_1])), "p.csv"), "csrf_token": token}
    preview = client.post(URL, data=data)
    assert "Confirmer l’import" in preview.get_data(as_text=True)
    form = dict(
        re.findall(
            r'name="(csrf_token|rows)" type="hidden" value="([^"]+)"', preview.get_data(True)
        )
    )
    assert client.post(CONFIRM_URL, data=form).status_code == 302
    assert _everything() == (1, 1, 0)


def test_the_preview_runs_as_many_queries_whatever_the_rows(client, admin, event, demo):
    def preview_of(count):
        rows = [HEADER]
        rows += [
            [
                f"Titre {n}",
                "Un texte assez long pour une proposition.",
                "acces-sante",
                "",
                "Ville de Metz; CCAS",
                "medecins-du-monde",
            ]
            for n in range(count)
        ]
        with count_queries() as statements:
            response = _upload(client, _csv(rows))
        assert response.status_code == 200
        return len(statements)

    assert preview_of(2) == preview_of(40)


def test_the_upload_page_runs_a_fixed_number_of_queries(client, admin, event):
    with count_queries() as statements:
        assert client.get(URL).status_code == 200
    assert len(statements) <= 6, statements


# The command line


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["events", "import", *args])


def test_cli_dry_run_writes_nothing(app, event, demo):
    result = _run(app, "assises-2026", str(DOCS / "import-propositions-exemple.csv"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.count(" OK ") == 4 and "Rien n’a été écrit." in result.output
    assert _everything() == (0, 0, 0)


def test_cli_imports_then_finds_everything_already_imported(app, event, demo):
    path = str(DOCS / "import-propositions-exemple.xlsx")
    result = _run(app, "assises-2026", path)
    assert result.exit_code == 0, result.output
    assert "4 proposition(s) importée(s) dans « Assises 2026 »." in result.output
    assert _everything() == (4, 4, 6)
    result = _run(app, "assises-2026", path)
    assert result.exit_code == 0 and result.output.count("DÉJÀ") == 4
    assert _everything() == (4, 4, 6)


def test_cli_bad_rows_write_nothing_unless_skipped(app, event, demo, tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(
        _csv([HEADER[:3], ROW_1, ["Titre", "Un texte assez long pour une proposition.", "inconnu"]])
    )
    result = _run(app, "assises-2026", str(path))
    assert result.exit_code != 0
    assert "ERREUR" in result.output and "Rien n’a été importé" in result.output
    assert _everything() == (0, 0, 0)
    result = _run(app, "assises-2026", str(path), "--skip-bad-rows")
    assert result.exit_code == 0, result.output
    assert _everything() == (1, 1, 0)


def test_cli_records_the_admin_as_author(app, event, demo, make_user, tmp_path):
    admin = make_user("admin")
    path = tmp_path / "p.ods"
    path.write_bytes(_ods([HEADER[:3], ROW_2]))
    result = _run(app, "assises-2026", str(path), "--admin", admin.email)
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(Proposal)).author == admin


def test_cli_admin_must_be_an_admin(app, event, demo, make_user):
    user = make_user("moderator")
    path = str(DOCS / "import-propositions-exemple.csv")
    result = _run(app, "assises-2026", path, "--admin", user.email)
    assert result.exit_code != 0 and "Aucun compte administrateur" in result.output
    assert _everything() == (0, 0, 0)


@pytest.mark.parametrize(
    ("slug", "content", "message"),
    [
        ("assises-2026", b"\x89PNG\r\n\x1a\n" + bytes(50), "pas un tableur"),
        ("assises-2026", b"nom;date\r\nA;B", "Colonnes inconnues"),
        ("inconnu", b"titre;texte;atelier\r\nA;B;acces-sante", "Aucun événement « inconnu »"),
    ],
)
def test_cli_bad_file_or_event(app, event, demo, tmp_path, slug, content, message):
    path = tmp_path / "p.xlsx"
    path.write_bytes(content)
    result = _run(app, slug, str(path))
    assert result.exit_code != 0 and message in result.output
    assert _everything() == (0, 0, 0)


def test_a_file_larger_than_other_forms_allow_goes_through_both_steps(client, admin, event, demo):
    """Over MAX_CONTENT_LENGTH (2 MB) and under IMPORT_MAX_BYTES (5 MB): the file is read,
    and the confirmation takes a field as large (rows carried, hardly compressible)."""
    texts = [base64.b64encode(os.urandom(7400)).decode() for _ in range(220)]
    rows = [HEADER[:3]] + [[f"Titre {n}", text, "acces-sante"] for n, text in enumerate(texts)]
    data = _csv(rows)
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    assert len(data) > limit
    response = _upload(client, data)
    assert response.status_code == 200 and _counts(response.get_data(True)) == (220, 0, 0)
    assert len(_sealed(response)) > limit
    small = _sealed(_upload(client, _csv([HEADER[:3], ROW_1])))
    response = client.post(CONFIRM_URL, data={"rows": small, "padding": "x" * (limit + 1)})
    assert response.status_code == 302
    assert _everything() == (1, 1, 0)
