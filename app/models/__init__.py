"""The domain models; importing this package registers every table."""

from app.models.audio import AudioRecording, AudioState
from app.models.audit import AuditAction, AuditEvent
from app.models.base import paris_today, utcnow
from app.models.charter import CharterArticle, CharterVersion
from app.models.concern import ConcernMark, ConcernTally
from app.models.content_version import ContentVersion
from app.models.contribution import (
    Contribution,
    ContributionKind,
    ContributionState,
    DisplayMode,
    Flag,
    FlagReason,
)
from app.models.event import Event, EventKind
from app.models.follow import Follow, ProgressUpdate
from app.models.meeting import (
    AmendmentState,
    Meeting,
    MeetingKind,
    MeetingRegistration,
    Minutes,
    MinutesAmendment,
    MinutesState,
    MinutesVersion,
    meeting_proposal,
)
from app.models.moderation import ModerationAction, ModerationDecision, ModerationReason
from app.models.notification import Notification, NotificationKind, OutboxEmail
from app.models.onboarding import Invitation, MembershipRequest, RequestState
from app.models.organisation import (
    Organisation,
    OrganisationKind,
    membership,
    organisation_theme,
)
from app.models.outreach import AnswerLink, InboxVisit, InstitutionReminder
from app.models.paper import PaperSheetPhoto
from app.models.place import Place
from app.models.proposal import (
    AddressedInstitution,
    AddressedTally,
    Cosignature,
    Proposal,
    ProposalStatus,
    ProposalTally,
    StatusChange,
    StatusChangeTally,
)
from app.models.registration import PendingRegistration
from app.models.response import (
    ASSOCIATION_POSITIONS,
    INSTITUTION_POSITIONS,
    OPEN_COMMITMENT_STATES,
    RECORDED_CHANNELS,
    Commitment,
    CommitmentState,
    CommitmentTally,
    OfficialResponse,
    Position,
    ReceivedVia,
    ResponseAttachment,
    ResponseTally,
    ResponseVersion,
    positions_for,
)
from app.models.search import DocumentKind, SearchDocument
from app.models.session import UserSession
from app.models.stated_position import StatedPosition
from app.models.suggestion import Suggestion, SuggestionState
from app.models.theme import Theme
from app.models.translation import (
    ORIGINAL_LANGUAGE,
    TRANSLATABLE,
    ReadTally,
    TranslatedKind,
    Translation,
    Translator,
    source_digest,
)
from app.models.user import EmailFrequency, PasswordResetToken, Role, User, moderator_theme

__all__ = [
    "ASSOCIATION_POSITIONS",
    "INSTITUTION_POSITIONS",
    "OPEN_COMMITMENT_STATES",
    "ORIGINAL_LANGUAGE",
    "RECORDED_CHANNELS",
    "TRANSLATABLE",
    "AddressedInstitution",
    "AddressedTally",
    "AmendmentState",
    "AnswerLink",
    "AudioRecording",
    "AudioState",
    "AuditAction",
    "AuditEvent",
    "CharterArticle",
    "CharterVersion",
    "Commitment",
    "CommitmentState",
    "CommitmentTally",
    "ConcernMark",
    "ConcernTally",
    "ContentVersion",
    "Contribution",
    "ContributionKind",
    "ContributionState",
    "Cosignature",
    "DisplayMode",
    "DocumentKind",
    "EmailFrequency",
    "Event",
    "EventKind",
    "Flag",
    "FlagReason",
    "Follow",
    "InboxVisit",
    "InstitutionReminder",
    "Invitation",
    "Meeting",
    "MeetingKind",
    "MeetingRegistration",
    "MembershipRequest",
    "Minutes",
    "MinutesAmendment",
    "MinutesState",
    "MinutesVersion",
    "ModerationAction",
    "ModerationDecision",
    "ModerationReason",
    "Notification",
    "NotificationKind",
    "OfficialResponse",
    "Organisation",
    "OrganisationKind",
    "OutboxEmail",
    "PaperSheetPhoto",
    "PasswordResetToken",
    "PendingRegistration",
    "Place",
    "Position",
    "ProgressUpdate",
    "Proposal",
    "ProposalStatus",
    "ProposalTally",
    "ReadTally",
    "ReceivedVia",
    "RequestState",
    "ResponseAttachment",
    "ResponseTally",
    "ResponseVersion",
    "Role",
    "SearchDocument",
    "StatedPosition",
    "StatusChange",
    "StatusChangeTally",
    "Suggestion",
    "SuggestionState",
    "Theme",
    "TranslatedKind",
    "Translation",
    "Translator",
    "User",
    "UserSession",
    "meeting_proposal",
    "membership",
    "moderator_theme",
    "organisation_theme",
    "paris_today",
    "positions_for",
    "source_digest",
    "utcnow",
]
