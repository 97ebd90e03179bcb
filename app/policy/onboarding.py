"""Who may invite whom, with which role, and who may take up an invitation.

Like the rest of the policy, pure functions of what callers loaded: no query, no write.
"""

from app.models import Invitation, Organisation, OrganisationKind, Role
from app.policy.core import is_admin

# The roles an invitation may give, by the kind of organisation it joins.
INVITABLE_ROLES = {
    OrganisationKind.ASSOCIATION: (Role.ASSOCIATION_MEMBER, Role.MODERATOR),
    OrganisationKind.SERVICE_PROVIDER: (Role.ASSOCIATION_MEMBER, Role.MODERATOR),
    OrganisationKind.INSTITUTION: (Role.INSTITUTION_REP,),
}
# An accepted invitation raises a person's role to the invited one, never lowers it.
ROLE_RANK = {
    Role.PARTICIPANT: 0,
    Role.ASSOCIATION_MEMBER: 1,
    Role.INSTITUTION_REP: 1,
    Role.MODERATOR: 2,
    Role.ADMIN: 3,
}


def can_invite(user) -> bool:
    """Invitations are sent, re-sent and revoked by admins."""
    return is_admin(user)


def invitable_role(role: Role, organisation: Organisation) -> bool:
    """Members and moderators join associations, representatives institutions."""
    return role in INVITABLE_ROLES[organisation.kind]


def role_conflicts(current: Role, invited: Role) -> bool:
    """One account has one role: an association's member cannot also be an institution's
    representative, nor the other way round (admins may be both)."""
    association_roles = {Role.ASSOCIATION_MEMBER, Role.MODERATOR}
    return (current in association_roles and invited is Role.INSTITUTION_REP) or (
        current is Role.INSTITUTION_REP and invited in association_roles
    )


def role_after_joining(current: Role, invited: Role) -> Role:
    """The role a person has once they accept: the invited one if it ranks higher."""
    return invited if ROLE_RANK[invited] > ROLE_RANK[current] else current


def is_invited_account(user, invitation: Invitation) -> bool:
    """Whether the logged-in person is the account the invitation was e-mailed to."""
    return bool(getattr(user, "is_authenticated", False)) and user.email == invitation.email


ONBOARDING_PREDICATES = {
    "can_invite": can_invite,
    "is_invited_account": is_invited_account,
}
