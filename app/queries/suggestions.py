"""Participants' suggestions of proposals: the waiting ones (for associations and
moderators), a person's own, the one a proposal was made of. Never public."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Proposal, Suggestion, SuggestionState, Theme, User

WAITING = SuggestionState.WAITING


def waiting(theme: Theme | None = None):
    """The waiting suggestions, oldest first, with their workshop and author (a select to
    paginate), in one workshop when given."""
    query = (
        sa.select(Suggestion)
        .options(joinedload(Suggestion.theme), joinedload(Suggestion.author))
        .where(Suggestion.state == WAITING)
        .order_by(Suggestion.created_at, Suggestion.id)
    )
    if theme is not None:
        query = query.where(Suggestion.theme_id == theme.id)
    return query


def waiting_count() -> int:
    """How many suggestions wait for an association or a moderator (one query)."""
    return db.session.scalar(
        sa.select(sa.func.count(Suggestion.id)).where(Suggestion.state == WAITING)
    )


def of_author(user: User):
    """A person's own suggestions, newest first, with their workshop, the association that
    took one up and its proposal (a select to paginate)."""
    return (
        sa.select(Suggestion)
        .options(
            joinedload(Suggestion.theme),
            joinedload(Suggestion.organisation),
            joinedload(Suggestion.proposal),
        )
        .where(Suggestion.author_id == user.id)
        .order_by(Suggestion.created_at.desc(), Suggestion.id.desc())
    )


def suggestion(suggestion_id: int) -> Suggestion | None:
    """One suggestion with its workshop and author (one query)."""
    return db.session.get(
        Suggestion,
        suggestion_id,
        options=[joinedload(Suggestion.theme), joinedload(Suggestion.author)],
    )


def same_waiting(author: User, title: str, body: str) -> list[Suggestion]:
    """This person's waiting suggestions with exactly this title and text (a form sent
    twice), oldest first (one query)."""
    return list(
        db.session.scalars(
            sa.select(Suggestion)
            .where(
                Suggestion.author_id == author.id,
                Suggestion.state == WAITING,
                Suggestion.title == title,
                Suggestion.body == body,
            )
            .order_by(Suggestion.id)
        )
    )


def made_into(proposal_id) -> sa.ColumnElement[bool]:
    """The SQL condition for a suggestion taken up as this proposal (an id or a column)."""
    return sa.and_(
        Suggestion.proposal_id == proposal_id, Suggestion.state == SuggestionState.TAKEN_UP
    )


def origin_of(proposal: Proposal) -> Suggestion | None:
    """The suggestion a proposal was made of, with its author, for its credit (one query;
    none when the proposal was loaded knowing it has none, ``Proposal.has_origin``)."""
    if proposal.has_origin is False:
        return None
    return db.session.scalar(
        sa.select(Suggestion)
        .options(joinedload(Suggestion.author))
        .where(made_into(proposal.id))
        .limit(1)
    )
