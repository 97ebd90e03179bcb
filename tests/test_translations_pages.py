"""The pages people come to read, in Arabic: each translated text is shown marked with its
language and direction, the page's translations are read in one statement whatever their
number, and the page's query count stays flat with more proposals, responses, commitments,
positions, news and testimonies. A contribution is shown as written, marked with its own
language and direction, whatever the page's language."""

from datetime import date, timedelta
from html.parser import HTMLParser

import pytest

from app.extensions import db
from app.models import (
    AddressedInstitution,
    Commitment,
    Contribution,
    ContributionKind,
    ContributionState,
    Meeting,
    OfficialResponse,
    Organisation,
    OrganisationKind,
    Position,
    ProgressUpdate,
    Proposal,
    ProposalStatus,
    StatedPosition,
    StatusChange,
    Theme,
    Translation,
    paris_today,
    utcnow,
)
from app.services import translations
from app.web.content_language import direction_of
from tests.conftest import login
from tests.helpers import count_queries

FEW, MANY = 1, 6

# What the main objects of the pages say in Arabic.
ARABIC = {
    "theme": "السكن",
    "event": "ملتقى التضامن 2015",
    "title": "فتح حمامات عامة مجانية",
    "body": "الوضع الحالي، ثم ما نقترحه.",
    "easy_read": "نريد حمامات مجانية للجميع.",
    "answered": "مأوى ليلي مفتوح طوال السنة",
    "action": "فتح مأوى ثان قبل الشتاء",
    "words": "المدينة تدرس الاقتراح بجدية.",
    "news": "بدأت الأشغال في الحي الشمالي.",
}


# … and in French, as the originals are written.
FRENCH = {
    "theme": "Hébergement – logement",
    "event": "Assises de la solidarité 2015",
    "title": "Ouvrir des bains-douches gratuits",
    "body": "Le constat, puis ce qui est proposé.",
    "easy_read": "Des douches gratuites pour tout le monde.",
    "answered": "Un abri de nuit",
    "action": "Ouvrir un second abri",
    "words": "La Ville étudie la proposition.",
    "news": "Les travaux commencent.",
}


