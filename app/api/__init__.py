"""The read-only JSON API: one blueprint, its routes in several modules."""

from app.api import (  # noqa: F401  (their routes join the blueprint)
    contributions,
    events,
    meetings,
    organisations,
    views,
)
from app.api.blueprint import bp

__all__ = ["bp"]
