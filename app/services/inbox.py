"""An institution's inbox: a member marks the replies under its responses as seen
(reads: ``app/queries/inbox.py``). Nothing is written when the inbox is only looked at.

Writes check the policy again and commit once, at their end.
"""

from sqlalchemy.exc import IntegrityError

from app import policy
from app.extensions import db
from app.models import InboxVisit, Organisation, User, utcnow
from app.services import PermissionDenied, retry_when_busy


@retry_when_busy
def mark_seen(user: User, institution: Organisation) -> InboxVisit:
    """The replies posted until now under the institution's responses are no longer new for
    this member (their own record: another member's stays as it was)."""
    if not policy.can_view_inbox(user, institution):
        raise PermissionDenied
    visit = _visit(user, institution)
    visit.seen_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # the same button sent twice at once: the other one wrote it
        db.session.rollback()
        visit = _visit(user, institution)
        visit.seen_at = utcnow()
        db.session.commit()
    return visit


def _visit(user: User, institution: Organisation) -> InboxVisit:
    visit = db.session.get(InboxVisit, (user.id, institution.id))
    if visit is None:
        visit = InboxVisit(user_id=user.id, organisation_id=institution.id)
        db.session.add(visit)
    return visit
