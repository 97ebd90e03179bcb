"""Notifications, their e-mails, and the e-mail outbox.

`notify()` and `queue_email()` only add rows to the caller's transaction; they never commit,
so an event that is rolled back leaves neither a notification nor an e-mail behind.
`deliver_outbox()` sends what is queued, afterwards; any number of senders may run at once.
Delivery is at least once, not exactly once: a sender that dies between the SMTP server's
accept and its own "sent" mark leaves the e-mail to be sent again once its claim lapses.
Every e-mail's Message-ID comes from its outbox row, so such a copy is recognisable.
`queue_digests()` gathers, once a day, what daily readers have not been e-mailed yet.
"""

import os
import socket
import uuid
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app, g, render_template
from flask_babel import force_locale, format_date
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeSerializer

from app.extensions import db
from app.labels import decision_outcome
from app.models import (
    EmailFrequency,
    Notification,
    NotificationKind,
    OutboxEmail,
    User,
    utcnow,
)
from app.ops.mail import send_email
from app.services import retry_when_busy
from app.web import content_language
from app.web.links import public_url

K = NotificationKind
SUBJECTS = {
    K.MODERATION_DECISION: _l("Voix solidaires : décision sur votre contribution"),
    K.REPLY: _l("Voix solidaires : quelqu’un a répondu à votre commentaire"),
    K.NEW_RESPONSE: _l("Voix solidaires : une institution a répondu à une proposition"),
    K.STATUS_CHANGE: _l("Voix solidaires : une proposition change de statut"),
    K.PROGRESS_UPDATE: _l("Voix solidaires : des nouvelles d’une proposition"),
    K.RESPONSE_OVERDUE: _l("Voix solidaires : une institution n’a pas répondu à temps"),
    K.MEETING_CHANGED: _l("Voix solidaires : une réunion a changé"),
    K.MEETING_CANCELLED: _l("Voix solidaires : une réunion est annulée"),
    K.AMENDMENT_DECISION: _l("Voix solidaires : décision sur votre amendement"),
    K.PROPOSAL_ADDRESSED: _l("Voix solidaires : une proposition attend votre réponse"),
    K.RESPONSE_REMINDER: _l("Voix solidaires : rappel, une réponse est attendue"),
    K.RESPONSE_REPLY: _l("Voix solidaires : quelqu’un a répondu à votre réponse officielle"),
    K.RESPONSE_RECORDED: _l("Voix solidaires : votre réponse a été enregistrée sur le site"),
    K.MODERATION_WAITING: _l("Voix solidaires : des contributions attendent la modération"),
    K.MEMBERSHIP_REQUEST: _l("Voix solidaires : une demande pour rejoindre votre organisation"),
    K.MEMBERSHIP_DECISION: _l("Voix solidaires : réponse à votre demande d’adhésion"),
    K.SUGGESTION_DECISION: _l("Voix solidaires : des nouvelles de votre suggestion"),
}
DIGEST_SUBJECT = _l("Voix solidaires : votre résumé du jour")

# A sender that has not finished with a claimed e-mail after this many MAIL_TIMEOUTs is
# presumed dead: one SMTP exchange waits at most MAIL_TIMEOUT at each of its steps (connect,
# greeting, STARTTLS, login, envelope, data). Shorter means a dead sender's e-mail waits
# less; too short would let a slow but live sender's e-mail be sent twice.
CLAIM_TIMEOUT_MAIL_TIMEOUTS = 6
# Wait before the 2nd, 3rd, 4th and 5th attempts; the 5th failure is final.
BACKOFF = tuple(timedelta(minutes=m) for m in (1, 5, 30, 120))
MAX_ATTEMPTS = len(BACKOFF) + 1
# emailed_at alone prevents repeats; the margin catches notifications whose transaction
# committed just after the previous digest looked, the window bounds a first digest.
DIGEST_MARGIN = timedelta(minutes=10)
FIRST_DIGEST_WINDOW = timedelta(days=1)
UNSUBSCRIBE_SALT = "notifications-unsubscribe"


def notify(user: User | None, kind: NotificationKind, **data) -> Notification | None:
    """Add a notification for a person with an account (nothing for a guest), and queue its
    e-mail when they want one at once; nothing for a deleted account either."""
    if user is None or user.deleted_at is not None:
        return None
    proposal = data.pop("proposal", None)
    contribution = data.pop("contribution", None)
    notification = Notification(
        user=user, kind=kind, proposal=proposal, contribution=contribution, data=data
    )
    db.session.add(notification)
    if user.active and user.email_frequency is EmailFrequency.IMMEDIATE:
        db.session.flush()  # the links in the e-mail need the ids
        subject, body = _render(user, "notifications/email/message.txt", notification)
        queue_email(user.email, subject, body, user=user)
        notification.emailed_at = utcnow()
    return notification


def notify_reply(reply) -> None:
    """Tell a comment's author that a reply to it is published (not when they reply to
    themselves)."""
    parent_author = reply.parent.author
    if parent_author is not None and parent_author.id != reply.author_id:
        notify(parent_author, NotificationKind.REPLY, proposal=reply.proposal, contribution=reply)


