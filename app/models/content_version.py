"""One row whose value changes whenever published content may have changed."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class ContentVersion(db.Model):
    """The page cache's key (app/web/page_cache.py): a new random value at every commit that
    wrote content, in the same transaction as the content. Several app servers share it
    through the database, so a page cached by one is dropped by all when anything changes.
    """

    __tablename__ = "content_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger)
