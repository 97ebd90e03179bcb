"""A service's refusal comes back on the form, one way everywhere (app/web/refusals.py): the
page again, the message next to the form, every typed text kept, nothing saved."""

import html
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Commitment,
    CommitmentState,
    Contribution,
    ContributionKind,
    ContributionState,
    Meeting,
    Minutes,
    MinutesAmendment,
    MinutesState,
    MinutesVersion,
    OfficialResponse,
    Organisation,
    OrganisationKind,
    Position,
    Proposal,
    ProposalStatus,
)
from app.services import ServiceError
from app.services import contributions as contribution_service
from app.services import directory as directory_service
from app.services import meetings as meeting_service
from app.services import minutes as minutes_service
from app.services import proposals as proposal_service
from app.services import responses as response_service
from tests.conftest import login
from tests.test_meetings import _form as meeting_form
from tests.test_meetings import make_meeting  # noqa: F401  (a fixture)

REFUSAL = "Refusé par le service, pour le test."
TEXT = "Un texte tapé avec soin, qui ne doit pas se perdre."


def _refuse(*_args, **_kwargs):
    raise ServiceError(REFUSAL)


def _count(model=Contribution) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _published(proposal, author):
    comment = Contribution(
        proposal=proposal,
        kind=ContributionKind.COMMENT,
        author=author,
        body="Bonjour",
        state=ContributionState.PUBLISHED,
    )
    db.session.add(comment)
    db.session.commit()
    return comment


def _assert_refused_on_the_form(response, before: int, model=Contribution):
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert REFUSAL in page
    assert TEXT in page
    db.session.expire_all()
    assert _count(model) == before


@pytest.mark.parametrize("function", ["post_guest_testimony"])
def test_guest_testimony(client, make_proposal, monkeypatch, function):
    proposal = make_proposal()
    monkeypatch.setattr(contribution_service, function, _refuse)
    before = _count()
    response = client.post(
        f"/propositions/{proposal.id}/temoigner", data={"body": TEXT, "name": "Amina"}
    )
    _assert_refused_on_the_form(response, before)


def test_assisted_testimony(client, make_proposal, make_organisation, login_as, monkeypatch):
    proposal = make_proposal()
    association = make_organisation(OrganisationKind.ASSOCIATION)
    login_as("association_member", organisation=association)
    monkeypatch.setattr(contribution_service, "post_assisted_testimony", _refuse)
    before = _count()
    response = client.post(
        f"/propositions/{proposal.id}/temoignage-recueilli",
        data={"body": TEXT, "organisation_id": association.id, "consent": "y"},
    )
    _assert_refused_on_the_form(response, before)


def test_comment(client, make_proposal, login_as, monkeypatch):
    proposal = make_proposal()
    login_as("participant")
    monkeypatch.setattr(contribution_service, "post_contribution", _refuse)
    before = _count()
    response = client.post(
        f"/propositions/{proposal.id}/commentaires",
        data={"body": TEXT, "display_mode": "pseudonym"},
    )
    _assert_refused_on_the_form(response, before)


def test_reply(client, make_proposal, make_user, monkeypatch):
    proposal = make_proposal()
    comment = _published(proposal, make_user("participant"))
    login(client, make_user("participant"))
    monkeypatch.setattr(contribution_service, "post_contribution", _refuse)
    before = _count()
    response = client.post(
        f"/contributions/{comment.id}/repondre", data={"body": TEXT, "display_mode": "pseudonym"}
    )
    _assert_refused_on_the_form(response, before)


def test_edit(client, make_proposal, make_user, monkeypatch):
    author = make_user("participant")
    comment = _published(make_proposal(), author)
    login(client, author)
    monkeypatch.setattr(contribution_service, "edit_contribution", _refuse)
    response = client.post(f"/contributions/{comment.id}/modifier", data={"body": TEXT})
    _assert_refused_on_the_form(response, _count())
    assert db.session.get(Contribution, comment.id).body == "Bonjour"


# Responses


@pytest.fixture
def answered(make_proposal, make_organisation):
    """A proposal sent to an institution, and the institution's response."""
    institution = make_organisation(OrganisationKind.INSTITUTION)
    proposal = make_proposal(institutions=[institution], status=ProposalStatus.SENT)
    answer = OfficialResponse(
        proposal=proposal, institution=institution, position=Position.FAVOURABLE, body="Oui."
    )
    db.session.add(answer)
    db.session.commit()
    return answer


def test_official_response(client, answered, make_user, monkeypatch):
    login(client, make_user("institution_rep", organisation=answered.institution))
    monkeypatch.setattr(response_service, "publish_response", _refuse)
    url = f"/propositions/{answered.proposal_id}/reponses/{answered.institution_id}"
    response = client.post(url, data={"position": "favourable", "body": TEXT})
    _assert_refused_on_the_form(response, 1, OfficialResponse)
    assert db.session.get(OfficialResponse, answered.id).body == "Oui."


def test_commitment_update(client, answered, make_user, monkeypatch):
    commitment = Commitment(response=answered, action="Recenser", due_on=date(2027, 3, 1))
    db.session.add(commitment)
    db.session.commit()
    login(client, make_user("institution_rep", organisation=answered.institution))
    monkeypatch.setattr(response_service, "update_commitment", _refuse)
    response = client.post(
        f"/engagements/{commitment.id}",
        data={"state": "in_progress", "due_on": "2027-04-01", "note": TEXT},
    )
    _assert_refused_on_the_form(response, 1, Commitment)
    assert db.session.get(Commitment, commitment.id).state is CommitmentState.PLANNED


