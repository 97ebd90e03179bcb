"""A person's notifications, the one-click unsubscribe link of the e-mails, and the link
that stops an institution's weekly digest."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import queries
from app.contributions.forms import ConfirmForm
from app.extensions import csrf
from app.services import notifications as service
from app.services import outreach
from app.web.pagination import paginate
from app.web.routes import private

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

PER_PAGE = 30


@bp.get("/")
@private
@login_required
def index():
    """My notifications, newest first, unread ones marked."""
    query = queries.notifications.notifications_of(current_user)
    return render_template(
        "notifications/index.html",
        page=paginate(query, per_page=PER_PAGE),
        form=ConfirmForm(),
        date_label=service.iso_date_label,
    )


@bp.post("/lues")
@private
@login_required
def mark_read():
    """Mark every notification as read."""
    if ConfirmForm().validate_on_submit():
        service.mark_all_read(current_user)
        flash(_("Toutes vos notifications sont marquées comme lues."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/desabonnement/<token>", methods=["GET", "POST"])
@private
@csrf.exempt  # the signed token is the proof; mail clients POST it too (RFC 8058)
def unsubscribe(token: str):
    """Stop e-mails from the link in an e-mail: a page with one button, which POSTs."""
    user = service.user_for_unsubscribe_token(token)
    if user is None:
        return render_template("notifications/unsubscribe_invalid.html"), 400
    if request.method == "POST":
        service.unsubscribe(user)
        return render_template("notifications/unsubscribed.html")
    return render_template("notifications/unsubscribe.html", token=token)


@bp.route("/resume-institution/arret/<token>", methods=["GET", "POST"])
@private
@csrf.exempt  # the signed token is the proof, as for the unsubscribe link above
def stop_institution_digest(token: str):
    """Stop an institution's weekly digest from the link in it: one button, which POSTs."""
    organisation = outreach.organisation_for_digest_token(token)
    if organisation is None:
        return render_template("outreach/digest_stop_invalid.html"), 400
    if request.method == "POST":
        outreach.stop_digest(organisation)
        return render_template("outreach/digest_stopped.html", organisation=organisation)
    return render_template("outreach/digest_stop.html", organisation=organisation, token=token)
