"""Every page reached with a GET, for a visitor and for each role, runs the same number of SQL
queries with little data and with much more: proposals, contributions, responses,
commitments, meetings, minutes, notifications, follows and moderation decisions."""

from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import (
    AddressedInstitution,
    AmendmentState,
    AuditAction,
    AuditEvent,
    Commitment,
    Contribution,
    ContributionKind,
    ContributionState,
    Flag,
    FlagReason,
    Follow,
    Meeting,
    MeetingRegistration,
    MembershipRequest,
    Minutes,
    MinutesAmendment,
    MinutesState,
    MinutesVersion,
    ModerationAction,
    ModerationDecision,
    ModerationReason,
    Notification,
    NotificationKind,
    OfficialResponse,
    Organisation,
    OrganisationKind,
    Position,
    ProgressUpdate,
    Proposal,
    ProposalStatus,
    ResponseVersion,
    Role,
    StatusChange,
    User,
    utcnow,
)
from tests.conftest import CHARTER_VERSION, login
from tests.helpers import count_queries

SMALL, LARGE = 2, 25
_serial = iter(range(1, 1_000_000))


def _next() -> int:
    return next(_serial)


@pytest.fixture
def world(make_theme, make_organisation, make_user, make_proposal):
    """The fixed things the pages are about; `grow` adds rows around them."""
    theme = make_theme()
    institution = make_organisation(OrganisationKind.INSTITUTION)
    association = make_organisation(OrganisationKind.ASSOCIATION)
    users = {
        "participant": make_user("participant"),
        "association_member": make_user("association_member", organisation=association),
        "moderator": make_user("moderator", organisation=association),
        "institution_rep": make_user("institution_rep", organisation=institution),
        "admin": make_user("admin"),
    }
    author = users["association_member"]
    proposal = make_proposal(
        theme=theme, author=author, status=ProposalStatus.SENT, institutions=[institution]
    )
    other = make_organisation(OrganisationKind.INSTITUTION)
    unanswered = make_proposal(
        theme=theme, author=author, status=ProposalStatus.SENT, institutions=[institution, other]
    )
    response = OfficialResponse(
        proposal=proposal, institution=institution, position=Position.FAVOURABLE, body="Oui."
    )
    commitment = Commitment(action="Ouvrir", due_on=date.today() + timedelta(days=30))
    response.commitments.append(commitment)
    contribution = _contribution(proposal, author, ContributionKind.COMMENT)
    meeting = Meeting(
        title="Groupe de travail", theme=theme, host=association, starts_at=utcnow(),
        secretary=author, proposals=[proposal],
    )  # fmt: skip
    minutes = Minutes(
        meeting=meeting, state=MinutesState.OPEN, amendments_until=date.today() + timedelta(7)
    )
    minutes.versions.append(MinutesVersion(number=1, body="Présents : tous.", author=author))
    minutes.versions.append(MinutesVersion(number=2, body="Présents : tous.\nFin.", author=author))
    amendment = MinutesAmendment(
        minutes=minutes, author=users["participant"], version_number=2, passage="tous",
        proposed_text="toutes et tous", reason="Écriture inclusive",
    )  # fmt: skip
    db.session.add_all([response, contribution, meeting, minutes, amendment])
    db.session.commit()
    return {
        "theme": theme, "institution": institution, "association": association,
        "users": users, "proposal": proposal, "unanswered": unanswered,
        "response": response, "commitment": commitment, "contribution": contribution,
        "meeting": meeting, "amendment": amendment, "other_institution": other,
    }  # fmt: skip


def _contribution(proposal, author, kind, state=ContributionState.PUBLISHED, **fields):
    return Contribution(
        proposal=proposal, kind=kind, author=author, body="Ce que j’ai vécu.", state=state,
        **fields,
    )  # fmt: skip


def _person(role: Role, **fields) -> User:
    n = _next()
    return User(
        email=f"personne{n}@example.org", pseudonym=f"Personne {n}", password_hash="x",
        role=role, charter_version=CHARTER_VERSION, **fields,
    )  # fmt: skip


