"""The privacy notice, "my data" with its JSON download, and deleting one's account."""

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    session,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user

from app import policy
from app.privacy.forms import DeleteAccountForm
from app.services import ServiceError
from app.services import privacy as service
from app.web.refusals import refuse
from app.web.routes import private, public_page

bp = Blueprint("privacy", __name__)

# What each table about people holds, in the person's words; a new table shows its name.
TABLE_LABELS = {
    "membership": _l("Vos associations"),
    "contribution": _l("Vos témoignages, commentaires et réponses"),
    "flag": _l("Vos signalements"),
    "follow": _l("Ce que vous suivez"),
    "notification": _l("Vos notifications"),
    "outbox_email": _l("Les e-mails que le site vous a envoyés"),
    "password_reset_token": _l("Vos demandes de nouveau mot de passe"),
    "meeting_registration": _l("Vos inscriptions aux réunions"),
    "minutes_amendment": _l("Vos amendements aux comptes rendus, et vos décisions"),
    "minutes_version": _l("Les versions de comptes rendus que vous avez écrites"),
    "minutes": _l("Les comptes rendus que vous avez validés"),
    "meeting": _l("Les réunions que vous avez créées ou dont vous êtes secrétaire"),
    "proposal": _l("Vos propositions"),
    "status_change": _l("Les changements de statut que vous avez faits"),
    "progress_update": _l("Vos nouvelles de suivi"),
    "cosignature": _l("Les co-signatures que vous avez faites"),
    "official_response": _l("Les réponses officielles que vous avez écrites"),
    "response_version": _l("Les anciennes versions de ces réponses"),
    "moderation_decision": _l("Vos décisions de modération"),
    "charter_version": _l("Les versions de la charte que vous avez publiées"),
    "user_session": _l("Vos sessions de connexion (appareils)"),
    "audit_event": _l("Vos actions d’administration, au journal d’audit"),
    "answer_link": _l("Les liens de réponse que vous avez révoqués"),
    "inbox_visit": _l("Quand vous avez consulté l’espace de votre organisation"),
    "invitation": _l("Les invitations que vous avez acceptées"),
    "membership_request": _l("Vos demandes pour rejoindre une organisation, et vos décisions"),
    "moderator_theme": _l("Les ateliers que vous modérez"),
    "response_attachment": _l("Les documents de réponse que vous avez déposés"),
    "translation": _l("Vos traductions"),
    "translator": _l("Les langues dans lesquelles vous traduisez"),
    "concern_mark": _l("Les propositions dont vous avez dit « ça me concerne »"),
    "concern_tally": _l("Les personnes concernées que vous avez comptées"),
    "suggestion": _l("Vos suggestions de propositions"),
}


@bp.get("/confidentialite")
@public_page
def notice():
    """Who keeps which personal data, why, how long, who sees it, and one's rights."""
    return render_template("privacy/notice.html")


@bp.get("/compte/mes-donnees")
@private
@login_required
def my_data():
    """What the site holds about me, with the download and the deletion links."""
    policy.require(policy.can_see_own_data(current_user))
    summary = service.data_summary(current_user)
    return render_template("privacy/my_data.html", summary=summary, labels=TABLE_LABELS)


@bp.get("/compte/mes-donnees.json")
@private
@login_required
def export():
    """Everything the site holds about me, as a JSON file to download."""
    policy.require(policy.can_see_own_data(current_user))
    # Written as it is read: the recordings, a piece at a time, never all in memory.
    return Response(
        stream_with_context(service.export_json(current_user)),
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="mes-donnees-voix-solidaires.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/compte/supprimer", methods=["GET", "POST"])
@private
@login_required
def delete_account():
    """Delete my account, after my password; my contributions stay unless I withdraw them."""
    policy.require(policy.can_delete_account(current_user))
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            service.delete_account(
                current_user, form.password.data, form.withdraw_contributions.data
            )
        except ServiceError as error:
            refuse(form.password, error)
        else:
            logout_user()
            session.clear()
            flash(_("Votre compte est supprimé. Au revoir, et merci."), "success")
            return redirect(url_for("main.index"))
    return render_template("privacy/delete_account.html", form=form)
