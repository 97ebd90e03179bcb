"""The meetings area."""

from app.meetings.views import bp

__all__ = ["bp"]
