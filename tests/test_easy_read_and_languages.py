"""Easy-read (FALC) summaries and help pages; the language each contribution is written in."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Contribution,
    ContributionKind,
    ContributionState,
    DisplayMode,
    OfficialResponse,
    OrganisationKind,
    Position,
    Proposal,
)

TESTIMONY = "لم أجد مكانًا للنوم لمدة ثلاثة أشهر، وأحتاج إلى مأوى قريب من المدرسة."
FULL_TEXT = "Le constat, puis ce qui est proposé."


def _count(model=Contribution):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _publish(contribution_id: int) -> None:
    contribution = db.session.get(Contribution, contribution_id)
    contribution.state = ContributionState.PUBLISHED
    db.session.commit()


# --- The language of a contribution ----------------------------------------------------------


def test_guest_testimony_records_its_language_and_is_marked(client, make_proposal):
    proposal = make_proposal()
    response = client.post(
        f"/propositions/{proposal.id}/temoigner", data={"body": TESTIMONY, "lang": "ar"}
    )
    assert response.status_code == 302
    contribution = db.session.scalar(sa.select(Contribution))
    assert contribution.lang == "ar"
    _publish(contribution.id)
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert re.search(r'<div class="body" lang="ar" dir="rtl">\s*<p>لم أجد', page)


def test_language_defaults_to_the_interface_language(client, make_proposal):
    proposal = make_proposal()
    form = client.get(f"/propositions/{proposal.id}/temoigner?lang=en").get_data(as_text=True)
    assert '<option selected value="en">English</option>' in form
    client.post(f"/propositions/{proposal.id}/temoigner", data={"body": "I slept in my car."})
    assert db.session.scalar(sa.select(Contribution.lang)) == "en"


@pytest.mark.parametrize("lang", ["xx", "<script>alert(1)</script>", ""])
def test_unknown_language_is_refused_text_kept(client, make_proposal, lang):
    proposal = make_proposal()
    response = client.post(
        f"/propositions/{proposal.id}/temoigner",
        data={"body": "Mon texte <b>gardé</b>", "lang": lang},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choisissez une langue de la liste." in html
    assert "Mon texte &lt;b&gt;gardé&lt;/b&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert _count() == 0


def test_comment_reply_and_response_reply_record_language(client, make_proposal, login_as):
    proposal = make_proposal()
    login_as("association_member")  # post-moderated: published at once
    client.post(
        f"/propositions/{proposal.id}/commentaires",
        data={"body": "A comment in English.", "display_mode": "pseudonym", "lang": "en"},
    )
    comment = db.session.scalar(sa.select(Contribution))
    client.post(
        f"/contributions/{comment.id}/repondre",
        data={"body": "Una respuesta.", "display_mode": "pseudonym", "lang": "es"},
    )
    answer = OfficialResponse(
        proposal=proposal,
        institution=proposal.organisation,
        position=Position.FAVOURABLE,
        body="Nous ouvrirons un accueil.",
    )
    db.session.add(answer)
    db.session.commit()
    client.post(
        f"/reponses/{answer.id}/repondre",
        data={"body": "Merci, mais quand ?", "display_mode": "pseudonym", "lang": "fr"},
    )
    rows = db.session.execute(
        sa.select(Contribution.kind, Contribution.lang, Contribution.response_id).order_by(
            Contribution.id
        )
    ).all()
    assert rows == [
        (ContributionKind.COMMENT, "en", None),
        (ContributionKind.REPLY, "es", None),
        (ContributionKind.REPLY, "fr", answer.id),
    ]


def test_editing_can_correct_the_language(client, make_proposal, login_as):
    proposal = make_proposal()
    author = login_as("association_member")
    contribution = Contribution(
        proposal=proposal,
        kind=ContributionKind.COMMENT,
        author=author,
        display_mode=DisplayMode.PSEUDONYM,
        body="Written in English, marked French by mistake.",
        state=ContributionState.PUBLISHED,
    )
    db.session.add(contribution)
    db.session.commit()
    form = client.get(f"/contributions/{contribution.id}/modifier").get_data(as_text=True)
    assert '<option selected value="fr">Français</option>' in form
    client.post(
        f"/contributions/{contribution.id}/modifier", data={"body": contribution.body, "lang": "en"}
    )
    db.session.expire_all()
    assert db.session.get(Contribution, contribution.id).lang == "en"


def test_api_gives_each_contribution_its_language(client, make_proposal):
    proposal = make_proposal()
    client.post(f"/propositions/{proposal.id}/temoigner", data={"body": TESTIMONY, "lang": "ar"})
    _publish(db.session.scalar(sa.select(Contribution.id)))
    data = client.get(f"/api/v1/proposals/{proposal.id}").get_json()
    assert [c["lang"] for c in data["testimonies"]] == ["ar"]


# --- Easy-read summary of a proposal ---------------------------------------------------------


@pytest.fixture
def member(login_as, make_organisation):
    return login_as("association_member", organisation=make_organisation(name="Abri"))


def _proposal_form(member, make_theme, make_organisation, **changes):
    institution = make_organisation(OrganisationKind.INSTITUTION)
    data = {
        "title": "Ouvrir des bains-douches gratuits",
        "body": "Des bains-douches et des toilettes publiques gratuits en centre-ville.",
        "easy_read": "On veut des douches gratuites.\nPour tout le monde.",
        "theme_id": make_theme().id,
        "organisation_id": member.organisations[0].id,
        "institution_ids": [institution.id],
    }
    data.update(changes)
    return data


def test_easy_read_summary_is_shown_first_with_the_full_text_behind_a_switch(
    client, member, make_theme, make_organisation
):
    data = _proposal_form(member, make_theme, make_organisation)
    response = client.post("/propositions/nouvelle", data=data)
    assert response.status_code == 302
    proposal = db.session.scalar(sa.select(Proposal))
    assert proposal.easy_read == "On veut des douches gratuites.\nPour tout le monde."
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    summary = page.index("En bref, facile à lire")
    switch = page.index("<summary>Lire le texte complet</summary>")
    assert summary < page.index("On veut des douches gratuites.") < switch
    assert switch < page.index("Des bains-douches et des toilettes publiques")


def test_without_summary_the_full_text_is_shown_plainly(client, make_proposal):
    page = client.get(f"/propositions/{make_proposal().id}").get_data(as_text=True)
    assert FULL_TEXT in page
    assert "Lire le texte complet" not in page


def test_easy_read_summary_is_escaped_and_can_be_edited(
    client, member, make_theme, make_organisation
):
    data = _proposal_form(member, make_theme, make_organisation, easy_read="<script>x()</script>")
    client.post("/propositions/nouvelle", data=data)
    proposal = db.session.scalar(sa.select(Proposal))
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "<script>x()</script>" not in page
    assert "&lt;script&gt;x()&lt;/script&gt;" in page
    data["easy_read"] = ""
    client.post(f"/propositions/{proposal.id}/modifier", data=data)
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).easy_read == ""


def test_too_long_easy_read_summary_is_refused_text_kept(
    client, member, make_theme, make_organisation
):
    data = _proposal_form(member, make_theme, make_organisation, easy_read="Mot. " * 400)
    response = client.post("/propositions/nouvelle", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "caractères ; 1\u202f500 au plus." in html
    assert "Des bains-douches et des toilettes publiques" in html
    assert _count(Proposal) == 0


def test_api_gives_the_easy_read_summary(client, make_proposal):
    proposal = make_proposal()
    assert client.get(f"/api/v1/proposals/{proposal.id}").get_json()["easy_read"] is None
    proposal.easy_read = "Des douches gratuites."
    db.session.commit()
    data = client.get(f"/api/v1/proposals/{proposal.id}").get_json()
    assert data["easy_read"] == "Des douches gratuites."


# --- Help pages, in full and easy-read versions ----------------------------------------------


def test_help_pages_are_linked_from_every_page(client):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/aide"' in home
    assert 'href="/aide/temoigner"' in home


def test_help_page_switches_to_easy_read_and_keeps_the_choice(client):
    full = client.get("/aide").get_data(as_text=True)
    assert "Les associations déposent des propositions concrètes" in full
    assert "Les associations écrivent des propositions." not in full
    assert '<a href="/aide?version=complete" aria-current="page">' in full

    easy = client.get("/aide?version=facile").get_data(as_text=True)
    assert "Les associations écrivent des propositions." in easy
    assert 'class="help easy-read"' in easy

    testify = client.get("/aide/temoigner").get_data(as_text=True)  # the choice is kept
    assert "Un témoignage, c’est raconter ce que vous vivez." in testify

    back = client.get("/aide/temoigner?version=complete").get_data(as_text=True)
    assert "Un témoignage raconte ce que vous avez vécu" in back


def test_testimony_form_links_to_the_easy_read_help(client, make_proposal):
    form = client.get(f"/propositions/{make_proposal().id}/temoigner").get_data(as_text=True)
    assert 'href="/aide/temoigner?version=facile"' in form


def test_help_pages_in_english_and_arabic(client):
    english = client.get("/aide?lang=en").get_data(as_text=True)
    assert "How does it work?" in english
    arabic = client.get("/aide/temoigner?lang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in arabic
    assert "Comment laisser mon témoignage ?" not in arabic


def test_unknown_help_page_is_404(client):
    assert client.get("/aide/inconnue").status_code == 404


def test_proposal_list_flags_easy_read_proposals(client, make_proposal):
    make_proposal(title="Sans résumé facile")
    with_summary = make_proposal(title="Avec résumé facile")
    with_summary.easy_read = "Des douches gratuites."
    db.session.commit()
    page = client.get("/propositions").get_data(as_text=True)
    assert page.count('class="badge easy"') == 1
    assert page.index("Avec résumé facile") < page.index('class="badge easy"')
    assert page.index('class="badge easy"') < page.index("Sans résumé facile")