def email_notification(notification: Notification, now: datetime | None = None) -> None:
    """Queue this notification's e-mail now, whatever the person's usual rhythm (a
    moderation alert keeps its own); it is marked e-mailed, so no digest repeats it."""
    user = notification.user
    db.session.flush()  # the links in the e-mail need the ids
    subject, body = _render(user, "notifications/email/message.txt", notification)
    queue_email(user.email, subject, body, user=user)
    notification.emailed_at = now or utcnow()


def queue_email(to_address: str, subject: str, body: str, user: User | None = None) -> None:
    """Add an e-mail to the outbox; it leaves after the transaction commits. With `user`, it
    carries that person's one-click unsubscribe headers. The subject is made one line (a
    title or a name in it may hold a line break, which no header may) and cut to fit."""
    db.session.add(
        OutboxEmail(
            user_id=user.id if user else None,
            to_address=to_address,
            subject=one_line_subject(subject),
            body=body,
        )
    )
    g.outbox_pending = True


def one_line_subject(subject: str) -> str:
    """The subject on one line, its runs of spaces and line breaks made one space, cut with
    an ellipsis to the outbox column's length."""
    flat = " ".join(str(subject).split())
    limit = OutboxEmail.subject.type.length
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rstrip() + "…"


def delete_old_emails(before: datetime) -> int:
    """Delete the e-mails sent, or given up, before this time (addresses and texts are not
    kept longer than they are needed); those still waiting stay."""
    done = sa.or_(OutboxEmail.sent_at < before, OutboxEmail.failed_at < before)
    return db.session.execute(sa.delete(OutboxEmail).where(done)).rowcount


def iso_date_label(value: str | None) -> str:
    """A stored ISO date ("2026-03-01") as a long date in the current language."""
    return format_date(date.fromisoformat(value), "long") if value else ""


def recipient_language(locale: str | None) -> str:
    """The language to write to someone in: the one they chose (an account's, an
    organisation's official address's, or the page a guest wrote from) when the site speaks
    it, else the site's first, French. Every e-mail asks it here: a stored value the site no
    longer speaks (or none) never fails nor picks an unknown catalogue."""
    languages = current_app.config["LANGUAGES"]
    return locale if locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def snapshot_text(obj, field: str, user: User) -> str:
    """What a notification keeps of an object's text (a meeting's title, a workshop's name),
    in the person's language when a current translation exists, else the original: the
    notification is theirs alone, and says what the object said then."""
    return content_language.current_text(obj, field, recipient_language(user.locale)).text


def _render(user: User, template: str, notification=None, notifications=()) -> tuple[str, str]:
    """Subject and body of a notification or digest e-mail, in the recipient's language: the
    site's words, and what people read (a proposal's title…) in its translation when there
    is one (``tr()`` reads the language forced here)."""
    with force_locale(recipient_language(user.locale)):
        subject = _subject(notification)
        body = render_template(
            template,
            user=user,
            notification=notification,
            notifications=notifications,
            link=public_url,
            date_label=iso_date_label,
            unsubscribe_url=unsubscribe_url(user.id),
        )
    return subject, body


def _subject(notification: Notification | None) -> str:
    """A decision's e-mail says what happened ("Votre témoignage a été publié")."""
    if notification is None:
        return str(DIGEST_SUBJECT)
    decided = notification.kind is K.MODERATION_DECISION and notification.contribution
    if decided and notification.data.get("action"):
        return decision_outcome(notification.data["action"], notification.contribution.kind)
    return str(SUBJECTS[notification.kind])


# Delivery


def deliver_outbox(sender_id: str | None = None, limit: int = 100, *, now=None) -> int:
    """Send up to `limit` due e-mails, each claimed first so no live sender sends it too;
    returns how many were sent. `now` fixes the clock (tests).

    Each e-mail is marked sent (and committed) the moment the server accepts it, so a sender
    that dies afterwards leaves at most the one e-mail under way to be sent again.
    """
    sender_id = sender_id or new_sender_id()
    clock = (lambda: now) if now else utcnow
    sent = 0
    for _ in range(limit):
        email = _claim_next(sender_id, clock())
        if email is None:
            break
        try:
            send_email(
                email.to_address,
                email.subject,
                email.body,
                _headers(email),
                message_id=outbox_message_id(email),
            )
        except Exception as error:  # one bad e-mail or a server down must not stop the rest
            _record_failure(email, sender_id, error, clock())
        else:
            _finish(
                sa.update(OutboxEmail)
                .where(OutboxEmail.id == email.id)
                .values(sent_at=clock(), last_error="")
            )
            sent += 1
    return sent


