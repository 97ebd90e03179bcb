"""Institutions answer in public: responses, their history, commitments; the right of reply.
Beside them, what an institution said elsewhere, as an association reports it."""

from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy, queries
from app.contributions.forms import ConfirmForm, ReplyForm
from app.extensions import db, limiter
from app.models import (
    CommitmentState,
    DisplayMode,
    OfficialResponse,
    Organisation,
    Position,
    Proposal,
    ReceivedVia,
)
from app.responses.forms import (
    CommitmentForm,
    CommitmentUpdateForm,
    RecordResponseForm,
    StatedPositionForm,
    record_form_for,
    response_form_for,
)
from app.services import ServiceError
from app.services import contributions as contribution_service
from app.services import responses as service
from app.services import stated_positions as stated_service
from app.web.incoming import megabytes, takes_file
from app.web.refusals import refuse, refuse_on
from app.web.routes import private, public, public_page, requires_charter

bp = Blueprint("responses", __name__)


def _anchor(response: OfficialResponse) -> str:
    return url_for("proposals.show", proposal_id=response.proposal_id) + (f"#reponse-{response.id}")


@bp.route("/propositions/<int:proposal_id>/reponses/<int:institution_id>", methods=["GET", "POST"])
@private
@requires_charter
@login_required
def respond(proposal_id: int, institution_id: int):
    """Write, or edit, the institution's official response (the earlier text is kept)."""
    proposal = queries.proposals.proposal_with_theme(proposal_id) or abort(404)
    institution = db.get_or_404(Organisation, institution_id)
    policy.require(policy.can_respond(current_user, proposal, institution))
    response = queries.responses.current_response(proposal, institution)
    form = response_form_for(institution, obj=response)
    if response is not None and not form.is_submitted():
        form.position.data = response.position.value
    if form.validate_on_submit():
        try:
            published = service.publish_response(
                current_user,
                proposal,
                institution,
                position=Position(form.position.data),
                body=form.body.data,
                competent_body=form.competent_body.data or "",
                easy_read=form.easy_read.data or "",
            )
        except ServiceError as error:
            refuse_on(form, error, "competent_body")
        else:
            flash(_("La réponse de %(name)s est publiée.", name=institution.name), "success")
            return redirect(_anchor(published))
    return render_template(
        "responses/form.html",
        proposal=proposal,
        institution=institution,
        response=response,
        form=form,
    )


@bp.get("/reponses/<int:response_id>/historique")
@public_page
def history(response_id: int):
    """Every version of a response, newest first: what was said, when, by whom."""
    response = queries.responses.response_with_proposal(response_id) or abort(404)
    return render_template(
        "responses/history.html",
        response=response,
        versions=queries.responses.response_versions(response),
    )


@bp.route("/reponses/<int:response_id>/engagements", methods=["GET", "POST"])
@private
@requires_charter
@login_required
def add_commitment(response_id: int):
    """Add a dated commitment under the institution's response."""
    response = queries.responses.response_with_proposal(response_id) or abort(404)
    policy.require(policy.can_respond(current_user, response.proposal, response.institution))
    form = CommitmentForm()
    if form.validate_on_submit():
        service.add_commitment(current_user, response, form.action.data, form.due_on.data)
        flash(_("L’engagement est publié."), "success")
        return redirect(_anchor(response))
    return render_template(
        "responses/commitment_form.html", response=response, form=form, commitment=None
    )


@bp.route("/engagements/<int:commitment_id>", methods=["GET", "POST"])
@private
@requires_charter
@login_required
def update_commitment(commitment_id: int):
    """Say where a commitment stands: in progress, done, or dropped (with a reason)."""
    commitment = queries.responses.commitment_with_proposal(commitment_id) or abort(404)
    policy.require(policy.can_manage_commitment(current_user, commitment))
    form = CommitmentUpdateForm(obj=commitment)
    if not form.is_submitted():
        form.state.data = commitment.state.value
        form.note.data = ""
    if form.validate_on_submit():
        try:
            service.update_commitment(
                current_user,
                commitment,
                state=CommitmentState(form.state.data),
                due_on=form.due_on.data,
                note=form.note.data or "",
                drop_reason=form.drop_reason.data or "",
            )
        except ServiceError as error:
            refuse(form.drop_reason, error)
        else:
            flash(_("L’engagement est mis à jour."), "success")
            return redirect(_anchor(commitment.response))
    return render_template(
        "responses/commitment_form.html",
        response=commitment.response,
        form=form,
        commitment=commitment,
    )