class _Marked(HTMLParser):
    """Each text of a page with the language and direction it is marked with: those of the
    nearest element inside <body> carrying them (the page's own <html lang dir> is not a
    mark of the text)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str | None, str | None]] = []
        self.texts: list[tuple[str, str | None, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        lang, direction = (None, None) if tag == "html" else (attrs.get("lang"), attrs.get("dir"))
        self.stack.append((tag, lang, direction))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        text = " ".join(data.split())
        if not text or "body" not in (tag for tag, _l, _d in self.stack):
            return  # the <title> holds text only: no mark
        lang = next((lang for _t, lang, _d in reversed(self.stack) if lang), None)
        direction = next((d for _t, _l, d in reversed(self.stack) if d), None)
        self.texts.append((text, lang, direction))


def marks_of(html: str, text: str) -> set[tuple[str | None, str | None]]:
    """The (lang, dir) marks of every text node of the page holding ``text``."""
    parser = _Marked()
    parser.feed(html)
    return {(lang, d) for shown, lang, d in parser.texts if text in shown}


def _translate(obj, **texts) -> None:
    translations.add_network_translation(obj, "ar", texts)


@pytest.fixture
def town(make_theme, make_organisation, make_user, make_event):
    """A workshop, an event, an institution and an association; a proposal sent to the
    institution and overdue, with its news, a position the network reported and a testimony
    waiting for moderation; another proposal answered with a late commitment. Everything
    translatable is translated into Arabic. Ids only: each page is read by a fresh session."""
    theme = make_theme(FRENCH["theme"])
    event = make_event(name=FRENCH["event"])
    institution = make_organisation(OrganisationKind.INSTITUTION, name="Ville de Metz")
    institution.themes = [theme]
    association = make_organisation(name="Réseau Solidarité")
    rep = make_user("institution_rep", organisation=institution)
    moderator = make_user("moderator", organisation=association)
    main = _proposal(theme, association, institution, FRENCH["title"])
    main.event = event
    main.easy_read = FRENCH["easy_read"]
    answered, commitment = _answered(theme, association, institution, FRENCH["answered"])
    stated = StatedPosition(
        proposal=main, institution=institution, words=FRENCH["words"], reported_by=association
    )
    news = ProgressUpdate(proposal=main, organisation=association, body=FRENCH["news"])
    waiting = _waiting_testimony(main)
    db.session.add_all([stated, news, waiting])
    db.session.commit()
    _translate(theme, name=ARABIC["theme"])
    _translate(event, name=ARABIC["event"])
    _translate(main, title=ARABIC["title"], body=ARABIC["body"], easy_read=ARABIC["easy_read"])
    _translate(answered, title=ARABIC["answered"])
    _translate(commitment, action=ARABIC["action"])
    _translate(stated, words=ARABIC["words"])
    _translate(news, body=ARABIC["news"])
    translations.add_network_translation(main, "en", {"title": "Open free public baths"})
    db.session.commit()
    return {
        "theme": theme.id, "slug": theme.slug, "institution": institution.id,
        "institution_slug": institution.slug, "association": association.id,
        "main": main.id, "waiting": waiting.id, "rep": rep, "moderator": moderator,
        "event_slug": event.slug, "answered": answered.id, "response": commitment.response.id,
        "commitment": commitment.id, "stated": stated.id,
    }  # fmt: skip


def _proposal(theme, organisation, institution, title) -> Proposal:
    """A proposal sent to ``institution`` 90 days ago, its answer due 30 days ago."""
    proposal = Proposal(
        title=title, body=FRENCH["body"], theme=theme,
        organisation=organisation, status=ProposalStatus.SENT,
    )  # fmt: skip
    proposal.status_changes.append(StatusChange(to_status=ProposalStatus.SENT))
    proposal.addressed.append(
        AddressedInstitution(
            institution=institution, sent_at=utcnow() - timedelta(days=90),
            response_due_on=paris_today() - timedelta(days=30),
        )
    )  # fmt: skip
    db.session.add(proposal)
    return proposal


def _answered(theme, organisation, institution, title) -> tuple[Proposal, Commitment]:
    """A proposal the institution answered favourably, its commitment ten days late."""
    proposal = _proposal(theme, organisation, institution, title)
    proposal.status = ProposalStatus.ANSWERED
    response = OfficialResponse(
        proposal=proposal, institution=institution, position=Position.FAVOURABLE, body="Oui."
    )
    commitment = Commitment(action=FRENCH["action"], due_on=paris_today() - timedelta(10))
    response.commitments.append(commitment)
    db.session.add(response)
    return proposal, commitment


def _waiting_testimony(proposal, lang="fr", body="Je dors dehors depuis un an.") -> Contribution:
    return Contribution(
        proposal=proposal, kind=ContributionKind.TESTIMONY, body=body, lang=lang,
        state=ContributionState.PENDING, guest_name="Amina",
    )  # fmt: skip


def grow(town, n: int) -> None:
    """n more of what the pages list, each from a new association, all translated."""
    theme = db.session.get(Theme, town["theme"])
    institution = db.session.get(Organisation, town["institution"])
    main = db.session.get(Proposal, town["main"])
    for _ in range(n):
        number = db.session.query(Proposal).count()
        host = Organisation(
            slug=f"hote-{number}", name=f"Hôte {number}", kind=OrganisationKind.ASSOCIATION
        )
        sent = _proposal(theme, host, institution, f"Proposition {number}")
        answered, commitment = _answered(theme, host, institution, f"Réponse {number}")
        stated = StatedPosition(proposal=sent, institution=institution, words="Nous verrons.")
        news = ProgressUpdate(proposal=main, organisation=host, body=f"Nouvelles {number}")
        db.session.add_all([stated, news, _waiting_testimony(sent)])
        db.session.flush()
        _translate(sent, title=f"اقتراح {number}", body="نص")
        _translate(answered, title=f"جواب {number}")
        _translate(commitment, action=f"التزام {number}")
        _translate(stated, words="سنرى.")
        _translate(news, body=f"أخبار {number}")
    db.session.commit()


def read(client, url: str) -> tuple[str, list[str]]:
    """The page and its statements, read as a new request reads it: with a session that
    holds nothing yet (what a page did not load before rendering shows in the count)."""
    client.get(url)  # warm: first-request work is not the page's
    db.session.expunge_all()
    with count_queries() as statements:
        response = client.get(url)
    db.session.expunge_all()
    assert response.status_code == 200, url
    return response.get_data(as_text=True), statements


def translation_reads(statements: list[str]) -> list[str]:
    return [s for s in statements if "from translation" in " ".join(s.lower().split())]


RTL = ("ar", "rtl")
# Each page, who reads it, and the Arabic texts it shows.
PAGES = {
    "home": ("/", None, ["title", "theme"]),
    "proposals": ("/propositions", None, ["title", "theme", "event"]),
    "proposals-filtered": ("/propositions?atelier={slug}&statut=sent", None, ["title", "theme"]),
    "proposals-of-event": ("/propositions?evenement={event_slug}", None, ["title", "event"]),
    "proposal": (
        "/propositions/{main}", None,
        ["title", "body", "easy_read", "event", "theme", "words", "news"],
    ),
    "board": ("/suivi", None, ["title", "action", "theme", "event"]),
    "board-workshop": ("/suivi?atelier={slug}", None, ["title", "action", "theme"]),
    "synthesis": ("/bilan", None, ["answered", "action", "theme", "event"]),
    "synthesis-workshop": ("/bilan?atelier={slug}", None, ["answered", "title", "action", "theme"]),
    "directory": ("/organisations/", None, ["theme"]),
    "institution": (
        "/organisations/{institution_slug}", None, ["answered", "action", "title", "words", "theme"]
    ),
    "inbox": ("/espace-institution", "rep", ["title", "action", "theme"]),
    "moderation": ("/moderation/", "moderator", ["title", "theme"]),
    "moderation-item": ("/moderation/contributions/{waiting}", "moderator", ["title", "theme"]),
    # The forms and pages of responses: the proposal they are about, reminded at the top.
    "respond": ("/propositions/{main}/reponses/{institution}", "rep", ["title", "theme"]),
    "response-history": ("/reponses/{response}/historique", None, ["answered", "theme"]),
    "add-commitment": ("/reponses/{response}/engagements", "rep", ["answered", "theme"]),
    "update-commitment": ("/engagements/{commitment}", "rep", ["answered", "theme"]),
    "reply": ("/reponses/{response}/repondre", "moderator", ["answered", "theme"]),
    "report-position": (
        "/propositions/{main}/positions-rapportees/nouvelle", "moderator", ["title", "theme"]
    ),
    "remove-position": (
        "/positions-rapportees/{stated}/supprimer", "moderator", ["title", "theme"]
    ),
    "record-response": (
        "/propositions/{main}/reponses/{institution}/saisir", "moderator", ["title", "theme"]
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", PAGES)
def test_arabic_page_reads_its_translations_at_once(client, town, name):
    page, reader, shown = PAGES[name]
    if reader:
        login(client, town[reader])
    url = page.format(**town) + ("&" if "?" in page else "?") + "lang=ar"
    grow(town, FEW)
    html, few = read(client, url)
    for key in shown:
        assert marks_of(html, ARABIC[key]) == {RTL}, (key, marks_of(html, ARABIC[key]))
        # The French original shows only folded under its translation, marked French.
        assert marks_of(html, FRENCH[key]) <= {("fr", "ltr")}, (key, marks_of(html, FRENCH[key]))
    assert len(translation_reads(few)) == 1, translation_reads(few)
    grow(town, MANY - FEW)
    html, many = read(client, url)
    assert len(translation_reads(many)) == 1
    assert len(many) == len(few), "\n".join(many)


def _translated_meeting(theme_id: int) -> None:
    meeting = Meeting(
        title="Groupe logement", theme_id=theme_id, starts_at=utcnow() + timedelta(days=7)
    )
    db.session.add(meeting)
    db.session.commit()
    _translate(meeting, title=f"مجموعة السكن {meeting.id}")
    db.session.commit()


def test_the_workshop_calendar_reads_its_translations_at_once(client, town):
    """The workshop's name and its meetings' titles, in Arabic, in one statement."""
    _translated_meeting(town["theme"])
    url = f"/ateliers/{town['slug']}/reunions.ics?lang=ar"
    few = read(client, url)[1]
    for _ in range(MANY):
        _translated_meeting(town["theme"])
    ics, many = read(client, url)
    assert ARABIC["theme"] in ics and "مجموعة السكن" in ics
    assert len(translation_reads(few)) == 1, translation_reads(few)
    assert len(translation_reads(many)) == 1
    assert len(many) == len(few)


def test_untranslated_french_in_an_arabic_page_is_marked_french(client, town):
    grow(town, FEW)
    html, _ = read(client, "/propositions?lang=ar")
    assert html.count('<html lang="ar" dir="rtl"') == 1
    assert marks_of(html, "Proposition 1") == set()  # translated: the Arabic is shown
    assert marks_of(html, "Réseau Solidarité") == {(None, "auto")}  # a name: isolated
    fresh = Proposal(
        title="Une proposition pas encore traduite", body="Texte.", theme_id=town["theme"],
        organisation_id=town["association"],
    )  # fmt: skip
    db.session.add(fresh)
    db.session.commit()
    html, _ = read(client, "/propositions?lang=ar")
    assert marks_of(html, "Une proposition pas encore traduite") == {("fr", "ltr")}


def test_the_proposal_page_links_the_languages_it_reads_in(client, town):
    """The languages a proposal is translated into are read with the page's translations."""
    html, statements = read(client, f"/propositions/{town['main']}?lang=ar")
    note = html.split('class="language-note"')[1].split("</p>")[0]
    assert 'hreflang="en"' in note and 'hreflang="fr"' in note
    assert len(translation_reads(statements)) == 1
    db.session.execute(db.delete(Translation).where(Translation.lang == "en"))
    db.session.commit()
    html, statements = read(client, f"/propositions/{town['main']}?lang=ar")
    note = html.split('class="language-note"')[1].split("</p>")[0]
    assert 'hreflang="en"' not in note and 'hreflang="fr"' in note
    assert len(translation_reads(statements)) == 1


