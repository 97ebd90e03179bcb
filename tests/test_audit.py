"""The audit trail: every admin action writes one `audit_event` row (refused ones none),
moderators and admins leave a row each time they are shown who is behind a protected
contribution, and admins read it all on the paginated "Journal d'audit"."""

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
    DisplayMode,
    Organisation,
    OrganisationKind,
    utcnow,
)

A = AuditAction


def _events(action=None):
    db.session.expire_all()
    query = sa.select(AuditEvent).order_by(AuditEvent.id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


# --- Admin actions ----------------------------------------------------------------------


def test_blocking_and_unblocking_an_account_is_audited(client, login_as, make_user):
    admin = login_as("admin")
    other = make_user("participant")
    response = client.post(f"/admin/utilisateurs/{other.id}", data={"role": "participant"})
    assert response.status_code == 302
    [blocked] = _events()
    assert (blocked.action, blocked.actor_id) == (A.USER_BLOCKED, admin.id)
    assert (blocked.target_type, blocked.target_id) == ("user", other.id)
    data = {"role": "participant", "active": "y"}
    assert client.post(f"/admin/utilisateurs/{other.id}", data=data).status_code == 302
    assert [e.action for e in _events()] == [A.USER_BLOCKED, A.USER_UNBLOCKED]


def test_role_and_membership_changes_are_audited(client, login_as, make_user, make_organisation):
    login_as("admin")
    other = make_user("participant")
    association = make_organisation(OrganisationKind.ASSOCIATION)
    data = {"role": "association_member", "active": "y", "organisation_ids": [association.id]}
    assert client.post(f"/admin/utilisateurs/{other.id}", data=data).status_code == 302
    role, memberships = _events()
    assert role.action is A.USER_ROLE_CHANGED
    assert role.details == {"from": "participant", "to": "association_member"}
    assert memberships.action is A.USER_MEMBERSHIPS_CHANGED
    assert memberships.details == {"added": [association.id], "removed": []}


def test_saving_an_account_unchanged_writes_nothing(client, login_as, make_user):
    login_as("admin")
    other = make_user("participant")
    data = {"role": "participant", "active": "y"}
    assert client.post(f"/admin/utilisateurs/{other.id}", data=data).status_code == 302
    assert _events() == []


def test_refused_admin_action_is_not_audited(client, login_as):
    admin = login_as("admin")
    response = client.post(f"/admin/utilisateurs/{admin.id}", data={"role": "participant"})
    assert response.status_code == 200  # the form says why
    assert "Vous ne pouvez pas retirer votre propre rôle" in response.get_data(as_text=True)
    assert _events() == []


def test_organisation_creation_and_verification_are_audited(client, login_as):
    admin = login_as("admin")
    data = {"name": "Préfecture de la Moselle", "kind": "institution"}
    assert client.post("/admin/organisations/nouvelle", data=data).status_code == 302
    [created] = _events()
    assert created.action is A.ORGANISATION_CREATED and created.actor_id == admin.id
    assert "name" in created.details["fields"]
    # Verified once its official address is confirmed (tests/test_official_address.py).
    organisation = db.session.get(Organisation, created.target_id)
    organisation.official_email = "accueil@prefecture.example.org"
    organisation.official_email_verified_at = utcnow()
    db.session.commit()
    url = f"/admin/organisations/{created.target_id}"
    data["official_email"] = "accueil@prefecture.example.org"
    assert client.post(url, data={**data, "verified": "y"}).status_code == 302
    verified = _events()[-1]
    assert verified.action is A.ORGANISATION_VERIFIED and verified.target_id == created.target_id
    assert client.post(url, data=data).status_code == 302
    assert _events()[-1].action is A.ORGANISATION_UNVERIFIED
    assert len(_events()) == 3  # nothing else changed: no "updated" row


def test_workshop_changes_are_audited_with_field_names_only(client, login_as, make_theme):
    login_as("admin")
    theme = make_theme(name="Santé")
    data = {"name": "Santé", "position": theme.position, "description": "Secret <b>texte</b>"}
    data["participants_premoderated"] = "y"  # as it was
    assert client.post(f"/admin/ateliers/{theme.id}", data=data).status_code == 302
    [updated] = _events()
    assert updated.action is A.THEME_UPDATED
    assert updated.details == {"fields": ["description"]}  # names, never what was written


def test_publishing_the_charter_is_audited(client, login_as):
    admin = login_as("admin")
    data = {"introduction": "Pour tous", "articles": "## Le respect\nPas d’insulte."}
    assert client.post("/admin/charte", data=data).status_code == 302
    [published] = _events()
    assert (published.action, published.actor_id) == (A.CHARTER_PUBLISHED, admin.id)
    assert published.details["label"].endswith("-1")


def test_create_admin_command_is_audited(app):
    args = ["users", "create-admin", "--email", "chef@example.org", "--pseudonym", "Cheffe"]
    result = app.test_cli_runner().invoke(args=[*args, "--password", "une phrase secrète"])
    assert result.exit_code == 0, result.output
    [created] = _events()
    assert created.action is A.ADMIN_CREATED and created.actor_id is None
    assert created.details == {"via": "cli"}


# --- Identity views ---------------------------------------------------------------------


@pytest.fixture
def protected(make_proposal, make_user, make_organisation):
    """One pending contribution of each kind, and which of them hide who wrote them."""
    proposal = make_proposal()
    author = make_user("participant", pseudonym="Auteur-caché")
    recorder = make_user("association_member")

    def add(age, **fields):
        contribution = Contribution(
            proposal=proposal,
            kind=ContributionKind.TESTIMONY,
            body="Mon histoire, à ne jamais recopier",
            state=ContributionState.PENDING,
            created_at=utcnow() - timedelta(hours=age),
            **fields,
        )
        db.session.add(contribution)
        return contribution

    items = {
        "anonymous": add(5, author=author, display_mode=DisplayMode.ANONYMOUS),
        "pseudonym": add(4, author=author),
        "guest_contact": add(3, guest_name="Léa", guest_contact="lea@example.org"),
        "guest_no_contact": add(2, guest_name="Sam"),
        "assisted": add(
            1,
            author=recorder,
            recorded_for=recorder.organisations[0],
            consent_confirmed_at=utcnow(),
        ),
    }
    db.session.commit()
    return items


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_queue_audits_each_protected_identity_shown(client, login_as, protected, role):
    viewer = login_as(role)
    html = client.get("/moderation/").get_data(as_text=True)
    assert "lea@example.org" in html and "Auteur-caché" in html  # what the rows are about
    rows = _events(A.IDENTITY_VIEWED)
    expected = {protected[k].id for k in ("anonymous", "guest_contact", "assisted")}
    assert {r.target_id for r in rows} == expected
    assert all(r.actor_id == viewer.id and r.target_type == "contribution" for r in rows)
    assert {r.details["kind"] for r in rows} == {"anonymous", "guest", "assisted"}
    assert "histoire" not in str([r.details for r in rows])
    client.get("/moderation/")
    assert len(_events(A.IDENTITY_VIEWED)) == 6  # every showing counts


def test_contribution_page_audits_the_identity_shown(client, login_as, protected):
    login_as("moderator")
    guest = protected["guest_contact"]
    assert "lea@example.org" in client.get(f"/moderation/contributions/{guest.id}").text
    assert [r.target_id for r in _events(A.IDENTITY_VIEWED)] == [guest.id]
    client.get(f"/moderation/contributions/{protected['pseudonym'].id}")
    assert len(_events(A.IDENTITY_VIEWED)) == 1  # a public pseudonym hides nobody


def test_refused_decision_form_audits_the_identity_shown_again(client, login_as, protected):
    login_as("moderator")
    anonymous = protected["anonymous"]
    url = f"/moderation/contributions/{anonymous.id}/decision"
    response = client.post(url, data={"action": "approve", "version": "1"})  # no reason
    assert response.status_code == 400
    assert [r.target_id for r in _events(A.IDENTITY_VIEWED)] == [anonymous.id]


def test_participants_never_leave_identity_rows(client, login_as, protected):
    login_as("participant")
    assert client.get("/moderation/").status_code == 403
    assert _events() == []


# --- The audit log page -----------------------------------------------------------------


def _seed_events(actor, n, action=A.USER_BLOCKED):
    now = utcnow()
    for i in range(n):
        db.session.add(
            AuditEvent(
                actor=actor,
                action=action,
                target_type="user",
                target_id=actor.id,
                created_at=now - timedelta(minutes=i),
            )
        )
    db.session.commit()


def test_audit_log_lists_newest_first_and_filters(client, login_as, make_user):
    admin = login_as("admin")
    other = make_user("moderator", pseudonym="<script>alert(1)</script>")
    _seed_events(admin, 1, A.THEME_CREATED)
    _seed_events(other, 1, A.IDENTITY_VIEWED)
    html = client.get("/admin/journal").get_data(as_text=True)
    assert "Journal d’audit" in html and "2 entrées" in html
    assert html.index("Atelier créé") < html.index("Identité d’une contribution protégée")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    filtered = client.get("/admin/journal?action=theme_created").get_data(as_text=True)
    assert "1 entrée" in filtered and "Atelier créé" in filtered
    assert "Identité d’une contribution protégée consultée</td>" not in filtered


def test_audit_log_is_paginated(client, login_as):
    admin = login_as("admin")
    _seed_events(admin, 51)
    first = client.get("/admin/journal").get_data(as_text=True)
    assert "51 entrées" in first and "Page 1 sur 2" in first
    assert first.count("Compte bloqué</td>") == 50
    second = client.get("/admin/journal?page=2").get_data(as_text=True)
    assert second.count("Compte bloqué</td>") == 1


@pytest.mark.parametrize("query", ["action=nope", "page=zero"])
def test_audit_log_refuses_bad_filters(client, login_as, query):
    login_as("admin")
    response = client.get(f"/admin/journal?{query}")
    assert response.status_code == 400
    assert "Requête invalide" in response.get_data(as_text=True)


def test_audit_log_is_linked_from_the_admin_home(client, login_as):
    login_as("admin")
    assert 'href="/admin/journal"' in client.get("/admin/").get_data(as_text=True)
