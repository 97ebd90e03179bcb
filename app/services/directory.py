"""The directory: editing an organisation's page, co-signing (reads: app/queries/directory.py).

Writes check the policy again and commit once, at their end.
"""

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app import policy
from app.extensions import db
from app.models import (
    Cosignature,
    Organisation,
    Proposal,
    Theme,
    User,
)
from app.queries.directory import cosignatures_for
from app.services import PermissionDenied, ServiceError, retry_when_busy

PAGE_FIELDS = (
    "description",
    "address",
    "opening_hours",
    "contact_email",
    "contact_phone",
    "website",
)


def safe_website(url: str | None) -> str | None:
    """A web address fit for a link: http(s) only, never ``javascript:`` and the like."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def phone_link(phone: str | None) -> str | None:
    """A ``tel:`` link from a phone number as people write it."""
    digits = "".join(c for c in phone or "" if c.isdigit() or c == "+")
    return f"tel:{digits}" if len(digits) >= 4 else None


@retry_when_busy
def update_organisation_page(
    actor: User, organisation: Organisation, data: dict, theme_ids: list[int]
) -> Organisation:
    """Members and admins update what the public page says; name, kind and verification
    are the admin form's."""
    if not policy.can_edit_organisation(actor, organisation):
        raise PermissionDenied
    themes = list(db.session.scalars(sa.select(Theme).where(Theme.id.in_(theme_ids or []))))
    if len(themes) != len(set(theme_ids or [])):
        raise ServiceError(_("Un des ateliers choisis n’existe pas."))
    for field in PAGE_FIELDS:
        setattr(organisation, field, (data.get(field) or "").strip())
    organisation.themes = themes
    db.session.commit()
    return organisation


@retry_when_busy
def cosign(actor: User, proposal: Proposal, organisation: Organisation) -> Cosignature:
    """Sign a proposal in the name of one's association, once per association."""
    choices = policy.cosigning_organisations(actor, proposal, cosignatures_for(proposal))
    if organisation.id not in {org.id for org in choices}:
        raise PermissionDenied
    cosignature = Cosignature(proposal=proposal, organisation=organisation, signed_by_id=actor.id)
    db.session.add(cosignature)
    try:
        db.session.commit()
    except IntegrityError:  # two members of one association signing at the same moment
        db.session.rollback()
        raise ServiceError(_("Cette association a déjà cosigné la proposition.")) from None
    return cosignature


def find_cosignature(proposal: Proposal, organisation_id: int) -> Cosignature | None:
    return db.session.scalar(
        sa.select(Cosignature).filter_by(proposal_id=proposal.id, organisation_id=organisation_id)
    )


@retry_when_busy
def withdraw_cosignature(actor: User, cosignature: Cosignature) -> None:
    """Withdraw an association's co-signature; only its members may."""
    if not policy.can_withdraw_cosignature(actor, cosignature):
        raise PermissionDenied
    db.session.delete(cosignature)
    db.session.commit()
