"""Joining an organisation: who may ask, who accepts or refuses; and the accounts that
must confirm their e-mail address before acting in an organisation's name.

Like the rest of the policy, they import models only and never query: callers hand in
what they loaded.
"""

from app.models import Organisation, Role
from app.policy.core import (
    ASSOCIATION_ROLES,
    _is_user,
    association_memberships,
    institution_memberships,
    is_admin,
)


def role_on_joining(organisation: Organisation) -> Role:
    """The role a participant gets when they join: member of an association (or service
    provider), representative of an institution."""
    return Role.INSTITUTION_REP if organisation.is_institution else Role.ASSOCIATION_MEMBER


def role_fits(user, organisation: Organisation) -> bool:
    """Whether the person's role lets them act for this kind of organisation once they
    belong to it: a participant is raised to it; a representative speaks for institutions
    only, association members and moderators for associations only."""
    if user.role is Role.PARTICIPANT:
        return True
    if organisation.is_institution:
        return user.role is Role.INSTITUTION_REP
    return user.role in ASSOCIATION_ROLES


def can_ask_to_join(user, organisation: Organisation) -> bool:
    """Anyone logged in but admins (they attach themselves in the administration) may ask;
    the service says why a request cannot be made (a member already, a request waiting…)."""
    return _is_user(user) and not is_admin(user)


def shows_join_button(user, organisation: Organisation) -> bool:
    """The "Demander à rejoindre" button: for those who may ask, are not members yet and
    whose role fits the organisation."""
    return (
        can_ask_to_join(user, organisation)
        and organisation.id not in user.organisation_ids()
        and role_fits(user, organisation)
    )


def can_decide_memberships(user, organisation: Organisation) -> bool:
    """The requests to join an organisation are for the members who act for it
    (association members and moderators of an association, representatives of a verified
    institution, their e-mail address confirmed) and for admins."""
    if is_admin(user):
        return True
    mine = association_memberships(user) + institution_memberships(user)
    return organisation.id in {org.id for org in mine}


def can_see_all_membership_requests(user) -> bool:
    """Every organisation's waiting requests, in one list: admins."""
    return is_admin(user)


def awaiting_confirmation(user) -> list[Organisation]:
    """The organisations a person will act for once their e-mail address is confirmed (none
    when it is)."""
    if not _is_user(user) or user.email_confirmed:
        return []
    return association_memberships(user, even_unconfirmed=True) + institution_memberships(
        user, even_unconfirmed=True
    )


MEMBERSHIPS_PREDICATES = {
    "can_ask_to_join": can_ask_to_join,
    "shows_join_button": shows_join_button,
    "can_decide_memberships": can_decide_memberships,
    "can_see_all_membership_requests": can_see_all_membership_requests,
    "awaiting_confirmation": awaiting_confirmation,
}
