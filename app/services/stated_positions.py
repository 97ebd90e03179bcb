"""Stated positions: what an institution said elsewhere (at the assises, in a meeting), as
an association of the network reports it; never an official response (reads:
``queries.proposals.stated_positions``, ``queries.directory.stated_by``).

Writes check the policy again and commit once, at their end.
"""

from datetime import date

from flask_babel import gettext as _

from app import policy
from app.extensions import db
from app.models import Organisation, Proposal, StatedPosition, User, paris_today
from app.queries.network_events import FIRST_YEAR
from app.services import PermissionDenied, ServiceError, retry_when_busy
from app.text import too_long_message

FIRST_DAY = date(FIRST_YEAR, 1, 1)  # the message below says it


def stated_on_problem(day: date) -> str | None:
    """Why a day cannot be the day a position was stated, or None."""
    if not FIRST_DAY <= day <= paris_today():
        return _("Indiquez une date entre le 1er janvier 1990 et aujourd’hui.")
    return None


def _check(
    actor: User,
    example: bool,
    institution: Organisation | None,
    words: str,
    source: str,
    stated_on: date | None,
    reported_by: Organisation | None,
) -> None:
    """The rules the form checks, again: the form may be bypassed. ``example``: the
    proposal's; a real one's words come from real organisations, never invented ones."""
    invented = institution is not None and institution.example and not example
    if institution is None or not institution.is_institution or invented:
        raise ServiceError(_("Choisissez une institution de la liste."), field="institution_id")
    if not words:
        raise ServiceError(_("Écrivez ce que l’institution a dit."), field="words")
    if len(words) > StatedPosition.WORDS_MAX:
        raise ServiceError(too_long_message(len(words), StatedPosition.WORDS_MAX), field="words")
    if not source:
        raise ServiceError(_("Indiquez où c’est rapporté."), field="source")
    if len(source) > StatedPosition.SOURCE_MAX:
        raise ServiceError(too_long_message(len(source), StatedPosition.SOURCE_MAX), field="source")
    if stated_on is not None and (problem := stated_on_problem(stated_on)):
        raise ServiceError(problem, field="stated_on")
    if not policy.can_report_for(actor, reported_by) or (reported_by.example and not example):
        message = _("Choisissez une association dont vous êtes membre.")
        raise ServiceError(message, field="reported_by_id")


@retry_when_busy
def record_stated_position(
    actor: User,
    proposal: Proposal,
    *,
    institution: Organisation | None,
    words: str,
    source: str,
    stated_on: date | None,
    reported_by: Organisation | None,
) -> StatedPosition:
    """Record what an institution said of a proposal, as an association reports it: shown
    quoted beside the official responses, never one of them."""
    if not policy.can_report_position(actor):
        raise PermissionDenied
    words, source = (words or "").strip(), (source or "").strip()
    _check(actor, proposal.example, institution, words, source, stated_on, reported_by)
    stated = StatedPosition(
        proposal=proposal,
        institution=institution,
        words=words,
        source=source,
        stated_on=stated_on,
        reported_by=reported_by,
    )
    db.session.add(stated)
    db.session.commit()
    return stated


@retry_when_busy
def remove_stated_position(actor: User, stated: StatedPosition) -> None:
    """Remove a report recorded by mistake."""
    if not policy.can_remove_stated_position(actor, stated):
        raise PermissionDenied
    db.session.delete(stated)
    db.session.commit()
