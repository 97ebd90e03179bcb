"""Proposals: filing, editing and moving them along their life cycle."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app import policy
from app.extensions import db
from app.models import (
    AddressedInstitution,
    Event,
    Follow,
    NotificationKind,
    Organisation,
    Proposal,
    ProposalStatus,
    StatusChange,
    Theme,
    User,
    utcnow,
)
from app.services import PermissionDenied, ServiceError, outreach, retry_when_busy
from app.services.events import notify_followers


class KEEP:
    """An argument left as it is (e.g. a proposal's event, which only coordinators choose)."""


def _addressees(filer: Organisation | None, ids: list[int]) -> list[Organisation]:
    """The organisations a proposal goes to: institutions; and, when an institution files
    it, associations and service providers too (the source's "inversion de logique")."""
    if not ids:
        return []
    rows = db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(ids))).all()
    if len(rows) != len(set(ids)):
        raise ServiceError(
            _("Une des institutions choisies n’existe pas."), field="institution_ids"
        )
    to_associations = filer is not None and filer.is_institution
    if not to_associations and any(not org.is_institution for org in rows):
        raise ServiceError(
            _("Seule une institution peut adresser une proposition à une association."),
            field="institution_ids",
        )
    return list(rows)


def _set_addressed(proposal: Proposal, institution_ids: list[int]) -> None:
    """Keep the stated positions of institutions that stay addressed."""
    wanted = {org.id: org for org in _addressees(proposal.organisation, institution_ids)}
    proposal.addressed = [a for a in proposal.addressed if a.institution_id in wanted]
    present = {a.institution_id for a in proposal.addressed}
    added = [AddressedInstitution(institution=o) for i, o in wanted.items() if i not in present]
    proposal.addressed.extend(added)
    if proposal.status not in (ProposalStatus.SUBMITTED, ProposalStatus.IN_DISCUSSION):
        # Already with the institutions: the newcomers' clock starts now, and they are told.
        outreach.tell_addressed(proposal, mark_sent(added))


@retry_when_busy
def create_proposal(
    author: User,
    *,
    title: str,
    body: str,
    theme: Theme,
    organisation: Organisation | None,
    institution_ids: list[int],
    easy_read: str = "",
    event: Event | None = None,
) -> Proposal:
    """File a new proposal in the name of an association (from an event, or none); it starts
    as submitted."""
    proposal = file_proposal(
        author,
        title=title,
        body=body,
        theme=theme,
        organisation=organisation,
        institution_ids=institution_ids,
        easy_read=easy_read,
        event=event,
    )
    db.session.commit()
    return proposal


def file_proposal(
    author: User,
    *,
    title: str,
    body: str,
    theme: Theme,
    organisation: Organisation | None,
    institution_ids: list[int],
    easy_read: str = "",
    event: Event | None = None,
) -> Proposal:
    """The filing itself, in the caller's transaction (a suggestion taken up is filed
    so): the rules, the proposal, its first timeline entry, its author following it."""
    if not policy.can_create_proposal(author):
        raise PermissionDenied
    if not policy.can_act_for_organisation(author, organisation):
        raise PermissionDenied
    _check_event(author, event)
    proposal = Proposal(
        title=title.strip(),
        body=body.strip(),
        easy_read=easy_read.strip(),
        theme=theme,
        author=author,
        organisation=organisation,
        event=event,
        status=ProposalStatus.SUBMITTED,
    )
    _set_addressed(proposal, institution_ids)
    proposal.status_changes.append(
        StatusChange(actor=author, from_status=None, to_status=ProposalStatus.SUBMITTED)
    )
    db.session.add(proposal)
    db.session.add(Follow(user=author, proposal=proposal))  # authors follow their proposals
    return proposal


