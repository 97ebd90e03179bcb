"""Requests to join an organisation: a person asks (with a message), withdraws, and the
organisation's members or an admin accept or refuse with a reason the person reads.

Each public function is one transaction, committed here. Two members deciding at once:
the decision is a conditional update on the waiting state, so one wins and the other is
told the request was already decided.
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from app import policy, queries
from app.extensions import db
from app.models import (
    AuditAction,
    MembershipRequest,
    NotificationKind,
    Organisation,
    RequestState,
    Role,
    User,
    utcnow,
)
from app.services import PermissionDenied, ServiceError, audit, retry_when_busy
from app.services.notifications import notify
from app.text import too_long_message

MESSAGE_MAX = MembershipRequest.MESSAGE_MAX
REASON_MAX = MembershipRequest.REASON_MAX


def clean(text: str | None) -> str:
    """Stored texts use LF line breaks, without surrounding spaces."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def join_problem(user: User, organisation: Organisation, waiting: bool) -> str | None:
    """Why this person cannot ask to join this organisation now (``waiting``: a request of
    theirs waits already), or None."""
    if organisation.id in user.organisation_ids():
        return _("Vous êtes déjà membre de %(name)s.", name=organisation.name)
    if waiting:
        return _(
            "Votre demande pour rejoindre %(name)s attend déjà une réponse.", name=organisation.name
        )
    if not policy.role_fits(user, organisation):
        if organisation.is_institution:
            return _(
                "Votre compte agit pour une association : pour représenter une institution, "
                "demandez un compte distinct à l’équipe du réseau."
            )
        return _(
            "Votre compte représente une institution : pour agir au nom d’une association, "
            "demandez un compte distinct à l’équipe du réseau."
        )
    if not user.email_confirmed:
        return _("Confirmez d’abord votre adresse e-mail : vous pourrez ensuite demander.")
    return None


@retry_when_busy
def request_membership(user: User, organisation: Organisation, message: str) -> MembershipRequest:
    """Ask to join an organisation; its members who act for it (or, if none may, the
    admins) are notified."""
    if not policy.can_ask_to_join(user, organisation):
        raise PermissionDenied
    message = clean(message)
    if len(message) > MESSAGE_MAX:
        raise ServiceError(too_long_message(len(message), MESSAGE_MAX), field="message")
    _hold(user)
    problem = join_problem(
        user, organisation, queries.memberships.pending_request(user, organisation) is not None
    )
    if problem:
        db.session.rollback()
        raise ServiceError(problem, field="message")
    request = MembershipRequest(user=user, organisation=organisation, message=message)
    db.session.add(request)
    db.session.flush()
    if queries.memberships.pending_count_of(user, organisation) > 1:  # sent twice at once
        db.session.rollback()
        raise ServiceError(join_problem(user, organisation, waiting=True), field="message")
    for decider in _deciders(organisation):
        notify(
            decider,
            NotificationKind.MEMBERSHIP_REQUEST,
            request_id=request.id,
            organisation_slug=organisation.slug,
            organisation_name=organisation.name,
            pseudonym=user.pseudonym,
        )
    db.session.commit()
    return request


def _hold(user: User) -> None:
    """Take the person's row until the commit, so that of two requests sent at once the
    second sees the first (PostgreSQL). SQLite takes no row lock: there the second waits for
    the first's commit at its own insert, then counts two and gives up."""
    db.session.execute(sa.select(User.id).where(User.id == user.id).with_for_update())


def _deciders(organisation: Organisation) -> list[User]:
    """Who hears of a new request: its members who may decide, else the admins."""
    members = [
        member
        for member in queries.memberships.members_of(organisation)
        if policy.can_decide_memberships(member, organisation) and not policy.is_admin(member)
    ]
    return members or queries.memberships.admins()


