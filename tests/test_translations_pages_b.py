"""Events, meetings, minutes, the charter and workshops read in the reader's language: a
translated text marked with its lang and dir, the French original marked as such; names,
places and what people wrote shown as written, isolated; one statement reads a page's
translations, and a page runs as many statements with many objects as with few."""

import re
from datetime import date, timedelta
from itertools import count

import icalendar
import pytest

from app.extensions import db
from app.models import (
    CharterArticle,
    CharterVersion,
    Event,
    Meeting,
    Minutes,
    MinutesState,
    MinutesVersion,
    Theme,
    User,
    paris_today,
    utcnow,
)
from app.services import translations
from tests.conftest import login
from tests.helpers import count_queries

AR, EN = 'lang="ar" dir="rtl"', 'lang="en" dir="ltr"'
FR = 'lang="fr" dir="ltr"'
ORIGINAL_MARK = 'class="original-mark"'
READS_TRANSLATIONS = re.compile(r"\bFROM translation\b", re.IGNORECASE)
_serial = count(1)


def _translate(obj, lang, **texts):
    translations.add_network_translation(obj, lang, texts)
    db.session.commit()


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _statements(client, url) -> tuple[str, list[str]]:
    """The page and its statements, read as a new request reads it: with a session holding
    nothing (an object the test holds cannot hide what the page loads as it renders)."""
    _page(client, url)  # warm: the language kept in the session, the caches
    db.session.expunge_all()
    with count_queries() as statements:
        html = _page(client, url)
    db.session.expunge_all()
    return html, statements


def _reads_of_translations(statements) -> list[str]:
    return [statement for statement in statements if READS_TRANSLATIONS.search(statement)]


def _flat(client, url, grow) -> str:
    """The page runs as many statements after ``grow()`` added objects as before, and one of
    them reads the translations. Its HTML afterwards."""
    _html, few = _statements(client, url)
    grow()
    html, many = _statements(client, url)
    assert len(_reads_of_translations(few)) == 1, _reads_of_translations(few)
    assert len(_reads_of_translations(many)) == 1, _reads_of_translations(many)
    assert len(many) == len(few), "\n\n".join(many)
    return html


def _meeting(theme=None, days=7, **fields) -> Meeting:
    n = next(_serial)
    meeting = Meeting(
        title=f"Groupe santé {n}",
        starts_at=utcnow() + timedelta(days=days),
        theme=theme,
        place_name="Médecins du Monde",
        address="12 b rue d’Annecy, 57070 Metz",
        agenda=f"1. Tour de table {n}",
        **fields,
    )
    db.session.add(meeting)
    db.session.commit()
    return meeting


def _translated_meeting(theme=None, days=7, **fields) -> Meeting:
    meeting = _meeting(theme, days, **fields)
    _translate(meeting, "ar", title=f"مجموعة الصحة {meeting.id}", agenda="١. جولة تعارف")
    return meeting


def _translated_proposal(make_proposal, theme=None, **fields):
    proposal = make_proposal(title=f"Proposition {next(_serial)}", theme=theme)
    for name, value in fields.items():
        setattr(proposal, name, value)
    db.session.commit()
    _translate(proposal, "ar", title=f"اقتراح {proposal.id}")
    return proposal


# Events ----------------------------------------------------------------------------------


def _event(name=None, **fields) -> Event:
    n = next(_serial)
    event = Event(
        slug=f"evenement-{n}",
        name=name or f"Journée thématique {n}",
        held_on=date(2015, 4, 30),
        place="Hôtel de ville de Metz",
        **fields,
    )
    db.session.add(event)
    db.session.commit()
    return event


def _translated_event(**fields) -> Event:
    event = _event(**fields)
    _translate(event, "ar", name=f"يوم موضوعي {event.id}")
    return event


def test_events_list_in_arabic(client):
    translated = _translated_event()
    untranslated = _event(name="Assises de la solidarité")
    html = _flat(client, "/evenements/?lang=ar", lambda: [_translated_event() for _ in range(6)])
    assert f'<a href="/evenements/{translated.slug}" {AR}>يوم موضوعي {translated.id}</a>' in html
    assert f'<a href="/evenements/{untranslated.slug}" {FR}>Assises de la solidarité</a>' in html
    assert f"<bdi {FR}>Hôtel de ville de Metz</bdi>" in html
    assert "30 أبريل 2015" in html  # the date in the page's language


