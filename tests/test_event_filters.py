"""The event and year filters of the proposal list, the board, its CSV and the synthesis:
what they keep, the form that sets them, links that keep them, bad input, query counts."""

import csv
import io
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import Event, OrganisationKind, ProposalStatus, utcnow
from app.queries import board as board_queries
from app.queries import synthesis
from app.queries.proposals import EventFilter
from tests.helpers import count_queries


@pytest.fixture
def w(make_theme, make_organisation, make_proposal):
    """Three events (one of 2015, two of 2026), a proposal of each, one of none."""
    sante, logement = make_theme(name="Santé"), make_theme(name="Logement")
    ville = make_organisation(OrganisationKind.INSTITUTION, name="Ville de Metz")
    assises = Event(slug="assises-2015", name="Assises 2015", held_on=date(2015, 4, 30))
    journee = Event(slug="journee-2026", name="Journée logement 2026", held_on=date(2026, 3, 12))
    cycle = Event(slug="cycle-2026", name="Cycle santé 2026", held_on=date(2026, 10, 1))
    db.session.add_all([assises, journee, cycle])

    def filed(title, theme, event, status=ProposalStatus.SUBMITTED, overdue=False):
        proposal = make_proposal(
            title, theme=theme, status=status, institutions=[ville], commit=False
        )
        proposal.event = event
        if overdue:
            proposal.addressed[0].sent_at = utcnow() - timedelta(days=60)
            proposal.addressed[0].response_due_on = date.today() - timedelta(days=30)
        return proposal

    filed("Domiciliation pour tous", sante, assises, ProposalStatus.SENT, overdue=True)
    filed("Places d’hébergement d’urgence", logement, assises, ProposalStatus.IN_DISCUSSION)
    filed("Halte de nuit", logement, journee)
    filed("Médiation en santé", sante, cycle)
    filed("Bains-douches gratuits", sante, None)
    db.session.commit()
    return {
        "sante": sante, "logement": logement, "ville": ville,
        "assises": assises, "journee": journee, "cycle": cycle,
    }  # fmt: skip


TITLES = [
    "Domiciliation pour tous",
    "Places d’hébergement d’urgence",
    "Halte de nuit",
    "Médiation en santé",
    "Bains-douches gratuits",
]


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _listed(html: str) -> list[str]:
    return [title for title in TITLES if title in html]


# The proposal list


@pytest.mark.parametrize(
    "query, expected",
    [
        ("evenement=assises-2015", TITLES[:2]),
        ("annee=2015", TITLES[:2]),
        ("annee=2026", TITLES[2:4]),
        ("evenement=journee-2026", TITLES[2:3]),
        ("evenement=assises-2015&statut=sent", TITLES[:1]),
        ("evenement=assises-2015&annee=2026", []),
        ("evenement=&annee=", TITLES),  # empty: no filter
    ],
)
def test_the_proposal_list_keeps_one_event_or_one_year(client, w, query, expected):
    html = _html(client, f"/propositions?{query}")
    list_part = html[html.index('role="status"') :]
    assert _listed(list_part) == expected


def test_the_year_filter_combines_with_the_workshop(client, w):
    html = _html(client, f"/propositions?annee=2026&atelier={w['logement'].slug}")
    assert _listed(html[html.index('role="status"') :]) == ["Halte de nuit"]


def test_the_filter_form_offers_events_newest_first_and_their_years(client, w):
    html = _html(client, "/propositions?evenement=journee-2026")
    start = html.index('<form method="get" action="/propositions"')
    form = html[start : html.index("</form>", start)]
    assert '<label for="evenement">Événement</label>' in form
    assert '<label for="annee">Année</label>' in form
    events = [form.index(name) for name in ("Cycle santé 2026", "Journée logement", "Assises")]
    assert events == sorted(events)
    assert '<option value="journee-2026" lang="fr" dir="ltr" selected>' in form
    years = [form.index(f'<option value="{year}"') for year in (2026, 2015)]
    assert years == sorted(years)
    assert '<option value="2027"' not in form  # only years that have an event


def test_the_active_filter_is_shown_with_a_way_to_clear_it(client, w):
    slug = w["sante"].slug
    html = _html(client, f"/propositions?evenement=assises-2015&annee=2015&atelier={slug}")
    assert (
        'Événement : <bdi lang="fr" dir="ltr">Assises 2015</bdi>.' in html
        and "Année : 2015." in html
    )
    # Clearing keeps the workshop, drops the event and the year.
    assert f'<a href="/propositions?atelier={slug}">Retirer le filtre' in html
    assert "Retirer le filtre" not in _html(client, "/propositions")


def test_pagination_keeps_the_filters(app, client, w, monkeypatch):
    monkeypatch.setitem(app.config, "PROPOSALS_PER_PAGE", 1)
    html = _html(client, "/propositions?annee=2026&statut=submitted")
    next_link = html[html.index('rel="next"') :].split('"')[3]
    assert "annee=2026" in next_link and "statut=submitted" in next_link
    assert "page=2" in next_link
    second = _html(client, next_link.replace("&amp;", "&"))
    assert "Année : 2026." in second


