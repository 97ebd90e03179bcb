"""Meetings: organising, changing and cancelling them, registering; registered people are told
of a change of date, time or place, and of a cancellation, in the same transaction."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app import policy
from app.extensions import db
from app.models import (
    Meeting,
    MeetingKind,
    MeetingRegistration,
    NotificationKind,
    Organisation,
    Proposal,
    Theme,
    User,
    utcnow,
)
from app.queries.meetings import registered_people, registration_count
from app.services import PermissionDenied, ServiceError, retry_when_busy
from app.services.notifications import notify, snapshot_text
from app.text import too_long_message

# A change to these is worth telling the people who registered.
NOTIFIED_FIELDS = ("starts_at", "ends_at", "place_name", "address")
OTHER_FIELDS = ("kind", "title", "theme", "host", "agenda", "description", "is_public", "capacity")


@dataclass
class MeetingDetails:
    """What an organiser fills in (times already in naive UTC)."""

    kind: MeetingKind
    title: str
    theme: Theme | None
    host: Organisation | None
    secretary: User | None  # writes the minutes: a member of the host association
    starts_at: datetime
    ends_at: datetime
    place_name: str
    address: str
    agenda: str
    description: str
    is_public: bool
    capacity: int | None
    proposals: list[Proposal]


# Checking the form's choices


def proposals_by_id(ids: list[int]) -> list[Proposal]:
    """The chosen proposals (one query); an unknown id is refused."""
    if not ids:
        return []
    rows = list(db.session.scalars(sa.select(Proposal).where(Proposal.id.in_(set(ids)))))
    if len(rows) != len(set(ids)):
        raise ServiceError(_("Une des propositions choisies n’existe pas."))
    return rows


# Organising


def _check(actor: User, details: MeetingDetails, meeting: Meeting | None = None) -> None:
    """The rules the form checks first, again (a safety net: never a half-saved meeting).
    The host is one of the actor's associations (a meeting keeps the host it has); the
    secretary a member of the host, or without a host the meeting's organiser."""
    if details.ends_at <= details.starts_at:
        raise ServiceError(_("La fin doit être après le début."))
    if details.capacity is not None and details.capacity < 1:
        raise ServiceError(_("Le nombre de places doit être d’au moins 1."))
    if details.host is not None and not details.host.is_association:
        raise ServiceError(_("Une réunion est accueillie par une association."))
    if details.theme is not None and any(p.theme_id != details.theme.id for p in details.proposals):
        raise ServiceError(_("Choisissez des propositions de l’atelier de la réunion."))
    host = details.host
    kept = meeting is not None and host is not None and host.id == meeting.host_id
    if host is not None and not kept and not policy.can_host_meeting(actor, host):
        raise PermissionDenied
    organiser_id = (meeting.created_by_id if meeting else None) or actor.id
    if not policy.may_be_secretary(details.secretary, host, organiser_id):
        raise ServiceError(secretary_refusal(host))


def secretary_refusal(host: Organisation | None) -> str:
    """What to say of a secretary who may not be one."""
    if host is None:
        return _("Sans association qui accueille, la personne qui organise est secrétaire.")
    return _("Choisissez comme secrétaire un membre de l’association qui accueille.")


def _apply(meeting: Meeting, details: MeetingDetails) -> None:
    meeting.kind = details.kind
    meeting.title = details.title.strip()
    meeting.theme = details.theme
    meeting.host = details.host
    meeting.secretary = details.secretary
    meeting.starts_at = details.starts_at
    meeting.ends_at = details.ends_at
    meeting.place_name = details.place_name.strip()
    meeting.address = details.address.strip()
    meeting.agenda = details.agenda.strip()
    meeting.description = details.description.strip()
    meeting.is_public = details.is_public
    meeting.capacity = details.capacity
    meeting.proposals = sorted(set(details.proposals), key=lambda p: p.id)


@retry_when_busy
def create_meeting(organiser: User, details: MeetingDetails) -> Meeting:
    """A new working-group meeting or thematic day."""
    if not policy.can_organise_meeting(organiser):
        raise PermissionDenied
    _check(organiser, details)
    meeting = Meeting(created_by_id=organiser.id, updated_at=utcnow())
    _apply(meeting, details)
    db.session.add(meeting)
    db.session.commit()
    return meeting


def _snapshot(meeting: Meeting) -> dict:
    values = {field: getattr(meeting, field) for field in NOTIFIED_FIELDS + OTHER_FIELDS}
    values["proposals"] = sorted(p.id for p in meeting.proposals)
    return values


def _as_json(value) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _touch(meeting: Meeting) -> None:
    """updated_at always grows, so calendar apps see a higher SEQUENCE after each change."""
    meeting.updated_at = max(utcnow(), meeting.updated_at + timedelta(seconds=1))


