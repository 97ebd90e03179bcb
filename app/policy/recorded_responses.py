"""Who may record an official response received by letter, by e-mail or in a meeting, on
the institution's behalf, and in the name of which organisation.

The rule is the narrow one: the network's coordinators (admins), and the members of the
association that carries the proposal (it sent it, it receives the letters about it); only
for an institution the proposal is addressed to. Co-signers and other associations report
what they heard as a stated position instead.
"""

from app.models import OfficialResponse, Organisation, Proposal
from app.policy.core import association_memberships, is_admin


def can_record_response(user, proposal: Proposal, institution: Organisation) -> bool:
    """Admins, and members of the proposal's association, for an addressed institution."""
    if institution.id not in {a.institution_id for a in proposal.addressed}:
        return False
    if is_admin(user):
        return True
    carrier = proposal.organisation
    return carrier is not None and carrier in association_memberships(user)


def can_record_for(user, proposal: Proposal, organisation: Organisation | None) -> bool:
    """The organisation named as having recorded it: none (the network's coordination) or
    any association for an admin; the proposal's own association for its members."""
    if is_admin(user):
        return organisation is None or organisation.is_association
    return organisation is not None and organisation == proposal.organisation


def can_record_over(user, response: OfficialResponse | None) -> bool:
    """What the institution wrote itself (on the site, through its answer link) is replaced
    by a recorded text only by an admin; a recorded one is corrected by who may record."""
    return response is None or response.was_recorded or is_admin(user)


RECORDED_RESPONSES_PREDICATES = {
    "can_record_response": can_record_response,
    "can_record_over": can_record_over,
}
