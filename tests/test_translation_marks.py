"""What the pages around the content mark right: the forms where people write French
originals say so (lang, dir and a hint), the admin's answer links show the proposal in the
reader's language, search results mark names and contributions as every page does, and
the network's name in the footer reads as French in an Arabic page."""

import re
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import (
    Contribution,
    ContributionKind,
    ContributionState,
    Organisation,
    Proposal,
    ProposalStatus,
    utcnow,
)
from app.services import answer_links
from tests import test_translations_pages as pages
from tests.conftest import login
from tests.test_translations_pages import read, translation_reads

town = pages.town  # the same workshop, proposals and people, translated into Arabic

HINT = (
    "Écrivez ces textes en français : c’est l’original, que les traducteurs du réseau "
    "traduisent en anglais et en arabe."
)


def _answer_link(town) -> str:
    """The path of an answer link to the main proposal, sent to the institution."""
    institution = db.session.get(Organisation, town["institution"])
    institution.official_email = "contact@metz.example"
    institution.official_email_verified_at = utcnow()
    proposal = db.session.get(Proposal, town["main"])
    proposal.addressed[0].response_due_on = date.today() + timedelta(days=50)
    url = answer_links.issue(proposal, institution)
    db.session.commit()
    return url.removeprefix("http://voix.test")


# Each form, who fills it, and its fields holding a French original.
FORMS = {
    "new-proposal": ("/propositions/nouvelle", "moderator", ["title", "body", "easy_read"]),
    "edit-proposal": ("/propositions/{main}/modifier", "moderator", ["title", "body", "easy_read"]),
    "news": ("/propositions/{main}/suivi/nouveau", "moderator", ["body"]),
    "respond": ("/propositions/{main}/reponses/{institution}", "rep", ["body", "easy_read"]),
    "record": (
        "/propositions/{main}/reponses/{institution}/saisir", "moderator", ["body", "easy_read"]
    ),
    "commitment": ("/reponses/{response}/engagements", "rep", ["action"]),
    "report-position": (
        "/propositions/{main}/positions-rapportees/nouvelle", "moderator", ["words"]
    ),
    "answer-link": (None, None, ["body", "easy_read"]),
}  # fmt: skip


def _field(html: str, field_id: str) -> str:
    """The opening tag of the input or textarea with this id."""
    match = re.search(rf'<(?:input|textarea)\b[^>]*\bid="{field_id}"[^>]*>', html)
    assert match, field_id
    return match.group(0)


@pytest.mark.parametrize("name", FORMS)
def test_forms_of_originals_mark_them_french_and_say_so(client, town, name):
    page, writer, fields = FORMS[name]
    if writer:
        login(client, town[writer])
        url = page.format(**town)
    else:
        url = _answer_link(town)
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    for field in fields:
        tag = _field(html, field)
        assert 'lang="fr"' in tag and 'dir="ltr"' in tag, tag
    assert html.count(HINT) == 1
    arabic = client.get(url + "?lang=ar").get_data(as_text=True)
    assert 'lang="fr"' in _field(arabic, fields[0]) and HINT not in arabic  # hint translated


def test_the_commitment_update_form_has_no_original_to_write(client, town):
    """Updating a commitment writes a note, never the commitment's French text."""
    login(client, town["rep"])
    html = client.get(f"/engagements/{town['commitment']}").get_data(as_text=True)
    assert HINT not in html and 'lang="fr" dir="ltr"' not in _field(html, "note")


def test_admin_answer_links_show_the_proposal_in_the_readers_language(client, town, make_user):
    _answer_link(town)
    admin = make_user("admin")
    admin.locale = "ar"
    db.session.commit()
    login(client, admin)
    html, statements = read(client, "/admin/liens-de-reponse?lang=ar")
    proposal = town["main"]
    assert f'<a href="/propositions/{proposal}" lang="ar" dir="rtl">فتح حمامات عامة مجانية</a>' in (
        html
    )
    assert '<td><bdi dir="auto">Ville de Metz</bdi></td>' in html
    assert '<td><bdi dir="auto">contact@metz.example</bdi></td>' in html
    assert len(translation_reads(statements)) == 1


def test_the_footer_marks_the_networks_name_french(client):
    html = client.get("/?lang=ar").get_data(as_text=True)
    assert '<span lang="fr" dir="ltr">Réseau de solidarité des associations messines</span>' in html


def _results(html: str) -> str:
    match = re.search(r'<ol class="cards search-results">.*?</ol>', html, re.S)
    return match.group(0) if match else ""


def test_search_isolates_organisation_names_of_unknown_language(client, make_organisation):
    make_organisation(name="Association Al-Amal", description="Repas chauds et colis.")
    html = client.get("/recherche?q=repas").get_data(as_text=True)
    assert '<bdi dir="auto">Association Al-Amal</bdi>' in _results(html)
    assert 'lang="fr">Association' not in html


def test_search_marks_a_contribution_with_its_language_and_direction(client, make_proposal):
    proposal = make_proposal(title="Un logement d’abord", status=ProposalStatus.SENT)
    for lang, body in (("ar", "أنتظر logement منذ سنتين"), ("fr", "J’attends un logement.")):
        db.session.add(
            Contribution(
                proposal=proposal, kind=ContributionKind.TESTIMONY, body=body, lang=lang,
                state=ContributionState.PUBLISHED,
            )
        )  # fmt: skip
    db.session.commit()
    results = _results(client.get("/recherche?q=logement&type=testimony").get_data(as_text=True))
    assert '<p class="snippet" lang="ar" dir="rtl">' in results
    assert '<p class="snippet" lang="fr" dir="ltr">' in results
    assert 'dir="auto"' not in results.replace('<bdi dir="auto">', "")