@bp.route("/reponses/<int:response_id>/repondre", methods=["GET", "POST"])
@private
@requires_charter
@login_required
@limiter.limit(lambda: current_app.config["CONTRIBUTION_RATE_LIMIT"], methods=["POST"])
def reply(response_id: int):
    """The right of reply under an official response."""
    response = queries.responses.response_with_proposal(response_id) or abort(404)
    policy.require(policy.can_reply_to_response(current_user, response))
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            contribution = contribution_service.post_response_reply(
                current_user,
                response,
                form.body.data,
                DisplayMode(form.display_mode.data),
                lang=form.lang.data,
                idempotency_key=form.once_key,
            )
        except ServiceError as error:
            refuse(form.body, error)
        else:
            if contribution.is_public:
                flash(_("Merci ! Votre réponse est publiée."), "success")
            else:
                flash(_("Merci ! Votre réponse sera publiée après relecture."), "success")
            return redirect(_anchor(response))
    return render_template("responses/reply.html", response=response, form=form)


def _stated_anchor(proposal_id: int) -> str:
    return url_for("proposals.show", proposal_id=proposal_id) + "#positions-rapportees"


def _reporters(user) -> list[Organisation]:
    """The associations a report may name: one's own; any association for an admin."""
    if policy.is_admin(user):
        return queries.directory.associations()
    return policy.association_memberships(user)


def _fitting(proposal: Proposal, organisations) -> list[Organisation]:
    """A real proposal's words come from real organisations, never invented (example) ones."""
    return [o for o in organisations if proposal.example or not o.example]


@bp.route("/propositions/<int:proposal_id>/positions-rapportees/nouvelle", methods=["GET", "POST"])
@private
@requires_charter
@login_required
def report_position(proposal_id: int):
    """Record what an institution said of the proposal elsewhere, as reported: never its
    official response."""
    proposal = queries.proposals.proposal_with_theme(proposal_id) or abort(404)
    policy.require(policy.can_report_position(current_user))
    form = StatedPositionForm()
    institutions = _fitting(proposal, queries.directory.institutions())
    form.institution_id.choices = [(o.id, o.name) for o in institutions]
    reporters = _fitting(proposal, _reporters(current_user))
    form.reported_by_id.choices = [(o.id, o.name) for o in reporters]
    if form.validate_on_submit():
        try:
            stated_service.record_stated_position(
                current_user,
                proposal,
                institution=db.session.get(Organisation, form.institution_id.data),
                words=form.words.data,
                source=form.source.data,
                stated_on=form.stated_on.data,
                reported_by=db.session.get(Organisation, form.reported_by_id.data),
            )
        except ServiceError as error:
            refuse_on(form, error, "words")
        else:
            flash(_("La position rapportée est enregistrée."), "success")
            return redirect(_stated_anchor(proposal.id))
    return render_template("responses/report_position.html", proposal=proposal, form=form)


@bp.route("/positions-rapportees/<int:position_id>/supprimer", methods=["GET", "POST"])
@private
@login_required
def remove_position(position_id: int):
    """Remove a stated position recorded by mistake, after confirming."""
    stated = queries.proposals.stated_with_proposal(position_id) or abort(404)
    policy.require(policy.can_remove_stated_position(current_user, stated))
    form = ConfirmForm()
    if form.validate_on_submit():
        proposal_id = stated.proposal_id
        stated_service.remove_stated_position(current_user, stated)
        flash(_("La position rapportée est supprimée."), "success")
        return redirect(_stated_anchor(proposal_id))
    return render_template("responses/remove_position.html", stated=stated, form=form)


# Responses received by letter, e-mail or in a meeting, recorded on the institution's behalf.

NO_RECORDER = 0  # the choice "the network's coordination" (admins only)


def _recorders(user, proposal: Proposal) -> list[tuple[int, str]]:
    """Who a recorded response may name: the proposal's association for its members; none
    or any association for an admin (real ones only for a real proposal)."""
    if policy.is_admin(user):
        associations = _fitting(proposal, queries.directory.associations())
        none = (NO_RECORDER, _("La coordination du réseau (aucune association)"))
        return [none] + [(o.id, o.name) for o in associations]
    carrier = proposal.organisation
    return [(carrier.id, carrier.name)] if carrier else []


