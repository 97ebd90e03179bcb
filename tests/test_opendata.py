"""Open data (/donnees): the page, every dataset as CSV and JSON, what they hold and never
hold, the licence, and reading by batches while the file streams."""

import csv
import io
import json
from datetime import date, datetime

import pytest

from app.extensions import db
from app.models import (
    Commitment,
    CommitmentState,
    Contribution,
    ContributionKind,
    ContributionState,
    DisplayMode,
    Event,
    EventKind,
    Meeting,
    MeetingKind,
    OfficialResponse,
    OrganisationKind,
    Position,
    ProposalStatus,
    StatedPosition,
    paris_today,
    utcnow,
)
from app.queries import opendata
from tests.helpers import count_queries

DATASETS = list(opendata.DATASETS)
LICENCE = "Licence Ouverte / Open Licence version 2.0 (Etalab)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"

# Written in the world below, and never to be found in any export.
PENDING_TEXT = "Texte en attente de modération, jamais exporté"
PUBLISHED_COMMENT = "Un commentaire publié, mais les contributions ne sont pas exportées"
GUEST_CONTACT = "mina.contact@prive.example"
AUTHOR_EMAIL = "auteur.secret@example.org"
REP_EMAIL = "representant.secret@example.org"
PREMISES = "192.0.2.0/24"
SECRETS = (PENDING_TEXT, PUBLISHED_COMMENT, GUEST_CONTACT, AUTHOR_EMAIL, REP_EMAIL, PREMISES)


@pytest.fixture
def world(make_organisation, make_theme, make_proposal, make_user):
    """One row of each dataset, linked together, and private things around them."""
    theme = make_theme(name="Hébergement")
    event = Event(
        slug="assises-2015",
        name="Assises de la solidarité 2015",
        kind=EventKind.ASSISES,
        held_on=date(2015, 4, 30),
        place="Metz",
        organisations_count=40,
        summary="Une journée d’échanges.",
    )
    association = make_organisation(
        name="Association Éclair",
        description="Accueil de jour.",
        address="1 rue des Jardins, Metz",
        contact_email="contact@eclair.example",
        contact_phone="03 87 00 00 00",
        website="https://eclair.example",
        premises_networks=PREMISES,
        example=True,
    )
    association.themes.append(theme)
    institution = make_organisation(OrganisationKind.INSTITUTION, name="Préfecture de la Moselle")
    author = make_user("association_member", organisation=association, email=AUTHOR_EMAIL)
    representative = make_user("institution_rep", organisation=institution, email=REP_EMAIL)
    proposal = make_proposal(
        title="Des places d’hébergement toute l’année",
        theme=theme,
        organisation=association,
        author=author,
        status=ProposalStatus.ANSWERED,
        commit=False,
    )
    proposal.event, proposal.example, proposal.origin = event, True, "Assises 2015"
    stated = StatedPosition(
        proposal=proposal,
        institution=institution,
        words="« Nous étudierons la question. »",
        source="Bilan des assises 2015",
        stated_on=date(2015, 4, 30),
        reported_by=association,
    )
    response = OfficialResponse(
        proposal=proposal,
        institution=institution,
        author=representative,
        position=Position.FAVOURABLE,
        body="Nous ouvrons cent places.",
        created_at=datetime(2026, 3, 2, 10, 30),
        updated_at=datetime(2026, 3, 2, 10, 30),
    )
    commitment = Commitment(
        response=response,
        action="Ouvrir l’accueil de nuit",
        due_on=date(2027, 3, 1),
        state=CommitmentState.IN_PROGRESS,
    )
    meeting = Meeting(
        kind=MeetingKind.WORKING_GROUP,
        title="Groupe hébergement",
        theme=theme,
        host=association,
        event=event,
        starts_at=datetime(2027, 1, 14, 13, 0),
        is_public=False,
        cancelled_at=datetime(2027, 1, 10, 8, 0),
        cancel_reason="Salle indisponible.",
        example=True,
    )
    pending = Contribution(
        proposal=proposal,
        kind=ContributionKind.TESTIMONY,
        display_mode=DisplayMode.ANONYMOUS,
        body=PENDING_TEXT,
        state=ContributionState.PENDING,
        guest_name="Mina",
        guest_contact=GUEST_CONTACT,
    )
    comment = Contribution(
        proposal=proposal,
        kind=ContributionKind.COMMENT,
        author=author,
        display_mode=DisplayMode.PSEUDONYM,
        body=PUBLISHED_COMMENT,
        state=ContributionState.PUBLISHED,
    )
    db.session.add_all([stated, response, commitment, meeting, pending, comment])
    db.session.commit()
    return {
        "theme": theme,
        "event": event,
        "association": association,
        "institution": institution,
        "proposal": proposal,
        "stated": stated,
        "response": response,
        "commitment": commitment,
        "meeting": meeting,
    }


