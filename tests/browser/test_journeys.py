"""The main journey end to end, in Chromium with JavaScript disabled (the site needs none):
a guest leaves a testimony, a moderator approves it, an institution's representative
answers, a participant replies, the moderator approves the reply. Each step is checked as
each person sees it, and screenshot at phone and desktop width into
test-artifacts/screenshots/ (kept after the run; names sort in journey order)."""

import re

import pytest
import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import (
    CharterArticle,
    CharterVersion,
    OrganisationKind,
    OutboxEmail,
    ProposalStatus,
    utcnow,
)
from app.services.accounts import CHARTER_VERSION
from app.services.proposals import change_status
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, log_in
from tests.test_permissions import _send

TESTIMONY = "J’attends depuis trois mois une place en foyer avec mes deux enfants."
RESPONSE = "La Ville ouvrira deux bâtiments vides cet hiver, avec l’association."
REPLY = "Merci, mais il faudrait aussi des places pour les familles dès l’automne."


class Journey:
    """Numbered screenshots of each step, at phone then desktop width."""

    def __init__(self, name: str):
        self.name, self.step = name, 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SCREENSHOTS.glob(f"{name}-*.png"):
            old.unlink()

    def shoot(self, page, what: str) -> None:
        self.step += 1
        for label, size in (("1-phone", PHONE), ("2-desktop", DESKTOP)):
            page.set_viewport_size(size)
            path = SCREENSHOTS / f"{self.name}-{self.step:02d}-{what}-{label}.png"
            page.screenshot(path=str(path), full_page=True)
        page.set_viewport_size(DESKTOP)


def _main_text(page) -> str:
    return page.locator("main").inner_text()


@pytest.fixture
def people(make_organisation, make_theme, make_proposal, make_user):
    """A proposal sent to a verified institution; the people of the journey."""
    association = make_organisation(OrganisationKind.ASSOCIATION, name="Le Toit messin")
    institution = make_organisation(OrganisationKind.INSTITUTION, name="Ville de Metz")
    proposal = make_proposal(
        "Mobiliser des locaux vides pour l’hébergement",
        theme=make_theme("Hébergement"),
        organisation=association,
        status=ProposalStatus.SENT,
    )
    _send(proposal, institution)  # sent ten days ago, the answer due in fifty
    charter = CharterVersion(label=CHARTER_VERSION, introduction="Pour participer.")
    charter.articles = [CharterArticle(number=1, title="Le respect", body="On se respecte.")]
    db.session.add(charter)
    db.session.commit()
    people = {
        "proposal_url": f"/propositions/{proposal.id}",
        "moderator": make_user("moderator", pseudonym="Modération Amitié"),
        "rep": make_user("institution_rep", organisation=institution, pseudonym="Ville"),
        "participant": make_user("participant", pseudonym="Camille"),
    }
    db.session.commit()  # end the test's read transaction before the server writes
    return people


def _approve(page, text: str) -> None:
    """In the moderation queue, approve the item that shows `text`."""
    page.goto("/moderation/")
    item = page.locator(".queue > li", has_text=text)
    item.locator("select[name=reason]").select_option("compliant")
    item.locator("button[name=action][value=approve]").click()
    page.wait_for_load_state()


def test_guest_testimony_to_reply_without_javascript(new_context, people):
    journey = Journey("journey")
    url = people["proposal_url"]
    guest = new_context(javascript=False).new_page()
    moderator = new_context(javascript=False).new_page()
    rep = new_context(javascript=False).new_page()
    participant = new_context(javascript=False).new_page()

    # 1. A guest, with no account, leaves a testimony through the one-screen form.
    guest.goto(url)
    journey.shoot(guest, "guest-reads-proposal")
    guest.get_by_role("link", name="Laisser mon témoignage").first.click()
    guest.get_by_role("button", name="Envoyer mon témoignage").click()  # sent empty
    summary = guest.locator(".error-summary")
    assert "Écrivez votre témoignage ou enregistrez-le." in summary.inner_text()
    assert summary.locator("a").get_attribute("href") == "#body"
    journey.shoot(guest, "guest-sees-error")
    guest.fill("textarea[name=body]", TESTIMONY)
    guest.fill("input[name=name]", "Amina")
    assert "caractères au plus" in guest.inner_text(".counter")  # no script ran: no live count
    journey.shoot(guest, "guest-writes-testimony")
    guest.get_by_role("button", name="Envoyer mon témoignage").click()
    assert "/temoignage-envoye" in guest.url
    journey.shoot(guest, "guest-receipt")
    guest.goto(url)
    assert TESTIMONY not in _main_text(guest), "published before moderation"

    # 2. The moderator finds it in the queue and approves it.
    log_in(moderator, people["moderator"])
    moderator.goto("/moderation/")
    assert TESTIMONY in _main_text(moderator)
    assert "Amina" in _main_text(moderator)
    journey.shoot(moderator, "moderator-queue")
    _approve(moderator, TESTIMONY)
    assert TESTIMONY not in _main_text(moderator)
    journey.shoot(moderator, "moderator-approved")
    guest.goto(url)
    assert TESTIMONY in _main_text(guest)
    assert "Amina" in guest.locator("#temoignages").inner_text()
    journey.shoot(guest, "public-sees-testimony")

    # 3. The institution's representative publishes the official response.
    log_in(rep, people["rep"])
    rep.goto(url)
    rep.get_by_role("link", name="Répondre au nom de Ville de Metz").click()
    rep.locator("input[name=position][value=favourable]").check()
    rep.fill("textarea[name=body]", RESPONSE)
    journey.shoot(rep, "institution-writes-response")
    rep.get_by_role("button", name="Publier la réponse").click()
    assert re.search(r"/propositions/\d+", rep.url)
    assert RESPONSE in _main_text(rep)
    journey.shoot(rep, "institution-response-published")
    guest.goto(url)
    responses = guest.locator("#reponses").inner_text()
    assert RESPONSE in responses and "Favorable" in responses
    assert "modifiée" not in responses  # a new response is not shown as edited
    journey.shoot(guest, "public-sees-response")

    # 4. A participant replies to the response: held for moderation, then published.
    log_in(participant, people["participant"])
    participant.goto(url)
    participant.get_by_role("link", name="Répondre à cette institution").click()
    participant.fill("textarea[name=body]", REPLY)
    journey.shoot(participant, "participant-writes-reply")
    participant.get_by_role("button", name="Publier ma réponse").click()
    assert "relecture" in _main_text(participant)  # told it awaits moderation
    journey.shoot(participant, "participant-reply-pending")
    guest.goto(url)
    assert REPLY not in _main_text(guest), "a reply published before moderation"
    _approve(moderator, REPLY)
    guest.goto(url)
    replies = guest.locator("#reponses .response-replies").inner_text()
    assert REPLY in replies and "Camille" in replies
    journey.shoot(guest, "public-sees-reply")


