"""One script wires every print button (static/print.js): the guest's receipt and a
proposal's sheet each open the print dialog once per click; the receipt's copy button
(static/receipt.js) still shows."""

from tests.browser.conftest import PHONE

COUNT_PRINTS = "window.__prints = 0; window.print = function () { window.__prints += 1; };"


def test_each_print_button_prints_once(new_context, make_proposal):
    proposal = make_proposal(title="Ouvrir l’accueil de jour plus tôt")
    context = new_context(viewport=PHONE)
    context.add_init_script(COUNT_PRINTS)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"/propositions/{proposal.id}/temoigner")
    page.fill("textarea[name=body]", "J’attends dehors deux heures chaque matin.")
    page.locator("main form[method=post] [type=submit]").click()
    # Both scripts have run once the copy button shows: before that, receipt.js showing it
    # can move the print button between the moment Playwright aims and its click (under
    # load, `make test` saw the click miss: no print).
    page.locator(".receipt-card button[data-copy]").wait_for(state="visible")
    page.locator(".receipt-card button[data-print]").click()
    assert page.evaluate("window.__prints") == 1
    assert page.locator(".receipt-card button[data-copy]").is_visible()
    page.goto(f"/propositions/{proposal.id}/fiche")
    page.locator("[data-print-hint]").wait_for(state="hidden")  # the page settled
    page.locator("button[data-print]").click()
    assert page.evaluate("window.__prints") == 1
    assert page.locator("[data-print-hint]").is_hidden()
