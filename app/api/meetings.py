"""Meetings in the JSON API: upcoming or past, by workshop, and one meeting with its
proposals, registrations and validated minutes."""

from flask import abort, jsonify, request

from app import queries
from app.api.blueprint import bp
from app.api.cursors import keyset_page
from app.api.languages import languages, requested_language
from app.api.views import _iso
from app.models import Meeting, MeetingKind, Theme
from app.web.content_language import localized, prefetch
from app.web.links import public_url
from app.web.loading import theme_filter
from app.web.routes import public_page

WHEN = ("upcoming", "past")


def _summary(meeting: Meeting, lang: str) -> dict:
    title = localized(meeting, "title", lang)
    return {
        "id": meeting.id,
        "kind": meeting.kind.value,
        "title": title.text,
        "theme": meeting.theme.slug if meeting.theme else None,
        "starts_at": _iso(meeting.starts_at),
        "ends_at": _iso(meeting.ends_at),
        "place": {"name": meeting.place_name or None, "address": meeting.address or None},
        "host": {"id": meeting.host.id, "name": meeting.host.name} if meeting.host else None,
        "is_public": meeting.is_public,
        "capacity": meeting.capacity,
        "cancelled": meeting.is_cancelled,
        "cancelled_at": _iso(meeting.cancelled_at),
        "cancel_reason": meeting.cancel_reason or None,
        "url": public_url("meetings.show", meeting_id=meeting.id),
        "ics_url": public_url("meetings.meeting_calendar", meeting_id=meeting.id),
        "example": meeting.example,
        "languages": languages(title=title),
    }


def _filters() -> tuple[bool, Theme | None, MeetingKind | None]:
    when = request.args.get("when", "upcoming")
    if when not in WHEN:
        abort(400)
    theme, kind = theme_filter("theme"), None
    if value := request.args.get("kind"):
        try:
            kind = MeetingKind(value)
        except ValueError:
            abort(400)
    return when == "upcoming", theme, kind


@bp.get("/meetings")
@public_page
def meetings():
    """Upcoming meetings soonest first (``?when=upcoming``, the default) or past ones latest
    first (``?when=past``), by ``theme`` and ``kind``, in keyset pages; titles in ``?lang=``."""
    lang = requested_language()
    upcoming, theme, kind = _filters()
    query = queries.meetings.meetings_query(upcoming, theme, kind)
    page = keyset_page(query, Meeting.starts_at, Meeting.id, ascending=upcoming)
    prefetch(page["items"], lang)
    page["items"] = [_summary(meeting, lang) for meeting in page["items"]]
    return jsonify(page)


def _validated_minutes(meeting: Meeting) -> dict | None:
    """The latest version of the meeting's minutes once validated; None before (one query)."""
    row = queries.meetings.validated_minutes(meeting)
    if row is None:
        return None
    return {"validated_at": _iso(row.validated_at), "version": row.number, "text": row.body}


def _proposal(proposal, lang: str) -> dict:
    title = localized(proposal, "title", lang)
    return {
        "id": proposal.id,
        "title": title.text,
        "status": proposal.status.value,
        "url": public_url("proposals.show", proposal_id=proposal.id),
        "example": proposal.example,
        "languages": languages(title=title),
    }


@bp.get("/meetings/<int:meeting_id>")
@public_page
def meeting(meeting_id: int):
    """One meeting: agenda, proposals to discuss, people registered, validated minutes; its
    title, description and agenda and the proposals' titles in ``?lang=``."""
    lang = requested_language()
    meeting = queries.meetings.meeting_detail(meeting_id) or abort(404)
    registered = queries.meetings.registration_count(meeting)
    places_left = None if meeting.capacity is None else max(0, meeting.capacity - registered)
    minutes = _validated_minutes(meeting)
    prefetch([meeting, *meeting.proposals], lang)
    summary = _summary(meeting, lang)
    agenda, description = (
        localized(meeting, "agenda", lang),
        localized(meeting, "description", lang),
    )
    payload = {
        **summary,
        "agenda": agenda.text if meeting.agenda is not None else None,
        "description": description.text if meeting.description is not None else None,
        "proposals": [_proposal(p, lang) for p in meeting.proposals],
        "registered_count": registered,
        "places_left": places_left,
        "minutes": minutes,
        "languages": {
            **summary["languages"],
            **languages(agenda=agenda, description=description),
        },
    }
    return jsonify(payload)
