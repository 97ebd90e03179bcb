"""A guest's receipt: the code typed from paper (``/recu``), the testimony's state
(``/recu/<code>``), its correction while it waits, its withdrawal.

The code in the URL is the only key. An unknown, malformed, forged or lapsed code gets the
same 404 page; lookups are rate-limited per address (RECEIPT_RATE_LIMIT); these pages are
never stored (``@private``), send no Referer and ask search engines to keep out. The
request log writes the route's pattern, never the code (app/ops/logs.py).
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app import policy, queries
from app.contributions.forms import ConfirmForm
from app.contributions.premises import from_premises
from app.extensions import limiter
from app.labels import decision_outcome, moderation_reason_label
from app.models import Contribution
from app.receipts.forms import CodeForm, CorrectionForm
from app.services import ServiceError
from app.services import receipts as service
from app.web.refusals import refuse_on
from app.web.routes import private

bp = Blueprint("receipts", __name__)


def _rate_limit() -> str:
    """Per address; wider on an association's premises, where many guests share one."""
    premises = from_premises()
    return current_app.config["RECEIPT_PREMISES_RATE_LIMIT" if premises else "RECEIPT_RATE_LIMIT"]


# Every page that reads a code counts against one limit per address.
_lookups = limiter.shared_limit(_rate_limit, scope="receipt")


@bp.after_request
def _keep_it_private(response):
    """Nothing of these pages leaves the browser: no copy, no Referer, no index."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _testimony_or_404(code: str) -> Contribution:
    """The testimony a code opens; the same 404 page for every code that opens nothing."""
    contribution = service.find(code)
    if contribution is None:
        abort(404)
    return contribution


@bp.errorhandler(404)
def _unknown_code(_error):
    return render_template("receipts/unknown.html"), 404


@bp.route("/recu", methods=["GET", "POST"])
@private
def lookup():
    """Type the code written on paper: it opens the receipt's page."""
    form = CodeForm()
    if form.validate_on_submit():
        code = service.grouped(service.normalise(form.code.data))
        return redirect(url_for("receipts.show", code=code))
    return render_template("receipts/lookup.html", form=form)


@bp.get("/recu/<code>")
@private
@_lookups
def show(code: str):
    """Where the testimony stands, in words, with the moderators' reason; what one may do."""
    contribution = _testimony_or_404(code)
    decision = queries.receipts.last_decision(contribution)
    return render_template(
        "receipts/show.html",
        contribution=contribution,
        code=service.grouped(service.normalise(code)),
        standing=queries.receipts.standing(contribution),
        decision=decision,
        outcome=decision and decision_outcome(decision.action, contribution.kind),
        reason=decision and moderation_reason_label(decision.reason),
        expires_at=service.expires_at(contribution),
    )


@bp.route("/recu/<code>/corriger", methods=["GET", "POST"])
@private
@_lookups
def correct(code: str):
    """Correct the text while it waits; once decided, the page says it can no longer be."""
    contribution = _testimony_or_404(code)
    code = service.grouped(service.normalise(code))
    form = CorrectionForm(body=contribution.body, seen_version=contribution.version)
    meanwhile = None  # the text saved since the page was opened, shown above the one kept
    if form.validate_on_submit():
        seen = form.seen_version.data or 0
        try:
            service.correct(contribution, form.body.data, seen)
        except ServiceError as error:
            refuse_on(form, error, "body")
            # Changed by the guest in another window, still waiting (a moderator's decision
            # changes the version too, and then nothing may be corrected any more).
            if contribution.version != seen and policy.can_correct_by_receipt(contribution):
                meanwhile = contribution.body
            # The version as it is now, so that the text kept can be sent again.
            form.seen_version.data, form.seen_version.raw_data = contribution.version, None
        else:
            flash(_("Votre témoignage est corrigé. Il attend toujours la relecture."), "success")
            return redirect(url_for("receipts.show", code=code))
    return render_template(
        "receipts/correct.html",
        contribution=contribution,
        code=code,
        form=form,
        meanwhile=meanwhile,
    )


@bp.route("/recu/<code>/retirer", methods=["GET", "POST"])
@private
@_lookups
def withdraw(code: str):
    """Withdraw the testimony, after confirming."""
    contribution = _testimony_or_404(code)
    code = service.grouped(service.normalise(code))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            service.withdraw(contribution)
        except ServiceError as error:
            flash(str(error), "info")
        else:
            flash(_("Votre témoignage est retiré."), "success")
        return redirect(url_for("receipts.show", code=code))
    return render_template(
        "receipts/withdraw.html", contribution=contribution, code=code, form=form
    )
