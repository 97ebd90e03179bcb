"""The directory in the JSON API: organisations' public fields, never a person's e-mail."""

from flask import abort, current_app, jsonify, request

from app import queries
from app.api.blueprint import bp
from app.api.cursors import keyset_page
from app.api.languages import language_args, languages, requested_language
from app.api.views import _iso
from app.extensions import db
from app.models import Organisation, OrganisationKind, Proposal, Theme, paris_today
from app.services import directory
from app.web.content_language import localized, prefetch
from app.web.links import public_url
from app.web.loading import theme_filter
from app.web.pagination import page_number
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


# The growing lists of an organisation, each given a page at a time: the organisation's
# answer holds the first page of each and the address of the next.
LISTS = ("proposals", "cosigned_proposals", "responses", "awaiting_responses")


def _list_query(org: Organisation, name: str):
    """The select of one list (None: an organisation that is not an institution has no
    responses, nor proposals awaiting its answer)."""
    if name == "proposals":
        return queries.directory.proposals_of(org)
    if name == "cosigned_proposals":
        return queries.directory.cosigned_by(org)
    if not org.is_institution:
        return None
    if name == "responses":
        return queries.directory.responses_of(org)
    return queries.directory.awaiting_answer(org)


def _slice(org: Organisation, name: str, page: int) -> queries.directory.Slice:
    query = _list_query(org, name)
    if query is None:
        return queries.directory.Slice(items=[], page=page, has_next=False)
    return queries.directory.slice_of(query, page, current_app.config["API_PAGE_SIZE"])


def _translated(name: str, items: list) -> list:
    """What of a list's items has translatable texts."""
    if name == "responses":
        return [obj for response in items for obj in (response.proposal, *response.commitments)]
    if name == "awaiting_responses":
        return [item.proposal for item in items]
    return items


def _shaped(name: str, items: list, lang: str, today) -> list[dict]:
    if name == "responses":
        return [_response(response, lang, today) for response in items]
    if name == "awaiting_responses":
        return [
            {**_proposal_ref(item.proposal, lang), "response_due_on": _iso(item.response_due_on)}
            for item in items
        ]
    return [_proposal_ref(proposal, lang) for proposal in items]


def _next_url(org: Organisation, name: str, part) -> str | None:
    if not part.has_next:
        return None
    return public_url(
        "api.organisation_list",
        organisation_id=org.id,
        list_name=name,
        page=part.page + 1,
        **language_args(),
    )


@bp.get("/organisations/<int:organisation_id>")
@public_page
def organisation(organisation_id: int):
    """One organisation: public fields, workshops, and the first page of its proposals,
    co-signatures, responses and proposals awaiting its answer, each with the address of
    the next page; the workshops' names, proposals' titles and commitments in ``?lang=``."""
    lang = requested_language()
    org = db.session.get(Organisation, organisation_id) or abort(404)
    themes = list(org.themes)
    parts = {name: _slice(org, name, 1) for name in LISTS}
    shown = [obj for name, part in parts.items() for obj in _translated(name, part.items)]
    prefetch([*themes, *shown], lang)
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
    }
    for name, part in parts.items():
        payload[name] = _shaped(name, part.items, lang, today)
        payload[f"next_{name}"] = _next_url(org, name, part)
    return jsonify(payload)


@bp.get(f"/organisations/<int:organisation_id>/<any({', '.join(LISTS)}):list_name>")
@public_page
def organisation_list(organisation_id: int, list_name: str):
    """The next pages of one of an organisation's lists: ``{"items": [...], "next": ...}``
    (``?page=``; ``next``: the address of the page after, or null)."""
    lang, page = requested_language(), page_number()
    org = db.session.get(Organisation, organisation_id) or abort(404)
    part = _slice(org, list_name, page)
    prefetch(_translated(list_name, part.items), lang)
    items = _shaped(list_name, part.items, lang, paris_today())
    return jsonify({"items": items, "next": _next_url(org, list_name, part)})
