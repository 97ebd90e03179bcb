"""Meetings in the JSON API."""

from app.api.views import bp  # noqa: F401
