"""The notifications area."""

from app.notifications.views import bp

__all__ = ["bp"]
