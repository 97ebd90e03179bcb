"""Proposals: the list, a proposal's page, filing, editing, status changes; workshop pages."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy, queries
from app.contributions.forms import CommentForm
from app.extensions import db
from app.models import (
    ContributionKind,
    Event,
    Organisation,
    OrganisationKind,
    Proposal,
    ProposalStatus,
    Theme,
    paris_today,
)
from app.proposals.forms import ProposalEditForm, ProposalForm, StatusForm, offer_addressees
from app.responses.forms import UpdateForm
from app.services import ServiceError
from app.services import concerns as concern_service
from app.services import proposals as service
from app.services import responses as response_service
from app.web import content_language
from app.web.loading import event_filter, theme_filter, theme_or_404
from app.web.pagination import paginate, paginate_counted
from app.web.refusals import refuse
from app.web.routes import private, public_page, requires_charter

bp = Blueprint("proposals", __name__)
TESTIMONY, COMMENT = ContributionKind.TESTIMONY, ContributionKind.COMMENT


def _parse_status(value: str | None) -> ProposalStatus | None:
    if not value:
        return None
    try:
        return ProposalStatus(value)
    except ValueError:
        abort(400)


SORTS = {"": queries.proposals.NEWEST, "concernes": queries.proposals.MOST_CONCERNED}


def _parse_order(value: str | None) -> tuple:
    """The list's order: newest first, or ``?tri=concernes`` the most people concerned."""
    if (value or "") not in SORTS:
        abort(400)
    return SORTS[value or ""]


def _paginate(query):
    return paginate(query, current_app.config["PROPOSALS_PER_PAGE"])


def _load_proposal(proposal_id: int) -> Proposal:
    return queries.proposals.proposal_with_theme(proposal_id) or abort(404)


@bp.get("/propositions")
@public_page(reader_copy=True)
def index():
    """All proposals, filtered by workshop, status, event and year, paginated."""
    theme, events = theme_filter("atelier"), event_filter()
    status = _parse_status(request.args.get("statut"))
    order = _parse_order(request.args.get("tri"))
    page = _paginate(queries.proposals.proposal_list_query(theme, status, events, order))
    event_choices, year_choices = queries.network_events.filter_choices()
    return render_template(
        "proposals/index.html",
        page=page,
        sort=request.args.get("tri") or "",
        themes=queries.proposals.themes_with_counts(),
        theme=theme,
        status=status,
        event_filter=events,
        event_choices=event_choices,
        year_choices=year_choices,
    )


@bp.get("/ateliers")
@public_page
def themes():
    """The workshops, with their number of proposals."""
    return render_template("proposals/themes.html", themes=queries.proposals.themes_with_counts())


@bp.get("/ateliers/<slug>")
@public_page
def theme(slug: str):
    """A workshop: its description, proposals and meetings."""
    theme = theme_or_404(slug)
    status = _parse_status(request.args.get("statut"))
    page = _paginate(queries.proposals.proposal_list_query(theme, status))
    return render_template(
        "proposals/theme.html",
        theme=theme,
        page=page,
        status=status,
        meetings=queries.meetings.upcoming_meetings_for(theme),
        following=service.is_following(current_user, theme=theme),
        # Last: the page's translations are read with these languages, in one statement.
        languages=content_language.page_languages(theme),
    )


@bp.get("/propositions/<int:proposal_id>")
@public_page(reader_copy=True)
def show(proposal_id: int):
    """A proposal: text, workshop, organisations, institutions, status and timeline."""
    proposal = queries.proposals.proposal_detail(proposal_id) or abort(404)
    status_form = None
    if policy.can_change_status(current_user, proposal):  # a form makes a CSRF token
        status_form = StatusForm(status=proposal.status.value)
    return _render_show(proposal, status_form)


def _contributions_page(proposal: Proposal, kind: ContributionKind, arg: str, viewer: int | None):
    """One page of a proposal's testimonies or comments, with their total (one query)."""
    return paginate_counted(
        queries.contributions.counted_contributions(kind, viewer is not None),
        {"proposal_id": proposal.id, "user_id": viewer},
        current_app.config["CONTRIBUTIONS_PER_PAGE"],
        arg,
    )


