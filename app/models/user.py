"""People with an account, and their password-reset tokens."""

import enum
import unicodedata
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.extensions import db
from app.models.base import PrivateRecord, enum_column, utcnow
from app.models.organisation import Organisation, membership
from app.models.theme import Theme

moderator_theme = sa.Table(
    "moderator_theme",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "theme_id", sa.ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class Role(enum.StrEnum):
    PARTICIPANT = "participant"
    ASSOCIATION_MEMBER = "association_member"
    MODERATOR = "moderator"
    INSTITUTION_REP = "institution_rep"
    ADMIN = "admin"


def pseudonym_key(pseudonym: str) -> str:
    """The form in which two pseudonyms are compared: trimmed, NFKC, case-folded."""
    return unicodedata.normalize("NFKC", pseudonym.strip()).casefold()


class EmailFrequency(enum.StrEnum):
    IMMEDIATE = "immediate"
    DAILY = "daily"
    NEVER = "never"


class User(UserMixin, db.Model):
    """A registered person; the e-mail is private, the pseudonym is public."""

    # Longest texts, in characters, said once: the column's size, the forms' limit.
    EMAIL_MAX = 254
    PSEUDONYM_MAX = 40

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(EMAIL_MAX), unique=True)
    pseudonym: Mapped[str] = mapped_column(sa.String(PSEUDONYM_MAX))
    # Case- and accent-insensitive form, unique, so "Élodie" and "élodie" cannot coexist.
    pseudonym_key: Mapped[str] = mapped_column(sa.String(PSEUDONYM_MAX), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.PARTICIPANT)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    charter_version: Mapped[str] = mapped_column(sa.String(20))
    charter_accepted_at: Mapped[datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(default=True)
    email_frequency: Mapped[EmailFrequency] = mapped_column(
        enum_column(EmailFrequency),
        default=EmailFrequency.IMMEDIATE,
        server_default=EmailFrequency.IMMEDIATE.value,
    )
    last_digest_at: Mapped[datetime | None]
    # When the person proved the address is theirs (the registration or invitation link,
    # opened): until then they may not act under an organisation's name.
    email_confirmed_at: Mapped[datetime | None]
    # Moderators: how often they hear that items are waiting (at once, daily, never), and
    # when they last did.
    moderation_alerts: Mapped[EmailFrequency] = mapped_column(
        enum_column(EmailFrequency),
        default=EmailFrequency.DAILY,
        server_default=EmailFrequency.DAILY.value,
    )
    moderation_alerted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Set when the person deleted their account: the row stays (their public contributions
    # and the moderation log point to it) but holds nothing personal any more.
    deleted_at: Mapped[datetime | None]

    organisations: Mapped[list[Organisation]] = relationship(
        secondary=membership, back_populates="members", order_by=Organisation.name
    )
    # The workshops a moderator looks after ("my workshops" in the queue); none: all.
    moderated_themes: Mapped[list[Theme]] = relationship(
        secondary=moderator_theme, order_by=Theme.position
    )
    # The languages an admin asked this person to translate into.
    translator_roles: Mapped[list["Translator"]] = relationship(  # noqa: F821
        foreign_keys="Translator.user_id", viewonly=True
    )

    @validates("pseudonym")
    def _keep_pseudonym_key(self, _key: str, value: str) -> str:
        self.pseudonym_key = pseudonym_key(value)
        return value

    @property
    def is_active(self) -> bool:  # Flask-Login refuses blocked accounts
        return self.active

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def public_name(self) -> str:
        """The name shown wherever this person appears: "Compte supprimé" once deleted."""
        if self.deleted_at is not None:
            return str(_l("Compte supprimé"))
        return self.pseudonym

    def organisation_ids(self) -> set[int]:
        return {org.id for org in self.organisations}

    def __repr__(self) -> str:
        return f"<User {self.id} {self.pseudonym}>"


class PasswordResetToken(PrivateRecord, db.Model):
    """A single-use, expiring password-reset link; only its hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
