"""Who may record what an institution said elsewhere (at the assises, in a meeting), as the
network reports it, and who may remove such a report made by mistake."""

from app.models import Organisation, StatedPosition
from app.policy.core import association_memberships, can_act_for_organisation, is_admin


def can_report_position(user) -> bool:
    """The network's coordinators and the members of an association."""
    return is_admin(user) or bool(association_memberships(user))


def can_report_for(user, organisation: Organisation | None) -> bool:
    """Whether a report may name this association as its reporter: one's own association
    (any association for an admin), as for filing a proposal in its name."""
    if organisation is None or not organisation.is_association:
        return False
    return can_report_position(user) and can_act_for_organisation(user, organisation)


def can_remove_stated_position(user, stated: StatedPosition) -> bool:
    """Admins, and the members of the association that reported it."""
    if is_admin(user):
        return True
    return stated.reported_by_id in {org.id for org in association_memberships(user)}


STATED_POSITIONS_PREDICATES = {
    "can_report_position": can_report_position,
    "can_remove_stated_position": can_remove_stated_position,
}