@retry_when_busy
def update_proposal(
    editor: User,
    proposal: Proposal,
    *,
    title: str,
    body: str,
    theme: Theme,
    institution_ids: list[int],
    easy_read: str = "",
    event: Event | type[KEEP] | None = KEEP,
) -> Proposal:
    """Change a proposal's text, easy-read summary, workshop, addressed institutions and,
    when given, the event it comes from."""
    if not policy.can_edit_proposal(editor, proposal):
        raise PermissionDenied
    proposal.title = title.strip()
    proposal.body = body.strip()
    proposal.easy_read = easy_read.strip()
    proposal.theme = theme
    if event is not KEEP and event != proposal.event:
        _check_event(editor, event)
        proposal.event = event
    _set_addressed(proposal, institution_ids)
    db.session.commit()
    return proposal


def _check_event(user: User, event: Event | None) -> None:
    """Which event a proposal comes from is the coordinators' record (never an example)."""
    if event is not None and not policy.can_file_under_event(user, event):
        raise PermissionDenied


@retry_when_busy
def change_status(
    actor: User, proposal: Proposal, new_status: ProposalStatus, reason: str
) -> StatusChange:
    """Move a proposal to another status, with a reason, on its public timeline."""
    if not policy.can_change_status(actor, proposal):
        raise PermissionDenied
    change = apply_status_change(actor, proposal, new_status, reason)
    db.session.commit()
    return change


def apply_status_change(
    actor: User | None, proposal: Proposal, new_status: ProposalStatus, reason: str
) -> StatusChange:
    """The status change itself, in the caller's transaction: timeline, response due dates
    when it goes to the institutions, followers told."""
    if new_status == proposal.status:
        raise ServiceError(_("La proposition a déjà ce statut."))
    if not (reason or "").strip():
        raise ServiceError(_("Indiquez la raison du changement."))
    change = StatusChange(
        proposal=proposal,
        actor=actor,
        from_status=proposal.status,
        to_status=new_status,
        reason=reason.strip(),
    )
    db.session.add(change)
    newly_sent = mark_sent(proposal.addressed) if new_status is ProposalStatus.SENT else []
    proposal.status = new_status
    outreach.tell_addressed(proposal, newly_sent)
    notify_followers(
        proposal,
        NotificationKind.STATUS_CHANGE,
        actor,
        **{"from": change.from_status.value, "to": new_status.value, "reason": change.reason},
    )
    return change


def mark_sent(addressed: list[AddressedInstitution], when=None) -> list[AddressedInstitution]:
    """The institutions have it from now: their answer is due after the set delay. Returns
    those newly sent (not those that had it already)."""
    when = when or utcnow()
    days = current_app.config["RESPONSE_DUE_DAYS"]
    newly = [item for item in addressed if item.sent_at is None]
    for item in newly:
        item.sent_at = when
        item.response_due_on = (when + timedelta(days=days)).date()
    return newly


@retry_when_busy
def follow(user: User, *, proposal: Proposal | None = None, theme: Theme | None = None) -> None:
    """Follow a proposal or a workshop (following twice changes nothing)."""
    if not policy.can_follow(user):
        raise PermissionDenied
    if not is_following(user, proposal=proposal, theme=theme):
        db.session.add(Follow(user=user, proposal=proposal, theme=theme))
        db.session.commit()


@retry_when_busy
def unfollow(user: User, *, proposal: Proposal | None = None, theme: Theme | None = None) -> None:
    """Stop following a proposal or a workshop."""
    db.session.execute(sa.delete(Follow).where(_follows(user, proposal, theme)))
    db.session.commit()


def is_following(user: User, *, proposal: Proposal | None = None, theme: Theme | None = None):
    if not policy.can_follow(user):
        return False
    query = sa.select(Follow.id).where(_follows(user, proposal, theme))
    return db.session.scalar(query) is not None


def _follows(user: User, proposal: Proposal | None, theme: Theme | None):
    target = Follow.proposal_id == proposal.id if proposal else Follow.theme_id == theme.id
    return sa.and_(Follow.user_id == user.id, target)
