""" "Ça me concerne" on the proposal page at phone width, in French and in Arabic: the block
fits 360 px without horizontal scrolling, the button says the reader's state, the tallies'
lines read in the page's direction. Screenshots go into the test's temporary directory
(their paths are printed)."""

from datetime import date, datetime

import pytest

from app.extensions import db
from app.models import Place
from app.services import concerns
from tests.browser.conftest import PHONE, log_in

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def scene(make_proposal, make_user, make_organisation):
    association = make_organisation(name="Accueil de jour Saint-Vincent-de-Paul de Metz")
    member = make_user("association_member", organisation=association)
    place = Place(organisation=association, name="Accueil de jour, rue Mazelle")
    db.session.add(place)
    db.session.commit()
    proposal = make_proposal(title="Des lits halte soins santé pour les personnes à la rue")
    proposal.created_at = datetime(2026, 1, 5, 9, 0)  # people were met since
    db.session.commit()
    for people, day, where in ((12, 3, place), (4, 10, None)):
        concerns.record_tally(
            member, proposal, organisation=association, people=people,
            met_on=date(2026, 3, day), place=where, note="",
        )  # fmt: skip
    reader = make_user("participant")
    concerns.mark(reader, proposal)
    return proposal, reader


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("role", ["visitor", "participant"])
def test_the_block_fits_a_phone(new_context, scene, tmp_path, lang, role):
    proposal, reader = scene
    db.session.commit()  # end the test's read transaction before the server reads
    page = new_context(viewport=PHONE).new_page()
    if role == "participant":
        log_in(page, reader)
    page.goto(f"/propositions/{proposal.id}?lang={lang}")
    block = page.locator("#ca-me-concerne")
    assert page.evaluate(OVERFLOW) <= 0
    text = block.inner_text()
    assert "17" in text  # 12 + 4 met, 1 with an account
    if role == "participant":
        expected = "لم يعد يعنيني" if lang == "ar" else "Ça ne me concerne plus"
        assert expected in text
    direction = block.evaluate("e => getComputedStyle(e).direction")
    assert direction == ("rtl" if lang == "ar" else "ltr")
    path = tmp_path / f"ca-me-concerne-{lang}-{role}.png"
    block.screenshot(path=str(path))
    print(path)