def test_event_page_in_arabic(client, make_proposal, make_theme):
    theme = make_theme("Santé")
    _translate(theme, "ar", name="الصحة")
    event = _event(summary="Le bilan en bref.", advances="Des avancées.", source="Bilan écrit")
    _translate(event, "ar", name="يوم الصحة", summary="الحصيلة باختصار.")

    def grow():
        for _ in range(5):
            _translated_proposal(make_proposal, theme, event=event)
            _translated_meeting(theme, event=event)

    _translated_proposal(make_proposal, theme, event=event)
    _translated_meeting(theme, event=event)
    html = _flat(client, f"/evenements/{event.slug}?lang=ar", grow)
    assert f"<h1><bdi {AR}>يوم الصحة</bdi>" in html
    assert f'<div class="text" {AR}>الحصيلة باختصار.</div>' in html
    assert f'<div class="text" {FR}>Des avancées.</div>' in html  # untranslated: the original
    assert '<details class="original">' in html and "Le bilan en bref.</div>" in html
    assert 'class="language-note"' in html and ORIGINAL_MARK not in html
    assert f'<a href="/ateliers/{theme.slug}" {AR}>الصحة</a>' in html
    assert re.search(rf'<a href="/propositions/\d+" {AR}>اقتراح \d+</a>', html)
    assert re.search(rf'<a href="/reunions/\d+" {AR}>مجموعة الصحة \d+</a>', html)
    assert f"<bdi {FR}>Bilan écrit</bdi>" in html
    assert 'hreflang="fr"' in html  # the note links to the French original


def test_untranslated_event_is_marked_as_the_french_original(client):
    event = _event(summary="Le bilan en bref.")
    html = _page(client, f"/evenements/{event.slug}?lang=en")
    assert f"<h1><bdi {FR}>{event.name}</bdi>" in html
    assert f'<div class="text" {FR}>Le bilan en bref.</div>' in html
    assert ORIGINAL_MARK in html
    assert '<details class="original">' not in html


def test_a_french_page_reads_no_translation(client):
    event = _translated_event()
    _html, statements = _statements(client, f"/evenements/{event.slug}?lang=fr")
    assert _reads_of_translations(statements) == []


# Meetings and minutes --------------------------------------------------------------------


def test_meetings_list_in_arabic(client, make_theme):
    theme = make_theme("Santé")
    _translate(theme, "ar", name="الصحة")
    upcoming = _translated_meeting(theme)
    past = _meeting(theme, days=-7)

    def grow():
        for n in range(4):
            _translated_meeting(make_theme(), days=n + 1)
            _translated_meeting(theme, days=-n - 1)

    html = _flat(client, "/reunions/?lang=ar", grow)
    assert f'<a href="/reunions/{upcoming.id}" {AR}>مجموعة الصحة {upcoming.id}</a>' in html
    assert f'<a href="/reunions/{past.id}" {FR}>{past.title}</a>' in html
    assert f'<option value="{theme.slug}" {AR}' in html
    assert f"<bdi {FR}>Médecins du Monde</bdi>" in html  # a place, as written
    assert f"<bdi {AR}>الصحة</bdi>" in html  # the workshop on each card


def test_meeting_page_in_arabic(client, make_proposal, make_theme, make_organisation):
    theme = make_theme("Santé")
    host = make_organisation(name="Association Al-Amal")
    meeting = _translated_meeting(theme, host=host, description="Pour tout le monde.")
    meeting_id, theme_id = meeting.id, theme.id  # the session is emptied at each page

    def grow():
        theme = db.session.get(Theme, theme_id)
        more = [_translated_proposal(make_proposal, theme) for _ in range(5)]
        meeting = db.session.get(Meeting, meeting_id)
        meeting.proposals.extend(more)
        db.session.commit()

    first = _translated_proposal(make_proposal, theme)
    meeting.proposals.append(first)
    db.session.commit()
    html = _flat(client, f"/reunions/{meeting.id}?lang=ar", grow)
    assert f"<h1><bdi {AR}>مجموعة الصحة {meeting.id}</bdi>" in html
    assert f'<div class="text" {AR}>١. جولة تعارف</div>' in html
    assert f'<div class="text" {FR}>Pour tout le monde.</div>' in html
    assert html.count('<details class="original">') == 2  # the agenda's original, the title's
    assert re.search(rf'<a href="/propositions/\d+" {AR}>اقتراح \d+</a>', html)
    assert '<bdi dir="auto">Association Al-Amal</bdi>' in html
    assert f"<bdi {FR}>12 b rue d’Annecy, 57070 Metz</bdi>" in html
    assert 'class="language-note"' in html and ORIGINAL_MARK not in html


def test_untranslated_meeting_is_marked_as_the_french_original(client):
    meeting = _meeting()
    html = _page(client, f"/reunions/{meeting.id}?lang=ar")
    assert f"<h1><bdi {FR}>{meeting.title}</bdi>" in html
    assert f'<div class="text" {FR}>{meeting.agenda}</div>' in html
    assert ORIGINAL_MARK in html