def new_sender_id() -> str:
    """A name for one sender, unique across hosts and processes (at most 64 characters)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def claim_timeout() -> timedelta:
    """How long a claimed e-mail waits for its sender before another may take it over."""
    return timedelta(seconds=CLAIM_TIMEOUT_MAIL_TIMEOUTS * current_app.config["MAIL_TIMEOUT"])


def outbox_message_id(email: OutboxEmail) -> str:
    """The Message-ID's left part: the same for every sending of this row, unique to it
    (the creation time tells apart rows of a database restored or started again)."""
    return f"outbox-{email.id}-{email.created_at:%Y%m%d%H%M%S%f}"


def _due(now: datetime):
    return sa.and_(
        OutboxEmail.sent_at.is_(None),
        OutboxEmail.failed_at.is_(None),
        OutboxEmail.next_attempt_at <= now,
        sa.or_(OutboxEmail.claimed_by.is_(None), OutboxEmail.claimed_at < now - claim_timeout()),
    )


def _claim_next(sender_id: str, now: datetime) -> OutboxEmail | None:
    """Claim the oldest due e-mail: a conditional UPDATE that only one sender can win
    (portable, unlike SELECT … FOR UPDATE SKIP LOCKED)."""
    while True:
        candidates = db.session.scalars(
            sa.select(OutboxEmail.id).where(_due(now)).order_by(OutboxEmail.id).limit(20)
        ).all()
        db.session.commit()  # end the read, so SQLite's write below starts a fresh snapshot
        if not candidates:
            return None
        for email_id in candidates:
            claimed = db.session.execute(
                sa.update(OutboxEmail)
                .where(OutboxEmail.id == email_id, _due(now))
                .values(claimed_by=sender_id, claimed_at=now)
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
            if claimed.rowcount == 1:
                return db.session.get(OutboxEmail, email_id)


def _headers(email: OutboxEmail) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe, for the e-mails sent to an account."""
    if email.user_id is None:
        return {}
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(email.user_id)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _record_failure(email: OutboxEmail, sender_id: str, error: Exception, now: datetime) -> None:
    """Count the attempt, release the claim and wait longer each time; give up at the last."""
    db.session.rollback()
    attempts = email.attempts + 1
    values = {
        "attempts": attempts,
        "last_error": f"{type(error).__name__}: {error}"[:500],
        "claimed_by": None,
        "claimed_at": None,
    }
    if attempts >= MAX_ATTEMPTS:
        values["failed_at"] = now
        current_app.logger.error("E-mail %s given up after %s attempts", email.id, attempts)
    else:
        values["next_attempt_at"] = now + BACKOFF[attempts - 1]
        current_app.logger.warning("E-mail %s not sent: %s", email.id, type(error).__name__)
    _finish(
        sa.update(OutboxEmail)
        .where(OutboxEmail.id == email.id, OutboxEmail.claimed_by == sender_id)
        .values(**values)
    )


def _finish(statement) -> None:
    db.session.execute(statement.execution_options(synchronize_session=False))
    db.session.commit()


# The daily digest


def queue_digests(now=None) -> int:
    """One e-mail for each daily reader with notifications not e-mailed yet; returns how many.
    Commits per person; running it again (even at the same time) adds nothing."""
    now = now or utcnow()
    readers = db.session.scalars(
        sa.select(User.id)
        .where(User.email_frequency == EmailFrequency.DAILY, User.active.is_(True))
        .order_by(User.id)
    ).all()
    return sum(_queue_digest(db.session.get(User, user_id), now) for user_id in readers)


def _queue_digest(user: User, now: datetime) -> int:
    previous = user.last_digest_at
    since = previous - DIGEST_MARGIN if previous else now - FIRST_DIGEST_WINDOW
    notifications = db.session.scalars(
        sa.select(Notification)
        .where(
            Notification.user_id == user.id,
            Notification.emailed_at.is_(None),
            Notification.created_at > since,
            Notification.created_at <= now,
        )
        .order_by(Notification.created_at, Notification.id)
    ).all()
    if not notifications:
        db.session.rollback()
        return 0
    # Compare-and-set on last_digest_at: of two digests running at once, one e-mails.
    unchanged = (
        User.last_digest_at.is_(None) if previous is None else User.last_digest_at == previous
    )
    claimed = db.session.execute(
        sa.update(User)
        .where(User.id == user.id, unchanged)
        .values(last_digest_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return 0
    subject, body = _render(user, "notifications/email/digest.txt", notifications=notifications)
    queue_email(user.email, subject, body, user=user)
    for notification in notifications:
        notification.emailed_at = now
    db.session.commit()
    return 1


# Unsubscribing and preferences


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user_id: int) -> str:
    """The one-click link that stops e-mails to this person, signed for them alone."""
    token = _serializer().dumps(user_id)
    return public_url("notifications.unsubscribe", token=token)


def user_for_unsubscribe_token(token: str) -> User | None:
    """The person a genuine unsubscribe token was made for; None for a forged one."""
    try:
        user_id = _serializer().loads(token)
    except BadData:
        return None
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    return db.session.get(User, user_id)


@retry_when_busy
def set_email_frequency(user: User, frequency: EmailFrequency) -> None:
    """How often this person gets e-mails: each notification, a daily digest, or never."""
    user.email_frequency = EmailFrequency(frequency)
    db.session.commit()


def unsubscribe(user: User) -> None:
    """The unsubscribe link was followed: no more e-mails; notifications stay on the site."""
    set_email_frequency(user, EmailFrequency.NEVER)


@retry_when_busy
def mark_all_read(user: User) -> None:
    db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
