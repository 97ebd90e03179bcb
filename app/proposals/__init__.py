"""The proposals area."""

from app.proposals.views import bp

__all__ = ["bp"]