def _expected(world) -> dict[str, tuple[int, dict]]:
    """Per dataset: the id of the world's row, and some of its values as JSON gives them."""
    w = world
    proposal = w["proposal"]
    return {
        "propositions": (
            proposal.id,
            {
                "title": "Des places d’hébergement toute l’année",
                "text": "Le constat, puis ce qui est proposé.\nDeuxième ligne.",
                "workshop": w["theme"].slug,
                "workshop_name": "Hébergement",
                "status": "answered",
                "organisation": "Association Éclair",
                "event": "assises-2015",
                "origin": "Assises 2015",
                "example": True,
                "created_at": proposal.created_at.replace(microsecond=0).isoformat() + "Z",
            },
        ),
        "positions-rapportees": (
            w["stated"].id,
            {
                "proposal_id": proposal.id,
                "institution_id": w["institution"].id,
                "institution": "Préfecture de la Moselle",
                "words": "« Nous étudierons la question. »",
                "source": "Bilan des assises 2015",
                "stated_on": "2015-04-30",
                "reported_by": "Association Éclair",
                "example": True,
            },
        ),
        "reponses": (
            w["response"].id,
            {
                "proposal_id": proposal.id,
                "institution": "Préfecture de la Moselle",
                "position": "favourable",
                "text": "Nous ouvrons cent places.",
                "example": True,
                "created_at": "2026-03-02T10:30:00Z",
            },
        ),
        "engagements": (
            w["commitment"].id,
            {
                "response_id": w["response"].id,
                "proposal_id": proposal.id,
                "institution": "Préfecture de la Moselle",
                "action": "Ouvrir l’accueil de nuit",
                "due_on": "2027-03-01",
                "state": "in_progress",
                "example": True,
            },
        ),
        "evenements": (
            w["event"].id,
            {
                "slug": "assises-2015",
                "name": "Assises de la solidarité 2015",
                "kind": "assises",
                "held_on": "2015-04-30",
                "organisations_count": 40,
                "example": False,
            },
        ),
        "reunions": (
            w["meeting"].id,
            {
                "title": "Groupe hébergement",
                "workshop": w["theme"].slug,
                "event": "assises-2015",
                "host": "Association Éclair",
                "starts_at": "2027-01-14T13:00:00Z",
                "ends_at": None,
                "is_public": False,
                "cancelled": True,
                "cancelled_at": "2027-01-10T08:00:00Z",
                "cancel_reason": "Salle indisponible.",
                "example": True,
            },
        ),
        "organisations": (
            w["association"].id,
            {
                "slug": w["association"].slug,
                "name": "Association Éclair",
                "kind": "association",
                "address": "1 rue des Jardins, Metz",
                "contact_email": "contact@eclair.example",
                "contact_phone": "03 87 00 00 00",
                "website": "https://eclair.example",
                "workshops": [w["theme"].slug],
                "example": True,
            },
        ),
    }


def _as_csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(value)
    return str(value)


