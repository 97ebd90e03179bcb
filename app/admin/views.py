"""Administration: organisations and their verification, roles and memberships, workshops."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy, queries
from app.admin.forms import CharterForm, InvitationForm, OrganisationForm, ThemeForm, UserForm
from app.extensions import db
from app.labels import AUDIT_ACTION_LABELS
from app.models import (
    AuditAction,
    Invitation,
    Organisation,
    OrganisationKind,
    Role,
    Theme,
    User,
    utcnow,
)
from app.services import PermissionDenied, ServiceError, onboarding
from app.services import admin as service
from app.services import audit as audit_service
from app.services import charter as charter_service
from app.web.pagination import paginate
from app.web.refusals import refuse, refuse_on
from app.web.routes import private

bp = Blueprint("admin", __name__, url_prefix="/admin")

ROWS_PER_PAGE = 50  # organisations, accounts


@bp.before_request
@login_required
def _admins_only():
    policy.require(policy.can_administer(current_user))


@bp.get("/")
@private
def index():
    """Counts and links to each administration page."""
    return render_template("admin/index.html", counts=queries.admin.counts())


@bp.get("/organisations")
@private
def organisations():
    """Every organisation, unverified institutions first."""
    query = queries.admin.organisations_query()
    return render_template("admin/organisations.html", page=paginate(query, per_page=ROWS_PER_PAGE))


@bp.route("/organisations/nouvelle", methods=["GET", "POST"])
@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@private
def organisation(organisation_id: int | None = None):
    """Create or edit an organisation, and verify an institution."""
    organisation = db.get_or_404(Organisation, organisation_id) if organisation_id else None
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        if queries.admin.name_taken(Organisation, form.name.data, organisation_id):
            form.name.errors.append(_("Une organisation porte déjà ce nom."))
        else:
            data = {**form.data, "kind": OrganisationKind(form.kind.data)}
            try:
                service.save_organisation(current_user, organisation, data)
            except ServiceError as error:
                refuse_on(form, error, "verified")
            else:
                flash(_("L’organisation est enregistrée."), "success")
                return redirect(url_for("admin.organisations"))
    return render_template("admin/organisation_form.html", form=form, organisation=organisation)


@bp.post("/organisations/<int:organisation_id>/adresse-officielle/renvoyer")
@private
def resend_official_link(organisation_id: int):
    """E-mail the official address's confirmation link again."""
    organisation = db.get_or_404(Organisation, organisation_id)
    try:
        onboarding.resend_official_link(current_user, organisation)
    except ServiceError as error:
        flash(str(error), "error")
    else:
        flash(_("Le lien de confirmation est envoyé à l’adresse officielle."), "success")
    return redirect(url_for("admin.organisation", organisation_id=organisation.id))


@bp.post("/organisations/<int:organisation_id>/suivi/reprendre")
@private
def resume_follow_up(organisation_id: int):
    """Start the follow-up e-mails to the official address again, once stopped."""
    organisation = db.get_or_404(Organisation, organisation_id)
    try:
        onboarding.resume_follow_up(current_user, organisation)
    except ServiceError as error:
        flash(str(error), "error")
    else:
        flash(_("Les e-mails de suivi reprennent à l’adresse officielle."), "success")
    return redirect(url_for("admin.organisation", organisation_id=organisation.id))


@bp.route("/invitations", methods=["GET", "POST"])
@private
def invitations():
    """Invite someone to join an organisation with a role; every invitation and its state."""
    form = InvitationForm(queries.onboarding.organisations_to_invite_to())
    if form.validate_on_submit():
        organisation = db.get_or_404(Organisation, int(form.organisation_id.data))
        try:
            onboarding.invite(current_user, form.email.data, organisation, Role(form.role.data))
        except ServiceError as error:
            refuse_on(form, error, "email")
        else:
            flash(_("L’invitation est envoyée."), "success")
            return redirect(url_for("admin.invitations"))
    page = paginate(queries.onboarding.invitations_query(), per_page=ROWS_PER_PAGE)
    return render_template(
        "admin/invitations.html",
        form=form,
        page=page,
        state_of=onboarding.invitation_state,
        now=utcnow(),
    )


@bp.post("/invitations/<int:invitation_id>/renvoyer")
@private
def resend_invitation(invitation_id: int):
    """Send an invitation again, with a new link (the previous one stops working)."""
    invitation = db.get_or_404(Invitation, invitation_id)
    try:
        onboarding.resend_invitation(current_user, invitation)
    except ServiceError as error:
        flash(str(error), "error")
    else:
        flash(_("L’invitation est envoyée à nouveau, avec un nouveau lien."), "success")
    return redirect(url_for("admin.invitations"))