BAD = [
    "evenement=inconnu",
    "evenement=assises-2015&annee=deux-mille",
    "annee=1989",
    "annee=2101",
    "annee=20150",
    "annee=-2015",
    "annee=2015.0",
    "annee=%EF%BC%92%EF%BC%90%EF%BC%91%EF%BC%95",  # full-width digits
    "annee=%202015",
]


@pytest.mark.parametrize("path", ["/propositions", "/suivi", "/suivi.csv", "/bilan"])
@pytest.mark.parametrize("query", BAD)
def test_an_unknown_event_or_a_year_that_is_none_is_a_404(client, w, path, query):
    assert client.get(f"{path}?{query}").status_code == 404


# The board, its CSV, the synthesis


def test_the_board_counts_one_event_or_one_year(w):
    assises = board_queries.totals(events=EventFilter(event=w["assises"]))
    assert (assises["addressed"], assises["awaiting"], assises["overdue"]) == (2, 1, 1)
    of_2026 = board_queries.totals(events=EventFilter(year=2026))
    assert (of_2026["addressed"], of_2026["awaiting"], of_2026["overdue"]) == (2, 0, 0)
    everything = board_queries.totals()
    assert everything["addressed"] == 5
    rows = board_queries.workshop_rows(
        themes=[w["sante"], w["logement"]], events=EventFilter(year=2026)
    )
    assert [row["total"] for row in rows] == [1, 1]


def test_the_board_page_and_its_csv_keep_the_filter(client, w):
    html = _html(client, "/suivi?evenement=assises-2015")
    assert "Domiciliation pour tous" in html  # overdue, from the 2015 assises
    assert 'href="/suivi.csv?evenement=assises-2015"' in html
    assert 'href="/bilan?evenement=assises-2015"' in html
    assert '<option value="assises-2015" lang="fr" dir="ltr" selected>' in html
    assert "Domiciliation pour tous" not in _html(client, "/suivi?annee=2026")

    response = client.get("/suivi.csv?evenement=assises-2015&annee=2015")
    assert response.status_code == 200
    assert "suivi-assises-2015-2015-" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True)), delimiter=";"))
    assert ["Domiciliation pour tous", "Ville de Metz"] in [row[:2] for row in rows]
    other = client.get("/suivi.csv?annee=2026").get_data(as_text=True)
    assert "Domiciliation pour tous" not in other


def test_the_synthesis_counts_one_event_or_one_year(client, w):
    themes = [w["sante"], w["logement"]]
    summary = synthesis.workshop_summary(None, themes=themes, events=EventFilter(year=2026))
    assert [row["total"] for row in summary] == [1, 1]
    summary = synthesis.workshop_summary(
        None, themes=themes, events=EventFilter(event=w["assises"])
    )
    assert [row["total"] for row in summary] == [1, 1]

    html = _html(client, "/bilan?evenement=assises-2015")
    assert "Domiciliation pour tous" in html  # section II: awaited past its date
    assert 'Événement : <bdi lang="fr" dir="ltr">Assises 2015</bdi>.' in html
    # The summary's links to each workshop's synthesis keep the event.
    assert f"/bilan?atelier={w['sante'].slug}&amp;evenement=assises-2015" in html
    assert "Domiciliation pour tous" not in _html(client, "/bilan?evenement=journee-2026")
    one = _html(client, f"/bilan?annee=2026&atelier={w['sante'].slug}")
    assert "Médiation en santé" in one and "Bains-douches gratuits" not in one


# Query counts


def _count(client, url) -> int:
    client.get(url)  # warm-up
    db.session.expire_all()
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    response.close()
    return len(statements)


def _grow(w, make_proposal, n):
    """n more proposals in the 2015 assises and in another 2015 event, each sent and late."""
    other = Event(slug=f"journee-2015-{n}", name=f"Journée 2015 ({n})", held_on=date(2015, 9, 1))
    for i in range(n):
        proposal = make_proposal(
            f"Autre proposition {n}-{i}", theme=w["sante"], status=ProposalStatus.SENT,
            institutions=[w["ville"]], commit=False,
        )  # fmt: skip
        proposal.event = w["assises"] if i % 2 else other
        proposal.addressed[0].sent_at = utcnow() - timedelta(days=40)
        proposal.addressed[0].response_due_on = date.today() - timedelta(days=10)
    db.session.commit()


URLS = [
    "/propositions?evenement=assises-2015",
    "/propositions?annee=2015&atelier={sante}&statut=sent&page=2",
    "/suivi?evenement=assises-2015",
    "/suivi?annee=2015&page=2&retards=2",
    "/suivi.csv?annee=2015",
    "/bilan?evenement=assises-2015",
    "/bilan?annee=2015&atelier={sante}",
]


@pytest.mark.parametrize("url", URLS)
def test_the_filtered_pages_run_as_many_queries_at_any_size(client, w, make_proposal, url):
    url = url.format(sante=w["sante"].slug)
    _grow(w, make_proposal, 4)
    small = _count(client, url)
    _grow(w, make_proposal, 60)
    assert _count(client, url) == small
