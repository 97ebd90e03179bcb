"""The directory area."""

from app.directory.views import bp

__all__ = ["bp"]
