"""Working-group meetings: upcoming and past."""

from flask import Blueprint, abort, render_template
from sqlalchemy.orm import joinedload

from app import queries
from app.extensions import db
from app.models import Meeting
from app.pagination import paginate

bp = Blueprint("meetings", __name__, url_prefix="/reunions")


@bp.get("/")
def index():
    """Upcoming meetings, then past ones (paginated)."""
    upcoming = db.session.scalars(queries.meetings_page(upcoming=True).limit(50)).all()
    past = paginate(queries.meetings_page(upcoming=False), per_page=20)
    return render_template("meetings/index.html", upcoming=upcoming, past=past)


@bp.get("/<int:meeting_id>")
def show(meeting_id: int):
    """A meeting: when, where, which working group."""
    meeting = db.session.get(
        Meeting, meeting_id, options=[joinedload(Meeting.theme), joinedload(Meeting.host)]
    )
    if meeting is None:
        abort(404)
    return render_template("meetings/show.html", meeting=meeting)
