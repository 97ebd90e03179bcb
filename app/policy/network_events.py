"""Who may record the network's events (its assises, thematic days) and their review."""

from app.policy.core import is_admin


def can_manage_events(user) -> bool:
    """Create an event and edit its record and review: the network's coordinators."""
    return is_admin(user)


def can_file_under_event(user, event) -> bool:
    """Say a proposal comes from an event: part of the event's record, so the coordinators
    only; never an invented (example) event for a real proposal."""
    return can_manage_events(user) and not event.example


NETWORK_EVENTS_PREDICATES = {
    "can_manage_events": can_manage_events,
    "can_file_under_event": can_file_under_event,
}
