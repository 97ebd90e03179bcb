"""Demonstration data: the 2015 assises of the Metz network, loaded idempotently."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from app.accounts.password_hashing import hash_password
from app.demo import data_2015 as data
from app.extensions import db
from app.models import (
    AddressedInstitution,
    Meeting,
    Organisation,
    OrganisationKind,
    Proposal,
    ProposalStatus,
    Role,
    StatedPosition,
    StatusChange,
    Theme,
    User,
)
from app.models.base import PARIS
from app.services import ServiceError
from app.services.accounts import CHARTER_VERSION, normalise_email, pseudonym_taken

UTC = ZoneInfo("UTC")

SUBMITTED_REASON = "Proposition issue des assises de la solidarité du 30 avril 2015."


def paris_to_utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock time in Metz, as the naive UTC datetime every column stores."""
    local = datetime(year, month, day, hour, minute, tzinfo=PARIS)
    return local.astimezone(UTC).replace(tzinfo=None)


ASSISES_AT = paris_to_utc(2015, 4, 30, 18, 0)
FOLLOW_UP_AT = paris_to_utc(2015, 5, 20, 18, 0)


def _load_themes(counts: dict) -> dict[str, Theme]:
    themes = {}
    for position, row in enumerate(data.THEMES, start=1):
        theme = db.session.scalar(
            sa.select(Theme).where(sa.or_(Theme.slug == row["slug"], Theme.name == row["name"]))
        )
        if theme is None:
            theme = Theme(
                slug=row["slug"],
                name=row["name"],
                description=row["description"],
                position=position,
            )
            db.session.add(theme)
            counts["themes"] += 1
        themes[row["slug"]] = theme
    return themes


def _load_organisations(counts: dict) -> dict[str, Organisation]:
    organisations = {}
    for row in data.ORGANISATIONS:
        # By slug, or by name in case an admin already created it under another slug.
        org = db.session.scalar(
            sa.select(Organisation)
            .where(sa.or_(Organisation.slug == row["slug"], Organisation.name == row["name"]))
            .order_by(Organisation.slug != row["slug"])
            .limit(1)
        )
        if org is None:
            kind = OrganisationKind(row["kind"])
            org = Organisation(
                slug=row["slug"],
                name=row["name"],
                short_name=row["short_name"],
                kind=kind,
                description=row["description"],
                address=row["address"],
                verified=bool(row["verified"]) and kind is OrganisationKind.INSTITUTION,
            )
            db.session.add(org)
            counts["organisations"] += 1
        organisations[row["slug"]] = org
    return organisations


def _load_accounts(counts: dict, organisations: dict[str, Organisation]) -> None:
    for email, pseudonym, role, org_slug in data.DEMO_ACCOUNTS:
        address = normalise_email(email)
        user = db.session.scalar(sa.select(User).where(User.email == address))
        if user is None:
            if pseudonym_taken(pseudonym):
                raise ServiceError(
                    f"Le pseudonyme « {pseudonym} » est déjà pris par un autre compte."
                )
            user = User(
                email=address,
                pseudonym=pseudonym,
                password_hash=hash_password(data.DEMO_PASSWORD),
                role=Role(role),
                charter_version=CHARTER_VERSION,
            )
            db.session.add(user)
            counts["users"] += 1
        if org_slug is not None:
            org = organisations[org_slug]
            if org not in user.organisations:
                user.organisations.append(org)
                counts["memberships"] += 1


def _load_proposals(
    counts: dict, themes: dict[str, Theme], organisations: dict[str, Organisation]
) -> None:
    reseau = organisations[data.RESEAU]
    for row in data.PROPOSALS:
        theme = themes[row["theme"]]
        existing = db.session.scalar(
            sa.select(Proposal.id).where(
                Proposal.title == row["title"], Proposal.theme_id == theme.id
            )
        )
        if existing is not None:
            continue
        status = ProposalStatus(row["status"])
        proposal = Proposal(
            title=row["title"],
            body=row["body"],
            easy_read=row.get("easy_read", ""),
            theme=theme,
            author=None,
            organisation=reseau,
            status=status,
            origin=data.ORIGIN,
            created_at=ASSISES_AT,
            updated_at=FOLLOW_UP_AT if status is not ProposalStatus.SUBMITTED else ASSISES_AT,
        )
        for org_slug, stated in row["addressed"]:
            institution = organisations[org_slug]
            if institution.kind is not OrganisationKind.INSTITUTION:
                raise ServiceError(f"« {institution.name} » n’est pas une institution.")
            # Presented to the institutions at the assises: their answer was due 60 days on.
            proposal.addressed.append(
                AddressedInstitution(
                    institution=institution,
                    sent_at=ASSISES_AT,
                    response_due_on=(ASSISES_AT + timedelta(days=60)).date(),
                )
            )
            if stated and stated != data.NO_ANSWER:
                db.session.add(_stated_position(proposal, institution, reseau, stated))
                counts["stated_positions"] += 1
        proposal.status_changes.append(
            StatusChange(
                from_status=None,
                to_status=ProposalStatus.SUBMITTED,
                reason=SUBMITTED_REASON,
                created_at=ASSISES_AT,
            )
        )
        counts["status_changes"] += 1
        if status is not ProposalStatus.SUBMITTED:
            proposal.status_changes.append(
                StatusChange(
                    from_status=ProposalStatus.SUBMITTED,
                    to_status=status,
                    reason=row["status_reason"],
                    created_at=FOLLOW_UP_AT,
                )
            )
            counts["status_changes"] += 1
        db.session.add(proposal)
        counts["proposals"] += 1
        counts["addressed"] += len(row["addressed"])