def _fill_from(form: RecordResponseForm, response: OfficialResponse | None) -> None:
    """Correcting a recorded response starts from what was typed in."""
    if response is None or not response.was_recorded:
        return
    form.received_via.data = response.received_via.value
    form.received_at.data = response.received_at
    form.position.data = response.position.value
    form.competent_body.data = response.competent_body
    form.body.data = response.body
    form.easy_read.data = response.easy_read
    form.recorded_by_id.data = response.recorded_by_id or NO_RECORDER


@bp.route(
    "/propositions/<int:proposal_id>/reponses/<int:institution_id>/saisir",
    methods=["GET", "POST"],
)
@private
@requires_charter
@takes_file("RESPONSE_ATTACHMENT_MAX_BYTES")
@login_required
@limiter.limit(
    lambda: current_app.config["RECORD_RESPONSE_RATE_LIMIT"],
    methods=["POST"],
    key_func=lambda: f"record-response:{current_user.id}",
)
def record(proposal_id: int, institution_id: int):
    """Record the response an institution gave by letter, e-mail or in a meeting, on its
    behalf, with the document it came in."""
    proposal = queries.proposals.proposal_with_theme(proposal_id) or abort(404)
    institution = db.get_or_404(Organisation, institution_id)
    policy.require(policy.can_record_response(current_user, proposal, institution))
    response = queries.responses.current_response(proposal, institution)
    form = record_form_for(institution)
    form.proposal = proposal
    form.recorded_by_id.choices = _recorders(current_user, proposal)
    if not form.is_submitted():
        _fill_from(form, response)
    if form.validate_on_submit():
        try:
            recorded = service.record_response(
                current_user,
                proposal,
                institution,
                received_via=ReceivedVia(form.received_via.data),
                received_at=form.received_at.data,
                position=Position(form.position.data),
                body=form.body.data,
                competent_body=form.competent_body.data or "",
                easy_read=form.easy_read.data or "",
                recorded_by=db.session.get(Organisation, form.recorded_by_id.data or 0),
                document=form.sent_document(),
                remove_document=form.remove_document.data,
            )
        except ServiceError as error:
            refuse_on(form, error, "body")
        else:
            flash(_("La réponse de %(name)s est enregistrée.", name=institution.name), "success")
            return redirect(_anchor(recorded))
    return render_template(
        "responses/record.html",
        proposal=proposal,
        institution=institution,
        response=response,
        form=form,
        # A file input is never filled again: say so when one was sent with a refused form.
        document_lost=form.is_submitted() and bool(form.document.data),
        max_size=megabytes(current_app.config["RESPONSE_ATTACHMENT_MAX_BYTES"]),
    )


# A document opened in the browser runs nothing: no script, no form, no frame around it. The
# site's own policy forbids plugins (object-src 'none'), which stops Chromium's PDF viewer
# showing a letter: here the document itself may be shown, and nothing else. (No `sandbox`:
# Chromium shows no PDF in a sandboxed document.)
DOCUMENT_POLICY = (
    "default-src 'none'; object-src 'self'; img-src 'self'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'; form-action 'none'; base-uri 'none'"
)


def _disposition(file_name: str) -> str:
    """Shown in the browser, under its stored name (RFC 6266 and 5987: an ASCII fallback,
    then the UTF-8 name)."""
    fallback = file_name.encode("ascii", "replace").decode().replace("?", "_")
    fallback = fallback.replace('"', "_").replace("\\", "_")
    return f"inline; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


@bp.get("/reponses/<int:response_id>/document")
@public
def document(response_id: int):
    """The document a recorded response came in (a PDF or an image), streamed from the
    database in pieces."""
    attachment = queries.responses.document_of(response_id) or abort(404)
    body = stream_with_context(queries.responses.document_pieces(attachment))
    streamed = Response(body, mimetype=attachment.media_type)
    streamed.headers["Content-Length"] = str(attachment.size)
    streamed.headers["Content-Disposition"] = _disposition(attachment.file_name)
    streamed.headers["X-Content-Type-Options"] = "nosniff"
    streamed.headers["Cache-Control"] = "no-cache"  # a corrected record may replace it
    streamed.headers["Content-Security-Policy"] = DOCUMENT_POLICY
    return streamed
