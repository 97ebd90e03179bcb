"""Meeting minutes: the secretary's draft, amendments proposed by participants and accepted
or declined with a reason, corrections, validation; every version kept, with its diff.

Writers on the same minutes go one at a time: each write first takes the minutes' row
(``_lock_open``), so two acceptances cannot both build on the same version and nothing is
added to minutes that were validated meanwhile.
"""

import difflib
import re
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from app import policy
from app.extensions import db
from app.models import (
    AmendmentState,
    Meeting,
    Minutes,
    MinutesAmendment,
    MinutesState,
    MinutesVersion,
    NotificationKind,
    User,
    paris_today,
    utcnow,
)
from app.queries.minutes import amendment_number, minutes_for, pending_count
from app.services import PermissionDenied, ServiceError, retry_when_busy
from app.services.notifications import notify, snapshot_text


class MinutesChanged(ServiceError):
    """The minutes got a new version while the secretary was writing from an older one."""

    def __init__(self, message: str, current: MinutesVersion):
        super().__init__(message)
        self.current = current


def current_version(minutes: Minutes) -> MinutesVersion:
    return minutes.versions[-1]


def clean(text: str) -> str:
    """Browsers send CRLF; stored texts use LF, so diffs and passage searches agree."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def apply_amendment(body: str, amendment: MinutesAmendment) -> tuple[str, int]:
    """The text with the amendment's passage replaced by its wording (first occurrence), and
    how many times the passage was found verbatim (0: the text is returned unchanged)."""
    passage = clean(amendment.passage)
    found = body.count(passage) if passage else 0
    if not found:
        return body, 0
    return body.replace(passage, clean(amendment.proposed_text), 1), found


TOKENS = re.compile(r"\s+|[^\s]+")


def diff(old: str, new: str) -> list[tuple[str, str]]:
    """What changed from one text to the other: ("equal"|"delete"|"insert", text) pieces,
    by line, then by word within the changed lines."""
    pieces: list[tuple[str, str]] = []
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        before, after = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if op == "replace":
            pieces.extend(_word_diff(before, after))
        elif op == "equal":
            pieces.append(("equal", before))
        elif op == "delete":
            pieces.append(("delete", before))
        else:
            pieces.append(("insert", after))
    return _merge(pieces)


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
    old_words, new_words = TOKENS.findall(old), TOKENS.findall(new)
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    pieces = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("equal", "delete", "replace") and i2 > i1:
            pieces.append(("equal" if op == "equal" else "delete", "".join(old_words[i1:i2])))
        if op in ("insert", "replace") and j2 > j1:
            pieces.append(("insert", "".join(new_words[j1:j2])))
    return pieces


def _merge(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    merged: list[tuple[str, str]] = []
    for op, text in pieces:
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        elif text:
            merged.append((op, text))
    return merged


# Use cases


@retry_when_busy
def publish_minutes(
    secretary: User, meeting: Meeting, body: str, amendments_until: date
) -> Minutes:
    """The first draft, open for amendments until a date (today or later)."""
    if not policy.can_publish_minutes(secretary, meeting, minutes_for(meeting)):
        raise PermissionDenied
    body = _required(body)
    if amendments_until < paris_today():
        raise ServiceError(_("La date doit être aujourd’hui ou plus tard."))
    minutes = Minutes(meeting=meeting, state=MinutesState.OPEN, amendments_until=amendments_until)
    minutes.versions.append(
        MinutesVersion(number=1, body=body, author=secretary, note=_("Projet publié"))
    )
    db.session.add(minutes)
    try:
        db.session.commit()
    except IntegrityError:  # someone else published them a moment ago
        db.session.rollback()
        raise ServiceError(_("Le compte rendu de cette réunion vient d’être publié.")) from None
    return minutes


@retry_when_busy
def propose_amendment(
    author: User, minutes: Minutes, passage: str, proposed_text: str, reason: str
) -> MinutesAmendment:
    """A participant proposes new wording for a passage of the current version, and why."""
    if not policy.can_amend_minutes(author, minutes):
        raise PermissionDenied
    passage, proposed_text, reason = clean(passage), clean(proposed_text), clean(reason)
    if not (passage and proposed_text and reason):
        raise ServiceError(_("Indiquez le passage, la formulation proposée et la raison."))
    _lock_open(minutes)
    amendment = MinutesAmendment(
        minutes=minutes,
        author=author,
        version_number=_latest(minutes).number,
        passage=passage,
        proposed_text=proposed_text,
        reason=reason,
    )
    db.session.add(amendment)
    db.session.commit()
    return amendment


@retry_when_busy
def accept_amendment(
    secretary: User, amendment: MinutesAmendment, body: str, based_on: int, reason: str = ""
) -> MinutesVersion:
    """Accept: the secretary's new full text becomes the next version; the author is told."""
    if not policy.can_decide_amendment(secretary, amendment):
        raise PermissionDenied
    minutes = amendment.minutes
    body = _required(body)
    _lock_open(minutes)
    _still_pending(amendment)
    current = _unchanged_since(minutes, based_on, body)
    number = amendment_number(amendment)
    author = amendment.author
    note = (
        _("Amendement n° %(n)d de %(name)s accepté", n=number, name=author.public_name)
        if author
        else _("Amendement n° %(n)d accepté", n=number)
    )
    version = MinutesVersion(
        minutes=minutes,
        number=current.number + 1,
        body=body,
        author=secretary,
        amendment_id=amendment.id,
        note=note[:300],
    )
    db.session.add(version)
    _decide(secretary, amendment, AmendmentState.ACCEPTED, reason)
    db.session.commit()
    return version


