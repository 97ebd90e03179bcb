"""After a new charter version, logged-in people accept it before posting again; what they
had just sent is kept and sent again once they accept."""

from urllib.parse import urlsplit

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import queries
from app.main.forms import AcceptCharterForm
from app.services.charter import has_accepted_current
from app.web.kept_input import kept_fields, typed_texts

# The acceptance form's own fields, never taken for the kept form's.
ACCEPT_FIELDS = frozenset({"accept", "resend"})

# Endpoints where a person writes something public, or acts in the name of others.
POSTING_ENDPOINTS = frozenset(
    {
        "contributions.testify",
        "contributions.record_assisted",
        "contributions.comment",
        "contributions.reply",
        "contributions.edit",
        "contributions.reword",
        "responses.respond",
        "responses.add_commitment",
        "responses.update_commitment",
        "responses.reply",
        "proposals.create",
        "proposals.edit",
        "proposals.post_update",
        "directory.edit",
        "directory.cosign",
    }
)
POSTING_PREFIXES = ("minutes.", "meetings.")
READ_ONLY_ENDPOINTS = frozenset(
    {"minutes.show", "minutes.version", "minutes.diff", "meetings.index", "meetings.show"}
)


def _is_posting(endpoint: str | None) -> bool:
    if not endpoint or endpoint in READ_ONLY_ENDPOINTS or endpoint.endswith("_ics"):
        return False
    return endpoint in POSTING_ENDPOINTS or (
        request.method == "POST" and endpoint.startswith(POSTING_PREFIXES)
    )


def init_app(app: Flask) -> None:
    @app.before_request
    def _require_current_charter():
        if not current_user.is_authenticated or not _is_posting(request.endpoint):
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
    kept = kept_fields(request.form, skip=ACCEPT_FIELDS)
    return render_template(
        "main/accept_charter.html",
        charter=queries.charter.current_charter(),
        form=form,
        action=url_for("main.accept_charter", next=target),
        kept=kept,
        kept_texts=typed_texts(kept),
    )


def _back_to() -> str:
    """The page to return to after accepting: this form, or the page the POST came from."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    path = referrer.path or "/"
    return f"{path}?{referrer.query}" if referrer.query else path