def _top_in_view(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and 0 <= box["y"] < page.viewport_size["height"]


def test_the_message_after_an_action_stays_in_view_on_a_phone(new_context, people):
    """Publishing leads to the response, far down the page: its confirmation stays at the top
    of the screen, and the response starts below it, not under it."""
    rep = new_context(javascript=False, viewport=PHONE).new_page()
    log_in(rep, people["rep"])
    rep.goto(people["proposal_url"])
    rep.get_by_role("link", name="Répondre au nom de Ville de Metz").click()
    rep.locator("input[name=position][value=favourable]").check()
    rep.fill("textarea[name=body]", RESPONSE)
    rep.get_by_role("button", name="Publier la réponse").click()
    assert "#reponse-" in rep.url
    message = rep.locator(".flashes")
    assert "La réponse de Ville de Metz est publiée." in message.inner_text()
    assert _top_in_view(rep, message)
    response = rep.locator(":target")
    assert RESPONSE in response.inner_text()
    assert _top_in_view(rep, response)
    assert response.bounding_box()["y"] >= message.bounding_box()["height"]


def test_a_wide_table_keeps_its_caption_on_a_phone_screen(new_context, people):
    """The board's tables scroll sideways on a phone; their captions wrap within the screen
    instead of being cut with the table."""
    page = new_context(javascript=False, viewport=PHONE).new_page()
    page.goto("/suivi")
    wraps = page.locator(".table-wrap")
    assert wraps.count() >= 2
    for index in range(wraps.count()):
        wrap = wraps.nth(index)
        assert wrap.evaluate("e => e.scrollWidth > e.clientWidth"), "the table fits: nothing tested"
        caption = wrap.locator("caption").bounding_box()
        assert caption["x"] >= 0 and caption["x"] + caption["width"] <= PHONE["width"]


def test_an_institution_without_an_account_answers_through_its_link(
    new_context, make_organisation, make_theme, make_proposal, make_user
):
    """The proposal is sent to an institution with no account: the e-mail at its official
    address carries the answer link, which opens the form with no account and no login; the
    response is published, marked as given through the link, and the link has then served."""
    journey = Journey("answer-link")
    institution = make_organisation(
        OrganisationKind.INSTITUTION,
        name="CCAS de Metz",
        official_email="accueil@ccas-metz.example",
        official_email_verified_at=utcnow(),
    )
    proposal = make_proposal(
        "Des bains-douches ouverts le dimanche",
        theme=make_theme("Accès à la santé"),
        status=ProposalStatus.IN_DISCUSSION,
        institutions=[institution],
    )
    coordinator = make_user("admin")
    change_status(coordinator, proposal, ProposalStatus.SENT, "Transmise après l’atelier.")
    email = db.session.scalars(
        sa.select(OutboxEmail).where(OutboxEmail.to_address == "accueil@ccas-metz.example")
    ).one()
    link = re.search(r"https?://\S+/repondre/\S+", email.body).group(0)
    assert "Des bains-douches ouverts le dimanche" in email.body
    db.session.commit()  # end the test's read transaction before the server writes
    path = link.removeprefix(current_app.config["MAIL_SITE_URL"])
    staff = new_context(javascript=False).new_page()

    staff.goto(path)
    assert "Répondre au nom de CCAS de Metz" in _main_text(staff)
    assert "Des bains-douches ouverts le dimanche" in _main_text(staff)
    journey.shoot(staff, "institution-opens-link")
    staff.get_by_role("button", name="Publier la réponse").click()  # sent empty
    assert "Choisissez une position." in staff.locator(".error-summary").inner_text()
    journey.shoot(staff, "institution-sees-error")
    staff.locator("input[name=position][value=favourable]").check()
    staff.fill("textarea[name=body]", RESPONSE)
    staff.get_by_role("button", name="Publier la réponse").click()
    assert staff.url.endswith("/repondre/merci")
    journey.shoot(staff, "institution-thanked")
    staff.get_by_role("link", name="Voir la réponse publiée").click()
    assert re.search(r"/propositions/\d+#reponse-\d+", staff.url)
    responses = staff.locator("#reponses").inner_text()
    assert RESPONSE in responses and "Favorable" in responses
    journey.shoot(staff, "public-sees-response")

    staff.goto(path)
    assert "a déjà servi" in _main_text(staff)
    journey.shoot(staff, "link-already-used")
