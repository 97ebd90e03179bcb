"""Reaching institutions: told when a proposal is sent to them, reminded before and after
the answer's due date, a weekly digest to their official address, and told of replies
under their responses.

Who hears: the organisation's members who may answer the proposal on the site
(``policy.can_respond``: its representatives) get notifications, under their own e-mail
preferences; its official address gets e-mails only once verified, in its own language
(``official_locale``). When nobody may answer on the site, the e-mail carries a single-use
answer link (app/services/answer_links.py): such an e-mail is how the organisation answers,
so it is always sent and carries no stop link. Every other e-mail to the official address
(told and reminded without an answer link, the weekly digest) carries a signed stop link;
once followed (``Organisation.digest_stopped_at``), none of those is sent any more.

Reminders: one per institution × proposal × step, the steps being ``before-N`` for each N of
``RESPONSE_REMINDER_DAYS`` ("14,3") and ``overdue``. Only the step current today is sent:
``before-N`` from N days before the due date until the due date, the smallest such N; a step
whose window had already opened when the proposal was sent is not sent (the institution was
just told the due date), and a step the job missed is never sent late (the next one is).
Each reminder and digest inserts its ``InstitutionReminder`` key first, in the transaction
that queues its notifications and e-mails: of two workers at once, one commits, the other's
insert fails on the unique key and it sends nothing. Each commits on its own.
"""

from datetime import date, datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale, format_date
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from app import policy, queries
from app.extensions import db
from app.models import (
    AddressedInstitution,
    Contribution,
    InstitutionReminder,
    NotificationKind,
    Organisation,
    Proposal,
    ProposalStatus,
    User,
    utcnow,
)
from app.queries.board import paris_date
from app.services import answer_links, retry_when_busy
from app.services.notifications import notify, queue_email, recipient_language
from app.web import content_language
from app.web.links import public_url

K = NotificationKind
OVERDUE = "overdue"
COMMITMENTS_AHEAD_DAYS = 30
REPLIES_DAYS = 7
EXCERPT_CHARS = 400
DIGEST_STOP_SALT = "institution-digest-stop"

ADDRESSED_SUBJECT = _l("Voix solidaires : une proposition vous est adressée")
REMINDER_SUBJECT = _l("Voix solidaires : rappel, votre réponse est attendue")
OVERDUE_SUBJECT = _l("Voix solidaires : votre réponse est en retard")
DIGEST_SUBJECT = _l("Voix solidaires : ce qui attend votre réponse cette semaine")


def official_language(organisation: Organisation) -> str:
    """The language of the e-mails to an organisation's official address."""
    return recipient_language(organisation.official_locale)


def answerers(proposal: Proposal, organisation: Organisation) -> list[User]:
    """The organisation's members who may answer this proposal on the site."""
    return [
        member
        for member in organisation.members
        if member.deleted_at is None and policy.can_respond(member, proposal, organisation)
    ]


# Told when a proposal is sent


def tell_addressed(proposal: Proposal, items: list[AddressedInstitution]) -> None:
    """The proposal has just been sent to these organisations (their ``sent_at`` newly
    set): tell each, in the caller's transaction."""
    items = [item for item in items if item.sent_at is not None]
    if not items or proposal.example or proposal.status is ProposalStatus.ABANDONED:
        return
    db.session.flush()  # the links and the policy need the ids
    testimonies = queries.outreach.published_testimonies(proposal.id)
    for item in items:
        _tell_one(proposal, item, testimonies)


def _tell_one(proposal: Proposal, item: AddressedInstitution, testimonies: int) -> None:
    organisation = item.institution
    if organisation.example:
        return
    reps = answerers(proposal, organisation)
    due_on = item.response_due_on.isoformat() if item.response_due_on else None
    for rep in reps:
        notify(
            rep,
            K.PROPOSAL_ADDRESSED,
            proposal=proposal,
            institution=organisation.name,
            institution_id=organisation.id,
            due_on=due_on,
            testimonies=testimonies,
        )
    if organisation.official_email_verified:
        _mail_follow_up(
            organisation,
            ADDRESSED_SUBJECT,
            "outreach/email/addressed.txt",
            answer=_answer_link(proposal, organisation, reps),
            proposal=proposal,
            item=item,
            testimonies=testimonies,
            excerpt=_excerpt(proposal, official_language(organisation)),
        )


