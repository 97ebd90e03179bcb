""" "Ça me concerne": people with an account who say a proposal concerns them (marks), and
the people an association met who are concerned (tallies).

``Proposal.concerned_count`` is kept equal to marks + the people of every tally, recounted
in the transaction that changes either, after the proposal's row is locked: two people
marking at the same moment each recount after the other's commit, never from the same
snapshot. The recount leaves ``updated_at`` as it was (a count is not an edit of the
proposal) and, being a bulk UPDATE, does not rebuild the proposal's search documents; it
does give the page cache a new content version, as any new testimony does.

Every mark is anonymous: what concerns a person (a home, their health, their papers) is
never listed on a public page, even under a pseudonym; only the number is shown. Marking
does not follow the proposal: following sends e-mails, which the person asks for with its
own button, beside this one.

Writes check the policy again and commit once, at their end.
"""

from datetime import date

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app import policy
from app.calendar import to_paris
from app.extensions import db
from app.models import (
    AuditAction,
    ConcernMark,
    ConcernTally,
    Organisation,
    Place,
    Proposal,
    User,
    paris_today,
)
from app.services import PermissionDenied, ServiceError, audit, retry_when_busy
from app.text import too_long_message

PEOPLE_MAX = 10_000


def _lock(*proposal_ids: int) -> None:
    """Hold the proposals' rows until the commit (PostgreSQL; SQLite has one writer), in id
    order so that two writers never wait for each other."""
    db.session.execute(
        sa.select(Proposal.id)
        .where(Proposal.id.in_(proposal_ids))
        .order_by(Proposal.id)
        .with_for_update()
    )


def recount(proposal_ids) -> None:
    """Set each proposal's count to its marks plus its tallies' people (one statement)."""
    marks = (
        sa.select(sa.func.count())
        .select_from(ConcernMark)
        .where(ConcernMark.proposal_id == Proposal.id)
        .scalar_subquery()
    )
    people = (
        sa.select(sa.func.coalesce(sa.func.sum(ConcernTally.people), 0))
        .where(ConcernTally.proposal_id == Proposal.id)
        .scalar_subquery()
    )
    db.session.execute(
        sa.update(Proposal)
        .where(Proposal.id.in_(list(proposal_ids)))
        .values(concerned_count=marks + people, updated_at=Proposal.updated_at)
        .execution_options(synchronize_session=False)
    )


def has_marked(user, proposal: Proposal) -> bool:
    """Whether this person said the proposal concerns them (no query when nobody did)."""
    if not policy.can_mark_concern(user) or not proposal.concerned_count:
        return False
    return _marked(user.id, proposal.id)


def _marked(user_id: int, proposal_id: int) -> bool:
    query = sa.select(ConcernMark.id).filter_by(proposal_id=proposal_id, user_id=user_id)
    return db.session.scalar(query) is not None


@retry_when_busy
def mark(user: User, proposal: Proposal) -> None:
    """The person says the proposal concerns them: counted once, never listed."""
    if not policy.can_mark_concern(user):
        raise PermissionDenied
    proposal_id, user_id = proposal.id, user.id
    _lock(proposal_id)
    if _marked(user_id, proposal_id):
        db.session.rollback()
        return
    db.session.add(ConcernMark(proposal_id=proposal_id, user_id=user_id, anonymous=True))
    try:
        db.session.flush()
    except IntegrityError:  # the same button sent twice at once: the other one counted it
        db.session.rollback()
        return
    recount([proposal_id])
    db.session.commit()


@retry_when_busy
def unmark(user: User, proposal: Proposal) -> None:
    """The proposal no longer concerns the person: their mark goes, the count follows."""
    if not policy.can_mark_concern(user):
        raise PermissionDenied
    proposal_id = proposal.id
    _lock(proposal_id)
    db.session.execute(
        sa.delete(ConcernMark).where(
            ConcernMark.proposal_id == proposal_id, ConcernMark.user_id == user.id
        )
    )
    recount([proposal_id])
    db.session.commit()


def forget_marks(user: User) -> None:
    """Delete a person's marks and recount (part of deleting their account; no commit)."""
    marked = list(db.session.scalars(sa.select(ConcernMark.proposal_id).filter_by(user_id=user.id)))
    if not marked:
        return
    _lock(*marked)
    db.session.execute(sa.delete(ConcernMark).where(ConcernMark.user_id == user.id))
    recount(marked)


