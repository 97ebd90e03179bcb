"""Paper at the day centre: an association's places, the sitting where its members type in
the paper sheets collected, and the photo of a sheet for the moderators."""

from contextlib import suppress
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app import policy, queries
from app.contributions.forms import ConfirmForm
from app.extensions import db
from app.models import Organisation, Place
from app.paper.forms import MOST_SHEETS, PaperBatchForm, PlaceForm
from app.services import ServiceError
from app.services import paper as service
from app.web.ids import possible_ids
from app.web.incoming import megabytes, takes_file
from app.web.refusals import refuse, refuse_on
from app.web.routes import private, requires_charter

bp = Blueprint("paper", __name__)


def _association_or_404(slug: str) -> Organisation:
    return queries.directory.organisation_page(slug) or abort(404)


def _managed_association(slug: str) -> Organisation:
    """The association whose places the current user manages (404, or 403 when not theirs)."""
    organisation = _association_or_404(slug)
    policy.require(policy.can_manage_places(current_user, organisation))
    return organisation


def _managed_place(slug: str, place_id: int) -> Place:
    """One place of an association the current user manages."""
    organisation = _managed_association(slug)
    return queries.paper.place_of(organisation, place_id) or abort(404)


def _confirmed_place(slug: str, place_id: int) -> Place:
    """A managed place, for an action confirmed by its form (400 without)."""
    place = _managed_place(slug, place_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return place


@bp.route("/organisations/<slug>/lieux", methods=["GET", "POST"])
@private
@requires_charter
@login_required
def places(slug: str):
    """The association's places: listed, and a new one added."""
    organisation = _managed_association(slug)
    form = PlaceForm()
    if form.validate_on_submit():
        try:
            service.add_place(current_user, organisation, form.name.data, form.address.data or "")
        except ServiceError as error:
            refuse_on(form, error, "name")
        else:
            flash(_("Le lieu est ajouté."), "success")
            return redirect(url_for("paper.places", slug=organisation.slug))
    return render_template(
        "paper/places.html",
        organisation=organisation,
        places=queries.paper.places_of(organisation),
        form=form,
        confirm=ConfirmForm(),
    )


@bp.route("/organisations/<slug>/lieux/<int:place_id>", methods=["GET", "POST"])
@private
@requires_charter
@login_required
def edit_place(slug: str, place_id: int):
    """Rename a place or correct its address."""
    place = _managed_place(slug, place_id)
    organisation = place.organisation
    form = PlaceForm(obj=place)
    if form.validate_on_submit():
        try:
            service.update_place(current_user, place, form.name.data, form.address.data or "")
        except ServiceError as error:
            refuse_on(form, error, "name")
        else:
            flash(_("Le lieu est enregistré."), "success")
            return redirect(url_for("paper.places", slug=organisation.slug))
    return render_template(
        "paper/edit_place.html", organisation=organisation, place=place, form=form
    )


@bp.post("/organisations/<slug>/lieux/<int:place_id>/retirer")
@private
@requires_charter
@login_required
def retire_place(slug: str, place_id: int):
    """No longer offered: deleted if nothing was collected there, else archived."""
    place = _confirmed_place(slug, place_id)
    back = url_for("paper.places", slug=place.organisation.slug)
    if service.retire_place(current_user, place):
        flash(_("Le lieu est supprimé."), "success")
    else:
        flash(_("Le lieu est archivé : ce qui y a été recueilli le garde."), "success")
    return redirect(back)


@bp.post("/organisations/<slug>/lieux/<int:place_id>/retablir")
@private
@requires_charter
@login_required
def restore_place(slug: str, place_id: int):
    """An archived place offered again."""
    place = _confirmed_place(slug, place_id)
    service.restore_place(current_user, place)
    flash(_("Le lieu est de nouveau proposé."), "success")
    return redirect(url_for("paper.places", slug=place.organisation.slug))


def _kept_from_args() -> dict:
    """The sitting's shared fields carried from the last save, in the page's address."""
    kept = {}
    for name, arg in (("organisation_id", "association"), ("place_id", "lieu")):
        if (request.args.get(arg) or "").isdigit():
            kept[name] = int(request.args[arg])
    with suppress(ValueError):
        kept["collected_on"] = date.fromisoformat(request.args.get("date") or "")
    if request.args.get("langue"):
        kept["lang"] = request.args["langue"]
    return kept


def _offer(form: PaperBatchForm, organisations, places, proposals) -> None:
    form.organisation_id.choices = [(org.id, org.name) for org in organisations]
    several = len(organisations) > 1
    form.place_id.choices = [
        (place.id, f"{place.name} — {place.organisation.name}" if several else place.name)
        for place in places
    ]
    form.proposal_id.choices = [(proposal.id, proposal.title) for proposal in proposals]


def _sitting(form: PaperBatchForm) -> service.Sitting:
    return service.Sitting(
        organisation=db.session.get(Organisation, form.organisation_id.data),
        proposal=form.proposal,
        collected_on=form.collected_on.data,
        place=db.session.get(Place, form.place_id.data),
        lang=form.lang.data,
        consent=form.consent.data,
    )


def _save(form: PaperBatchForm, filled):
    """Saved sheets, or None with the refusal on its field."""
    try:
        return service.post_paper_testimonies(
            current_user, _sitting(form), [sheet for _index, sheet in filled], form.once_key
        )
    except service.SheetRefused as error:
        refuse(form.sheets.entries[filled[error.index][0]].form[error.field], error)
    except ServiceError as error:
        refuse_on(form, error, "consent")
    return None


def _next_sitting(form: PaperBatchForm) -> str:
    """The same page, the shared fields kept for the next sheets."""
    return url_for(
        "paper.batch",
        proposal_id=form.proposal.id,
        association=form.organisation_id.data,
        lieu=form.place_id.data,
        date=form.collected_on.data.isoformat(),
        langue=form.lang.data,
        suite=1,
    )


def _kept_proposals(proposal_id: int) -> list[int]:
    """The page's proposal, and the one the form chose when it was sent."""
    return possible_ids([proposal_id, request.form.get("proposal_id", type=int)])


def _add_sheet(form: PaperBatchForm) -> None:
    """One more sheet in the form, or, at the most a save takes, say so (nothing saved)."""
    if len(form.sheets.entries) < MOST_SHEETS:
        form.sheets.append_entry()
        return
    flash(
        _(
            "%(num)d fiches au plus par enregistrement : enregistrez celles-ci, "
            "puis continuez avec les suivantes.",
            num=MOST_SHEETS,
        ),
        "error",
    )


@bp.route("/propositions/<int:proposal_id>/fiches-papier", methods=["GET", "POST"])
@private
@requires_charter
@login_required
@takes_file("PAPER_BATCH_MAX_BYTES")
def batch(proposal_id: int):
    """A sitting: the paper sheets collected by the association, typed in several at once,
    the shared fields entered once and kept from one save to the next."""
    queries.proposals.proposal_with_theme(proposal_id) or abort(404)
    policy.require(policy.can_enter_paper(current_user))
    organisations = policy.association_memberships(current_user)
    form = PaperBatchForm(proposal_id=proposal_id, **_kept_from_args())
    proposals = queries.paper.proposals_to_choose(_kept_proposals(proposal_id))
    _offer(form, organisations, queries.paper.open_places_of(organisations), proposals)
    form.proposal = next((p for p in proposals if p.id == form.proposal_id.data), None)
    if form.proposal is None:
        abort(400)  # a proposal id that is not one: a forged form
    if form.add_sheet.data:  # never a save, even when no sheet can be added
        _add_sheet(form)
    elif form.validate_on_submit():
        filled = form.filled_sheets()
        if saved := _save(form, filled):
            count = len(saved)
            flash(ngettext("%(num)d fiche enregistrée.", "%(num)d fiches enregistrées.", count))
            return redirect(_next_sitting(form))
    return render_template(
        "paper/batch.html",
        form=form,
        proposal=form.proposal,
        proposals=proposals,
        organisations=organisations,
        continued=bool(request.args.get("suite")),
        photos_lost=form.is_submitted() and any(e.form.photo.data for e in form.sheets.entries),
        max_photo=megabytes(current_app.config["PAPER_PHOTO_MAX_BYTES"]),
    )


@bp.get("/moderation/contributions/<int:contribution_id>/fiche-papier")
@private
@login_required
def sheet_photo(contribution_id: int):
    """The photo of the paper sheet a testimony was typed from, for its moderators only,
    streamed from the database in pieces."""
    contribution = queries.contributions.contribution_with_proposal(contribution_id) or abort(404)
    policy.require(policy.can_see_sheet_photo(current_user, contribution))
    if contribution.is_withdrawn:  # taken back: its photo is no one's to see any more
        abort(404)
    photo = queries.paper.sheet_photo_of(contribution.id) or abort(404)
    body = stream_with_context(queries.paper.photo_pieces(photo))
    streamed = Response(body, mimetype=photo.media_type)
    streamed.headers["Content-Length"] = str(photo.size)
    streamed.headers["X-Content-Type-Options"] = "nosniff"
    streamed.headers["Content-Disposition"] = "inline"
    streamed.headers["Cache-Control"] = "no-store"
    return streamed
