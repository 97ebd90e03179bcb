"""Paper at the day centre: places, sheets typed in, sheet photos."""

from app.paper.views import bp

__all__ = ["bp"]
