"""Positions institutions stated elsewhere, as the network reports them: shown quoted and
apart from official responses, on the proposal and on the institution's page; never a
position badge, never counted as an answer; an institution never sent a proposal is
concerned, neither awaited nor late."""

from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    OfficialResponse,
    OrganisationKind,
    Position,
    ProposalStatus,
    StatedPosition,
    paris_today,
)
from app.queries import board as board_queries
from app.queries import synthesis
from app.services import translations
from tests.helpers import count_queries

WORDS = "Aucune volonté politique <script>alert(1)</script> & « on verra »"
ESCAPED = "Aucune volonté politique &lt;script&gt;alert(1)&lt;/script&gt; &amp; « on verra »"
NOTE = "Ce n’est pas une réponse officielle : l’institution n’a pas répondu sur le site."


@pytest.fixture
def w(make_theme, make_organisation, make_proposal):
    """A proposal addressed to the Département (never sent) and to the CCAS (sent, due in a
    month), each of which stated a position at the assises, as the network reports it."""
    theme = make_theme()
    departement = make_organisation(OrganisationKind.INSTITUTION, name="Conseil départemental")
    ccas = make_organisation(OrganisationKind.INSTITUTION, name="CCAS de Metz")
    collectif = make_organisation(name="Collectif des associations")
    proposal = make_proposal(
        "Former les travailleurs sociaux", theme=theme, status=ProposalStatus.SENT,
        institutions=[departement, ccas], commit=False,
    )  # fmt: skip
    # Noon UTC five Paris days ago: "il y a 5 jours" whatever the hour the suite runs.
    five_days_ago = paris_today() - timedelta(days=5)
    proposal.addressed[1].sent_at = datetime.combine(five_days_ago, time(12, 0))
    proposal.addressed[1].response_due_on = date.today() + timedelta(days=25)
    reported = StatedPosition(
        proposal=proposal, institution=departement, words=WORDS,
        source="Bilan des assises 2015", stated_on=date(2015, 4, 30), reported_by=collectif,
    )  # fmt: skip
    bare = StatedPosition(proposal=proposal, institution=ccas, words="À voir avec la mairie.")
    db.session.add_all([reported, bare])
    db.session.commit()
    return {
        "theme": theme, "departement": departement, "ccas": ccas, "collectif": collectif,
        "proposal": proposal,
    }  # fmt: skip


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</section>", start)]


# The proposal page


def test_the_proposal_page_quotes_each_stated_position_apart(client, w):
    html = _html(client, f"/propositions/{w['proposal'].id}")
    section = _section(html, "positions-rapportees")
    assert "Positions rapportées par le réseau" in section
    institution = '<bdi dir="auto">Conseil départemental</bdi>'
    assert f'<a href="/organisations/{w["departement"].slug}">{institution}</a>' in section
    assert f'<blockquote class="quoted text" lang="fr" dir="ltr">{ESCAPED}</blockquote>' in section
    assert "<script>alert(1)" not in html
    assert (
        'rapportée par <bdi dir="auto">Collectif des associations</bdi> · '
        '<bdi dir="auto">Bilan des assises 2015</bdi> · '
        '<time datetime="2015-04-30">30 avril 2015</time>'
    ) in section
    assert section.count("rapportée par") == 1  # the CCAS's: reporter, source, date unknown
    assert section.count(NOTE) == 2
    assert "badge" not in section and "Défavorable" not in section
    # Never among the official responses.
    assert "volonté politique" not in _section(html, "reponses")


def test_a_stated_position_beside_an_official_response_says_which_is_which(client, w):
    db.session.add(
        OfficialResponse(
            proposal=w["proposal"], institution=w["ccas"], position=Position.UNDER_STUDY,
            body="Nous étudions.",
        )
    )  # fmt: skip
    db.session.commit()
    section = _section(_html(client, f"/propositions/{w['proposal'].id}"), "positions-rapportees")
    assert section.count(NOTE) == 1
    assert "Ce n’est pas une réponse officielle ; l’institution a aussi répondu sur le site." in (
        section
    )


AR_WORDS = "لا توجد إرادة سياسية « سنرى »"


def _translate_words(stated, lang, text):
    translations.add_network_translation(stated, lang, {"words": text})
    db.session.commit()


def test_an_arabic_reader_reads_a_stated_position_in_arabic_with_its_original(client, w):
    stated = db.session.scalar(
        sa.select(StatedPosition).where(StatedPosition.institution_id == w["departement"].id)
    )
    _translate_words(stated, "ar", AR_WORDS)
    html = _html(client, f"/propositions/{w['proposal'].id}?lang=ar")
    section = _section(html, "positions-rapportees")
    assert f'<blockquote class="quoted text" lang="ar" dir="rtl">{AR_WORDS}</blockquote>' in section
    assert f'<div class="text" lang="fr" dir="ltr">{ESCAPED}</div>' in section  # the original
    assert "ترجمته الشبكة من الفرنسية." in section
    assert '<bdi dir="auto">Conseil départemental</bdi>' in section
    # The CCAS's words are not translated: French, marked so.
    assert '<blockquote class="quoted text" lang="fr" dir="ltr">À voir avec la mairie.' in section
    assert "<script>alert" not in html
    french = _html(client, f"/propositions/{w['proposal'].id}?lang=fr")
    assert AR_WORDS not in french


