"""Home page, participation charter, health check."""

import sqlalchemy as sa
from flask import Blueprint, jsonify, render_template
from sqlalchemy.exc import SQLAlchemyError

from app import queries
from app.extensions import db

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """Workshops, latest proposals and next meetings."""
    latest = db.session.scalars(queries.proposal_list_query().limit(6)).unique().all()
    return render_template(
        "main/index.html",
        themes=queries.themes_with_counts(),
        latest=latest,
        meetings=queries.upcoming_meetings(),
    )


@bp.get("/charte")
def charter():
    """The participation charter every account accepts."""
    return render_template("main/charter.html")


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 otherwise."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify({"status": "unavailable"}), 503
    return jsonify({"status": "ok"})
