"""The accountability board (/suivi), its CSV export, the synthesis (/bilan) and its charts,
checked against figures computed by hand on a fixed data set and a fixed today."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from app.board import charts
from app.board.views import _safe_cell
from app.extensions import db
from app.models import (
    AddressedInstitution,
    Commitment,
    CommitmentState,
    Event,
    Meeting,
    OfficialResponse,
    Organisation,
    OrganisationKind,
    Position,
    Proposal,
    ProposalStatus,
    StatusChange,
    Theme,
    utcnow,
)
from app.queries import board as board_queries
from app.queries import synthesis
from tests.conftest import ROLES
from tests.helpers import count_queries

TODAY = date(2025, 3, 10)
SVG = "{http://www.w3.org/2000/svg}"
FORMULA_TITLE = '=HYPERLINK("http://exemple.org";"clic")'
FILED = datetime(2024, 11, 15, 12)  # when most proposals were filed (naive UTC)


def at(year, month, day, hour=12, minute=0) -> datetime:
    """A naive UTC timestamp, as stored."""
    return datetime(year, month, day, hour, minute)


def build(suffix: str = "") -> dict:
    """Two workshops, three institutions, seven proposals, five responses, five commitments.

    The figures each test expects are worked out by hand from here, with today = 10 March 2025.
    """
    sante = Theme(slug=f"sante{suffix}", name=f"Accès à la santé{suffix}", position=1)
    logement = Theme(slug=f"logement{suffix}", name=f"Hébergement{suffix}", position=2)
    ville = _org(f"ville{suffix}", f"Ville de Metz{suffix}")
    prefecture = _org(f"prefecture{suffix}", f"Préfecture de la Moselle{suffix}")
    formule = _org(f"formule{suffix}", f"=SOMME(A1:A9){suffix}")
    association = _org(f"mdm{suffix}", f"Médecins du Monde{suffix}", OrganisationKind.ASSOCIATION)
    p = {}

    def proposal(key, title, theme, status, created=FILED):
        p[key] = Proposal(
            title=title, body="Constat et proposition.", theme=theme, status=status,
            organisation=association, created_at=created, updated_at=created,
        )  # fmt: skip
        p[key].status_changes.append(
            StatusChange(to_status=ProposalStatus.SUBMITTED, created_at=created)
        )
        db.session.add(p[key])

    def address(key, org, sent=None, due=None):
        p[key].addressed.append(
            AddressedInstitution(institution=org, sent_at=sent, response_due_on=due)
        )

    def respond(key, org, position, created, *commitments):
        response = OfficialResponse(
            proposal=p[key], institution=org, position=position, body="Notre réponse.",
            created_at=created, updated_at=created,
        )  # fmt: skip
        for action, due_on, state, updated, reason in commitments:
            response.commitments.append(
                Commitment(
                    action=action, due_on=due_on, state=state, drop_reason=reason,
                    created_at=created, updated_at=updated,
                )
            )  # fmt: skip
        db.session.add(response)

    proposal("p1", "Plateforme d’accueil médico-social", sante, ProposalStatus.ANSWERED)
    address("p1", ville, at(2025, 1, 1, 10), date(2025, 2, 1))
    address("p1", prefecture, at(2025, 1, 1, 10), date(2025, 2, 15))
    respond("p1", ville, Position.FAVOURABLE, at(2025, 1, 11, 9))

    proposal("p2", "Convention PASS et pharmacies", sante, ProposalStatus.IN_PROGRESS)
    address("p2", ville, at(2025, 1, 20, 12), date(2025, 3, 1))
    # 23:30 UTC on 18 February is already 19 February in Metz: 30 days after 20 January.
    respond(
        "p2", ville, Position.FAVOURABLE, at(2025, 2, 18, 23, 30),
        ("Réunir le comité de pilotage", date(2025, 4, 1), CommitmentState.PLANNED,
         at(2025, 2, 18), ""),
        ("Signer la convention", date(2025, 3, 1), CommitmentState.IN_PROGRESS,
         at(2025, 2, 18), ""),
        ("Recenser les pharmacies de garde", date(2025, 2, 1), CommitmentState.DONE,
         at(2025, 2, 2), ""),
    )  # fmt: skip
    p["p2"].status_changes.append(
        StatusChange(
            from_status=ProposalStatus.ANSWERED,
            to_status=ProposalStatus.IN_PROGRESS,
            created_at=at(2025, 2, 25),
        )
    )

    proposal("p3", FORMULA_TITLE, logement, ProposalStatus.SENT)
    address("p3", ville, at(2025, 2, 1, 9), date(2025, 3, 10))  # due today: not late yet
    address("p3", prefecture, at(2025, 2, 1, 9), date(2025, 3, 9))

    proposal("p4", "Mobiliser des locaux vides", logement, ProposalStatus.ANSWERED)
    address("p4", prefecture, at(2024, 12, 1, 10), date(2025, 1, 1))
    respond(
        "p4", prefecture, Position.UNFAVOURABLE, at(2025, 1, 10, 10),
        ("Étudier un bail glissant", date(2025, 2, 1), CommitmentState.DROPPED,
         at(2025, 1, 25), "Aucune volonté politique"),
    )  # fmt: skip
    respond(  # the city answers unasked
        "p4", ville, Position.UNDER_STUDY, at(2025, 1, 5, 10),
        ("Lister les locaux municipaux vides", date(2025, 3, 9), CommitmentState.PLANNED,
         at(2025, 1, 5), ""),
    )  # fmt: skip

    proposal("p5", "Camp géré pour demandeurs d’asile", logement, ProposalStatus.ABANDONED)
    address("p5", ville, at(2025, 1, 1, 10), date(2025, 1, 15))
    p["p5"].status_changes.append(
        StatusChange(
            from_status=ProposalStatus.SENT,
            to_status=ProposalStatus.ABANDONED,
            reason="Avis défavorable de la DDCS",
            created_at=at(2025, 1, 20),
        )
    )

    proposal("p6", "Bains-douches gratuits", sante, ProposalStatus.SUBMITTED)
    address("p6", prefecture)  # not sent yet

    proposal("p7", "Lits halte soins santé", sante, ProposalStatus.ANSWERED, at(2025, 2, 1))
    address("p7", ville)  # answered, but never formally sent: no delay to measure
    respond("p7", ville, Position.NOT_COMPETENT, at(2025, 2, 5))

    # Four of them come from an event of 2024 (the event filters' query counts).
    event = Event(slug=f"assises{suffix}", name=f"Assises 2024{suffix}", held_on=date(2024, 11, 9))
    for key in ("p1", "p2", "p4", "p5"):
        p[key].event = event

    db.session.add_all(
        [
            Meeting(title=f"Groupe accès à la santé{suffix}", theme=sante,
                    starts_at=utcnow() + timedelta(days=20), place_name="Médecins du Monde"),
            Meeting(title=f"Réunion passée{suffix}", theme=sante, starts_at=at(2015, 6, 4, 12)),
        ]
    )  # fmt: skip
    db.session.commit()
    return {
        "sante": sante, "logement": logement, "ville": ville, "prefecture": prefecture,
        "formule": formule, "association": association, "event": event, **p,
    }  # fmt: skip


def _org(slug, name, kind=OrganisationKind.INSTITUTION) -> Organisation:
    org = Organisation(slug=slug, name=name, kind=kind, verified=True)
    db.session.add(org)
    return org


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(board_queries, "paris_today", lambda: TODAY)
    return TODAY


@pytest.fixture
def data(db, today):
    return build()


class _Tables(HTMLParser):
    """Every table of a page as rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, text):
        if self._cell is not None:
            self._cell.append(text)


