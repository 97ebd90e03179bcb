"""E-mails and notifications in the recipient's language: an account's chosen language, a
guest's the language of the page they testified from; the site's words and what people
read (a proposal's title, a workshop's name, an excerpt) alike, the French original when
nothing is translated."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Contribution,
    ContributionKind,
    ContributionState,
    EmailFrequency,
    Follow,
    OrganisationKind,
    ProposalStatus,
    utcnow,
)
from app.services.moderation_alerts import send_moderation_alerts
from app.services.notifications import deliver_outbox, queue_digests
from app.services.proposals import change_status
from app.services.translations import add_network_translation
from tests.conftest import login
from tests.helpers import count_queries

FRENCH = "Ouvrir des bains-douches gratuits"
ARABIC = "فتح حمامات مجانية"
ENGLISH = "Open free public baths"


@pytest.fixture
def proposal(make_proposal):
    """A proposal whose title is translated into English and Arabic."""
    proposal = make_proposal(title=FRENCH)
    add_network_translation(proposal, "ar", {"title": ARABIC})
    add_network_translation(proposal, "en", {"title": ENGLISH})
    db.session.commit()
    return proposal


def _person(make_user, locale, email):
    user = make_user(email=email)
    user.locale = locale
    db.session.commit()
    return user


def _received(outbox, address):
    [message] = [m for m in outbox if m["To"] == address]
    return message["Subject"], message.get_content()


def test_each_follower_reads_the_title_in_their_language(outbox, make_user, proposal):
    readers = {
        "ar": _person(make_user, "ar", "amal@example.org"),
        "en": _person(make_user, "en", "grace@example.org"),
        "fr": _person(make_user, "fr", "louise@example.org"),
        None: _person(make_user, None, "sans-choix@example.org"),
    }
    for reader in readers.values():
        db.session.add(Follow(user=reader, proposal=proposal))
    db.session.commit()
    change_status(make_user("admin"), proposal, ProposalStatus.IN_DISCUSSION, "Atelier fait.")
    deliver_outbox()
    subject, body = _received(outbox, "amal@example.org")
    assert subject == "Voix solidaires: تغيّرت حالة اقتراح"
    assert f"« {ARABIC} »" in body and FRENCH not in body
    subject, body = _received(outbox, "grace@example.org")
    assert subject == "Voix solidaires: a proposal changes status"
    assert f"“{ENGLISH}”" in body and FRENCH not in body
    for address in ("louise@example.org", "sans-choix@example.org"):
        subject, body = _received(outbox, address)
        assert subject == "Voix solidaires : une proposition change de statut"
        assert f"« {FRENCH} »" in body and ARABIC not in body and ENGLISH not in body


def test_an_untranslated_title_is_the_french_original(outbox, make_user, make_proposal):
    reader = _person(make_user, "ar", "amal@example.org")
    untranslated = make_proposal(title="Une halte de nuit")
    db.session.add(Follow(user=reader, proposal=untranslated))
    db.session.commit()
    change_status(make_user("admin"), untranslated, ProposalStatus.IN_DISCUSSION, "Atelier.")
    deliver_outbox()
    subject, body = _received(outbox, "amal@example.org")
    assert subject == "Voix solidaires: تغيّرت حالة اقتراح"
    assert "« Une halte de nuit »" in body


def test_a_decision_made_in_french_reaches_an_arabic_author_in_arabic(
    client, outbox, make_user, proposal
):
    """The moderator's page is French; the author's e-mail, rendered in that request, is
    Arabic through and through."""
    author = _person(make_user, "ar", "amal@example.org")
    testimony = Contribution(
        proposal=proposal,
        kind=ContributionKind.TESTIMONY,
        author=author,
        body="Un texte à relire",
        state=ContributionState.PENDING,
    )
    db.session.add(testimony)
    db.session.commit()
    login(client, make_user("moderator"))
    data = {"action": "approve", "reason": "compliant", "version": testimony.version}
    page = client.post(
        f"/moderation/contributions/{testimony.id}/decision", data=data, follow_redirects=True
    )
    assert '<html lang="fr"' in page.get_data(as_text=True)
    deliver_outbox()
    subject, body = _received(outbox, "amal@example.org")
    assert subject == "نُشرت شهادتك"
    assert ARABIC in body and FRENCH not in body


def test_the_daily_digest_in_the_readers_language(outbox, make_user, proposal):
    reader = _person(make_user, "en", "grace@example.org")
    reader.email_frequency = EmailFrequency.DAILY
    db.session.add(Follow(user=reader, proposal=proposal))
    db.session.commit()
    change_status(make_user("admin"), proposal, ProposalStatus.IN_DISCUSSION, "Atelier fait.")
    assert queue_digests() == 1
    deliver_outbox()
    subject, body = _received(outbox, "grace@example.org")
    assert subject == "Voix solidaires: your daily digest"
    assert f"“{ENGLISH}”" in body and FRENCH not in body


def _testify(client, proposal, lang):
    url = f"/propositions/{proposal.id}/temoigner"
    client.get(f"{url}?lang={lang}" if lang else url)  # the page the guest reads
    data = {"body": "J’attends une place depuis trois mois.", "contact": "guest@example.org"}
    assert client.post(url, data=data).status_code == 302
    return db.session.scalar(sa.select(Contribution).order_by(Contribution.id.desc()))


def _approve(app, make_user, testimony):
    moderator = app.test_client()  # another browser, in French
    login(moderator, make_user("moderator"))
    data = {"action": "approve", "reason": "compliant", "version": testimony.version}
    url = f"/moderation/contributions/{testimony.id}/decision"
    assert moderator.post(url, data=data).status_code == 302


@pytest.mark.parametrize(
    ("lang", "subject", "title", "greeting"),
    [
        ("ar", "نُشرت شهادتك", ARABIC, "مرحبًا،"),
        ("en", "Your testimony has been published", ENGLISH, "Hello,"),
        ("fr", "Votre témoignage a été publié", FRENCH, "Bonjour,"),
        (None, "Votre témoignage a été publié", FRENCH, "Bonjour,"),
    ],
)
def test_a_guest_hears_in_the_language_of_the_page_they_wrote_from(
    app, client, outbox, make_user, proposal, lang, subject, title, greeting
):
    testimony = _testify(client, proposal, lang)
    assert testimony.page_locale == (lang or "fr")  # no choice: the browser's, French here
    _approve(app, make_user, testimony)
    deliver_outbox()
    [message] = outbox
    assert message["Subject"] == subject
    body = message.get_content()
    assert body.startswith(greeting)
    assert f"« {title} »" in body


def test_a_guest_page_language_never_stored_unknown(proposal):
    from app.services.contributions import post_guest_testimony

    testimony = post_guest_testimony(proposal, "J’attends.", "", "", page_locale="xx")
    assert testimony.page_locale is None


def test_an_old_guest_testimony_without_a_language_is_answered_in_french(
    app, outbox, make_user, proposal
):
    testimony = Contribution(
        proposal=proposal,
        kind=ContributionKind.TESTIMONY,
        body="Un texte à relire",
        guest_contact="ancien@example.org",
        state=ContributionState.PENDING,
    )
    db.session.add(testimony)
    db.session.commit()
    _approve(app, make_user, testimony)
    deliver_outbox()
    [message] = outbox
    assert message["Subject"] == "Votre témoignage a été publié"


def test_an_institution_told_in_its_language(outbox, make_user, make_organisation, make_proposal):
    city = make_organisation(
        OrganisationKind.INSTITUTION,
        name="Ville de Metz",
        official_email="city@institution.example",
        official_email_verified_at=utcnow(),
        official_locale="en",
    )
    proposal = make_proposal(title=FRENCH, institutions=[city])
    proposal.easy_read = "Des douches gratuites, ouvertes à tous."
    add_network_translation(proposal, "en", {"title": ENGLISH, "easy_read": "Free showers."})
    db.session.commit()
    change_status(make_user("admin"), proposal, ProposalStatus.SENT, "Transmise.")
    deliver_outbox()
    subject, body = _received(outbox, "city@institution.example")
    assert subject == "Voix solidaires: a proposal is addressed to you"
    assert f"« {ENGLISH} »" in body and "Free showers." in body
    assert FRENCH not in body and "ouvertes à tous" not in body


def test_a_moderators_workshops_named_in_their_language(
    outbox, make_user, make_theme, make_proposal
):
    housing = make_theme("Hébergement")
    add_network_translation(housing, "en", {"name": "Housing"})
    moderator = make_user("moderator", email="mod@example.org")
    moderator.locale = "en"
    moderator.moderated_themes = [housing]
    # At once: a daily alert waits for the morning in Paris, and the test may run at night.
    moderator.moderation_alerts = EmailFrequency.IMMEDIATE
    db.session.commit()
    db.session.add(
        Contribution(
            proposal=make_proposal(title="Une halte de nuit", theme=housing),
            kind=ContributionKind.TESTIMONY,
            body="À relire",
            state=ContributionState.PENDING,
        )
    )
    db.session.commit()
    assert send_moderation_alerts() == 1
    deliver_outbox()
    _subject, body = _received(outbox, "mod@example.org")
    assert "Your workshops: Housing" in body


def test_the_password_reset_email_in_the_accounts_language(client, outbox, make_user):
    person = _person(make_user, "ar", "amal@example.org")
    client.post("/compte/mot-de-passe-oublie", data={"email": person.email})
    subject, body = _received(outbox, "amal@example.org")
    assert subject == "Voix solidaires: إعادة تعيين كلمة المرور"
    assert "يعمل الرابط مرة واحدة فقط." in body


def test_the_notifications_page_marks_each_title_with_its_language(
    client, make_user, proposal, make_proposal
):
    reader = _person(make_user, "ar", "amal@example.org")
    other = make_proposal(title="Une halte de nuit")
    for followed in (proposal, other):
        db.session.add(Follow(user=reader, proposal=followed))
    db.session.commit()
    admin = make_user("admin")
    change_status(admin, proposal, ProposalStatus.IN_DISCUSSION, "Atelier fait.")
    change_status(admin, other, ProposalStatus.IN_DISCUSSION, "Atelier fait.")
    login(client, reader)
    page = client.get("/notifications/").get_data(as_text=True)
    assert f'« <bdi lang="ar" dir="rtl">{ARABIC}</bdi> »' in page
    assert '« <bdi lang="fr" dir="ltr">Une halte de nuit</bdi> »' in page
    db.session.expire_all()
    with count_queries() as statements:
        assert client.get("/notifications/").status_code == 200
    assert len([s for s in statements if "FROM translation" in s]) == 1


def test_a_decision_made_in_arabic_reaches_a_french_author_in_french(
    client, outbox, make_user, proposal
):
    """The page's translations (Arabic) never leak into an e-mail in another language."""
    author = _person(make_user, "fr", "louise@example.org")
    testimony = Contribution(
        proposal=proposal,
        kind=ContributionKind.TESTIMONY,
        author=author,
        body="Un texte à relire",
        state=ContributionState.PENDING,
    )
    db.session.add(testimony)
    db.session.commit()
    moderator = make_user("moderator")
    moderator.locale = "ar"
    db.session.commit()
    login(client, moderator)
    proposal_page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert ARABIC in proposal_page  # this browser reads the site, and the title, in Arabic
    data = {"action": "approve", "reason": "compliant", "version": testimony.version}
    client.post(f"/moderation/contributions/{testimony.id}/decision", data=data)
    deliver_outbox()
    subject, body = _received(outbox, "louise@example.org")
    assert subject == "Votre témoignage a été publié"
    assert f"« {FRENCH} »" in body and ARABIC not in body


