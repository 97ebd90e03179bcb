"""Who may record the network's events (its assises, thematic days) and their review."""

from app.policy.core import is_admin


def can_manage_events(user) -> bool:
    """Create an event and edit its record and review: the network's coordinators."""
    return is_admin(user)


NETWORK_EVENTS_PREDICATES = {"can_manage_events": can_manage_events}
