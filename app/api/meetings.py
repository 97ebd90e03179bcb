"""Meetings in the JSON API: upcoming or past, by workshop, and one meeting with its
proposals, registrations and validated minutes."""

from flask import abort, jsonify, request

from app import queries
from app.api.cursors import keyset_page
from app.api.views import _iso, bp
from app.models import Meeting, MeetingKind, Theme
from app.web.links import public_url
from app.web.loading import theme_filter
from app.web.routes import public_page

WHEN = ("upcoming", "past")


def _summary(meeting: Meeting) -> dict:
    return {
        "id": meeting.id,
        "kind": meeting.kind.value,
        "title": meeting.title,
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
    first (``?when=past``), by ``theme`` and ``kind``, in keyset pages."""
    upcoming, theme, kind = _filters()
    query = queries.meetings.meetings_query(upcoming, theme, kind)
    page = keyset_page(query, Meeting.starts_at, Meeting.id, ascending=upcoming, summary=_summary)
    return jsonify(page)


def _validated_minutes(meeting: Meeting) -> dict | None:
    """The latest version of the meeting's minutes once validated; None before (one query)."""
    row = queries.meetings.validated_minutes(meeting)
    if row is None:
        return None
    return {"validated_at": _iso(row.validated_at), "version": row.number, "text": row.body}


@bp.get("/meetings/<int:meeting_id>")
@public_page
def meeting(meeting_id: int):
    """One meeting: agenda, proposals to discuss, people registered, validated minutes."""
    meeting = queries.meetings.meeting_detail(meeting_id) or abort(404)
    registered = queries.meetings.registration_count(meeting)
    places_left = None if meeting.capacity is None else max(0, meeting.capacity - registered)
    return jsonify(
        {
            **_summary(meeting),
            "agenda": meeting.agenda,
            "description": meeting.description,
            "proposals": [
                {
                    "id": p.id,
                    "title": p.title,
                    "status": p.status.value,
                    "url": public_url("proposals.show", proposal_id=p.id),
                    "example": p.example,
                }
                for p in meeting.proposals
            ],
            "registered_count": registered,
            "places_left": places_left,
            "minutes": _validated_minutes(meeting),
        }
    )