def _meeting(title):
    from datetime import timedelta

    from app.models import Meeting

    starts = (utcnow() + timedelta(days=5)).replace(microsecond=0)
    meeting = Meeting(title=title, starts_at=starts, ends_at=starts + timedelta(hours=2))
    db.session.add(meeting)
    db.session.commit()
    return meeting


def test_a_cancelled_meeting_named_in_each_registrants_language(client, outbox, make_user):
    from app.models import MeetingRegistration
    from app.services.meetings import cancel_meeting

    meeting = _meeting("Groupe de travail santé")
    add_network_translation(meeting, "ar", {"title": "مجموعة العمل حول الصحة"})
    amal, louise = _person(make_user, "ar", "amal@x.org"), _person(make_user, "fr", "lou@x.org")
    for person in (amal, louise):
        db.session.add(MeetingRegistration(meeting_id=meeting.id, user_id=person.id))
    db.session.commit()
    cancel_meeting(make_user("admin"), meeting, "Salle indisponible.")
    deliver_outbox()
    assert "« مجموعة العمل حول الصحة »" in _received(outbox, "amal@x.org")[1]
    assert "« Groupe de travail santé »" in _received(outbox, "lou@x.org")[1]
    login(client, amal)
    page = client.get("/notifications/").get_data(as_text=True)
    assert '« <bdi dir="auto">مجموعة العمل حول الصحة</bdi> »' in page


def test_a_renamed_meeting_is_named_by_its_new_title(outbox, make_user):
    """Its translation, made from the old title, is outdated: the new original is said."""
    from app.models import MeetingRegistration
    from app.services.meetings import cancel_meeting

    meeting = _meeting("Groupe de travail santé")
    add_network_translation(meeting, "en", {"title": "Health working group"})
    grace = _person(make_user, "en", "grace@x.org")
    db.session.add(MeetingRegistration(meeting_id=meeting.id, user_id=grace.id))
    meeting.title = "Groupe santé et logement"
    db.session.commit()
    cancel_meeting(make_user("admin"), meeting, "Salle indisponible.")
    deliver_outbox()
    body = _received(outbox, "grace@x.org")[1]
    assert "Groupe santé et logement" in body and "Health working group" not in body
