"""Pages run a fixed number of SQL queries whatever the number of rows."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Follow, OrganisationKind, Proposal, ProposalStatus, StatusChange
from app.services.privacy import tables_about_people
from app.services.translations import add_network_translation
from tests.helpers import count_queries


def _seed(n, make_theme, make_organisation, make_proposal, make_user):
    themes = [make_theme() for _ in range(3)]
    institutions = [make_organisation(OrganisationKind.INSTITUTION) for _ in range(4)]
    associations = [make_organisation() for _ in range(3)]
    author = make_user("association_member", organisation=associations[0])
    first, made = None, []
    for i in range(n):
        proposal = make_proposal(
            title=f"Proposition numéro {i}",
            theme=themes[i % 3],
            organisation=associations[i % 3],
            author=author,
            status=list(ProposalStatus)[i % 7],
            institutions=institutions[: 1 + i % 4],
            commit=False,
        )
        made.append(proposal)
        proposal.status_changes.append(
            StatusChange(
                from_status=ProposalStatus.SUBMITTED,
                to_status=proposal.status,
                reason="Étape",
                actor=author,
            )
        )
        first = first or proposal
    db.session.commit()
    for i, proposal in enumerate(made):  # translated: an Arabic page reads them in one query
        add_network_translation(proposal, "ar", {"title": f"الاقتراح رقم {i}"})
    for theme in themes:
        add_network_translation(theme, "ar", {"name": f"ورشة {theme.id}"})
    db.session.commit()
    return first, themes[0]


def _count(client, url):
    client.get(url)  # warm-up: first-request work is not the page's cost
    db.session.expire_all()  # nothing loaded, as at the start of a request in production
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


PAGES = [
    lambda first, theme: "/",
    lambda first, theme: "/propositions",
    lambda first, theme: f"/propositions?atelier={theme.slug}&statut=submitted",
    lambda first, theme: f"/propositions/{first.id}",
    lambda first, theme: f"/ateliers/{theme.slug}",
    lambda first, theme: "/ateliers",
    lambda first, theme: "/organisations/",
    lambda first, theme: "/confidentialite",
    lambda first, theme: "/recherche",
    lambda first, theme: "/recherche?q=proposition",
    lambda first, theme: "/recherche?q=proposition&type=proposal&page=2",
    lambda first, theme: "/api/v1/themes",
    lambda first, theme: "/api/v1/proposals",
    lambda first, theme: f"/api/v1/proposals/{first.id}",
    lambda first, theme: "/api/v1/themes?lang=ar",
    lambda first, theme: "/api/v1/proposals?lang=ar",
    lambda first, theme: f"/api/v1/proposals/{first.id}?lang=ar",
    lambda first, theme: f"/api/v1/proposals/{first.id}/testimonies",
    lambda first, theme: f"/api/v1/proposals/{first.id}/comments",
]


@pytest.mark.parametrize("page", range(len(PAGES)))
def test_query_count_does_not_grow(
    client, db, page, make_theme, make_organisation, make_proposal, make_user
):
    first, theme = _seed(10, make_theme, make_organisation, make_proposal, make_user)
    small = _count(client, PAGES[page](first, theme))
    _seed(200, make_theme, make_organisation, make_proposal, make_user)
    large = _count(client, PAGES[page](first, theme))
    assert small == large
    assert large <= 14


@pytest.mark.parametrize("page", [1, 3])
def test_query_count_logged_in(
    client, db, page, make_theme, make_organisation, make_proposal, make_user
):
    from tests.conftest import login

    first, theme = _seed(10, make_theme, make_organisation, make_proposal, make_user)
    login(client, first.author)  # the author sees the edit link and the status form
    small = _count(client, PAGES[page](first, theme))
    _seed(200, make_theme, make_organisation, make_proposal, make_user)
    large = _count(client, PAGES[page](first, theme))
    assert small == large
    assert large <= 18  # an association member's menu counts the suggestions waiting


@pytest.mark.parametrize("url", ["/compte/mes-donnees", "/compte/mes-donnees.json"])
def test_my_data_queries_do_not_grow(
    client, db, url, make_theme, make_organisation, make_proposal, make_user
):
    from tests.conftest import login

    first, _theme = _seed(10, make_theme, make_organisation, make_proposal, make_user)
    login(client, first.author)
    small = _count(client, url)
    _seed(100, make_theme, make_organisation, make_proposal, make_user)
    for proposal in db.session.scalars(sa.select(Proposal).limit(50)):
        db.session.add(Follow(user=first.author, proposal=proposal))
    db.session.commit()
    large = _count(client, url)
    assert small == large
    # The export reads each table about people once; the page counts them: a fixed few more.
    assert large <= len(tables_about_people()) + 5


def _answer_all(proposal, institutions, n_commitments):
    from datetime import date

    from app.models import (
        Commitment,
        Contribution,
        ContributionKind,
        ContributionState,
        OfficialResponse,
        Position,
        ProgressUpdate,
        StatedPosition,
    )

    for institution in institutions:
        response = OfficialResponse(
            proposal=proposal, institution=institution, position=Position.FAVOURABLE, body="Oui."
        )
        for i in range(n_commitments):
            response.commitments.append(
                Commitment(action=f"Action {i}", due_on=date(2027, 1, i + 1))
            )
        db.session.add(response)
        db.session.add(
            Contribution(
                proposal=proposal,
                kind=ContributionKind.REPLY,
                response=response,
                body="Réaction",
                state=ContributionState.PUBLISHED,
                guest_name="Invité",
            )
        )
        db.session.add(
            ProgressUpdate(proposal=proposal, body="Nouvelles", organisation=institution)
        )
        # What it said at the assises too, as the network reports it (one query for all).
        db.session.add(
            StatedPosition(
                proposal=proposal, institution=institution, words="À voir.", reported_by=institution
            )
        )
    db.session.commit()
    # Every text translated: the Arabic API reads them in one query, whatever their number.
    rows = db.session.scalars(
        sa.select(OfficialResponse).where(OfficialResponse.proposal_id == proposal.id)
    ).all()
    for response in rows:
        add_network_translation(response, "ar", {"body": "نعم."})
        for commitment in response.commitments:
            add_network_translation(commitment, "ar", {"action": "إجراء"})
    for update in db.session.scalars(
        sa.select(ProgressUpdate).where(ProgressUpdate.proposal_id == proposal.id)
    ):
        add_network_translation(update, "ar", {"body": "أخبار."})
    for stated in db.session.scalars(
        sa.select(StatedPosition).where(StatedPosition.proposal_id == proposal.id)
    ):
        add_network_translation(stated, "ar", {"words": "سنرى."})
    db.session.commit()


@pytest.mark.parametrize(
    "url", ["/propositions/{id}", "/api/v1/proposals/{id}", "/api/v1/proposals/{id}?lang=ar"]
)
def test_responses_do_not_add_queries(client, url, make_proposal, make_organisation):
    few = [make_organisation(OrganisationKind.INSTITUTION) for _ in range(1)]
    many = [make_organisation(OrganisationKind.INSTITUTION) for _ in range(6)]
    small, large = make_proposal(institutions=few), make_proposal(institutions=many)
    _answer_all(small, few, 1)
    _answer_all(large, many, 5)
    assert _count(client, url.format(id=small.id)) == _count(client, url.format(id=large.id))


def test_account_page_queries_do_not_grow_with_sessions(client, make_user):
    from app.services.sessions import open_session
    from tests.conftest import login

    user = make_user("association_member")
    login(client, user)
    small = _count(client, "/compte/preferences")
    for _ in range(20):  # twenty other devices
        open_session(user, remember=False, user_agent="Mozilla/5.0 (Android 14) Firefox/128.0")
    large = _count(client, "/compte/preferences")
    assert small == large
    assert large <= 8


def test_a_logged_in_request_writes_nothing(client, make_user):
    """The session's last activity is written at most once a minute, not on every request."""
    from tests.conftest import login

    login(client, make_user())
    client.get("/")
    with count_queries() as statements:
        assert client.get("/propositions").status_code == 200
    writes = [s for s in statements if s.lstrip().split()[0].upper() in {"INSERT", "UPDATE"}]
    assert writes == []
    assert statements  # the session was checked in the database


