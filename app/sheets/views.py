"""Printable paper for the day centre: a sheet per proposal to write a testimony on, and a
poster per workshop and per event, each with a QR code to the site.

The pages are the same for every visitor, so the page cache keeps them (and the QR code
drawn in them). Links printed on paper leave the site: they are built from the configured
public address (app/web/links.py), never from the request's Host."""

from flask import Blueprint, abort, render_template

from app import queries
from app.sheets.qr import qr_svg
from app.web.content_language import ORIGINAL_LANGUAGE, reader_language
from app.web.links import public_url
from app.web.loading import event_or_404, theme_or_404
from app.web.routes import public_page

bp = Blueprint("sheets", __name__)
# A global, not a context variable: the macros of templates/sheets/_print.html draw it.
bp.add_app_template_global(qr_svg, "qr_svg")


def _target(endpoint: str, **values) -> str:
    """The address printed and put in the QR code: in the sheet's language when it is not
    French (``?lang=``), so a phone set to another language opens the page the person read."""
    lang = reader_language()
    if lang != ORIGINAL_LANGUAGE:
        values["lang"] = lang
    return public_url(endpoint, **values)


@bp.get("/propositions/<int:proposal_id>/fiche")
@public_page
def proposal_sheet(proposal_id: int):
    """An A4 sheet to write a testimony on, with a QR code to the guest testimony form."""
    proposal = queries.proposals.proposal_with_theme(proposal_id) or abort(404)
    return render_template(
        "sheets/proposal.html",
        proposal=proposal,
        target=_target("contributions.testify", proposal_id=proposal.id),
    )


@bp.get("/ateliers/<slug>/affiche")
@public_page
def theme_poster(slug: str):
    """An A4 poster for a workshop, with a QR code to its proposals."""
    theme = theme_or_404(slug)
    return render_template(
        "sheets/poster.html",
        theme=theme,
        event=None,
        open_count=queries.sheets.open_proposal_count(theme=theme),
        target=_target("proposals.theme", slug=theme.slug),
    )


@bp.get("/evenements/<slug>/affiche")
@public_page
def event_poster(slug: str):
    """An A4 poster for an event, with a QR code to its page and proposals."""
    event = event_or_404(slug)
    return render_template(
        "sheets/poster.html",
        theme=None,
        event=event,
        open_count=queries.sheets.open_proposal_count(event=event),
        target=_target("events.show", slug=event.slug),
    )