def rows_of(html: str) -> dict[str, list[str]]:
    """Body rows of every table, keyed by their first cell."""
    parser = _Tables()
    parser.feed(html)
    return {row[0]: row[1:] for table in parser.tables for row in table if row}


# The figures, computed by hand.
VILLE = {
    "addressed": 5,  # p1, p2, p3, p5, p7
    "answered": 3,  # p1, p2, p7
    "awaiting": 1,  # p3 (p5 is abandoned)
    "overdue": 0,  # p3 is due today, not before
    "median_days_to_answer": 20.0,  # p1: 10 days, p2: 30 days; p7 was never sent
    "commitments_due": 1,  # the steering committee, 1 April
    "commitments_overdue": 2,  # the convention (1 March), the empty premises (9 March)
}
PREFECTURE = {
    "addressed": 4,  # p1, p3, p4, p6
    "answered": 1,  # p4
    "awaiting": 2,  # p1, p3 (p6 not sent)
    "overdue": 2,  # p1 due 15 February, p3 due 9 March
    "median_days_to_answer": 40.0,  # 1 December to 10 January
    "commitments_due": 0,
    "commitments_overdue": 0,  # the one commitment was dropped
}
NOTHING = dict.fromkeys(VILLE, 0) | {"median_days_to_answer": None}


def test_institution_accountability_matches_hand_computed_figures(data):
    assert board_queries.institution_accountability(data["ville"], TODAY) == VILLE
    assert board_queries.institution_accountability(data["prefecture"], TODAY) == PREFECTURE
    assert board_queries.institution_accountability(data["formule"], TODAY) == NOTHING


def test_the_network_totals_count_only_institutions_commitments(data):
    """An answer an association recorded (an organisation that is not, or no longer, an
    institution) and its commitments stay out of the network's totals, as out of its rows."""
    before = board_queries.totals(today=TODAY)
    assert (before["commitments_due"], before["commitments_overdue"]) == (1, 2)
    response = OfficialResponse(
        proposal=data["p3"], institution=data["association"], position=Position.FAVOURABLE,
        body="Nous le ferons.", created_at=at(2025, 3, 1), updated_at=at(2025, 3, 1),
    )  # fmt: skip
    response.commitments.append(
        Commitment(action="Ouvrir le local", due_on=date(2025, 3, 5), state=CommitmentState.PLANNED)
    )
    db.session.add(response)
    db.session.commit()
    after = board_queries.totals(today=TODAY)
    assert (after["commitments_due"], after["commitments_overdue"]) == (1, 2)
    data["association"].kind = OrganisationKind.INSTITUTION  # now counted
    db.session.commit()
    assert board_queries.totals(today=TODAY)["commitments_overdue"] == 3


