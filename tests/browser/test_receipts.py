"""A guest's receipt in a phone's browser: sent from the form, the code shown once, kept by
following the private link; the receipt and the state page accessible in French and Arabic,
at 360 px, with screenshots to look at."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, SCREENSHOTS, Axe
from tests.browser.test_accessibility import AXE_OPTIONS


def _violations(page) -> list[str]:
    results = Axe().run(page, options=AXE_OPTIONS).response
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:4]}" for v in results["violations"]]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


TEXTS = {
    "fr": "J’attends dehors deux heures chaque matin, même l’hiver.",
    "ar": "أنتظر في الخارج ساعتين كل صباح، حتى في الشتاء.",
}


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_guest_keeps_and_follows_their_receipt(new_context, make_proposal, lang):
    proposal = make_proposal(title="Ouvrir l’accueil de jour plus tôt")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"/propositions/{proposal.id}/temoigner?lang={lang}")
    page.fill("textarea[name=body]", TEXTS[lang])
    with page.expect_navigation():  # the receipt's page, loaded with its scripts
        page.locator("main form[method=post] [type=submit]").click()
    card = page.locator(".receipt-card")
    code = page.locator("#receipt-code").inner_text()
    assert len(code) == 14 and code.count("-") == 2
    expect(page.locator("button[data-print]")).to_be_visible()  # scripts run: the button shows
    assert _violations(page) == [] and _fits(page)
    page.screenshot(path=SCREENSHOTS / f"receipt-{lang}-1-code-phone.png", full_page=True)
    assert card.locator("a.receipt-link").get_attribute("href").endswith(f"/recu/{code}")
    page.goto(f"/recu/{code}")  # the link is under the public address, not the test server
    assert page.locator(".receipt-state").is_visible()
    assert _violations(page) == [] and _fits(page)
    page.screenshot(path=SCREENSHOTS / f"receipt-{lang}-2-state-phone.png", full_page=True)
    page.goto(f"/propositions/{proposal.id}/temoignage-envoye")
    assert page.locator("#receipt-code").count() == 0
