"""The page an answer link opens: an institution's staff post its official response."""

from flask import Blueprint, abort

from app.web.routes import private

bp = Blueprint("answers", __name__)


@bp.route("/repondre/<token>", methods=["GET", "POST"])
@private
def answer(token: str):
    """The response form an answer link opens (being built)."""
    abort(404)
