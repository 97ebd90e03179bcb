"""Read-only JSON API: published data only, the same rules as the pages."""

from datetime import date, datetime

from flask import Blueprint, abort, current_app, jsonify, request

from app import queries
from app.api.cursors import keyset_page
from app.extensions import csrf, db, limiter
from app.labels import author_label
from app.models import (
    Contribution,
    ContributionKind,
    OfficialResponse,
    Organisation,
    Proposal,
    ProposalStatus,
    Theme,
)
from app.queries.proposals import EventFilter
from app.web.links import public_url
from app.web.loading import event_or_404, theme_filter, year_filter
from app.web.routes import public_page

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
# Every API route, per address; a refusal is a JSON 429 with Retry-After (app/web/errors.py).
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"])(bp)


def _summary(proposal: Proposal) -> dict:
    return {
        "id": proposal.id,
        "title": proposal.title,
        "theme": proposal.theme.slug,
        "status": proposal.status.value,
        "created_at": proposal.created_at.isoformat() + "Z",
        "url": public_url("proposals.show", proposal_id=proposal.id),
        "event": proposal.event.slug if proposal.event else None,
        "example": proposal.example,
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


def _contribution(contribution: Contribution) -> dict:
    """A published contribution: the public label of its author, never the account."""
    withdrawn = contribution.is_withdrawn
    return {
        "id": contribution.id,
        "kind": contribution.kind.value,
        "author": None if withdrawn else author_label(contribution),
        "recorded_by": contribution.recorded_for.name if contribution.is_assisted else None,
        "text": None if withdrawn else contribution.body,
        "lang": contribution.lang,
        "withdrawn": withdrawn,
        "created_at": contribution.created_at.isoformat() + "Z",
        "edited_at": contribution.edited_at.isoformat() + "Z" if contribution.edited_at else None,
    }


def _contributions(proposal: Proposal) -> dict:
    """Published testimonies and comments (with their replies) and their counts."""
    testimonies, comments, replies = [], [], {}
    for contribution in queries.contributions.published_contributions(proposal.id):
        if contribution.kind is ContributionKind.TESTIMONY:
            testimonies.append(_contribution(contribution))
        elif contribution.kind is ContributionKind.COMMENT:
            comments.append({**_contribution(contribution), "replies": []})
        else:
            replies.setdefault(contribution.parent_id, []).append(_contribution(contribution))
    for comment in comments:
        comment["replies"] = replies.get(comment["id"], [])
    counts = {"testimonies": len(testimonies), "comments": len(comments)}
    counts["replies"] = sum(len(c["replies"]) for c in comments)
    return {"contribution_counts": counts, "testimonies": testimonies, "comments": comments}


def _iso(moment) -> str | None:
    if moment is None:
        return None
    return moment.isoformat() + ("Z" if isinstance(moment, datetime) else "")


def _organisation(organisation: Organisation) -> dict:
    """An organisation a proposal comes from or goes to: its kind says which."""
    return {"id": organisation.id, "name": organisation.name, "kind": organisation.kind.value}


def _response(response: OfficialResponse, replies: list[Contribution]) -> dict:
    return {
        "id": response.id,
        # Its "institution" may be an association answering an institution's proposal.
        "institution": _organisation(response.institution),
        "position": response.position.value,
        "competent_body": response.competent_body or None,
        "text": response.body,
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
        "commitments": [
            {
                "id": c.id,
                "action": c.action,
                "due_on": _iso(c.due_on),
                "state": c.state.value,
                "drop_reason": c.drop_reason or None,
            }
            for c in response.commitments
        ],
        "replies": [_contribution(reply) for reply in replies],
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


def _event(proposal: Proposal) -> dict | None:
    event = proposal.event
    if event is None:
        return None
    return {"slug": event.slug, "name": event.name, "date": _iso(event.held_on)}


def _response_due(proposal: Proposal) -> date | None:
    """The earliest answer due from the institutions it was actually sent to (no query)."""
    due = [a.response_due_on for a in proposal.addressed if a.sent_at and a.response_due_on]
    return min(due, default=None)


def _stated_positions(proposal: Proposal) -> list[dict]:
    """What institutions said of it elsewhere, as the network reported: never a response."""
    return [
        {
            "institution": {"id": s.institution.id, "name": s.institution.name},
            "words": s.words,
            "source": s.source or None,
            "date": _iso(s.stated_on),
            "reported_by": (
                {"id": s.reported_by.id, "name": s.reported_by.name} if s.reported_by else None
            ),
        }
        for s in queries.proposals.stated_positions(proposal)
    ]


def _follow_up(proposal: Proposal) -> dict:
    responses = queries.responses.responses_for(proposal)
    replies = queries.contributions.response_replies([r.id for r in responses.values()], None)
    updates = queries.proposals.progress_updates(proposal)
    return {
        "responses": [_response(r, replies[r.id]) for r in responses.values()],
        "updates": [
            {
                "id": u.id,
                "text": u.body,
                "organisation": u.organisation.name if u.organisation else None,
                "status_change": u.status_change_id,
                "created_at": _iso(u.created_at),
            }
            for u in updates
        ],
    }


@bp.get("/themes")
@public_page
def themes():
    """Every workshop with its number of proposals."""
    return jsonify(
        {
            "items": [
                {"slug": theme.slug, "name": theme.name, "proposal_count": count}
                for theme, count in queries.proposals.themes_with_counts()
            ]
        }
    )


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
    by ``theme``, ``status``, ``event`` (its slug) and ``year`` (the event's)."""
    theme, status = _filters()
    slug = request.args.get("event") or None
    events = EventFilter(event_or_404(slug) if slug else None, year_filter("year"))
    query = queries.network_events.proposals_query(theme, status, events)
    page = keyset_page(query, Proposal.created_at, Proposal.id, ascending=False, summary=_summary)
    return jsonify(page)


@bp.get("/proposals/<int:proposal_id>")
@public_page
def proposal(proposal_id: int):
    """One proposal with its text, organisation, addressed institutions and timeline."""
    proposal = queries.proposals.proposal_detail(proposal_id) or abort(404)
    organisation = proposal.organisation
    return jsonify(
        {
            **_summary(proposal),
            "text": proposal.body,
            "easy_read": proposal.easy_read or None,
            "organisation": _organisation(organisation) if organisation else None,
            "event": _event(proposal),
            "addressed_institutions": [
                {
                    **_organisation(a.institution),
                    "sent_at": _iso(a.sent_at),
                    "response_due_on": _iso(a.response_due_on),
                }
                for a in proposal.addressed
            ],
            "response_due_at": _iso(_response_due(proposal)),
            "stated_positions": _stated_positions(proposal),
            "timeline": _timeline(proposal),
            **_follow_up(proposal),
            **_contributions(proposal),
        }
    )


@bp.get("/institutions/<int:institution_id>/accountability")
@public_page
def institution_accountability(institution_id: int):
    """How an institution answers: addressed, answered, awaiting, overdue, commitments."""
    institution = db.session.get(Organisation, institution_id)
    if institution is None or not institution.is_institution:
        abort(404)
    figures = queries.board.institution_accountability(institution)
    return jsonify({"institution": {"id": institution.id, "name": institution.name}, **figures})
