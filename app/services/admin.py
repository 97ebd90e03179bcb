"""Administration: organisations, verification, roles, memberships and themes."""

import re
import unicodedata

import sqlalchemy as sa
from flask_babel import gettext as _

from app import policy
from app.extensions import db
from app.models import AuditAction, Organisation, OrganisationKind, Role, Theme, User
from app.services import PermissionDenied, ServiceError, retry_when_busy
from app.services.audit import record
from app.services.onboarding import set_official_address
from app.services.sessions import revoke_sessions

ORGANISATION_FIELDS = (
    "name",
    "short_name",
    "kind",
    "description",
    "address",
    "contact_email",
    "website",
    "premises_networks",
    "official_locale",
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


# Words a slug cannot be: URL segments of their own under the same prefix
# (/organisations/adresse-officielle/<token> confirms an official address).
RESERVED_SLUGS = frozenset({"adresse-officielle"})


def unique_slug(model, text: str, exclude_id: int | None = None) -> str:
    base = slugify(text)
    slug, n = base, 2
    while True:
        query = sa.select(model.id).where(model.slug == slug)
        if exclude_id is not None:
            query = query.where(model.id != exclude_id)
        if slug not in RESERVED_SLUGS and db.session.scalar(query) is None:
            return slug
        slug, n = f"{base}-{n}", n + 1


def _require_admin(actor: User) -> None:
    if not policy.can_administer(actor):
        raise PermissionDenied


@retry_when_busy
def save_organisation(actor: User, organisation: Organisation | None, data: dict) -> Organisation:
    """Create an organisation, or update one; only institutions can be verified, and only
    once their official address is confirmed (those verified before stay so). A new
    official address is unconfirmed and is e-mailed its confirmation link."""
    _require_admin(actor)
    created = organisation is None
    if organisation is None:
        organisation = Organisation(
            slug=unique_slug(Organisation, data["name"]), verified=False, official_email=""
        )
        db.session.add(organisation)
    was_verified = bool(organisation.verified)
    changed = _assign(organisation, ORGANISATION_FIELDS, data)
    organisation.short_name = organisation.short_name or None
    db.session.flush()  # the new organisation's id, for the audit rows and the link
    set_official_address(actor, organisation, data.get("official_email") or "")
    verified = bool(data.get("verified"))
    organisation.verified = verified and organisation.kind is OrganisationKind.INSTITUTION
    if organisation.verified and not was_verified and not organisation.official_email_verified:
        raise ServiceError(_unconfirmed_message(organisation), field="verified")
    action = AuditAction.ORGANISATION_CREATED if created else AuditAction.ORGANISATION_UPDATED
    if created or changed:
        record(actor, action, "organisation", organisation.id, fields=changed)
    if organisation.verified != was_verified:
        action = (
            AuditAction.ORGANISATION_VERIFIED
            if organisation.verified
            else AuditAction.ORGANISATION_UNVERIFIED
        )
        record(actor, action, "organisation", organisation.id)
    db.session.commit()
    return organisation


def _unconfirmed_message(organisation: Organisation) -> str:
    if organisation.official_email:
        return _(
            "L’institution ne peut être vérifiée qu’une fois son adresse officielle confirmée : "
            "le lien de confirmation attend à cette adresse."
        )
    return _(
        "L’institution ne peut être vérifiée qu’une fois son adresse officielle confirmée : "
        "indiquez d’abord cette adresse, le lien de confirmation y sera envoyé."
    )


def _assign(obj, fields: tuple[str, ...], data: dict) -> list[str]:
    """Set the fields from the form; the names of those that changed (for the audit)."""
    changed = []
    for field in fields:
        if getattr(obj, field) != data[field]:
            changed.append(field)
        setattr(obj, field, data[field])
    return changed


@retry_when_busy
def update_user(
    actor: User,
    user: User,
    *,
    role: Role,
    organisation_ids: list[int],
    active: bool,
    theme_ids: list[int] | None = None,
) -> User:
    """Give a role, memberships and the workshops one moderates (None: unchanged), or block
    an account (never one's own admin account)."""
    _require_admin(actor)
    if user.id == actor.id and (role is not Role.ADMIN or not active):
        raise PermissionDenied
    if user.role is not role:
        details = {"from": user.role.value, "to": role.value}
        record(actor, AuditAction.USER_ROLE_CHANGED, "user", user.id, **details)
    if user.active != active:
        action = AuditAction.USER_UNBLOCKED if active else AuditAction.USER_BLOCKED
        record(actor, action, "user", user.id)
    before = user.organisation_ids()
    user.role = role
    user.active = active
    user.organisations = list(
        db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(organisation_ids)))
    )
    if not active:  # a blocked account is logged out everywhere, now
        revoke_sessions(user, commit=False)
    after = user.organisation_ids()
    if before != after:
        details = {"added": sorted(after - before), "removed": sorted(before - after)}
        record(actor, AuditAction.USER_MEMBERSHIPS_CHANGED, "user", user.id, **details)
    if theme_ids is not None:
        _set_moderated_themes(actor, user, theme_ids)
    db.session.commit()
    return user


def _set_moderated_themes(actor: User, user: User, theme_ids: list[int]) -> None:
    """The workshops a moderator looks after (none: all), audited when they change."""
    before = {theme.id for theme in user.moderated_themes}
    user.moderated_themes = list(
        db.session.scalars(sa.select(Theme).where(Theme.id.in_(theme_ids)).order_by(Theme.position))
    )
    after = {theme.id for theme in user.moderated_themes}
    if before != after:
        details = {"added": sorted(after - before), "removed": sorted(before - after)}
        record(actor, AuditAction.MODERATOR_THEMES_CHANGED, "user", user.id, **details)


@retry_when_busy
def save_theme(actor: User, theme: Theme | None, data: dict) -> Theme:
    """Create or update a workshop."""
    _require_admin(actor)
    created = theme is None
    if theme is None:
        theme = Theme(slug=unique_slug(Theme, data["name"]))
        db.session.add(theme)
    changed = _assign(theme, THEME_FIELDS, data)
    db.session.flush()  # the new workshop's id, for the audit row
    if created or changed:
        action = AuditAction.THEME_CREATED if created else AuditAction.THEME_UPDATED
        record(actor, action, "theme", theme.id, fields=changed)
    db.session.commit()
    return theme
