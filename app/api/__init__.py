"""The read-only JSON API: one blueprint, its routes in several modules."""

from app.api import contributions, events, meetings, organisations  # noqa: F401  (their routes join the blueprint)
from app.api.blueprint import bp

__all__ = ["bp"]
