"""After a new charter version, logged-in people accept it before posting again; what they
had just sent is kept and sent again once they accept. The routes where one posts say so
with ``@requires_charter`` (app/web/routes.py)."""

from urllib.parse import urlsplit

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import queries
from app.main.forms import AcceptCharterForm
from app.models import ORIGINAL_LANGUAGE
from app.services.charter import has_accepted_current
from app.web import content_language, routes
from app.web.kept_input import kept_fields, typed_texts

# The acceptance form's own fields, never taken for the kept form's.
ACCEPT_FIELDS = frozenset({"accept", "resend"})


def init_app(app: Flask) -> None:
    @app.before_request
    def _require_current_charter():
        if not current_user.is_authenticated or not routes.requires_charter_for(
            request.endpoint, request.method
        ):
            return None
        if has_accepted_current(current_user):
            return None
        if request.method == "POST":
            # CSRF was checked before this hook: what is kept is what this person sent.
            return accept_then_resend(
                request.full_path.rstrip("?"), AcceptCharterForm(formdata=None)
            )
        flash(_("La charte a changé : acceptez-la avant de publier."), "info")
        return redirect(url_for("main.accept_charter", next=_back_to()))

    app.jinja_env.globals["must_accept_charter"] = must_accept_charter


def must_accept_charter(user) -> bool:
    """Whether this reader must accept the charter in force before posting (said by forms)."""
    return user.is_authenticated and not has_accepted_current(user)


def accept_then_resend(target: str, form: AcceptCharterForm):
    """The acceptance page carrying the sent form: accepting sends it on to ``target``."""
    kept = kept_fields(request.form, skip=ACCEPT_FIELDS, files=request.files)
    charter = queries.charter.current_charter()
    return render_template(
        "main/accept_charter.html",
        charter=charter,
        languages=charter_languages(charter),
        form=form,
        action=url_for("main.accept_charter", next=target),
        kept=kept,
        kept_texts=typed_texts(kept),
    )


def charter_languages(charter) -> list[str]:
    """The languages a charter version is in (its introduction or an article translated),
    read with the page's translations: call it once the page's objects are loaded."""
    if charter is None:
        return [ORIGINAL_LANGUAGE]
    return content_language.page_languages(charter, *charter.articles)


def _back_to() -> str:
    """The page to return to after accepting: this form, or the page the POST came from."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    path = referrer.path or "/"
    return f"{path}?{referrer.query}" if referrer.query else path
