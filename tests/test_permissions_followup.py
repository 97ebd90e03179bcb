"""Ownership of institutions' responses and commitments, one rule at a time: the bug classes
participation platforms shipped (answering for another institution, editing another's
commitment, smuggled form fields); then follow-up news, follows, filing in an institution's
name, the unsubscribe link, and a response's public history."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import current_app
from itsdangerous import URLSafeSerializer

from app.extensions import db
from app.models import (
    Commitment,
    CommitmentState,
    Contribution,
    ContributionKind,
    ContributionState,
    EmailFrequency,
    Follow,
    OfficialResponse,
    OrganisationKind,
    Position,
    ProgressUpdate,
    Proposal,
    ProposalStatus,
    ResponseVersion,
    User,
    utcnow,
)
from app.services.notifications import UNSUBSCRIBE_SALT
from tests.conftest import ROLES, login
from tests.test_permissions import (
    BAD,
    COMMITMENT_FORM,
    COMMITMENT_UPDATE,
    FORBIDDEN,
    OK,
    REDIRECT,
    RESPONSE_FORM,
    _act_as,
    _own_proposal_form,
    _send,
    _snapshot,
    build_world,
    unsubscribe_token,
)


@pytest.fixture
def world(prebuilt, make_organisation, make_theme, make_proposal, make_user):
    return prebuilt(lambda: build_world(make_organisation, make_theme, make_proposal, make_user))


@pytest.fixture
def prefecture(world, make_organisation):
    """A second verified institution; both of the world's proposals are addressed to it too."""
    prefecture = make_organisation(OrganisationKind.INSTITUTION, name="Préfecture de la Moselle")
    _send(world["proposal"], prefecture)
    _send(world["answered"], prefecture)
    return prefecture


@pytest.fixture
def rep_of(client, make_user):
    """Log in as a new representative of this organisation."""

    def do(organisation):
        user = make_user("institution_rep", organisation=organisation)
        login(client, user)
        return user

    return do


def _respond_url(proposal, organisation):
    return f"/propositions/{proposal.id}/reponses/{organisation.id}"


def _refused_both_ways(client, url, form):
    """GET and POST are refused with 403, and nothing is saved."""
    before = _snapshot()
    assert client.get(url).status_code == FORBIDDEN
    assert client.post(url, data=form).status_code == FORBIDDEN
    assert _snapshot() == before


def _response_of(proposal, organisation):
    response = OfficialResponse(
        proposal=proposal,
        institution=organisation,
        position=Position.FAVOURABLE,
        body="Nous y travaillons.",
    )
    db.session.add(response)
    db.session.commit()
    return response


# (proposal, institution) put in the URL by the DDCS's representative: never the DDCS's
# own pair (proposal, institution) of an addressed proposal.
NOT_MINE = [
    ("proposal", "prefecture"),  # the same proposal, the other addressed institution
    ("answered", "prefecture"),
    ("proposal", "association"),  # not an institution at all
    ("other_proposal", "institution"),  # not addressed to the DDCS
    ("other_proposal", "prefecture"),
]


@pytest.mark.parametrize(("proposal", "organisation"), NOT_MINE)
def test_rep_cannot_answer_for_another_institution(
    client, world, prefecture, rep_of, proposal, organisation
):
    rep_of(world["institution"])
    world["prefecture"] = prefecture
    url = _respond_url(world[proposal], world[organisation])
    _refused_both_ways(client, url, RESPONSE_FORM)


def test_rep_cannot_overwrite_another_institutions_response(client, world, prefecture, rep_of):
    rep_of(prefecture)  # the answered proposal is addressed to the prefecture too
    _refused_both_ways(client, _respond_url(world["answered"], world["institution"]), RESPONSE_FORM)


def test_rep_cannot_answer_a_proposal_not_addressed_to_their_institution(client, world, rep_of):
    rep_of(world["institution"])
    _refused_both_ways(
        client, _respond_url(world["other_proposal"], world["institution"]), RESPONSE_FORM
    )


def test_unverified_institutions_rep_cannot_answer(client, world, make_organisation, rep_of):
    unverified = make_organisation(OrganisationKind.INSTITUTION, verified=False)
    _send(world["proposal"], unverified)
    response = _response_of(world["answered"], unverified)  # e.g. imported, then unverified
    commitment = Commitment(response=response, action="Agir", due_on=date(2031, 1, 1))
    db.session.add(commitment)
    db.session.commit()
    rep_of(unverified)
    _refused_both_ways(client, _respond_url(world["proposal"], unverified), RESPONSE_FORM)
    _refused_both_ways(client, f"/reponses/{response.id}/engagements", COMMITMENT_FORM)
    _refused_both_ways(client, f"/engagements/{commitment.id}", COMMITMENT_UPDATE)


