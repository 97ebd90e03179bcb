"""Paper at the day centre: the photo of a testimony's paper sheet, for moderators only."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import PrivateRecord, utcnow
from app.models.contribution import Contribution


class PaperSheetPhoto(PrivateRecord, db.Model):
    """A photo of the paper sheet a testimony was typed from: moderators compare, then it is
    deleted with the moderation decision. Never public; streamed, never loaded whole."""

    MEDIA_TYPE_MAX = 100

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contribution.id", ondelete="CASCADE"), unique=True
    )
    media_type: Mapped[str] = mapped_column(sa.String(MEDIA_TYPE_MAX))
    size: Mapped[int]
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contribution: Mapped[Contribution] = relationship(
        backref=sa.orm.backref("paper_photo", uselist=False, passive_deletes=True)
    )