def test_today_moves_the_overdue_line(data):
    """On 9 March nothing of p3 is late yet; on 11 March the city's answer is."""
    assert (
        board_queries.institution_accountability(data["prefecture"], date(2025, 3, 9))["overdue"]
        == 1
    )
    later = board_queries.institution_accountability(data["ville"], date(2025, 3, 11))
    assert later["overdue"] == 1
    assert later["commitments_overdue"] == 2


def test_institution_rows(data):
    rows = board_queries.institution_rows(today=TODAY)
    assert [row["institution"].name for row in rows] == [
        "=SOMME(A1:A9)",
        "Préfecture de la Moselle",
        "Ville de Metz",
    ]
    by_name = {row["institution"].name: row for row in rows}
    assert by_name["Ville de Metz"]["longest_wait_days"] == 37  # p3, since 1 February
    assert by_name["Préfecture de la Moselle"]["longest_wait_days"] == 68  # p1, since 1 January
    assert by_name["=SOMME(A1:A9)"]["longest_wait_days"] is None
    assert {k: by_name["Ville de Metz"][k] for k in VILLE} == VILLE


def test_rows_filtered_by_workshop(data):
    rows = board_queries.institution_rows(theme=data["logement"], today=TODAY)
    by_name = {row["institution"].name: row for row in rows}
    ville, prefecture = by_name["Ville de Metz"], by_name["Préfecture de la Moselle"]
    assert (ville["addressed"], ville["answered"], ville["awaiting"], ville["overdue"]) == (
        2, 0, 1, 0,
    )  # fmt: skip
    assert ville["median_days_to_answer"] is None
    assert (ville["commitments_due"], ville["commitments_overdue"]) == (0, 1)
    assert (prefecture["addressed"], prefecture["awaiting"], prefecture["overdue"]) == (2, 1, 1)
    assert prefecture["median_days_to_answer"] == 40.0


def test_workshop_rows(data):
    sante, logement = board_queries.workshop_rows()
    assert sante["total"] == 4 and logement["total"] == 3
    assert sante["counts"][ProposalStatus.ANSWERED] == 2
    assert sante["counts"][ProposalStatus.IN_PROGRESS] == 1
    assert sante["counts"][ProposalStatus.SUBMITTED] == 1
    assert [logement["counts"][s] for s in ProposalStatus] == [0, 0, 1, 1, 0, 0, 1]
    only = board_queries.workshop_rows(institution=data["prefecture"])
    assert [row["total"] for row in only] == [2, 2]  # p1, p6; p3, p4


def test_overdue_items(data):
    items = list(board_queries.overdue_items(today=TODAY))
    assert [(i["proposal"].id, i["institution"].name) for i in items] == [
        (data["p1"].id, "Préfecture de la Moselle"),
        (data["p3"].id, "Préfecture de la Moselle"),
    ]
    assert [(i["days_overdue"], i["days_waiting"]) for i in items] == [(23, 68), (1, 37)]


def test_board_page_shows_the_figures(client, data):
    response = client.get("/suivi")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    rows = rows_of(html)
    assert rows["Ville de Metz"] == [
        "5", "3", "1 la plus ancienne depuis 37 jours", "0", "20 j", "1", "⚠ 2",
    ]  # fmt: skip
    assert rows["Préfecture de la Moselle"] == [
        "4", "1", "2 la plus ancienne depuis 68 jours", "⚠ 2", "40 j", "0", "0",
    ]  # fmt: skip
    assert rows["=SOMME(A1:A9)"] == ["0", "0", "0", "0", "—aucune réponse datée", "0", "0"]
    assert rows["Accès à la santé"] == ["1", "0", "0", "2", "1", "0", "0", "4"]
    assert rows["Hébergement"] == ["0", "0", "1", "1", "0", "0", "1", "3"]
    # The overdue list: a text marker, not colour alone, and the days late.
    assert rows["Plateforme d’accueil médico-social"][-1] == (
        "⚠ 23 jours de retard (attendue depuis 68 jours)"
    )
    assert rows[FORMULA_TITLE][-1] == "⚠ 1 jour de retard (attendue depuis 37 jours)"
    assert "2 réponses attendues ont dépassé leur date." in html
    assert "Médecins du Monde" not in rows  # associations are not on the board


def test_board_filters(client, data):
    html = client.get("/suivi?atelier=logement").get_data(as_text=True)
    rows = rows_of(html)
    assert rows["Ville de Metz"][:4] == ["2", "0", "1 la plus ancienne depuis 37 jours", "0"]
    assert "Accès à la santé" not in rows and "Plateforme d’accueil médico-social" not in rows
    assert FORMULA_TITLE in rows

    html = client.get(f"/suivi?institution={data['prefecture'].id}").get_data(as_text=True)
    rows = rows_of(html)
    assert "Ville de Metz" not in rows
    assert rows["Préfecture de la Moselle"][0] == "4"
    assert rows["Accès à la santé"][-1] == "2" and rows["Hébergement"][-1] == "2"


@pytest.fixture
def small_pages(monkeypatch):
    """Two institutions and one overdue response a page, to page through the fixed data."""
    from app.board import views

    monkeypatch.setattr(views, "ROWS_PER_PAGE", 2)
    monkeypatch.setattr(views, "OVERDUE_PER_PAGE", 1)
    monkeypatch.setattr(views, "COMMITMENTS_PER_PAGE", 1)


def _links(html: str, rel: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in re.findall(rf'rel="{rel}" href="([^"]+)"', html)]


