"""The audit trail: admin actions and views of protected identities, in ``audit_event``.

``record`` adds a row to the caller's transaction (the caller commits, with the change it
audits, so an action and its trail are saved or rolled back together) and writes the same
event to the security log. Details hold ids, codes and field names only.
"""

import sqlalchemy as sa

from app.accounts.security_log import security_event
from app.extensions import db
from app.models import AuditAction, AuditEvent, Contribution, User, utcnow
from app.services import retry_when_busy

AUDIT_PER_PAGE = 50


def record(
    actor: User | None,
    action: AuditAction,
    target_type: str,
    target_id: int | None,
    **details: object,
) -> AuditEvent:
    """Add one audit row to the current transaction and log it."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details,
    )
    db.session.add(event)
    security_event(
        "admin_action",
        action=action.value,
        actor_id=actor.id if actor is not None else None,
        target=f"{target_type}:{target_id}",
    )
    return event


def reveals_identity(contribution: Contribution) -> bool:
    """Whether the moderation view of this contribution shows who is behind it though the
    public does not see it: the account of an anonymous one, a guest's private contact,
    the account that recorded an assisted testimony."""
    if contribution.is_assisted:
        return True
    if contribution.is_guest:
        return bool(contribution.guest_contact)
    return contribution.author_id is not None and contribution.is_anonymous


def _protection(contribution: Contribution) -> str:
    if contribution.is_assisted:
        return "assisted"
    return "guest" if contribution.is_guest else "anonymous"


@retry_when_busy
def record_identity_views(viewer: User, contributions: list[Contribution]) -> int:
    """One ``identity_viewed`` row per shown contribution whose author is protected; commits.

    A single multi-row insert, so a queue page costs the same whatever its length.
    """
    shown = [(c.id, _protection(c)) for c in contributions if reveals_identity(c)]
    if not shown:
        return 0
    viewer_id, now = viewer.id, utcnow()  # read before the commit expires them
    rows = [
        {
            "created_at": now,
            "actor_id": viewer_id,
            "action": AuditAction.IDENTITY_VIEWED,
            "target_type": "contribution",
            "target_id": contribution_id,
            "details": {"kind": kind},
        }
        for contribution_id, kind in shown
    ]
    db.session.execute(sa.insert(AuditEvent), rows)
    db.session.commit()
    for contribution_id, _kind in shown:
        security_event(
            "identity_viewed", actor_id=viewer_id, target=f"contribution:{contribution_id}"
        )
    return len(shown)
