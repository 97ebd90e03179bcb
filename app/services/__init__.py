"""Use cases of the site, one function each.

A service checks the policy again, changes the models, writes the timeline, and commits
once at its end: the commit happens here and nowhere else (never in views or models).
A service refuses a forbidden action by raising ``PermissionDenied``.
What pages, the API, search and exports read lives in ``app.queries``, by area.
"""


class PermissionDenied(Exception):
    """The policy refused the action."""


class ServiceError(ValueError):
    """A use case cannot go on; the message is shown to the person (already translated)."""
