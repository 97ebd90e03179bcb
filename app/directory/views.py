"""Directory of the organisations (who does what), their pages, and co-signatures."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy, queries
from app.directory.forms import CosignForm, OrganisationPageForm, WithdrawCosignatureForm
from app.extensions import db
from app.models import OrganisationKind, Proposal, paris_today
from app.services import ServiceError
from app.services import directory as service
from app.web.loading import theme_filter
from app.web.pagination import page_number, paginate
from app.web.refusals import refuse
from app.web.routes import private, public_page, requires_charter

bp = Blueprint("directory", __name__)

SEARCH_MAX_LENGTH = 100
# The lists of an organisation's page and the query argument of each one's page number.
SECTION_ARGS = {
    "own": "propositions",
    "cosigned": "cosignees",
    "responses": "reponses",
    "awaiting": "attente",
    "stated": "positions",
}


@bp.app_template_filter("website_href")
def _website_href(url: str | None) -> str | None:
    return service.safe_website(url)


@bp.app_template_filter("phone_href")
def _phone_href(phone: str | None) -> str | None:
    return service.phone_link(phone)


def _parse_kind(value: str | None) -> OrganisationKind | None:
    if not value:
        return None
    try:
        return OrganisationKind(value)
    except ValueError:
        abort(400)


def _load(slug: str):
    return queries.directory.organisation_page(slug) or abort(404)


@bp.get("/organisations/")
@public_page
def index():
    """Every organisation by name: searched by name, filtered by workshop and kind."""
    search = (request.args.get("q") or "").strip()[:SEARCH_MAX_LENGTH]
    kind = _parse_kind(request.args.get("type"))
    theme = theme_filter("theme")
    per_page = current_app.config.get("ORGANISATIONS_PER_PAGE", 20)
    page = paginate(queries.directory.search_query(search, theme, kind), per_page)
    return render_template(
        "directory/index.html",
        page=page,
        search=search,
        kind=kind,
        theme=theme,
        themes=queries.proposals.all_themes(),
    )


def _sections(organisation) -> dict:
    """The lists of its page, each one page long (one query each), by what it can hold."""
    per_page = current_app.config.get("ORGANISATION_LISTS_PER_PAGE", 10)
    lists = {"own": queries.directory.proposals_of(organisation)}
    if organisation.is_association:
        lists["cosigned"] = queries.directory.cosigned_by(organisation)
    if organisation.is_institution:
        lists["responses"] = queries.directory.responses_of(organisation)
        lists["awaiting"] = queries.directory.awaiting_answer(organisation)
        lists["stated"] = queries.directory.stated_by(organisation)
    return {
        name: queries.directory.slice_of(query, page_number(SECTION_ARGS[name]), per_page)
        for name, query in lists.items()
    }


@bp.get("/organisations/<slug>")
@public_page
def show(slug: str):
    """An organisation: what it does, where and when, its proposals, co-signatures,
    official responses and commitments, and what it has still to answer."""
    organisation = _load(slug)
    return render_template(
        "directory/show.html",
        organisation=organisation,
        sections=_sections(organisation),
        section_args=SECTION_ARGS,
        today=paris_today(),
    )


@bp.route("/organisations/<slug>/modifier", methods=["GET", "POST"])
@private
@requires_charter
@login_required
def edit(slug: str):
    """Its members and admins edit what an organisation's page says."""
    organisation = _load(slug)
    policy.require(policy.can_edit_organisation(current_user, organisation))
    form = OrganisationPageForm(obj=organisation)
    form.theme_ids.choices = [(theme.id, theme.name) for theme in queries.proposals.all_themes()]
    if request.method == "GET":
        form.theme_ids.data = [theme.id for theme in organisation.themes]
    if form.validate_on_submit():
        try:
            service.update_organisation_page(
                current_user, organisation, form.page_data(), form.theme_ids.data or []
            )
        except ServiceError as error:
            refuse(form.theme_ids, error)
        else:
            flash(_("La page de l’organisation est enregistrée."), "success")
            return redirect(url_for("directory.show", slug=organisation.slug))
    return render_template("directory/edit.html", form=form, organisation=organisation)


def _back_to(proposal: Proposal):
    return redirect(url_for("proposals.show", proposal_id=proposal.id) + "#cosignataires")


@bp.post("/propositions/<int:proposal_id>/cosigner")
@private
@requires_charter
@login_required
def cosign(proposal_id: int):
    """Co-sign a proposal in the name of one of one's associations."""
    proposal = db.get_or_404(Proposal, proposal_id)
    choices = policy.cosigning_organisations(
        current_user, proposal, queries.directory.cosignatures_for(proposal)
    )
    policy.require(bool(choices))
    form = CosignForm()
    form.organisation_id.choices = [(org.id, org.name) for org in choices]
    if not form.validate_on_submit():
        flash(_("Choisissez une de vos associations qui n’a pas encore cosigné."), "error")
        return _back_to(proposal)
    organisation = next(org for org in choices if org.id == form.organisation_id.data)
    try:
        service.cosign(current_user, proposal, organisation)
    except ServiceError as error:  # a button on the proposal's page: nothing typed to keep
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(_("%(name)s cosigne la proposition.", name=organisation.name), "success")
    return _back_to(proposal)


@bp.post("/propositions/<int:proposal_id>/retirer-cosignature")
@private
@login_required
def withdraw_cosignature(proposal_id: int):
    """Withdraw one's association's co-signature."""
    proposal = db.get_or_404(Proposal, proposal_id)
    form = WithdrawCosignatureForm()
    if not form.validate_on_submit():
        abort(400)
    cosignature = service.find_cosignature(proposal, form.organisation_id.data) or abort(404)
    policy.require(policy.can_withdraw_cosignature(current_user, cosignature))
    name = cosignature.organisation.name
    service.withdraw_cosignature(current_user, cosignature)
    flash(_("La cosignature de %(name)s est retirée.", name=name), "success")
    return _back_to(proposal)
