"""Paris wall-clock time, and iCalendar (RFC 5545) files of meetings for calendar apps.

Times are stored as naive UTC; people read and type them in Paris time, and calendar apps
get them with ``TZID=Europe/Paris`` and a VTIMEZONE that describes that zone. Titles, agendas
and proposals are in the requester's language where translated (the feed's translations are
read in one query, with the first), French otherwise.
"""

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

import icalendar
from flask_babel import gettext as _

from app.models import Meeting
from app.models.base import PARIS
from app.web.content_language import current_text
from app.web.links import public_url

TZID = PARIS.key
UID_DOMAIN = "voix-solidaires.fr"
PRODID = "-//Reseau de solidarite des associations messines//Voix solidaires//FR"
# SEQUENCE is derived from updated_at (seconds since this date): it grows with every change
# without a column of its own, and stays below 2**31 until 2083.
SEQUENCE_EPOCH = datetime(2015, 1, 1)
# icalendar escapes a newline but lets a bare CR through, which some readers take for the end
# of a line: a title could then add lines (even events) of its own. Every control character
# goes, except the newline (escaped as \n) and the tab (allowed in iCalendar text).
LINE_BREAKS = re.compile(r"\r\n?|[\u0085\u2028\u2029]")
CONTROLS = dict.fromkeys(  # Unicode's category Cc: C0, DEL and C1
    code for code in (*range(0x20), *range(0x7F, 0xA0)) if code not in (0x09, 0x0A)
)


# The days a person may type (a meeting, a due date, a period): far enough either way for
# any real use, and clear of Python's date arithmetic limits (year 1 minus a time zone,
# 9999-12-31 plus a day overflow) and of what PostgreSQL's date type accepts.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2200, 12, 31)


def in_calendar(day: date) -> bool:
    """Whether a typed day lies in the window the site works with."""
    return EARLIEST_DAY <= day <= LATEST_DAY


def to_paris(moment: datetime) -> datetime:
    """A stored naive UTC datetime as a Paris wall-clock time (aware)."""
    return moment.replace(tzinfo=UTC).astimezone(PARIS)


def from_paris(day: date, at: time) -> datetime | None:
    """A Paris wall-clock time as the naive UTC datetime columns store; None for a time that
    does not exist that day (the hour skipped when clocks go forward)."""
    local = datetime.combine(day, at).replace(tzinfo=PARIS)
    utc = local.astimezone(UTC)
    if utc.astimezone(PARIS).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return utc.replace(tzinfo=None)


def meeting_uid(meeting: Meeting) -> str:
    """Stable for the meeting's whole life, so calendar apps update rather than duplicate."""
    return f"meeting-{meeting.id}@{UID_DOMAIN}"


def meeting_sequence(meeting: Meeting) -> int:
    return max(0, int((meeting.updated_at - SEQUENCE_EPOCH).total_seconds()))


def _paris_timezone() -> icalendar.Timezone:
    """Europe/Paris as calendar apps expect it: CET/CEST with the EU rules (since 1996)."""
    zone = icalendar.Timezone()
    zone.add("tzid", TZID)
    zone.add("x-lic-location", TZID)
    for component, name, offsets, start, month in (
        (icalendar.TimezoneDaylight(), "CEST", (1, 2), datetime(1970, 3, 29, 2, 0), 3),
        (icalendar.TimezoneStandard(), "CET", (2, 1), datetime(1970, 10, 25, 3, 0), 10),
    ):
        component.add("tzname", name)
        component.add("tzoffsetfrom", timedelta(hours=offsets[0]))
        component.add("tzoffsetto", timedelta(hours=offsets[1]))
        component.add("dtstart", start)
        component.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        zone.add_component(component)
    return zone


def _local(moment: datetime) -> tuple[datetime, dict]:
    """A value and its TZID parameter (naive local time: the same output on icalendar 5 and 6)."""
    return to_paris(moment).replace(tzinfo=None), {"TZID": TZID}


def calendar_text(value: str) -> str:
    """Text safe for any iCalendar reader: line breaks as \n, no other control character."""
    return LINE_BREAKS.sub("\n", value or "").translate(CONTROLS)


def _add_text(component, name: str, value: str) -> None:
    component.add(name, calendar_text(value))


def _description(meeting: Meeting, url: str) -> str:
    parts = []
    if meeting.is_cancelled:
        parts.append(_("Réunion annulée : %(reason)s", reason=meeting.cancel_reason))
    if meeting.agenda:
        parts.append(_("Ordre du jour :") + "\n" + current_text(meeting, "agenda").text.strip())
    elif meeting.description:
        parts.append(current_text(meeting, "description").text.strip())
    if meeting.proposals:
        titles = "\n".join(
            f"- {current_text(proposal, 'title').text}" for proposal in meeting.proposals
        )
        parts.append(_("Propositions à discuter :") + "\n" + titles)
    if meeting.is_public is False:
        parts.append(_("Réservée aux membres des associations du réseau."))
    parts.append(url)
    return "\n\n".join(parts)


def _event(meeting: Meeting) -> icalendar.Event:
    url = public_url("meetings.show", meeting_id=meeting.id)
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    stamp = meeting.updated_at.replace(tzinfo=UTC)
    event.add("dtstamp", stamp)  # no METHOD: the last revision of the event
    event.add("last-modified", stamp)
    event.add("sequence", meeting_sequence(meeting))
    value, params = _local(meeting.starts_at)
    event.add("dtstart", value, parameters=params)
    if meeting.ends_at is not None:  # unknown: no end invented (RFC 5545 allows none)
        value, params = _local(meeting.ends_at)
        event.add("dtend", value, parameters=params)
    summary = title = current_text(meeting, "title").text
    if meeting.is_cancelled:
        # Not every app shows STATUS:CANCELLED; the title says it everywhere.
        summary = _("Annulée : %(title)s", title=title)
    _add_text(event, "summary", summary)
    location = ", ".join(part for part in (meeting.place_name, meeting.address) if part)
    if location:
        _add_text(event, "location", location)
    _add_text(event, "description", _description(meeting, url))
    _add_text(event, "url", url)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if meeting.is_cancelled else "OPAQUE")
    return event


def meetings_calendar(meetings: Iterable[Meeting], name: str) -> bytes:
    """An iCalendar file with these meetings, named for the calendar apps that subscribe."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    _add_text(calendar, "x-wr-calname", name)
    calendar.add("x-wr-timezone", TZID)
    calendar.add("x-published-ttl", "PT1H")
    calendar.add_component(_paris_timezone())
    for meeting in meetings:
        calendar.add_component(_event(meeting))
    return calendar.to_ical()