def test_board_pages_institutions_by_name(client, data, small_pages):
    html = client.get("/suivi").get_data(as_text=True)
    rows = rows_of(html)
    assert "=SOMME(A1:A9)" in rows and "Préfecture de la Moselle" in rows
    assert "Ville de Metz" not in rows
    assert "Page 1 sur 2" in html
    assert _links(html, "next") == [
        "/suivi?retards=2#retards",
        "/suivi?engagements=2#engagements-en-retard",
        "/suivi?page=2#par-institution",
    ]
    assert _links(html, "prev") == []

    html = client.get("/suivi?page=2").get_data(as_text=True)
    rows = rows_of(html)
    assert rows["Ville de Metz"][:3] == ["5", "3", "1 la plus ancienne depuis 37 jours"]
    assert "Préfecture de la Moselle" not in rows and "=SOMME(A1:A9)" not in rows
    assert "/suivi?page=1#par-institution" in _links(html, "prev")
    # The totals and the overdue count are over every institution, on every page.
    assert rows["Toutes les institutions"] == [
        "9", "4", "3 la plus ancienne depuis 68 jours", "⚠ 2", "", "1", "⚠ 2",
    ]  # fmt: skip
    assert "2 réponses attendues ont dépassé leur date." in html


def test_board_pages_overdue_responses(client, data, small_pages):
    html = client.get("/suivi?atelier=sante").get_data(as_text=True)
    assert "Plateforme d’accueil médico-social" in rows_of(html)
    assert "1 réponse attendue a dépassé sa date." in html
    assert _links(html, "next") == ["/suivi?atelier=sante&page=2#par-institution"]

    html = client.get("/suivi").get_data(as_text=True)
    rows = rows_of(html)
    assert "Plateforme d’accueil médico-social" in rows and FORMULA_TITLE not in rows
    html = client.get("/suivi?retards=2&page=2").get_data(as_text=True)
    rows = rows_of(html)
    assert FORMULA_TITLE in rows and "Plateforme d’accueil médico-social" not in rows
    assert "Ville de Metz" in rows  # each list keeps its own page
    assert "/suivi?retards=1&page=2#retards" in _links(html, "prev")
    assert "2 réponses attendues ont dépassé leur date." in html


def _late_commitments(html: str) -> dict[str, list[str]]:
    """The overdue commitments' rows (without the header's), keyed by action and state."""
    section = html[html.index('id="engagements-en-retard"') : html.index('id="par-institution"')]
    rows = rows_of(section)
    rows.pop("Engagement", None)
    return rows


def test_board_lists_the_overdue_commitments_oldest_first(client, data):
    """What the late-commitment counts are made of: open commitments past their date, with
    their proposal's response, institution and days late; kept or dropped ones are not."""
    html = client.get("/suivi").get_data(as_text=True)
    assert "2 engagements prévus ou en cours ont dépassé leur date." in html
    rows = _late_commitments(html)
    assert rows == {
        "Signer la convention En cours": [
            "Convention PASS et pharmacies", "Ville de Metz", "1 mars 2025", "⚠ 9 jours de retard",
        ],
        "Lister les locaux municipaux vides Prévu": [
            "Mobiliser des locaux vides", "Ville de Metz", "9 mars 2025", "⚠ 1 jour de retard",
        ],
    }  # fmt: skip
    assert list(rows) == sorted(rows, reverse=True)  # "Signer…" first: the longest overdue
    response = db.session.scalar(sa.select(OfficialResponse).filter_by(proposal_id=data["p2"].id))
    assert f'href="/propositions/{data["p2"].id}#reponse-{response.id}"' in html
    # The city's count leads to its own list.
    assert f'href="/suivi?institution={data["ville"].id}#engagements-en-retard"' in html
    html = client.get(f"/suivi?institution={data['prefecture'].id}").get_data(as_text=True)
    assert "Aucun engagement en retard." in html
    html = client.get("/suivi?atelier=logement").get_data(as_text=True)
    assert list(_late_commitments(html)) == ["Lister les locaux municipaux vides Prévu"]


def test_board_pages_overdue_commitments(client, data, small_pages):
    html = client.get("/suivi").get_data(as_text=True)
    assert list(_late_commitments(html)) == ["Signer la convention En cours"]
    assert "/suivi?engagements=2#engagements-en-retard" in _links(html, "next")
    html = client.get("/suivi?engagements=2").get_data(as_text=True)
    assert list(_late_commitments(html)) == ["Lister les locaux municipaux vides Prévu"]


def test_board_page_links_keep_the_filters(client, data, small_pages):
    url = f"/suivi?atelier=logement&institution={data['prefecture'].id}"
    html = client.get(url).get_data(as_text=True)
    assert rows_of(html)["Préfecture de la Moselle"][:4] == [
        "2", "1", "1 la plus ancienne depuis 37 jours", "⚠ 1",
    ]  # fmt: skip
    assert "Toutes les institutions" not in rows_of(html)  # no totals for a single row
    assert _links(html, "next") == []  # one overdue response, one institution
    # The row names filter on their institution, the workshop kept; the form keeps both.
    html = client.get("/suivi?atelier=logement").get_data(as_text=True)
    link = f'href="/suivi?institution={data["prefecture"].id}&amp;atelier=logement"'
    assert link in html
    html = client.get(url).get_data(as_text=True)
    assert f'name="institution" value="{data["prefecture"].id}"' in html
    assert 'href="/organisations/prefecture"' in html
    assert 'href="/suivi?atelier=logement">Toutes les institutions' in html


