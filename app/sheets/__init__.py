"""Paper for the day centre: a printable sheet per proposal, a poster per workshop and event."""

from app.sheets.views import bp

__all__ = ["bp"]
