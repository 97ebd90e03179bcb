"""The pages an onboarding e-mail's link opens; neither needs an account.

GET shows a button, POST acts: a mail scanner that opens every link confirms nothing.
"""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app import policy, queries
from app.accounts.login_sessions import start_session
from app.extensions import limiter
from app.models import Role
from app.onboarding.forms import ConfirmForm, InvitationAccountForm
from app.services import ServiceError
from app.services import onboarding as service
from app.web.refusals import refuse_on
from app.web.routes import private

bp = Blueprint("onboarding", __name__)

# The institution's inbox (helper H4's page), where a representative lands once joined.
INSTITUTION_INBOX_PATH = "/espace-institution"


@bp.route("/organisations/adresse-officielle/<token>", methods=["GET", "POST"])
@private
def confirm_official_address(token: str):
    """Confirm an organisation's official address from the link e-mailed to it."""
    organisation, email, problem = service.read_official_link(token)
    if problem is not None:
        page = "onboarding/official_address_invalid.html"
        return render_template(page, problem=problem, organisation=organisation), 400
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            service.confirm_official_address(organisation, email)
        except ServiceError:
            page = "onboarding/official_address_invalid.html"
            changed = service.AddressProblem.CHANGED
            return render_template(page, problem=changed, organisation=organisation), 400
        message = _("L’adresse officielle de %(name)s est confirmée.", name=organisation.name)
        flash(message, "success")
        return redirect(url_for("onboarding.confirm_official_address", token=token))
    return render_template(
        "onboarding/official_address.html", form=form, organisation=organisation, email=email
    )


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@private
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
def accept_invitation(token: str):
    """Take up an invitation: create the account, or join with the account one has."""
    invitation = service.find_invitation(token)
    state = service.invitation_state(invitation)
    if state is not service.InvitationState.PENDING:
        message = service.invitation_problem_message(state)
        return render_template("onboarding/invitation_invalid.html", message=message), 400
    account = queries.onboarding.account_for(invitation.email)
    if current_user.is_authenticated and not policy.is_invited_account(current_user, invitation):
        return _page(invitation, "other_account")
    if account is None:
        return _new_account(invitation)
    if not current_user.is_authenticated:
        return _page(invitation, "log_in", login_next=request.path)
    return _join(invitation)


def _new_account(invitation):
    form = InvitationAccountForm(invitation.email)
    if form.validate_on_submit():
        try:
            user = service.accept_with_new_account(
                invitation, form.pseudonym.data, form.password.data
            )
        except ServiceError as error:
            refuse_on(form, error, "pseudonym")
        else:
            start_session(user, request.user_agent.string)
            flash(_welcome(invitation), "success")
            return redirect(_landing(user))
    return _page(invitation, "new_account", form=form)


def _join(invitation):
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            service.accept_as_account(current_user, invitation)
        except ServiceError as error:
            flash(str(error), "error")
            return redirect(url_for("main.index"))
        flash(_welcome(invitation), "success")
        return redirect(_landing(current_user))
    return _page(invitation, "join", form=form)


def _page(invitation, situation: str, **values):
    return render_template(
        "onboarding/invitation.html", invitation=invitation, situation=situation, **values
    )


def _welcome(invitation) -> str:
    return _("Bienvenue : vous avez rejoint %(name)s.", name=invitation.organisation.name)


def _landing(user) -> str:
    """A representative's institution inbox when the site has one, else the home page."""
    if user.role is Role.INSTITUTION_REP:
        for rule in current_app.url_map.iter_rules():
            if rule.rule == INSTITUTION_INBOX_PATH and "GET" in (rule.methods or ()):
                return url_for(rule.endpoint)
    return url_for("main.index")