def test_board_page_past_the_end_is_empty(client, data, small_pages):
    html = client.get("/suivi?page=3&retards=9").get_data(as_text=True)
    rows = rows_of(html)
    assert not {"Ville de Metz", "Préfecture de la Moselle", FORMULA_TITLE} & set(rows)
    assert "Page 3 sur 2" in html and "/suivi?page=2&retards=9#par-institution" in _links(
        html, "prev"
    )


@pytest.mark.parametrize("query", ["?page=0", "?page=abc", "?retards=-1", "?retards=²"])
def test_bad_board_page_numbers(client, data, query):
    response = client.get("/suivi" + query)
    assert response.status_code == 400
    assert "Requête invalide" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "status", "title"),
    [
        ("?atelier=inconnu", 404, "Page introuvable"),
        ("?institution=abc", 400, "Requête invalide"),
        ("?institution=-1", 400, "Requête invalide"),
        ("?institution=١", 400, "Requête invalide"),
        ("?institution=99999", 404, "Page introuvable"),
        ("?institution=association", 404, "Page introuvable"),
    ],
)
@pytest.mark.parametrize("path", ["/suivi", "/suivi.csv"])
def test_bad_board_filters(client, data, path, query, status, title):
    query = query.replace("association", str(data["association"].id))
    response = client.get(path + query)
    assert response.status_code == status
    assert title in response.get_data(as_text=True)


def _csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def test_csv_export(client, data):
    response = client.get("/suivi.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Disposition"] == "attachment; filename=suivi-2025-03-10.csv"
    rows = _csv(response)
    assert rows[0][:3] == ["Institution", "Propositions adressées", "Réponses reçues"]
    assert ["Ville de Metz", "5", "3", "1", "0", "37", "20", "1", "2", ""] in rows
    assert ["Préfecture de la Moselle", "4", "1", "2", "2", "68", "40", "0", "0", ""] in rows
    # Formula injection: text that would run as a formula starts with a quote.
    assert ["'=SOMME(A1:A9)", "0", "0", "0", "0", "", "", "0", "0", ""] in rows
    assert ["Accès à la santé", "1", "0", "0", "2", "1", "0", "0", "4"] in rows
    assert [
        "'" + FORMULA_TITLE,
        "Préfecture de la Moselle",
        "2025-02-01",
        "2025-03-09",
        "1",
        "0",  # people concerned
        "",
    ] in rows
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_csv_export_is_not_paginated(client, data, small_pages, monkeypatch):
    from tests.helpers import yield_per_seen

    monkeypatch.setattr("app.queries.board.OVERDUE_BATCH_ROWS", 1)  # read one by one
    batches = yield_per_seen(monkeypatch, "scalars")
    response = client.get("/suivi.csv?page=2&retards=2")
    assert response.is_streamed
    names = [row[0] for row in _csv(response) if row]
    assert {"'=SOMME(A1:A9)", "Préfecture de la Moselle", "Ville de Metz"} <= set(names)
    assert {"Plateforme d’accueil médico-social", "'" + FORMULA_TITLE} <= set(names)
    assert 1 in batches  # the overdue responses, read one at a time


def test_csv_export_filtered(client, data):
    response = client.get(f"/suivi.csv?atelier=logement&institution={data['ville'].id}")
    disposition = response.headers["Content-Disposition"]
    assert disposition == f"attachment; filename=suivi-logement-{data['ville'].id}-2025-03-10.csv"
    rows = _csv(response)
    names = [row[0] for row in rows if row]
    assert "Ville de Metz" in names and "Hébergement" in names
    assert "Préfecture de la Moselle" not in names and "Accès à la santé" not in names


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6 00", "'+33 6 00"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Ville", "Ville"),
        (-2, -2),
        (3, 3),
    ],
)
def test_safe_cell(value, expected):
    assert _safe_cell(value) == expected


def _svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", html, re.S)]


def _bars(svg: ET.Element) -> list[tuple[str, str]]:
    bars = []
    for group in svg.iter(f"{SVG}g"):
        label, value = (text.text for text in group.iter(f"{SVG}text"))
        bars.append((label, value))
    return bars


def _check_accessible(svg: ET.Element, title: str) -> None:
    assert svg.get("role") == "img"
    title_el, desc_el = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert svg.get("aria-labelledby").split() == [title_el.get("id"), desc_el.get("id")]
    assert title_el.text == title
    assert not list(svg.iter(f"{SVG}script"))
    assert "href" not in ET.tostring(svg, encoding="unicode")