@bp.post("/invitations/<int:invitation_id>/revoquer")
@private
def revoke_invitation(invitation_id: int):
    """Stop an invitation: its link no longer works."""
    invitation = db.get_or_404(Invitation, invitation_id)
    try:
        onboarding.revoke_invitation(current_user, invitation)
    except ServiceError as error:
        flash(str(error), "error")
    else:
        flash(_("L’invitation est révoquée : son lien ne fonctionne plus."), "success")
    return redirect(url_for("admin.invitations"))


@bp.route("/utilisateurs", methods=["GET", "POST"])
@private
def users():
    """Accounts, searchable by pseudonym or e-mail; the search is posted, so that no
    e-mail address ends up in a URL (server logs, browser history)."""
    search = (request.form.get("q") or "").strip()[:100] if request.method == "POST" else ""
    query = queries.admin.users_query(search)
    return render_template(
        "admin/users.html", page=paginate(query, per_page=ROWS_PER_PAGE), search=search
    )


@bp.route("/utilisateurs/<int:user_id>", methods=["GET", "POST"])
@private
def user(user_id: int):
    """Give a role and memberships, or block an account."""
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user, role=user.role.value)
    orgs = queries.admin.all_organisations()
    form.organisation_ids.choices = [(o.id, o.name) for o in orgs]
    form.theme_ids.choices = [(t.id, t.name) for t in queries.proposals.all_themes()]
    if request.method == "GET":
        form.organisation_ids.data = [o.id for o in user.organisations]
        form.theme_ids.data = [t.id for t in user.moderated_themes]
    if form.validate_on_submit():
        try:
            service.update_user(
                current_user,
                user,
                role=Role(form.role.data),
                organisation_ids=form.organisation_ids.data or [],
                active=form.active.data,
                theme_ids=form.theme_ids.data or [],
            )
        except PermissionDenied:
            form.role.errors.append(
                _(
                    "Vous ne pouvez pas retirer votre propre rôle d’administrateur "
                    "ni bloquer votre compte."
                )
            )
        else:
            flash(_("Le compte est mis à jour."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.get("/ateliers")
@private
def themes():
    """The workshops, in display order."""
    themes = queries.proposals.all_themes()
    return render_template("admin/themes.html", themes=themes)


@bp.route("/ateliers/nouveau", methods=["GET", "POST"])
@bp.route("/ateliers/<int:theme_id>", methods=["GET", "POST"])
@private
def theme(theme_id: int | None = None):
    """Create or edit a workshop."""
    theme = db.get_or_404(Theme, theme_id) if theme_id else None
    form = ThemeForm(obj=theme)
    if form.validate_on_submit():
        if queries.admin.name_taken(Theme, form.name.data, theme_id):
            form.name.errors.append(_("Un atelier porte déjà ce nom."))
        else:
            service.save_theme(current_user, theme, form.data)
            flash(_("L’atelier est enregistré."), "success")
            return redirect(url_for("admin.themes"))
    return render_template("admin/theme_form.html", form=form, theme=theme)


@bp.route("/charte", methods=["GET", "POST"])
@private
def charter():
    """Publish a new version of the participation charter (everyone accepts it again)."""
    current = queries.charter.current_charter()
    form = CharterForm()
    if not form.is_submitted() and current is not None:
        form.introduction.data = current.introduction
        form.articles.data = charter_service.articles_as_text(current)
    if form.validate_on_submit():
        try:
            version = charter_service.publish_charter(
                current_user, form.introduction.data or "", form.articles.data
            )
        except ServiceError as error:
            refuse(form.articles, error)
        else:
            flash(
                _("La version %(label)s de la charte est en vigueur.", label=version.label),
                "success",
            )
            return redirect(url_for("main.charter"))
    return render_template(
        "admin/charter.html", form=form, current=current, versions=queries.charter.versions()
    )


@bp.get("/journal")
@private
def audit_log():
    """The audit trail of administration and identity views, newest first, by action."""
    try:
        action = AuditAction(request.args["action"]) if request.args.get("action") else None
    except ValueError:
        abort(400)
    page = paginate(queries.admin.audit_log(action), per_page=audit_service.AUDIT_PER_PAGE)
    return render_template(
        "admin/audit_log.html", page=page, action=action, actions=AUDIT_ACTION_LABELS
    )
