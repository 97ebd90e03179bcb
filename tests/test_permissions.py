"""Every route × every role: the expected status, and nothing changed when refused."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Meeting, OrganisationKind, Proposal, ProposalStatus, utcnow
from tests.conftest import ROLES, login

OK, REDIRECT, FORBIDDEN, BAD = 200, 302, 403, 400
PUBLIC = dict.fromkeys(ROLES, OK)


def by_role(visitor, participant, association, moderator, institution, admin):
    statuses = (visitor, participant, association, moderator, institution, admin)
    return dict(zip(ROLES, statuses, strict=True))


ADMIN_ONLY = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)
ADMIN_POST = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT)
LOGGED_IN = by_role(REDIRECT, OK, OK, OK, OK, OK)
GUESTS_ONLY = by_role(OK, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT)
# The association member belongs to the proposal's association; the moderator to another one.
CREATE = by_role(REDIRECT, FORBIDDEN, OK, OK, FORBIDDEN, OK)
EDIT = by_role(REDIRECT, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK)
EDIT_POST = by_role(REDIRECT, FORBIDDEN, REDIRECT, FORBIDDEN, FORBIDDEN, REDIRECT)


def _proposal_form(w):
    return {
        "title": "Une proposition modifiée",
        "body": "Un texte assez long pour être accepté par le formulaire.",
        "theme_id": w["theme"].id,
        "organisation_id": w["association"].id,
        "institution_ids": [w["institution"].id],
    }


# (method, endpoint, url builder, form builder, expected statuses by role)
CASES = [
    ("GET", "main.index", lambda w: "/", None, PUBLIC),
    ("GET", "main.charter", lambda w: "/charte", None, PUBLIC),
    ("GET", "main.healthz", lambda w: "/healthz", None, PUBLIC),
    ("GET", "accounts.register", lambda w: "/compte/inscription", None, GUESTS_ONLY),
    ("GET", "accounts.login", lambda w: "/compte/connexion", None, GUESTS_ONLY),
    (
        "POST",
        "accounts.logout",
        lambda w: "/compte/deconnexion",
        None,
        dict.fromkeys(ROLES, REDIRECT),
    ),
    ("GET", "accounts.forgot_password", lambda w: "/compte/mot-de-passe-oublie", None, PUBLIC),
    (
        "GET",
        "accounts.reset_password",
        lambda w: "/compte/reinitialiser/inconnu",
        None,
        dict.fromkeys(ROLES, BAD),
    ),
    ("GET", "accounts.preferences", lambda w: "/compte/preferences", None, LOGGED_IN),
    ("GET", "proposals.index", lambda w: "/propositions", None, PUBLIC),
    ("GET", "proposals.themes", lambda w: "/ateliers", None, PUBLIC),
    ("GET", "proposals.theme", lambda w: f"/ateliers/{w['theme'].slug}", None, PUBLIC),
    ("GET", "proposals.show", lambda w: f"/propositions/{w['proposal'].id}", None, PUBLIC),
    ("GET", "proposals.create", lambda w: "/propositions/nouvelle", None, CREATE),
    (
        "POST",
        "proposals.create",
        lambda w: "/propositions/nouvelle",
        _proposal_form,
        by_role(REDIRECT, FORBIDDEN, REDIRECT, OK, FORBIDDEN, REDIRECT),
    ),
    ("GET", "proposals.edit", lambda w: f"/propositions/{w['proposal'].id}/modifier", None, EDIT),
    (
        "POST",
        "proposals.edit",
        lambda w: f"/propositions/{w['proposal'].id}/modifier",
        _proposal_form,
        EDIT_POST,
    ),
    (
        "POST",
        "proposals.change_status",
        lambda w: f"/propositions/{w['proposal'].id}/statut",
        lambda w: {"status": "in_discussion", "reason": "Discutée en atelier."},
        EDIT_POST,
    ),
    ("GET", "meetings.index", lambda w: "/reunions/", None, PUBLIC),
    ("GET", "meetings.show", lambda w: f"/reunions/{w['meeting'].id}", None, PUBLIC),
    ("GET", "directory.index", lambda w: "/organisations/", None, PUBLIC),
    ("GET", "directory.show", lambda w: f"/organisations/{w['institution'].slug}", None, PUBLIC),
    ("GET", "admin.index", lambda w: "/admin/", None, ADMIN_ONLY),
    ("GET", "admin.organisations", lambda w: "/admin/organisations", None, ADMIN_ONLY),
    ("GET", "admin.organisation", lambda w: "/admin/organisations/nouvelle", None, ADMIN_ONLY),
    (
        "POST",
        "admin.organisation",
        lambda w: f"/admin/organisations/{w['institution'].id}",
        lambda w: {"name": "DDCS", "kind": "institution", "verified": "y"},
        ADMIN_POST,
    ),
    ("GET", "admin.users", lambda w: "/admin/utilisateurs", None, ADMIN_ONLY),
    ("GET", "admin.user", lambda w: f"/admin/utilisateurs/{w['other'].id}", None, ADMIN_ONLY),
    (
        "POST",
        "admin.user",
        lambda w: f"/admin/utilisateurs/{w['other'].id}",
        lambda w: {"role": "admin", "active": "y"},
        ADMIN_POST,
    ),
    ("GET", "admin.themes", lambda w: "/admin/ateliers", None, ADMIN_ONLY),
    ("GET", "admin.theme", lambda w: f"/admin/ateliers/{w['theme'].id}", None, ADMIN_ONLY),
    (
        "POST",
        "admin.theme",
        lambda w: "/admin/ateliers/nouveau",
        lambda w: {"name": "Accès aux droits", "position": "5"},
        ADMIN_POST,
    ),
    ("GET", "api.themes", lambda w: "/api/v1/themes", None, PUBLIC),
    ("GET", "api.proposals", lambda w: "/api/v1/proposals", None, PUBLIC),
    ("GET", "api.proposal", lambda w: f"/api/v1/proposals/{w['proposal'].id}", None, PUBLIC),
]


@pytest.fixture
def world(make_organisation, make_theme, make_proposal, make_user):
    association = make_organisation(OrganisationKind.ASSOCIATION, name="Association porteuse")
    institution = make_organisation(OrganisationKind.INSTITUTION, name="DDCS de la Moselle")
    theme = make_theme("Hébergement")
    proposal = make_proposal(theme=theme, organisation=association)
    meeting = Meeting(title="Groupe santé", starts_at=utcnow(), theme=theme)
    db.session.add(meeting)
    db.session.commit()
    other = make_user("participant")
    return {
        "association": association,
        "institution": institution,
        "theme": theme,
        "proposal": proposal,
        "meeting": meeting,
        "other": other,
    }


def _act_as(client, role, world, make_user):
    if role == "visitor":
        return None
    organisation = None
    if role == "association_member":
        organisation = world["association"]
    elif role == "institution_rep":
        organisation = world["institution"]
    user = make_user(role, organisation=organisation)
    login(client, user)
    return user


def _snapshot():
    proposals = db.session.execute(
        sa.select(Proposal.id, Proposal.title, Proposal.status).order_by(Proposal.id)
    ).all()
    tables = ("theme", "organisation", "user", "status_change", "addressed_institution")
    counts = {
        t: db.session.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar() for t in tables
    }
    roles = db.session.execute(sa.text('SELECT id, role, active FROM "user" ORDER BY id')).all()
    verified = db.session.execute(sa.text("SELECT id, name, verified FROM organisation")).all()
    return proposals, counts, roles, sorted(verified)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "endpoint", "url", "form", "expected"),
    CASES,
    ids=[f"{c[0]} {c[1]}" for c in CASES],
)
def test_route_permissions(client, world, make_user, role, method, endpoint, url, form, expected):
    _act_as(client, role, world, make_user)
    db.session.expire_all()
    before = _snapshot()
    data = form(world) if form else None
    response = client.open(url(world), method=method, data=data)
    assert response.status_code == expected[role], response.get_data(as_text=True)[:500]
    refused = expected[role] == FORBIDDEN or (role == "visitor" and endpoint != "accounts.logout")
    if method == "POST" and refused:
        db.session.expire_all()
        assert _snapshot() == before, "a refused request changed the database"


def test_every_route_is_in_the_matrix(app):
    covered = {endpoint for _m, endpoint, *_ in CASES}
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert routes - covered == set()


def test_refused_status_change_changes_nothing(client, world, make_user):
    _act_as(client, "moderator", world, make_user)
    proposal_id = world["proposal"].id
    response = client.post(
        f"/propositions/{proposal_id}/statut", data={"status": "done", "reason": "Fini."}
    )
    assert response.status_code == FORBIDDEN
    db.session.expire_all()
    assert db.session.get(Proposal, proposal_id).status is ProposalStatus.SUBMITTED
