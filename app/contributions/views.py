"""Contributing on a proposal: testimonies (account, guest, assisted), comments, replies;
editing, withdrawing and flagging them."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy, queries
from app.contributions import premises
from app.contributions.forms import (
    AssistedTestimonyForm,
    AudioPreviewForm,
    CommentForm,
    ConfirmForm,
    EditForm,
    FlagForm,
    GuestTestimonyForm,
    ReplyForm,
    TestimonyForm,
)
from app.extensions import db, limiter
from app.models import (
    Contribution,
    ContributionKind,
    ContributionState,
    DisplayMode,
    FlagReason,
    Organisation,
    Proposal,
)
from app.receipts import handover
from app.services import ServiceError, receipts
from app.services import audio as audio_service
from app.services import contributions as service
from app.web.incoming import megabytes, takes_file
from app.web.refusals import refuse, refuse_on
from app.web.routes import private, public, public_page, requires_charter

bp = Blueprint("contributions", __name__)


def _rate(key: str):
    return lambda: current_app.config[key]


def _proposal_or_404(proposal_id: int) -> Proposal:
    return queries.proposals.proposal_with_theme(proposal_id) or abort(404)


def _contribution_or_404(contribution_id: int) -> Contribution:
    """A contribution the current person may see (its parents included), or 404."""
    contribution = queries.contributions.contribution_with_proposal(contribution_id) or abort(404)
    policy.require_visible(policy.can_view_contribution(current_user, contribution))
    return contribution


def _anchor(contribution: Contribution) -> str:
    return url_for("proposals.show", proposal_id=contribution.proposal_id) + (
        f"#contribution-{contribution.id}"
    )


def _flash_posted(contribution: Contribution) -> None:
    if contribution.state is ContributionState.PENDING:
        flash(
            _(
                "Merci ! Votre texte sera publié après relecture par une association "
                "du réseau. Vous serez prévenu·e de la décision."
            ),
            "success",
        )
    else:
        flash(_("Merci ! Votre texte est publié."), "success")


def _audio_limits() -> dict:
    """The longest and largest recording, as the form's hint and the recorder say them."""
    seconds = current_app.config["AUDIO_MAX_SECONDS"]
    minutes, rest = divmod(seconds, 60)
    return {
        "seconds": seconds,
        "duration": _("%(n)s min", n=minutes) if not rest else _("%(n)s s", n=seconds),
        "clock": f"{minutes}:{rest:02d}",
        "size": megabytes(current_app.config["AUDIO_MAX_BYTES"]),
        "bytes": current_app.config["AUDIO_MAX_BYTES"],
    }


def _spoken_page(template: str, form, voice: str = "disguised", **context) -> str:
    """A testimony form, again after a refusal: a file input is never filled again by the
    browser, so the page says to choose the recording again when one was sent."""
    return render_template(
        template,
        form=form,
        voice=voice,
        audio_limits=_audio_limits(),
        audio_lost=form.is_submitted() and form.has_recording,
        **context,
    )


@bp.route("/propositions/<int:proposal_id>/temoigner", methods=["GET", "POST"])
@private
@requires_charter
@takes_file("AUDIO_MAX_BYTES", fields=("audio",))
@limiter.limit(
    premises.guest_testimony_limit,
    methods=["POST"],
    exempt_when=lambda: current_user.is_authenticated,
    # Only a stored testimony counts: a mistake in the form never locks a day centre out.
    deduct_when=lambda response: response.status_code == 302,
)
@limiter.limit(
    _rate("CONTRIBUTION_RATE_LIMIT"),
    methods=["POST"],
    exempt_when=lambda: not current_user.is_authenticated,
)
def testify(proposal_id: int):
    """Leave a testimony: a one-screen form, with or without an account."""
    proposal = _proposal_or_404(proposal_id)
    if policy.can_testify_as_guest(current_user):
        return _guest_testimony(proposal)
    return _post_with_account(
        proposal, TestimonyForm(), ContributionKind.TESTIMONY, "contributions/testify.html"
    )


def _guest_testimony(proposal: Proposal):
    form = GuestTestimonyForm()
    if form.validate_on_submit():
        try:
            if not form.website.data:  # a robot fills the hidden field: it gets the receipt only
                code = receipts.new_code()
                testimony = service.post_guest_testimony(
                    proposal,
                    form.body.data or "",
                    form.name.data or "",
                    form.contact.data or "",
                    lang=form.lang.data,
                    idempotency_key=form.once_key,
                    page_locale=str(get_locale()),
                    audio=audio_service.check_upload(form.audio.data),
                    receipt_hash=receipts.code_hash(code),
                )
                _hand_over_receipt(testimony, code, proposal.id, form.once_key)
        except ServiceError as error:
            refuse_on(form, error, "body")
        else:
            return redirect(url_for("contributions.receipt", proposal_id=proposal.id))
    return _spoken_page("contributions/testify_guest.html", form, proposal=proposal)