def _csv(response) -> list[dict]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def _json(response) -> dict:
    return json.loads(response.get_data(as_text=True))


@pytest.mark.parametrize("name", DATASETS)
def test_csv_has_a_header_row_the_row_written_and_the_licence(client, world, name):
    response = client.get(f"/donnees/{name}.csv")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    filename = f"voix-solidaires-{name}-{paris_today().isoformat()}.csv"
    assert response.headers["Content-Disposition"] == f"attachment; filename={filename}"
    assert response.headers["Link"] == f'<{LICENCE_URL}>; rel="license"'
    text = response.get_data(as_text=True)
    header = next(csv.reader(io.StringIO(text[1:])))
    assert header == opendata.DATASETS[name].columns
    ident, values = _expected(world)[name]
    [row] = [row for row in _csv(response) if row["id"] == str(ident)]
    assert {key: row[key] for key in values} == {k: _as_csv_cell(v) for k, v in values.items()}


@pytest.mark.parametrize("name", DATASETS)
def test_json_has_the_licence_the_export_time_and_the_row_written(client, world, name):
    response = client.get(f"/donnees/{name}.json")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "application/json"
    assert response.headers["Link"] == f'<{LICENCE_URL}>; rel="license"'
    data = _json(response)
    assert data["dataset"] == name
    assert data["licence"] == {"name": LICENCE, "url": LICENCE_URL}
    assert data["publisher"] == "Voix solidaires"
    exported = datetime.fromisoformat(data["exported_at"].removesuffix("Z"))
    assert abs((utcnow() - exported).total_seconds()) < 60
    assert data["columns"] == opendata.DATASETS[name].columns
    assert all(list(item) == data["columns"] for item in data["items"])
    ident, values = _expected(world)[name]
    [item] = [item for item in data["items"] if item["id"] == ident]
    assert {key: item[key] for key in values} == values


@pytest.mark.parametrize("extension", ["csv", "json"])
@pytest.mark.parametrize("name", DATASETS)
def test_nothing_private_is_ever_exported(client, world, name, extension):
    """No contribution, guest contact, account e-mail or id, premises networks."""
    text = client.get(f"/donnees/{name}.{extension}").get_data(as_text=True)
    assert [secret for secret in SECRETS if secret in text] == []
    columns = opendata.DATASETS[name].columns
    assert not {"author_id", "email", "premises_networks", "guest_contact"} & set(columns)
    assert not any(column.endswith(("author", "_by_id", "secretary")) for column in columns)


def test_empty_datasets_are_a_header_row_and_an_empty_list(client):
    assert client.get("/donnees/reunions.csv").get_data(as_text=True).count("\n") == 1
    assert _json(client.get("/donnees/reunions.json"))["items"] == []


def test_csv_cells_a_spreadsheet_would_run_start_with_a_quote(client, make_proposal):
    make_proposal(title='=HYPERLINK("http://x.example")')
    [row] = _csv(client.get("/donnees/propositions.csv"))
    assert row["title"] == '\'=HYPERLINK("http://x.example")'
    [item] = _json(client.get("/donnees/propositions.json"))["items"]
    assert item["title"] == '=HYPERLINK("http://x.example")'  # JSON keeps the text as is


