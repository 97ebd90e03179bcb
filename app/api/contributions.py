"""A proposal's testimonies and comments in the JSON API, a page at a time: the proposal
gives the first page of each, these routes the next ones (a proposal may have thousands)."""

from flask import abort, jsonify

from app import queries
from app.api.blueprint import bp
from app.api.cursors import keyset_page
from app.api.languages import language_args
from app.extensions import db
from app.labels import author_label
from app.models import AudioState, Contribution, ContributionKind, Proposal
from app.web.links import public_url
from app.web.routes import public_page

TESTIMONY, COMMENT = ContributionKind.TESTIMONY, ContributionKind.COMMENT
# The route of each kind's next pages.
NEXT_PAGES = {TESTIMONY: "api.proposal_testimonies", COMMENT: "api.proposal_comments"}


def _collected(contribution: Contribution) -> dict | None:
    """A testimony typed in from a paper sheet: by which association, on which day (the
    place is not published: it could tell who wrote it)."""
    if not contribution.on_paper or not contribution.is_assisted:
        return None
    organisation = contribution.recorded_for
    return {
        "on_paper": True,
        "on": contribution.collected_on.isoformat() if contribution.collected_on else None,
        "by": {"id": organisation.id, "name": organisation.name},
    }


def contribution_json(contribution: Contribution) -> dict:
    """A published contribution: the public label of its author, never the account."""
    withdrawn = contribution.is_withdrawn
    return {
        "id": contribution.id,
        "kind": contribution.kind.value,
        "author": None if withdrawn else author_label(contribution),
        "recorded_by": contribution.recorded_for.name if contribution.is_assisted else None,
        "collected": _collected(contribution),
        "text": None if withdrawn else contribution.body,
        "lang": contribution.lang,
        "withdrawn": withdrawn,
        "created_at": contribution.created_at.isoformat() + "Z",
        "edited_at": contribution.edited_at.isoformat() + "Z" if contribution.edited_at else None,
    }


def audio_json(contribution: Contribution) -> dict | None:
    """A published testimony's recording, once converted: where to play it, its transcript."""
    audio = contribution.audio
    if audio is None or audio.state is not AudioState.READY or contribution.is_withdrawn:
        return None
    return {
        "url": public_url("audio.published", contribution_id=contribution.id),
        "media_type": audio.media_type,
        "size": audio.media_size,
        "duration_seconds": round(audio.duration_seconds, 1),
        "transcript": audio.transcript,
        "disguised": audio.disguised,
    }


def _page(proposal: Proposal, kind: ContributionKind, first: bool) -> dict:
    """One page of the published testimonies or comments, oldest first, shaped for the API
    (a comment with its replies: one more query for the page)."""
    query = queries.contributions.contributions_of(proposal, kind, None)
    page = keyset_page(query, Contribution.created_at, Contribution.id, ascending=True, first=first)
    if kind is TESTIMONY:
        items = [{**contribution_json(c), "audio": audio_json(c)} for c in page["items"]]
    else:
        replies = queries.contributions.replies_to([c.id for c in page["items"]], None)
        items = [
            {**contribution_json(c), "replies": [contribution_json(r) for r in replies[c.id]]}
            for c in page["items"]
        ]
    return {"items": items, "next_cursor": page["next_cursor"]}


def _next_url(proposal: Proposal, kind: ContributionKind, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    return public_url(NEXT_PAGES[kind], proposal_id=proposal.id, cursor=cursor, **language_args())


def first_pages(proposal: Proposal) -> dict:
    """The counts of what anyone may read, and the first page of the testimonies and of the
    comments, each with the address of the next page (null after the last)."""
    counts = queries.contributions.published_counts(proposal.id)
    testimonies, comments = (_page(proposal, kind, first=True) for kind in (TESTIMONY, COMMENT))
    return {
        "contribution_counts": {
            "testimonies": counts[TESTIMONY],
            "comments": counts[COMMENT],
            "replies": counts[ContributionKind.REPLY],
        },
        "testimonies": testimonies["items"],
        "next_testimonies": _next_url(proposal, TESTIMONY, testimonies["next_cursor"]),
        "comments": comments["items"],
        "next_comments": _next_url(proposal, COMMENT, comments["next_cursor"]),
    }


def _next_page(proposal_id: int, kind: ContributionKind):
    proposal = db.session.get(Proposal, proposal_id) or abort(404)
    page = _page(proposal, kind, first=False)
    return jsonify({**page, "next": _next_url(proposal, kind, page["next_cursor"])})


@bp.get("/proposals/<int:proposal_id>/testimonies")
@public_page
def proposal_testimonies(proposal_id: int):
    """A proposal's published testimonies, oldest first, by keyset pages:
    ``{"items": [...], "next_cursor": ..., "next": ...}``."""
    return _next_page(proposal_id, TESTIMONY)


@bp.get("/proposals/<int:proposal_id>/comments")
@public_page
def proposal_comments(proposal_id: int):
    """A proposal's published comments with their replies, oldest first, by keyset pages."""
    return _next_page(proposal_id, COMMENT)
