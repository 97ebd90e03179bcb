"""The moderation queue, decisions, and the audit log (moderators and admins)."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app import policy, queries
from app.extensions import db
from app.models import Contribution, ModerationAction, ModerationReason, utcnow
from app.moderation.forms import (
    DecisionForm,
    FeatureForm,
    TranscriptForm,
    charter_article_choices,
)
from app.services import ServiceError
from app.services import audio as audio_service
from app.services import audit as audit_service
from app.services import moderation as service
from app.web.loading import theme_filter
from app.web.navigation import safe_next
from app.web.pagination import paginate
from app.web.refusals import refuse_on
from app.web.routes import private

bp = Blueprint("moderation", __name__, url_prefix="/moderation")

LOG_PER_PAGE = 50
# The queue's ``ateliers`` parameter: "miens" (a moderator's workshops, their default) or this.
MY_WORKSHOPS, ALL_WORKSHOPS = "miens", "tous"


@bp.before_request
@login_required
def _moderators_only():
    policy.require(policy.is_moderator(current_user))


def _decision_form(**kwargs) -> DecisionForm:
    """The decision form, with the articles of the charter in force to refer to."""
    if "charter" not in g:
        g.charter = queries.charter.current_charter()
    form = DecisionForm(**kwargs)
    form.charter_article.choices = charter_article_choices(g.charter)
    return form


@bp.get("/")
@private
def queue():
    """Pending and flagged contributions, oldest first, filterable by workshop; a moderator
    with assigned workshops sees theirs first (``?ateliers=tous``: every workshop)."""
    theme = theme_filter("atelier")
    workshops = list(current_user.moderated_themes)
    mine = bool(workshops) and request.args.get("ateliers") != ALL_WORKSHOPS
    theme_ids = [t.id for t in workshops] if mine else None
    page = paginate(
        queries.moderation.moderation_queue(theme, theme_ids),
        current_app.config["MODERATION_QUEUE_PER_PAGE"],
    )
    flags = queries.moderation.open_flags_for([c.id for c in page.items])
    html = render_template(
        "moderation/queue.html",
        page=page,
        theme=theme,
        themes=queries.proposals.themes_with_counts(),
        workshops=workshops,
        mine=mine,
        oldest_hours=queries.moderation.waiting(theme, theme_ids).oldest_hours(utcnow()),
        flags=flags,
        suggestions_waiting=queries.suggestions.waiting_count(),
        form_for=lambda c: _decision_form(formdata=None, version=str(c.version)),
        allowed_actions=service.allowed_actions,
    )
    # Rendered first: the commit of the audit rows would expire every object shown.
    audit_service.record_identity_views(current_user, page.items)
    return html


@bp.post("/contributions/<int:contribution_id>/decision")
@private
def decide(contribution_id: int):
    """Approve, reject, hide or restore one contribution, with a reason (and a spoken
    testimony's transcript, saved first)."""
    contribution = db.get_or_404(Contribution, contribution_id)
    policy.require(policy.can_moderate(current_user, contribution))
    form = _decision_form()
    if not form.validate_on_submit():
        return _decision_page(contribution, form), 400
    try:
        _stage_changed_transcript(contribution, form.transcript.data)
        service.decide(
            current_user,
            contribution,
            ModerationAction(form.action.data),
            ModerationReason(form.reason.data),
            form.details.data or "",
            int(form.version.data),
            charter_article=form.charter_article.data or None,
        )
    except service.AlreadyDecided as error:
        db.session.rollback()  # the transcript staged goes with the decision refused
        if _transcript_typed(contribution, form.transcript.data):
            # The page again, the transcript typed kept in the form.
            refuse_on(form, ServiceError(str(CHANGED_MEANWHILE)), "transcript")
            return _decision_page(contribution, form), 409
        flash(str(error), "info")
    except ServiceError as error:  # e.g. a recording published before it is converted
        db.session.commit()  # a transcript typed is kept: the refusal is about the rest
        refuse_on(form, error, "details")
        return _decision_page(contribution, form), 400
    else:
        flash(_decided_message(contribution), "success")
    return redirect(safe_next(request.form.get("next_url"), "moderation.queue"))


CHANGED_MEANWHILE = _l(
    "La contribution a changé pendant que vous la lisiez (une autre décision, ou une "
    "correction de son auteur) : relisez-la. Votre transcription est gardée ci-dessous."
)


def _transcript_typed(contribution: Contribution, text: str | None) -> bool:
    """Whether the form holds a transcript other than the recording's."""
    recording = contribution.audio
    if recording is None or text is None:
        return False
    return text.replace("\r\n", "\n").strip() != recording.transcript


def _stage_changed_transcript(contribution: Contribution, text: str | None) -> None:
    """The transcript typed with a decision, written in the decision's transaction when it
    changed: committed with it, or with a decision refused (another came first), never."""
    if _transcript_typed(contribution, text):
        audio_service.save_transcript(current_user, contribution, text, commit=False)


def _decision_page(contribution: Contribution, form: DecisionForm) -> str:
    """The contribution's page with the decision form refused, every text kept."""
    html = render_template(
        "moderation/contribution.html",
        contribution=contribution,
        form=form,
        history=queries.moderation.moderation_history(contribution),
        flags=queries.moderation.open_flags_for([contribution.id]),
        allowed_actions=service.allowed_actions,
        may_be_featured=service.may_be_featured,
        # Corrected here, the decision still leads back to where it was taken (the queue).
        back_to=safe_next(request.form.get("next_url"), "moderation.queue"),
    )
    audit_service.record_identity_views(current_user, [contribution])
    return html


@bp.post("/contributions/<int:contribution_id>/transcription")
@private
def transcript(contribution_id: int):
    """Save a spoken testimony's transcript without deciding yet."""
    contribution = db.get_or_404(Contribution, contribution_id)
    policy.require(policy.can_moderate(current_user, contribution))
    if contribution.audio is None:
        abort(404)
    form = _decision_form()  # refused, the page comes back with what was typed
    form.transcript.errors = []
    transcript_form = TranscriptForm()
    if not transcript_form.validate_on_submit():
        form.transcript.errors = list(transcript_form.transcript.errors) or [
            _("Le formulaire a expiré. Envoyez-le de nouveau.")
        ]
        return _decision_page(contribution, form), 400
    try:
        audio_service.save_transcript(
            current_user, contribution, transcript_form.transcript.data or ""
        )
    except ServiceError as error:
        refuse_on(form, error, "transcript")
        return _decision_page(contribution, form), 400
    flash(_("Transcription enregistrée."), "success")
    return redirect(safe_next(request.form.get("next_url"), "moderation.queue"))


def _decided_message(contribution: Contribution) -> str:
    """What the moderator is told, with how the author will learn of the decision."""
    return {
        "account": _("Décision enregistrée. L’auteur en est informé."),
        "email": _("Décision enregistrée. La personne en sera informée par e-mail."),
        "phone": _(
            "Décision enregistrée. La personne a laissé un téléphone, pas un e-mail : elle ne "
            "sera prévenue que si votre association l’appelle."
        ),
        "none": _(
            "Décision enregistrée. La personne n’a pas laissé de contact : elle ne sera pas "
            "prévenue."
        ),
    }[service.how_author_hears(contribution)]


@bp.get("/contributions/<int:contribution_id>")
@private
def contribution(contribution_id: int):
    """One contribution as moderators see it: account behind it, flags, decision history."""
    contribution = queries.moderation.contribution_for_moderation(contribution_id) or abort(404)
    html = render_template(
        "moderation/contribution.html",
        contribution=contribution,
        form=_decision_form(formdata=None, version=str(contribution.version)),
        history=queries.moderation.moderation_history(contribution),
        flags=queries.moderation.open_flags_for([contribution.id]),
        allowed_actions=service.allowed_actions,
        may_be_featured=service.may_be_featured,
    )
    audit_service.record_identity_views(current_user, [contribution])
    return html


@bp.post("/contributions/<int:contribution_id>/mise-en-avant")
@private
def feature(contribution_id: int):
    """Put a published testimony forward, to be quoted in the synthesis, or take it back."""
    contribution = db.get_or_404(Contribution, contribution_id)
    policy.require(policy.can_feature(current_user, contribution))
    form = FeatureForm()
    back = url_for("moderation.contribution", contribution_id=contribution.id)
    if not form.validate_on_submit():
        flash(_("Choisissez de mettre en avant ou non."), "error")
        return redirect(back)
    featured = form.featured.data == "on"
    try:
        service.feature_testimony(current_user, contribution, featured)
    except ServiceError as error:
        flash(str(error), "error")
    else:
        flash(
            _("Témoignage mis en avant : il est cité dans le bilan.")
            if featured
            else _("Ce témoignage n’est plus mis en avant."),
            "success",
        )
    return redirect(back)


@bp.get("/journal")
@private
def log():
    """The audit log of every decision, newest first; never deleted."""
    return render_template(
        "moderation/log.html", page=paginate(queries.moderation.decision_log(), LOG_PER_PAGE)
    )