def test_minutes_page_in_arabic(client, make_proposal, make_user):
    secretary = make_user("association_member", pseudonym="Samira")
    meeting = _translated_meeting(days=-1, secretary=secretary)
    minutes = Minutes(
        meeting=meeting, state=MinutesState.OPEN, amendments_until=paris_today() + timedelta(7)
    )
    minutes.versions = [MinutesVersion(number=1, body="Présents : dix.", author=secretary)]
    db.session.add(minutes)
    first = _translated_proposal(make_proposal)
    meeting.proposals.append(first)
    db.session.commit()
    ids = {"meeting": meeting.id, "minutes": minutes.id, "secretary": secretary.id}

    def grow():
        more = [_translated_proposal(make_proposal) for _ in range(5)]
        meeting = db.session.get(Meeting, ids["meeting"])
        meeting.proposals.extend(more)
        for number in range(2, 6):
            version = MinutesVersion(
                minutes_id=ids["minutes"], number=number, body="Présents.", note="Ajout"
            )
            version.author_id = ids["secretary"]
            db.session.add(version)
        db.session.commit()

    html = _flat(client, f"/reunions/{meeting.id}/compte-rendu?lang=ar", grow)
    assert f"<bdi {AR}>مجموعة الصحة {meeting.id}</bdi>" in html
    assert f'<div class="body" {FR}><p>Présents.</p></div>' in html  # shown as written
    assert '<bdi dir="auto">Samira</bdi>' in html
    assert '<bdi dir="auto">Ajout</bdi>' in html
    assert re.search(rf'<a href="/propositions/\d+" {AR}>اقتراح \d+</a>', html)


def test_calendar_carries_the_title_in_the_requesters_language(client):
    meeting = _translated_meeting()
    response = client.get(f"/reunions/{meeting.id}.ics?lang=ar")
    [event] = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    assert str(event["summary"]) == f"مجموعة الصحة {meeting.id}"
    assert "١. جولة تعارف" in str(event["description"])
    assert "Accept-Language" in response.headers["Vary"]
    french = client.get(f"/reunions/{meeting.id}.ics?lang=fr")
    [event] = icalendar.Calendar.from_ical(french.data).walk("VEVENT")
    assert str(event["summary"]) == meeting.title


# The charter -----------------------------------------------------------------------------


def _charter(label="2026-1", articles=2) -> CharterVersion:
    version = CharterVersion(label=label, introduction="Pour que chacun parle.")
    version.articles = [
        CharterArticle(number=n, title=f"Article titré {n}", body=f"Le texte {n}.")
        for n in range(1, articles + 1)
    ]
    db.session.add(version)
    db.session.commit()
    return version


def _translate_charter(version, lang="ar"):
    _translate(version, lang, introduction="لكي يتكلم الجميع.")
    for article in version.articles:
        _translate(article, lang, title=f"المادة {article.number}", body=f"النص {article.number}.")


def _grow_charter(version):
    version_id = version.id  # the session is emptied at each page

    def grow():
        version = db.session.get(CharterVersion, version_id)
        for n in range(len(version.articles) + 1, len(version.articles) + 6):
            article = CharterArticle(number=n, title=f"Article titré {n}", body=f"Le texte {n}.")
            version.articles.append(article)
            db.session.commit()
            _translate(article, "ar", title=f"المادة {n}", body=f"النص {n}.")
        _charter(label="2014-1").published_at = utcnow() - timedelta(days=400)
        db.session.commit()

    return grow


def test_charter_in_arabic(client):
    version = _charter()
    _translate_charter(version)
    html = _flat(client, "/charte?lang=ar", _grow_charter(version))
    assert f'<div class="body" {AR}><p>لكي يتكلم الجميع.</p></div>' in html
    assert f"<bdi {AR}>المادة 1</bdi>" in html
    assert f'<div class="body" {AR}><p>النص 7.</p></div>' in html
    assert "<strong>Article titré 1</strong>" in html  # the original, folded
    assert 'class="language-note"' in html and ORIGINAL_MARK not in html
    assert 'class="outdated"' not in html


def test_untranslated_charter_is_marked_as_the_french_original(client):
    _charter()
    html = _page(client, "/charte?lang=en")
    assert f'<div class="body" {FR}><p>Pour que chacun parle.</p></div>' in html
    assert f"<bdi {FR}>Article titré 1</bdi>" in html
    assert ORIGINAL_MARK in html


def test_outdated_article_translation_is_shown_with_the_outdated_note(client):
    version = _charter()
    _translate_charter(version, "en")
    version.articles[1].body = "Le texte 2, corrigé."
    db.session.commit()
    html = _page(client, "/charte?lang=en")
    assert f'<div class="body" {EN}><p>النص 2.</p></div>' in html  # still shown
    assert 'class="outdated"' in html
    assert "Le texte 2, corrigé." in html  # with the changed original under it


