"""The 2015 record against its source: each proposal's wording is the document's.

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
