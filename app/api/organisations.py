"""The directory in the JSON API: organisations' public fields, never a person's e-mail."""

from flask import abort, jsonify, request

from app import queries
from app.api.cursors import keyset_page
from app.api.views import _iso, bp
from app.extensions import db
from app.models import Organisation, OrganisationKind, Proposal, Theme, paris_today
from app.services import directory
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


def _proposal_ref(proposal: Proposal) -> dict:
    return {
        "id": proposal.id,
        "title": proposal.title,
        "url": public_url("proposals.show", proposal_id=proposal.id),
        "example": proposal.example,
    }


@bp.get("/organisations")
@public_page
def organisations():
    """Organisations by name, by keyset pages: ``{"items": [...], "next_cursor": ...}``."""
    search, theme, kind = _filters()
    query = queries.directory.search_query(search, theme, kind)
    page = keyset_page(query, Organisation.name, Organisation.id, ascending=True, summary=_summary)
    return jsonify(page)


def _responses(institution: Organisation) -> list[dict]:
    today = paris_today()
    return [
        {
            "id": response.id,
            "proposal": _proposal_ref(response.proposal),
            "position": response.position.value,
            "created_at": _iso(response.created_at),
            "updated_at": _iso(response.updated_at),
            "commitments": [
                {
                    "id": c.id,
                    "action": c.action,
                    "due_on": _iso(c.due_on),
                    "state": c.state.value,
                    "overdue": c.is_overdue(today),
                }
                for c in response.commitments
            ],
        }
        for response in db.session.scalars(queries.directory.responses_of(institution))
    ]


def _awaiting(institution: Organisation) -> list[dict]:
    return [
        {**_proposal_ref(item.proposal), "response_due_on": _iso(item.response_due_on)}
        for item in db.session.scalars(queries.directory.awaiting_answer(institution)).unique()
    ]


@bp.get("/organisations/<int:organisation_id>")
@public_page
def organisation(organisation_id: int):
    """One organisation: public fields, workshops, proposals, co-signatures, responses."""
    org = db.session.get(Organisation, organisation_id) or abort(404)
    institution = org.is_institution
    return jsonify(
        {
            **_summary(org),
            "themes": [{"slug": theme.slug, "name": theme.name} for theme in org.themes],
            "description": org.description,
            "address": org.address,
            "opening_hours": org.opening_hours,
            "contact_email": org.contact_email or None,
            "contact_phone": org.contact_phone or None,
            "website": directory.safe_website(org.website),
            "proposals": [
                _proposal_ref(p) for p in db.session.scalars(queries.directory.proposals_of(org))
            ],
            "cosigned_proposals": [
                _proposal_ref(p) for p in db.session.scalars(queries.directory.cosigned_by(org))
            ],
            "responses": _responses(org) if institution else [],
            "awaiting_responses": _awaiting(org) if institution else [],
        }
    )
