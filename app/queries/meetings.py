"""Meetings as the pages, the API and the calendar feeds list them; who registered; the
validated minutes."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, load_only, selectinload

from app.extensions import db
from app.models import (
    Meeting,
    MeetingKind,
    MeetingRegistration,
    Minutes,
    MinutesState,
    MinutesVersion,
    Organisation,
    Proposal,
    Role,
    Theme,
    User,
    membership,
    utcnow,
)
from app.queries.proposals import newest_or_kept


def upcoming_meetings(limit: int = 5) -> list[Meeting]:
    """The next meetings, soonest first."""
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.starts_at >= utcnow())
            .options(joinedload(Meeting.theme), joinedload(Meeting.host))
            .order_by(Meeting.starts_at)
            .limit(limit)
        )
    )


def upcoming_meetings_for(theme: Theme, limit: int = 5) -> list[Meeting]:
    """The next meetings of a workshop, soonest first."""
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.theme_id == theme.id, Meeting.starts_at >= utcnow())
            .options(joinedload(Meeting.host))
            .order_by(Meeting.starts_at)
            .limit(limit)
        )
    )


def meetings_page(upcoming: bool):
    """Upcoming meetings soonest first, or past ones latest first (a select to paginate)."""
    now = utcnow()
    query = sa.select(Meeting).options(joinedload(Meeting.theme), joinedload(Meeting.host))
    if upcoming:
        return query.where(Meeting.starts_at >= now).order_by(Meeting.starts_at, Meeting.id)
    return query.where(Meeting.starts_at < now).order_by(
        Meeting.starts_at.desc(), Meeting.id.desc()
    )


def meetings_query(upcoming: bool, theme: Theme | None = None, kind: MeetingKind | None = None):
    """Upcoming meetings soonest first, or past ones latest first, filtered (a select)."""
    query = meetings_page(upcoming)
    if theme is not None:
        query = query.where(Meeting.theme_id == theme.id)
    if kind is not None:
        query = query.where(Meeting.kind == kind)
    return query


def upcoming_of(theme: Theme | None, kind: MeetingKind | None, limit: int) -> list[Meeting]:
    """The first upcoming meetings, filtered as ``meetings_query`` filters (one query)."""
    return list(db.session.scalars(meetings_query(True, theme, kind).limit(limit)))


def meeting_detail(meeting_id: int) -> Meeting | None:
    """A meeting with its workshop, host, secretary and proposals (two queries)."""
    return db.session.scalar(
        sa.select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            joinedload(Meeting.theme),
            joinedload(Meeting.host),
            joinedload(Meeting.secretary),
            selectinload(Meeting.proposals),
        )
    )


def calendar_meetings(theme: Theme | None = None, limit: int = 1000) -> list[Meeting]:
    """The meetings a calendar feed carries: the latest `limit`, cancelled ones included so
    subscribed apps learn of the cancellation."""
    query = (
        sa.select(Meeting)
        .options(selectinload(Meeting.proposals))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(limit)
    )
    if theme is not None:
        query = query.where(Meeting.theme_id == theme.id)
    return list(reversed(db.session.scalars(query).all()))


def registration_counts(meeting_ids: list[int]) -> dict[int, int]:
    """How many people registered for each of these meetings (one query)."""
    counts = dict.fromkeys(meeting_ids, 0)
    if meeting_ids:
        rows = db.session.execute(
            sa.select(MeetingRegistration.meeting_id, sa.func.count(MeetingRegistration.id))
            .where(MeetingRegistration.meeting_id.in_(meeting_ids))
            .group_by(MeetingRegistration.meeting_id)
        )
        counts.update(dict(rows.all()))
    return counts


def registration_count(meeting: Meeting) -> int:
    """How many people registered for this meeting (one query)."""
    return registration_counts([meeting.id])[meeting.id]


def is_registered(user, meeting: Meeting) -> bool:
    """Whether this person registered for this meeting (never a visitor)."""
    if not getattr(user, "is_authenticated", False):
        return False
    query = sa.select(MeetingRegistration.id).where(
        MeetingRegistration.meeting_id == meeting.id, MeetingRegistration.user_id == user.id
    )
    return db.session.scalar(query) is not None


def registered_people(meeting: Meeting, active_only: bool = False) -> list[User]:
    """The people registered, in the order they registered (one query)."""
    query = (
        sa.select(User)
        .join(MeetingRegistration, MeetingRegistration.user_id == User.id)
        .where(MeetingRegistration.meeting_id == meeting.id)
        .order_by(MeetingRegistration.created_at, MeetingRegistration.id)
    )
    if active_only:
        query = query.where(User.active.is_(True))
    return list(db.session.scalars(query))


def secretary_candidates(host: Organisation | None, organiser: User) -> list[User]:
    """Who may be named secretary (one query): the active members of the host association,
    by name, as ``policy.may_be_secretary`` decides; without a host, the organiser."""
    if host is None:
        return [organiser]
    roles = (Role.ASSOCIATION_MEMBER, Role.MODERATOR, Role.ADMIN)
    query = (
        sa.select(User)
        .join(membership, membership.c.user_id == User.id)
        .where(membership.c.organisation_id == host.id, User.active.is_(True))
        .where(User.deleted_at.is_(None), User.role.in_(roles))
        .order_by(User.pseudonym, User.id)
    )
    return list(db.session.scalars(query)) if host.is_association else []


def proposals_to_choose(theme: Theme | None, kept: list[int]) -> list[Proposal]:
    """The proposals a meeting may discuss, by title: its workshop's (every workshop's
    without one), the newest and those of ``kept`` (already on the agenda, or ticked)
    wherever they are (one query)."""
    scope = [Proposal.theme_id == theme.id] if theme is not None else []
    return list(
        db.session.scalars(
            sa.select(Proposal)
            .options(load_only(Proposal.title, Proposal.theme_id), joinedload(Proposal.theme))
            .where(newest_or_kept(kept, *scope))
            .order_by(Proposal.title)
        )
    )


def validated_minutes(meeting: Meeting):
    """The latest version of the meeting's minutes once validated, as a row of
    ``validated_at``, ``number`` and ``body``; None before (one query)."""
    return db.session.execute(
        sa.select(Minutes.validated_at, MinutesVersion.number, MinutesVersion.body)
        .join(MinutesVersion, MinutesVersion.minutes_id == Minutes.id)
        .where(Minutes.meeting_id == meeting.id, Minutes.state == MinutesState.VALIDATED)
        .order_by(MinutesVersion.number.desc())
        .limit(1)
    ).first()