def test_the_licence_is_configurable(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN_DATA_LICENCE_NAME", "ODbL 1.0")
    monkeypatch.setitem(app.config, "OPEN_DATA_LICENCE_URL", "https://opendatacommons.org/odbl/")
    response = client.get("/donnees/evenements.json")
    assert _json(response)["licence"] == {
        "name": "ODbL 1.0",
        "url": "https://opendatacommons.org/odbl/",
    }
    assert response.headers["Link"] == '<https://opendatacommons.org/odbl/>; rel="license"'
    html = client.get("/donnees").get_data(as_text=True)
    assert 'href="https://opendatacommons.org/odbl/" rel="license">ODbL 1.0</a>' in html


def _batch_queries(client, url: str, table_start: str) -> tuple[int, int, list]:
    """How many statements the download ran, how many read the dataset (those starting
    ``table_start``), and the file."""
    with count_queries() as statements:
        response = client.get(url)
        body = response.get_data(as_text=True)
    reads = [s for s in statements if table_start in s]
    return len(statements), len(reads), body


@pytest.mark.parametrize("extension", ["csv", "json"])
def test_rows_are_read_by_batches_one_query_each(
    client, make_proposal, make_theme, monkeypatch, extension
):
    """7 rows by batches of 3: 3 queries (3, 3, 1), whatever the number of rows in a batch."""
    monkeypatch.setattr(opendata, "BATCH_SIZE", 3)
    theme = make_theme()
    url = f"/donnees/propositions.{extension}"
    make_proposal(title="Proposition 1", theme=theme)
    one_total, one_reads, _body = _batch_queries(client, url, "FROM proposal JOIN")
    assert one_reads == 1
    for n in range(2, 8):
        make_proposal(title=f"Proposition {n}", theme=theme)
    total, reads, body = _batch_queries(client, url, "FROM proposal JOIN")
    assert reads == 3
    assert total == one_total + 2
    assert all(f"Proposition {n}" in body for n in range(1, 8))
    make_proposal(title="Proposition 8", theme=theme)
    make_proposal(title="Proposition 9", theme=theme)  # 9 rows: 3, 3, 3, then none
    assert _batch_queries(client, url, "FROM proposal JOIN")[1] == 4


def test_organisations_take_one_more_query_per_batch_for_their_workshops(
    client, make_organisation, monkeypatch
):
    monkeypatch.setattr(opendata, "BATCH_SIZE", 3)
    for _n in range(7):
        make_organisation()
    url = "/donnees/organisations.csv"
    assert _batch_queries(client, url, "FROM organisation_theme")[1] == 3
    _total, reads, body = _batch_queries(client, url, "FROM organisation \nWHERE")
    assert reads == 3
    assert body.count("\n") == 8  # the header and 7 rows


@pytest.mark.parametrize(
    "url",
    [
        "/donnees/inconnu.csv",
        "/donnees/inconnu.json",
        "/donnees/propositions.xml",
        "/donnees/propositions",
        "/donnees/contributions.csv",
    ],
)
def test_unknown_datasets_and_formats_are_not_found(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_the_page_lists_every_dataset_its_columns_and_the_licence(client, world):
    html = client.get("/donnees").get_data(as_text=True)
    assert "Données ouvertes" in html
    for name, dataset in opendata.DATASETS.items():
        assert f'href="/donnees/{name}.csv"' in html
        assert f'href="/donnees/{name}.json"' in html
        assert all(f"<code>{column}</code>" in html for column in dataset.columns)
    assert f'<a href="{LICENCE_URL}" rel="license">{LICENCE}</a>' in html
    assert "Publié par Voix solidaires" in html


def test_the_footer_links_to_the_open_data_page(client):
    assert 'href="/donnees"' in client.get("/").get_data(as_text=True)


def test_the_page_runs_the_same_queries_whatever_the_data(client, make_proposal):
    with count_queries() as empty:
        assert client.get("/donnees").status_code == 200
    for n in range(5):
        make_proposal(title=f"Proposition {n}")
    with count_queries() as full:
        assert client.get("/donnees").status_code == 200
    assert len(full) == len(empty)


def test_downloads_are_never_served_from_a_kept_copy(client, make_proposal):
    """Streamed, declared @public: each download reads the database again."""
    make_proposal(title="Première proposition")
    first = client.get("/donnees/propositions.json")
    assert [item["title"] for item in _json(first)["items"]] == ["Première proposition"]
    assert "ETag" not in first.headers
    make_proposal(title="Deuxième proposition")
    titles = [row["title"] for row in _csv(client.get("/donnees/propositions.csv"))]
    assert titles == ["Première proposition", "Deuxième proposition"]
