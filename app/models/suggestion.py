"""Participants' suggestions of proposals: held until an association takes one up (and
carries the proposal made of it) or a moderator declines it with a reason."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import enum_column, utcnow
from app.models.contribution import DisplayMode
from app.models.organisation import Organisation
from app.models.proposal import Proposal
from app.models.theme import Theme
from app.models.user import User


class SuggestionState(enum.StrEnum):
    WAITING = "waiting"
    TAKEN_UP = "taken_up"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Suggestion(db.Model):
    """What a participant suggests the network should propose. Not public while it waits:
    associations and moderators see it; the person sees their own."""

    TITLE_MAX = 200
    BODY_MAX = 5000  # text (no size in the database)
    REASON_MAX = 2000

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    # How the person is credited on the proposal made of it: pseudonym or anonymous.
    display_mode: Mapped[DisplayMode] = mapped_column(
        enum_column(DisplayMode), default=DisplayMode.PSEUDONYM
    )
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    body: Mapped[str] = mapped_column(sa.Text)
    lang: Mapped[str] = mapped_column(sa.String(12), default="fr", server_default="fr")
    theme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("theme.id", ondelete="SET NULL"))
    state: Mapped[SuggestionState] = mapped_column(
        enum_column(SuggestionState), default=SuggestionState.WAITING, index=True
    )
    # Taken up: the association that carries it and the proposal made of it.
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL")
    )
    proposal_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("proposal.id", ondelete="SET NULL"), index=True
    )
    # Taken up or declined: by whom, when, and (declined) why.
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    theme: Mapped[Theme | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    proposal: Mapped[Proposal | None] = relationship()
