"""The responses area."""

from app.responses.views import bp

__all__ = ["bp"]
