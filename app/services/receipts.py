"""Guest receipts: the short code a guest gets after leaving a testimony, the only key to
follow it (its state, the moderators' reason), correct it while it waits, or withdraw it.

The code is 12 characters of Crockford's base32 (60 random bits from ``secrets``), shown
grouped as "K7PQ-M2XD-9RTB". Only its HMAC-SHA256 keyed with SECRET_KEY is stored
(``Contribution.receipt_hash``): a plain SHA-256 of a 60-bit code could be searched
offline by whoever holds a copy of the database (a backup); with the key, the database
alone gives nothing. Changing SECRET_KEY makes every receipt stop working.
The code is drawn before the testimony is saved and its hash goes in the same INSERT; the
same form sent again returns the earlier testimony and gets no code: the first one stays
the only one. A receipt lapses GUEST_CONTACT_RETENTION_DAYS after the testimony was sent;
the privacy purge then clears the hash. The code is never logged, e-mailed or kept in a page cache.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app import policy
from app.extensions import db
from app.models import AuditAction, Contribution, ContributionState, utcnow
from app.services import ServiceError, audit, retry_when_busy
from app.services.contributions import mark_withdrawn
from app.text import too_long_message

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
CODE_LENGTH = 12  # 12 × 5 = 60 bits
GROUP = 4
# What people write for what they read: O for 0, I and L for 1 (Crockford's rule).
_TYPED = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    """A fresh random code (never stored)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise(typed: str | None) -> str | None:
    """The code someone typed or followed, in its one spelling; None when it cannot be one.
    Spaces, dashes and dots are dropped, lower case raised, O/0 and I/L/1 read alike."""
    if not typed or len(typed) > 64:
        return None
    kept = "".join(ch for ch in typed.upper() if ch not in " -._\t\n").translate(_TYPED)
    if len(kept) != CODE_LENGTH or any(ch not in ALPHABET for ch in kept):
        return None
    return kept


def grouped(code: str) -> str:
    """The code as people read it aloud: groups of four, joined by dashes."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def code_hash(code: str) -> str:
    """What the database keeps of a code: its HMAC-SHA256 keyed with SECRET_KEY."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def expires_at(contribution: Contribution) -> datetime:
    """When a receipt stops working: the guests' retention period after the testimony."""
    days = current_app.config["GUEST_CONTACT_RETENTION_DAYS"]
    return contribution.created_at + timedelta(days=days)


def opens(contribution: Contribution, code: str) -> bool:
    """Whether this code is the testimony's receipt: false when the form was sent again and
    the testimony saved the first time came back, with the code shown then."""
    stored = contribution.receipt_hash or ""
    return hmac.compare_digest(stored, code_hash(code))


# How long after a guest testimony its form, sent again, may get a new code.
REISSUE_MINUTES = 10


def _while_it_waits(contribution: Contribution, *conditions) -> sa.Update:
    """An update of the testimony, only while it waits for the moderators (a conditional
    update: a decision or a withdrawal that commits first wins)."""
    return (
        sa.update(Contribution)
        .where(
            Contribution.id == contribution.id,
            Contribution.state == ContributionState.PENDING,
            Contribution.withdrawn_at.is_(None),
            *conditions,
        )
        .execution_options(synchronize_session=False)
    )


@retry_when_busy
def reissue(contribution: Contribution, code: str) -> bool:
    """The same form sent again while its testimony waits (a second tap, an answer lost on
    the way): the new code replaces the first, which nobody may have seen, within
    ``REISSUE_MINUTES`` of the first sending. True when it did; once decided, withdrawn or
    later, the first code stays the only one."""
    since = utcnow() - timedelta(minutes=REISSUE_MINUTES)
    updated = db.session.execute(
        _while_it_waits(
            contribution, Contribution.receipt_hash.is_not(None), Contribution.created_at >= since
        ).values(receipt_hash=code_hash(code))
    )
    db.session.commit()
    return updated.rowcount == 1


def find(typed: str | None, now: datetime | None = None) -> Contribution | None:
    """The guest testimony a code opens, or None: unknown, malformed and lapsed codes alike."""
    code = normalise(typed)
    if code is None:
        return None
    contribution = db.session.scalar(
        sa.select(Contribution).where(Contribution.receipt_hash == code_hash(code))
    )
    if contribution is None or (now or utcnow()) >= expires_at(contribution):
        return None
    return contribution


def _checked_body(body: str) -> str:
    """The same rules as a new testimony: not empty, not longer than allowed."""
    body = (body or "").replace("\r\n", "\n").strip()
    limit = current_app.config["TESTIMONY_MAX_LENGTH"]
    if not body:
        raise ServiceError(_("Écrivez votre témoignage."), field="body")
    if len(body) > limit:
        raise ServiceError(too_long_message(len(body), limit), field="body")
    return body


@retry_when_busy
def correct(contribution: Contribution, body: str, seen_version: int) -> None:
    """The guest corrects their testimony while it waits; once decided, it stays as it is.
    Compare-and-set on the state and version, as moderators' decisions are."""
    if not policy.can_correct_by_receipt(contribution):
        raise ServiceError(_("Votre témoignage a déjà été relu : il ne peut plus être corrigé."))
    updated = db.session.execute(
        _while_it_waits(contribution, Contribution.version == seen_version).values(
            body=_checked_body(body), edited_at=utcnow(), version=Contribution.version + 1
        )
    )
    if updated.rowcount != 1:
        db.session.rollback()  # the row is read again below
        if policy.can_correct_by_receipt(contribution):  # still waiting: changed meanwhile
            raise ServiceError(
                _(
                    "Votre témoignage a été modifié entre-temps (dans une autre fenêtre ?). "
                    "Relisez votre texte, puis envoyez de nouveau la correction."
                ),
                field="body",
            )
        raise ServiceError(_("Votre témoignage vient d’être relu : il ne peut plus être corrigé."))
    # No actor: a guest has no account, and the code must not be written anywhere.
    audit.record(None, AuditAction.GUEST_TESTIMONY_CORRECTED, "contribution", contribution.id)
    db.session.commit()
    db.session.refresh(contribution)


@retry_when_busy
def withdraw(contribution: Contribution) -> None:
    """The guest takes their testimony back, as an author withdraws a contribution."""
    if not policy.can_withdraw_by_receipt(contribution):
        raise ServiceError(_("Ce témoignage est déjà retiré."))
    mark_withdrawn(contribution)  # as its author would: the voice and sheet photo go too
    audit.record(None, AuditAction.GUEST_TESTIMONY_WITHDRAWN, "contribution", contribution.id)
    db.session.commit()


def forget_lapsed(now: datetime) -> int:
    """Clear the receipts older than the retention period (the privacy purge's part; the
    caller commits). Returns how many were cleared."""
    limit = now - timedelta(days=current_app.config["GUEST_CONTACT_RETENTION_DAYS"])
    old = sa.and_(Contribution.receipt_hash.is_not(None), Contribution.created_at < limit)
    # Looked for first: an UPDATE of contributions, even of no row, renews the content version.
    if not db.session.scalar(sa.select(sa.exists().where(old))):
        return 0
    return db.session.execute(sa.update(Contribution).where(old).values(receipt_hash=None)).rowcount
