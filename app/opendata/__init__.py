"""The open data area: /donnees, every public dataset as CSV and JSON, under a licence."""

from app.opendata.views import bp

__all__ = ["bp"]
