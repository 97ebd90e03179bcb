"""Translations of what people come to read, and the volunteers who make them.

The original of every translatable text is French (the network's working language). A
`Translation` holds one field of one object in one other site language: its text, who made
it and when, and the original it was made from (`source_hash`, a digest of that French
text, with the text itself so a translator sees what changed). When the original changes,
the translation is `outdated` until someone updates it: pages then show it with a note and
a link to the original. Contributions (testimonies, comments) are never translated: they
are shown as written, in the language their author wrote them in.

Which models and fields may be translated is said once, in `TRANSLATABLE`.
"""

import enum
import hashlib
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import PrivateRecord, enum_column, utcnow
from app.models.user import User

ORIGINAL_LANGUAGE = "fr"


class TranslatedKind(enum.StrEnum):
    PROPOSAL = "proposal"
    RESPONSE = "response"
    COMMITMENT = "commitment"
    STATED_POSITION = "stated_position"
    UPDATE = "update"
    THEME = "theme"
    EVENT = "event"
    CHARTER = "charter"
    CHARTER_ARTICLE = "charter_article"
    MEETING = "meeting"


# kind → (model's import path, translatable fields in the order the form shows them).
# Kept as names so this module imports no other model module (no import cycle).
TRANSLATABLE: dict[TranslatedKind, tuple[str, tuple[str, ...]]] = {
    TranslatedKind.PROPOSAL: ("Proposal", ("title", "easy_read", "body")),
    TranslatedKind.RESPONSE: ("OfficialResponse", ("easy_read", "body")),
    TranslatedKind.COMMITMENT: ("Commitment", ("action",)),
    TranslatedKind.STATED_POSITION: ("StatedPosition", ("words",)),
    TranslatedKind.UPDATE: ("ProgressUpdate", ("body",)),
    TranslatedKind.THEME: ("Theme", ("name", "description")),
    TranslatedKind.EVENT: (
        "Event",
        ("name", "summary", "advances", "obstacles", "next_steps"),
    ),
    TranslatedKind.CHARTER: ("CharterVersion", ("introduction",)),
    TranslatedKind.CHARTER_ARTICLE: ("CharterArticle", ("title", "body")),
    TranslatedKind.MEETING: ("Meeting", ("title", "description", "agenda")),
}


def source_digest(text: str) -> str:
    """A digest of an original's text: equal digests, same original (spaces at the ends
    and Windows line ends do not count as a change)."""
    normalised = (text or "").replace("\r\n", "\n").strip()
    return hashlib.sha256(normalised.encode()).hexdigest()


class Translation(db.Model):
    """One field of one object in one language other than the original's."""

    __tablename__ = "translation"
    __table_args__ = (
        sa.UniqueConstraint("kind", "object_id", "field", "lang"),
        # A page's translations: one language, one kind, the objects it shows.
        sa.Index("ix_translation_lang_kind_object", "lang", "kind", "object_id"),
    )
    FIELD_MAX = 40
    TEXT_MAX = 20_000

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TranslatedKind] = mapped_column(enum_column(TranslatedKind))
    object_id: Mapped[int]
    field: Mapped[str] = mapped_column(sa.String(FIELD_MAX))
    lang: Mapped[str] = mapped_column(sa.String(12))
    text: Mapped[str] = mapped_column(sa.Text)
    # The original this was translated from: its digest and its text at the time.
    source_hash: Mapped[str] = mapped_column(sa.String(64))
    source_text: Mapped[str] = mapped_column(sa.Text, default="")
    outdated: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    translator_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    # Made by the network itself (the demonstration's translations): no person named.
    by_network: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Each save adds one: a form posted from an older revision is told someone else saved.
    # The ORM's version counter: every UPDATE says ``WHERE revision = <the one read>``, so
    # of two saves at the same instant the second matches no row and is refused.
    revision: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    translator: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": revision}

    def is_current_for(self, original: str) -> bool:
        return not self.outdated and self.source_hash == source_digest(original)


class Translator(PrivateRecord, db.Model):
    """A volunteer an admin asked to translate into one language."""

    __tablename__ = "translator"
    __table_args__ = (sa.UniqueConstraint("user_id", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(sa.String(12))
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])


class ReadTally(PrivateRecord, db.Model):
    """How many times a page was read (no reader recorded): the translators' queue shows
    the most read first. Private: counting a read never drops the cached pages."""

    __tablename__ = "read_tally"
    __table_args__ = (sa.UniqueConstraint("kind", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TranslatedKind] = mapped_column(enum_column(TranslatedKind))
    object_id: Mapped[int]
    reads: Mapped[int] = mapped_column(sa.BigInteger, default=0)