@retry_when_busy
def withdraw_membership_request(user: User, organisation: Organisation) -> None:
    """The person takes back their waiting request."""
    withdrawn = db.session.execute(
        sa.update(MembershipRequest)
        .where(
            MembershipRequest.user_id == user.id,
            MembershipRequest.organisation_id == organisation.id,
            MembershipRequest.state == RequestState.PENDING,
        )
        .values(state=RequestState.WITHDRAWN, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if withdrawn.rowcount == 0:
        db.session.rollback()
        raise ServiceError(
            _("Aucune demande n’attend de réponse : elle a peut-être déjà été traitée.")
        )
    db.session.commit()


@retry_when_busy
def decide_membership(actor: User, request: MembershipRequest, accept: bool, reason: str) -> None:
    """Accept (the person joins, a participant gets the organisation's role; no role is
    ever lowered) or refuse with a reason; audited, and the person is told with the reason."""
    organisation, person = request.organisation, request.user
    if not policy.can_decide_memberships(actor, organisation):
        raise PermissionDenied
    reason = clean(reason)
    _check_reason(accept, reason)
    state = RequestState.ACCEPTED if accept else RequestState.REFUSED
    _claim(actor, request, state, reason)
    # Two acceptances at once (an association's and an institution's): the second waits for
    # the first here (PostgreSQL; SQLite made it wait at the claim), then reads the role the
    # first gave, which no longer fits.
    _hold(person)
    db.session.refresh(person)
    if accept:
        _check_account(person, organisation)
    role_before = person.role
    if accept:
        _admit(person, organisation)
    audit.record(
        actor,
        AuditAction.MEMBERSHIP_REQUEST_DECIDED,
        "membership_request",
        request.id,
        organisation_id=organisation.id,
        user_id=person.id,
        decision=state.value,
        role_before=role_before.value,
        role_after=person.role.value,
    )
    notify(
        person,
        NotificationKind.MEMBERSHIP_DECISION,
        organisation_slug=organisation.slug,
        organisation_name=organisation.name,
        decision=state.value,
        reason=reason,
    )
    db.session.commit()


def _check_reason(accept: bool, reason: str) -> None:
    """A refusal says why, in a reason of a readable length."""
    if not accept and not reason:
        raise ServiceError(
            _("Expliquez pourquoi vous refusez : la personne lira cette raison."), field="reason"
        )
    if len(reason) > REASON_MAX:
        raise ServiceError(too_long_message(len(reason), REASON_MAX), field="reason")


def _check_account(person: User, organisation: Organisation) -> None:
    """An acceptance needs an account that may act for the organisation (as it is now: the
    claim is undone otherwise)."""
    problem = None
    if person.is_deleted or not person.active:
        problem = _("Ce compte est supprimé ou bloqué : refusez la demande.")
    elif not policy.role_fits(person, organisation):
        problem = _(
            "Le rôle de ce compte ne lui permet pas d’agir pour cette organisation : refusez "
            "la demande en expliquant pourquoi, ou voyez avec l’équipe du réseau."
        )
    if problem:
        db.session.rollback()
        raise ServiceError(problem, field="reason")


def _claim(actor: User, request: MembershipRequest, state: RequestState, reason: str) -> None:
    """Decide only a request still waiting: of two decisions at once, one is kept."""
    decided = db.session.execute(
        sa.update(MembershipRequest)
        .where(MembershipRequest.id == request.id, MembershipRequest.state == RequestState.PENDING)
        .values(state=state, decided_at=utcnow(), decided_by_id=actor.id, reason=reason)
        .execution_options(synchronize_session=False)
    )
    if decided.rowcount != 1:
        db.session.rollback()
        raise ServiceError(_("Cette demande a déjà été traitée."))


def _admit(person: User, organisation: Organisation) -> None:
    if organisation.id not in person.organisation_ids():
        person.organisations.append(organisation)
    if person.role is Role.PARTICIPANT:
        person.role = policy.role_on_joining(organisation)
