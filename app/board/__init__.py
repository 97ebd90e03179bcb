"""The board area: the accountability board (tableau de suivi) and the synthesis (bilan)."""

from app.board.views import bp

__all__ = ["bp"]
