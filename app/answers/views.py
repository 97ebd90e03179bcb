"""The page an answer link opens: an institution's staff post its official response without
an account; what a link that no longer works says; the administration's list of links."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy, queries
from app.extensions import db, limiter
from app.models import AnswerLink, ContributionKind, OfficialResponse, Position, utcnow
from app.responses.forms import ResponseForm, response_form_for
from app.services import ServiceError
from app.services import answer_links as service
from app.web.pagination import paginate
from app.web.refusals import refuse_on
from app.web.routes import private

bp = Blueprint("answers", __name__)

LINKS_PER_PAGE = 50
# The thank-you page names the response just published (the link is used up by then).
ANSWERED_KEY = "answered_response_id"


def _rate_limit() -> str:
    return current_app.config["ANSWER_LINK_RATE_LIMIT"]


@bp.route("/repondre/<token>", methods=["GET", "POST"])
@private
@limiter.limit(_rate_limit, methods=["POST"])
def answer(token: str):
    """The organisation's response form, when the link still works; else why it does not.
    An association an institution put the proposal to may also take it up."""
    link = service.find(token)
    problem = service.problem(link)
    if problem is not None:
        return _link_problem(link, problem)
    response = queries.responses.current_response(link.proposal, link.institution)
    form = response_form_for(link.institution, obj=response)
    if response is not None and not form.is_submitted():
        form.position.data = response.position.value
    if form.validate_on_submit():
        try:
            published = service.answer_through_link(
                link,
                position=Position(form.position.data),
                body=form.body.data,
                competent_body=form.competent_body.data or "",
                easy_read=form.easy_read.data or "",
            )
        except ServiceError as error:
            refuse_on(form, error, "body")
        else:
            session[ANSWERED_KEY] = published.id
            return redirect(url_for("answers.thanks"))
    return _answer_page(link, response, form)


def _answer_page(link: AnswerLink, response: OfficialResponse | None, form: ResponseForm):
    totals = queries.contributions.contribution_totals(link.proposal, None)
    return render_template(
        "answers/answer.html",
        link=link,
        proposal=link.proposal,
        institution=link.institution,
        response=response,
        due_on=queries.answer_links.due_on(link),
        testimonies=totals[ContributionKind.TESTIMONY],
        form=form,
    )


def _link_problem(link: AnswerLink | None, problem: service.LinkProblem):
    """The page of a link that no longer works: 404 for an unknown one (it says nothing of
    any proposal), 410 for one expired, used, revoked or replaced."""
    return render_template(
        "answers/link_problem.html",
        link=link,
        problem=problem.value,
        can_ask=link is not None and service.new_link_possible(link),
        contact=current_app.config["NETWORK_CONTACT_EMAIL"],
    ), (404 if link is None else 410)


@bp.post("/repondre/<token>/nouveau-lien")
@private
@limiter.limit(_rate_limit)
def new_link(token: str):
    """E-mail a new link to the institution's official address (never one typed here)."""
    link = service.find(token) or abort(404)
    if service.problem(link) is None:
        return redirect(url_for("answers.answer", token=token))
    try:
        service.send_new_link(link)
    except ServiceError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        sent = _("Un nouveau lien a été envoyé à l’adresse officielle de l’organisation.")
        flash(sent, "success")
    return redirect(url_for("answers.answer", token=token))


@bp.get("/repondre/merci")
@private
def thanks():
    """After the response: published, and where to see it (no token needed any more)."""
    response_id = session.get(ANSWERED_KEY)
    response = db.session.get(OfficialResponse, response_id) if response_id else None
    return render_template("answers/thanks.html", response=response)


@bp.get("/admin/liens-de-reponse")
@private
@login_required
def admin_links():
    """Every answer link, newest first, by institution: its state, and a way to revoke it."""
    policy.require(policy.can_administer(current_user))
    institution_id = request.args.get("institution", type=int)
    query = queries.answer_links.links_query(institution_id)
    page = paginate(query, per_page=LINKS_PER_PAGE)
    corrected = queries.answer_links.corrected_responses(page.items)
    return render_template(
        "admin/answer_links.html",
        page=page,
        institutions=queries.answer_links.institutions_with_links(),
        institution_id=institution_id,
        problem_of=lambda link, now: service.problem(link, now, corrected),
        now=utcnow(),
    )


@bp.post("/admin/liens-de-reponse/<int:link_id>/revoquer")
@private
@login_required
def revoke_link(link_id: int):
    """Stop a link (sent to a wrong address, passed on): audited."""
    policy.require(policy.can_administer(current_user))
    link = db.get_or_404(AnswerLink, link_id)
    service.revoke(current_user, link)
    flash(_("Le lien est révoqué : il ne permet plus de répondre."), "success")
    return redirect(url_for("answers.admin_links"))