def test_synthesis_sections_and_charts(client, data):
    response = client.get("/bilan")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    headings = re.findall(r"<h2 id=\"[a-z]+\">(.*?)</h2>", html)
    assert headings == [
        "I. Les avancées",
        "II. Les freins",
        "III. Les propositions",
        "Les voix",
        "IV. Suite à donner",
    ]
    avancees, freins, propositions, _voices, suite = re.split(r"<h2 id=", html)[1:]
    assert "Plateforme d’accueil médico-social" in avancees  # favourable
    assert "Convention PASS et pharmacies" in avancees  # favourable, then in progress
    assert "passée à « En cours de mise en œuvre »" in avancees
    assert "Recenser les pharmacies de garde" in avancees  # commitment done
    assert "Mobiliser des locaux vides" in freins  # unfavourable
    assert "Avis défavorable de la DDCS" in freins  # abandoned, with the reason
    assert "Aucune volonté politique" in freins  # dropped commitment
    assert "Signer la convention" in freins and "Lister les locaux municipaux vides" in freins
    assert "23 jours de retard" in freins
    assert "Groupe accès à la santé" in suite and "Réunion passée" not in suite
    # Open commitments: those to come first (1 April), then the late ones (1 and 9 March).
    assert "Réunir le comité de pilotage" in suite
    assert (
        suite.index("Réunir le comité de pilotage")
        < suite.index("Signer la convention")
        < suite.index("Lister les locaux municipaux vides")
    )
    # Without a workshop, no proposal is listed: each workshop's figures lead to its synthesis.
    assert "Lits halte soins santé" not in propositions
    rows = rows_of(propositions)
    # By status (Déposée … Abandonnée), total, with an official response, without one.
    assert rows["Accès à la santé"] == ["1", "0", "0", "2", "1", "0", "0", "4", "3", "1"]
    assert rows["Hébergement"] == ["0", "0", "1", "1", "0", "0", "1", "3", "1", "2"]
    assert 'href="/bilan?atelier=logement"><bdi lang="fr" dir="ltr">Hébergement</bdi></a>' in (
        propositions
    )

    status_svg, position_svg = _svgs(html)
    _check_accessible(status_svg, "Propositions par statut")
    _check_accessible(position_svg, "Réponses officielles par position")
    assert _bars(status_svg) == [
        ("Déposée", "1"),
        ("En discussion", "0"),
        ("Transmise aux institutions", "1"),
        ("Réponse reçue", "3"),
        ("En cours de mise en œuvre", "1"),
        ("Réalisée", "0"),
        ("Abandonnée", "1"),
    ]
    assert _bars(position_svg) == [
        ("Favorable", "2"),
        ("À l’étude", "1"),
        ("Défavorable", "1"),
        ("Déjà en place", "0"),
        ("Pas compétente", "1"),
    ]
    assert "Réponse reçue : 3" in status_svg.find(f"{SVG}desc").text
    # Each chart is followed by a table with the same numbers.
    rows = rows_of(html)
    assert rows["Réponse reçue"] == ["3"] and rows["Favorable"] == ["2"]
    assert rows["Déjà en place"] == ["0"]


def test_synthesis_over_a_period(client, data):
    """From 15 January to 18 February, days in Metz: p2's answer (19 February there) is out."""
    html = client.get("/bilan?du=2025-01-15&au=2025-02-18").get_data(as_text=True)
    avancees, freins, propositions, _voices, _suite = re.split(r"<h2 id=", html)[1:]
    assert "Aucune réponse favorable sur la période." in avancees
    assert "Recenser les pharmacies de garde" in avancees  # done on 2 February
    assert "passée à « En cours" not in avancees  # on 25 February
    assert "Avis défavorable de la DDCS" in freins  # abandoned on 20 January
    assert "Aucune volonté politique" in freins  # dropped on 25 January
    assert "23 jours de retard" in freins  # due 15 February
    assert FORMULA_TITLE.replace('"', "&#34;") not in freins  # due 9 March
    rows = rows_of(propositions)
    assert rows["Accès à la santé"][-3:] == ["1", "1", "0"]  # only p7 was filed in the period
    assert rows["Hébergement"][-3:] == ["0", "0", "0"]
    # The workshop's synthesis keeps the period.
    assert 'href="/bilan?atelier=sante&amp;du=2025-01-15&amp;au=2025-02-18"' in propositions
    status_svg, position_svg = _svgs(html)
    assert dict(_bars(status_svg))["Réponse reçue"] == "1"
    assert [value for _label, value in _bars(position_svg)] == ["0", "0", "0", "0", "1"]


def test_synthesis_for_one_workshop(client, data):
    html = client.get("/bilan?atelier=logement").get_data(as_text=True)
    assert 'Bilan : <bdi lang="fr" dir="ltr">Hébergement</bdi>' in html
    assert "Mobiliser des locaux vides" in html
    assert "Plateforme d’accueil médico-social" not in html
    assert "Groupe accès à la santé" not in html  # the health workshop's meeting
    propositions = re.split(r"<h2 id=", html)[3]
    # Its proposals, each with every institution's position, the latest filed first.
    # Answered unasked:
    assert '<bdi dir="auto">Ville de Metz</bdi> : <strong>À l’étude</strong>' in propositions
    assert "plus attendue (proposition abandonnée)" in propositions  # p5
    rows = rows_of(propositions)
    assert rows["Hébergement"][-3:] == ["3", "1", "2"] and "Accès à la santé" not in rows
    assert 'Atelier <bdi lang="fr" dir="ltr">Hébergement</bdi>' in propositions
    assert "… et" not in html


def test_synthesis_for_one_workshop_over_a_period(client, data):
    html = client.get("/bilan?atelier=sante&du=2025-01-15&au=2025-02-18").get_data(as_text=True)
    propositions = re.split(r"<h2 id=", html)[3]
    assert "Lits halte soins santé" in propositions  # the only one filed in the period
    assert '<bdi dir="auto">Ville de Metz</bdi> : <strong>Pas compétente</strong>' in propositions
    assert "Plateforme d’accueil médico-social" not in propositions
    assert "Bains-douches gratuits" not in propositions


