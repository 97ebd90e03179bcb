"""The main area."""

from app.main.views import bp

__all__ = ["bp"]
