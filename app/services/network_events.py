"""Recording the network's events (assises, thematic days, working-group cycles) and their
review: an admin on the site, or `flask events create` on the server."""

import re
from contextlib import contextmanager
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app import policy
from app.extensions import db
from app.models import AuditAction, Event, EventKind, User
from app.queries.network_events import FIRST_YEAR, LAST_YEAR, name_taken, slug_taken
from app.services import PermissionDenied, ServiceError, retry_when_busy
from app.services.audit import record
from app.text import too_long_message

# Lowercase letters and digits, in words joined by single hyphens: "assises-2015".
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
EVENT_FIELDS = (
    "slug",
    "name",
    "kind",
    "held_on",
    "place",
    "organisations_count",
    "summary",
    "advances",
    "obstacles",
    "next_steps",
    "source",
)
# Characters in each section of the review (a text column: no size in the database).
REVIEW_MAX = 20000
TEXT_LIMITS = {
    "slug": Event.SLUG_MAX,
    "name": Event.NAME_MAX,
    "place": Event.PLACE_MAX,
    "source": Event.SOURCE_MAX,
    "summary": REVIEW_MAX,
    "advances": REVIEW_MAX,
    "obstacles": REVIEW_MAX,
    "next_steps": REVIEW_MAX,
}


def slug_problem(slug: str) -> str | None:
    """Why a text cannot be an event's address, or None."""
    if not SLUG_PATTERN.fullmatch(slug):
        return _(
            "L’adresse ne peut contenir que des lettres minuscules sans accent, des chiffres "
            "et des tirets entre les mots (exemple : assises-2026)."
        )
    return None


def date_problem(day: date) -> str | None:
    """Why a day cannot be an event's date, or None."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return _("Indiquez une date entre %(first)d et %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)
    return None


def _check(data: dict, exclude_id: int | None) -> None:
    """The rules the form checks, again: the form may be bypassed, the command has none."""
    for field, maximum in TEXT_LIMITS.items():  # the form's limits
        if len(data[field]) > maximum:
            raise ServiceError(too_long_message(len(data[field]), maximum), field=field)
    if problem := slug_problem(data["slug"]):
        raise ServiceError(problem, field="slug")
    if not data["name"]:
        raise ServiceError(_("Indiquez le nom."), field="name")
    if problem := date_problem(data["held_on"]):
        raise ServiceError(problem, field="held_on")
    count = data["organisations_count"]
    if count is not None and count < 0:
        message = _("Un nombre positif, ou rien s’il n’est pas connu.")
        raise ServiceError(message, field="organisations_count")
    _check_unique(data, exclude_id)


def _check_unique(data: dict, exclude_id: int | None) -> None:
    if slug_taken(data["slug"], exclude_id):
        raise ServiceError(_("Un autre événement a déjà cette adresse."), field="slug")
    if name_taken(data["name"], exclude_id):
        raise ServiceError(_("Un autre événement porte déjà ce nom."), field="name")


def _clean(data: dict) -> dict:
    clean = {field: data.get(field) for field in EVENT_FIELDS}
    for field in EVENT_FIELDS:
        if field not in ("kind", "held_on", "organisations_count"):
            clean[field] = (clean[field] or "").strip()
    clean["kind"] = EventKind(clean["kind"] or EventKind.ASSISES)
    return clean


@contextmanager
def _refused_when_taken(data: dict, exclude_id: int | None):
    """The same slug or name saved at the same moment by someone else: the unique index
    refuses, and the person gets the message the check would have given."""
    try:
        yield
    except IntegrityError:
        db.session.rollback()
        _check_unique(data, exclude_id)
        raise


@retry_when_busy
def create_event(actor: User | None, data: dict) -> Event:
    """Record an event from ``data`` (the fields of ``EVENT_FIELDS``); ``actor`` None is
    the command line (`flask events create`)."""
    if actor is not None and not policy.can_manage_events(actor):
        raise PermissionDenied
    data = _clean(data)
    _check(data, None)
    event = Event(**data)
    with _refused_when_taken(data, None):
        db.session.add(event)
        db.session.flush()  # the new event's id, for the audit row
        via = {"via": "cli"} if actor is None else {}
        record(actor, AuditAction.EVENT_CREATED, "event", event.id, **via)
        db.session.commit()
    return event


@retry_when_busy
def update_event(actor: User, event: Event, data: dict) -> Event:
    """Change an event's record and review; the audit row names the fields changed."""
    if not policy.can_manage_events(actor):
        raise PermissionDenied
    data = _clean(data)
    _check(data, event.id)
    changed = [field for field in EVENT_FIELDS if getattr(event, field) != data[field]]
    for field in changed:
        setattr(event, field, data[field])
    with _refused_when_taken(data, event.id):
        if changed:
            record(actor, AuditAction.EVENT_UPDATED, "event", event.id, fields=changed)
        db.session.commit()
    return event