def grow(world, n):
    """n more of everything the pages list or count, around the fixed things."""
    users, target, institution = world["users"], world["proposal"], world["institution"]
    for _ in range(n):
        # Each round has its own authors and host: a query per author or host would show.
        host = Organisation(
            slug=f"hote-{_next()}", name=f"Hôte {_next()}", kind=OrganisationKind.ASSOCIATION
        )
        participant = _person(Role.PARTICIPANT)
        db.session.add(MembershipRequest(user=participant, organisation=world["association"]))
        db.session.add(
            Notification(
                user=users["participant"], kind=NotificationKind.MEMBERSHIP_DECISION,
                data={"organisation_slug": world["association"].slug, "organisation_name": "X",
                      "decision": "refused", "reason": "Non."},
            )
        )  # fmt: skip
        author = _person(Role.ASSOCIATION_MEMBER, organisations=[host])
        proposal = Proposal(
            title="Une autre proposition", body="Constat.", theme=world["theme"],
            organisation=host, author=author, status=ProposalStatus.ANSWERED,
        )  # fmt: skip
        proposal.status_changes.append(StatusChange(to_status=ProposalStatus.ANSWERED))
        for org in (institution, world["other_institution"]):
            proposal.addressed.append(
                AddressedInstitution(
                    institution=org, sent_at=utcnow() - timedelta(days=90),
                    response_due_on=date.today() - timedelta(days=30),
                )
            )  # fmt: skip
        response = OfficialResponse(
            proposal=proposal,
            institution=institution,
            position=Position.UNDER_STUDY,
            body="À voir.",
        )
        response.commitments.extend(
            Commitment(action="Étudier", due_on=date.today() + timedelta(days=d)) for d in (-9, 9)
        )
        version = ResponseVersion(
            response_id=world["response"].id, position=Position.UNDER_STUDY, body="Avant.",
            written_at=utcnow(),
        )  # fmt: skip
        update = ProgressUpdate(proposal=target, body="Avancée.", commitment=world["commitment"])
        comment = _contribution(target, participant, ContributionKind.COMMENT)
        pending = _contribution(
            target, None, ContributionKind.TESTIMONY, ContributionState.PENDING,
            guest_name="Invité", guest_contact="invite@example.org",
        )  # fmt: skip
        hidden = _contribution(
            proposal, participant, ContributionKind.TESTIMONY, ContributionState.HIDDEN
        )
        meeting = Meeting(
            title="Réunion", theme=world["theme"], host=host, secretary=author,
            starts_at=utcnow() + timedelta(days=3),
            proposals=[target, proposal],
        )  # fmt: skip
        past = Meeting(title="Passée", theme=world["theme"], starts_at=utcnow() - timedelta(9))
        db.session.add_all([
            proposal, response, version, update, comment, pending, hidden, meeting, past,
            _contribution(target, participant, ContributionKind.TESTIMONY),
            _contribution(target, author, ContributionKind.REPLY, parent=world["contribution"]),
            _contribution(target, None, ContributionKind.REPLY, response=world["response"],
                          guest_name="Invitée"),
            _contribution(proposal, participant, ContributionKind.TESTIMONY),
            Flag(contribution=comment, user=author, reason=FlagReason.OFF_TOPIC),
            ModerationDecision(
                contribution=hidden, moderator=users["moderator"], action=ModerationAction.HIDE,
                reason=ModerationReason.OFF_TOPIC, from_state=ContributionState.PUBLISHED,
                to_state=ContributionState.HIDDEN,
            ),
            MeetingRegistration(meeting=meeting, user=participant),
            MeetingRegistration(meeting=world["meeting"], user=participant),
            MinutesAmendment(
                minutes=world["amendment"].minutes, author=participant, version_number=2,
                passage="Fin", proposed_text="Fin.", reason="Point", state=AmendmentState.DECLINED,
            ),
            Follow(user=users["participant"], proposal=proposal),
            Notification(
                user=users["participant"], kind=NotificationKind.STATUS_CHANGE, proposal=proposal,
                data={"from": "sent", "to": "answered"},
            ),
            Notification(
                user=users["participant"], kind=NotificationKind.NEW_RESPONSE, proposal=target,
                data={"institution": institution.name, "position": "favourable"},
            ),
            AuditEvent(
                actor=users["admin"], action=AuditAction.USER_ROLE_CHANGED,
                target_type="user", target_id=users["participant"].id, details={"fields": ["role"]},
            ),
        ])  # fmt: skip
    db.session.commit()


