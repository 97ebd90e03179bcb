"""Importing an event's proposals from a spreadsheet: every new row in one transaction.

The rows come checked (app/imports/rows.py); the import checks again that none of their
titles is already the event's (another import may have run meanwhile) and files each as
submitted, addressed to its institutions without any sending: sending a proposal to
institutions (and the answer's due date) is a separate act, done on the site.
"""

from babel.dates import format_date
from flask_babel import gettext as _

from app import policy
from app.extensions import db
from app.imports.rows import CheckedRow, title_key
from app.models import (
    AddressedInstitution,
    Event,
    Proposal,
    ProposalStatus,
    StatusChange,
    User,
    paris_today,
)
from app.queries.proposal_imports import catalogue
from app.services import PermissionDenied, ServiceError, retry_when_busy

# Stored on each proposal's timeline, in the site's language (the timeline shows it as is).
IMPORTED_REASON = "Importée depuis un tableur le {day}"


@retry_when_busy
def import_proposals(event: Event, rows: list[CheckedRow], admin: User | None) -> list[Proposal]:
    """Create a proposal of the event for each new row; all of them or none.

    ``admin`` is the author (None from the command line, run by whoever runs the server).
    """
    if admin is not None and not policy.can_import_proposals(admin):
        raise PermissionDenied
    rows = [row for row in rows if row.is_new]
    existing = {title_key(title) for title in catalogue(event).existing_titles}
    for row in rows:
        if title_key(row.source.title) in existing:
            raise ServiceError(
                _(
                    "« %(title)s » est déjà une proposition de l’événement (importée "
                    "entre-temps) : importez le fichier de nouveau.",
                    title=row.source.title,
                )
            )
    reason = IMPORTED_REASON.format(day=format_date(paris_today(), "long", locale="fr"))
    proposals = [_proposal(event, row, admin, reason) for row in rows]
    db.session.add_all(proposals)
    db.session.commit()
    return proposals


def _proposal(event: Event, row: CheckedRow, admin: User | None, reason: str) -> Proposal:
    source = row.source
    proposal = Proposal(
        title=source.title,
        body=source.text,
        easy_read=source.easy_read,
        theme=row.theme,
        author=admin,
        organisation=row.association,
        status=ProposalStatus.SUBMITTED,
        origin=event.name,
        event=event,
    )
    # Addressed, not sent: no sending date, no due date.
    proposal.addressed = [AddressedInstitution(institution=org) for org in row.institutions]
    proposal.status_changes.append(
        StatusChange(
            actor=admin, from_status=None, to_status=ProposalStatus.SUBMITTED, reason=reason
        )
    )
    return proposal