@retry_when_busy
def update_meeting(editor: User, meeting: Meeting, details: MeetingDetails) -> list[dict]:
    """Change a meeting; people registered hear of a new date, time or place. Returns those
    changes (``{"field", "before", "after"}``, datetimes in ISO naive UTC)."""
    if not policy.can_edit_meeting(editor, meeting):
        raise PermissionDenied
    _check(editor, details, meeting)
    if details.capacity is not None and details.capacity < registration_count(meeting):
        raise ServiceError(_("Il y a déjà plus d’inscrits que de places."))
    before = _snapshot(meeting)
    _apply(meeting, details)
    after = _snapshot(meeting)
    changes = [
        {"field": field, "before": _as_json(before[field]), "after": _as_json(after[field])}
        for field in NOTIFIED_FIELDS
        if before[field] != after[field]
    ]
    if before != after:
        _touch(meeting)
    if changes:
        _notify_registered(
            meeting,
            NotificationKind.MEETING_CHANGED,
            editor,
            meeting_id=meeting.id,
            changes=changes,
        )
    db.session.commit()
    return changes


@retry_when_busy
def cancel_meeting(actor: User, meeting: Meeting, reason: str) -> None:
    """Cancel a meeting with a reason; it stays listed, marked cancelled, and people
    registered are told."""
    if not policy.can_cancel_meeting(actor, meeting):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Indiquez pourquoi la réunion est annulée."))
    if len(reason) > Meeting.CANCEL_REASON_MAX:
        raise ServiceError(too_long_message(len(reason), Meeting.CANCEL_REASON_MAX))
    meeting.cancelled_at = utcnow()
    meeting.cancel_reason = reason
    _touch(meeting)
    _notify_registered(
        meeting,
        NotificationKind.MEETING_CANCELLED,
        actor,
        meeting_id=meeting.id,
        reason=reason,
    )
    db.session.commit()


def _notify_registered(meeting: Meeting, kind: NotificationKind, actor: User, **data) -> int:
    """One notification per registered person, except the one who made the change; the
    meeting's title in each person's language."""
    told = 0
    for person in registered_people(meeting, active_only=True):
        if person.id != actor.id:
            notify(person, kind, title=snapshot_text(meeting, "title", person), **data)
            told += 1
    return told


# Registering


def _lock(meeting: Meeting) -> None:
    """Registrations for one meeting wait for each other, so two people cannot both take the
    last place (FOR UPDATE on PostgreSQL; SQLite has a single writer anyway)."""
    db.session.execute(
        sa.select(Meeting)
        .where(Meeting.id == meeting.id)
        .with_for_update()
        .execution_options(populate_existing=True)  # and see a cancellation made meanwhile
    )


def _refusal(meeting: Meeting) -> str | None:
    """Why nobody can register for this meeting now, if nobody can."""
    if meeting.is_cancelled:
        return _("Cette réunion est annulée.")
    if policy.meeting_has_started(meeting):
        return _("Cette réunion a déjà eu lieu ; les inscriptions sont closes.")
    if policy.meeting_is_full(meeting, registration_count(meeting)):
        return _("Cette réunion est complète.")
    return None


@retry_when_busy
def register(user: User, meeting: Meeting) -> MeetingRegistration:
    """Register for a meeting (registering twice changes nothing); refused when it is
    cancelled, has started or is full."""
    if not policy.may_attend_meeting(user, meeting):
        raise PermissionDenied
    _lock(meeting)
    existing = db.session.scalar(
        sa.select(MeetingRegistration).where(
            MeetingRegistration.meeting_id == meeting.id, MeetingRegistration.user_id == user.id
        )
    )
    refusal = _refusal(meeting) if existing is None else None
    if existing is not None or refusal:
        db.session.rollback()  # release the lock
        if refusal:
            raise ServiceError(refusal)
        return existing
    registration = MeetingRegistration(meeting_id=meeting.id, user_id=user.id)
    db.session.add(registration)
    try:
        db.session.commit()
    except IntegrityError:  # the same person, twice at once: once is enough
        db.session.rollback()
        raise ServiceError(_("Vous êtes déjà inscrit·e à cette réunion.")) from None
    return registration


@retry_when_busy
def unregister(user: User, meeting: Meeting) -> bool:
    """Withdraw one's registration before the meeting starts; False if there was none."""
    if not policy.can_contribute(user):
        raise PermissionDenied
    if not policy.can_unregister_from_meeting(user, meeting):
        raise ServiceError(_("Cette réunion a déjà eu lieu."))
    deleted = db.session.execute(
        sa.delete(MeetingRegistration).where(
            MeetingRegistration.meeting_id == meeting.id, MeetingRegistration.user_id == user.id
        )
    )
    db.session.commit()
    return deleted.rowcount > 0
