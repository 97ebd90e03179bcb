"""Printable sheets and posters (app/sheets/): what they show, the QR code's address (the
configured public one, whatever the request's Host), 404s and fixed query counts. The QR
codes are decoded by zbar in tests/browser/test_sheets_print.py."""

import re
import xml.etree.ElementTree as ET

import pytest

from app.extensions import db
from app.models import ProposalStatus
from app.services.translations import add_network_translation
from tests.helpers import count_queries

SITE = "http://voix.test"  # MAIL_SITE_URL in the test configuration
CONSENT = "La personne a donné son accord pour que ce témoignage soit publié"


def _svg(html: str) -> ET.Element:
    """The page's one inline SVG, parsed: it must be well-formed XML."""
    found = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    assert len(found) == 1
    return ET.fromstring(found[0])


@pytest.fixture
def proposal(make_proposal):
    proposal = make_proposal("Des bains-douches ouverts le dimanche")
    proposal.easy_read = "Des douches gratuites.\nOuvertes aussi le dimanche."
    db.session.commit()
    return proposal


def test_the_sheet_holds_what_a_person_fills_in(client, proposal):
    response = client.get(f"/propositions/{proposal.id}/fiche", base_url="http://autre.example")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Des bains-douches ouverts le dimanche" in html
    assert "Des douches gratuites.\nOuvertes aussi le dimanche." in html
    assert "Qu’en pensez-vous ? Racontez ce que vous vivez." in html
    assert CONSENT in html
    assert "Fiche remise à l’association" in html
    assert html.count('class="line"') >= 20
    target = f"{SITE}/propositions/{proposal.id}/temoigner"
    assert html.count(f">{target}<") == 2  # under the QR code and in the footer
    assert "autre.example" not in html
    assert f"Proposition n° {proposal.id}" in html
    svg = _svg(html)
    assert svg.get("role") == "img"
    assert "témoigner" in svg.get("aria-label")
    assert 'src="http' not in html and "<img" not in html  # drawn inline, nothing fetched


def test_the_sheet_is_linked_from_the_proposal_page(client, proposal):
    html = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert f'href="/propositions/{proposal.id}/fiche"' in html
    assert "Imprimer une fiche papier" in html


def test_print_button_and_its_text_without_javascript(client, proposal):
    html = client.get(f"/propositions/{proposal.id}/fiche").get_data(as_text=True)
    assert re.search(r"<button type=\"button\"[^>]*data-print hidden>Imprimer</button>", html)
    assert "Utilisez la fonction Imprimer de votre navigateur" in html
    assert "/static/print.js" in html and "/static/sheets.css" in html
    assert "onclick" not in html


def test_without_easy_read_the_sheet_has_no_summary(client, make_proposal):
    proposal = make_proposal()
    html = client.get(f"/propositions/{proposal.id}/fiche").get_data(as_text=True)
    assert "sheet-summary" not in html


def test_an_example_proposal_keeps_its_mark(client, proposal):
    proposal.example = True
    db.session.commit()
    html = client.get(f"/propositions/{proposal.id}/fiche").get_data(as_text=True)
    assert 'class="badge example"' in html


def test_the_arabic_sheet_is_translated_its_qr_code_in_arabic(client, proposal):
    add_network_translation(
        proposal, "ar", {"title": "حمامات مفتوحة يوم الأحد", "easy_read": "حمامات مجانية."}
    )
    db.session.commit()
    french = client.get(f"/propositions/{proposal.id}/fiche?lang=fr").get_data(as_text=True)
    arabic = client.get(f"/propositions/{proposal.id}/fiche?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "حمامات مفتوحة يوم الأحد" in arabic and "حمامات مجانية." in arabic
    svg_ar, svg_fr = _svg(arabic), _svg(french)
    assert svg_ar.get("aria-label") != svg_fr.get("aria-label")  # labelled in Arabic
    assert [p.get("d") for p in svg_ar] != [p.get("d") for p in svg_fr]  # another address
    target = f"{SITE}/propositions/{proposal.id}/temoigner"
    assert arabic.count(f'dir="ltr">{target}?lang=ar<') == 2  # under the code, in the footer
    assert french.count(f'dir="ltr">{target}<') == 2
    english = client.get(f"/propositions/{proposal.id}/fiche?lang=en").get_data(as_text=True)
    assert english.count(f'dir="ltr">{target}?lang=en<') == 2


def test_an_untranslated_sheet_falls_back_to_french(client, proposal):
    html = client.get(f"/propositions/{proposal.id}/fiche?lang=en").get_data(as_text=True)
    assert '<html lang="en"' in html
    assert 'lang="fr"' in html and "Des bains-douches ouverts le dimanche" in html


def test_workshop_poster(client, make_theme, make_proposal):
    theme = make_theme("Logement")
    make_proposal(theme=theme)
    make_proposal(theme=theme, status=ProposalStatus.IN_PROGRESS)
    make_proposal(theme=theme, status=ProposalStatus.DONE)
    make_proposal()  # another workshop's
    response = client.get(f"/ateliers/{theme.slug}/affiche", base_url="http://autre.example")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Atelier : <bdi" in html and "Logement" in html
    assert "2 propositions ouvertes attendent votre témoignage." in html
    assert f">{SITE}/ateliers/{theme.slug}<" in html
    assert _svg(html).get("role") == "img"
    assert "autre.example" not in html
    page = client.get(f"/ateliers/{theme.slug}").get_data(as_text=True)
    assert f'href="/ateliers/{theme.slug}/affiche"' in page


def test_event_poster(client, make_event, make_proposal):
    event = make_event(example=True)
    proposal = make_proposal()
    proposal.event = event
    db.session.commit()
    html = client.get(f"/evenements/{event.slug}/affiche").get_data(as_text=True)
    assert "Assises de la solidarité 2015" in html
    assert "1 proposition ouverte attend votre témoignage." in html
    assert f">{SITE}/evenements/{event.slug}<" in html
    assert 'class="badge example"' in html
    _svg(html)
    arabic = client.get(f"/evenements/{event.slug}/affiche?lang=ar").get_data(as_text=True)
    assert f">{SITE}/evenements/{event.slug}?lang=ar<" in arabic
    page = client.get(f"/evenements/{event.slug}").get_data(as_text=True)
    assert f'href="/evenements/{event.slug}/affiche"' in page


@pytest.mark.parametrize(
    "url", ["/propositions/9999/fiche", "/ateliers/inconnu/affiche", "/evenements/inconnu/affiche"]
)
def test_unknown_things_are_not_found(client, url):
    assert client.get(url).status_code == 404


def _count(client, url):
    client.get(url)  # warm-up
    db.session.expire_all()
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_query_counts_stay_flat(client, make_theme, make_event, make_proposal):
    theme, event = make_theme(), make_event()
    first = make_proposal(theme=theme)
    add_network_translation(first, "ar", {"title": "عنوان"})
    add_network_translation(theme, "ar", {"name": "ورشة"})
    db.session.commit()
    urls = [
        f"/propositions/{first.id}/fiche?lang=ar",
        f"/ateliers/{theme.slug}/affiche?lang=ar",
        f"/evenements/{event.slug}/affiche?lang=ar",
    ]
    before = [_count(client, url) for url in urls]
    for _ in range(15):
        proposal = make_proposal(theme=theme, commit=False)
        proposal.event = event
    db.session.commit()
    assert [_count(client, url) for url in urls] == before
