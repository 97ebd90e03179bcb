"""Who may organise, change, cancel and attend meetings (to be merged into ``app.policy``).

A meeting that is not public is still listed and shown to everyone (the network works in
the open: what is discussed, when and where); only association members and admins may
register for it.
"""

from app.models import Meeting, Organisation, utcnow
from app.policy.core import _is_user, association_memberships, is_admin


def can_organise_meeting(user) -> bool:
    """Members of any association of the network, and admins."""
    return is_admin(user) or bool(association_memberships(user))


def can_host_meeting(user, organisation: Organisation) -> bool:
    """A meeting is announced as hosted by one of the organiser's own associations; admins
    name any association."""
    if not organisation.is_association:
        return False
    return is_admin(user) or organisation in association_memberships(user)


def may_be_secretary(person, host: Organisation | None, organiser_id: int | None) -> bool:
    """The secretary is a member of the host association; without a host, the organiser."""
    if not _is_user(person):
        return False
    if host is None:
        return organiser_id is not None and person.id == organiser_id
    return host in association_memberships(person)


def _organises(user, meeting: Meeting) -> bool:
    """Its creator, members of its host association, and admins."""
    if is_admin(user):
        return True
    if not can_organise_meeting(user):
        return False
    if meeting.created_by_id is not None and meeting.created_by_id == user.id:
        return True
    return meeting.host_id in {org.id for org in association_memberships(user)}


def meeting_has_started(meeting: Meeting) -> bool:
    return meeting.starts_at <= utcnow()


def can_edit_meeting(user, meeting: Meeting) -> bool:
    """Its organisers, until it is cancelled (a past meeting may still be corrected)."""
    return not meeting.is_cancelled and _organises(user, meeting)


def can_cancel_meeting(user, meeting: Meeting) -> bool:
    """Its organisers, before it starts, with a reason."""
    return can_edit_meeting(user, meeting) and not meeting_has_started(meeting)


def can_see_meeting_registrations(user, meeting: Meeting) -> bool:
    """Who registered: the organisers only (pseudonyms, never e-mails)."""
    return _organises(user, meeting)


def may_attend_meeting(user, meeting: Meeting) -> bool:
    """Anyone with an account for a public meeting; association members and admins for
    one reserved to the network's members."""
    if not _is_user(user):
        return False
    return meeting.is_public or can_organise_meeting(user)


def meeting_is_full(meeting: Meeting, registered_count: int) -> bool:
    return meeting.capacity is not None and registered_count >= meeting.capacity


def can_register_for_meeting(user, meeting: Meeting, registered_count: int) -> bool:
    """Open while it has not started, is not cancelled and has places left."""
    return (
        may_attend_meeting(user, meeting)
        and not meeting.is_cancelled
        and not meeting_has_started(meeting)
        and not meeting_is_full(meeting, registered_count)
    )


def can_unregister_from_meeting(user, meeting: Meeting) -> bool:
    """One's own registration, until the meeting starts."""
    return _is_user(user) and not meeting_has_started(meeting)


MEETINGS_PREDICATES = {
    "can_organise_meeting": can_organise_meeting,
    "can_host_meeting": can_host_meeting,
    "can_edit_meeting": can_edit_meeting,
    "can_cancel_meeting": can_cancel_meeting,
    "can_see_meeting_registrations": can_see_meeting_registrations,
    "may_attend_meeting": may_attend_meeting,
    "meeting_is_full": meeting_is_full,
    "meeting_has_started": meeting_has_started,
    "can_register_for_meeting": can_register_for_meeting,
    "can_unregister_from_meeting": can_unregister_from_meeting,
}
