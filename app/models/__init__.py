"""The domain models; importing this package registers every table."""

from app.models.base import utcnow
from app.models.meeting import Meeting
from app.models.organisation import Organisation, OrganisationKind, membership
from app.models.proposal import AddressedInstitution, Proposal, ProposalStatus, StatusChange
from app.models.theme import Theme
from app.models.user import PasswordResetToken, Role, User

__all__ = [
    "AddressedInstitution",
    "Meeting",
    "Organisation",
    "OrganisationKind",
    "PasswordResetToken",
    "Proposal",
    "ProposalStatus",
    "Role",
    "StatusChange",
    "Theme",
    "User",
    "membership",
    "utcnow",
]
