"""Events of the network in the JSON API: the list (by year) and one event with its review."""

from flask import jsonify

from app import queries
from app.api.blueprint import bp
from app.api.cursors import keyset_page
from app.api.languages import languages, requested_language
from app.api.views import _iso
from app.models import Event
from app.web.content_language import localized, prefetch
from app.web.links import public_url
from app.web.loading import event_or_404, year_filter
from app.web.routes import public_page

REVIEW = ("summary", "advances", "obstacles", "next_steps")


def _summary(event: Event, proposals_count: int, lang: str) -> dict:
    name = localized(event, "name", lang)
    return {
        "slug": event.slug,
        "name": name.text,
        "kind": event.kind.value,
        "date": _iso(event.held_on),
        "place": event.place or None,
        "organisations_count": event.organisations_count,
        "proposals_count": proposals_count,
        "example": event.example,
        "html_url": public_url("events.show", slug=event.slug),
        "languages": languages(name=name),
    }


@bp.get("/events")
@public_page
def events():
    """Events newest first (``?year=`` the year they were held), in keyset pages; names in
    ``?lang=``."""
    lang = requested_language()
    query = queries.network_events.events_query(year_filter("year"))
    page = keyset_page(query, Event.held_on, Event.id, ascending=False)
    counts = queries.network_events.proposal_counts([event.id for event in page["items"]])
    prefetch(page["items"], lang)
    page["items"] = [_summary(event, counts[event.id], lang) for event in page["items"]]
    return jsonify(page)


@bp.get("/events/<slug>")
@public_page
def event(slug: str):
    """One event with its review: summary, advances, obstacles, next steps, source; its texts
    in ``?lang=``."""
    lang = requested_language()
    event = event_or_404(slug)
    count = queries.network_events.proposal_counts([event.id])[event.id]
    summary = _summary(event, count, lang)
    review = {field: localized(event, field, lang) for field in REVIEW}
    return jsonify(
        {
            **summary,
            **{field: shown.text or None for field, shown in review.items()},
            "source": event.source or None,
            "languages": {**summary["languages"], **languages(**review)},
        }
    )
