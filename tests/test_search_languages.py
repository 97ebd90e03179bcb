"""Search across languages, on SQLite (FTS5) and PostgreSQL (a configuration per language):
each translation of a proposal, a response and a meeting is a document of its own, indexed
with its language's stemming; Arabic is normalised in the index and in the query alike; a
result is shown once per object, in the reader's language, and counted once.

Decided here: an outdated translation stays searchable (pages still show it, with a note),
a deleted one is not; nothing of an object that is not public is ever found, in any
language. The API has no search endpoint: these rules are the site search's only.
"""

import importlib.util
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Commitment,
    Contribution,
    ContributionKind,
    ContributionState,
    DocumentKind,
    Meeting,
    OfficialResponse,
    OrganisationKind,
    Position,
    SearchDocument,
    TranslatedKind,
    Translation,
    utcnow,
)
from app.search import terms
from app.search.highlight import snippet
from app.services import translations
from tests.helpers import count_queries

ARABIC_TITLE = "فتح حمّامات مجانية للأطفال"
ARABIC_BODY = "مَدْرَسَة قريبة من مستشفى ومن إسكان الطوارئ"


def _translate(obj, lang, **texts):
    translations.add_network_translation(obj, lang, texts)
    db.session.commit()


def _search(client, q, lang="fr", **args):
    response = client.get("/recherche", query_string={"q": q, "lang": lang, **args})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _results(html: str) -> str:
    match = re.search(r'<ol class="cards search-results">.*?</ol>', html, re.S)
    return match.group(0) if match else ""


def _cards(html: str) -> list[str]:
    return re.findall(r'<li class="card">.*?</li>', _results(html), re.S)


def _counts(html: str) -> dict[str, int]:
    """The numbers of the type filter, in any language: {"all": …, "proposal": …, …}."""
    tabs = re.search(r'<ul class="tabs search-kinds">(.*?)</ul>', html, re.S).group(1)
    counts = {}
    for link in re.findall(r"<a href=\"([^\"]+)\"[^>]*>[^<]*\((\d+)\)</a>", tabs):
        kind = re.search(r"type=(\w+)", link[0])
        counts[kind.group(1) if kind else "all"] = int(link[1])
    return counts


def _found(client, q, lang="fr") -> list[str]:
    """The links of the results."""
    return re.findall(r'<h2>\s*<a href="([^"]+)"', _results(_search(client, q, lang)))


def _documents(obj_kind: DocumentKind) -> list[tuple[int, str]]:
    rows = db.session.execute(
        sa.select(SearchDocument.object_id, SearchDocument.lang)
        .where(SearchDocument.kind == obj_kind)
        .order_by(SearchDocument.object_id, SearchDocument.lang)
    )
    return [tuple(row) for row in rows]


# --- the Arabic normalisation: a pure function -------------------------------------------


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("مَدْرَسَةٌ", "مدرسه"),  # short vowels, sukun, tanwin; ta marbuta
        ("حمّامات", "حمامات"),  # shadda
        ("مـــدرسة", "مدرسه"),  # tatweel
        ("أطفال إسكان آمن ٱلسلام", "اطفال اسكان امن السلام"),  # alef forms
        ("مستشفى", "مستشفي"),  # alef maqsura
        ("هٰذا", "هذا"),  # superscript alef
        ("Santé, 12 €", "Santé, 12 €"),  # anything else as it is
        ("", ""),
    ],
)
def test_arabic_normalisation(written, normalised):
    assert terms.normalise_arabic(written) == normalised
    assert terms.normalise_arabic(normalised) == normalised  # twice changes nothing


def test_arabic_normalisation_is_character_for_character():
    """PostgreSQL applies it with translate(): one character to one, or to nothing."""
    assert len(terms.ARABIC_FROM) == len(terms.ARABIC_TO)
    assert all(len(c) == 1 for c in terms.ARABIC_REMOVED)
    assert not set(terms.ARABIC_FROM) & set(terms.ARABIC_REMOVED)


