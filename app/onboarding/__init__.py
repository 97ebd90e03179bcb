"""Joining the site from an e-mail: an official address confirmed, an invitation taken up."""

from app.onboarding.views import bp

__all__ = ["bp"]
