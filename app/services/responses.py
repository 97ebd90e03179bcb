"""Official responses of institutions, their commitments, follow-up updates, and the
notice to associations when an answer is overdue."""

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app import policy
from app.extensions import db
from app.models import (
    AddressedInstitution,
    Commitment,
    CommitmentState,
    NotificationKind,
    OfficialResponse,
    Organisation,
    Position,
    ProgressUpdate,
    Proposal,
    ProposalStatus,
    ReceivedVia,
    ResponseVersion,
    User,
    positions_for,
    utcnow,
)
from app.queries.responses import current_response
from app.services import PermissionDenied, ServiceError, retry_when_busy
from app.services.events import notify_followers
from app.services.notifications import notify
from app.services.proposals import apply_status_change


@retry_when_busy
def publish_response(
    rep: User,
    proposal: Proposal,
    institution: Organisation,
    *,
    position: Position,
    body: str,
    competent_body: str = "",
) -> OfficialResponse:
    """Publish the institution's response, or edit it: the earlier version is kept."""
    if not policy.can_respond(rep, proposal, institution):
        raise PermissionDenied
    response = write_response(
        proposal,
        institution,
        author=rep,
        position=position,
        body=body,
        competent_body=competent_body,
    )
    db.session.commit()
    return response


def write_response(
    proposal: Proposal,
    institution: Organisation,
    *,
    author: User | None,
    position: Position,
    body: str,
    competent_body: str = "",
    received_via: ReceivedVia = ReceivedVia.SITE,
    received_at: date | None = None,
    recorded_by: Organisation | None = None,
) -> OfficialResponse:
    """Create or edit the institution's response in the caller's transaction (the caller
    checked who may): the earlier version kept, the first response moves the proposal on,
    followers told. ``author`` is None when it came through an answer link; a response
    recorded on the institution's behalf names the channel, the day and who typed it in."""
    if position not in positions_for(institution):
        raise ServiceError(_("Choisissez une position de la liste."), field="position")
    if position is Position.NOT_COMPETENT and not competent_body.strip():
        raise ServiceError(_("Indiquez qui est compétent."), field="competent_body")
    response = current_response(proposal, institution)
    if response is None:
        now = utcnow()  # one instant for both, or a new response would read as edited
        response = OfficialResponse(
            proposal=proposal, institution=institution, created_at=now, updated_at=now
        )
    else:
        _keep_version(response)
        response.updated_at = utcnow()
    response.author = author
    response.position = position
    response.body = body.strip()
    response.competent_body = competent_body.strip()
    response.received_via = received_via
    response.received_at = received_at
    response.recorded_by = recorded_by
    response.recorder = author if recorded_by is not None else None
    if response.id is None:
        db.session.add(response)
        _first_response_moves_proposal(author, proposal, institution)
    notify_followers(
        proposal,
        NotificationKind.NEW_RESPONSE,
        author,
        institution=institution.name,
        position=position.value,
    )
    return response


def _keep_version(response: OfficialResponse) -> None:
    db.session.add(
        ResponseVersion(
            response_id=response.id,
            author_id=response.author_id,
            position=response.position,
            competent_body=response.competent_body,
            body=response.body,
            written_at=response.updated_at,
        )
    )


def _first_response_moves_proposal(rep: User | None, proposal: Proposal, institution: Organisation):
    if proposal.status is ProposalStatus.SENT:
        reason = _("Réponse de %(name)s.", name=institution.name)
        apply_status_change(rep, proposal, ProposalStatus.ANSWERED, reason)


@retry_when_busy
def add_commitment(rep: User, response: OfficialResponse, action: str, due_on: date):
    """A dated commitment under the institution's response."""
    if not policy.can_respond(rep, response.proposal, response.institution):
        raise PermissionDenied
    commitment = Commitment(response=response, action=action.strip(), due_on=due_on)
    db.session.add(commitment)
    _progress(rep, response, commitment, _("Nouvel engagement : %(action)s", action=action))
    db.session.commit()
    return commitment


@retry_when_busy
def update_commitment(
    rep: User,
    commitment: Commitment,
    *,
    state: CommitmentState,
    due_on: date,
    note: str = "",
    drop_reason: str = "",
) -> Commitment:
    """Keep a commitment up to date; dropping it needs a reason. On the public timeline."""
    if not policy.can_manage_commitment(rep, commitment):
        raise PermissionDenied
    if state is CommitmentState.DROPPED and not drop_reason.strip():
        raise ServiceError(_("Indiquez pourquoi l’engagement est abandonné."))
    commitment.state = state
    commitment.due_on = due_on
    commitment.drop_reason = drop_reason.strip() if state is CommitmentState.DROPPED else ""
    text = note.strip() or commitment.drop_reason
    summary = _(
        "Engagement « %(action)s » : %(state)s.",
        action=commitment.action,
        state=_state_label(state),
    )
    _progress(rep, commitment.response, commitment, f"{summary}\n{text}".strip())
    db.session.commit()
    return commitment


def _state_label(state: CommitmentState) -> str:
    from app.labels import commitment_state_label

    return commitment_state_label(state)


def _progress(rep: User, response: OfficialResponse, commitment: Commitment, body: str) -> None:
    update = ProgressUpdate(
        proposal=response.proposal,
        author=rep,
        organisation=response.institution,
        body=body,
        commitment=commitment,
    )
    db.session.add(update)
    notify_followers(response.proposal, NotificationKind.PROGRESS_UPDATE, rep, excerpt=body[:200])


@retry_when_busy
def post_update(
    author: User,
    proposal: Proposal,
    body: str,
    organisation: Organisation | None = None,
    new_status: ProposalStatus | None = None,
) -> ProgressUpdate:
    """Follow-up news on a proposal, optionally with a status change (one timeline entry)."""
    if not policy.can_post_update(author, proposal):
        raise PermissionDenied
    if new_status is not None and not policy.can_change_status(author, proposal):
        raise PermissionDenied
    update = ProgressUpdate(
        proposal=proposal, author=author, organisation=organisation, body=body.strip()
    )
    if new_status is not None and new_status is not proposal.status:
        update.status_change = apply_status_change(author, proposal, new_status, body)
    else:
        notify_followers(
            proposal, NotificationKind.PROGRESS_UPDATE, author, excerpt=body.strip()[:200]
        )
    db.session.add(update)
    db.session.commit()
    return update


def notify_overdue_responses(today: date) -> int:
    """Tell each proposal's association, once, that an institution's answer is overdue."""
    answered = sa.exists().where(
        OfficialResponse.proposal_id == AddressedInstitution.proposal_id,
        OfficialResponse.institution_id == AddressedInstitution.institution_id,
    )
    overdue = db.session.scalars(
        sa.select(AddressedInstitution).where(
            # Never sent on the site: no answer is awaited, none can be late.
            AddressedInstitution.sent_at.is_not(None),
            AddressedInstitution.response_due_on < today,
            AddressedInstitution.overdue_notified_at.is_(None),
            ~answered,
        )
    ).all()
    for item in overdue:
        proposal = item.proposal
        members = proposal.organisation.members if proposal.organisation else []
        for member in members:
            notify(
                member,
                NotificationKind.RESPONSE_OVERDUE,
                proposal=proposal,
                institution=item.institution.name,
                due_on=item.response_due_on.isoformat(),
            )
        item.overdue_notified_at = utcnow()
    db.session.commit()
    return len(overdue)