def test_the_migration_writes_the_same_normalisation():
    """The generated column of PostgreSQL normalises as the query does."""
    path = next(Path("migrations/versions").glob("*_07000bf84b1c_*.py"))
    spec = importlib.util.spec_from_file_location("search_languages_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.ARABIC_FROM == terms.ARABIC_FROM
    assert migration.ARABIC_TO == terms.ARABIC_TO
    assert migration.ARABIC_REMOVED == terms.ARABIC_REMOVED


def test_each_language_stems_its_own_words():
    assert terms.terms("Showers for the homeless", "en") == ["shower", "homeless"]
    assert terms.terms("Des logements", "fr") == ["log"]
    assert terms.terms("مَدْرَسَة", "ar") == terms.terms("مدرسه", "ar") == ["مدرس"]
    assert terms.index_language("es") == "fr"  # other languages: as the index always did


def test_a_query_of_common_words_of_one_language_is_refused(client, make_proposal):
    make_proposal(title="The of")
    for q in ("le de pour", "the of"):
        html = _search(client, q)
        assert "trop courants" in html and _results(html) == ""


# --- found in each language --------------------------------------------------------------


def test_an_english_word_finds_the_english_translation(client, make_proposal):
    proposal = make_proposal(title="Ouvrir des bains-douches gratuits")
    make_proposal(title="Un logement d’abord")
    assert _found(client, "showers") == []
    _translate(proposal, "en", title="Open free public showers", body="Showers for everyone.")

    html = _search(client, "shower", lang="en")
    [card] = _cards(html)
    assert f'href="/propositions/{proposal.id}"' in card
    assert '<bdi lang="en" dir="ltr">Open free public <mark>showers</mark></bdi>' in card
    assert '<p class="snippet" lang="en" dir="ltr"><mark>Showers</mark> for everyone.' in card
    assert _counts(html)["all"] == _counts(html)["proposal"] == 1

    # On a French page: the French title (the reader's language), the English excerpt.
    [card] = _cards(_search(client, "showers"))
    assert '<bdi lang="fr" dir="ltr">Ouvrir des bains-douches gratuits</bdi>' in card
    assert '<p class="snippet" lang="en" dir="ltr"><mark>Showers</mark> for everyone.' in card


@pytest.mark.parametrize(
    "q",
    [
        "حمامات",  # written with a shadda in the text
        "حمّامات",
        "مجانيه",  # ta marbuta written as ha
        "اطفال",  # the text says للأطفال
        "أطفال",
        "مدرسة",  # the text has every vowel
        "مَدْرَسَةٌ",
        "مـدرسة",
        "مدرسه",
        "مستشفي",  # alef maqsura written as ya
        "اسكان",  # the text says إسكان
        "آسكان",
        "ٱسكان",
    ],
)
def test_an_arabic_word_finds_the_arabic_translation_however_written(client, make_proposal, q):
    proposal = make_proposal(title="Ouvrir des bains-douches gratuits")
    _translate(proposal, "ar", title=ARABIC_TITLE, body=ARABIC_BODY)
    html = _search(client, q, lang="ar")
    [card] = _cards(html)
    assert f'href="/propositions/{proposal.id}"' in card
    assert '<bdi lang="ar" dir="rtl">' in card
    assert '<p class="snippet" lang="ar" dir="rtl">' in card
    assert "<mark>" in card


def test_arabic_is_highlighted_as_written():
    marked = snippet(ARABIC_BODY, "مدرسة", "ar")
    assert "<mark>مَدْرَسَة</mark>" in marked
    assert "<mark>" not in snippet(ARABIC_BODY, "مدرسة", "fr").replace("<mark>مَدْرَسَة", "")


def test_an_arabic_testimony_is_found_however_written(client, make_proposal):
    proposal = make_proposal()
    db.session.add(
        Contribution(
            proposal=proposal,
            kind=ContributionKind.TESTIMONY,
            body="ننتظر إسكاناً منذ سنتين",
            lang="ar",
            state=ContributionState.PUBLISHED,
        )
    )
    db.session.commit()
    [card] = _cards(_search(client, "سنتين"))
    assert '<p class="snippet" lang="ar" dir="rtl">' in card


def test_french_keeps_its_stemming_and_finds_the_original(client, make_proposal):
    proposal = make_proposal(title="Un logement d’abord")
    _translate(proposal, "en", title="Housing first")
    _translate(proposal, "ar", title="السكن أولا")
    [card] = _cards(_search(client, "logements", lang="en"))
    # The English reader sees the English title; the French text is what matched.
    assert '<bdi lang="en" dir="ltr">Housing first</bdi>' in card
    assert _found(client, "housing", lang="ar") == [f"/propositions/{proposal.id}"]


# --- once per object ----------------------------------------------------------------------


def test_an_object_found_in_three_languages_is_one_result_counted_once(client, make_proposal):
    proposal = make_proposal(title="Douches au 12 rue Mazelle")
    proposal.body = "Les bains-douches de la rue Mazelle."
    db.session.commit()
    _translate(proposal, "en", title="Showers at 12 rue Mazelle", body="The Mazelle baths.")
    _translate(proposal, "ar", title="حمامات في 12 شارع Mazelle", body="حمامات شارع Mazelle")
    assert len(_documents(DocumentKind.PROPOSAL)) == 3

    for lang, title_lang, text in [
        ("fr", 'lang="fr" dir="ltr"', "bains-douches"),
        ("en", 'lang="en" dir="ltr"', "baths"),
        ("ar", 'lang="ar" dir="rtl"', "حمامات"),
    ]:
        html = _search(client, "Mazelle", lang=lang)
        [card] = _cards(html)
        assert f"<bdi {title_lang}>" in card
        assert f'<p class="snippet" {title_lang}>' in card and text in card
        assert _counts(html)["all"] == _counts(html)["proposal"] == 1


def test_the_readers_document_is_shown_when_it_matches_less_well(client, make_proposal):
    """Ranked by its best document (the French title), shown through the English one."""
    proposal = make_proposal(title="Douches de la rue Mazelle")
    _translate(proposal, "en", title="Free showers", body="The showers are near Mazelle street.")
    [card] = _cards(_search(client, "Mazelle", lang="en"))
    assert '<bdi lang="en" dir="ltr">Free showers</bdi>' in card
    assert '<p class="snippet" lang="en" dir="ltr">' in card
    assert "near <mark>Mazelle</mark> street" in card
    [card] = _cards(_search(client, "Mazelle", lang="ar"))  # no Arabic: the best one
    assert '<bdi lang="fr" dir="ltr">Douches de la rue <mark>Mazelle</mark></bdi>' in card


def test_counts_and_pages_count_objects_not_documents(app, client, make_proposal, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_RESULTS_PER_PAGE", 2)
    ids = []
    for n in range(3):
        proposal = make_proposal(title=f"Laverie solidaire {n}")
        _translate(proposal, "en", title=f"Laverie laundry {n}")
        ids.append(proposal.id)
    html = _search(client, "laverie", lang="en")
    assert _counts(html)["all"] == _counts(html)["proposal"] == 3
    assert 'rel="next"' in html
    first = _found(client, "laverie", lang="en")
    second = re.findall(
        r'<h2>\s*<a href="([^"]+)"', _results(_search(client, "laverie", lang="en", page=2))
    )
    assert len(first) == 2 and len(second) == 1
    assert sorted(first + second) == sorted(f"/propositions/{i}" for i in ids)


# --- the index follows the translations ---------------------------------------------------


def test_the_index_follows_translations_saved_changed_outdated_deleted(client, make_proposal):
    proposal = make_proposal(title="Ouvrir des bains-douches gratuits")
    _translate(proposal, "en", title="Open free showers")
    assert _found(client, "showers", lang="en") == [f"/propositions/{proposal.id}"]

    _translate(proposal, "en", title="Open free baths")  # changed: the old words go
    assert _found(client, "showers", lang="en") == []
    assert _found(client, "baths", lang="en") == [f"/propositions/{proposal.id}"]

    # The original changes: the translation is outdated, still shown, still found.
    proposal.title = "Ouvrir des bains-douches gratuits le dimanche"
    db.session.commit()
    row = db.session.scalar(sa.select(Translation).where(Translation.lang == "en"))
    assert row.outdated
    [card] = _cards(_search(client, "baths", lang="en"))
    assert "Open free <mark>baths</mark>" in card
    assert _found(client, "dimanche", lang="en") == [f"/propositions/{proposal.id}"]

    db.session.delete(row)  # deleted: no longer found in English
    db.session.commit()
    assert _found(client, "baths", lang="en") == []
    assert _documents(DocumentKind.PROPOSAL) == [(proposal.id, "fr")]

    _translate(proposal, "en", title="Open free baths")
    db.session.delete(proposal)  # the proposal goes: every language with it
    db.session.commit()
    assert _documents(DocumentKind.PROPOSAL) == []


def test_a_saved_translation_is_indexed_in_its_transaction(make_proposal, make_user):
    proposal = make_proposal()
    translator = make_user("admin")
    translations.save_translation(
        translator,
        proposal,
        "ar",
        {"title": ARABIC_TITLE},
        revisions={"title": 0},
        digests={"title": translations.source_digest(proposal.title)},
    )
    assert _documents(DocumentKind.PROPOSAL) == [(proposal.id, "ar"), (proposal.id, "fr")]


def test_responses_and_their_commitments_are_found_translated(
    client, make_proposal, make_organisation
):
    institution = make_organisation(OrganisationKind.INSTITUTION, name="Ville de Metz")
    proposal = make_proposal(title="Des douches", institutions=[institution])
    response = OfficialResponse(
        proposal=proposal,
        institution=institution,
        position=Position.FAVOURABLE,
        body="Nous ouvrons des douches.",
        easy_read="La mairie ouvre des douches.",
    )
    commitment = Commitment(action="Ouvrir la salle", due_on=date(2027, 3, 1))
    response.commitments.append(commitment)
    db.session.add(response)
    db.session.commit()
    _translate(response, "en", body="We are opening showers.")
    _translate(commitment, "en", action="Open the hall by March")

    html = _search(client, "hall", lang="en")
    [card] = _cards(html)
    assert f'#reponse-{response.id}"' in card and _counts(html)["response"] == 1
    assert '<p class="snippet" lang="en" dir="ltr">' in card and "<mark>hall</mark>" in card
    assert _found(client, "mairie", lang="en") == [  # the French easy-read summary, indexed
        f"/propositions/{proposal.id}#reponse-{response.id}"
    ]
    commitment.action = "Ouvrir la grande salle"  # the commitment's translation is outdated:
    db.session.commit()  # still found
    assert _found(client, "hall", lang="en") == [
        f"/propositions/{proposal.id}#reponse-{response.id}"
    ]
    db.session.delete(response)
    db.session.commit()
    assert _found(client, "hall", lang="en") == [] and _documents(DocumentKind.RESPONSE) == []


def test_meetings_are_found_translated_and_private_ones_never(client):
    starts = utcnow() + timedelta(days=3)
    public = Meeting(
        title="Groupe santé", description="Parler de l’accès aux soins.", starts_at=starts
    )
    private = Meeting(title="Groupe réservé", starts_at=starts, is_public=False)
    db.session.add_all([public, private])
    db.session.commit()
    _translate(public, "en", title="Health group", description="Talking about care.")
    _translate(private, "en", title="Closed health group")

    [card] = _cards(_search(client, "health", lang="en"))
    assert f'href="/reunions/{public.id}"' in card
    assert '<bdi lang="en" dir="ltr"><mark>Health</mark> group</bdi>' in card
    assert "Closed" not in _search(client, "health", lang="en")
    assert (private.id, "en") not in _documents(DocumentKind.MEETING)

    public.is_public = False  # made private: gone in every language
    db.session.commit()
    assert _found(client, "health", lang="en") == [] and _found(client, "santé") == []
    assert _documents(DocumentKind.MEETING) == []


def test_the_reindex_command_indexes_the_translations(app, client, make_proposal):
    proposal = make_proposal(title="Ouvrir des bains-douches gratuits")
    _translate(proposal, "en", title="Open free showers")
    _translate(proposal, "ar", title=ARABIC_TITLE)
    db.session.execute(sa.delete(SearchDocument))
    db.session.commit()
    assert _found(client, "showers", lang="en") == []

    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert _documents(DocumentKind.PROPOSAL) == [
        (proposal.id, "ar"),
        (proposal.id, "en"),
        (proposal.id, "fr"),
    ]
    assert _found(client, "showers", lang="en") == [f"/propositions/{proposal.id}"]
    assert _found(client, "حمامات", lang="ar") == [f"/propositions/{proposal.id}"]


def test_a_workshop_is_offered_by_its_name_in_the_readers_language(client, make_theme):
    theme = make_theme("Hébergement – logement")
    _translate(theme, "en", name="Shelter and housing")
    html = _search(client, "housing", lang="en")
    assert (
        f'href="/ateliers/{theme.slug}"><bdi lang="en" dir="ltr">Shelter and housing</bdi>'
    ) in html
    assert 'id="ateliers-trouves"' not in _search(client, "housing", lang="fr")


def test_query_count_stays_flat_with_translations(client, make_proposal, make_theme):
    """One query for the page's translations, whatever the number of results."""
    theme = make_theme()

    def add(n):
        for i in range(n):
            proposal = make_proposal(title=f"Douches {i}", theme=theme)
            _translate(proposal, "en", title=f"Showers {i}", body="Hot showers.")
            _translate(proposal, "ar", title=f"حمامات {i}")

    add(2)
    url = "/recherche?q=showers&lang=en"
    client.get(url)
    with count_queries() as few:
        client.get(url, headers={"Cache-Control": "no-cache"})
    add(25)
    with count_queries() as many:
        client.get(url, headers={"Cache-Control": "no-cache"})
    assert len(few) == len(many)
    assert sum("translation" in s.lower() and "search_document" not in s for s in many) == 1


def test_no_translation_table_query_on_a_french_search(client, make_proposal):
    proposal = make_proposal(title="Douches")
    _translate(proposal, "en", title="Showers")
    client.get("/recherche?q=douches&lang=fr")
    with count_queries() as statements:
        client.get("/recherche?q=douches&lang=fr", headers={"Cache-Control": "no-cache"})
    assert not any("FROM translation" in s for s in statements)


def test_a_translation_of_no_public_text_is_not_indexed(make_proposal):
    """Only the translatable fields of public objects: a stray translation row (of an
    object that does not exist) is never a document."""
    make_proposal()
    db.session.add(
        Translation(
            kind=TranslatedKind.PROPOSAL,
            object_id=999_999,
            field="title",
            lang="en",
            text="Ghost",
            source_hash="x" * 64,
        )
    )
    db.session.commit()
    assert all(object_id != 999_999 for object_id, _ in _documents(DocumentKind.PROPOSAL))
