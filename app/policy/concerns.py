"""Who may say a proposal concerns them, and who may count the people an association met
who are concerned."""

from app.models import ConcernTally, Organisation
from app.policy.core import _is_user, association_memberships


def can_mark_concern(user) -> bool:
    """Anyone with an account says "ça me concerne" (once per proposal)."""
    return _is_user(user)


def can_record_tally(user) -> bool:
    """The members of an association count the people they met."""
    return bool(association_memberships(user))


def can_record_tally_for(user, organisation: Organisation | None) -> bool:
    """A tally is recorded in the name of one of one's own associations."""
    if organisation is None:
        return False
    return organisation.id in {org.id for org in association_memberships(user)}


def can_change_tally(user, tally: ConcernTally) -> bool:
    """The members of the association that recorded it correct or delete it."""
    return tally.organisation_id in {org.id for org in association_memberships(user)}


CONCERNS_PREDICATES = {
    "can_mark_concern": can_mark_concern,
    "can_record_tally": can_record_tally,
    "can_change_tally": can_change_tally,
}
