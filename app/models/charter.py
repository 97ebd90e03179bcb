"""The participation charter: versions edited by admins, each made of numbered articles."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import utcnow


class CharterVersion(db.Model):
    """One published version of the charter; the newest is the one in force."""

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(sa.String(20), unique=True)
    introduction: Mapped[str] = mapped_column(sa.Text, default="")
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )

    articles: Mapped[list["CharterArticle"]] = relationship(
        back_populates="version", order_by="CharterArticle.number", cascade="all, delete-orphan"
    )


class CharterArticle(db.Model):
    """A numbered article, which moderation decisions can refer to."""

    __table_args__ = (sa.UniqueConstraint("version_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("charter_version.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)

    version: Mapped[CharterVersion] = relationship(back_populates="articles")
