"""Server-side login sessions: the cookie carries a random token, the database its hash."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import PrivateRecord, utcnow
from app.models.user import User


class UserSession(PrivateRecord, db.Model):
    """One login on one device, revocable from the server.

    Only what the "Mes sessions" list needs is kept: no IP address, no full user agent,
    just the browser's and the system's names ("Firefox", "Android").
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # "Rester connecté·e": a longer absolute lifetime and no inactivity limit.
    remember: Mapped[bool] = mapped_column(default=False)
    browser: Mapped[str | None] = mapped_column(sa.String(40))
    platform: Mapped[str | None] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"