def _excerpt(proposal: Proposal, lang: str) -> str:
    """The easy-read summary (else the text), in ``lang`` when a current translation exists."""
    field = "easy_read" if proposal.easy_read else "body"
    text = content_language.current_text(proposal, field, lang).text.strip()
    if len(text) <= EXCERPT_CHARS:
        return text
    return text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " […]"


def _answer_link(proposal: Proposal, organisation: Organisation, reps: list[User]) -> dict:
    """A fresh answer link and its last day, when nobody may answer on the site and the
    organisation may answer through a link (an institution the admins verified)."""
    if reps or not policy.may_answer_through_link(organisation):
        return {"answer_link": None, "answer_link_until": None}
    now = utcnow()
    url = answer_links.issue(proposal, organisation, now=now)
    until = (answer_links.expiry_for(proposal, organisation, now) - timedelta(days=1)).date()
    return {"answer_link": url, "answer_link_until": until}


def _mail_follow_up(
    organisation: Organisation, subject, template: str, *, answer: dict, **context
) -> None:
    """A told or reminder e-mail to the official address. With an answer link it is always
    sent (it is how the organisation answers) and has no stop link; without one it carries
    the stop link, and is not sent once the address has stopped them."""
    if answer["answer_link"] is None:
        if organisation.digest_stopped_at is not None:
            return
        context["stop_url"] = digest_stop_url(organisation)
    _mail_organisation(organisation, subject, template, **answer, **context)


def _mail_organisation(organisation: Organisation, subject, template: str, **context) -> None:
    """An e-mail to the organisation's official address, in its language."""
    with force_locale(official_language(organisation)):
        body = render_template(
            template,
            organisation=organisation,
            link=public_url,
            long_date=lambda day: format_date(day, "long") if day else "",
            **context,
        )
        queue_email(organisation.official_email, str(subject), body)


# Reminders


def reminder_days() -> list[int]:
    """The days before the due date reminders go at, from RESPONSE_REMINDER_DAYS, smallest
    first."""
    raw = str(current_app.config["RESPONSE_REMINDER_DAYS"])
    try:
        days = {int(part) for part in raw.replace(" ", "").split(",") if part}
    except ValueError:
        raise RuntimeError(f"RESPONSE_REMINDER_DAYS: days, comma-separated, not {raw!r}") from None
    return sorted(day for day in days if day > 0)


def reminder_step(sent_on: date, due_on: date, today: date, days: list[int]) -> str | None:
    """The reminder step current today, or None (see the module's docstring)."""
    if today > due_on:
        return OVERDUE
    left = (due_on - today).days
    for n in days:  # smallest first: the latest step whose window is open
        if left <= n:
            return f"before-{n}" if (due_on - sent_on).days > n else None
    return None


def reminder_key(institution_id: int, proposal_id: int, step: str) -> str:
    return f"reminder:{institution_id}:{proposal_id}:{step}"


def send_reminders(today: date) -> int:
    """Send today's reminders, each once whatever the number of workers; returns how many
    this run sent. Each commits alone: one that fails is logged and the others go on."""
    days = reminder_days()
    last_day = today + timedelta(days=max(days, default=0))
    due = []
    for item_id, org_id, proposal_id, sent_at, due_on in queries.outreach.reminder_candidates(
        last_day
    ):
        step = reminder_step(paris_date(sent_at), due_on, today, days)
        if step is not None:
            due.append((item_id, reminder_key(org_id, proposal_id, step), step))
    taken = queries.outreach.keys_taken([key for _item, key, _step in due])
    db.session.rollback()
    sent = 0
    for item_id, key, step in due:
        if key in taken:
            continue
        try:
            sent += _remind(item_id, key, step, today)
        except Exception:
            db.session.rollback()
            current_app.logger.exception("Reminder %s failed", key)
    return sent


@retry_when_busy
def _remind(item_id: int, key: str, step: str, today: date) -> bool:
    """One reminder: its key first, then its notifications and e-mail, committed together."""
    item = db.session.get(AddressedInstitution, item_id)
    if item is None or not _claim(key, item.institution_id, item.proposal_id, step):
        return False
    proposal, organisation = item.proposal, item.institution
    reps = answerers(proposal, organisation)
    awaited = queries.outreach.is_awaited(proposal.id, organisation.id)
    if not awaited or not (reps or organisation.official_email_verified):
        db.session.rollback()  # answered meanwhile, or nobody to tell: nothing recorded
        return False
    days = abs((item.response_due_on - today).days)
    for rep in reps:
        notify(
            rep,
            K.RESPONSE_REMINDER,
            proposal=proposal,
            institution=organisation.name,
            institution_id=organisation.id,
            due_on=item.response_due_on.isoformat(),
            step=step,
            days=days,
        )
    if organisation.official_email_verified:
        _mail_follow_up(
            organisation,
            OVERDUE_SUBJECT if step == OVERDUE else REMINDER_SUBJECT,
            "outreach/email/reminder.txt",
            answer=_answer_link(proposal, organisation, reps),
            proposal=proposal,
            item=item,
            overdue=step == OVERDUE,
            days=days,
        )
    db.session.commit()
    return True


