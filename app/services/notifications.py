"""Notifications and the e-mail outbox.

`notify()` and `queue_email()` only add rows to the caller's transaction; they never commit.
`deliver_outbox()` sends what is queued, afterwards, and may be run again safely.
"""

import smtplib

import sqlalchemy as sa
from flask import current_app, g

from app.extensions import db
from app.mail import send_email
from app.models import Notification, NotificationKind, OutboxEmail, User, utcnow


def notify(user: User | None, kind: NotificationKind, **data) -> Notification | None:
    """Add a notification for a person with an account (nothing for a guest)."""
    if user is None:
        return None
    proposal = data.pop("proposal", None)
    contribution = data.pop("contribution", None)
    notification = Notification(
        user=user, kind=kind, proposal=proposal, contribution=contribution, data=data
    )
    db.session.add(notification)
    return notification


def notify_reply(reply) -> None:
    """Tell a comment's author that a reply to it is published (not when they reply to
    themselves)."""
    parent_author = reply.parent.author
    if parent_author is not None and parent_author.id != reply.author_id:
        notify(parent_author, NotificationKind.REPLY, proposal=reply.proposal, contribution=reply)


def queue_email(to_address: str, subject: str, body: str) -> None:
    """Add an e-mail to the outbox; it leaves after the transaction commits."""
    db.session.add(OutboxEmail(to_address=to_address, subject=subject, body=body))
    g.outbox_pending = True


def deliver_outbox(limit: int = 100) -> int:
    """Send queued e-mails, oldest first; a failure is recorded and retried next time."""
    pending = db.session.scalars(
        sa.select(OutboxEmail)
        .where(OutboxEmail.sent_at.is_(None), OutboxEmail.attempts < 5)
        .order_by(OutboxEmail.id)
        .limit(limit)
    ).all()
    sent = 0
    for email in pending:
        email.attempts += 1
        try:
            send_email(email.to_address, email.subject, email.body)
        except (OSError, smtplib.SMTPException) as error:
            email.last_error = str(error)[:500]
            current_app.logger.warning("E-mail %s not sent: %s", email.id, type(error).__name__)
        else:
            email.sent_at = utcnow()
            sent += 1
        db.session.commit()
    return sent


def unread_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def mark_all_read(user: User) -> None:
    db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