@retry_when_busy
def decline_amendment(secretary: User, amendment: MinutesAmendment, reason: str) -> None:
    """Decline, with a reason the author is told."""
    if not policy.can_decide_amendment(secretary, amendment):
        raise PermissionDenied
    if not clean(reason):
        raise ServiceError(_("Expliquez pourquoi l’amendement est refusé."))
    _lock_open(amendment.minutes)
    _still_pending(amendment)
    _decide(secretary, amendment, AmendmentState.DECLINED, reason)
    db.session.commit()


@retry_when_busy
def publish_correction(
    secretary: User, minutes: Minutes, body: str, note: str, based_on: int
) -> MinutesVersion:
    """The secretary corrects the draft directly: a new version, with a note saying what."""
    if not policy.can_edit_minutes(secretary, minutes):
        raise PermissionDenied
    body, note = _required(body), clean(note)
    if not note:
        raise ServiceError(_("Dites en quelques mots ce que vous corrigez."))
    _lock_open(minutes)
    current = _unchanged_since(minutes, based_on, body)
    version = MinutesVersion(
        minutes=minutes, number=current.number + 1, body=body, author=secretary, note=note[:300]
    )
    db.session.add(version)
    db.session.commit()
    return version


@retry_when_busy
def validate_minutes(secretary: User, minutes: Minutes) -> None:
    """Validate the minutes once no amendment waits for a decision; they are final after."""
    if not policy.can_validate_minutes(secretary, minutes):
        raise PermissionDenied
    _lock_open(minutes)
    pending = pending_count(minutes)
    if pending:
        db.session.rollback()
        raise ServiceError(
            ngettext(
                "Un amendement attend encore votre décision : acceptez-le ou refusez-le "
                "avant de valider.",
                "%(num)d amendements attendent encore votre décision : acceptez-les ou "
                "refusez-les avant de valider.",
                pending,
            )
        )
    minutes.state = MinutesState.VALIDATED
    minutes.validated_at = utcnow()
    minutes.validated_by_id = secretary.id
    db.session.commit()


# Helpers


def _required(body: str) -> str:
    body = clean(body)
    if not body:
        raise ServiceError(_("Écrivez le texte du compte rendu."))
    return body


def _lock_open(minutes: Minutes) -> None:
    """Take the minutes' row until the commit (PostgreSQL; SQLite has one writer anyway)
    and check they are still open."""
    locked = db.session.execute(
        sa.update(Minutes)
        .where(Minutes.id == minutes.id, Minutes.state == MinutesState.OPEN)
        .values(state=Minutes.state)
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount != 1:
        db.session.rollback()
        raise ServiceError(_("Ce compte rendu est validé : il ne change plus."))


def _latest(minutes: Minutes) -> MinutesVersion:
    """The newest version as stored now (not as loaded earlier in the request)."""
    return db.session.scalar(
        sa.select(MinutesVersion)
        .where(MinutesVersion.minutes_id == minutes.id)
        .order_by(MinutesVersion.number.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )


def _still_pending(amendment: MinutesAmendment) -> None:
    db.session.refresh(amendment)
    if amendment.state is not AmendmentState.PENDING:
        db.session.rollback()
        raise ServiceError(_("Cet amendement a déjà été traité."))


def _unchanged_since(minutes: Minutes, based_on: int | None, body: str) -> MinutesVersion:
    """The current version, if the secretary wrote from it and changed something."""
    current = _latest(minutes)
    if current.number != based_on:
        db.session.rollback()
        raise MinutesChanged(
            _(
                "Le compte rendu a changé pendant que vous écriviez : il en est à la "
                "version %(n)d. Le formulaire reprend ce texte ; vérifiez-le, refaites "
                "votre modification si elle manque, puis envoyez de nouveau.",
                n=current.number,
            ),
            current,
        )
    if body == current.body:
        db.session.rollback()
        raise ServiceError(_("Le texte est identique à la version actuelle : modifiez-le."))
    return current


def _decide(secretary: User, amendment: MinutesAmendment, state: AmendmentState, reason: str):
    amendment.state = state
    amendment.decision_reason = clean(reason)
    amendment.decided_by = secretary
    amendment.decided_at = utcnow()
    if amendment.author_id == secretary.id:
        return  # nobody to tell
    meeting = amendment.minutes.meeting
    notify(
        amendment.author,
        NotificationKind.AMENDMENT_DECISION,
        meeting_id=meeting.id,
        meeting_title=snapshot_text(meeting, "title", amendment.author),
        decision=state.value,
        reason=amendment.decision_reason,
    )
