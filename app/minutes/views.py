"""Minutes of meetings: drafts open for amendments, then validated, with every version."""

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload, selectinload

from app import policy, queries
from app.extensions import db, limiter
from app.minutes.forms import (
    ACCEPT,
    AmendmentForm,
    CorrectionForm,
    DecisionForm,
    PublishForm,
    ValidateForm,
)
from app.models import AmendmentState, Meeting, Minutes, MinutesAmendment, paris_today
from app.policy import require
from app.services import ServiceError
from app.services import minutes as service
from app.services.minutes import MinutesChanged
from app.web.refusals import refuse
from app.web.routes import private, public_page, requires_charter

bp = Blueprint("minutes", __name__)

DEFAULT_AMENDMENT_PERIOD = timedelta(days=14)


def _meeting_or_404(meeting_id: int, *options) -> Meeting:
    """A meeting that may have minutes (not cancelled), or 404."""
    meeting = db.session.get(Meeting, meeting_id, options=options)
    if meeting is None:
        abort(404)
    policy.require_visible(policy.can_view_minutes(current_user, meeting))
    return meeting


def _minutes_or_404(meeting_id: int) -> Minutes:
    minutes = queries.minutes.minutes_for(_meeting_or_404(meeting_id))
    if minutes is None:
        abort(404)
    return minutes


def _amendment_or_404(amendment_id: int) -> MinutesAmendment:
    amendment = db.get_or_404(MinutesAmendment, amendment_id)
    _meeting_or_404(amendment.minutes.meeting_id)
    return amendment


def _to_minutes(meeting_id: int, anchor: str = ""):
    return redirect(url_for("minutes.show", meeting_id=meeting_id) + anchor)


@bp.get("/reunions/<int:meeting_id>/compte-rendu")
@public_page
def show(meeting_id: int):
    """The current text, its state and deadline, the amendments and every version."""
    meeting = _meeting_or_404(
        meeting_id, joinedload(Meeting.secretary), selectinload(Meeting.proposals)
    )
    minutes = queries.minutes.minutes_for(meeting)
    return render_template(
        "minutes/show.html",
        meeting=meeting,
        minutes=minutes,
        amendments=queries.minutes.amendments_of(minutes) if minutes else [],
    )


@bp.route("/reunions/<int:meeting_id>/compte-rendu/publier", methods=["GET", "POST"])
@private
@requires_charter(methods=("POST",))
@login_required
def publish(meeting_id: int):
    """The secretary publishes the first draft, open for amendments until a date."""
    meeting = _meeting_or_404(meeting_id)
    require(policy.is_minutes_secretary(current_user, meeting))
    minutes = queries.minutes.minutes_for(meeting)
    if minutes is not None:
        flash(_("Le compte rendu est déjà publié."), "info")
        return _to_minutes(meeting.id)
    require(policy.can_publish_minutes(current_user, meeting, minutes))
    form = PublishForm()
    if not form.is_submitted():
        form.amendments_until.data = paris_today() + DEFAULT_AMENDMENT_PERIOD
    if form.validate_on_submit():
        try:
            service.publish_minutes(
                current_user, meeting, form.body.data, form.amendments_until.data
            )
        except ServiceError as error:  # e.g. published by someone else meanwhile: text kept
            refuse(form.body, error)
        else:
            flash(_("Le compte rendu est publié. Il est ouvert aux amendements."), "success")
            return _to_minutes(meeting.id)
    return render_template("minutes/publish.html", meeting=meeting, form=form)


@bp.route("/reunions/<int:meeting_id>/compte-rendu/amendements/nouveau", methods=["GET", "POST"])
@private
@requires_charter(methods=("POST",))
@login_required
@limiter.limit(lambda: current_app.config["CONTRIBUTION_RATE_LIMIT"], methods=["POST"])
def propose_amendment(meeting_id: int):
    """A participant proposes new wording for a passage, and says why."""
    minutes = _minutes_or_404(meeting_id)
    require(policy.can_amend_minutes(current_user, minutes))
    form = AmendmentForm()
    if form.validate_on_submit():
        try:
            amendment = service.propose_amendment(
                current_user, minutes, form.passage.data, form.proposed_text.data, form.reason.data
            )
        except ServiceError as error:  # e.g. validated meanwhile: the wording is kept
            refuse(form.proposed_text, error)
            return _propose_page(minutes, form)
        flash(
            _("Merci ! Votre amendement est transmis. Vous serez prévenu·e de la décision."),
            "success",
        )
        return _to_minutes(meeting_id, f"#amendement-{amendment.id}")
    return _propose_page(minutes, form)


def _propose_page(minutes: Minutes, form: AmendmentForm):
    return render_template(
        "minutes/propose.html",
        meeting=minutes.meeting,
        minutes=minutes,
        current=service.current_version(minutes),
        form=form,
    )