def _render_show(proposal: Proposal, status_form: StatusForm | None):
    """The proposal page: text, institutions, timeline, testimonies, comments and replies."""
    viewer = current_user.id if current_user.is_authenticated else None
    testimonies = _contributions_page(proposal, TESTIMONY, "temoignages", viewer)
    comments = _contributions_page(proposal, COMMENT, "commentaires", viewer)
    responses = queries.responses.responses_for(proposal)
    updates = queries.proposals.progress_updates(proposal)
    content_language.want_languages(proposal)  # its "read in" links, with its translations
    met = queries.concerns.met_by_associations(proposal)
    replies, response_replies = queries.contributions.replies_under(
        [c.id for c in comments.items], [r.id for r in responses.values()], viewer
    )
    return render_template(
        "proposals/show.html",
        proposal=proposal,
        status_form=status_form,
        testimonies=testimonies,
        comments=comments,
        replies=replies,
        responses=responses,
        stated_positions=queries.proposals.stated_positions(proposal),
        response_replies=response_replies,
        timeline=queries.proposals.timeline(proposal, responses.values(), updates),
        following=service.is_following(current_user, proposal=proposal),
        concerned=queries.concerns.split(proposal, met),
        met=met,
        concern_marked=concern_service.has_marked(current_user, proposal),
        cosignatures=queries.directory.cosignatures_for(proposal),
        suggestion=queries.suggestions.origin_of(proposal),
        # Built only for who sees it: a form makes a CSRF token, and a token makes a session.
        comment_form=CommentForm(formdata=None) if policy.can_contribute(current_user) else None,
        today=paris_today(),
    )


@bp.route("/propositions/<int:proposal_id>/suivi/nouveau", methods=["GET", "POST"])
@private
@requires_charter
@login_required
def post_update(proposal_id: int):
    """Follow-up news on a proposal, optionally with a status change."""
    proposal = _load_proposal(proposal_id)
    policy.require(policy.can_post_update(current_user, proposal))
    form = UpdateForm()
    if not policy.can_change_status(current_user, proposal):
        del form.status
    if form.validate_on_submit():
        status = form.status.data if "status" in form else None
        try:
            response_service.post_update(
                current_user,
                proposal,
                form.body.data,
                _acting_organisation(proposal),
                ProposalStatus(status) if status else None,
            )
        except ServiceError as error:
            refuse(form.body, error)
        else:
            flash(_("Les nouvelles sont publiées sur le suivi."), "success")
            return redirect(url_for("proposals.show", proposal_id=proposal.id) + "#suivi")
    return render_template("proposals/update_form.html", proposal=proposal, form=form)


def _acting_organisation(proposal: Proposal) -> Organisation | None:
    """The organisation a follow-up update is signed by."""
    mine = policy.association_memberships(current_user) + policy.institution_memberships(
        current_user
    )
    addressed = {a.institution_id for a in proposal.addressed}
    for org in mine:
        if org.id == proposal.organisation_id or org.id in addressed:
            return org
    return mine[0] if mine else None


