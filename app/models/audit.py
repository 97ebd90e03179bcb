"""The durable audit trail of administration and of views of protected identities."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import PrivateRecord, enum_column, utcnow
from app.models.user import User


class AuditAction(enum.StrEnum):
    ORGANISATION_CREATED = "organisation_created"
    ORGANISATION_UPDATED = "organisation_updated"
    ORGANISATION_VERIFIED = "organisation_verified"
    ORGANISATION_UNVERIFIED = "organisation_unverified"
    USER_ROLE_CHANGED = "user_role_changed"
    USER_BLOCKED = "user_blocked"
    USER_UNBLOCKED = "user_unblocked"
    USER_MEMBERSHIPS_CHANGED = "user_memberships_changed"
    ADMIN_CREATED = "admin_created"
    THEME_CREATED = "theme_created"
    THEME_UPDATED = "theme_updated"
    CHARTER_PUBLISHED = "charter_published"
    # A moderator or admin was shown who is behind an anonymous, guest or assisted testimony.
    IDENTITY_VIEWED = "identity_viewed"
    # A hidden contribution reworded by its author, back in the moderation queue.
    CONTRIBUTION_REWORDED = "contribution_reworded"
    # An event of the network (assises, thematic day) recorded or its record changed.
    EVENT_CREATED = "event_created"
    EVENT_UPDATED = "event_updated"
    # Institutions and onboarding.
    ANSWER_LINK_REVOKED = "answer_link_revoked"
    RESPONSE_RECORDED = "response_recorded"
    OFFICIAL_EMAIL_SET = "official_email_set"
    OFFICIAL_EMAIL_VERIFIED = "official_email_verified"
    INVITATION_SENT = "invitation_sent"
    INVITATION_REVOKED = "invitation_revoked"
    MEMBERSHIP_REQUEST_DECIDED = "membership_request_decided"
    MODERATOR_THEMES_CHANGED = "moderator_themes_changed"
    # Translators named or no longer named for a language.
    TRANSLATOR_NAMED = "translator_named"
    TRANSLATOR_REMOVED = "translator_removed"
    # Translations saved or taken down, a proposal's easy-read summary written.
    TRANSLATION_SAVED = "translation_saved"
    TRANSLATION_REMOVED = "translation_removed"
    EASY_READ_WRITTEN = "easy_read_written"
    # A guest corrected or withdrew their testimony through their receipt (no actor).
    GUEST_TESTIMONY_CORRECTED = "guest_testimony_corrected"
    GUEST_TESTIMONY_WITHDRAWN = "guest_testimony_withdrawn"
    # A moderator wrote or corrected the transcript of a spoken testimony.
    TRANSCRIPT_WRITTEN = "transcript_written"
    # A participant's suggestion taken up by an association, or declined by a moderator.
    SUGGESTION_TAKEN_UP = "suggestion_taken_up"
    SUGGESTION_DECLINED = "suggestion_declined"
    # How many people an association met who are concerned by a proposal.
    CONCERN_TALLY_RECORDED = "concern_tally_recorded"
    CONCERN_TALLY_CHANGED = "concern_tally_changed"
    CONCERN_TALLY_DELETED = "concern_tally_deleted"


class AuditEvent(PrivateRecord, db.Model):
    """One audited action. Rows are only ever added; ``details`` holds ids, codes and field
    names, never free text a person wrote (no testimony, no e-mail address)."""

    __table_args__ = (sa.Index("ix_audit_event_action_created", "action", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction, length=40))
    target_type: Mapped[str] = mapped_column(sa.String(40))
    target_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[User | None] = relationship()