def test_synthesis_shows_not_yet_sent(client, data):
    html = client.get("/bilan?atelier=sante").get_data(as_text=True)
    assert (
        '<bdi dir="auto">Préfecture de la Moselle</bdi> : '
        "concernée · proposition pas encore envoyée sur le site" in html
    )  # p6: neither awaited nor late


def _favourable_answers(data, n: int, theme_key: str = "logement") -> None:
    """``n`` proposals of one workshop answered favourably by the city, after all the others."""
    for i in range(n):
        day = at(2025, 3, 1) + timedelta(hours=i)
        proposal = Proposal(
            title=f"Proposition favorable {i:02d}", body="Constat.", theme=data[theme_key],
            status=ProposalStatus.ANSWERED, organisation=data["association"],
            created_at=day, updated_at=day,
        )  # fmt: skip
        proposal.addressed.append(AddressedInstitution(institution=data["ville"], sent_at=day))
        db.session.add(proposal)
        db.session.add(
            OfficialResponse(
                proposal=proposal, institution=data["ville"], position=Position.FAVOURABLE,
                body="Oui.", created_at=day, updated_at=day,
            )
        )  # fmt: skip
    db.session.commit()


def _list_after(html: str, heading: str) -> str:
    """The part of a section from one heading to the next."""
    return html.split(f"<h3>{heading}</h3>", 1)[1].split("<h3>", 1)[0]


def test_synthesis_lists_stop_at_the_bound_and_count_the_rest(client, data):
    # Two favourable answers already (p1, p2): three more than the bound in all.
    _favourable_answers(data, synthesis.LIST_LIMIT + 1)
    html = client.get("/bilan").get_data(as_text=True)
    favourable = _list_after(html, "Réponses favorables")
    assert favourable.count("<li>") == synthesis.LIST_LIMIT
    last = synthesis.LIST_LIMIT  # the latest first: the newest is shown, the oldest are not
    assert f"Proposition favorable {last:02d}" in favourable
    assert "Proposition favorable 00" not in favourable
    assert "Plateforme d’accueil médico-social" not in favourable
    assert "… et 3 autres :" in favourable
    link = '<a href="/propositions?statut=answered">Propositions « Réponse reçue »</a>'
    assert link in favourable
    assert '<a href="#par-atelier">Par atelier</a>' in favourable
    assert 'id="par-atelier"' in html
    # Other lists under the bound say nothing more.
    assert "… et" not in _list_after(html, "Réponses défavorables")


def test_synthesis_next_steps_stop_at_the_bound_with_those_to_come(client, data):
    """More commitments to come than the list shows: the soonest due, no late one after."""
    response = db.session.scalars(
        sa.select(OfficialResponse).filter_by(proposal_id=data["p1"].id)
    ).first()
    for i in range(synthesis.LIST_LIMIT):
        response.commitments.append(
            Commitment(action=f"Étape à venir {i:02d}", due_on=date(2025, 4, 2) + timedelta(i))
        )
    db.session.commit()
    suite = client.get("/bilan").get_data(as_text=True).split('<h2 id="suite">', 1)[1]
    assert suite.count("Étape à venir") == synthesis.LIST_LIMIT - 1
    assert "Réunir le comité de pilotage" in suite  # 1 April, the soonest
    assert f"Étape à venir {synthesis.LIST_LIMIT - 2:02d}" in suite
    assert f"Étape à venir {synthesis.LIST_LIMIT - 1:02d}" not in suite
    assert "Signer la convention" not in suite and "Lister les locaux" not in suite  # late


def test_synthesis_links_keep_the_workshop(client, data):
    _favourable_answers(data, synthesis.LIST_LIMIT + 1)  # all in housing, with p4 unfavourable
    html = client.get("/bilan?atelier=logement").get_data(as_text=True)
    favourable = _list_after(html, "Réponses favorables")
    assert favourable.count("<li>") == synthesis.LIST_LIMIT
    assert "… et 1 autre :" in favourable
    assert 'href="/propositions?statut=answered&amp;atelier=logement"' in favourable
    assert "Par atelier" not in favourable  # one workshop already


def test_each_synthesis_shows_its_own_rows_when_its_statements_are_reused(client, data):
    """The statements are built once for their values (app/queries/statements.py): a
    workshop's synthesis asked again after others shows the same rows, and another
    workshop's or another period's never shows them."""
    _favourable_answers(data, 2, "logement")
    _favourable_answers(data, 1, "sante")

    def favourable(path: str) -> str:
        return _list_after(client.get(path).get_data(as_text=True), "Réponses favorables")

    housing = favourable("/bilan?atelier=logement")
    network, health = favourable("/bilan"), favourable("/bilan?atelier=sante")
    before = favourable("/bilan?atelier=logement&au=2025-02-28")
    assert favourable("/bilan?atelier=logement") == housing
    assert "Proposition favorable 01" in housing and "Proposition favorable 01" in network
    assert "Proposition favorable 01" not in health and "Proposition favorable 01" not in before
    assert "Proposition favorable 00" in health  # its own