def test_right_of_reply(client, answered, login_as, monkeypatch):
    login_as("participant")
    monkeypatch.setattr(contribution_service, "post_response_reply", _refuse)
    response = client.post(
        f"/reponses/{answered.id}/repondre", data={"body": TEXT, "display_mode": "pseudonym"}
    )
    _assert_refused_on_the_form(response, 0)


# Meetings


def test_meeting_creation(client, login_as, monkeypatch):
    login_as("association_member")
    monkeypatch.setattr(meeting_service, "create_meeting", _refuse)
    response = client.post("/reunions/nouvelle", data=meeting_form(agenda=TEXT))
    _assert_refused_on_the_form(response, 0, Meeting)


def test_meeting_change(client, make_meeting, login_as, monkeypatch):  # noqa: F811
    meeting = make_meeting()
    login_as("admin")
    monkeypatch.setattr(meeting_service, "update_meeting", _refuse)
    response = client.post(f"/reunions/{meeting.id}/modifier", data=meeting_form(agenda=TEXT))
    _assert_refused_on_the_form(response, 1, Meeting)
    assert db.session.get(Meeting, meeting.id).agenda == "1. Tour de table"


def test_meeting_cancellation(client, make_meeting, login_as, monkeypatch):  # noqa: F811
    meeting = make_meeting()
    login_as("admin")
    monkeypatch.setattr(meeting_service, "cancel_meeting", _refuse)
    response = client.post(f"/reunions/{meeting.id}/annuler", data={"reason": TEXT})
    _assert_refused_on_the_form(response, 1, Meeting)
    assert not db.session.get(Meeting, meeting.id).is_cancelled


# Proposals and the directory


def _proposal_form(member, theme, **changes) -> dict:
    data = {
        "title": "Ouvrir des bains-douches gratuits",
        "body": TEXT,
        "theme_id": theme.id,
        "organisation_id": member.organisations[0].id,
    }
    return {**data, **changes}


def test_proposal_filing(client, login_as, make_theme, monkeypatch):
    member = login_as("association_member")
    monkeypatch.setattr(proposal_service, "create_proposal", _refuse)
    response = client.post("/propositions/nouvelle", data=_proposal_form(member, make_theme()))
    _assert_refused_on_the_form(response, 0, Proposal)


def test_proposal_change(client, login_as, make_proposal, make_theme, monkeypatch):
    member = login_as("association_member")
    proposal = make_proposal(organisation=member.organisations[0])
    monkeypatch.setattr(proposal_service, "update_proposal", _refuse)
    data = _proposal_form(member, make_theme())
    response = client.post(f"/propositions/{proposal.id}/modifier", data=data)
    _assert_refused_on_the_form(response, 1, Proposal)
    assert db.session.get(Proposal, proposal.id).body != TEXT


def test_organisation_page(client, login_as, monkeypatch):
    member = login_as("association_member")
    organisation = member.organisations[0]
    monkeypatch.setattr(directory_service, "update_organisation_page", _refuse)
    response = client.post(
        f"/organisations/{organisation.slug}/modifier", data={"description": TEXT}
    )
    _assert_refused_on_the_form(response, 1, Organisation)
    assert db.session.get(Organisation, organisation.id).description != TEXT


def test_cosigning_is_a_button_refused_with_a_message(client, make_proposal, login_as, monkeypatch):
    """Nothing typed to keep: the refusal is said on the proposal's page, as the button's
    other refusals are."""
    proposal = make_proposal()
    signer = login_as("association_member")
    monkeypatch.setattr(directory_service, "cosign", _refuse)
    response = client.post(
        f"/propositions/{proposal.id}/cosigner",
        data={"organisation_id": signer.organisations[0].id},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/propositions/{proposal.id}#cosignataires")
    page = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert REFUSAL in page
    assert directory_service.cosignatures_for(proposal) == []


# Minutes: refused, they used to flash and leave the page, losing the text


@pytest.fixture
def past_meeting(make_meeting, make_user):  # noqa: F811
    secretary = make_user("association_member")
    meeting = make_meeting(days=-1, secretary=secretary)
    return meeting, secretary


def test_minutes_publication(client, past_meeting, monkeypatch):
    meeting, secretary = past_meeting
    login(client, secretary)
    monkeypatch.setattr(minutes_service, "publish_minutes", _refuse)
    response = client.post(
        f"/reunions/{meeting.id}/compte-rendu/publier",
        data={"body": TEXT, "amendments_until": (date.today() + timedelta(days=7)).isoformat()},
    )
    _assert_refused_on_the_form(response, 0, Minutes)


def test_amendment(client, past_meeting, login_as, monkeypatch):
    meeting, _secretary = past_meeting
    minutes = Minutes(
        meeting=meeting,
        state=MinutesState.OPEN,
        amendments_until=date.today() + timedelta(days=7),
    )
    minutes.versions.append(MinutesVersion(number=1, body="Présents : dix personnes.", note="P"))
    db.session.add(minutes)
    db.session.commit()
    login_as("participant")
    monkeypatch.setattr(minutes_service, "propose_amendment", _refuse)
    response = client.post(
        f"/reunions/{meeting.id}/compte-rendu/amendements/nouveau",
        data={"passage": "dix personnes", "proposed_text": TEXT, "reason": "Nous étions douze."},
    )
    _assert_refused_on_the_form(response, 0, MinutesAmendment)