def _claim(key: str, institution_id: int, proposal_id: int | None, step: str) -> bool:
    """Insert the idempotency key now; False (rolled back) when another run holds it."""
    db.session.add(
        InstitutionReminder(
            key=key, institution_id=institution_id, proposal_id=proposal_id, step=step
        )
    )
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


# The weekly digest


def digest_key(institution_id: int, day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"digest:{institution_id}:{year}-W{week:02d}"


def queue_institution_digests(now: datetime | None = None) -> int:
    """One e-mail this week to each verified official address with something pending (and
    its digest not stopped); returns how many this run queued. Run it weekly."""
    now = now or utcnow()
    today = paris_date(now)
    organisations = queries.outreach.digest_organisations()
    ids = [organisation.id for organisation in organisations]
    awaited = queries.outreach.awaited_by(ids)
    commitments = queries.outreach.commitments_due_by(
        ids, today + timedelta(days=COMMITMENTS_AHEAD_DAYS)
    )
    replies = queries.outreach.replies_since(ids, now - timedelta(days=REPLIES_DAYS))
    taken = queries.outreach.keys_taken([digest_key(i, today) for i in ids])
    queued = 0
    for organisation in organisations:
        key = digest_key(organisation.id, today)
        contents = {
            "awaited": awaited.get(organisation.id, []),
            "commitments": commitments.get(organisation.id, []),
            "replies": replies.get(organisation.id, []),
        }
        if key in taken or not any(contents.values()):
            continue
        try:
            queued += _queue_digest(organisation, key, today, contents)
        except Exception:
            db.session.rollback()
            current_app.logger.exception("Digest %s failed", key)
    return queued


@retry_when_busy
def _queue_digest(organisation: Organisation, key: str, today: date, contents: dict) -> bool:
    # Rendered before the key is claimed: a rollback would expire the loaded rows.
    with force_locale(official_language(organisation)):
        subject = str(DIGEST_SUBJECT)
        body = render_template(
            "outreach/email/digest.txt",
            organisation=organisation,
            today=today,
            link=public_url,
            long_date=lambda day: format_date(day, "long") if day else "",
            stop_url=digest_stop_url(organisation),
            **contents,
        )
    address = organisation.official_email
    if not _claim(key, organisation.id, None, "digest"):
        return False
    queue_email(address, subject, body)
    db.session.commit()
    return True


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=DIGEST_STOP_SALT)


def digest_stop_url(organisation: Organisation) -> str:
    """The link that stops the e-mails to the official address that carry no answer link
    (the digest, being told and reminded), signed for this organisation alone."""
    token = _serializer().dumps(organisation.id)
    return public_url("notifications.stop_institution_digest", token=token)


def organisation_for_digest_token(token: str) -> Organisation | None:
    """The organisation a genuine stop token was made for; None for a forged one."""
    try:
        organisation_id = _serializer().loads(token)
    except BadData:
        return None
    if not isinstance(organisation_id, int) or isinstance(organisation_id, bool):
        return None
    return db.session.get(Organisation, organisation_id)


@retry_when_busy
def stop_digest(organisation: Organisation) -> None:
    """The stop link was followed: no more e-mails without an answer link to that address
    (the weekly digest, being told and reminded); those with an answer link still go."""
    if organisation.digest_stopped_at is None:
        organisation.digest_stopped_at = utcnow()
    db.session.commit()


# Replies under a response


def tell_reply(reply: Contribution) -> None:
    """A reply under an official response was just published: tell that organisation's
    representatives (not the reply's author), once per reply, in the caller's
    transaction."""
    response = reply.response
    if response is None or (reply.id is not None and queries.outreach.reply_told(reply.id)):
        return
    for rep in answerers(response.proposal, response.institution):
        if rep.id != reply.author_id:
            notify(
                rep,
                K.RESPONSE_REPLY,
                proposal=response.proposal,
                contribution=reply,
                institution=response.institution.name,
            )
