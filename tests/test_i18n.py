"""Every interface string is in the English and Arabic catalogues; pages use them."""

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import session
from flask_babel import force_locale, gettext, lazy_gettext, refresh

from app.web.content_language import Localized, bidi

ROOT = Path(__file__).resolve().parent.parent


def _catalogue(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def _has_translation(catalogue, msgid) -> bool:
    message = catalogue.get(msgid)
    if message is None:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_string_is_translated(tmp_path, language):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "--ignore-dirs",
            ".*",  # the default also skips templates/_macros
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    translated = _catalogue(ROOT / f"app/translations/{language}/LC_MESSAGES/messages.po")
    missing = [
        message.id
        for message in _catalogue(pot)
        if message.id and not _has_translation(translated, message.id)
    ]
    assert missing == []


def test_arabic_pages_are_right_to_left(client):
    html = client.get("/?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "العربية" in html
    assert "Propositions" not in html
    follow_up = client.get("/propositions").get_data(as_text=True)
    assert 'dir="rtl"' in follow_up  # the choice is kept for the visitor


def test_english_pages(client):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html
    assert "Proposals" in html
    assert "Propositions" not in html


def test_the_login_prompt_is_in_the_visitors_language(client):
    response = client.get("/compte/preferences?lang=en", follow_redirects=True)
    assert "Log in to see this page." in response.get_data(as_text=True)


def test_dates_and_counts_follow_each_page_language(client, db, make_proposal):
    """Dates are formatted once per value, but per language: the French page's date is never
    served on the English one, nor the reverse."""
    proposal = make_proposal()
    proposal.created_at = datetime(2025, 3, 14, 10, 30)
    db.session.commit()
    french = client.get(f"/propositions/{proposal.id}?lang=fr").get_data(as_text=True)
    english = client.get(f"/propositions/{proposal.id}?lang=en").get_data(as_text=True)
    french_again = client.get(f"/propositions/{proposal.id}?lang=fr").get_data(as_text=True)
    assert "14 mars 2025" in french and "14 mars 2025" in french_again
    assert "March 14, 2025" in english and "mars" not in english
    assert "0 témoignage" in french and "0 testimonies" in english


@pytest.mark.parametrize(("language", "back"), [("fr", "←"), ("ar", "→")])
def test_back_arrows_point_back_in_the_reading_direction(client, make_proposal, language, back):
    """Right to left, "back" points right: the arrow follows the page's direction."""
    proposal = make_proposal()
    html = client.get(f"/propositions/{proposal.id}/temoigner?lang={language}").get_data(
        as_text=True
    )
    link = html[html.index('class="breadcrumb"') : html.index("</p>", html.index("breadcrumb"))]
    assert f"{back} " in link
    assert ({"←", "→"} - {back}).pop() not in link


def test_a_language_forced_for_a_moment_is_used_then_left(app):
    """Each request keeps its translations (app/web/catalogues.py): an e-mail rendered in its
    recipient's language during an English page is in that language, in Python, templates
    and macros alike, and the page goes on in English; a language changed mid-request
    (`refresh`) is followed."""
    macro = app.jinja_env.from_string(
        '{% macro title() %}{{ _("Propositions") }}{% endmacro %}'
        '{{ title() }}|{{ _("Propositions") }}'
    )
    with app.test_request_context("/?lang=en", headers={"Accept-Language": "en"}):
        assert gettext("Propositions") == "Proposals"
        assert macro.render() == "Proposals|Proposals"
        with force_locale("ar"):
            assert gettext("Propositions") == "الاقتراحات"
            assert str(lazy_gettext("Propositions")) == "الاقتراحات"
            assert macro.render() == "الاقتراحات|الاقتراحات"
        assert gettext("Propositions") == "Proposals"
        assert macro.render() == "Proposals|Proposals"
        session["locale"] = "fr"
        refresh()
        assert gettext("Propositions") == "Propositions"
        assert macro.render() == "Propositions|Propositions"


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (
            "<b>Paris & co</b>",
            "fr",
            '<bdi lang="fr" dir="ltr">&lt;b&gt;Paris &amp; co&lt;/b&gt;</bdi>',
        ),
        ("سكن", "ar", '<bdi lang="ar" dir="rtl">سكن</bdi>'),
        ("x", "ar-MA", '<bdi lang="ar-MA" dir="rtl">x</bdi>'),
        ("x", "ku-Arab", '<bdi lang="ku-Arab" dir="rtl">x</bdi>'),
        ("x", '"><script>', '<bdi lang="&#34;&gt;&lt;script&gt;" dir="ltr">x</bdi>'),
        ("<i>", None, '<bdi dir="auto">&lt;i&gt;</bdi>'),
        (Localized("ليل & نهار", "ar"), None, '<bdi lang="ar" dir="rtl">ليل &amp; نهار</bdi>'),
    ],
)
def test_a_text_is_isolated_with_its_language_and_escaped(app, value, lang, expected):
    with app.app_context():
        assert bidi(value, lang) == expected