def test_stated_words_changed_outdate_their_translation(client, w):
    stated = db.session.scalar(
        sa.select(StatedPosition).where(StatedPosition.institution_id == w["ccas"].id)
    )
    _translate_words(stated, "ar", "يجب مراجعة البلدية.")
    stated.words = "À voir avec la mairie et l’État."
    db.session.commit()
    section = _section(
        _html(client, f"/propositions/{w['proposal'].id}?lang=ar"), "positions-rapportees"
    )
    assert "يجب مراجعة البلدية." in section and 'class="outdated"' in section
    assert '<div class="text" lang="fr" dir="ltr">À voir avec la mairie et l’État.</div>' in section


def test_no_section_without_stated_positions(client, make_proposal):
    html = _html(client, f"/propositions/{make_proposal().id}")
    assert "Positions rapportées par le réseau" not in html


def test_an_institution_never_sent_the_proposal_is_concerned_not_late(client, w):
    """The Département was never sent it on the site: no due date, no delay, no waiting."""
    addressed = w["proposal"].addressed[0]
    addressed.response_due_on = date.today() - timedelta(days=400)  # even with a due date
    db.session.commit()
    responses = _section(_html(client, f"/propositions/{w['proposal'].id}"), "reponses-titre")
    departement = responses[: responses.index("CCAS de Metz")]
    assert "Concernée · proposition pas encore envoyée sur le site." in departement
    assert "retard" not in departement and "attendue" not in departement
    assert "Réponse attendue avant le" in responses[responses.index("CCAS de Metz") :]


def test_sent_without_a_due_date_says_when_without_inventing_one(client, w):
    addressed = w["proposal"].addressed[1]
    addressed.response_due_on = None
    db.session.commit()
    html = _html(client, f"/propositions/{w['proposal'].id}")
    assert "Transmise il y a 5 jours, sans date de réponse attendue." in html


# The institution's page


def test_the_institution_page_lists_the_positions_it_stated(client, w):
    section = _section(_html(client, f"/organisations/{w['departement'].slug}"), "positions")
    link = f'<a href="/propositions/{w["proposal"].id}#positions-rapportees">'
    assert 'lang="fr" dir="ltr">' + link + "Former les travailleurs sociaux</a>" in section
    assert ESCAPED in section and "<script>alert" not in section
    assert (
        '<bdi dir="auto">Bilan des assises 2015</bdi> · '
        '<time datetime="2015-04-30">30 avril 2015</time>' in section
    )
    assert "ne sont pas des réponses officielles" in section
    assert "badge" not in section
    assert 'id="positions"' not in _html(client, f"/organisations/{w['collectif'].slug}")


def test_the_institution_page_pages_its_stated_positions(
    app, client, w, make_proposal, monkeypatch
):
    monkeypatch.setitem(app.config, "ORGANISATION_LISTS_PER_PAGE", 1)
    other = make_proposal("Domiciliation", theme=w["theme"], institutions=[w["departement"]])
    db.session.add(
        StatedPosition(
            proposal=other, institution=w["departement"], words="Plus tard.",
            stated_on=date(2016, 1, 1),
        )
    )  # fmt: skip
    db.session.commit()
    first = _section(_html(client, f"/organisations/{w['departement'].slug}"), "positions")
    assert "Plus tard." in first and "volonté politique" not in first  # latest first
    assert '?positions=2#positions"' in first
    second = _html(client, f"/organisations/{w['departement'].slug}?positions=2")
    assert "volonté politique" in _section(second, "positions")


# Never counted as answers


def test_the_board_and_the_synthesis_count_a_stated_position_as_no_answer(client, w):
    totals = board_queries.totals()
    assert (totals["addressed"], totals["answered"], totals["awaiting"]) == (2, 0, 1)
    assert totals["overdue"] == 0
    (row,) = synthesis.workshop_summary(w["theme"])
    assert (row["answered"], row["unanswered"]) == (0, 1)
    assert set(synthesis.position_counts().values()) == {0}

    board = _html(client, "/suivi")
    assert "badge" not in board.split("<main")[1]
    assert "volonté politique" not in board
    bilan = _html(client, f"/bilan?atelier={w['theme'].slug}")
    part = bilan[bilan.index("Former les travailleurs sociaux") :]
    assert (
        '<bdi dir="auto">Conseil départemental</bdi> : '
        "concernée · proposition pas encore envoyée sur le site" in part
    )
    assert '<bdi dir="auto">CCAS de Metz</bdi> : réponse attendue' in part
    assert "Défavorable" not in bilan.split("<main")[1].split("graphique-positions")[0]


# Query counts


def _count(client, url) -> int:
    client.get(url)  # warm-up
    db.session.expire_all()
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def _more_positions(w, make_organisation, make_proposal, n):
    """n more stated positions on the proposal and by the Département, each institution and
    reporter a new one."""
    for i in range(n):
        institution = make_organisation(OrganisationKind.INSTITUTION)
        reporter = make_organisation()
        other = make_proposal(f"Autre {n}-{i}", theme=w["theme"], commit=False)
        db.session.add_all([
            StatedPosition(proposal=w["proposal"], institution=institution, words=f"Mot {i}",
                           source="Compte rendu", stated_on=date(2015, 6, 1), reported_by=reporter),
            StatedPosition(proposal=other, institution=w["departement"], words=f"Dit {i}",
                           reported_by=reporter),
        ])  # fmt: skip
    db.session.commit()


@pytest.mark.parametrize("page", ["proposal", "departement"])
def test_stated_positions_add_no_query_per_row(client, w, make_organisation, make_proposal, page):
    url = {
        "proposal": f"/propositions/{w['proposal'].id}",
        "departement": f"/organisations/{w['departement'].slug}",
    }[page]
    small = _count(client, url)
    _more_positions(w, make_organisation, make_proposal, 15)
    assert _count(client, url) == small
