"""The api area."""

from app.api.views import bp

__all__ = ["bp"]
