"""Institutions answer in public; proposals are followed until done."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Commitment,
    CommitmentState,
    Contribution,
    ContributionState,
    Follow,
    Notification,
    NotificationKind,
    OfficialResponse,
    OrganisationKind,
    Position,
    ProgressUpdate,
    Proposal,
    ProposalStatus,
    ResponseVersion,
    StatusChange,
    utcnow,
)
from app.queries.board import paris_today
from app.services import responses as service
from tests.conftest import login


def _count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@pytest.fixture
def ddcs(make_organisation):
    return make_organisation(OrganisationKind.INSTITUTION, name="DDCS de la Moselle")


@pytest.fixture
def sent(make_proposal, ddcs):
    """A proposal sent to the DDCS, 10 days ago."""
    proposal = make_proposal(
        title="Mobiliser des locaux vides", institutions=[ddcs], status=ProposalStatus.SENT
    )
    proposal.addressed[0].sent_at = utcnow() - timedelta(days=10)
    proposal.addressed[0].response_due_on = date.today() + timedelta(days=50)
    db.session.commit()
    return proposal


def _answer(client, proposal, institution, **changes):
    data = {"position": "favourable", "body": "Nous mobiliserons deux bâtiments vides."}
    data.update(changes)
    return client.post(f"/propositions/{proposal.id}/reponses/{institution.id}", data=data)


def test_representative_answers_and_proposal_is_answered(client, sent, ddcs, make_user):
    login(client, make_user("institution_rep", organisation=ddcs))
    response = _answer(client, sent, ddcs)
    assert response.status_code == 302
    answer = db.session.scalar(sa.select(OfficialResponse))
    assert (answer.position, answer.institution_id) == (Position.FAVOURABLE, ddcs.id)
    db.session.expire_all()
    assert db.session.get(Proposal, sent.id).status is ProposalStatus.ANSWERED
    page = client.get(f"/propositions/{sent.id}").get_data(as_text=True)
    assert "Nous mobiliserons deux bâtiments vides." in page
    assert "Favorable" in page
    assert not answer.was_edited and "modifiée le" not in page and "Réponse modifiée" not in page


@pytest.mark.parametrize("who", ["unverified", "other_institution", "participant", "admin"])
def test_only_that_verified_institution_answers(
    client, sent, ddcs, make_user, make_organisation, who
):
    if who == "unverified":
        ddcs.verified = False
        db.session.commit()
        user = make_user("institution_rep", organisation=ddcs)
    elif who == "other_institution":
        user = make_user(
            "institution_rep", organisation=make_organisation(OrganisationKind.INSTITUTION)
        )
    else:
        user = make_user(who)
    login(client, user)
    assert client.get(f"/propositions/{sent.id}/reponses/{ddcs.id}").status_code == 403
    assert _answer(client, sent, ddcs).status_code == 403
    assert _count(OfficialResponse) == 0


def test_edit_keeps_history(client, sent, ddcs, make_user):
    login(client, make_user("institution_rep", organisation=ddcs))
    _answer(client, sent, ddcs, position="under_study", body="Première version.")
    _answer(client, sent, ddcs, position="favourable", body="Deuxième version.")
    assert _count(OfficialResponse) == 1
    [version] = db.session.scalars(sa.select(ResponseVersion)).all()
    assert (version.body, version.position) == ("Première version.", Position.UNDER_STUDY)
    answer = db.session.scalar(sa.select(OfficialResponse))
    answer.updated_at = answer.created_at + timedelta(minutes=5)
    db.session.commit()
    page = client.get(f"/propositions/{sent.id}").get_data(as_text=True)
    assert "modifiée le" in page
    history = client.get(f"/reponses/{answer.id}/historique").get_data(as_text=True)
    assert "Première version." in history and "Deuxième version." in history


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"position": ""}, "Choisissez une position."),
        ({"position": "maybe"}, "un choix valide"),
        ({"body": ""}, "Écrivez la réponse."),
        ({"position": "not_competent", "competent_body": ""}, "Indiquez qui est compétent."),
    ],
)
def test_bad_response_saves_nothing(client, sent, ddcs, make_user, changes, message):
    login(client, make_user("institution_rep", organisation=ddcs))
    response = _answer(client, sent, ddcs, **changes)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _count(OfficialResponse) == 0


def _response(proposal, institution):
    answer = OfficialResponse(
        proposal=proposal, institution=institution, position=Position.FAVOURABLE, body="Oui."
    )
    db.session.add(answer)
    db.session.commit()
    return answer


def test_commitments_on_the_timeline(client, sent, ddcs, make_user):
    answer = _response(sent, ddcs)
    login(client, make_user("institution_rep", organisation=ddcs))
    response = client.post(
        f"/reponses/{answer.id}/engagements",
        data={"action": "Recenser les locaux vides", "due_on": "2027-03-01"},
    )
    assert response.status_code == 302
    commitment = db.session.scalar(sa.select(Commitment))
    assert (commitment.due_on, commitment.state) == (date(2027, 3, 1), CommitmentState.PLANNED)
    refused = client.post(
        f"/engagements/{commitment.id}", data={"state": "dropped", "due_on": "2027-03-01"}
    )
    assert "Indiquez pourquoi" in refused.get_data(as_text=True)
    client.post(
        f"/engagements/{commitment.id}",
        data={"state": "in_progress", "due_on": "2027-04-01", "note": "12 recensés."},
    )
    db.session.expire_all()
    assert db.session.get(Commitment, commitment.id).state is CommitmentState.IN_PROGRESS
    page = client.get(f"/propositions/{sent.id}").get_data(as_text=True)
    assert "Recenser les locaux vides" in page
    assert "12 recensés." in page
    assert _count(ProgressUpdate) == 2


def test_a_responses_commitments_show_once_each_soonest_due_first(client, sent, ddcs):
    """Commitments are loaded joined to their response: each shown as often as any other
    (a joined row read twice would show one twice), in due order, whatever order they
    were made in."""
    answer = _response(sent, ddcs)
    made = {"Ouvrir le gymnase": 9, "Recenser les locaux": 3, "Signer la convention": 6}
    for action, month in made.items():
        db.session.add(Commitment(response=answer, action=action, due_on=date(2027, month, 1)))
    proposal_id = sent.id
    db.session.commit()
    db.session.expunge_all()
    page = client.get(f"/propositions/{proposal_id}").get_data(as_text=True)
    soonest_first = sorted(made, key=made.get)
    assert [page.find(action) for action in soonest_first] == sorted(
        page.find(action) for action in made
    )
    assert -1 not in [page.find(action) for action in made]
    assert len({page.count(action) for action in made}) == 1


def test_a_new_commitment_already_past_its_date_is_refused(client, sent, ddcs, make_user):
    """It would show as late the moment it is made: the date is refused, the text kept."""
    answer = _response(sent, ddcs)
    login(client, make_user("institution_rep", organisation=ddcs))
    yesterday = (paris_today() - timedelta(days=1)).isoformat()
    response = client.post(
        f"/reponses/{answer.id}/engagements",
        data={"action": "Recenser les <locaux> vides", "due_on": yesterday},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Cette date est passée : choisissez aujourd’hui ou une date à venir." in html
    assert 'value="Recenser les &lt;locaux&gt; vides"' in html
    assert _count(Commitment) == 0
    today = paris_today().isoformat()
    client.post(f"/reponses/{answer.id}/engagements", data={"action": "Agir", "due_on": today})
    assert _count(Commitment) == 1


def test_commitment_of_another_institution_is_refused(
    client, sent, ddcs, make_user, make_organisation
):
    commitment = Commitment(response=_response(sent, ddcs), action="Agir", due_on=date(2027, 1, 1))
    db.session.add(commitment)
    db.session.commit()
    other = make_organisation(OrganisationKind.INSTITUTION)
    login(client, make_user("institution_rep", organisation=other))
    response = client.post(
        f"/engagements/{commitment.id}", data={"state": "done", "due_on": "2027-01-01"}
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Commitment, commitment.id).state is CommitmentState.PLANNED


def test_followers_are_notified_not_the_actor(client, sent, ddcs, make_user):
    follower, theme_follower = make_user("participant"), make_user("participant")
    rep = make_user("institution_rep", organisation=ddcs)
    db.session.add_all(
        [
            Follow(user=follower, proposal=sent),
            Follow(user=rep, proposal=sent),
            Follow(user=theme_follower, theme=sent.theme),
            Follow(user=follower, theme=sent.theme),
        ]
    )
    db.session.commit()
    login(client, rep)
    _answer(client, sent, ddcs)
    kinds = db.session.execute(sa.select(Notification.user_id, Notification.kind)).all()
    new_response = sorted(u for u, k in kinds if k is NotificationKind.NEW_RESPONSE)
    assert new_response == sorted([follower.id, theme_follower.id])
    assert rep.id not in {u for u, _k in kinds}


def test_author_follows_own_proposal(client, login_as, make_theme):
    member = login_as("association_member")
    theme = make_theme()
    client.post(
        "/propositions/nouvelle",
        data={
            "title": "Une épicerie mobile",
            "body": "Aller au-devant des publics éloignés.",
            "theme_id": theme.id,
            "organisation_id": member.organisations[0].id,
        },
    )
    proposal = db.session.scalar(sa.select(Proposal))
    assert _count(Follow, Follow.user_id == member.id, Follow.proposal_id == proposal.id) == 1


def test_follow_and_unfollow(client, sent, login_as):
    user = login_as("participant")
    assert client.post(f"/propositions/{sent.id}/suivre").status_code == 302
    client.post(f"/propositions/{sent.id}/suivre")
    assert _count(Follow, Follow.user_id == user.id) == 1
    assert "Vous suivez cette proposition." in client.get(f"/propositions/{sent.id}").get_data(
        as_text=True
    )
    client.post(f"/propositions/{sent.id}/ne-plus-suivre")
    assert _count(Follow, Follow.user_id == user.id) == 0
    client.post(f"/ateliers/{sent.theme.slug}/suivre")
    assert _count(Follow, Follow.theme_id == sent.theme_id) == 1


def test_update_with_status_change(client, sent, make_user):
    member = make_user("association_member", organisation=sent.organisation)
    follower = make_user("participant")
    db.session.add(Follow(user=follower, proposal=sent))
    db.session.commit()
    login(client, member)
    response = client.post(
        f"/propositions/{sent.id}/suivi/nouveau",
        data={"body": "Réunion avec la DDCS le 3 mars.", "status": "in_progress"},
    )
    assert response.status_code == 302
    update = db.session.scalar(sa.select(ProgressUpdate))
    assert update.status_change.to_status is ProposalStatus.IN_PROGRESS
    page = client.get(f"/propositions/{sent.id}").get_data(as_text=True)
    assert "Réunion avec la DDCS le 3 mars." in page
    [note] = db.session.scalars(sa.select(Notification)).all()
    assert (note.user_id, note.kind) == (follower.id, NotificationKind.STATUS_CHANGE)


def test_bad_update_saves_nothing(client, sent, make_user):
    login(client, make_user("association_member", organisation=sent.organisation))
    response = client.post(f"/propositions/{sent.id}/suivi/nouveau", data={"body": ""})
    assert "Écrivez les nouvelles." in response.get_data(as_text=True)
    assert _count(ProgressUpdate) == 0


def test_right_of_reply_is_moderated(client, sent, ddcs, login_as):
    answer = _response(sent, ddcs)
    login_as("participant")
    response = client.post(
        f"/reponses/{answer.id}/repondre",
        data={"body": "Deux bâtiments, c’est trop peu.", "display_mode": "pseudonym"},
    )
    assert response.status_code == 302
    reply = db.session.scalar(sa.select(Contribution))
    assert (reply.response_id, reply.state) == (answer.id, ContributionState.PENDING)
    client.post("/compte/deconnexion")
    assert "c’est trop peu" not in client.get(f"/propositions/{sent.id}").get_data(as_text=True)


def test_association_reply_is_published(client, sent, ddcs, login_as):
    answer = _response(sent, ddcs)
    login_as("association_member")
    client.post(
        f"/reponses/{answer.id}/repondre",
        data={"body": "Nous proposons d’en parler le 4 juin.", "display_mode": "pseudonym"},
    )
    page = client.get(f"/propositions/{sent.id}").get_data(as_text=True)
    assert "Nous proposons d’en parler le 4 juin." in page
    api = client.get(f"/api/v1/proposals/{sent.id}").get_json()
    assert api["responses"][0]["replies"][0]["text"] == "Nous proposons d’en parler le 4 juin."


def test_institution_puts_its_own_proposal(client, ddcs, make_user, make_theme):
    rep = make_user("institution_rep", organisation=ddcs)
    theme = make_theme()
    login(client, rep)
    response = client.post(
        "/propositions/nouvelle",
        data={
            "title": "Un lieu d’accueil de jour partagé",
            "body": "Nous proposons aux associations…",
            "theme_id": theme.id,
            "organisation_id": ddcs.id,
        },
    )
    assert response.status_code == 302
    proposal = db.session.scalar(sa.select(Proposal))
    assert proposal.organisation_id == ddcs.id
    client.post("/compte/deconnexion")
    assert client.get(f"/propositions/{proposal.id}/temoigner").status_code == 200


def test_overdue_notice_goes_once_to_the_association(sent, ddcs, make_user):
    member = make_user("association_member", organisation=sent.organisation)
    sent.addressed[0].response_due_on = date(2026, 1, 1)
    db.session.commit()
    assert service.notify_overdue_responses(date(2026, 1, 2)) == 1
    assert service.notify_overdue_responses(date(2026, 1, 3)) == 0
    [note] = db.session.scalars(sa.select(Notification)).all()
    assert (note.user_id, note.kind) == (member.id, NotificationKind.RESPONSE_OVERDUE)


def test_no_overdue_notice_for_a_proposal_never_sent(sent, ddcs, make_user):
    """A due date without a sending on the site (an old record) makes no one late."""
    make_user("association_member", organisation=sent.organisation)
    sent.addressed[0].sent_at = None
    sent.addressed[0].response_due_on = date(2026, 1, 1)
    db.session.commit()
    assert service.notify_overdue_responses(date(2026, 1, 2)) == 0
    assert db.session.scalars(sa.select(Notification)).all() == []


def test_sending_sets_due_dates(client, make_proposal, ddcs, make_user, app):
    proposal = make_proposal(institutions=[ddcs])
    login(client, make_user("association_member", organisation=proposal.organisation))
    client.post(
        f"/propositions/{proposal.id}/statut",
        data={"status": "sent", "reason": "Transmise par courrier."},
    )
    db.session.expire_all()
    [addressed] = db.session.get(Proposal, proposal.id).addressed
    days = app.config["RESPONSE_DUE_DAYS"]
    assert addressed.response_due_on == (addressed.sent_at + timedelta(days=days)).date()


def test_failure_after_the_event_leaves_nothing(sent, ddcs, make_user, monkeypatch):
    rep = make_user("institution_rep", organisation=ddcs)
    db.session.add(Follow(user=make_user("participant"), proposal=sent))
    db.session.commit()

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(service, "notify_followers", broken)
    with pytest.raises(RuntimeError):
        service.publish_response(rep, sent, ddcs, position=Position.FAVOURABLE, body="Oui.")
    db.session.rollback()
    assert _count(OfficialResponse) == 0
    assert _count(Notification) == 0
    assert _count(StatusChange, StatusChange.to_status == ProposalStatus.ANSWERED) == 0


# The easy-read summary (FALC), optional on every response.

EASY = "La DDCS ouvre deux bâtiments.\nC’est pour l’hiver."


def _article(html: str, response: OfficialResponse) -> str:
    start = html.index(f'id="reponse-{response.id}"')
    return html[start : html.index("</article>", start)]


def test_an_easy_read_summary_is_shown_above_the_response_and_kept_in_history(
    client, sent, ddcs, make_user
):
    login(client, make_user("institution_rep", organisation=ddcs))
    form = client.get(f"/propositions/{sent.id}/reponses/{ddcs.id}").get_data(as_text=True)
    assert 'name="easy_read"' in form and "Phrases courtes, mots simples" in form
    _answer(client, sent, ddcs, body="Première version.", easy_read="Première, en bref.")
    answer = db.session.scalar(sa.select(OfficialResponse))
    assert answer.easy_read == "Première, en bref."
    edit = client.get(f"/propositions/{sent.id}/reponses/{ddcs.id}").get_data(as_text=True)
    assert "Première, en bref.</textarea>" in edit  # the edit form starts from it
    _answer(client, sent, ddcs, body="Deuxième version.", easy_read=EASY)
    [version] = db.session.scalars(sa.select(ResponseVersion)).all()
    assert (version.body, version.easy_read) == ("Première version.", "Première, en bref.")
    db.session.expire_all()
    assert db.session.get(OfficialResponse, answer.id).easy_read == EASY

    article = _article(client.get(f"/propositions/{sent.id}").get_data(as_text=True), answer)
    summary = article.index("En bref, facile à lire")
    assert summary < article.index(f'<div class="text" lang="fr" dir="ltr">{EASY}</div>')
    assert summary < article.index('<div class="body" lang="fr" dir="ltr"><p>Deuxième version.')
    history = client.get(f"/reponses/{answer.id}/historique").get_data(as_text=True)
    assert history.count("En bref, facile à lire") == 2
    assert EASY in history and "Première, en bref." in history


def test_a_response_without_easy_read_shows_no_summary(client, sent, ddcs, make_user):
    login(client, make_user("institution_rep", organisation=ddcs))
    _answer(client, sent, ddcs, easy_read="   ")
    answer = db.session.scalar(sa.select(OfficialResponse))
    assert answer.easy_read == ""
    article = _article(client.get(f"/propositions/{sent.id}").get_data(as_text=True), answer)
    assert "En bref, facile à lire" not in article


@pytest.mark.parametrize("editing", [False, True])
def test_a_too_long_easy_read_is_refused_with_every_text_kept(
    client, sent, ddcs, make_user, editing
):
    login(client, make_user("institution_rep", organisation=ddcs))
    if editing:
        _answer(client, sent, ddcs, body="Version publiée.", easy_read="En bref.")
    too_long = "Une <phrase> courte. " * 80  # 1,680 characters
    assert len(too_long) > OfficialResponse.EASY_READ_MAX
    page = _answer(
        client, sent, ddcs, body="Nous mobiliserons <deux> bâtiments.", easy_read=too_long
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Votre texte fait 1\u202f680 caractères ; 1\u202f500 au plus." in html
    assert 'aria-invalid="true"' in html
    assert too_long.replace("<", "&lt;").replace(">", "&gt;") + "</textarea>" in html
    assert "Nous mobiliserons &lt;deux&gt; bâtiments.</textarea>" in html
    db.session.expire_all()
    answers = db.session.scalars(sa.select(OfficialResponse)).all()
    assert [(a.body, a.easy_read) for a in answers] == (
        [("Version publiée.", "En bref.")] if editing else []
    )
    assert _count(ResponseVersion) == 0


def test_the_service_refuses_a_too_long_easy_read_itself(sent, ddcs, make_user):
    """The column has no size: the service checks the form's limit again."""
    rep = make_user("institution_rep", organisation=ddcs)
    with pytest.raises(service.ServiceError) as refused:
        service.publish_response(
            rep, sent, ddcs, position=Position.FAVOURABLE, body="Oui.",
            easy_read="x" * (OfficialResponse.EASY_READ_MAX + 1),
        )  # fmt: skip
    assert refused.value.field == "easy_read"
    db.session.rollback()
    assert _count(OfficialResponse) == 0
    service.publish_response(
        rep, sent, ddcs, position=Position.FAVOURABLE, body="Oui.",
        easy_read="x" * OfficialResponse.EASY_READ_MAX,
    )  # fmt: skip
    assert _count(OfficialResponse) == 1
