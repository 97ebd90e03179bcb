"""Home page, participation charter, help pages, health check."""

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from app import queries
from app.extensions import db
from app.main.forms import AcceptCharterForm
from app.services import charter as charter_service
from app.web import charter_gate
from app.web.navigation import safe_next
from app.web.routes import private, public, public_page

bp = Blueprint("main", __name__)


@bp.get("/")
@public_page
def index():
    """Workshops, latest proposals and next meetings."""
    latest = queries.proposals.latest_proposals(6)
    return render_template(
        "main/index.html",
        themes=queries.proposals.themes_with_counts(),
        latest=latest,
        meetings=queries.meetings.upcoming_meetings(),
    )


@bp.get("/charte")
@public_page
def charter():
    """The participation charter in force, and its earlier versions."""
    charter = queries.charter.current_charter()
    return _render_charter("main/charter.html", charter, versions=queries.charter.versions())


@bp.get("/charte/versions/<label>")
@public_page
def charter_version(label: str):
    """An earlier version of the charter, as it was."""
    version = queries.charter.version_by_label(label) or abort(404)
    return _render_charter("main/charter.html", version, versions=queries.charter.versions())


def _render_charter(template: str, charter, **context):
    """A charter version in the reader's language: its translations, and the languages it is
    in, read in one statement once everything the page shows is loaded."""
    languages = charter_gate.charter_languages(charter)
    return render_template(template, charter=charter, languages=languages, **context)


@bp.route("/charte/accepter", methods=["GET", "POST"])
@private
@login_required
def accept_charter():
    """A new version is in force: read it and accept it before posting again."""
    form = AcceptCharterForm()
    resending = request.form.get("resend") == "1"
    if form.validate_on_submit():
        charter_service.accept_current(current_user)
        flash(_("Merci, vous avez accepté la charte en vigueur."), "success")
        # 307: the browser sends the kept form (carried along as hidden fields) again.
        return redirect(safe_next(request.args.get("next")), code=307 if resending else 302)
    if resending:
        return charter_gate.accept_then_resend(safe_next(request.args.get("next")), form)
    charter = queries.charter.current_charter()
    return _render_charter("main/accept_charter.html", charter, form=form)


# Help pages, each in a full and an easy-read (FALC) version; the reader's choice is kept.
HELP_PAGES = {
    "comment-ca-marche": "main/help/how_it_works.html",
    "temoigner": "main/help/testify.html",
}


def _easy_read_chosen() -> bool:
    version = request.args.get("version")
    if version in ("facile", "complete"):
        session["easy_read"] = version == "facile"
    return bool(session.get("easy_read"))


@bp.get("/aide", defaults={"slug": "comment-ca-marche"})
@bp.get("/aide/<slug>")
@public_page
def help_page(slug: str):
    """How the site works, and how to leave a testimony, in plain or easy-read French."""
    template = HELP_PAGES.get(slug) or abort(404)
    return render_template(template, slug=slug, easy=_easy_read_chosen())


@bp.get("/healthz")
@public
def healthz():
    """200 when the database answers, 503 otherwise."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify({"status": "unavailable"}), 503
    return jsonify({"status": "ok"})


@bp.get("/readyz")
@public
def readyz():
    """Ready for traffic: each check (database, Redis when configured) and its result;
    Redis down is "degraded" (still 200: the site works without it), the database 503."""
    from app.ops.readiness import report

    body, status = report()
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
