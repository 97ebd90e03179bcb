"""The accounts area."""

from app.accounts.views import bp

__all__ = ["bp"]