def test_institution_losing_verification_can_no_longer_answer(client, world):
    login(client, world["rep"])
    world["institution"].verified = False
    db.session.commit()
    _refused_both_ways(client, _respond_url(world["proposal"], world["institution"]), RESPONSE_FORM)
    _refused_both_ways(client, _respond_url(world["answered"], world["institution"]), RESPONSE_FORM)
    _refused_both_ways(client, f"/reponses/{world['response'].id}/engagements", COMMITMENT_FORM)
    _refused_both_ways(client, f"/engagements/{world['commitment'].id}", COMMITMENT_UPDATE)


def test_rep_cannot_manage_another_institutions_commitments(client, world, prefecture, rep_of):
    own = _response_of(world["answered"], prefecture)  # both answered the same proposal
    rep_of(prefecture)
    _refused_both_ways(client, f"/engagements/{world['commitment'].id}", COMMITMENT_UPDATE)
    dropped = {**COMMITMENT_UPDATE, "state": "dropped", "drop_reason": "Plus de budget."}
    _refused_both_ways(client, f"/engagements/{world['commitment'].id}", dropped)
    _refused_both_ways(client, f"/reponses/{world['response'].id}/engagements", COMMITMENT_FORM)
    # Their own response takes commitments: the refusals above are about whose it is.
    response = client.post(f"/reponses/{own.id}/engagements", data=COMMITMENT_FORM)
    assert response.status_code == REDIRECT


def _smuggled(w, prefecture):
    return {
        "institution_id": prefecture.id,
        "author_id": w["other"].id,
        "proposal_id": w["other_proposal"].id,
        "response_id": w["response"].id,
        "created_at": "2001-01-01 00:00:00",
        "updated_at": "2001-01-01 00:00:00",
        "id": w["response"].id,
    }


def test_smuggled_fields_on_a_first_response_change_nothing(client, world, prefecture, rep_of):
    me = rep_of(world["institution"])
    before = _snapshot()[5]  # the official responses
    data = {**RESPONSE_FORM, **_smuggled(world, prefecture)}
    response = client.post(_respond_url(world["proposal"], world["institution"]), data=data)
    assert response.status_code == REDIRECT
    db.session.expire_all()
    newest = db.session.scalars(
        sa.select(OfficialResponse).order_by(OfficialResponse.id.desc())
    ).first()
    assert (newest.proposal_id, newest.institution_id) == (
        world["proposal"].id,
        world["institution"].id,
    )
    assert newest.author_id == me.id
    assert newest.created_at > utcnow() - timedelta(minutes=5)
    assert newest.body == RESPONSE_FORM["body"]
    assert _snapshot()[5] == [*before, _snapshot()[5][-1]]  # the others are untouched
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ResponseVersion)) == 1


def test_smuggled_fields_on_an_edited_response_change_nothing(client, world, prefecture, rep_of):
    answer = world["response"]
    created_at = answer.created_at
    me = rep_of(world["institution"])
    data = {**RESPONSE_FORM, **_smuggled(world, prefecture)}
    response = client.post(_respond_url(world["answered"], world["institution"]), data=data)
    assert response.status_code == REDIRECT
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OfficialResponse)) == 1
    answer = db.session.get(OfficialResponse, answer.id)
    assert (answer.proposal_id, answer.institution_id, answer.author_id) == (
        world["answered"].id,
        world["institution"].id,
        me.id,
    )
    assert answer.created_at == created_at
    newest = db.session.scalars(sa.select(ResponseVersion).order_by(ResponseVersion.id.desc()))
    kept = newest.first()  # the earlier text, by whoever wrote it
    assert (kept.body, kept.author_id) == ("Nous étudions les locaux disponibles.", world["rep"].id)


