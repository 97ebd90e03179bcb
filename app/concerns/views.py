""" "Ça me concerne": marking a proposal, withdrawing the mark; an association's tallies of
the people it met who are concerned."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy, queries
from app.concerns.forms import NO_PLACE, TallyForm
from app.contributions.forms import ConfirmForm
from app.extensions import db, limiter
from app.models import ConcernTally, Organisation, Place, Proposal
from app.services import ServiceError
from app.services import concerns as service
from app.web.pagination import paginate
from app.web.refusals import refuse_on
from app.web.routes import private, requires_charter

bp = Blueprint("concerns", __name__)


def _rate():
    return current_app.config["CONCERN_RATE_LIMIT"]


def _proposal_or_404(proposal_id: int) -> Proposal:
    return queries.proposals.proposal_with_theme(proposal_id) or abort(404)


def _back(proposal_id: int, anchor: str = "#ca-me-concerne") -> str:
    return url_for("proposals.show", proposal_id=proposal_id) + anchor


@bp.post("/propositions/<int:proposal_id>/ca-me-concerne")
@private
@requires_charter
@login_required
@limiter.limit(_rate)
def mark(proposal_id: int):
    """Say the proposal concerns me: counted once, my name never shown."""
    proposal = _proposal_or_404(proposal_id)
    policy.require(policy.can_mark_concern(current_user))
    service.mark(current_user, proposal)
    flash(_("C’est noté : vous êtes compté·e parmi les personnes concernées."), "success")
    return redirect(_back(proposal_id))


@bp.post("/propositions/<int:proposal_id>/ne-me-concerne-plus")
@private
@login_required
@limiter.limit(_rate)
def unmark(proposal_id: int):
    """Withdraw my mark."""
    proposal = _proposal_or_404(proposal_id)
    policy.require(policy.can_mark_concern(current_user))
    service.unmark(current_user, proposal)
    flash(_("Vous n’êtes plus compté·e parmi les personnes concernées."), "success")
    return redirect(_back(proposal_id))


def _fill_choices(
    form: TallyForm, organisations: list[Organisation], kept: Place | None = None
) -> None:
    """The associations and their open places; ``kept``, a tally's own place, even archived
    (corrected, the tally keeps it)."""
    form.organisation_id.choices = [(org.id, org.name) for org in organisations]
    several = len(organisations) > 1
    names = {org.id: org.name for org in organisations}
    places = queries.concerns.open_places(organisations)
    if kept is not None and kept not in places:
        places.append(kept)
    form.place_id.choices = [(NO_PLACE, _("Lieu non précisé"))] + [
        (place.id, f"{names[place.organisation_id]} · {place.name}" if several else place.name)
        for place in places
    ]


def _place(form: TallyForm) -> Place | None:
    return db.session.get(Place, form.place_id.data) if form.place_id.data else None


@bp.route("/propositions/<int:proposal_id>/personnes-concernees", methods=["GET", "POST"])
@private
@requires_charter
@login_required
@limiter.limit(_rate, methods=["POST"])
def tallies(proposal_id: int):
    """Count the people met who are concerned; the tallies one's associations recorded."""
    proposal = _proposal_or_404(proposal_id)
    policy.require(policy.can_record_tally(current_user))
    organisations = policy.association_memberships(current_user)
    form = TallyForm(organisation_id=organisations[0].id)
    form.proposal = proposal
    _fill_choices(form, organisations)
    if form.validate_on_submit():
        try:
            service.record_tally(
                current_user,
                proposal,
                organisation=db.session.get(Organisation, form.organisation_id.data),
                people=form.people.data,
                met_on=form.met_on.data,
                place=_place(form),
                note=form.note.data,
            )
        except ServiceError as error:
            refuse_on(form, error, "people")
        else:
            flash(_("Les personnes rencontrées sont comptées."), "success")
            return redirect(url_for("concerns.tallies", proposal_id=proposal.id))
    ours = paginate(
        queries.concerns.tallies_of(proposal, organisations),
        current_app.config["TALLIES_PER_PAGE"],
    )
    return render_template("concerns/tallies.html", proposal=proposal, form=form, tallies=ours)


def _tally_or_404(tally_id: int) -> ConcernTally:
    tally = queries.concerns.tally_with_proposal(tally_id) or abort(404)
    policy.require(policy.can_change_tally(current_user, tally))
    return tally


@bp.route("/personnes-concernees/<int:tally_id>/modifier", methods=["GET", "POST"])
@private
@requires_charter
@login_required
def edit_tally(tally_id: int):
    """Correct a tally of one's association."""
    tally = _tally_or_404(tally_id)
    form = TallyForm(
        people=tally.people,
        met_on=tally.met_on,
        place_id=tally.place_id or NO_PLACE,
        note=tally.note,
    )
    form.proposal, form.kept_met_on = tally.proposal, tally.met_on
    _fill_choices(form, [tally.organisation], tally.place)
    del form.organisation_id  # a tally stays its association's
    if form.validate_on_submit():
        try:
            service.change_tally(
                current_user,
                tally,
                people=form.people.data,
                met_on=form.met_on.data,
                place=_place(form),
                note=form.note.data,
            )
        except ServiceError as error:
            refuse_on(form, error, "people")
        else:
            flash(_("Le comptage est corrigé."), "success")
            return redirect(url_for("concerns.tallies", proposal_id=tally.proposal_id))
    return render_template("concerns/edit.html", tally=tally, proposal=tally.proposal, form=form)


@bp.route("/personnes-concernees/<int:tally_id>/supprimer", methods=["GET", "POST"])
@private
@login_required
def delete_tally(tally_id: int):
    """Delete a tally recorded by mistake, after confirming."""
    tally = _tally_or_404(tally_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        proposal_id = tally.proposal_id
        service.delete_tally(current_user, tally)
        flash(_("Le comptage est supprimé."), "success")
        return redirect(url_for("concerns.tallies", proposal_id=proposal_id))
    return render_template("concerns/delete.html", tally=tally, proposal=tally.proposal, form=form)
