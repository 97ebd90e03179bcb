"""French inside an Arabic page, Arabic inside a French page, as Chromium lays them out: each
character's box (Range.getClientRects) must follow its text's own direction. A French title
with a date and numbers reads left to right in an Arabic page ("30" left of "avril", the full
stop at the right end, not jumped to the left); an Arabic testimony reads right to left in a
French page, and the French around it is unaffected. Screenshots at phone and desktop width
go into the test's temporary directory (their paths are printed)."""

from datetime import date, timedelta
from itertools import pairwise

import pytest

from app.extensions import db
from app.models import (
    AddressedInstitution,
    Contribution,
    ContributionKind,
    ContributionState,
    OrganisationKind,
    utcnow,
)
from tests.browser.conftest import DESKTOP, PHONE

FRENCH_TITLE = "Assises du 30 avril 2015 : 100 associations."
ARABIC_TESTIMONY = "أنام في الشارع منذ سنة، وأبحث عن سكن لعائلتي."
FRENCH_TESTIMONY = "Je dors dehors depuis 2015 : 3 nuits sur 4, à Metz."
WORKSHOP = "Hébergement – logement"

# Every character of the text nodes under the elements matched, in logical (typed) order,
# with its box; characters without a box (a space where a line breaks) are left out.
CHARACTERS = """(selector) => [...document.querySelectorAll(selector)].map(element => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const chars = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = [...range.getClientRects()].find(rect => rect.width > 0);
      if (box) chars.push({c: node.data[i], left: box.left, right: box.right, top: box.top,
                           height: box.height});
    }
  }
  return {text: element.textContent.trim(), chars: chars,
          direction: getComputedStyle(element).direction};
})"""


def _boxes(page, selector: str, text: str) -> tuple[list[dict], str]:
    """The characters' boxes of the one element matched whose text is ``text``, and its
    computed direction."""
    found = [e for e in page.evaluate(CHARACTERS, selector) if e["text"] == text]
    assert found, f"{text!r} not in {selector}"
    return found[0]["chars"], found[0]["direction"]


def _lines(chars: list[dict]) -> list[list[dict]]:
    """The characters grouped by line, in logical order (a line starts lower than the last
    character's middle)."""
    lines: list[list[dict]] = []
    for char in chars:
        if lines and char["top"] < lines[-1][-1]["top"] + lines[-1][-1]["height"] / 2:
            lines[-1].append(char)
        else:
            lines.append([char])
    return lines


def _runs_left_to_right(chars: list[dict]) -> list[str]:
    """Where, on one line, a character stands left of the one typed before it."""
    return [
        f"{a['c']!r} then {b['c']!r}"
        for line in _lines(chars)
        for a, b in pairwise(line)
        if b["left"] < a["left"] - 0.5
    ]


def _runs_right_to_left(chars: list[dict]) -> list[str]:
    """Where, on one line, a character stands right of the one typed before it (digits,
    which run left to right inside Arabic, apart)."""
    return [
        f"{a['c']!r} then {b['c']!r}"
        for line in _lines(chars)
        for a, b in pairwise(line)
        if b["right"] > a["right"] + 0.5 and not (a["c"].isdigit() and b["c"].isdigit())
    ]


def _index(chars: list[dict], piece: str) -> int:
    """The index in ``chars`` where ``piece`` starts (spaces that had a box count)."""
    typed = "".join(char["c"] for char in chars)
    assert piece in typed, (piece, typed)
    return typed.index(piece)


def _screenshot(page, tmp_path, name: str) -> str:
    path = tmp_path / f"{name}-{page.viewport_size['width']}.png"
    page.screenshot(path=str(path), full_page=True)
    print("screenshot:", path)
    return str(path)