@bp.route("/amendements/<int:amendment_id>/decision", methods=["GET", "POST"])
@private
@requires_charter(methods=("POST",))
@login_required
def decide(amendment_id: int):
    """The secretary accepts an amendment (with the new full text) or declines it."""
    amendment = _amendment_or_404(amendment_id)
    require(policy.can_decide_amendment(current_user, amendment))
    minutes = amendment.minutes
    form = DecisionForm()
    if not form.is_submitted():
        _prefill(form, service.current_version(minutes), amendment)
    changed = None
    if form.validate_on_submit():
        try:
            _apply_decision(form, amendment)
        except MinutesChanged as error:
            changed = _rebase(form, error, amendment)
        except ServiceError as error:
            if not policy.can_decide_amendment(current_user, amendment):
                flash(str(error), "info")
                return _to_minutes(minutes.meeting_id, f"#amendement-{amendment.id}")
            refuse(form.body if form.decision.data == ACCEPT else form.reason, error)
        else:
            return _to_minutes(minutes.meeting_id, f"#amendement-{amendment.id}")
    current = service.current_version(minutes)
    return render_template(
        "minutes/decide.html",
        meeting=minutes.meeting,
        amendment=amendment,
        number=queries.minutes.amendment_number(amendment),
        current=current,
        found=service.apply_amendment(current.body, amendment)[1],
        form=form,
        changed=changed,
    )


def _prefill(form, current, amendment=None) -> None:
    """The current text, with the amendment's passage replaced when it is found verbatim."""
    body = service.apply_amendment(current.body, amendment)[0] if amendment else current.body
    form.body.data = body
    form.based_on.data = str(current.number)


def _rebase(form, error: MinutesChanged, amendment=None) -> dict:
    """A version was published meanwhile: start again from it, keep what was written."""
    changed = {"message": str(error), "submitted": form.body.data}
    _prefill(form, error.current, amendment)
    return changed


def _apply_decision(form: DecisionForm, amendment: MinutesAmendment) -> None:
    if form.decision.data == ACCEPT:
        version = service.accept_amendment(
            current_user, amendment, form.body.data, form.based_on.number, form.reason.data
        )
        flash(_("Amendement accepté : la version %(n)d est publiée.", n=version.number), "success")
    else:
        service.decline_amendment(current_user, amendment, form.reason.data)
        flash(_("Amendement refusé. Son auteur est prévenu."), "success")


@bp.route("/reunions/<int:meeting_id>/compte-rendu/corriger", methods=["GET", "POST"])
@private
@requires_charter(methods=("POST",))
@login_required
def correct(meeting_id: int):
    """The secretary publishes a corrected version directly, saying what changed."""
    minutes = _minutes_or_404(meeting_id)
    require(policy.can_edit_minutes(current_user, minutes))
    form = CorrectionForm()
    if not form.is_submitted():
        _prefill(form, service.current_version(minutes))
    changed = None
    if form.validate_on_submit():
        try:
            version = service.publish_correction(
                current_user, minutes, form.body.data, form.note.data, form.based_on.number
            )
        except MinutesChanged as error:
            changed = _rebase(form, error)
        except ServiceError as error:
            if not policy.can_edit_minutes(current_user, minutes):
                flash(str(error), "info")
                return _to_minutes(meeting_id)
            refuse(form.body, error)
        else:
            flash(_("La version %(n)d est publiée.", n=version.number), "success")
            return _to_minutes(meeting_id)
    return render_template(
        "minutes/correct.html",
        meeting=minutes.meeting,
        minutes=minutes,
        form=form,
        changed=changed,
    )


@bp.route("/reunions/<int:meeting_id>/compte-rendu/valider", methods=["GET", "POST"])
@private
@requires_charter(methods=("POST",))
@login_required
def validate(meeting_id: int):
    """The secretary validates the minutes, once no amendment waits; then they are final."""
    minutes = _minutes_or_404(meeting_id)
    require(policy.can_validate_minutes(current_user, minutes))
    form = ValidateForm()
    if form.validate_on_submit():
        try:
            service.validate_minutes(current_user, minutes)
        except ServiceError as error:
            if not policy.can_validate_minutes(current_user, minutes):
                flash(str(error), "info")
                return _to_minutes(meeting_id)
            refuse(form.confirm, error)
        else:
            flash(_("Le compte rendu est validé. Il ne changera plus."), "success")
            return _to_minutes(meeting_id)
    pending = [
        a for a in queries.minutes.amendments_of(minutes) if a.state is AmendmentState.PENDING
    ]
    return render_template(
        "minutes/validate.html",
        meeting=minutes.meeting,
        minutes=minutes,
        form=form,
        pending=pending,
    )


@bp.get("/reunions/<int:meeting_id>/compte-rendu/versions/<int:number>")
@public_page
def version(meeting_id: int, number: int):
    """One version as it was published, who wrote it and why."""
    minutes = _minutes_or_404(meeting_id)
    found = next((v for v in minutes.versions if v.number == number), None)
    if found is None:
        abort(404)
    return render_template(
        "minutes/version.html", meeting=minutes.meeting, minutes=minutes, version=found
    )


@bp.get("/reunions/<int:meeting_id>/compte-rendu/diff")
@public_page
def diff(meeting_id: int):
    """What changed between two versions (?de=1&a=2; by default, the last change)."""
    minutes = _minutes_or_404(meeting_id)
    versions = {v.number: v for v in minutes.versions}
    latest = minutes.versions[-1].number
    old = versions.get(_number_arg("de", max(latest - 1, 1)))
    new = versions.get(_number_arg("a", latest))
    if old is None or new is None:
        abort(404)
    return render_template(
        "minutes/diff.html",
        meeting=minutes.meeting,
        minutes=minutes,
        old=old,
        new=new,
        pieces=service.diff(old.body, new.body),
    )


def _number_arg(name: str, default: int) -> int:
    """A version number from the query string; 400 for anything but a number."""
    value = request.args.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()):
        abort(400)
    return int(value)
