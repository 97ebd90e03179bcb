"""A representative, on a phone without JavaScript, from the login form to the institution's
inbox, to the answer form, to the published response; back in the inbox the proposal no
longer waits."""

from datetime import date, timedelta

from app.extensions import db
from app.models import (
    AddressedInstitution,
    CharterArticle,
    CharterVersion,
    OrganisationKind,
    ProposalStatus,
    utcnow,
)
from app.services.accounts import CHARTER_VERSION
from tests.browser.conftest import PHONE
from tests.conftest import PASSWORD

RESPONSE = "La Ville ouvrira deux bâtiments vides cet hiver, avec l’association."


def test_a_representative_logs_in_lands_in_the_inbox_and_answers(
    new_context, make_organisation, make_theme, make_proposal, make_user
):
    institution = make_organisation(OrganisationKind.INSTITUTION, name="Ville de Metz")
    proposal = make_proposal(
        "Mobiliser des locaux vides pour l’hébergement",
        theme=make_theme("Hébergement"),
        status=ProposalStatus.SENT,
    )
    proposal.addressed.append(
        AddressedInstitution(
            institution=institution,
            sent_at=utcnow() - timedelta(days=70),
            response_due_on=date.today() - timedelta(days=10),
        )
    )
    charter = CharterVersion(label=CHARTER_VERSION, introduction="Pour participer.")
    charter.articles = [CharterArticle(number=1, title="Le respect", body="On se respecte.")]
    db.session.add(charter)
    rep = make_user("institution_rep", organisation=institution, pseudonym="Ville")
    db.session.commit()  # end the test's read transaction before the server writes

    page = new_context(javascript=False, viewport=PHONE).new_page()
    page.goto("/compte/connexion")
    page.fill("input[name=email]", rep.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form[method=post] [type=submit]").click()
    assert page.url.endswith("/espace-institution")
    waiting = page.locator("section", has_text="Propositions qui attendent votre réponse")
    assert "Mobiliser des locaux vides" in waiting.inner_text()
    assert "en retard de" in waiting.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    waiting.get_by_role("link", name="Répondre au nom de Ville de Metz").click()
    page.locator("input[name=position][value=favourable]").check()
    page.fill("textarea[name=body]", RESPONSE)
    page.get_by_role("button", name="Publier la réponse").click()
    assert "#reponse-" in page.url
    assert RESPONSE in page.locator("main").inner_text()

    page.get_by_role("link", name="Espace institution").click()
    waiting = page.locator("section", has_text="Propositions qui attendent votre réponse")
    assert "Mobiliser des locaux vides" not in waiting.inner_text()
    assert "Aucune proposition n’attend votre réponse." in waiting.inner_text()
