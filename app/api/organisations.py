"""The directory in the JSON API: organisations' public fields, never a person's e-mail."""

from flask import abort, jsonify, request

from app import queries
from app.api.blueprint import bp
from app.api.cursors import keyset_page
from app.api.languages import languages, requested_language
from app.api.views import _iso
from app.extensions import db
from app.models import Organisation, OrganisationKind, Proposal, Theme, paris_today
from app.services import directory
from app.web.content_language import localized, prefetch
from app.web.links import public_url
from app.web.loading import theme_filter
from app.web.routes import public_page

SEARCH_MAX_LENGTH = 100


def _filters() -> tuple[str, Theme | None, OrganisationKind | None]:
    theme, kind = theme_filter("theme"), None
    if value := request.args.get("kind"):
        try:
            kind = OrganisationKind(value)
        except ValueError:
            abort(400)
    return (request.args.get("q") or "")[:SEARCH_MAX_LENGTH], theme, kind


def _summary(organisation: Organisation) -> dict:
    return {
        "id": organisation.id,
        "slug": organisation.slug,
        "name": organisation.name,
        "short_name": organisation.short_name or None,
        "kind": organisation.kind.value,
        "verified": organisation.verified,
        "themes": [theme.slug for theme in organisation.themes],
        "url": public_url("directory.show", slug=organisation.slug),
        "example": organisation.example,
    }


def _proposal_ref(proposal: Proposal, lang: str) -> dict:
    title = localized(proposal, "title", lang)
    return {
        "id": proposal.id,
        "title": title.text,
        "url": public_url("proposals.show", proposal_id=proposal.id),
        "example": proposal.example,
        "languages": languages(title=title),
    }


@bp.get("/organisations")
@public_page
def organisations():
    """Organisations by name, by keyset pages: ``{"items": [...], "next_cursor": ...}``."""
    search, theme, kind = _filters()
    query = queries.directory.search_query(search, theme, kind)
    page = keyset_page(query, Organisation.name, Organisation.id, ascending=True, summary=_summary)
    return jsonify(page)


def _response(response, lang: str, today) -> dict:
    return {
        "id": response.id,
        "proposal": _proposal_ref(response.proposal, lang),
        "position": response.position.value,
        "created_at": _iso(response.created_at),
        "updated_at": _iso(response.updated_at),
        "commitments": [_commitment(c, lang, today) for c in response.commitments],
    }


def _commitment(commitment, lang: str, today) -> dict:
    action = localized(commitment, "action", lang)
    return {
        "id": commitment.id,
        "action": action.text,
        "due_on": _iso(commitment.due_on),
        "state": commitment.state.value,
        "overdue": commitment.is_overdue(today),
        "languages": languages(action=action),
    }


def _theme(theme: Theme, lang: str) -> dict:
    name = localized(theme, "name", lang)
    return {"slug": theme.slug, "name": name.text, "languages": languages(name=name)}


def _institution_lists(org: Organisation) -> tuple[list, list]:
    """An institution's responses and the items awaiting its answer (none for others)."""
    if not org.is_institution:
        return [], []
    responses = list(db.session.scalars(queries.directory.responses_of(org)))
    awaiting = list(db.session.scalars(queries.directory.awaiting_answer(org)).unique())
    return responses, awaiting


@bp.get("/organisations/<int:organisation_id>")
@public_page
def organisation(organisation_id: int):
    """One organisation: public fields, workshops, proposals, co-signatures, responses; the
    workshops' names, proposals' titles and commitments in ``?lang=``."""
    lang = requested_language()
    org = db.session.get(Organisation, organisation_id) or abort(404)
    themes = list(org.themes)
    proposals = list(db.session.scalars(queries.directory.proposals_of(org)))
    cosigned = list(db.session.scalars(queries.directory.cosigned_by(org)))
    responses, awaiting = _institution_lists(org)
    shown = [*themes, *proposals, *cosigned, *(item.proposal for item in awaiting)]
    for response in responses:
        shown += [response.proposal, *response.commitments]
    prefetch(shown, lang)
    today = paris_today()
    payload = {
        **_summary(org),
        "themes": [_theme(theme, lang) for theme in themes],
        "description": org.description,
        "address": org.address,
        "opening_hours": org.opening_hours,
        "contact_email": org.contact_email or None,
        "contact_phone": org.contact_phone or None,
        "website": directory.safe_website(org.website),
        "proposals": [_proposal_ref(p, lang) for p in proposals],
        "cosigned_proposals": [_proposal_ref(p, lang) for p in cosigned],
        "responses": [_response(r, lang, today) for r in responses],
        "awaiting_responses": [
            {**_proposal_ref(item.proposal, lang), "response_due_on": _iso(item.response_due_on)}
            for item in awaiting
        ],
    }
    return jsonify(payload)
