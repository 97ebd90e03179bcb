"""Read-only JSON API: published data only, the same rules as the pages."""

from datetime import date, datetime

from flask import abort, jsonify, request

from app import queries
from app.api.blueprint import bp
from app.api.contributions import contribution_json, first_pages
from app.api.cursors import keyset_page
from app.api.languages import languages, requested_language
from app.extensions import db
from app.models import (
    Commitment,
    Contribution,
    OfficialResponse,
    Organisation,
    ProgressUpdate,
    Proposal,
    ProposalStatus,
    StatedPosition,
    Theme,
)
from app.queries.proposals import EventFilter
from app.web.content_language import localized, prefetch
from app.web.links import public_url
from app.web.loading import event_or_404, theme_filter, year_filter
from app.web.routes import public_page


def _summary(proposal: Proposal, lang: str) -> dict:
    title = localized(proposal, "title", lang)
    return {
        "id": proposal.id,
        "title": title.text,
        "theme": proposal.theme.slug,
        "status": proposal.status.value,
        "concerned_count": proposal.concerned_count,
        "created_at": proposal.created_at.isoformat() + "Z",
        "url": public_url("proposals.show", proposal_id=proposal.id),
        "event": proposal.event.slug if proposal.event else None,
        "example": proposal.example,
        "languages": languages(title=title),
    }


def _timeline(proposal: Proposal) -> list[dict]:
    return [
        {
            "type": "status_change",
            "from_status": change.from_status.value if change.from_status else None,
            "to_status": change.to_status.value,
            "reason": change.reason,
            "by": change.actor.public_name if change.actor else None,
            "created_at": change.created_at.isoformat() + "Z",
        }
        for change in proposal.status_changes
    ]


def _iso(moment) -> str | None:
    if moment is None:
        return None
    return moment.isoformat() + ("Z" if isinstance(moment, datetime) else "")


def _organisation(organisation: Organisation) -> dict:
    """An organisation a proposal comes from or goes to: its kind says which."""
    return {"id": organisation.id, "name": organisation.name, "kind": organisation.kind.value}


def _response(response: OfficialResponse, replies: list[Contribution], lang: str) -> dict:
    body, easy_read = localized(response, "body", lang), localized(response, "easy_read", lang)
    return {
        "id": response.id,
        # Its "institution" may be an association answering an institution's proposal.
        "institution": _organisation(response.institution),
        "position": response.position.value,
        "competent_body": response.competent_body or None,
        "text": body.text,
        "easy_read": easy_read.text or None,
        "created_at": _iso(response.created_at),
        "updated_at": _iso(response.updated_at),
        # How it reached the site; a letter, e-mail or meeting was recorded on its behalf.
        "received_via": response.received_via.value,
        "received_at": _iso(response.received_at),
        "recorded_by": (
            {"id": response.recorded_by.id, "name": response.recorded_by.name}
            if response.recorded_by
            else None
        ),
        "document": _document(response),
        "commitments": [_commitment(c, lang) for c in response.commitments],
        "replies": [contribution_json(reply) for reply in replies],
        "languages": languages(text=body, easy_read=easy_read),
    }


def _commitment(commitment: Commitment, lang: str) -> dict:
    action = localized(commitment, "action", lang)
    return {
        "id": commitment.id,
        "action": action.text,
        "due_on": _iso(commitment.due_on),
        "state": commitment.state.value,
        "drop_reason": commitment.drop_reason or None,
        "languages": languages(action=action),
    }


def _document(response: OfficialResponse) -> dict | None:
    """The document a recorded response came in: its address, type and size in bytes, and
    whether it came with an earlier version (the institution has since answered itself)."""
    attachment = response.attachment
    if attachment is None:
        return None
    return {
        "url": public_url("responses.document", response_id=response.id),
        "media_type": attachment.media_type,
        "size": attachment.size,
        "of_earlier_version": not response.was_recorded,
    }


def _event(proposal: Proposal, lang: str) -> dict | None:
    event = proposal.event
    if event is None:
        return None
    name = localized(event, "name", lang)
    return {
        "slug": event.slug,
        "name": name.text,
        "date": _iso(event.held_on),
        "languages": languages(name=name),
    }


def _response_due(proposal: Proposal) -> date | None:
    """The earliest answer due from the institutions it was actually sent to (no query)."""
    due = [a.response_due_on for a in proposal.addressed if a.sent_at and a.response_due_on]
    return min(due, default=None)