@bp.post("/propositions/<int:proposal_id>/suivre")
@private
@login_required
def follow(proposal_id: int):
    """Follow a proposal: be told of responses, status changes and news."""
    proposal = _load_proposal(proposal_id)
    service.follow(current_user, proposal=proposal)
    flash(_("Vous suivez cette proposition."), "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id))


@bp.post("/propositions/<int:proposal_id>/ne-plus-suivre")
@private
@login_required
def unfollow(proposal_id: int):
    """Stop following a proposal."""
    proposal = _load_proposal(proposal_id)
    service.unfollow(current_user, proposal=proposal)
    flash(_("Vous ne suivez plus cette proposition."), "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id))


@bp.post("/ateliers/<slug>/suivre")
@private
@login_required
def follow_theme(slug: str):
    """Follow a whole workshop."""
    theme = theme_or_404(slug)
    service.follow(current_user, theme=theme)
    flash(_("Vous suivez cet atelier."), "success")
    return redirect(url_for("proposals.theme", slug=theme.slug))


@bp.post("/ateliers/<slug>/ne-plus-suivre")
@private
@login_required
def unfollow_theme(slug: str):
    """Stop following a workshop."""
    theme = theme_or_404(slug)
    service.unfollow(current_user, theme=theme)
    flash(_("Vous ne suivez plus cet atelier."), "success")
    return redirect(url_for("proposals.theme", slug=theme.slug))


def _fill_choices(form: ProposalForm, proposal: Proposal | None = None) -> None:
    form.theme_id.choices = [(t.id, t.name) for t, _n in queries.proposals.themes_with_counts()]
    _fill_addressees(form, proposal)
    if not policy.can_manage_events(current_user):
        del form.event_choice  # which event a proposal comes from: the coordinators' record
    else:
        events, _years = queries.network_events.filter_choices()
        form.event_choice.choices = [(0, _("Aucun : proposée en dehors d’un événement"))] + [
            (e.id, f"{e.name} ({format_date(e.held_on, 'long')})")
            for e in events
            if policy.can_file_under_event(current_user, e)
        ]
    if form.organisation_id is not None:
        form.organisation_id.choices = [(o.id, o.name) for o in _filing_organisations()]


def _fill_addressees(form: ProposalForm, proposal: Proposal | None) -> None:
    """Institutions; associations and service providers too when an institution files it."""
    if proposal is not None:
        to_associations = proposal.from_institution
    else:
        to_associations = bool(policy.institution_memberships(current_user))
    if to_associations:
        organisations = queries.directory.organisations_of_kind(*OrganisationKind)
    else:
        organisations = queries.directory.institutions()
    offer_addressees(form, organisations, to_associations=to_associations)


def _filing_organisations():
    """Who a proposal may be filed for: one's association or institution; any association
    for an admin."""
    if policy.is_admin(current_user):
        return queries.directory.associations()
    return policy.association_memberships(current_user) + policy.institution_memberships(
        current_user
    )


def _form_values(form: ProposalForm) -> dict:
    return {
        "title": form.title.data,
        "body": form.body.data,
        "easy_read": form.easy_read.data or "",
        "theme": db.session.get(Theme, form.theme_id.data),
        "institution_ids": form.institution_ids.data or [],
        **_event_value(form),
    }


def _event_value(form: ProposalForm) -> dict:
    """The event chosen, for those who choose it; nothing (kept as it is) for the others."""
    if form.event_choice is None:
        return {}
    chosen = form.event_choice.data
    return {"event": db.session.get(Event, chosen) if chosen else None}


@bp.route("/propositions/nouvelle", methods=["GET", "POST"])
@private
@requires_charter
@login_required
def create():
    """File a proposal in the name of one's association."""
    policy.require(policy.can_create_proposal(current_user))
    form = ProposalForm()
    _fill_choices(form)
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data)
        try:
            proposal = service.create_proposal(
                current_user, organisation=organisation, **_form_values(form)
            )
        except ServiceError as error:
            refuse(form.institution_ids, error)
        else:
            flash(_("La proposition est publiée."), "success")
            return redirect(url_for("proposals.show", proposal_id=proposal.id))
    return render_template("proposals/form.html", form=form, proposal=None)


@bp.route("/propositions/<int:proposal_id>/modifier", methods=["GET", "POST"])
@private
@requires_charter
@login_required
def edit(proposal_id: int):
    """Edit a proposal's text, workshop and addressed institutions."""
    proposal = _load_proposal(proposal_id)
    policy.require(policy.can_edit_proposal(current_user, proposal))
    form = ProposalEditForm(obj=proposal)
    _fill_choices(form, proposal)
    if request.method == "GET":
        form.institution_ids.data = [a.institution_id for a in proposal.addressed]
        if form.event_choice is not None:
            form.event_choice.data = proposal.event_id or 0
    if form.validate_on_submit():
        try:
            service.update_proposal(current_user, proposal, **_form_values(form))
        except ServiceError as error:
            refuse(form.institution_ids, error)
        else:
            flash(_("La proposition est modifiée."), "success")
            return redirect(url_for("proposals.show", proposal_id=proposal.id))
    return render_template("proposals/form.html", form=form, proposal=proposal)


@bp.post("/propositions/<int:proposal_id>/statut")
@private
@login_required
def change_status(proposal_id: int):
    """Move a proposal to another status, with a reason shown on its timeline."""
    proposal = _load_proposal(proposal_id)
    policy.require(policy.can_change_status(current_user, proposal))
    form = StatusForm()
    if form.validate_on_submit():
        try:
            service.change_status(
                current_user, proposal, ProposalStatus(form.status.data), form.reason.data
            )
        except ServiceError as error:
            refuse(form.status, error)
        else:
            flash(_("Le statut est changé."), "success")
            return redirect(url_for("proposals.show", proposal_id=proposal.id) + "#suivi")
    return _render_show(queries.proposals.proposal_detail(proposal_id), form)