def _audit_rows(n, actors):
    from app.models import AuditAction, AuditEvent

    for i in range(n):
        db.session.add(
            AuditEvent(
                actor=actors[i % len(actors)],
                action=list(AuditAction)[i % len(AuditAction)],
                target_type="user",
                target_id=actors[0].id,
                details={"fields": ["name"]},
            )
        )
    db.session.commit()


def test_audit_log_query_count_does_not_grow(client, make_user):
    from tests.conftest import login

    admin = make_user("admin")
    actors = [admin, *[make_user("moderator") for _ in range(5)]]
    login(client, admin)
    _audit_rows(5, actors)
    small = _count(client, "/admin/journal")
    _audit_rows(200, actors)
    assert _count(client, "/admin/journal") == small <= 8


def test_moderation_queue_audit_rows_do_not_add_queries(client, make_user, make_proposal):
    """Each protected identity shown leaves a row; all rows go in one insert."""
    from app.models import Contribution, ContributionKind, ContributionState, DisplayMode
    from tests.conftest import login

    moderator = make_user("moderator")
    login(client, moderator)
    proposal = make_proposal()

    def pending(n):
        for i in range(n):
            author = make_user("participant")
            db.session.add(
                Contribution(
                    proposal=proposal,
                    kind=ContributionKind.TESTIMONY,
                    author=author if i % 2 else None,
                    guest_contact="" if i % 2 else f"invite{i}@example.org",
                    display_mode=DisplayMode.ANONYMOUS,
                    body="Texte",
                    state=ContributionState.PENDING,
                )
            )
        db.session.commit()

    pending(2)
    small = _count(client, "/moderation/")
    pending(20)
    assert _count(client, "/moderation/") == small


@pytest.mark.parametrize("url", ["/bilan", "/bilan?atelier={theme}"])
def test_synthesis_query_count_does_not_grow(
    client, db, url, make_theme, make_organisation, make_proposal, make_user
):
    """The synthesis (bilan) lists a few items and counts the rest, at any size: 200 more
    proposals (67 in the second workshop) fill its bounded lists past their bounds."""
    _first, small_theme = _seed(10, make_theme, make_organisation, make_proposal, make_user)
    small = _count(client, url.format(theme=small_theme.slug))
    _first, large_theme = _seed(200, make_theme, make_organisation, make_proposal, make_user)
    assert _count(client, url.format(theme=large_theme.slug)) == small
    assert small <= 28  # with the proposals that concern the most people: one query
