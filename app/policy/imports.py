"""Importing an event's proposals from a spreadsheet."""

from app.policy.core import is_admin


def can_import_proposals(user) -> bool:
    """The network's coordinators (admins): an import files proposals in many names."""
    return is_admin(user)


IMPORTS_PREDICATES = {"can_import_proposals": can_import_proposals}
