"""The minutes area."""

from app.minutes.views import bp

__all__ = ["bp"]