def _stated_position(proposal, institution, reseau, text) -> StatedPosition:
    return StatedPosition(
        proposal=proposal,
        institution=institution,
        words=text,
        source=data.RESPONSE_ORIGIN,
        stated_on=ASSISES_AT.date(),
        reported_by=reseau,
    )


def _load_meetings(
    counts: dict, themes: dict[str, Theme], organisations: dict[str, Organisation]
) -> None:
    """The June 2015 meetings; an existing one gets its agenda (when it has none) and the
    proposals to discuss it lacks, so a second run adds nothing."""
    for row in data.MEETINGS:
        starts_at = paris_to_utc(*row["starts_at"])
        theme = themes[row["theme"]] if row["theme"] else None
        meeting = db.session.scalar(
            sa.select(Meeting).where(Meeting.title == row["title"], Meeting.starts_at == starts_at)
        )
        if meeting is None:
            meeting = Meeting(
                title=row["title"],
                theme=theme,
                host=organisations[row["host"]],
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=row["duration_minutes"]),
                place_name=row["place_name"],
                address=row["address"],
                description=row["description"],
                updated_at=FOLLOW_UP_AT,  # announced with the review of the assises
            )
            db.session.add(meeting)
            counts["meetings"] += 1
        if meeting.secretary_id is None:
            meeting.secretary = _secretary(counts, row["secretary"], meeting.host)
        if not meeting.agenda:
            meeting.agenda = row["agenda"]
        linked = {p.title for p in meeting.proposals}
        for title in row["proposals"]:
            if title not in linked:
                meeting.proposals.append(_proposal_titled(title, theme))


def _secretary(counts: dict, email: str, host: Organisation | None) -> User:
    """The demo account that writes a meeting's minutes, a member of its host association
    (the rule the meeting form follows)."""
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if host is not None and host not in user.organisations:
        user.organisations.append(host)
        counts["memberships"] += 1
    return user


def _proposal_titled(title: str, theme: Theme | None) -> Proposal:
    query = sa.select(Proposal).where(Proposal.title == title)
    if theme is not None:
        query = query.where(Proposal.theme_id == theme.id)
    proposal = db.session.scalars(query.order_by(Proposal.id).limit(1)).first()
    if proposal is None:
        raise ServiceError(f"La proposition « {title} » est introuvable.")
    return proposal


def _load_organisation_themes(
    themes: dict[str, Theme], organisations: dict[str, Organisation]
) -> None:
    """The directory lists organisations by workshop: give each its workshops."""
    db.session.flush()
    wanted = {slug: set(theme_slugs) for slug, theme_slugs in data.ASSOCIATION_THEMES.items()}
    for row in data.PROPOSALS:
        for org_slug, _stated in row["addressed"]:
            wanted.setdefault(org_slug, set()).add(row["theme"])
    for org_slug, theme_slugs in wanted.items():
        organisation = organisations[org_slug]
        for slug in sorted(theme_slugs, key=lambda s: themes[s].position):
            if themes[slug] not in organisation.themes:
                organisation.themes.append(themes[slug])


def load_demo() -> dict:
    """Create the 2015 themes, organisations, accounts, proposals and meetings.

    Idempotent: every row is looked up (by slug, e-mail, title and workshop, or title and
    start) before it is created, so a second run creates nothing. One transaction, committed
    at the end. Returns how many rows of each kind were created. Refused in production.
    """
    if not current_app.config.get("DEMO_DATA_ALLOWED", False):
        raise ServiceError(
            "Les données de démonstration ne peuvent pas être chargées en production."
        )
    counts = dict.fromkeys(
        (
            "themes",
            "organisations",
            "users",
            "memberships",
            "proposals",
            "addressed",
            "stated_positions",
            "status_changes",
            "meetings",
        ),
        0,
    )
    try:
        themes = _load_themes(counts)
        organisations = _load_organisations(counts)
        # The new themes need their ids before proposals are looked up by (title, theme).
        db.session.flush()
        _load_accounts(counts, organisations)
        _load_proposals(counts, themes, organisations)
        _load_meetings(counts, themes, organisations)
        _load_organisation_themes(themes, organisations)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return counts
