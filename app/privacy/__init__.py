"""The privacy area: the privacy notice, one's own data, deleting one's account."""

from app.privacy.views import bp

__all__ = ["bp"]
