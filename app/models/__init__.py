"""The domain models; importing this package registers every table."""

from app.models.base import utcnow
from app.models.contribution import (
    Contribution,
    ContributionKind,
    ContributionState,
    DisplayMode,
    Flag,
    FlagReason,
)
from app.models.meeting import Meeting
from app.models.moderation import ModerationAction, ModerationDecision, ModerationReason
from app.models.notification import Notification, NotificationKind, OutboxEmail
from app.models.organisation import Organisation, OrganisationKind, membership
from app.models.proposal import AddressedInstitution, Proposal, ProposalStatus, StatusChange
from app.models.theme import Theme
from app.models.user import PasswordResetToken, Role, User

__all__ = [
    "AddressedInstitution",
    "Contribution",
    "ContributionKind",
    "ContributionState",
    "DisplayMode",
    "Flag",
    "FlagReason",
    "Meeting",
    "ModerationAction",
    "ModerationDecision",
    "ModerationReason",
    "Notification",
    "NotificationKind",
    "Organisation",
    "OrganisationKind",
    "OutboxEmail",
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
