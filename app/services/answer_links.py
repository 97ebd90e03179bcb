"""Answer links: what lets an institution without an account answer a proposal.

A link is made when the proposal is sent to the institution (or when a response recorded
on its behalf is e-mailed to it for correction), e-mailed to its official address, and
carries a random token; only the token's SHA-256 is stored. It opens one response form,
once: posting uses it up. It expires 30 days after the answer's due date, and an admin may
revoke it. An expired, used, revoked or unknown token all read as "this link no longer
works", with the way to get a new one.

Only one link per proposal and organisation works at a time: a new one (a reminder's, one
asked for) replaces the earlier unused ones, and a link stops working when the official
address it was sent to is changed or no longer verified, when the organisation may not
answer through a link (``policy.may_answer_through_link``: an institution the admins have
not verified), or, for a link sent to correct a recorded response, once the organisation has
published its own response on the site since.

``issue`` adds the row to the caller's transaction and returns the absolute link (from the
configured public address, never the request's host), or None when the organisation may
not answer through a link; it never commits.
``answer_through_link`` posts the response a link opens (the link used up first, so of two
submissions at once only one writes); ``send_new_link`` e-mails a fresh link to the
institution's verified official address, never to an address a visitor types, at most once
an hour per proposal and institution.
"""

import enum
import hashlib
import secrets
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app import policy
from app.extensions import db
from app.models import (
    AddressedInstitution,
    AnswerLink,
    AuditAction,
    OfficialResponse,
    Organisation,
    Position,
    Proposal,
    ReceivedVia,
    User,
    utcnow,
)
from app.queries.responses import current_response
from app.services import PermissionDenied, ServiceError, retry_when_busy
from app.services import audit as audit_service
from app.services.notifications import queue_email, recipient_language
from app.web import content_language
from app.web.links import public_url

# A link stays valid this long after the answer's due date (and a link made later, this
# long after it is made: a late institution still gets a link that works).
GRACE_DAYS = 30
# A new link on request, at most once in this time per proposal and institution.
NEW_LINK_INTERVAL = timedelta(hours=1)


class LinkProblem(enum.StrEnum):
    """Why a link no longer opens the form (each gets its own page text)."""

    UNKNOWN = "unknown"  # forged, mistyped, or its row deleted
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"  # by an admin
    # A newer link was sent, or the official address it went to changed or is unverified.
    REPLACED = "replaced"
    NOT_ALLOWED = "not_allowed"  # an institution the admins have not verified
    # Sent to correct a recorded response; the organisation has since answered on the site.
    ANSWERED = "answered"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def expiry_for(proposal: Proposal, institution: Organisation, now: datetime) -> datetime:
    """The due date + 30 days (end of that day), or, with no due date, the usual delay from
    now + 30 days; never sooner than 30 days from now (a link made after the due date)."""
    due_on = db.session.scalar(
        sa.select(AddressedInstitution.response_due_on).where(
            AddressedInstitution.proposal_id == proposal.id,
            AddressedInstitution.institution_id == institution.id,
        )
    )
    if due_on is None:
        due_on = (now + timedelta(days=current_app.config["RESPONSE_DUE_DAYS"])).date()
    after_due = datetime.combine(due_on + timedelta(days=GRACE_DAYS + 1), time())
    return max(after_due, now + timedelta(days=GRACE_DAYS))


def issue(
    proposal: Proposal,
    institution: Organisation,
    *,
    response: OfficialResponse | None = None,
    now: datetime | None = None,
) -> str | None:
    """A new link for this organisation to answer this proposal (or correct ``response``),
    in the caller's transaction, in place of its earlier unused ones; returns its absolute
    URL. None, and nothing made, when the organisation may not answer through a link (its
    official address, where the link is only ever e-mailed, unverified; an institution the
    admins have not verified): callers check ``policy.may_answer_through_link`` first."""
    if not policy.may_answer_through_link(institution):
        return None
    now = now or utcnow()
    _replace_earlier_links(proposal, institution, now)
    token = secrets.token_urlsafe(32)
    db.session.add(
        AnswerLink(
            proposal=proposal,
            institution=institution,
            token_hash=token_hash(token),
            sent_to=institution.official_email,
            created_at=now,
            expires_at=expiry_for(proposal, institution, now),
            response_id=response.id if response is not None else None,
        )
    )
    return public_url("answers.answer", token=token)


def _replace_earlier_links(proposal: Proposal, institution: Organisation, now: datetime):
    """The unused links still standing for this proposal and organisation stop working:
    revoked with no admin named, which ``problem`` reads as replaced."""
    db.session.execute(
        sa.update(AnswerLink)
        .where(
            AnswerLink.proposal_id == proposal.id,
            AnswerLink.institution_id == institution.id,
            AnswerLink.used_at.is_(None),
            AnswerLink.revoked_at.is_(None),
        )
        .values(revoked_at=now, revoked_by_id=None)
        .execution_options(synchronize_session="fetch")
    )


