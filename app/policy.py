"""Who may do what: every permission of the site, decided here and nowhere else.

Views call ``require(...)``; services check the same predicates again; templates get them
through the ``policy`` global so buttons hide by the rule they would be refused by.
"""

from flask import abort

from app.models import Organisation, Proposal, Role, User

ASSOCIATION_ROLES = frozenset({Role.ASSOCIATION_MEMBER, Role.MODERATOR})


def _is_user(user) -> bool:
    return isinstance(user, User) and user.is_authenticated and user.is_active


def is_admin(user) -> bool:
    """The network's coordinators."""
    return _is_user(user) and user.role is Role.ADMIN


def association_memberships(user) -> list[Organisation]:
    """The associations a person may act for (all of them for an admin)."""
    if not _is_user(user):
        return []
    if is_admin(user):
        return [org for org in user.organisations if org.is_association]
    if user.role not in ASSOCIATION_ROLES:
        return []
    return [org for org in user.organisations if org.is_association]


def can_create_proposal(user) -> bool:
    """Association members with an association, and admins."""
    return is_admin(user) or bool(association_memberships(user))


def can_edit_proposal(user, proposal: Proposal) -> bool:
    """Its author, members of its association, and admins."""
    if is_admin(user):
        return True
    if not _is_user(user) or user.role not in ASSOCIATION_ROLES:
        return False
    if proposal.author_id == user.id:
        return True
    return proposal.organisation_id in {org.id for org in association_memberships(user)}


def can_change_status(user, proposal: Proposal) -> bool:
    """Whoever may edit a proposal may move it along its life cycle."""
    return can_edit_proposal(user, proposal)


def can_act_for_organisation(user, organisation: Organisation | None) -> bool:
    """Whether a proposal may be filed in the name of this organisation."""
    if organisation is None:
        return is_admin(user)
    if is_admin(user):
        return organisation.is_association
    return organisation in association_memberships(user)


def can_administer(user) -> bool:
    """Organisations, verification, roles and themes."""
    return is_admin(user)


def require(allowed: bool) -> None:
    """Stop the request with 403 unless the policy allowed it."""
    if not allowed:
        abort(403)


TEMPLATE_PREDICATES = {
    "is_admin": is_admin,
    "can_create_proposal": can_create_proposal,
    "can_edit_proposal": can_edit_proposal,
    "can_change_status": can_change_status,
    "can_administer": can_administer,
}
