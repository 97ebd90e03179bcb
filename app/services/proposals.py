"""Proposals: filing, editing and moving them along their life cycle."""

import sqlalchemy as sa
from flask_babel import gettext as _

from app import policy
from app.extensions import db
from app.models import (
    AddressedInstitution,
    Organisation,
    OrganisationKind,
    Proposal,
    ProposalStatus,
    StatusChange,
    Theme,
    User,
)
from app.services import PermissionDenied, ServiceError


def _institutions(ids: list[int]) -> list[Organisation]:
    if not ids:
        return []
    rows = db.session.scalars(
        sa.select(Organisation).where(
            Organisation.id.in_(ids), Organisation.kind == OrganisationKind.INSTITUTION
        )
    ).all()
    if len(rows) != len(set(ids)):
        raise ServiceError(_("Une des institutions choisies n’existe pas."))
    return list(rows)


def _set_addressed(proposal: Proposal, institution_ids: list[int]) -> None:
    """Keep the stated positions of institutions that stay addressed."""
    wanted = {org.id: org for org in _institutions(institution_ids)}
    proposal.addressed = [a for a in proposal.addressed if a.institution_id in wanted]
    present = {a.institution_id for a in proposal.addressed}
    for org_id, org in wanted.items():
        if org_id not in present:
            proposal.addressed.append(AddressedInstitution(institution=org))


def create_proposal(
    author: User,
    *,
    title: str,
    body: str,
    theme: Theme,
    organisation: Organisation | None,
    institution_ids: list[int],
) -> Proposal:
    """File a new proposal in the name of an association; it starts as submitted."""
    if not policy.can_create_proposal(author):
        raise PermissionDenied
    if not policy.can_act_for_organisation(author, organisation):
        raise PermissionDenied
    proposal = Proposal(
        title=title.strip(),
        body=body.strip(),
        theme=theme,
        author=author,
        organisation=organisation,
        status=ProposalStatus.SUBMITTED,
    )
    _set_addressed(proposal, institution_ids)
    proposal.status_changes.append(
        StatusChange(actor=author, from_status=None, to_status=ProposalStatus.SUBMITTED)
    )
    db.session.add(proposal)
    db.session.commit()
    return proposal


def update_proposal(
    editor: User,
    proposal: Proposal,
    *,
    title: str,
    body: str,
    theme: Theme,
    institution_ids: list[int],
) -> Proposal:
    """Change a proposal's text, workshop and addressed institutions."""
    if not policy.can_edit_proposal(editor, proposal):
        raise PermissionDenied
    proposal.title = title.strip()
    proposal.body = body.strip()
    proposal.theme = theme
    _set_addressed(proposal, institution_ids)
    db.session.commit()
    return proposal


def change_status(
    actor: User, proposal: Proposal, new_status: ProposalStatus, reason: str
) -> StatusChange:
    """Move a proposal to another status, with a reason, on its public timeline."""
    if not policy.can_change_status(actor, proposal):
        raise PermissionDenied
    if new_status == proposal.status:
        raise ServiceError(_("La proposition a déjà ce statut."))
    if not reason.strip():
        raise ServiceError(_("Indiquez la raison du changement."))
    change = StatusChange(
        proposal=proposal,
        actor=actor,
        from_status=proposal.status,
        to_status=new_status,
        reason=reason.strip(),
    )
    proposal.status = new_status
    db.session.add(change)
    db.session.commit()
    return change
