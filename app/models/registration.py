"""Registrations waiting for their owner to open the e-mailed link."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import PrivateRecord, utcnow
from app.models.user import User


# Private: a registration not confirmed yet, no page shows it.
class PendingRegistration(PrivateRecord, db.Model):
    """An account asked for but not created yet: the link carries a random token, only its
    hash is stored; the row goes when the account is created or the link has expired."""

    __tablename__ = "pending_registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Not unique: each request gets its own link, and anyone may type any address.
    email: Mapped[str] = mapped_column(sa.String(User.EMAIL_MAX), index=True)
    pseudonym: Mapped[str] = mapped_column(sa.String(User.PSEUDONYM_MAX))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    charter_version: Mapped[str] = mapped_column(sa.String(20))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<PendingRegistration {self.id}>"
