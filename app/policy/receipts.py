"""What the holder of a guest's receipt may do: the code is the only key, so these rules
look at the testimony alone."""

from app.models import Contribution, ContributionState


def can_correct_by_receipt(contribution: Contribution) -> bool:
    """Corrected while it waits for the moderators; once decided, it stays as it is."""
    return contribution.state is ContributionState.PENDING and not contribution.is_withdrawn


def can_withdraw_by_receipt(contribution: Contribution) -> bool:
    """Withdrawn once, whatever the moderators decided."""
    return not contribution.is_withdrawn


RECEIPTS_PREDICATES = {
    "can_correct_by_receipt": can_correct_by_receipt,
    "can_withdraw_by_receipt": can_withdraw_by_receipt,
}