@pytest.mark.parametrize("page", ["/propositions", "/propositions/{main}", "/suivi", "/bilan"])
def test_a_french_page_reads_no_translation(client, town, page):
    html, statements = read(client, page.format(**town))
    assert translation_reads(statements) == []
    assert ARABIC["title"] not in html


def test_an_arabic_testimony_on_a_french_page_is_marked_arabic(client, town):
    main = db.session.get(Proposal, town["main"])
    testimony = _waiting_testimony(main, lang="ar", body="أنام في الشارع منذ سنة.")
    testimony.state = ContributionState.PUBLISHED
    db.session.add(testimony)
    db.session.commit()
    html, _ = read(client, f"/propositions/{town['main']}?lang=fr")
    assert marks_of(html, "أنام في الشارع منذ سنة.") == {RTL}
    assert marks_of(html, "Ouvrir des bains-douches gratuits") == {("fr", "ltr")}


def test_an_arabic_testimony_waiting_is_marked_arabic_for_moderators(client, town):
    main = db.session.get(Proposal, town["main"])
    db.session.add(_waiting_testimony(main, lang="ar", body="أنام في الشارع منذ سنة."))
    db.session.commit()
    login(client, town["moderator"])
    html, _ = read(client, "/moderation/?lang=fr")
    assert marks_of(html, "أنام في الشارع منذ سنة.") == {RTL}


