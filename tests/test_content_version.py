"""The content version (app/models/content_version.py): every commit that writes content gives it
a new value, in the same transaction; a write to private records only, or a rollback, does not.
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditAction,
    AuditEvent,
    Contribution,
    ContributionKind,
    ContributionState,
    Notification,
    OrganisationKind,
    Proposal,
    utcnow,
)
from app.models.base import PrivateRecord
from app.search.index import reindex
from app.services import audit, directory
from app.services import proposals as proposal_service
from app.services.contributions import post_guest_testimony
from app.services.privacy import purge_personal_data
from app.web.page_cache import current_version


@pytest.fixture
def proposal(make_proposal):
    proposal = make_proposal(title="Des bancs à l’ombre")
    assert current_version() is not None
    return proposal


def _changes_the_version(write) -> bool:
    before = current_version()
    write()
    return current_version() != before


def test_a_new_testimony_changes_the_version(proposal):
    assert _changes_the_version(
        lambda: post_guest_testimony(proposal, "J’attends un banc.", "Ali", "")
    )


def test_a_workshop_added_to_an_organisation_page_changes_the_version(
    make_organisation, make_user, make_theme, proposal
):
    """Only the association table changes: the page's fields are sent as they were."""
    organisation = make_organisation(OrganisationKind.ASSOCIATION)
    theme = make_theme()
    data = {field: getattr(organisation, field) for field in directory.PAGE_FIELDS}
    admin = make_user("admin")
    assert _changes_the_version(
        lambda: directory.update_organisation_page(admin, organisation, data, [theme.id])
    )


def test_a_withdrawn_cosignature_changes_the_version(make_user, proposal):
    member = make_user("association_member")
    association = member.organisations[0]
    assert _changes_the_version(lambda: directory.cosign(member, proposal, association))
    cosignature = directory.find_cosignature(proposal, association.id)
    assert _changes_the_version(lambda: directory.withdraw_cosignature(member, cosignature))


def test_a_bulk_update_changes_the_version(app, proposal, monkeypatch):
    def rename():
        db.session.execute(sa.update(Proposal).values(title="Des bancs et des arbres"))
        db.session.commit()

    assert _changes_the_version(rename)

    # The privacy purge erases old guest contacts with one UPDATE, nothing else.
    monkeypatch.setitem(app.config, "GUEST_CONTACT_RETENTION_DAYS", 100)
    db.session.add(
        Contribution(
            proposal=proposal,
            kind=ContributionKind.TESTIMONY,
            body="Un témoignage",
            state=ContributionState.PUBLISHED,
            guest_name="Ali",
            guest_contact="ali@example.org",
            created_at=utcnow() - timedelta(days=101),
        )
    )
    db.session.commit()
    assert _changes_the_version(purge_personal_data)


def test_writes_to_private_records_keep_the_version(make_user, proposal):
    reader = make_user()

    def private_writes():
        proposal_service.follow(reader, proposal=proposal)  # a row added
        proposal_service.unfollow(reader, proposal=proposal)  # a bulk delete
        audit.record(reader, AuditAction.THEME_CREATED, "theme", None)
        db.session.add(Notification(user_id=reader.id, kind="new_response"))
        db.session.commit()
        db.session.execute(
            sa.insert(AuditEvent), [{"action": AuditAction.THEME_CREATED, "target_type": "t"}]
        )
        db.session.commit()

    assert not _changes_the_version(private_writes)


def test_a_rollback_keeps_the_version_and_forgets_the_write(proposal):
    def written_then_rolled_back():
        proposal.title = "Un autre titre"
        db.session.flush()
        db.session.execute(sa.update(Proposal).values(body="Un autre texte"))
        db.session.rollback()
        db.session.add(AuditEvent(action=AuditAction.THEME_CREATED, target_type="theme"))
        db.session.commit()  # private only: the rolled-back writes are not counted in

    assert not _changes_the_version(written_then_rolled_back)


def test_setting_a_field_to_its_own_value_keeps_the_version(proposal):
    def same_title():
        proposal.title = proposal.title
        db.session.commit()

    assert not _changes_the_version(same_title)


def test_rebuilding_the_search_index_changes_the_version(proposal):
    """Search pages are cached, and the rebuild writes the index without the ORM."""
    assert _changes_the_version(reindex)


def test_the_private_records_are_these():
    """Every other model is content. Declaring one private is a decision: it is reviewed here."""
    private = {
        mapper.local_table.name
        for mapper in db.Model.registry.mappers
        if issubclass(mapper.class_, PrivateRecord)
    }
    assert private == {
        "answer_link",
        "audit_event",
        "content_version",
        "follow",
        "inbox_visit",
        "institution_reminder",
        "invitation",
        "membership_request",
        "notification",
        "outbox_email",
        "paper_sheet_photo",
        "password_reset_token",
        "pending_registration",
        "read_tally",
        "translator",
        "user_session",
    }


def test_a_savepoint_leaves_the_version_to_the_outer_commit(proposal):
    def in_a_savepoint():
        with db.session.begin_nested():
            proposal.title = "Un titre écrit dans un point de sauvegarde"
        db.session.commit()

    assert _changes_the_version(in_a_savepoint)
