"""Answering without an account: the answer links e-mailed to institutions."""

from app.answers.views import bp

__all__ = ["bp"]