@pytest.mark.parametrize(
    ("lang", "direction"),
    [("ar", "rtl"), ("fa", "rtl"), ("ps", "rtl"), ("fr", "ltr"), ("ti", "ltr"), ("", "ltr")],
)
def test_a_contribution_language_has_its_direction(app, lang, direction):
    assert direction_of(lang) == direction


def test_dates_follow_the_page_language(client, town):
    """A date is Babel's, in the page's language: never the French month in Arabic."""
    day = date.today()
    html, _ = read(client, f"/propositions/{town['main']}?lang=ar")
    assert f"{day.year}" in html
    months_fr = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                 "septembre", "octobre", "novembre", "décembre"]  # fmt: skip
    dates = [t for t, _l, _d in _texts(html) if str(day.year) in t]
    assert dates and not any(m in t for t in dates for m in months_fr), dates


def _texts(html: str):
    parser = _Marked()
    parser.feed(html)
    return parser.texts


def test_a_title_isolated_in_a_table_is_escaped_once(client, town):
    """A title shown inside a <bdi> (the board's overdue table) is escaped once: its
    quotes and ampersands read as typed, its tags as text."""
    main = db.session.get(Proposal, town["main"])
    main.title = 'Loyers & charges : "urgence" <b>2015</b>'
    db.session.commit()
    html, _ = read(client, "/suivi")
    assert (
        '<bdi lang="fr" dir="ltr">Loyers &amp; charges : &#34;urgence&#34; '
        "&lt;b&gt;2015&lt;/b&gt;</bdi>" in html
    )


def test_names_inside_a_sentence_are_isolated(client, town, make_user):
    """An assisted testimony's label names the person and the association: each name is
    isolated, so that in an Arabic sentence a Latin name keeps its place."""
    main = db.session.get(Proposal, town["main"])
    association = db.session.get(Organisation, town["association"])
    member = make_user("association_member", organisation=association)
    testimony = _waiting_testimony(main)
    testimony.state, testimony.author, testimony.recorded_for = (
        ContributionState.PUBLISHED, member, association
    )  # fmt: skip
    testimony.consent_confirmed_at = utcnow()
    db.session.add(testimony)
    db.session.commit()
    html, _ = read(client, f"/propositions/{town['main']}?lang=ar")
    assert (
        '<bdi dir="auto">Amina</bdi>، شهادة جمعتها <bdi dir="auto">Réseau Solidarité</bdi>' in html
    )
