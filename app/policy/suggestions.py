"""Participants' suggestions of proposals: who suggests, who reads the waiting ones, who
takes one up for their association, who declines one, who withdraws it.

A waiting suggestion is not public: its author, the associations' members and the
moderators see it. Like the rest of the policy, these import models only and never query.
"""

from app.models import Suggestion, SuggestionState
from app.policy.core import _is_user, association_memberships, is_moderator


def can_suggest(user) -> bool:
    """Anyone logged in suggests a proposal (the charter accepted, as the route says)."""
    return _is_user(user)


def can_see_suggestions(user) -> bool:
    """The waiting suggestions: the associations' members (who may take one up) and the
    moderators (who may decline one)."""
    return bool(association_memberships(user)) or is_moderator(user)


def _is_author(user, suggestion: Suggestion) -> bool:
    return _is_user(user) and suggestion.author_id == user.id


def can_view_suggestion(user, suggestion: Suggestion) -> bool:
    """Its author, and whoever reads the waiting suggestions."""
    return _is_author(user, suggestion) or can_see_suggestions(user)


def can_take_up(user, suggestion: Suggestion) -> bool:
    """A member of an association, for it, files a proposal made of someone else's
    suggestion (whether it still waits is the service's to say)."""
    return bool(association_memberships(user)) and not _is_author(user, suggestion)


def can_decline_suggestion(user, suggestion: Suggestion) -> bool:
    """Moderators (not the associations' members) decline, with a reason, others'
    suggestions."""
    return is_moderator(user) and not _is_author(user, suggestion)


def is_suggestion_author(user, suggestion: Suggestion) -> bool:
    """Whose suggestion it is, whatever its state (what may be done with it is the
    service's to say)."""
    return _is_author(user, suggestion)


def can_withdraw_suggestion(user, suggestion: Suggestion) -> bool:
    """Its author, while it waits."""
    return _is_author(user, suggestion) and suggestion.state is SuggestionState.WAITING


SUGGESTIONS_PREDICATES = {
    "can_suggest": can_suggest,
    "can_see_suggestions": can_see_suggestions,
    "can_take_up": can_take_up,
    "can_decline_suggestion": can_decline_suggestion,
    "can_withdraw_suggestion": can_withdraw_suggestion,
}
