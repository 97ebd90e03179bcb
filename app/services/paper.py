"""Paper at the day centre: an association's places, the testimonies its members type in
from paper sheets (several in one sitting, all saved or none), and the photos of those
sheets, kept for the moderators until their decision.

Each public function commits once. The photos are deleted by ``sheet_photos.py``.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app import policy
from app.calendar import to_paris
from app.extensions import db
from app.models import (
    AuditAction,
    ConcernTally,
    Contribution,
    ContributionKind,
    ContributionState,
    DisplayMode,
    Organisation,
    PaperSheetPhoto,
    Place,
    Proposal,
    User,
    paris_today,
    utcnow,
)
from app.services import PermissionDenied, ServiceError, audit, contributions, retry_when_busy
from app.services.responses import document_type
from app.web.incoming import megabytes

# A sheet's photo: an image, told by its first bytes, never by its name or declared type.
PHOTO_TYPES = ("image/png", "image/jpeg", "image/webp")


# Places


def _check_place_fields(organisation: Organisation, name: str, address: str, place=None):
    name, address = name.strip(), address.strip()
    if not name:
        raise ServiceError(_("Donnez un nom à ce lieu."), field="name")
    if len(name) > Place.NAME_MAX:
        raise ServiceError(too_long(len(name), Place.NAME_MAX), field="name")
    if len(address) > Place.ADDRESS_MAX:
        raise ServiceError(too_long(len(address), Place.ADDRESS_MAX), field="address")
    # Compared here, not by SQL: SQLite's lower() leaves "É" as it is. An association has
    # a few places.
    others = db.session.scalars(
        sa.select(Place.name).where(
            Place.organisation_id == organisation.id, Place.id != (place.id if place else 0)
        )
    )
    if name.casefold() in {other.casefold() for other in others}:
        raise ServiceError(_("L’association a déjà un lieu de ce nom."), field="name")
    return name, address


def too_long(count: int, maximum: int) -> str:
    return _("%(count)s caractères ; %(max)s au plus.", count=count, max=maximum)


def _audit_place(actor: User, place: Place, change: str) -> None:
    audit.record(
        actor,
        AuditAction.ORGANISATION_UPDATED,
        "organisation",
        place.organisation_id,
        place=place.id,
        change=change,
    )


def _commit_place() -> None:
    try:
        db.session.commit()
    except IntegrityError:  # the same name saved twice at the same moment
        db.session.rollback()
        raise ServiceError(_("L’association a déjà un lieu de ce nom."), field="name") from None


@retry_when_busy
def add_place(actor: User, organisation: Organisation, name: str, address: str) -> Place:
    """A new place of the association, offered from now on in its members' forms."""
    if not policy.can_manage_places(actor, organisation):
        raise PermissionDenied
    name, address = _check_place_fields(organisation, name, address)
    place = Place(organisation=organisation, name=name, address=address)
    db.session.add(place)
    db.session.flush()
    _audit_place(actor, place, "place_added")
    _commit_place()
    return place


@retry_when_busy
def update_place(actor: User, place: Place, name: str, address: str) -> Place:
    """Rename a place or correct its address."""
    if not policy.can_manage_places(actor, place.organisation):
        raise PermissionDenied
    place.name, place.address = _check_place_fields(place.organisation, name, address, place)
    _audit_place(actor, place, "place_updated")
    _commit_place()
    return place


def place_in_use(place: Place) -> bool:
    """Whether something collected there points to it: a testimony, or a count of people
    met there (one query)."""
    testimony = sa.exists().where(Contribution.place_id == place.id)
    tally = sa.exists().where(ConcernTally.place_id == place.id)
    return bool(db.session.scalar(sa.select(sa.or_(testimony, tally))))


@retry_when_busy
def retire_place(actor: User, place: Place) -> bool:
    """No longer offered: deleted if nothing was collected there, else archived (what was
    collected there keeps its place). True when it was deleted."""
    if not policy.can_manage_places(actor, place.organisation):
        raise PermissionDenied
    deleted = not place_in_use(place)
    _audit_place(actor, place, "place_deleted" if deleted else "place_archived")
    if deleted:
        db.session.delete(place)
    else:
        place.archived_at = place.archived_at or utcnow()
    db.session.commit()
    return deleted


@retry_when_busy
def restore_place(actor: User, place: Place) -> Place:
    """An archived place offered again."""
    if not policy.can_manage_places(actor, place.organisation):
        raise PermissionDenied
    place.archived_at = None
    _audit_place(actor, place, "place_restored")
    db.session.commit()
    return place


# Photos of the sheets


def photo_problem(content: bytes) -> str | None:
    """Why this file cannot be a sheet's photo, or None."""
    limit = current_app.config["PAPER_PHOTO_MAX_BYTES"]
    if not content:
        return _("La photo est vide : choisissez-la à nouveau.")
    if len(content) > limit:
        return _(
            "La photo est trop volumineuse (%(size)s au plus) : prenez-la en plus petit.",
            size=megabytes(limit),
        )
    if document_type(content) not in PHOTO_TYPES:
        return _(
            "Ce fichier n’est pas une photo (PNG, JPEG ou WebP), quel que soit son nom : "
            "choisissez à nouveau la photo de la fiche."
        )
    return None


# Typing in a sitting's sheets


