"""The domain models; importing this package registers every table."""

from app.models.base import paris_today, utcnow
from app.models.contribution import (
    Contribution,
    ContributionKind,
    ContributionState,
    DisplayMode,
    Flag,
    FlagReason,
)
from app.models.follow import Follow, ProgressUpdate
from app.models.meeting import Meeting
from app.models.moderation import ModerationAction, ModerationDecision, ModerationReason
from app.models.notification import Notification, NotificationKind, OutboxEmail
from app.models.organisation import Organisation, OrganisationKind, membership
from app.models.proposal import AddressedInstitution, Proposal, ProposalStatus, StatusChange
from app.models.response import (
    OPEN_COMMITMENT_STATES,
    Commitment,
    CommitmentState,
    OfficialResponse,
    Position,
    ResponseVersion,
)
from app.models.theme import Theme
from app.models.user import EmailFrequency, PasswordResetToken, Role, User

__all__ = [
    "OPEN_COMMITMENT_STATES",
    "AddressedInstitution",
    "Commitment",
    "CommitmentState",
    "Contribution",
    "ContributionKind",
    "ContributionState",
    "DisplayMode",
    "EmailFrequency",
    "Flag",
    "FlagReason",
    "Follow",
    "Meeting",
    "ModerationAction",
    "ModerationDecision",
    "ModerationReason",
    "Notification",
    "NotificationKind",
    "OfficialResponse",
    "Organisation",
    "OrganisationKind",
    "OutboxEmail",
    "PasswordResetToken",
    "Position",
    "ProgressUpdate",
    "Proposal",
    "ProposalStatus",
    "ResponseVersion",
    "Role",
    "StatusChange",
    "Theme",
    "User",
    "membership",
    "paris_today",
    "utcnow",
]
