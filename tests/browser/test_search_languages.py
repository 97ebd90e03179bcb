"""The search page holding content in three languages, in Chromium: an Arabic page listing
French and Arabic results, an English page listing English ones; axe-core finds nothing,
nothing scrolls sideways at 320 px, and each title reads in its own direction."""

from app.extensions import db
from app.models import Contribution, ContributionKind, ContributionState
from app.services import translations
from tests.browser.conftest import Axe
from tests.browser.test_accessibility import _axe_problems, _overflow


def _seed(make_proposal):
    translated = make_proposal(title="Douches gratuites rue Mazelle")
    translations.add_network_translation(
        translated, "ar", {"title": "حمّامات مجانية في شارع Mazelle"}
    )
    translations.add_network_translation(translated, "en", {"title": "Free showers, rue Mazelle"})
    french_only = make_proposal(title="Bains-douches de la rue Mazelle")
    db.session.add(
        Contribution(
            proposal=french_only,
            kind=ContributionKind.TESTIMONY,
            body="أنتظر منذ سنتين قرب شارع Mazelle",
            lang="ar",
            state=ContributionState.PUBLISHED,
        )
    )
    db.session.commit()
    return translated, french_only


DIRECTIONS = """() => [...document.querySelectorAll('.search-results h2 bdi')]
  .map(e => [e.getAttribute('lang'), getComputedStyle(e).direction])"""


def test_search_pages_in_arabic_and_english_are_accessible(new_context, make_proposal):
    _seed(make_proposal)
    page = new_context().new_page()
    axe = Axe()
    problems = []
    for lang in ("ar", "en"):
        url = f"/recherche?q=Mazelle&lang={lang}"
        assert page.goto(url).status == 200
        problems += _axe_problems(page, axe, url)
        problems += _overflow(page, url)
        directions = dict(page.evaluate(DIRECTIONS))
        assert directions["fr"] == "ltr", directions  # the untranslated French title
        assert directions[lang] == ("rtl" if lang == "ar" else "ltr"), directions
    assert not problems, "\n".join(problems)