def _hand_over_receipt(testimony, code: str, proposal_id: int, form_key: str | None) -> None:
    """The new code to the receipt page. The same form sent again (the same text) gives
    back the testimony saved the first time. When this browser never got that first
    answer (lost on the way, a second tap), the new code replaces the first, for a few
    minutes while the testimony waits; otherwise the first stays the only one."""
    if receipts.opens(testimony, code):
        handover.hand_over(code, proposal_id, form_key)
    elif not handover.handed_over(form_key) and receipts.reissue(testimony, code):
        handover.hand_over(code, proposal_id, form_key, replaced=True)
    else:
        handover.hand_over(None, proposal_id)


@bp.get("/propositions/<int:proposal_id>/temoignage-envoye")
@private
def receipt(proposal_id: int):
    """What happens next, for a guest who just left a testimony."""
    proposal = _proposal_or_404(proposal_id)
    return render_template(
        "contributions/receipt.html", proposal=proposal, receipt=handover.take(proposal.id)
    )


@bp.route("/propositions/<int:proposal_id>/temoignage-recueilli", methods=["GET", "POST"])
@private
@requires_charter
@takes_file("AUDIO_MAX_BYTES", fields=("audio",))
@login_required
def record_assisted(proposal_id: int):
    """An association member records a beneficiary's testimony, with their consent."""
    proposal = _proposal_or_404(proposal_id)
    policy.require(policy.can_record_assisted(current_user))
    form = AssistedTestimonyForm()
    form.organisation_id.choices = [
        (org.id, org.name) for org in policy.association_memberships(current_user)
    ]
    if form.validate_on_submit():
        try:
            contribution = service.post_assisted_testimony(
                current_user,
                proposal,
                db.session.get(Organisation, form.organisation_id.data),
                form.body.data or "",
                form.first_name.data or "",
                lang=form.lang.data,
                idempotency_key=form.once_key,
                consent=form.consent.data,
                audio=audio_service.check_upload(form.audio.data),
            )
        except service.ConsentRequired as error:
            refuse(form.consent, error)
        except ServiceError as error:
            refuse_on(form, error, "body")
        else:
            _flash_posted(contribution)
            return redirect(_anchor(contribution))
    return _spoken_page("contributions/assisted.html", form, "assisted", proposal=proposal)


@bp.post("/temoignages/audio/apercu")
@public
@takes_file("AUDIO_MAX_BYTES", fields=("audio",))
@limiter.limit(_rate("AUDIO_PREVIEW_RATE_LIMIT"))
def audio_preview():
    """A recording as it will be published, voice disguised, heard before sending it;
    nothing is stored."""
    form = AudioPreviewForm()
    if not form.validate_on_submit() or not form.audio.data:
        return _plain(_("Choisissez un enregistrement."), 400)
    try:
        checked = audio_service.check_upload(form.audio.data)
        return Response(audio_service.preview_disguised(checked), mimetype="audio/mpeg")
    except ServiceError as error:
        return _plain(str(error), 400)


def _plain(message: str, status: int) -> Response:
    return Response(message, status=status, mimetype="text/plain")


@bp.post("/propositions/<int:proposal_id>/commentaires")
@private
@requires_charter
@login_required
@limiter.limit(_rate("CONTRIBUTION_RATE_LIMIT"))
def comment(proposal_id: int):
    """Comment on a proposal (the form is on the proposal's page)."""
    proposal = _proposal_or_404(proposal_id)
    return _post_with_account(
        proposal, CommentForm(), ContributionKind.COMMENT, "contributions/comment.html"
    )


def _post_with_account(
    proposal: Proposal, form, kind: ContributionKind, template: str, parent=None
):
    """A testimony, comment or reply by a logged-in person: posted, or the form back with
    why and the text kept."""
    spoken = {}
    if form.validate_on_submit():
        try:
            if kind is ContributionKind.TESTIMONY:
                spoken["audio"] = audio_service.check_upload(form.audio.data)
            contribution = service.post_contribution(
                current_user,
                proposal,
                kind,
                form.body.data or "",
                DisplayMode(form.display_mode.data),
                parent=parent,
                lang=form.lang.data,
                idempotency_key=form.once_key,
                **spoken,
            )
        except ServiceError as error:
            refuse_on(form, error, "body")
        else:
            _flash_posted(contribution)
            return redirect(_anchor(contribution))
    if kind is ContributionKind.TESTIMONY:
        return _spoken_page(template, form, "chosen", proposal=proposal, parent=parent)
    return render_template(template, proposal=proposal, parent=parent, form=form)


