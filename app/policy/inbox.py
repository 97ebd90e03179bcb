"""Who may open an institution's inbox (``/espace-institution``): its representatives, and
the network's coordinators for any institution."""

from app.models import Organisation
from app.policy.core import institution_memberships, is_admin


def can_open_inbox(user) -> bool:
    """Representatives of a verified institution, and admins (who choose the institution)."""
    return is_admin(user) or bool(institution_memberships(user))


def can_view_inbox(user, institution: Organisation) -> bool:
    """The institution's own representatives; admins, any institution's."""
    if not institution.is_institution:
        return False
    return is_admin(user) or institution in institution_memberships(user)


def acts_in_inbox(user, institution: Organisation) -> bool:
    """Whether the inbox's lines lead to the answer and commitment forms: only the
    institution speaks for itself; an admin sees the same lines as links to the proposals."""
    return institution.is_institution and institution in institution_memberships(user)


INBOX_PREDICATES = {
    "can_open_inbox": can_open_inbox,
    "can_view_inbox": can_view_inbox,
    "acts_in_inbox": acts_in_inbox,
}