def test_smuggled_fields_on_commitments_change_nothing(client, world, prefecture, rep_of):
    other_response = _response_of(world["answered"], prefecture)
    rep_of(world["institution"])
    url = f"/reponses/{world['response'].id}/engagements"
    extra = {"response_id": other_response.id, "state": "done", "drop_reason": "x", "id": "1"}
    assert client.post(url, data={**COMMITMENT_FORM, **extra}).status_code == REDIRECT
    db.session.expire_all()
    added = db.session.scalars(sa.select(Commitment).order_by(Commitment.id.desc())).first()
    assert (added.response_id, added.state, added.drop_reason) == (
        world["response"].id,
        CommitmentState.PLANNED,
        "",
    )
    url = f"/engagements/{world['commitment'].id}"
    extra = {"response_id": other_response.id, "action": "Autre chose", "created_at": "2001-01-01"}
    assert client.post(url, data={**COMMITMENT_UPDATE, **extra}).status_code == REDIRECT
    db.session.expire_all()
    commitment = db.session.get(Commitment, world["commitment"].id)
    assert (commitment.response_id, commitment.action) == (world["response"].id, "Recenser")
    assert commitment.state is CommitmentState.IN_PROGRESS
    assert not other_response.commitments


def _response_reply(w, state, body):
    reply = Contribution(
        proposal=w["answered"],
        kind=ContributionKind.REPLY,
        response=w["response"],
        author=w["other"],
        body=body,
        state=state,
    )
    db.session.add(reply)
    db.session.commit()


@pytest.mark.parametrize("role", ROLES)
def test_response_history_is_public_and_leaks_nothing(client, world, make_user, role):
    _response_reply(world, ContributionState.PENDING, "Réponse en attente de relecture.")
    _response_reply(world, ContributionState.HIDDEN, "Réponse masquée par la modération.")
    _act_as(client, role, world, make_user)
    before = _snapshot()
    page = client.get(f"/reponses/{world['response'].id}/historique")
    assert page.status_code == OK
    html = page.get_data(as_text=True)
    assert "Nous étudions les locaux disponibles." in html  # the current version
    assert "Pas de locaux pour l’instant." in html  # and the earlier one
    assert world["rep"].pseudonym in html
    for private in (
        world["rep"].email,
        world["other"].email,
        "Réponse en attente de relecture.",
        "Réponse masquée par la modération.",
    ):
        assert private not in html
    assert _snapshot() == before


# Follow-up news


def test_status_smuggled_into_news_by_non_editor_is_ignored(client, world, make_user):
    me = _act_as(client, "moderator", world, make_user)  # another association's moderator
    url = f"/propositions/{world['proposal'].id}/suivi/nouveau"
    extra = {"status": "done", "organisation_id": world["association"].id, "author_id": "1"}
    response = client.post(url, data={"body": "Rencontre en mars.", **extra})
    assert response.status_code == REDIRECT
    db.session.expire_all()
    assert db.session.get(Proposal, world["proposal"].id).status is ProposalStatus.SENT
    update = db.session.scalars(sa.select(ProgressUpdate)).one()
    assert (update.author_id, update.organisation_id) == (me.id, me.organisations[0].id)
    assert update.status_change_id is None


def test_news_signed_by_the_addressed_institution(client, world, prefecture, rep_of):
    me = rep_of(prefecture)
    url = f"/propositions/{world['proposal'].id}/suivi/nouveau"
    response = client.post(url, data={"body": "Réunion fixée.", "status": "done"})
    assert response.status_code == REDIRECT
    db.session.expire_all()
    update = db.session.scalars(sa.select(ProgressUpdate)).one()
    assert (update.author_id, update.organisation_id) == (me.id, prefecture.id)
    assert db.session.get(Proposal, world["proposal"].id).status is ProposalStatus.SENT


@pytest.mark.parametrize("verified", [True, False])
def test_rep_of_an_institution_not_addressed_or_unverified_posts_no_news(
    client, world, make_organisation, rep_of, verified
):
    institution = make_organisation(OrganisationKind.INSTITUTION, verified=verified)
    if not verified:
        _send(world["proposal"], institution)  # addressed, but not verified
    rep_of(institution)
    url = f"/propositions/{world['proposal'].id}/suivi/nouveau"
    _refused_both_ways(client, url, {"body": "Des nouvelles."})


# Follows


