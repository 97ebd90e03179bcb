"""Who may do what with paper at the day centre: an association's places, the testimonies
typed in from paper sheets, the photos of those sheets.

Like the rest of the policy, they import models only and never query.
"""

from app.models import Contribution, Organisation
from app.policy.core import association_memberships, can_moderate, is_admin


def can_manage_places(user, organisation: Organisation) -> bool:
    """An association's members name its places; admins too. Institutions have none."""
    if not organisation.is_association:
        return False
    if is_admin(user):
        return True
    return organisation.id in {org.id for org in association_memberships(user)}


def can_enter_paper(user) -> bool:
    """Typing in paper testimonies: members of an association, for their association."""
    return bool(association_memberships(user))


def can_see_sheet_photo(user, contribution: Contribution) -> bool:
    """The photo of a paper sheet: only those who may moderate the testimony typed from it."""
    return contribution.on_paper and can_moderate(user, contribution)


PAPER_PREDICATES = {
    "can_manage_places": can_manage_places,
    "can_enter_paper": can_enter_paper,
    "can_see_sheet_photo": can_see_sheet_photo,
}
