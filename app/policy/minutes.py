"""Who may do what with meeting minutes.

The secretary writes the minutes and decides on amendments; anyone with an account proposes
amendments while the draft is open; everyone reads every version.
"""

from app.models import (
    AmendmentState,
    Meeting,
    Minutes,
    MinutesAmendment,
    MinutesState,
    paris_today,
    utcnow,
)
from app.policy.core import can_contribute, is_admin
from app.policy.meetings import may_be_secretary


def is_minutes_secretary(user, meeting: Meeting) -> bool:
    """The meeting's named secretary while a member of the host, and admins. A meeting that
    names nobody (made before meetings named one) has its creator as secretary: never every
    association member."""
    if is_admin(user):
        return True
    if not can_contribute(user):  # an active account
        return False
    secretary_id = meeting.secretary_id or meeting.created_by_id
    if secretary_id is None or secretary_id != user.id:
        return False
    # A secretary who has left the host association hands over: the members name another.
    return meeting.host is None or may_be_secretary(user, meeting.host, meeting.created_by_id)


def can_view_minutes(user, meeting: Meeting) -> bool:
    """Minutes are public, to everyone; a cancelled meeting has none."""
    return not meeting.is_cancelled


def can_publish_minutes(user, meeting: Meeting, minutes: Minutes | None = None) -> bool:
    """The secretary publishes the first draft, once the meeting has started (not cancelled)."""
    return (
        minutes is None
        and not meeting.is_cancelled
        and meeting.starts_at <= utcnow()
        and is_minutes_secretary(user, meeting)
    )


def amendments_open(minutes: Minutes) -> bool:
    """The draft takes amendments until its date (Paris time), while it is not validated."""
    return (
        minutes.state is MinutesState.OPEN
        and paris_today() <= minutes.amendments_until
        and not minutes.meeting.is_cancelled
    )


def can_amend_minutes(user, minutes: Minutes) -> bool:
    """Registered participants (any active account) propose amendments while they are open."""
    return can_contribute(user) and amendments_open(minutes)


def can_edit_minutes(user, minutes: Minutes) -> bool:
    """The secretary corrects the draft (a new version) until it is validated."""
    return minutes.state is MinutesState.OPEN and is_minutes_secretary(user, minutes.meeting)


def can_decide_amendment(user, amendment: MinutesAmendment) -> bool:
    """The secretary accepts or declines a pending amendment, even after the deadline."""
    return amendment.state is AmendmentState.PENDING and can_edit_minutes(user, amendment.minutes)


def can_validate_minutes(user, minutes: Minutes) -> bool:
    """The secretary validates an open draft (the service also wants no amendment pending)."""
    return can_edit_minutes(user, minutes)


MINUTES_PREDICATES = {
    "can_view_minutes": can_view_minutes,
    "is_minutes_secretary": is_minutes_secretary,
    "can_publish_minutes": can_publish_minutes,
    "amendments_open": amendments_open,
    "can_amend_minutes": can_amend_minutes,
    "can_edit_minutes": can_edit_minutes,
    "can_decide_amendment": can_decide_amendment,
    "can_validate_minutes": can_validate_minutes,
}
