"""The contributions area."""

from app.contributions.views import bp

__all__ = ["bp"]