def met_on_problem(day: date, proposal: Proposal, kept: date | None = None) -> str | None:
    """Why a day cannot be the day people were met about a proposal, or None: neither in
    the future nor before the proposal was published (a year typed wrong). ``kept``: a
    corrected tally's own date, kept as it was even if earlier (recorded before the rule)."""
    if day > paris_today():
        return _("La date de la rencontre ne peut pas être dans le futur.")
    published_on = to_paris(proposal.created_at).date()
    if day < published_on and day != kept:
        return _(
            "La date de la rencontre ne peut pas précéder la proposition (publiée le %(date)s).",
            date=format_date(published_on),
        )
    return None


def _check(
    actor: User,
    proposal: Proposal,
    organisation: Organisation | None,
    people,
    met_on,
    place: Place | None,
    note: str,
    tally: ConcernTally | None = None,
) -> None:
    """The rules the form checks, again: the form may be bypassed. A ``tally`` corrected
    may keep its place though it was archived since, and its date."""
    if organisation is None or not policy.can_record_tally_for(actor, organisation):
        raise ServiceError(
            _("Choisissez une association dont vous êtes membre."), field="organisation_id"
        )
    if not isinstance(people, int) or not 1 <= people <= PEOPLE_MAX:
        raise ServiceError(_("Indiquez un nombre de personnes entre 1 et 10 000."), field="people")
    if met_on is None:
        raise ServiceError(_("Indiquez la date de la rencontre."), field="met_on")
    if problem := met_on_problem(met_on, proposal, tally and tally.met_on):
        raise ServiceError(problem, field="met_on")
    archived = place is not None and place.archived_at and place.id != (tally and tally.place_id)
    if place is not None and (place.organisation_id != organisation.id or archived):
        raise ServiceError(_("Choisissez un lieu de votre association."), field="place_id")
    if len(note) > ConcernTally.NOTE_MAX:
        raise ServiceError(too_long_message(len(note), ConcernTally.NOTE_MAX), field="note")


@retry_when_busy
def record_tally(
    actor: User,
    proposal: Proposal,
    *,
    organisation: Organisation | None,
    people: int | None,
    met_on: date | None,
    place: Place | None,
    note: str,
) -> ConcernTally:
    """An association counts the people it met who are concerned by the proposal."""
    if not policy.can_record_tally(actor):
        raise PermissionDenied
    note = (note or "").strip()
    _check(actor, proposal, organisation, people, met_on, place, note)
    proposal_id = proposal.id
    _lock(proposal_id)
    tally = ConcernTally(
        proposal_id=proposal_id,
        organisation_id=organisation.id,
        people=people,
        met_on=met_on,
        place_id=place.id if place else None,
        note=note,
        recorded_by_id=actor.id,
    )
    db.session.add(tally)
    db.session.flush()
    audit.record(
        actor,
        AuditAction.CONCERN_TALLY_RECORDED,
        "concern_tally",
        tally.id,
        proposal_id=proposal_id,
        people=people,
    )
    recount([proposal_id])
    db.session.commit()
    return tally


@retry_when_busy
def change_tally(
    actor: User,
    tally: ConcernTally,
    *,
    people: int | None,
    met_on: date | None,
    place: Place | None,
    note: str,
) -> ConcernTally:
    """Correct a tally: its association's members only; audited."""
    if not policy.can_change_tally(actor, tally):
        raise PermissionDenied
    note = (note or "").strip()
    _check(actor, tally.proposal, tally.organisation, people, met_on, place, note, tally)
    _lock(tally.proposal_id)
    changed = {"people": [tally.people, people]} if tally.people != people else {}
    tally.people, tally.met_on, tally.note = people, met_on, note
    tally.place_id = place.id if place else None
    db.session.flush()
    audit.record(
        actor,
        AuditAction.CONCERN_TALLY_CHANGED,
        "concern_tally",
        tally.id,
        proposal_id=tally.proposal_id,
        **changed,
    )
    recount([tally.proposal_id])
    db.session.commit()
    return tally


@retry_when_busy
def delete_tally(actor: User, tally: ConcernTally) -> None:
    """Delete a tally recorded by mistake: its association's members only; audited."""
    if not policy.can_change_tally(actor, tally):
        raise PermissionDenied
    proposal_id, tally_id, people = tally.proposal_id, tally.id, tally.people
    _lock(proposal_id)
    db.session.delete(tally)
    db.session.flush()
    audit.record(
        actor,
        AuditAction.CONCERN_TALLY_DELETED,
        "concern_tally",
        tally_id,
        proposal_id=proposal_id,
        people=people,
    )
    recount([proposal_id])
    db.session.commit()