@pytest.fixture
def scene(make_organisation, make_theme, make_proposal):
    """A French proposal whose title holds a date and numbers, sent to an institution and
    overdue (on the board too), with an Arabic testimony and a French one. No translation:
    an Arabic reader sees the French original."""
    association = make_organisation(name="Réseau Solidarité")
    institution = make_organisation(OrganisationKind.INSTITUTION, name="Ville de Metz")
    proposal = make_proposal(FRENCH_TITLE, make_theme(WORKSHOP), association)
    proposal.addressed.append(
        AddressedInstitution(
            institution=institution,
            sent_at=utcnow() - timedelta(days=90),
            response_due_on=date.today() - timedelta(days=30),
        )
    )
    for body, lang in ((ARABIC_TESTIMONY, "ar"), (FRENCH_TESTIMONY, "fr")):
        db.session.add(
            Contribution(
                proposal=proposal, kind=ContributionKind.TESTIMONY, body=body, lang=lang,
                state=ContributionState.PUBLISHED, guest_name="Amina",
            )
        )  # fmt: skip
    db.session.commit()
    return proposal


def _reads_as_french(chars: list[dict], where: str) -> None:
    """Left to right, "30" left of "avril" when on one line, the full stop at the right end."""
    assert not _runs_left_to_right(chars), (where, _runs_left_to_right(chars))
    thirty, april = chars[_index(chars, "30")], chars[_index(chars, "avril")]
    if abs(thirty["top"] - april["top"]) < thirty["height"] / 2:
        assert thirty["right"] <= april["left"], where
    last_line = _lines(chars)[-1]
    assert last_line[-1]["c"] == ".", where
    assert last_line[-1]["left"] == max(char["left"] for char in last_line), where


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
def test_a_french_title_reads_left_to_right_in_an_arabic_page(
    new_context, scene, tmp_path, viewport
):
    page = new_context(viewport=viewport).new_page()
    places = {
        "/propositions?lang=ar": "main .cards h2",  # a card of the list
        "/suivi?lang=ar": "main table bdi",  # isolated inside an Arabic table
        f"/propositions/{scene.id}?lang=ar": "main h1",  # the page's own title
    }
    for url, selector in places.items():
        page.goto(url)
        assert page.evaluate("document.documentElement.dir") == "rtl"
        chars, direction = _boxes(page, selector, FRENCH_TITLE)
        assert direction == "ltr", url
        _reads_as_french(chars, url)
        if url.startswith("/propositions?"):  # the card's workshop: French, isolated
            workshop, direction = _boxes(page, "main .cards bdi", WORKSHOP)
            assert direction == "ltr" and not _runs_left_to_right(workshop)
    _screenshot(page, tmp_path, "titre-francais-en-arabe")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
def test_an_arabic_testimony_reads_right_to_left_in_a_french_page(
    new_context, scene, tmp_path, viewport
):
    page = new_context(viewport=viewport).new_page()
    page.goto(f"/propositions/{scene.id}?lang=fr")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    chars, direction = _boxes(page, "main .contribution .body", ARABIC_TESTIMONY)
    assert direction == "rtl"
    assert not _runs_right_to_left(chars), _runs_right_to_left(chars)
    first_line, last_line = _lines(chars)[0], _lines(chars)[-1]
    assert first_line[0]["right"] == max(char["right"] for char in first_line)  # starts right
    assert last_line[-1]["c"] == "."
    assert last_line[-1]["left"] == min(char["left"] for char in last_line)  # ends left
    # The French around it is unaffected: the next testimony, the title, the heading.
    for selector, text in (
        ("main .contribution .body", FRENCH_TESTIMONY),
        ("main h1", FRENCH_TITLE),
        ("main h2", "Témoignages (2)"),
    ):
        french, direction = _boxes(page, selector, text)
        assert direction == "ltr", text
        assert not _runs_left_to_right(french), (text, _runs_left_to_right(french))
        last_line = _lines(french)[-1]
        assert last_line[-1]["left"] == max(char["left"] for char in last_line), text
    page.locator("#temoignages").scroll_into_view_if_needed()
    _screenshot(page, tmp_path, "temoignage-arabe-en-francais")
