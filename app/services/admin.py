"""Administration: organisations, verification, roles, memberships and themes."""

import re
import unicodedata

import sqlalchemy as sa

from app import policy
from app.extensions import db
from app.models import Organisation, OrganisationKind, Role, Theme, User
from app.services import PermissionDenied
from app.services.sessions import revoke_sessions

ORGANISATION_FIELDS = (
    "name",
    "short_name",
    "kind",
    "description",
    "address",
    "contact_email",
    "website",
)
THEME_FIELDS = (
    "name",
    "description",
    "position",
    "participants_premoderated",
    "members_premoderated",
)


def slugify(text: str) -> str:
    """An ASCII, lowercase, dash-separated slug."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "sans-nom"


def unique_slug(model, text: str, exclude_id: int | None = None) -> str:
    base = slugify(text)
    slug, n = base, 2
    while True:
        query = sa.select(model.id).where(model.slug == slug)
        if exclude_id is not None:
            query = query.where(model.id != exclude_id)
        if db.session.scalar(query) is None:
            return slug
        slug, n = f"{base}-{n}", n + 1


def _require_admin(actor: User) -> None:
    if not policy.can_administer(actor):
        raise PermissionDenied


def save_organisation(actor: User, organisation: Organisation | None, data: dict) -> Organisation:
    """Create an organisation, or update one; only institutions can be verified."""
    _require_admin(actor)
    if organisation is None:
        organisation = Organisation(slug=unique_slug(Organisation, data["name"]))
        db.session.add(organisation)
    for field in ORGANISATION_FIELDS:
        setattr(organisation, field, data[field])
    organisation.short_name = organisation.short_name or None
    verified = bool(data.get("verified"))
    organisation.verified = verified and organisation.kind is OrganisationKind.INSTITUTION
    db.session.commit()
    return organisation


def update_user(
    actor: User, user: User, *, role: Role, organisation_ids: list[int], active: bool
) -> User:
    """Give a role and memberships, or block an account (never one's own admin account)."""
    _require_admin(actor)
    if user.id == actor.id and (role is not Role.ADMIN or not active):
        raise PermissionDenied
    user.role = role
    user.active = active
    user.organisations = list(
        db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(organisation_ids)))
    )
    if not active:  # a blocked account is logged out everywhere, now
        revoke_sessions(user, commit=False)
    db.session.commit()
    return user


def save_theme(actor: User, theme: Theme | None, data: dict) -> Theme:
    """Create or update a workshop."""
    _require_admin(actor)
    if theme is None:
        theme = Theme(slug=unique_slug(Theme, data["name"]))
        db.session.add(theme)
    for field in THEME_FIELDS:
        setattr(theme, field, data[field])
    db.session.commit()
    return theme
