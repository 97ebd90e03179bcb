"""Who may do what in the directory: edit an organisation's page, co-sign proposals.

Like the rest of the policy, they import models only and never query: callers hand in
what they loaded.
"""

from app.models import Cosignature, Organisation, Proposal
from app.policy.core import association_memberships, institution_memberships, is_admin


def can_edit_organisation(user, organisation: Organisation) -> bool:
    """Admins, and the members who act for it: association members (and moderators) of an
    association, representatives of a verified institution. Name, kind and verification
    stay with the admin form."""
    if is_admin(user):
        return True
    mine = association_memberships(user) + institution_memberships(user)
    return organisation.id in {org.id for org in mine}


def cosigning_organisations(
    user, proposal: Proposal, cosignatures: list[Cosignature]
) -> list[Organisation]:
    """The associations a person may still co-sign this proposal for: their own ones, never
    the proposal's own organisation, and only those that have not signed it yet."""
    signed = {cosignature.organisation_id for cosignature in cosignatures}
    return [
        org
        for org in association_memberships(user)
        if org.id != proposal.organisation_id and org.id not in signed
    ]


def can_cosign(user, proposal: Proposal, cosignatures: list[Cosignature]) -> bool:
    """Whether a person may co-sign the proposal in the name of at least one association."""
    return bool(cosigning_organisations(user, proposal, cosignatures))


def can_withdraw_cosignature(user, cosignature: Cosignature) -> bool:
    """Members of the association that co-signed, and only them."""
    return cosignature.organisation_id in {org.id for org in association_memberships(user)}


DIRECTORY_PREDICATES = {
    "can_edit_organisation": can_edit_organisation,
    "cosigning_organisations": cosigning_organisations,
    "can_cosign": can_cosign,
    "can_withdraw_cosignature": can_withdraw_cosignature,
}
