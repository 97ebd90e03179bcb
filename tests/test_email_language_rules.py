"""One rule for every e-mail's language and content: the recipient's language is the one
stored when the site speaks it, French otherwise (never an error, never a foreign date);
a translation is sent only while current, else the French original (an e-mail cannot
carry the "outdated" note a page shows); and the page's direction follows the same
right-to-left rule as its content."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from babel.dates import format_date

from app.extensions import db
from app.models import (
    AddressedInstitution,
    AnswerLink,
    Follow,
    OrganisationKind,
    OutboxEmail,
    Position,
    ProposalStatus,
    ReceivedVia,
    Role,
    paris_today,
    utcnow,
)
from app.services import answer_links
from app.services.accounts import request_registration
from app.services.email_confirmation import send_confirmation_link
from app.services.notifications import recipient_language
from app.services.onboarding import invite, queue_official_link
from app.services.proposals import change_status
from app.services.responses import record_response
from app.services.translations import add_network_translation
from app.web.content_language import current_text, direction_of

FRENCH = "Ouvrir des bains-douches gratuits"
RENAMED = "Ouvrir des bains-douches gratuits le dimanche"
ARABIC = "فتح حمامات مجانية"
UNSPOKEN = ["de", "xx", ""]  # a language the site does not speak, a broken value, none


def _emails(to: str) -> list[OutboxEmail]:
    db.session.expire_all()
    query = sa.select(OutboxEmail).where(OutboxEmail.to_address == to).order_by(OutboxEmail.id)
    return db.session.scalars(query).all()


@pytest.fixture
def institution(make_organisation):
    def make(locale):
        return make_organisation(
            OrganisationKind.INSTITUTION,
            name="Ville de Metz",
            official_email="city@institution.example",
            official_email_verified_at=utcnow(),
            official_locale=locale,
        )

    return make


def _person(make_user, locale, email="amal@example.org"):
    user = make_user(email=email)
    user.locale = locale
    db.session.commit()
    return user


# 1. The recipient's language


SPOKEN = [("ar", "ar"), ("en", "en"), ("fr", "fr")]


@pytest.mark.parametrize(
    ("stored", "written"), [*SPOKEN, ("de", "fr"), ("xx", "fr"), ("", "fr"), (None, "fr")]
)
def test_the_recipients_language_is_a_site_language(app, stored, written):
    assert recipient_language(stored) == written


@pytest.mark.parametrize("stored", UNSPOKEN)
def test_an_institution_in_an_unspoken_language_is_told_in_french(
    institution, make_user, make_proposal, stored
):
    city = institution(stored)
    proposal = make_proposal(title=FRENCH, institutions=[city])
    change_status(make_user("admin"), proposal, ProposalStatus.SENT, "Transmise.")
    [email] = _emails(city.official_email)
    due = db.session.scalar(
        sa.select(AddressedInstitution.response_due_on).where(
            AddressedInstitution.institution_id == city.id
        )
    )
    assert email.subject == "Voix solidaires : une proposition vous est adressée"
    assert format_date(due, "long", locale="fr") in email.body  # "3 mai 2026", not "3. Mai"
    assert f"« {FRENCH} »" in email.body


@pytest.mark.parametrize("stored", UNSPOKEN)
def test_an_official_address_in_an_unspoken_language_is_confirmed_in_french(institution, stored):
    city = institution(stored)
    queue_official_link(city)
    db.session.commit()
    [email] = _emails(city.official_email)
    assert email.subject == "Voix solidaires : confirmez l’adresse officielle de Ville de Metz"


@pytest.mark.parametrize("stored", UNSPOKEN)
def test_a_new_answer_link_in_an_unspoken_language_is_in_french(institution, make_proposal, stored):
    city = institution(stored)
    proposal = make_proposal(title=FRENCH, status=ProposalStatus.SENT, institutions=[city])
    proposal.addressed[0].sent_at = utcnow()
    proposal.addressed[0].response_due_on = date.today() + timedelta(days=30)
    db.session.commit()
    link = _stale_link(proposal, city)
    answer_links.send_new_link(link)
    [email] = _emails(city.official_email)
    assert email.subject == f"Votre nouveau lien pour répondre : {FRENCH}"


def _stale_link(proposal, city):
    """A link revoked two hours after it was sent: a new one may be asked for."""
    answer_links.issue(proposal, city)
    db.session.commit()
    [link] = db.session.scalars(sa.select(AnswerLink)).all()
    link.created_at = utcnow() - timedelta(hours=2)
    link.revoked_at = utcnow()
    db.session.commit()
    db.session.execute(sa.delete(OutboxEmail))
    db.session.commit()
    return link


@pytest.mark.parametrize("stored", UNSPOKEN)
def test_a_recorded_response_copy_in_an_unspoken_language_is_in_french(
    institution, make_user, make_proposal, stored
):
    city = institution(stored)
    proposal = make_proposal(title=FRENCH, status=ProposalStatus.SENT, institutions=[city])
    record_response(
        make_user("admin"),
        proposal,
        city,
        received_via=ReceivedVia.LETTER,
        received_at=paris_today(),
        position=Position.FAVOURABLE,
        body="Nous ouvrirons les bains-douches le dimanche.",
    )
    received = format_date(paris_today(), "long", locale="fr")  # not German, no error
    [email] = [e for e in _emails(city.official_email) if received in e.body]
    assert f"« {FRENCH} »" in email.body


@pytest.mark.parametrize("stored", ["xx", "de"])
def test_an_account_in_an_unspoken_language_is_written_to_in_french(
    app, make_user, make_organisation, stored
):
    person = _person(make_user, stored)
    send_confirmation_link(person)
    [confirm] = _emails(person.email)
    assert confirm.subject == "Voix solidaires : confirmez votre adresse e-mail"
    request_registration(person.email, "un autre mot de passe solide", "Quelquun")
    attempt = _emails(person.email)[-1]
    assert attempt.subject == "Voix solidaires : quelqu’un a voulu s’inscrire avec votre adresse"
    association = make_organisation(OrganisationKind.ASSOCIATION, name="Le Relais")
    other = _person(make_user, stored, "invitee@example.org")
    invite(make_user("admin"), other.email, association, Role.ASSOCIATION_MEMBER)
    [invitation] = _emails(other.email)
    assert invitation.subject == "Voix solidaires : invitation à rejoindre Le Relais"


# 2. An outdated translation is never sent: the French original is


def _translated(make_proposal, institutions=(), *, outdated):
    proposal = make_proposal(title=FRENCH, institutions=list(institutions))
    proposal.easy_read = "Des douches gratuites."
    db.session.commit()
    add_network_translation(proposal, "ar", {"title": ARABIC, "easy_read": "حمامات مجانية."})
    db.session.commit()
    if outdated:
        proposal.title = RENAMED  # the Arabic title was made from the earlier one
        db.session.commit()
    return proposal


def test_current_text_gives_the_original_of_an_outdated_translation(app, make_proposal):
    with app.test_request_context():
        proposal = _translated(make_proposal, outdated=True)
        assert current_text(proposal, "title", "ar").text == RENAMED
        assert current_text(proposal, "title", "ar").lang == "fr"
        assert current_text(proposal, "easy_read", "ar").text == "حمامات مجانية."


@pytest.mark.parametrize(("outdated", "title"), [(True, RENAMED), (False, ARABIC)])
def test_a_follower_reads_a_translated_title_only_while_current(
    make_user, make_proposal, outdated, title
):
    reader = _person(make_user, "ar")
    proposal = _translated(make_proposal, outdated=outdated)
    db.session.add(Follow(user=reader, proposal=proposal))
    db.session.commit()
    change_status(make_user("admin"), proposal, ProposalStatus.IN_DISCUSSION, "Atelier fait.")
    [email] = _emails(reader.email)
    assert f"« {title} »" in email.body
    assert (ARABIC in email.body) is not outdated


@pytest.mark.parametrize(("outdated", "title"), [(True, RENAMED), (False, ARABIC)])
def test_an_institution_reads_a_translated_title_only_while_current(
    institution, make_user, make_proposal, outdated, title
):
    city = institution("ar")
    proposal = _translated(make_proposal, [city], outdated=outdated)
    change_status(make_user("admin"), proposal, ProposalStatus.SENT, "Transmise.")
    [email] = _emails(city.official_email)
    assert f"« {title} »" in email.body
    assert (ARABIC in email.body) is not outdated
    assert "حمامات مجانية." in email.body  # the summary's translation is still current


@pytest.mark.parametrize(("outdated", "title"), [(True, RENAMED), (False, ARABIC)])
def test_a_new_answer_link_names_the_title_only_while_current(
    institution, make_proposal, outdated, title
):
    city = institution("ar")
    proposal = _translated(make_proposal, [city], outdated=outdated)
    proposal.status = ProposalStatus.SENT
    proposal.addressed[0].sent_at = utcnow()
    proposal.addressed[0].response_due_on = date.today() + timedelta(days=30)
    db.session.commit()
    answer_links.send_new_link(_stale_link(proposal, city))
    [email] = _emails(city.official_email)
    assert email.subject.endswith(title)
    assert (ARABIC in email.body) is not outdated


@pytest.mark.parametrize(("outdated", "title"), [(True, RENAMED), (False, ARABIC)])
def test_a_recorded_response_copy_names_the_title_only_while_current(
    institution, make_user, make_proposal, outdated, title
):
    city = institution("ar")
    proposal = _translated(make_proposal, [city], outdated=outdated)
    proposal.status = ProposalStatus.SENT
    db.session.commit()
    db.session.execute(sa.delete(OutboxEmail))
    db.session.commit()
    record_response(
        make_user("admin"),
        proposal,
        city,
        received_via=ReceivedVia.LETTER,
        received_at=paris_today(),
        position=Position.FAVOURABLE,
        body="Nous ouvrirons les bains-douches le dimanche.",
    )
    [email] = _emails(city.official_email)
    assert title in email.body
    assert (ARABIC in email.body) is not outdated


# 3. One rule for right to left


def test_the_pages_direction_follows_the_content_rule(app, client, monkeypatch):
    """Whatever the setting lists, a page and the content in it agree on Arabic's
    direction: both ask `direction_of`."""
    monkeypatch.setitem(app.config, "RTL_LANGUAGES", [])
    with app.app_context():
        assert direction_of("ar") == "rtl"
    page = client.get("/?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