@dataclass(frozen=True)
class Sitting:
    """What every sheet of one sitting shares, entered once."""

    organisation: Organisation
    proposal: Proposal
    collected_on: date
    place: Place | None
    lang: str
    consent: bool


@dataclass(frozen=True)
class Sheet:
    """One sheet typed in: its text, the first name if the person gave one, its language
    if other than the sitting's, the photo's bytes if one was taken."""

    body: str
    first_name: str = ""
    lang: str = ""
    photo: bytes | None = None


class SheetRefused(ServiceError):
    """One sheet cannot be saved: ``index`` says which (none of the sitting is saved)."""

    def __init__(self, message: str, index: int, field: str = "body"):
        super().__init__(message, field=field)
        self.index = index


def collection_date_problem(proposal: Proposal, collected_on: date) -> str | None:
    """A sheet is collected neither in the future nor before its proposal was published."""
    if collected_on > paris_today():
        return _("La date de collecte ne peut pas être dans le futur.")
    published_on = to_paris(proposal.created_at).date()
    if collected_on < published_on:
        return _(
            "La date de collecte ne peut pas précéder la proposition (publiée le %(date)s).",
            date=format_date(published_on),
        )
    return None


def _check_sitting(recorder: User, sitting: Sitting) -> None:
    if sitting.organisation not in policy.association_memberships(recorder):
        raise PermissionDenied
    if sitting.consent is not True:  # never stored on a maybe: only an explicit yes
        raise ServiceError(
            _("Les fiches ne peuvent être enregistrées sans l’accord signé des personnes."),
            field="consent",
        )
    if problem := collection_date_problem(sitting.proposal, sitting.collected_on):
        raise ServiceError(problem, field="collected_on")
    place = sitting.place
    if place is None or place.organisation_id != sitting.organisation.id or place.archived_at:
        raise ServiceError(_("Choisissez un des lieux de l’association."), field="place_id")
    contributions._check_lang(sitting.lang)


def _typed(recorder: User, sitting: Sitting, sheet: Sheet, index: int, key: str | None):
    try:
        body = contributions._check_length(ContributionKind.TESTIMONY, sheet.body)
        lang = contributions._check_lang(sheet.lang or sitting.lang)
    except ServiceError as error:
        raise SheetRefused(str(error), index) from None
    if len(sheet.first_name.strip()) > Contribution.GUEST_NAME_MAX:
        raise SheetRefused(too_long(len(sheet.first_name), Contribution.GUEST_NAME_MAX), index)
    if sheet.photo is not None and (problem := photo_problem(sheet.photo)):
        raise SheetRefused(problem, index, field="photo")
    contribution = Contribution(
        idempotency_key=key,
        proposal=sitting.proposal,
        kind=ContributionKind.TESTIMONY,
        author=recorder,
        display_mode=DisplayMode.PSEUDONYM if sheet.first_name.strip() else DisplayMode.ANONYMOUS,
        guest_name=sheet.first_name.strip(),
        recorded_for=sitting.organisation,
        consent_confirmed_at=utcnow(),
        on_paper=True,
        collected_on=sitting.collected_on,
        place=sitting.place,
        body=body,
        lang=lang,
        state=_state_of(recorder, sitting, sheet),
    )
    if sheet.photo is not None:
        contribution.paper_photo = PaperSheetPhoto(
            media_type=document_type(sheet.photo),
            size=len(sheet.photo),
            content=sheet.photo,
            uploaded_by_id=recorder.id,
        )
    return contribution


def _state_of(recorder: User, sitting: Sitting, sheet: Sheet) -> ContributionState:
    """A sheet with its photo is for the moderators to compare: it waits for them (else
    nothing would ever delete the photo). Without, as any contribution of its recorder."""
    if sheet.photo is not None:
        return ContributionState.PENDING
    return contributions._initial_state(recorder, sitting.proposal)


def _sheet_key(key: str | None, index: int) -> str | None:
    """Each sheet's own key, drawn from the form's (at most 64 characters)."""
    return f"{key[:56]}-{index}" if key else None


def _earlier(recorder: User, key: str | None) -> list[Contribution]:
    """The sheets this very form already saved (a second sending of it), in order."""
    if key is None:
        return []
    prefix = f"{key[:56]}-"
    return list(
        db.session.scalars(
            sa.select(Contribution)
            .where(
                sa.func.substr(Contribution.idempotency_key, 1, len(prefix)) == prefix,
                Contribution.author_id == recorder.id,
                Contribution.on_paper.is_(True),
            )
            .order_by(Contribution.id)
        )
    )


@retry_when_busy
def post_paper_testimonies(
    recorder: User, sitting: Sitting, sheets: list[Sheet], idempotency_key: str | None = None
) -> list[Contribution]:
    """Save the sheets of a sitting, all or none; the same form sent twice gives the
    first sending's sheets."""
    _check_sitting(recorder, sitting)
    if earlier := _earlier(recorder, idempotency_key):
        return earlier
    if not sheets:
        raise ServiceError(_("Tapez au moins une fiche."), field="sheets")
    typed = [
        _typed(recorder, sitting, sheet, index, _sheet_key(idempotency_key, index))
        for index, sheet in enumerate(sheets)
    ]
    db.session.add_all(typed)
    try:
        db.session.commit()
    except IntegrityError:  # the same form, sent twice at the same moment: the first wins
        db.session.rollback()
        if earlier := _earlier(recorder, idempotency_key):
            return earlier
        raise
    return typed
