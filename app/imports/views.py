"""Importing an event's proposals: the file sent, its preview, then the confirmation.

Nothing is written before the admin confirms. The preview carries the rows it shows,
signed (app/imports/sealing.py); the confirmation checks them against the database again
and shows the preview anew when anything changed since.
"""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.exceptions import BadRequest

from app import policy, queries
from app.extensions import db
from app.imports.forms import ConfirmForm, UploadForm
from app.imports.rows import SheetRow, check_rows, sheet_rows
from app.imports.sealing import SealBroken, seal, unseal
from app.imports.spreadsheet import SpreadsheetProblem, read_upload
from app.models import Event, Proposal
from app.services import ServiceError
from app.services.proposal_imports import import_proposals
from app.web.incoming import megabytes, takes_file
from app.web.loading import event_or_404
from app.web.routes import private

bp = Blueprint("imports", __name__, url_prefix="/admin/evenements")


class PreviewNoLongerValid(BadRequest):
    page_message = _l(
        "Cet aperçu n’est plus valable (modifié, trop ancien ou d’un autre événement). "
        "Rien n’a été enregistré : importez le fichier de nouveau."
    )


@bp.before_request
@login_required
def _importers_only():
    policy.require(policy.can_import_proposals(current_user))


@bp.route("/<slug>/import", methods=["GET", "POST"])
@private
@takes_file("IMPORT_MAX_BYTES")
def upload(slug: str):
    """Send a spreadsheet of the event's proposals: the preview of what it would create."""
    event = event_or_404(slug)
    form = UploadForm()
    if form.validate_on_submit():
        try:
            table = read_upload(form.file.data.stream, current_app.config["IMPORT_MAX_BYTES"])
            rows = sheet_rows(table, current_app.config["IMPORT_MAX_ROWS"])
        except SpreadsheetProblem as problem:
            form.file.errors.append(str(problem))
        else:
            return _preview(event, rows)
    return render_template(
        "imports/upload.html",
        form=form,
        event=event,
        max_size=megabytes(current_app.config["IMPORT_MAX_BYTES"]),
        max_rows=current_app.config["IMPORT_MAX_ROWS"],
        title_max=Proposal.TITLE_MAX,
    )


def _preview(event: Event, rows: list[SheetRow], changed: bool = False):
    preview = check_rows(rows, queries.proposal_imports.catalogue(event))
    form = ConfirmForm(formdata=None, rows=seal(event, rows, preview.new_lines()))
    return render_template(
        "imports/preview.html", event=event, preview=preview, form=form, changed=changed
    )


@bp.post("/<slug>/import/confirmer")
@private
@takes_file("IMPORT_MAX_BYTES", files=False)
def confirm(slug: str):
    """Create the previewed new rows, all in one transaction, if nothing changed since."""
    event = event_or_404(slug)
    form = ConfirmForm()
    if not form.validate_on_submit():
        raise PreviewNoLongerValid()
    try:
        rows, new_lines = unseal(event, form.rows.data)
    except SealBroken:
        raise PreviewNoLongerValid() from None
    preview = check_rows(rows, queries.proposal_imports.catalogue(event))
    if not new_lines or preview.new_lines() != new_lines:
        return _preview(event, rows, changed=True)
    try:
        created = import_proposals(event, preview.rows, current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _preview(event, rows, changed=True)
    count = len(created)
    flash(
        ngettext("%(num)d proposition importée.", "%(num)d propositions importées.", count),
        "success",
    )
    return redirect(url_for("proposals.index", evenement=event.slug))
