"""Suggesting a proposal: the form, the person's own suggestions (withdrawn while they
wait), the waiting ones for associations and moderators, taking one up, declining one."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy, queries
from app.extensions import db, limiter
from app.labels import WRITING_LANGUAGES
from app.models import DisplayMode, Organisation, Suggestion, SuggestionState, Theme
from app.proposals.forms import offer_addressees
from app.services import ServiceError
from app.services import suggestions as service
from app.suggestions.forms import NO_THEME, DeclineForm, SuggestionForm, TakeUpForm
from app.web.content_language import localized
from app.web.loading import theme_filter
from app.web.pagination import paginate
from app.web.refusals import refuse_on
from app.web.routes import private, requires_charter

bp = Blueprint("suggestions", __name__)


def _themes() -> list[tuple[int, str]]:
    """The workshops to choose from, named in the page's language (translations read at once)."""
    return [(t.id, str(localized(t, "name"))) for t, _n in queries.proposals.themes_with_counts()]


def _per_page() -> int:
    return current_app.config["SUGGESTIONS_PER_PAGE"]


@bp.route("/suggestions/nouvelle", methods=["GET", "POST"])
@private
@requires_charter
@login_required
@limiter.limit(
    lambda: current_app.config["SUGGESTION_RATE_LIMIT"],
    methods=["POST"],
    # Only a stored suggestion counts: a mistake in the form never locks anyone out.
    deduct_when=lambda response: response.status_code == 302,
)
def new():
    """Suggest a proposal that an association of the network may take up."""
    policy.require(policy.can_suggest(current_user))
    form = SuggestionForm()
    form.theme_id.choices = [(NO_THEME, _("Je ne sais pas")), *_themes()]
    if form.validate_on_submit():
        try:
            service.suggest(
                current_user,
                title=form.title.data,
                body=form.body.data,
                lang=form.lang.data,
                theme=db.session.get(Theme, form.theme_id.data) if form.theme_id.data else None,
                display_mode=DisplayMode(form.display_mode.data),
            )
        except ServiceError as error:
            refuse_on(form, error, "body")
        else:
            flash(
                _(
                    "Merci ! Votre suggestion est envoyée. Une association du réseau peut la "
                    "reprendre ; sinon, une personne de la modération vous dira pourquoi."
                ),
                "success",
            )
            return redirect(url_for("suggestions.mine"))
    return render_template("suggestions/new.html", form=form)


@bp.get("/compte/suggestions")
@private
@login_required
def mine():
    """The person's own suggestions: where each stands, why one was declined, the proposal
    made of one taken up."""
    page = paginate(queries.suggestions.of_author(current_user), _per_page())
    return render_template("suggestions/mine.html", page=page)


def _suggestion_or_404(suggestion_id: int) -> Suggestion:
    """A suggestion the current person may see, or 404 (its existence is not told)."""
    suggestion = queries.suggestions.suggestion(suggestion_id) or abort(404)
    policy.require_visible(policy.can_view_suggestion(current_user, suggestion))
    return suggestion


@bp.post("/suggestions/<int:suggestion_id>/retirer")
@private
@login_required
def withdraw(suggestion_id: int):
    """The person takes back their waiting suggestion."""
    suggestion = _suggestion_or_404(suggestion_id)
    policy.require(policy.is_suggestion_author(current_user, suggestion))
    try:
        service.withdraw(current_user, suggestion)
    except ServiceError as error:  # a button: nothing typed to keep
        flash(str(error), "info")
    else:
        flash(_("Votre suggestion est retirée."), "success")
    return redirect(url_for("suggestions.mine"))


@bp.get("/suggestions")
@private
@login_required
def queue():
    """The waiting suggestions, oldest first, for associations and moderators."""
    policy.require(policy.can_see_suggestions(current_user))
    theme = theme_filter("atelier")
    page = paginate(queries.suggestions.waiting(theme), _per_page())
    themes = queries.proposals.themes_with_counts()
    return render_template(
        "suggestions/queue.html", page=page, theme=theme, themes=themes, languages=WRITING_LANGUAGES
    )


def _decided_already(suggestion: Suggestion):
    """A suggestion no longer waiting: said, and back to the list."""
    if suggestion.state is SuggestionState.WAITING:
        return None
    flash(service.already_decided(), "info")
    return redirect(url_for("suggestions.queue"))


def _take_up_form(suggestion: Suggestion) -> TakeUpForm:
    form = TakeUpForm(
        title=suggestion.title,
        body=suggestion.body,
        theme_id=suggestion.theme_id,
    )
    form.theme_id.choices = _themes()
    form.organisation_id.choices = [(o.id, o.name) for o in _associations()]
    offer_addressees(form, queries.directory.institutions(), to_associations=False)
    return form


def _associations() -> list[Organisation]:
    return policy.association_memberships(current_user)


@bp.route("/suggestions/<int:suggestion_id>/reprendre", methods=["GET", "POST"])
@private
@requires_charter
@login_required
def take_up(suggestion_id: int):
    """A member takes the suggestion up for their association: the proposal is filed."""
    suggestion = _suggestion_or_404(suggestion_id)
    policy.require(policy.can_take_up(current_user, suggestion))
    if decided := _decided_already(suggestion):
        return decided
    form = _take_up_form(suggestion)
    if form.validate_on_submit():
        try:
            proposal = service.take_up(
                current_user,
                suggestion,
                db.session.get(Organisation, form.organisation_id.data),
                title=form.title.data,
                body=form.body.data,
                theme=db.session.get(Theme, form.theme_id.data),
                institution_ids=form.institution_ids.data or [],
                easy_read=form.easy_read.data or "",
            )
        except ServiceError as error:
            if error.field is None:  # taken up or declined meanwhile by someone else
                flash(str(error), "info")
                return redirect(url_for("suggestions.queue"))
            refuse_on(form, error, "body")
        else:
            flash(_("La proposition est publiée : la personne est prévenue."), "success")
            return redirect(url_for("proposals.show", proposal_id=proposal.id))
    return render_template(
        "suggestions/take_up.html", suggestion=suggestion, form=form, languages=WRITING_LANGUAGES
    )


@bp.route("/suggestions/<int:suggestion_id>/decliner", methods=["GET", "POST"])
@private
@requires_charter
@login_required
def decline(suggestion_id: int):
    """A moderator declines the suggestion, with a reason the person reads."""
    suggestion = _suggestion_or_404(suggestion_id)
    policy.require(policy.can_decline_suggestion(current_user, suggestion))
    if decided := _decided_already(suggestion):
        return decided
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            service.decline(current_user, suggestion, form.reason.data)
        except ServiceError as error:
            if error.field is None:
                flash(str(error), "info")
                return redirect(url_for("suggestions.queue"))
            refuse_on(form, error, "reason")
        else:
            flash(
                _("Suggestion déclinée : la personne est prévenue, avec votre raison."), "success"
            )
            return redirect(url_for("suggestions.queue"))
    return render_template(
        "suggestions/decline.html", suggestion=suggestion, form=form, languages=WRITING_LANGUAGES
    )
