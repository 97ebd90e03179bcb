"""Directory of the organisations (who does what), their pages, co-signatures, and the
requests to join an organisation."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy, queries
from app.directory.forms import (
    ACCEPT,
    CosignForm,
    JoinRequestForm,
    MembershipDecisionForm,
    OrganisationPageForm,
    WithdrawCosignatureForm,
)
from app.extensions import db
from app.models import MembershipRequest, OrganisationKind, Proposal, RequestState, paris_today
from app.services import ServiceError, memberships
from app.services import directory as service
from app.web.loading import theme_filter
from app.web.pagination import page_number, paginate
from app.web.refusals import refuse, refuse_on
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
        **_joining(organisation),
    )


def _joining(organisation) -> dict:
    """For a logged-in reader: their request waiting to join, or how many wait for them to
    decide (one query, none for visitors)."""
    if policy.can_decide_memberships(current_user, organisation):
        return {"requests_waiting": queries.memberships.pending_count(organisation)}
    if policy.can_ask_to_join(current_user, organisation):
        return {"my_request": queries.memberships.pending_request(current_user, organisation)}
    return {}


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


@bp.route("/organisations/<slug>/rejoindre", methods=["GET", "POST"])
@private
@login_required
def request_membership(slug: str):
    """Ask to join an organisation, with a message for its members."""
    organisation = _load(slug)
    policy.require(policy.can_ask_to_join(current_user, organisation))
    form = JoinRequestForm()
    if form.validate_on_submit():
        try:
            memberships.request_membership(current_user, organisation, form.message.data)
        except ServiceError as error:
            refuse_on(form, error, "message")
        else:
            flash(_("Votre demande est envoyée à %(name)s.", name=organisation.name), "success")
            return redirect(url_for("directory.show", slug=organisation.slug))
    waiting = queries.memberships.pending_request(current_user, organisation)
    problem = memberships.join_problem(current_user, organisation, waiting is not None)
    return render_template(
        "directory/join.html",
        form=form,
        organisation=organisation,
        problem=None if form.is_submitted() else problem,
    )


@bp.post("/organisations/<slug>/rejoindre/retirer")
@private
@login_required
def withdraw_membership_request(slug: str):
    """Take back one's waiting request to join."""
    organisation = _load(slug)
    try:
        memberships.withdraw_membership_request(current_user, organisation)
    except ServiceError as error:  # a button: nothing typed to keep
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(_("Votre demande est retirée."), "success")
    return redirect(url_for("directory.show", slug=organisation.slug))


def _per_page() -> int:
    return current_app.config.get("ORGANISATION_LISTS_PER_PAGE", 10)


@bp.get("/organisations/<slug>/demandes")
@private
@login_required
def membership_requests(slug: str):
    """The requests to join an organisation that wait: for its members and admins."""
    organisation = _load(slug)
    policy.require(policy.can_decide_memberships(current_user, organisation))
    page = paginate(queries.memberships.pending_for(organisation), _per_page())
    return render_template(
        "directory/membership_requests.html", organisation=organisation, page=page
    )


@bp.route("/organisations/<slug>/demandes/<int:request_id>", methods=["GET", "POST"])
@private
@requires_charter(methods=("POST",))
@login_required
def decide_membership(slug: str, request_id: int):
    """Accept a request to join, or refuse it with a reason the person reads."""
    organisation = _load(slug)
    policy.require(policy.can_decide_memberships(current_user, organisation))
    asked = db.get_or_404(MembershipRequest, request_id)
    if asked.organisation_id != organisation.id:
        abort(404)
    back = url_for("directory.membership_requests", slug=organisation.slug)
    if asked.state is not RequestState.PENDING:
        flash(_("Cette demande a déjà été traitée."), "info")
        return redirect(back)
    form = MembershipDecisionForm()
    if form.validate_on_submit():
        accept = form.decision.data == ACCEPT
        try:
            memberships.decide_membership(current_user, asked, accept, form.reason.data)
        except ServiceError as error:
            if error.field is None:  # decided meanwhile by someone else
                flash(str(error), "info")
                return redirect(back)
            refuse_on(form, error, "reason")
        else:
            flash(_decided_message(accept), "success")
            return redirect(back)
    return render_template(
        "directory/decide_membership.html", organisation=organisation, asked=asked, form=form
    )


def _decided_message(accept: bool) -> str:
    if accept:
        return _("Demande acceptée : la personne est prévenue.")
    return _("Demande refusée : la personne est prévenue, avec votre raison.")


@bp.get("/admin/demandes-adhesion")
@private
@login_required
def all_membership_requests():
    """Every organisation's waiting requests to join: for admins."""
    policy.require(policy.can_see_all_membership_requests(current_user))
    page = paginate(queries.memberships.all_pending(), 50)
    return render_template("directory/all_membership_requests.html", page=page)