def test_synthesis_workshop_proposals_stop_at_the_bound(client, data):
    _favourable_answers(data, synthesis.PROPOSAL_LIMIT)  # with p3, p4, p5: three too many
    html = client.get("/bilan?atelier=logement").get_data(as_text=True)
    propositions = re.split(r"<h2 id=", html)[3]
    assert propositions.count('<li class="card">') == synthesis.PROPOSAL_LIMIT
    assert "Mobiliser des locaux vides" not in propositions  # filed first, shown last: cut
    assert "… et 3 autres :" in propositions
    assert '<a href="/propositions?atelier=logement">Propositions</a>' in propositions


def test_synthesis_overdue_responses_stop_at_the_bound(client, data):
    for i in range(synthesis.LIST_LIMIT + 1):  # with p1 (Préfecture): three more than the bound
        proposal = Proposal(
            title=f"En retard {i:02d}", body="Constat.", theme=data["sante"],
            status=ProposalStatus.SENT, organisation=data["association"],
        )  # fmt: skip
        proposal.addressed.append(
            AddressedInstitution(
                institution=data["ville"], sent_at=at(2025, 1, 1), response_due_on=date(2025, 2, 1)
            )
        )
        db.session.add(proposal)
    db.session.commit()
    html = client.get("/bilan?atelier=sante").get_data(as_text=True)
    overdue = _list_after(html, "Réponses attendues et en retard")
    assert overdue.count("jours de retard") == synthesis.LIST_LIMIT
    assert "… et 2 autres :" in overdue
    assert '<a href="/suivi?atelier=sante#retards">Tableau de suivi</a>' in overdue


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?du=2025-13-01", 400),
        ("?du=15/01/2025", 400),
        ("?au=2025-02-30", 400),
        ("?du=20250101", 400),
        ("?atelier=inconnu", 404),
    ],
)
def test_bad_synthesis_filters(client, data, query, status):
    response = client.get("/bilan" + query)
    assert response.status_code == status
    assert '<html lang="fr" dir="ltr">' in response.get_data(as_text=True)


def test_synthesis_dates_the_wrong_way_round_are_swapped_and_said(client, data):
    """A coordinator who picks the end before the start gets the review of those days, told
    so, with the dates kept in the form (not an error page)."""
    html = client.get("/bilan?du=2025-02-18&au=2025-01-15").get_data(as_text=True)
    expected = client.get("/bilan?du=2025-01-15&au=2025-02-18").get_data(as_text=True)
    assert "nous les avons inversées. Le bilan va du 15 janvier 2025 au 18 février 2025." in html
    assert 'name="du" value="2025-01-15"' in html
    assert 'name="au" value="2025-02-18"' in html

    def body(page):
        return page[page.index('id="avancees"') : page.index("</main>")]

    assert body(html) == body(expected)
    assert "inversées" not in expected


def test_chart_escapes_and_is_well_formed():
    svg = charts.horizontal_bar_chart(
        ["<script>alert(1)</script>", "A & B « C »"],
        [0, 0],
        title='Un "titre" <b>',
        chart_id="essai",
        description="Rien encore.",
    )
    root = ET.fromstring(str(svg))
    assert root.find(f"{SVG}title").text == 'Un "titre" <b>'
    assert _bars(root) == [("<script>alert(1)</script>", "0"), ("A & B « C »", "0")]
    assert not list(root.iter(f"{SVG}rect"))  # nothing to draw for zeros
    assert root.find(f"{SVG}desc").text.startswith("Rien encore. ")
    with pytest.raises(ValueError):
        charts.horizontal_bar_chart(["a"], [1], title="t", chart_id='x" onload="y')
    with pytest.raises(ValueError):
        charts.horizontal_bar_chart(["a"], [1, 2], title="t", chart_id="x")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["/suivi", "/suivi.csv", "/bilan"])
def test_everyone_may_read(client, login_as, data, role, path):
    if role != "visitor":
        login_as(role)
    assert client.get(path).status_code == 200


def _count(client, url):
    client.get(url)  # warm-up
    db.session.expire_all()  # nothing loaded, as at the start of a request in production
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize(
    "url",
    [
        "/suivi",
        "/suivi?atelier=sante",
        "/suivi?page=2&retards=2",
        "/suivi?institution={ville}",
        "/suivi.csv",
        "/bilan",
        "/bilan?atelier=sante",
        # The event filters: the rows of one event, then of every event of a year.
        "/suivi?evenement=assises",
        "/suivi?annee=2024&atelier=sante&page=2&retards=2",
        "/suivi?evenement=assises&institution={ville}",
        "/suivi.csv?evenement=assises&annee=2024",
        "/bilan?evenement=assises",
        "/bilan?annee=2024&atelier=sante",
    ],
)
def test_query_count_does_not_grow(client, db, today, url):
    url = url.format(ville=build()["ville"].id)
    small = _count(client, url)
    for n in range(2, 11):
        build(f"-{n}")
    assert len(db.session.query(Proposal).all()) == 70
    assert _count(client, url) == small


@pytest.mark.parametrize("path", ["/suivi", "/bilan"])
def test_pages_render_in_english(client, data, path):
    response = client.get(path + "?lang=en")
    assert response.status_code == 200
    assert '<html lang="en" dir="ltr">' in response.get_data(as_text=True)
