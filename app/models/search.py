"""The search index: one document per public object and language, the text a search may
find.

Only what anyone may read gets a document (published contributions, proposals, official
responses, organisations, public meetings), and only the text its page shows publicly:
never the author of an anonymous testimony. A proposal, a response or a meeting has one
more document for each language it is translated into (`lang`); a contribution's `lang`
is the one its author wrote in. The full-text index beside it depends on the database
(see app/search/backends.py) and is kept out of the models.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import enum_column, utcnow


class DocumentKind(enum.StrEnum):
    PROPOSAL = "proposal"
    TESTIMONY = "testimony"
    COMMENT = "comment"  # comments and the replies under comments or responses
    RESPONSE = "response"
    ORGANISATION = "organisation"
    MEETING = "meeting"


class SearchDocument(db.Model):
    """The public text of one object, indexed for the site-wide search."""

    __tablename__ = "search_document"
    __table_args__ = (
        sa.UniqueConstraint("kind", "object_id", "lang"),
        # The counts of objects by kind and the one-result-per-object ranking read it
        # instead of each matching row, text and all.
        sa.Index("ix_search_document_match", "id", "kind", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind))
    object_id: Mapped[int]
    # The proposal a contribution or response belongs to, for links and anchors.
    proposal_id: Mapped[int | None] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    # The language of the text: a translation's, a contribution's own, "fr" otherwise.
    lang: Mapped[str] = mapped_column(sa.String(12), default="fr")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