def test_acceptance_page_shows_the_charter_in_arabic_and_records_its_label(client, make_user):
    user = make_user()  # accepted 2015-1: a new version is in force
    version = _charter()
    _translate_charter(version)
    login(client, user)
    html = _flat(client, "/charte/accepter?lang=ar", _grow_charter(version))
    assert f"<bdi {AR}>المادة 1</bdi>" in html
    assert f'<div class="body" {AR}><p>لكي يتكلم الجميع.</p></div>' in html
    assert 'class="language-note"' in html
    response = client.post("/charte/accepter?lang=ar", data={"accept": "y"})
    assert response.status_code == 302
    assert db.session.get(User, user.id).charter_version == "2026-1"


# Workshops -------------------------------------------------------------------------------


def test_workshops_list_in_english(client, make_theme):
    theme = make_theme("Santé", description="Se soigner sans papiers.")
    _translate(theme, "en", name="Health", description="Healthcare without papers.")
    plain = make_theme("Hébergement")

    def grow():
        for n in range(5):
            extra = make_theme(f"Atelier ajouté {n}", description="Une description.")
            _translate(extra, "en", name=f"Added workshop {n}", description="A description.")

    html = _flat(client, "/ateliers?lang=en", grow)
    assert f'<h2 {EN}><a href="/ateliers/{theme.slug}">Health</a></h2>' in html
    assert f"<p {EN}>Healthcare without papers.</p>" in html
    assert f'<h2 {FR}><a href="/ateliers/{plain.slug}">Hébergement</a></h2>' in html


def test_workshop_page_in_arabic(client, make_theme, make_proposal):
    theme = make_theme("Santé", description="Se soigner sans papiers.")
    _translate(theme, "ar", name="الصحة", description="العلاج دون أوراق.")

    def grow():
        for _ in range(5):
            _translated_proposal(make_proposal, theme)
            _translated_meeting(theme)

    _translated_proposal(make_proposal, theme)
    _translated_meeting(theme)
    html = _flat(client, f"/ateliers/{theme.slug}?lang=ar", grow)
    assert f"<bdi {AR}>الصحة</bdi></h1>" in html
    assert f'<div class="text" {AR}>العلاج دون أوراق.</div>' in html
    assert "Se soigner sans papiers.</div>" in html  # the original, folded
    assert 'class="language-note"' in html and ORIGINAL_MARK not in html
    assert re.search(rf'<h3 {AR}><a href="/propositions/\d+">اقتراح \d+</a></h3>', html)
    assert re.search(rf'<a href="/reunions/\d+" {AR}>مجموعة الصحة \d+</a>', html)


def test_untranslated_workshop_is_marked_as_the_french_original(client, make_theme):
    theme = make_theme("Santé", description="Se soigner sans papiers.")
    html = _page(client, f"/ateliers/{theme.slug}?lang=ar")
    assert f"<bdi {FR}>Santé</bdi></h1>" in html
    assert f'<div class="text" {FR}>Se soigner sans papiers.</div>' in html
    assert ORIGINAL_MARK in html


def test_language_note_links_only_to_languages_the_text_is_in(client, make_theme):
    theme = make_theme("Santé")
    _translate(theme, "ar", name="الصحة")
    english = _page(client, f"/ateliers/{theme.slug}?lang=en")
    note = english.split('class="language-note"')[1].split("</p>")[0]
    assert 'hreflang="ar"' in note and 'hreflang="fr"' in note
    _translate(make_theme("Hébergement"), "en", name="Housing")  # another text's language
    arabic = _page(client, f"/ateliers/{theme.slug}?lang=ar")
    note = arabic.split('class="language-note"')[1].split("</p>")[0]
    assert 'hreflang="en"' not in note


# What the admin edits: the originals, marked French ----------------------------------------


@pytest.mark.parametrize(
    ("url", "original"),
    [
        ("/admin/ateliers", '<h2 lang="fr" dir="ltr"><a href="/admin/ateliers/{theme.id}">Santé'),
        ("/admin/ateliers/{theme.id}", '<input dir="ltr" id="name" lang="fr" name="name"'),
        ("/admin/charte", 'dir="ltr" id="introduction" lang="fr"'),
        ("/admin/evenements", 'lang="fr" dir="ltr">Assises de la solidarité</a>'),
    ],
)
def test_admin_pages_show_the_originals_marked_french(client, login_as, make_theme, url, original):
    """An admin reading in Arabic edits the French originals, marked as French."""
    theme = make_theme("Santé")
    _translate(theme, "ar", name="الصحة")
    _charter()
    _event(name="Assises de la solidarité")
    login_as("admin").locale = "ar"
    db.session.commit()
    html = _page(client, url.format(theme=theme))
    assert '<html lang="ar" dir="rtl">' in html
    assert original.format(theme=theme) in html
    assert "الصحة" not in html