def test_follows_are_ones_own(client, world, make_user):
    me = _act_as(client, "participant", world, make_user)
    proposal, theme = world["proposal"], world["theme"]
    for url in (f"/propositions/{proposal.id}/suivre", f"/ateliers/{theme.slug}/suivre") * 2:
        assert client.post(url, data={"user_id": world["other"].id}).status_code == REDIRECT
    follows = db.session.execute(sa.select(Follow.user_id, Follow.proposal_id, Follow.theme_id))
    assert sorted(follows.all(), key=str) == sorted(
        [
            (world["other"].id, proposal.id, None),
            (world["other"].id, None, theme.id),
            (me.id, proposal.id, None),
            (me.id, None, theme.id),
        ],
        key=str,
    )
    for url in (
        f"/propositions/{proposal.id}/ne-plus-suivre",
        f"/ateliers/{theme.slug}/ne-plus-suivre",
    ):
        assert client.post(url, data={"user_id": world["other"].id}).status_code == REDIRECT
    db.session.expire_all()
    left = db.session.execute(sa.select(Follow.user_id)).scalars().all()
    assert left == [world["other"].id, world["other"].id]


# Filing a proposal in an institution's name


def test_rep_files_a_proposal_in_their_institutions_name(client, world, make_user):
    me = _act_as(client, "institution_rep", world, make_user)
    response = client.post("/propositions/nouvelle", data=_own_proposal_form(world))
    assert response.status_code == REDIRECT
    db.session.expire_all()
    proposal = db.session.scalars(sa.select(Proposal).order_by(Proposal.id.desc())).first()
    assert (proposal.organisation_id, proposal.author_id) == (world["institution"].id, me.id)


@pytest.mark.parametrize("verified", [True, False])
def test_rep_files_in_no_other_institutions_name(
    client, world, make_user, make_organisation, verified
):
    elsewhere = make_organisation(OrganisationKind.INSTITUTION, verified=verified)
    _act_as(client, "institution_rep", world, make_user)
    before = _snapshot()
    data = {**_own_proposal_form(world), "organisation_id": elsewhere.id}
    assert client.post("/propositions/nouvelle", data=data).status_code == OK  # form error
    assert _snapshot() == before


def test_rep_of_an_unverified_institution_files_nothing(client, make_organisation, rep_of, world):
    world["me"] = rep_of(make_organisation(OrganisationKind.INSTITUTION, verified=False))
    before = _snapshot()
    assert client.get("/propositions/nouvelle").status_code == FORBIDDEN
    assert (
        client.post("/propositions/nouvelle", data=_own_proposal_form(world)).status_code
        == FORBIDDEN
    )
    assert _snapshot() == before


# The unsubscribe link


def _frequency(user):
    db.session.expire_all()
    return db.session.get(User, user.id).email_frequency


@pytest.mark.parametrize("role", ROLES)
def test_unsubscribe_link_acts_for_its_owner_whoever_is_logged_in(client, world, make_user, role):
    me = _act_as(client, role, world, make_user)
    url = f"/notifications/desabonnement/{world['token']}"
    before = _snapshot()
    assert client.get(url).status_code == OK
    assert _snapshot() == before
    assert client.post(url).status_code == OK
    assert _frequency(world["other"]) is EmailFrequency.NEVER
    if me is not None:
        assert _frequency(me) is EmailFrequency.IMMEDIATE
    after = _snapshot()
    users = 3  # the users' rows in the snapshot: only the link's owner changed
    assert after[:users] + after[users + 1 :] == before[:users] + before[users + 1 :]
    changed = set(after[users]) - set(before[users])
    assert [row[0] for row in changed] == [world["other"].id]


def _forged_tokens(other):
    key = current_app.config["SECRET_KEY"]
    return [
        URLSafeSerializer(key, salt="password-reset").dumps(other.id),  # another purpose
        URLSafeSerializer("not-the-key", salt=UNSUBSCRIBE_SALT).dumps(other.id),
        URLSafeSerializer(key, salt=UNSUBSCRIBE_SALT).dumps(999_999),  # no such user
        URLSafeSerializer(key, salt=UNSUBSCRIBE_SALT).dumps(str(other.id)),
        URLSafeSerializer(key, salt=UNSUBSCRIBE_SALT).dumps(True),
        unsubscribe_token(other)[:-2] + "xx",  # tampered signature
    ]


@pytest.mark.parametrize("role", ["visitor", "participant", "admin"])
def test_forged_unsubscribe_tokens_are_refused(client, world, make_user, role):
    _act_as(client, role, world, make_user)
    before = _snapshot()
    for token in _forged_tokens(world["other"]):
        for method in ("GET", "POST"):
            response = client.open(f"/notifications/desabonnement/{token}", method=method)
            assert response.status_code == BAD, token
    assert _snapshot() == before
