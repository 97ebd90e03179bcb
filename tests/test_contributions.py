"""Contributing: guests, participants (named or anonymous), assisted testimonies, comments,
replies, editing, withdrawing, flagging."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Contribution,
    ContributionKind,
    ContributionState,
    Flag,
    ModerationDecision,
    OfficialResponse,
    OrganisationKind,
    Position,
)
from app.queries.contributions import replies_under
from tests.conftest import login
from tests.helpers import count_queries

TESTIMONY = "J’ai dormi trois mois dans ma voiture avant d’avoir une place.\nCe qui aiderait : "
TESTIMONY += "un accueil de jour ouvert le dimanche."


def _count(model=Contribution, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@pytest.fixture
def proposal(make_proposal):
    return make_proposal(title="Ouvrir des bains-douches gratuits")


def test_guest_testimony_is_held_and_receipted(client, proposal):
    response = client.post(
        f"/propositions/{proposal.id}/temoigner",
        data={"body": TESTIMONY, "name": "Amina", "contact": "amina@example.org"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/propositions/{proposal.id}/temoignage-envoye")
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Merci, votre témoignage est bien reçu" in receipt
    assert "Si vous avez laissé un téléphone, l’association peut vous appeler." in receipt
    contribution = db.session.scalar(sa.select(Contribution))
    assert contribution.state is ContributionState.PENDING
    assert (contribution.guest_name, contribution.guest_contact) == ("Amina", "amina@example.org")
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "J’ai dormi trois mois" not in page


def test_the_guest_form_says_what_each_contact_is_for(client, proposal):
    """Only an e-mail is written to; a phone number is for the association to call."""
    form = client.get(f"/propositions/{proposal.id}/temoigner").get_data(as_text=True)
    assert "Un e-mail : nous vous écrivons quand votre témoignage est relu." in form
    assert "Ou un téléphone : l’association peut vous appeler." in form


def test_guest_honeypot_saves_nothing(client, proposal):
    response = client.post(
        f"/propositions/{proposal.id}/temoigner",
        data={"body": TESTIMONY, "website": "http://spam.example"},
    )
    assert response.status_code == 302
    assert _count() == 0


def test_guest_rate_limit(client, proposal):
    for _ in range(5):
        client.post(f"/propositions/{proposal.id}/temoigner", data={"body": TESTIMONY})
    response = client.post(f"/propositions/{proposal.id}/temoigner", data={"body": TESTIMONY})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.get_data(as_text=True)
    assert _count() == 5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": ""}, "Écrivez votre témoignage ou enregistrez-le."),
        ({"body": "x" * 5001}, "Votre texte fait 5\u202f001 caractères ; 5\u202f000 au plus."),
        ({"body": "Appelez-moi au 06 12 34 56 78 svp"}, "semble contenir un numéro"),
        ({"body": "Écrivez à moi@example.org"}, "semble contenir un numéro"),
        ({"body": "J’habite au 12 rue Clovis"}, "semble contenir un numéro"),
        (
            {"body": "Un texte correct", "name": "n" * 61},
            "Votre texte fait 61 caractères ; 60 au plus.",
        ),
    ],
)
def test_guest_bad_input_keeps_text(client, proposal, data, message):
    response = client.post(f"/propositions/{proposal.id}/temoigner", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    if data["body"] and len(data["body"]) < 200:
        assert data["body"].replace("’", "’") in html
    assert _count() == 0


def test_personal_data_can_be_confirmed(client, proposal):
    data = {"body": "Appelez-moi au 06 12 34 56 78 svp", "confirm_personal_data": "y"}
    response = client.post(f"/propositions/{proposal.id}/temoigner", data=data)
    assert response.status_code == 302
    assert _count() == 1


def test_participant_testimony_premoderated_then_approved(client, app, proposal, make_user):
    participant = make_user("participant", pseudonym="Nadia")
    login(client, participant)
    client.post(
        f"/propositions/{proposal.id}/temoigner",
        data={"body": TESTIMONY, "display_mode": "pseudonym"},
    )
    contribution = db.session.scalar(sa.select(Contribution))
    assert contribution.state is ContributionState.PENDING
    own_view = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "En attente de modération" in own_view  # the author sees it is held
    client.post("/compte/deconnexion")
    assert "J’ai dormi" not in client.get(f"/propositions/{proposal.id}").get_data(as_text=True)

    moderator = make_user("moderator")
    login(client, moderator)
    response = client.post(
        f"/moderation/contributions/{contribution.id}/decision",
        data={"action": "approve", "reason": "compliant", "version": contribution.version},
    )
    assert response.status_code == 302
    client.post("/compte/deconnexion")
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "J’ai dormi trois mois" in page
    assert "Nadia" in page


def test_members_are_post_moderated(client, proposal, login_as):
    login_as("association_member")
    client.post(
        f"/propositions/{proposal.id}/temoigner",
        data={"body": TESTIMONY, "display_mode": "pseudonym"},
    )
    assert db.session.scalar(sa.select(Contribution)).state is ContributionState.PUBLISHED


def test_workshop_setting_changes_moderation(client, proposal, login_as):
    proposal.theme.participants_premoderated = False
    db.session.commit()
    login_as("participant")
    client.post(
        f"/propositions/{proposal.id}/commentaires",
        data={"body": "Je suis d’accord avec cette proposition.", "display_mode": "pseudonym"},
    )
    assert db.session.scalar(sa.select(Contribution)).state is ContributionState.PUBLISHED


def test_anonymous_author_never_shown(client, proposal, make_user):
    proposal.theme.participants_premoderated = False
    db.session.commit()
    author = make_user("participant", pseudonym="SecretPseudo", email="secret@example.org")
    login(client, author)
    client.post(
        f"/propositions/{proposal.id}/commentaires",
        data={"body": "Un commentaire anonyme sur la proposition.", "display_mode": "anonymous"},
    )
    client.post("/compte/deconnexion")
    contribution = db.session.scalar(sa.select(Contribution))
    for url in (f"/propositions/{proposal.id}", f"/api/v1/proposals/{proposal.id}"):
        body = client.get(url).get_data(as_text=True)
        assert "Un commentaire anonyme" in body
        assert "SecretPseudo" not in body
        assert "secret@example.org" not in body
        assert f"user-{author.id}" not in body
    assert contribution.author_id == author.id  # moderators can still see who it is


def test_assisted_testimony(client, proposal, login_as, make_organisation):
    association = make_organisation(OrganisationKind.ASSOCIATION, name="Fondation Abbé Pierre")
    member = login_as("association_member", organisation=association)
    response = client.post(
        f"/propositions/{proposal.id}/temoignage-recueilli",
        data={
            "body": TESTIMONY,
            "first_name": "Youssef",
            "organisation_id": association.id,
            "consent": "y",
        },
    )
    assert response.status_code == 302
    contribution = db.session.scalar(sa.select(Contribution))
    assert contribution.recorded_for_id == association.id
    assert contribution.author_id == member.id
    assert contribution.consent_confirmed_at is not None
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert (
        '<bdi dir="auto">Youssef</bdi>, témoignage recueilli par '
        '<bdi dir="auto">Fondation Abbé Pierre</bdi>' in page
    )


def test_assisted_testimony_requires_consent(client, proposal, login_as, make_organisation):
    association = make_organisation(OrganisationKind.ASSOCIATION)
    login_as("association_member", organisation=association)
    response = client.post(
        f"/propositions/{proposal.id}/temoignage-recueilli",
        data={"body": TESTIMONY, "organisation_id": association.id},
    )
    html = response.get_data(as_text=True)
    assert "sans l’accord de la personne" in html
    assert "J’ai dormi trois mois" in html
    assert _count() == 0


@pytest.mark.parametrize("consent", ["false", "0", "off", "no", "", "n", "yes", None])
def test_assisted_testimony_consent_is_only_the_checked_box(
    client, proposal, login_as, make_organisation, consent
):
    association = make_organisation(OrganisationKind.ASSOCIATION)
    login_as("association_member", organisation=association)
    data = {"body": TESTIMONY, "first_name": "Youssef", "organisation_id": association.id}
    if consent is not None:
        data["consent"] = consent
    response = client.post(f"/propositions/{proposal.id}/temoignage-recueilli", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "sans l’accord de la personne" in html
    assert "J’ai dormi trois mois" in html and 'value="Youssef"' in html
    box = re.search(r'<input[^>]*name="consent"[^>]*>', html).group(0)
    assert 'value="y"' in box and "checked" not in box  # the box comes back unticked
    assert _count() == 0


def test_assisted_testimony_service_refuses_without_consent(proposal, make_user):
    from app.services import contributions as service

    member = make_user("association_member")
    for consent in (False, None, "false", "y"):  # only True itself is a consent
        with pytest.raises(service.ConsentRequired):
            service.post_assisted_testimony(
                member, proposal, member.organisations[0], TESTIMONY, "", consent=consent
            )
    with pytest.raises(service.ConsentRequired):
        service.post_assisted_testimony(member, proposal, member.organisations[0], TESTIMONY, "")
    db.session.rollback()
    assert _count() == 0
    service.post_assisted_testimony(
        member, proposal, member.organisations[0], TESTIMONY, "", consent=True
    )
    assert db.session.scalar(sa.select(Contribution)).consent_confirmed_at is not None


def _published(proposal, author, kind=ContributionKind.COMMENT, parent=None, body="Bonjour"):
    contribution = Contribution(
        proposal=proposal,
        kind=kind,
        author=author,
        body=body,
        parent=parent,
        state=ContributionState.PUBLISHED,
    )
    db.session.add(contribution)
    db.session.commit()
    return contribution


def test_reply_one_level_and_notification(client, proposal, make_user):
    proposal.theme.participants_premoderated = False
    db.session.commit()
    first = make_user("participant")
    comment = _published(proposal, first, body="Premier commentaire")
    login(client, make_user("participant", pseudonym="Répondeur"))
    response = client.post(
        f"/contributions/{comment.id}/repondre",
        data={"body": "Je réponds à ce commentaire.", "display_mode": "pseudonym"},
    )
    assert response.status_code == 302
    reply = db.session.scalar(sa.select(Contribution).where(Contribution.parent_id == comment.id))
    assert reply.kind is ContributionKind.REPLY
    assert client.get(f"/contributions/{reply.id}/repondre").status_code == 403  # one level
    client.post("/compte/deconnexion")
    login(client, first)
    assert "Quelqu’un a répondu" in client.get("/notifications/").get_data(as_text=True)


def test_replies_to_comments_and_to_responses_are_read_in_one_statement(
    proposal, make_user, make_organisation
):
    author, other = make_user("participant"), make_user("participant")
    comment = _published(proposal, author, body="Commentaire")
    reply = _published(proposal, other, ContributionKind.REPLY, parent=comment, body="Réponse")
    held = _published(proposal, other, ContributionKind.REPLY, parent=comment, body="En attente")
    held.state = ContributionState.PENDING
    response = OfficialResponse(
        proposal=proposal,
        institution=make_organisation(OrganisationKind.INSTITUTION),
        position=Position.FAVOURABLE,
        body="Oui.",
    )
    db.session.add(response)
    db.session.commit()
    right = _published(proposal, author, ContributionKind.REPLY, body="Droit de réponse")
    right.response = response
    db.session.commit()

    comment_id, response_id = comment.id, response.id
    with count_queries() as statements:
        by_comment, by_response = replies_under([comment_id], [response_id], None)
    assert len(statements) == 1
    assert by_comment == {comment.id: [reply]}  # the held one only for its author
    assert by_response == {response.id: [right]}
    by_comment, _ = replies_under([comment.id], [], other.id)
    assert by_comment == {comment.id: [reply, held]}
    assert replies_under([], [], None) == ({}, {})


def test_edit_within_window_only(client, proposal, make_user):
    author = make_user("association_member")
    comment = _published(proposal, author)
    login(client, author)
    response = client.post(f"/contributions/{comment.id}/modifier", data={"body": "Corrigé"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contribution, comment.id).body == "Corrigé"
    comment = db.session.get(Contribution, comment.id)
    comment.created_at -= timedelta(minutes=16)
    db.session.commit()
    assert (
        client.post(f"/contributions/{comment.id}/modifier", data={"body": "Trop tard"}).status_code
        == 403
    )


def test_withdraw_keeps_replies(client, proposal, make_user):
    author, other = make_user("participant"), make_user("participant")
    comment = _published(proposal, author, body="Texte qui sera retiré")
    _published(proposal, other, ContributionKind.REPLY, parent=comment, body="Réponse qui reste")
    login(client, author)
    assert client.post(f"/contributions/{comment.id}/retirer").status_code == 302
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "Contribution retirée par son auteur." in page
    assert "Texte qui sera retiré" not in page
    assert "Réponse qui reste" in page


def test_flags_hide_after_threshold(client, app, proposal, make_user):
    comment = _published(proposal, make_user("participant"), body="Propos douteux")
    for _ in range(3):
        client.post("/compte/deconnexion")
        login(client, make_user("participant"))
        response = client.post(f"/contributions/{comment.id}/signaler", data={"reason": "insult"})
        assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contribution, comment.id).state is ContributionState.HIDDEN
    assert _count(Flag) == 3
    decision = db.session.scalar(sa.select(ModerationDecision))
    assert decision.moderator_id is None and decision.to_state is ContributionState.HIDDEN
    assert "Propos douteux" not in client.get(f"/propositions/{proposal.id}").get_data(as_text=True)


def test_cannot_flag_twice(client, proposal, make_user):
    comment = _published(proposal, make_user("participant"))
    login(client, make_user("participant"))
    client.post(f"/contributions/{comment.id}/signaler", data={"reason": "spam"})
    client.post(f"/contributions/{comment.id}/signaler", data={"reason": "spam"})
    assert _count(Flag) == 1


def test_pending_contribution_is_404_for_others(client, proposal, make_user):
    held = Contribution(
        proposal=proposal,
        kind=ContributionKind.COMMENT,
        body="En attente",
        author=make_user("participant"),
        state=ContributionState.PENDING,
    )
    db.session.add(held)
    db.session.commit()
    assert client.get(f"/contributions/{held.id}").status_code == 404
    login(client, make_user("participant"))
    assert client.get(f"/contributions/{held.id}/repondre").status_code == 404
    assert client.get(f"/contributions/{held.id}/signaler").status_code == 404


def test_edit_after_moderator_opened_it_voids_the_decision(client, proposal, make_user):
    author = make_user("participant")
    held = Contribution(
        proposal=proposal,
        kind=ContributionKind.COMMENT,
        body="Version lue",
        author=author,
        state=ContributionState.PENDING,
    )
    db.session.add(held)
    db.session.commit()
    seen_version = held.version
    login(client, author)
    client.post(f"/contributions/{held.id}/modifier", data={"body": "Version jamais lue"})
    client.post("/compte/deconnexion")
    login(client, make_user("moderator"))
    response = client.post(
        f"/moderation/contributions/{held.id}/decision",
        data={"action": "approve", "reason": "compliant", "version": seen_version},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contribution, held.id).state is ContributionState.PENDING
    assert _count(ModerationDecision) == 0


@pytest.mark.parametrize(
    ("viewer", "shown", "hidden"),
    [
        (None, [], ["repondre", "modifier", "retirer", "signaler", "moderation"]),
        ("author", ["repondre", "modifier", "retirer"], ["signaler", "moderation"]),
        ("participant", ["repondre", "signaler"], ["modifier", "retirer", "moderation"]),
        ("moderator", ["repondre", "signaler", "moderation"], ["modifier", "retirer"]),
    ],
)
def test_links_under_a_comment_follow_the_viewer(
    client, proposal, make_user, viewer, shown, hidden
):
    """Each link under a comment on the proposal page is shown exactly to whom may use it."""
    author = make_user("participant")
    comment = _published(proposal, author, body="Un commentaire")
    if viewer == "author":
        login(client, author)
    elif viewer:
        login(client, make_user(viewer))
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    links = {
        "repondre": f'href="/contributions/{comment.id}/repondre">Répondre<',
        "modifier": f'href="/contributions/{comment.id}/modifier">Modifier<',
        "retirer": f'href="/contributions/{comment.id}/retirer">Retirer<',
        "signaler": f'href="/contributions/{comment.id}/signaler">Signaler<',
        "moderation": f'href="/moderation/contributions/{comment.id}">Modération<',
    }
    assert all(links[name] in page for name in shown)
    assert not any(links[name] in page for name in hidden)


def test_counts_on_the_proposal_page_are_what_the_viewer_sees(client, proposal, make_user):
    """Totals count the published testimonies and comments, plus the viewer's own held ones,
    never replies."""
    author, other = make_user("participant"), make_user("participant")
    _published(proposal, other, ContributionKind.TESTIMONY)
    comment = _published(proposal, other)
    _published(proposal, author, ContributionKind.REPLY, parent=comment)
    held = _published(proposal, author, body="Pas encore publié")
    held.state = ContributionState.PENDING
    db.session.commit()
    visitor_page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "1 témoignage<" in visitor_page and "1 commentaire<" in visitor_page
    login(client, author)
    author_page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "1 témoignage<" in author_page and "2 commentaires<" in author_page
    assert 'Commentaires <span class="count">(2)</span>' in author_page


def test_each_page_of_contributions_gives_its_total_with_its_rows(app, client, proposal, make_user):
    """A page's total comes with its rows (one query a list): the same total on the first
    page, on the last and past it, where there are no rows to carry it."""
    app.config["CONTRIBUTIONS_PER_PAGE"] = 2
    author = make_user("participant")
    for body in ("Premier", "Deuxième", "Troisième"):
        _published(proposal, author, body=body)
    for arg, shown, absent in (
        ("", ("Premier", "Deuxième"), "Troisième"),
        ("?commentaires=2", ("Troisième",), "Premier"),
        ("?commentaires=9", (), "Premier"),
    ):
        with count_queries() as statements:
            page = client.get(f"/propositions/{proposal.id}{arg}").get_data(as_text=True)
        assert 'Commentaires <span class="count">(3)</span>' in page, arg
        assert 'Témoignages <span class="count">(0)</span>' in page, arg
        assert all(f">{body}<" in page for body in shown) and f">{absent}<" not in page
        counts = [s for s in statements if "count(*)" in s.lower()]
        # Past the last page only, the total is counted apart.
        assert len(counts) == (1 if arg.endswith("=9") else 0) + 2, arg
