"""Registration, login, logout, password reset, preferences."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, logout_user

from app import policy
from app.accounts import login_throttle
from app.accounts.forms import (
    ChangePasswordForm,
    ConfirmRegistrationForm,
    ForgotPasswordForm,
    LoginForm,
    PreferencesForm,
    RegistrationForm,
    ResetPasswordForm,
)
from app.accounts.login_sessions import current_session, start_session
from app.extensions import limiter
from app.services import accounts, sessions
from app.web.navigation import safe_next
from app.web.routes import private

bp = Blueprint("accounts", __name__, url_prefix="/compte")


def _start_session(user, remember: bool = False) -> None:
    start_session(user, request.user_agent.string, remember=remember)


@bp.route("/inscription", methods=["GET", "POST"])
@private
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
def register():
    """Ask for an account (e-mail, password, pseudonym, charter); the e-mailed link creates it.

    A known address gets the very same answer: its owner is warned by e-mail instead.
    """
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegistrationForm()
    if form.validate_on_submit():
        accounts.request_registration(form.email.data, form.password.data, form.pseudonym.data)
        return redirect(url_for("accounts.registration_sent"))
    return render_template("accounts/register.html", form=form)


@bp.get("/inscription/verifiez-vos-emails")
@private
def registration_sent():
    """The same page for every address: the rest is in the e-mail."""
    return render_template("accounts/registration_sent.html")


@bp.route("/inscription/confirmer/<token>", methods=["GET", "POST"])
@private
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
def confirm_registration(token: str):
    """Create the account of an e-mailed registration link, and log its owner in."""
    pending = accounts.pending_registration(token)
    if pending is None:
        return render_template("accounts/registration_invalid.html"), 400
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = ConfirmRegistrationForm()
    if form.validate_on_submit():
        try:
            user = accounts.confirm_registration(pending)
        except accounts.AlreadyRegistered as error:
            flash(str(error), "info")
            return redirect(url_for("accounts.login"))
        except accounts.PseudonymTaken as error:
            flash(str(error), "error")
            return redirect(url_for("accounts.register"))
        _start_session(user)
        flash(_("Bienvenue %(name)s ! Votre compte est créé.", name=user.pseudonym), "success")
        return redirect(url_for("main.index"))
    return render_template(
        "accounts/confirm_registration.html", form=form, pseudonym=pending.pseudonym
    )


@bp.route("/connexion", methods=["GET", "POST"])
@private
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    """Log in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        login_throttle.check(form.email.data)  # 429 while this account is being guessed at
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_throttle.succeeded(form.email.data)
            _start_session(user, remember=form.remember.data)
            flash(_("Vous êtes connecté·e."), "success")
            return redirect(_landing(user, request.args.get("next")))
        login_throttle.failed(form.email.data)
        form.password.errors.append(_("Adresse e-mail ou mot de passe incorrect."))
    return render_template("accounts/login.html", form=form)


def _landing(user, target: str | None) -> str:
    """Where a login leads: the page asked for; else, for a representative of a verified
    institution, the institution's inbox; else the home page."""
    if not target and policy.institution_memberships(user):
        return url_for("inbox.index")
    return safe_next(target)


@bp.post("/deconnexion")
@private
def logout():
    """Log out (POST only, with the CSRF token): the session ends on the server too."""
    sessions.revoke(current_session())
    logout_user()
    session.clear()
    flash(_("Vous êtes déconnecté·e."), "info")
    return redirect(url_for("main.index"))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@private
@limiter.limit(lambda: current_app.config["RESET_RATE_LIMIT"], methods=["POST"])
def forgot_password():
    """Ask for a reset link by e-mail; the answer never says whether the account exists."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/reinitialiser/<token>", methods=["GET", "POST"])
@private
@limiter.limit(lambda: current_app.config["RESET_RATE_LIMIT"], methods=["POST"])
def reset_password(token: str):
    """Choose a new password through the e-mailed link."""
    row = accounts.valid_reset_token(token)
    if row is None:
        return render_template("accounts/reset_invalid.html"), 400
    form = ResetPasswordForm(account=row.user)
    if form.validate_on_submit():
        accounts.reset_password(token, form.password.data)
        flash(_("Votre mot de passe est changé. Vous pouvez vous connecter."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/preferences", methods=["GET", "POST"])
@private
@login_required
def preferences():
    """The account's page: language, notification e-mails and memberships."""
    form = PreferencesForm(
        locale=current_user.locale or "",
        email_frequency=current_user.email_frequency.value,
        moderation_alerts=current_user.moderation_alerts.value,
    )
    if not policy.is_moderator(current_user):
        del form.moderation_alerts
    if form.validate_on_submit():
        accounts.save_preferences(
            current_user,
            form.locale.data,
            form.email_frequency.data,
            moderation_alerts=form.moderation_alerts.data if "moderation_alerts" in form else None,
        )
        session.pop("locale", None)
        flash(_("Vos préférences sont enregistrées."), "success")
        return redirect(url_for("accounts.preferences"))
    return render_template(
        "accounts/preferences.html",
        form=form,
        sessions=sessions.active_sessions(current_user, first=current_session()),
        this_session=current_session(),
    )


@bp.route("/mot-de-passe", methods=["GET", "POST"])
@private
@login_required
@limiter.limit(lambda: current_app.config["RESET_RATE_LIMIT"], methods=["POST"])
def change_password():
    """Change one's password, knowing the current one; the other devices are logged out."""
    form = ChangePasswordForm(account=current_user)
    if form.validate_on_submit():
        ended = accounts.change_password(current_user, current_session(), form.password.data)
        message = _("Votre mot de passe est changé.")
        if ended:
            message += " " + ngettext(
                "%(num)d autre session est déconnectée.",
                "%(num)d autres sessions sont déconnectées.",
                ended,
            )
        flash(message, "success")
        return redirect(url_for("accounts.preferences"))
    return render_template("accounts/change_password.html", form=form)


@bp.post("/sessions/deconnecter-les-autres")
@private
@login_required
def end_other_sessions():
    """Log out every other device of this account (POST, with the CSRF token)."""
    ended = sessions.revoke_sessions(current_user, keep=current_session())
    if ended:
        flash(
            ngettext(
                "%(num)d autre session est déconnectée.",
                "%(num)d autres sessions sont déconnectées.",
                ended,
            ),
            "success",
        )
    else:
        flash(_("Aucune autre session n’était ouverte."), "info")
    return redirect(url_for("accounts.preferences"))
