"""The 2015 record against its source: each proposal's wording is the document's, and its
easy-read summary says nothing the document does not.

The source is the network's review, committed as it was received in
``docs/sources/bilan-assises-solidarite-2015.txt``. Its spacing is odd (runs of spaces,
lines cut mid-sentence, both apostrophes): the comparison collapses whitespace, ignores
case and takes ' for ’.
"""

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.demo import data_2015 as data
from app.demo import example_edition
from app.extensions import db
from app.models import CharterVersion
from tests.scratch_db import scratch_database

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "docs" / "sources" / "bilan-assises-solidarite-2015.txt"


def _normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("'", "’")).strip().lower()


@pytest.fixture(scope="module")
def source() -> str:
    return _normalised(SOURCE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("row", data.PROPOSALS, ids=lambda row: row["title"][:50])
def test_each_proposal_quotes_the_source(source, row):
    quote = _normalised(row["quote"])
    assert len(quote) >= 20, "quote a whole phrase"
    assert quote in source, row["quote"]
    assert quote in _normalised(row["body"]), "the text keeps the source's words"


def test_every_item_of_part_three_is_a_proposal():
    themes = [row["theme"] for row in data.PROPOSALS]
    assert themes.count("acces-sante") == 5
    assert themes.count("urgence-alimentaire") == 3
    assert themes.count("culture-insertion") == 8
    assert themes.count("hebergement-logement") == 6
    assert themes.count(data.NETWORK_THEME) == 9
    assert len({row["quote"] for row in data.PROPOSALS}) == len(data.PROPOSALS)
    assert len({row["title"] for row in data.PROPOSALS}) == len(data.PROPOSALS)


def test_stated_positions_are_the_sources_sentences(source):
    stated = [words for row in data.PROPOSALS for _slug, words in row.get("stated", [])]
    assert len(stated) == 2
    for words in stated:
        assert _normalised(words) in source, words


def test_meetings_and_places_are_the_sources(source):
    for meeting in data.MEETINGS:
        assert _normalised(meeting["title"].removeprefix("Réunion du ")) in source
        street = meeting["address"].split(",")[0]
        assert _normalised(street) in source, street
    for organisation in data.ORGANISATIONS:
        if organisation["address"]:
            assert _normalised(organisation["address"].split(",")[0]) in source


def test_nothing_the_source_does_not_name(source):
    everything = _normalised(repr((data.EVENT, data.THEMES, data.ORGANISATIONS, data.PROPOSALS)))
    for invented in ("hôpitaux de metz", "université de lorraine", "emploi", "57000", "57070"):
        assert invented not in everything, invented
    assert "100 associations" in source and data.EVENT["organisations_count"] == 100


# --- Easy-read summaries (FALC) --------------------------------------------------------------

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
# Who a summary may name, and the words its proposal's text must use for that one: the city
# (by any of its names), the hospital, the university, the institutions the source
# abbreviates (said in full in a summary), any institution at all. A word of the first list
# in a summary needs one of the second in the text; an empty second list: never named.
INSTITUTIONS = [
    (("mairie", "municipalité", "ville"), ("mairie", "municipalité", "ville")),
    (("hôpita",), ("hôpita",)),
    (("université",), ("université",)),
    (("conseil départemental",), ("conseil départemental",)),
    (("commission",), ("commission",)),
    (("institution",), ("institution",)),
    *(((full,), (abbreviation,)) for abbreviation, full in data.ABBREVIATIONS.items()),
    (("état", "préfecture", "ministère", "gouvernement", "région", "agence régionale"), ()),
]


def _mentions(text: str, word: str, *, whole: bool = False) -> bool:
    """Whether the text says the word (or a word it begins, unless ``whole``); an
    abbreviation as the text writes it."""
    end = r"(?!\w)" if whole else ""
    if word.isupper() or word.endswith("."):
        return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None
    return re.search(rf"(?<!\w){re.escape(word.lower())}{end}", text.lower()) is not None


def _names(summary: str) -> list[str]:
    """The words with a capital letter that do not open a sentence: names."""
    names = []
    for sentence in re.split(r"(?<=[.?!])\s+|\n", summary):
        names += re.findall(r"(?<!^)(?<![.?!] )\b[A-ZÀ-Ý][\w’'-]*", sentence.strip())
    return names


@pytest.mark.parametrize(
    "row", [*data.PROPOSALS, *example_edition.PROPOSALS], ids=lambda row: row["title"][:50]
)
def test_each_easy_read_summary_is_short_and_plain(row):
    """Two to five lines, one short sentence each, no abbreviation (FALC)."""
    lines = row["easy_read"].split("\n")
    assert 2 <= len(lines) <= 5, lines
    for line in lines:
        assert line == line.strip() and line[-1] in ".?!", line
        assert not re.search(r"[.?!]\s+\S", line), f"one sentence a line: {line}"
        assert len(line) <= 100 and len(line.split()) <= 18, line
    summary = row["easy_read"]
    assert not re.search(r"\b[A-ZÀ-Ý]{2,}\b", summary), "no abbreviation"
    assert not re.search(r"\bM\.|\d\s*h\b|\betc\b|\bex\b|\bcf\b", summary), "no abbreviation"
    for number in re.findall(r"\d+", summary):  # a figure is the text's, in its context
        assert re.search(rf"(?<!\d){number}(?!\d)", row["body"]), number


@pytest.mark.parametrize("row", data.PROPOSALS, ids=lambda row: row["title"][:50])
def test_each_easy_read_summary_says_only_what_the_source_says(source, row):
    """Every number, date, name and institution of a 2015 summary is its proposal's, and
    the source's; an abbreviation is said in full only where the text has it."""
    summary, body = row["easy_read"], row["body"]
    for number in re.findall(r"\d+", summary):
        assert number in source and number in body, number
    for month in MONTHS:
        if _mentions(summary, month, whole=True):
            assert month in source and _mentions(body, month, whole=True), month
    used = [full for full in data.ABBREVIATIONS.values() if _mentions(summary, full)]
    for name in _names(summary):
        in_full = any(name in full for full in used)
        assert in_full or (_normalised(name) in source and _mentions(body, name)), name
    for said, needed in INSTITUTIONS:
        named = [word for word in said if _mentions(summary, word)]
        if named:
            assert any(_mentions(body, word) for word in needed), named
            assert any(_normalised(word) in source for word in needed), named


def test_the_summary_checks_catch_what_the_source_does_not_say(source):
    """The checks above refuse a figure, a date, an institution and a name of its own."""
    row = next(r for r in data.PROPOSALS if r["title"].startswith("Prévenir les expulsions"))
    for invented in (
        "En juin 2014, une commission a été créée.",
        "En mars, une commission a été créée.",
        "La préfecture est d’accord.",
        "Le centre communal d’action sociale est d’accord.",
        "La Fondation Abbé Pierre est d’accord.",
    ):
        changed = {**row, "easy_read": row["easy_read"] + "\n" + invented}
        with pytest.raises(AssertionError):
            test_each_easy_read_summary_says_only_what_the_source_says(source, changed)
    with pytest.raises(AssertionError):
        test_each_easy_read_summary_is_short_and_plain({**row, "easy_read": "Voir la CAF."})


@pytest.fixture
def empty_database_url(app, tmp_path) -> Iterator[str]:
    """A database of its own, empty: SQLite in a file, or a scratch PostgreSQL database."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path}/charter.db"
        return
    with scratch_database(url, "charter") as scratch:
        yield scratch


def test_the_first_charter_is_dated_when_it_shipped(empty_database_url):
    """Migration 46bb478fa711: not "published on 30 April 2015", a date no document gives;
    a date an admin corrected stays."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database_url})

    def published_at():
        return db.session.scalar(
            sa.select(CharterVersion.published_at).where(CharterVersion.label == "2015-1")
        )

    with app.app_context():
        try:
            upgrade(revision="7f5fd2aba7f1")
            assert published_at() == datetime(2015, 4, 30, 16, 0)
            upgrade(revision="46bb478fa711")
            assert published_at() == datetime(2026, 11, 26)
            downgrade(revision="7f5fd2aba7f1")
            db.session.execute(sa.update(CharterVersion).values(published_at=datetime(2026, 12, 1)))
            db.session.commit()
            upgrade(revision="46bb478fa711")
            assert published_at() == datetime(2026, 12, 1)
        finally:
            db.session.remove()
            db.engine.dispose()
