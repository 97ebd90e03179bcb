"""A service's refusal comes back on the form, one way everywhere (app/web/refusals.py): the
page again, the message next to the form, every typed text kept, nothing saved."""

import html

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Contribution, ContributionKind, ContributionState, OrganisationKind
from app.services import ServiceError
from app.services import contributions as contribution_service
from tests.conftest import login

REFUSAL = "Refusé par le service, pour le test."
TEXT = "Un texte tapé avec soin, qui ne doit pas se perdre."


def _refuse(*_args, **_kwargs):
    raise ServiceError(REFUSAL)


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Contribution))


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


def _assert_refused_on_the_form(response, before: int, text: str = TEXT):
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert REFUSAL in page
    assert text in page
    db.session.expire_all()
    assert _count() == before


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