def _stated_position(stated: StatedPosition, lang: str) -> dict:
    """What an institution said of it elsewhere, as the network reported: never a response."""
    words = localized(stated, "words", lang)
    return {
        "institution": {"id": stated.institution.id, "name": stated.institution.name},
        "words": words.text,
        "source": stated.source or None,
        "date": _iso(stated.stated_on),
        "reported_by": (
            {"id": stated.reported_by.id, "name": stated.reported_by.name}
            if stated.reported_by
            else None
        ),
        "languages": languages(words=words),
    }


def _update(update: ProgressUpdate, lang: str) -> dict:
    body = localized(update, "body", lang)
    return {
        "id": update.id,
        "text": body.text,
        "organisation": update.organisation.name if update.organisation else None,
        "status_change": update.status_change_id,
        "created_at": _iso(update.created_at),
        "languages": languages(text=body),
    }


def _theme(theme: Theme, count: int, lang: str) -> dict:
    name = localized(theme, "name", lang)
    return {
        "slug": theme.slug,
        "name": name.text,
        "proposal_count": count,
        "languages": languages(name=name),
    }


@bp.get("/themes")
@public_page
def themes():
    """Every workshop with its number of proposals; its name in ``?lang=``."""
    lang = requested_language()
    rows = queries.proposals.themes_with_counts()
    prefetch([theme for theme, _count in rows], lang)
    return jsonify({"items": [_theme(theme, count, lang) for theme, count in rows]})


def _filters() -> tuple[Theme | None, ProposalStatus | None]:
    theme, status = theme_filter("theme"), None
    if value := request.args.get("status"):
        try:
            status = ProposalStatus(value)
        except ValueError:
            abort(400)
    return theme, status


@bp.get("/proposals")
@public_page
def proposals():
    """Proposals newest first, by keyset pages: ``{"items": [...], "next_cursor": ...}``;
    by ``theme``, ``status``, ``event`` (its slug) and ``year`` (the event's); titles in
    ``?lang=``."""
    lang = requested_language()
    theme, status = _filters()
    slug = request.args.get("event") or None
    events = EventFilter(event_or_404(slug) if slug else None, year_filter("year"))
    query = queries.network_events.proposals_query(theme, status, events)
    page = keyset_page(query, Proposal.created_at, Proposal.id, ascending=False)
    prefetch(page["items"], lang)
    page["items"] = [_summary(proposal, lang) for proposal in page["items"]]
    return jsonify(page)


@bp.get("/proposals/<int:proposal_id>")
@public_page
def proposal(proposal_id: int):
    """One proposal with its text, organisation, addressed institutions and timeline; its
    texts and those of its responses, commitments and updates in ``?lang=``."""
    lang = requested_language()
    proposal = queries.proposals.proposal_detail(proposal_id) or abort(404)
    responses = list(queries.responses.responses_for(proposal).values())
    replies = queries.contributions.response_replies([r.id for r in responses], None)
    updates = queries.proposals.progress_updates(proposal)
    stated = queries.proposals.stated_positions(proposal)
    commitments = [c for response in responses for c in response.commitments]
    prefetch([proposal, proposal.event, *responses, *commitments, *updates, *stated], lang)
    body, easy_read = localized(proposal, "body", lang), localized(proposal, "easy_read", lang)
    summary = _summary(proposal, lang)
    organisation = proposal.organisation
    payload = {
        **summary,
        "text": body.text,
        "easy_read": easy_read.text or None,
        "organisation": _organisation(organisation) if organisation else None,
        "event": _event(proposal, lang),
        "addressed_institutions": [
            {
                **_organisation(a.institution),
                "sent_at": _iso(a.sent_at),
                "response_due_on": _iso(a.response_due_on),
            }
            for a in proposal.addressed
        ],
        "response_due_at": _iso(_response_due(proposal)),
        "stated_positions": [_stated_position(s, lang) for s in stated],
        "timeline": _timeline(proposal),
        "responses": [_response(r, replies[r.id], lang) for r in responses],
        "updates": [_update(u, lang) for u in updates],
        **first_pages(proposal),
        "languages": {**summary["languages"], **languages(text=body, easy_read=easy_read)},
    }
    return jsonify(payload)


@bp.get("/institutions/<int:institution_id>/accountability")
@public_page
def institution_accountability(institution_id: int):
    """How an institution answers: addressed, answered, awaiting, overdue, commitments."""
    institution = db.session.get(Organisation, institution_id)
    if institution is None or not institution.is_institution:
        abort(404)
    figures = queries.board.institution_accountability(institution)
    return jsonify({"institution": {"id": institution.id, "name": institution.name}, **figures})