@bp.route("/contributions/<int:contribution_id>/repondre", methods=["GET", "POST"])
@private
@requires_charter
@login_required
@limiter.limit(_rate("CONTRIBUTION_RATE_LIMIT"), methods=["POST"])
def reply(contribution_id: int):
    """Reply to a published comment (one level deep)."""
    parent = _contribution_or_404(contribution_id)
    policy.require(policy.can_reply(current_user, parent))
    return _post_with_account(
        parent.proposal, ReplyForm(), ContributionKind.REPLY, "contributions/reply.html", parent
    )


@bp.get("/contributions/<int:contribution_id>")
@public_page
def show(contribution_id: int):
    """A contribution's permanent link: its place on the proposal's page."""
    return redirect(_anchor(_contribution_or_404(contribution_id)))


def _edit_form(contribution) -> EditForm:
    """The form to change a contribution's text, with its kind's length limit."""
    form = EditForm(body=contribution.body, lang=contribution.lang)
    if contribution.kind is ContributionKind.TESTIMONY:
        form.max_length_key = "TESTIMONY_MAX_LENGTH"
    if contribution.audio is not None:
        form.text_optional()
    return form


@bp.route("/contributions/<int:contribution_id>/modifier", methods=["GET", "POST"])
@private
@requires_charter
@login_required
def edit(contribution_id: int):
    """Its author corrects it within the edit window."""
    contribution = _contribution_or_404(contribution_id)
    policy.require(policy.can_edit_contribution(current_user, contribution))
    form = _edit_form(contribution)
    if form.validate_on_submit():
        try:
            service.edit_contribution(current_user, contribution, form.body.data, form.lang.data)
        except ServiceError as error:
            refuse(form.body, error)
        else:
            _flash_posted(contribution)
            return redirect(_anchor(contribution))
    return render_template("contributions/edit.html", contribution=contribution, form=form)


@bp.route("/contributions/<int:contribution_id>/reformuler", methods=["GET", "POST"])
@private
@requires_charter
@login_required
def reword(contribution_id: int):
    """Its author rewords a hidden contribution, which goes back to the moderators."""
    contribution = _contribution_or_404(contribution_id)
    policy.require(policy.can_reword_hidden(current_user, contribution))
    form = _edit_form(contribution)
    if form.validate_on_submit():
        try:
            service.reword_hidden_contribution(
                current_user, contribution, form.body.data, form.lang.data
            )
        except ServiceError as error:  # a moderator decided meanwhile: the text stays here
            refuse(form.body, error)
            return _reword_page(contribution, form)
        flash(
            _(
                "Merci ! Votre texte reformulé sera relu par l’équipe de modération "
                "avant d’être publié à nouveau."
            ),
            "success",
        )
        return redirect(_anchor(contribution))
    return _reword_page(contribution, form)


def _reword_page(contribution: Contribution, form: EditForm):
    return render_template(
        "contributions/reword.html",
        contribution=contribution,
        form=form,
        decision=queries.moderation.hiding_decision(contribution),
    )


@bp.route("/contributions/<int:contribution_id>/retirer", methods=["GET", "POST"])
@private
@login_required
def withdraw(contribution_id: int):
    """Its author takes it back, after confirming."""
    contribution = _contribution_or_404(contribution_id)
    policy.require(policy.can_withdraw_contribution(current_user, contribution))
    form = ConfirmForm()
    if form.validate_on_submit():
        service.withdraw_contribution(current_user, contribution)
        flash(_("Votre contribution est retirée."), "success")
        return redirect(_anchor(contribution))
    return render_template("contributions/withdraw.html", contribution=contribution, form=form)


@bp.route("/contributions/<int:contribution_id>/signaler", methods=["GET", "POST"])
@private
@login_required
@limiter.limit(_rate("FLAG_RATE_LIMIT"), methods=["POST"])
def flag(contribution_id: int):
    """Report a contribution to the moderators, with a reason."""
    contribution = _contribution_or_404(contribution_id)
    policy.require(policy.can_flag(current_user, contribution))
    form = FlagForm()
    if form.validate_on_submit():
        try:
            service.flag_contribution(
                current_user, contribution, FlagReason(form.reason.data), form.details.data or ""
            )
        except ServiceError as error:
            flash(str(error), "info")
        else:
            flash(_("Merci, l’équipe de modération va examiner ce signalement."), "success")
        return redirect(_anchor(contribution))
    return render_template("contributions/flag.html", contribution=contribution, form=form)
