"""The printed sheet and posters in Chromium: their QR codes, as drawn on the page, read back
by zbar (Debian's zbar-tools) give exactly the address each is for, under the configured
public address; the sheet and the posters print on one A4 page each; screenshots at 360 and
1280 px in French and Arabic go to test-artifacts/screenshots/ to be looked at.

Without zbarimg the decoding is treated as a missing browser is (tests/browser/conftest.py)."""

import os
import re
import shutil
import subprocess

import pytest

from app.extensions import db
from app.services.translations import add_network_translation
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, unavailable

ZBARIMG = shutil.which("zbarimg") or "/usr/bin/zbarimg"
EASY_READ = (
    "Des douches gratuites en ville.\nOuvertes tous les jours, aussi le dimanche.\n"
    "Avec du savon, des serviettes et un endroit pour laisser ses affaires."
)


def _zbar():
    if not os.access(ZBARIMG, os.X_OK):
        unavailable("zbarimg is missing (apt-get install zbar-tools)")
    return ZBARIMG


def _decode(png) -> list[str]:
    """What zbar reads in the image, one text per code found."""
    result = subprocess.run(
        [_zbar(), "--raw", "-q", str(png)], capture_output=True, text=True, timeout=30
    )
    return result.stdout.splitlines()


def _pages(pdf: bytes) -> int:
    """The number of pages of a PDF: its /Type /Page objects (not /Pages)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.fixture
def papers(app, make_theme, make_event, make_proposal):
    """A proposal with an easy-read summary, its workshop and its event, translated into
    Arabic; the URLs of their pages and of what their QR codes open."""
    theme, event = make_theme("Hygiène et santé"), make_event()
    proposal = make_proposal("Ouvrir des bains-douches gratuits le dimanche", theme=theme)
    proposal.easy_read, proposal.event = EASY_READ, event
    add_network_translation(
        proposal, "ar", {"title": "فتح حمامات مجانية يوم الأحد", "easy_read": "حمامات مجانية."}
    )
    add_network_translation(theme, "ar", {"name": "النظافة والصحة"})
    db.session.commit()
    site, sheet = app.config["MAIL_SITE_URL"], f"/propositions/{proposal.id}"
    return {
        "sheet": (f"{sheet}/fiche", f"{site}{sheet}/temoigner"),
        "workshop": (f"/ateliers/{theme.slug}/affiche", f"{site}/ateliers/{theme.slug}"),
        "event": (f"/evenements/{event.slug}/affiche", f"{site}/evenements/{event.slug}"),
    }


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def make(viewport=DESKTOP, javascript=True):
        context = browser.new_context(
            base_url=live_server,
            viewport=viewport,
            java_script_enabled=javascript,
            device_scale_factor=2,  # a sharper capture for zbar
            locale="fr-FR",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_each_qr_code_reads_back_as_its_address(papers, open_page, tmp_path, lang):
    _zbar()
    page = open_page()
    for name, (url, target) in papers.items():
        db.session.commit()  # end the test's read transaction before the server reads
        page.goto(f"{url}?lang={lang}")
        assert page.evaluate("document.documentElement.lang") == lang
        png = tmp_path / f"{name}-{lang}.png"
        page.locator("figure.qr svg").screenshot(path=str(png))
        # Not in French, the address keeps the language: a phone set to French (or to
        # anything else) opens the page in the language of the paper the person read.
        expected = target if lang == "fr" else f"{target}?lang={lang}"
        assert _decode(png) == [expected], name
        assert page.locator("figure.qr .url").inner_text() == expected


def test_the_sheet_and_the_posters_print_on_one_a4_page(papers, open_page):
    page = open_page()
    for name, (url, _target) in papers.items():
        for lang in ("fr", "ar"):
            page.goto(f"{url}?lang={lang}")
            pdf = page.pdf(prefer_css_page_size=True, print_background=False)
            assert _pages(pdf) == 1, f"{name} in {lang}: {_pages(pdf)} pages"


def test_the_printed_sheet_hides_the_site_and_keeps_the_lines(papers, open_page):
    page = open_page()
    page.goto(papers["sheet"][0])
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".site-footer").is_visible()
    assert not page.locator(".print-controls").is_visible()
    assert page.locator(".sheet-lines .line").nth(15).is_visible()
    colour = page.eval_on_selector("h1", "element => getComputedStyle(element).color")
    assert colour == "rgb(0, 0, 0)"


def test_the_print_button_needs_javascript(papers, open_page):
    url = papers["sheet"][0]
    page = open_page()
    page.goto(url)
    assert page.get_by_role("button", name="Imprimer").is_visible()
    assert not page.locator("[data-print-hint]").is_visible()
    without = open_page(javascript=False)
    without.goto(url)
    assert not without.get_by_role("button", name="Imprimer").is_visible()
    assert without.get_by_text("Utilisez la fonction Imprimer de votre navigateur").is_visible()


def test_screenshots_at_360_and_1280_px(papers, open_page):
    """Pictures to look at; the page never scrolls sideways at 360 px."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, viewport in (("360", PHONE), ("1280", DESKTOP)):
        page = open_page(viewport)
        for name, (url, _target) in papers.items():
            for lang in ("fr", "ar"):
                page.goto(f"{url}?lang={lang}")
                path = SCREENSHOTS / f"sheets-{name}-{lang}-{width}.png"
                page.screenshot(path=str(path), full_page=True)
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= viewport["width"], f"{name} {lang} at {width} px"


def test_the_longest_title_and_summary_still_print_on_one_page(open_page, make_proposal):
    proposal = make_proposal("Une proposition " + "très " * 35 + "longue")
    proposal.easy_read = ("Une phrase courte et simple, facile à lire.\n" * 40)[:1500]
    db.session.commit()
    assert len(proposal.title) <= proposal.TITLE_MAX
    page = open_page()
    page.goto(f"/propositions/{proposal.id}/fiche")
    assert _pages(page.pdf(prefer_css_page_size=True)) == 1
    assert page.locator(".sheet-foot").is_visible()
