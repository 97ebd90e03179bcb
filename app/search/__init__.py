"""The search area: the site-wide search over everything public, on SQLite or PostgreSQL."""

from app.search.views import bp

__all__ = ["bp"]