# Every GET page, by who may see it: {placeholders} are filled from the world.
VISITOR_PAGES = [
    "/", "/propositions", "/propositions?page=2", "/propositions/{proposal}",
    "/ateliers", "/ateliers/{theme}", "/ateliers/{theme}/reunions.ics",
    "/organisations/", "/organisations/{institution_slug}", "/organisations/{association_slug}",
    "/suivi", "/suivi?atelier={theme}", "/suivi?institution={institution}",
    "/suivi?page=2&retards=2", "/suivi.csv", "/bilan", "/bilan?atelier={theme}&du=2020-01-01",
    "/reunions/", "/reunions/{meeting}", "/reunions/{meeting}.ics", "/reunions.ics",
    "/reunions/{meeting}/compte-rendu", "/reunions/{meeting}/compte-rendu/versions/1",
    "/reunions/{meeting}/compte-rendu/diff", "/contributions/{contribution}",
    "/reponses/{response}/historique", "/charte", "/aide", "/aide/temoigner",
    "/confidentialite", "/recherche?q=proposition", "/healthz", "/readyz",
    "/compte/connexion", "/compte/inscription", "/compte/mot-de-passe-oublie",
    "/api/v1/themes", "/api/v1/proposals", "/api/v1/proposals/{proposal}",
    "/api/v1/organisations", "/api/v1/organisations/{institution}", "/api/v1/meetings",
    "/api/v1/meetings/{meeting}", "/api/v1/institutions/{institution}/accountability",
]  # fmt: skip
MEMBER_PAGES = {
    "participant": [
        "/notifications/", "/compte/preferences", "/compte/mes-donnees",
        "/compte/mes-donnees.json", "/compte/mot-de-passe", "/compte/supprimer",
        "/propositions/{proposal}/temoigner", "/contributions/{contribution}/repondre",
        "/contributions/{contribution}/signaler",
        "/reunions/{meeting}/compte-rendu/amendements/nouveau",
        "/propositions/{proposal}", "/reunions/{meeting}", "/suivi",
        "/organisations/{association_slug}/rejoindre", "/organisations/{association_slug}",
    ],
    "association_member": [
        "/propositions/nouvelle", "/propositions/{proposal}/modifier",
        "/propositions/{proposal}/suivi/nouveau", "/propositions/{proposal}/temoignage-recueilli",
        "/reunions/nouvelle", "/reunions/{meeting}/modifier",
        "/reunions/{meeting}/compte-rendu/corriger", "/organisations/{association_slug}/modifier",
        "/propositions/{proposal}", "/organisations/{association_slug}",
        "/organisations/{association_slug}/demandes",
        "/propositions/{proposal}/fiches-papier", "/organisations/{association_slug}/lieux",
    ],
    "moderator": [
        "/moderation/", "/moderation/journal", "/moderation/contributions/{contribution}",
        "/propositions/{proposal}",
    ],
    "institution_rep": [
        "/propositions/{unanswered}/reponses/{institution}",
        "/reponses/{response}/engagements", "/engagements/{commitment}",
        "/reponses/{response}/repondre", "/propositions/{proposal}",
        "/organisations/{institution_slug}",
    ],
    "admin": [
        "/admin/", "/admin/journal", "/admin/organisations", "/admin/organisations/{institution}",
        "/admin/organisations/nouvelle", "/admin/ateliers", "/admin/ateliers/{theme_id}",
        "/admin/ateliers/nouveau", "/admin/utilisateurs", "/admin/utilisateurs/{participant}",
        "/admin/charte", "/amendements/{amendment}/decision", "/moderation/",
        "/propositions/{unanswered}/reponses/{institution}/saisir",
        "/admin/demandes-adhesion", "/organisations/{association_slug}/demandes",
    ],
}  # fmt: skip


def _ids(world) -> dict:
    return {
        "proposal": world["proposal"].id, "unanswered": world["unanswered"].id,
        "theme": world["theme"].slug, "theme_id": world["theme"].id,
        "institution": world["institution"].id, "institution_slug": world["institution"].slug,
        "association_slug": world["association"].slug, "meeting": world["meeting"].id,
        "contribution": world["contribution"].id, "response": world["response"].id,
        "commitment": world["commitment"].id, "amendment": world["amendment"].id,
        "participant": world["users"]["participant"].id,
    }  # fmt: skip


def _counts(client, urls) -> dict[str, int]:
    counts = {}
    for url in urls:
        client.get(url)  # warm-up: first-request work is not the page's cost
        # A request starts with nothing loaded, as in production: what a page reads of each
        # row shows up in the count.
        db.session.expire_all()
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        response.close()  # a streamed export runs its queries while it is read
        counts[url] = len(statements)
    return counts


@pytest.mark.parametrize("role", ["visitor", *MEMBER_PAGES])
def test_no_page_runs_more_queries_with_more_data(client, world, role):
    if role != "visitor":
        login(client, world["users"][role])
    pages = VISITOR_PAGES if role == "visitor" else MEMBER_PAGES[role]
    urls = [page.format(**_ids(world)) for page in pages]
    grow(world, SMALL)
    small = _counts(client, urls)
    grow(world, LARGE - SMALL)
    assert _counts(client, urls) == small