def find(token: str) -> AnswerLink | None:
    """The link a token opens, whatever its state; None for an unknown token."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        sa.select(AnswerLink).where(AnswerLink.token_hash == token_hash(token))
    )


def problem(
    link: AnswerLink | None,
    now: datetime | None = None,
    corrected: dict[int, OfficialResponse] | None = None,
) -> LinkProblem | None:
    """Why the link cannot be used now, or None when it can. A link revoked with no admin
    named was replaced by a newer one (``issue``). ``corrected``: the responses correction
    links were sent for, by id, already loaded (a list of links); else read here."""
    now = now or utcnow()
    if link is None:
        return LinkProblem.UNKNOWN
    if link.revoked_at is not None:
        return LinkProblem.REVOKED if link.revoked_by_id is not None else LinkProblem.REPLACED
    if link.used_at is not None:
        return LinkProblem.USED
    if now >= link.expires_at:
        return LinkProblem.EXPIRED
    organisation = link.institution
    if link.sent_to != organisation.official_email or not organisation.official_email_verified:
        return LinkProblem.REPLACED
    if not policy.may_answer_through_link(organisation):
        return LinkProblem.NOT_ALLOWED
    if link.response_id is not None and _answered_since(link, corrected):
        return LinkProblem.ANSWERED
    return None


def _answered_since(link: AnswerLink, corrected: dict[int, OfficialResponse] | None) -> bool:
    """For a link sent to correct a recorded response: the response is gone, or is no longer
    a recorded one (the organisation wrote its own on the site since)."""
    if corrected is not None:
        response = corrected.get(link.response_id)
    else:
        response = db.session.get(OfficialResponse, link.response_id)
    return response is None or not response.was_recorded


def use_up(link: AnswerLink, now: datetime | None = None) -> bool:
    """Mark the link used, in the caller's transaction, before anything is written with it:
    a conditional UPDATE, so of two submissions at once only one wins (returns False for the
    other, which waits for the first's row lock on PostgreSQL, or is retried on SQLite)."""
    now = now or utcnow()
    done = db.session.execute(
        sa.update(AnswerLink)
        .where(
            AnswerLink.id == link.id,
            AnswerLink.used_at.is_(None),
            AnswerLink.revoked_at.is_(None),
            AnswerLink.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return done.rowcount == 1


@retry_when_busy
def answer_through_link(
    link: AnswerLink,
    *,
    position: Position,
    body: str,
    competent_body: str = "",
    easy_read: str = "",
) -> OfficialResponse:
    """Publish (or correct) the institution's response through its link, and use the link
    up: no author (the institution has no account), marked as received through the link."""
    # Imported here: responses e-mails answer links (a recorded response's correction link),
    # and proposals tell institutions with them; this module stays below both.
    from app.services.responses import write_response

    now = utcnow()
    if problem(link, now) is not None:
        raise ServiceError(_("Ce lien ne fonctionne plus : votre texte n’a pas été enregistré."))
    if not still_addressed(link):
        raise ServiceError(_("Cette proposition ne s’adresse plus à votre organisation."))
    if not use_up(link, now):
        raise ServiceError(
            _("Ce lien vient de servir à publier une réponse : votre texte n’a pas été enregistré.")
        )
    response = write_response(
        link.proposal,
        link.institution,
        author=None,
        position=position,
        body=body,
        competent_body=competent_body,
        easy_read=easy_read,
        received_via=ReceivedVia.ANSWER_LINK,
    )
    link.response_id = response.id
    db.session.commit()
    return response


def still_addressed(link: AnswerLink) -> bool:
    """Whether the proposal is still addressed to the link's institution."""
    return link.institution_id in {a.institution_id for a in link.proposal.addressed}


def new_link_possible(link: AnswerLink) -> bool:
    """Whether a new link may be e-mailed for this one: not for an example proposal (they
    never send mail); the organisation may answer through a link (a verified official
    address; an institution verified by the admins), the proposal is still addressed to it,
    and it has not answered yet or its response was recorded on its behalf (a letter, a
    meeting), which it may correct."""
    institution = link.institution
    if link.proposal.example or not policy.may_answer_through_link(institution):
        return False
    if not still_addressed(link):
        return False
    response = current_response(link.proposal, institution)
    return response is None or response.was_recorded


def _sent_lately(link: AnswerLink, now: datetime) -> bool:
    newest = db.session.scalar(
        sa.select(sa.func.max(AnswerLink.created_at)).where(
            AnswerLink.proposal_id == link.proposal_id,
            AnswerLink.institution_id == link.institution_id,
        )
    )
    return newest is not None and newest > now - NEW_LINK_INTERVAL


@retry_when_busy
def send_new_link(link: AnswerLink) -> None:
    """E-mail a new link to the institution's verified official address (the only address
    it ever goes to), in place of one that no longer works."""
    now = utcnow()
    if problem(link, now) is None or not new_link_possible(link):
        raise ServiceError(_("Aucun nouveau lien ne peut être envoyé pour celui-ci."))
    if _sent_lately(link, now):
        raise ServiceError(
            _(
                "Un lien a été envoyé à l’adresse officielle de l’organisation il y a moins "
                "d’une heure : regardez dans sa boîte de réception."
            )
        )
    institution, proposal = link.institution, link.proposal
    response = current_response(proposal, institution)
    url = issue(proposal, institution, response=response, now=now)
    _queue_link_email(proposal, institution, url)
    db.session.commit()


def _queue_link_email(proposal: Proposal, institution: Organisation, url: str) -> None:
    """The e-mail that carries a new link, in the institution's language; no unsubscribe
    link (it is what the institution asked for)."""
    locale = recipient_language(institution.official_locale)
    with force_locale(locale):
        title = content_language.current_text(proposal, "title", locale).text
        subject = _("Votre nouveau lien pour répondre : %(title)s", title=title)
        body = render_template(
            "answers/email/new_link.txt",
            proposal=proposal,
            institution=institution,
            url=url,
            proposal_url=public_url("proposals.show", proposal_id=proposal.id),
        )
    queue_email(institution.official_email, subject[:200], body)


@retry_when_busy
def revoke(admin: User, link: AnswerLink) -> None:
    """An admin stops a link (sent to the wrong address, leaked): audited."""
    if not policy.can_administer(admin):
        raise PermissionDenied
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        link.revoked_by = admin
        audit_service.record(
            admin,
            AuditAction.ANSWER_LINK_REVOKED,
            "answer_link",
            link.id,
            proposal_id=link.proposal_id,
            institution_id=link.institution_id,
        )
    db.session.commit()
