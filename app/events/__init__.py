"""The network's events (assises, thematic days): their pages and their admin."""

from app.events.views import bp

__all__ = ["bp"]
