"""Moderation decisions: approve, reject, hide, restore — with a reason, in the audit log,
told to the author."""

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app import policy
from app.extensions import db
from app.labels import decision_outcome, moderation_reason_label
from app.models import (
    AudioState,
    Contribution,
    ContributionKind,
    ContributionState,
    Flag,
    ModerationAction,
    ModerationDecision,
    ModerationReason,
    NotificationKind,
    User,
    utcnow,
)
from app.queries.charter import current_charter
from app.services import PermissionDenied, ServiceError, audio, outreach, retry_when_busy
from app.services.notifications import notify, notify_reply, queue_email, recipient_language
from app.services.sheet_photos import forget_sheet_photo
from app.web import content_language
from app.web.links import public_url

S = ContributionState
# Which states each action applies to, and the state it leads to.
TRANSITIONS = {
    ModerationAction.APPROVE: ({S.PENDING, S.PUBLISHED}, S.PUBLISHED),
    ModerationAction.REJECT: ({S.PENDING}, S.REJECTED),
    ModerationAction.HIDE: ({S.PUBLISHED}, S.HIDDEN),
    ModerationAction.RESTORE: ({S.HIDDEN, S.REJECTED}, S.PUBLISHED),
}


class AlreadyDecided(ServiceError):
    """Another moderator decided on this contribution first."""


def allowed_actions(contribution: Contribution) -> list[ModerationAction]:
    return [a for a, (sources, _t) in TRANSITIONS.items() if contribution.state in sources]


@retry_when_busy
def decide(
    moderator: User,
    contribution: Contribution,
    action: ModerationAction,
    reason: ModerationReason,
    details: str,
    seen_version: int,
    charter_article: int | None = None,
) -> ModerationDecision:
    """Apply one decision; if the contribution changed since the moderator saw it, refuse."""
    if not policy.can_moderate(moderator, contribution):
        raise PermissionDenied
    sources, target = TRANSITIONS[action]
    if contribution.state not in sources:
        raise AlreadyDecided(_("Cette contribution a déjà été traitée."))
    if target is S.PUBLISHED:
        _check_audio_publishable(contribution)
    from_state = contribution.state
    # A testimony no longer published leaves the synthesis's quotes for good: restored, it
    # waits for a moderator to put it forward again.
    unfeatured = {} if target is S.PUBLISHED else {"featured_at": None, "featured_by_id": None}
    # Compare-and-set on the version: exactly one of two simultaneous decisions wins.
    updated = db.session.execute(
        sa.update(Contribution)
        .where(Contribution.id == contribution.id, Contribution.version == seen_version)
        .values(state=target, version=Contribution.version + 1, **unfeatured)
        .execution_options(synchronize_session=False)
    )
    if updated.rowcount != 1:
        db.session.rollback()
        raise AlreadyDecided(_("Un·e autre modérateur·rice vient de traiter cette contribution."))
    decision = ModerationDecision(
        contribution=contribution,
        moderator=moderator,
        action=action,
        reason=reason,
        details=details.strip(),
        charter_article=charter_article,
        from_state=from_state,
        to_state=target,
    )
    db.session.add(decision)
    forget_sheet_photo(contribution)  # the sheet's photo served this decision only
    _after_decision_on_audio(contribution, target)
    _resolve_flags(contribution)
    _tell_author(contribution, decision)
    if from_state is S.PENDING and target is S.PUBLISHED and contribution.parent_id:
        notify_reply(contribution)  # a held reply: its comment's author learns of it now
    if target is S.PUBLISHED and contribution.response_id:
        outreach.tell_reply(contribution)  # under a response: its institution, once
    db.session.commit()
    db.session.refresh(contribution)
    return decision


def _check_audio_publishable(contribution: Contribution) -> None:
    """A spoken testimony is published only converted, and with its transcript."""
    recording = contribution.audio
    if recording is None:
        if not contribution.body.strip():  # refused, its recording went: nothing to show
            raise ServiceError(
                _("Ce témoignage n’a plus ni texte ni enregistrement : il ne peut être publié."),
                field="transcript",
            )
        return
    if recording.state is not AudioState.READY or not recording.transcript.strip():
        raise ServiceError(
            _(
                "Écrivez la transcription avant de publier : les personnes qui n’entendent "
                "pas doivent pouvoir la lire."
            )
            if recording.state is AudioState.READY
            else _(
                "L’enregistrement n’est pas encore converti : il pourra être publié une fois "
                "prêt, avec sa transcription."
            ),
            field="transcript",
        )


def _after_decision_on_audio(contribution: Contribution, target: ContributionState) -> None:
    """Whatever the decision, the original recording goes (once converted); refused, the
    recording goes whole."""
    recording = contribution.audio
    if recording is None:
        return
    if target is S.REJECTED:
        audio.delete_recordings(Contribution.id == contribution.id)
    else:
        audio.forget_original(recording)


def may_be_featured(contribution: Contribution) -> bool:
    """Only a published testimony, not withdrawn, is quoted in the synthesis."""
    return (
        contribution.kind is ContributionKind.TESTIMONY
        and contribution.state is S.PUBLISHED
        and not contribution.is_withdrawn
    )


@retry_when_busy
def feature_testimony(moderator: User, contribution: Contribution, featured: bool) -> None:
    """Put a published testimony forward, to be quoted in the synthesis ("mettre en
    avant"), or take that choice back. Who chose it and when are kept on the testimony."""
    if not policy.can_feature(moderator, contribution):
        raise PermissionDenied
    if not featured:
        contribution.featured_at = contribution.featured_by_id = None
        db.session.commit()
        return
    # Checked in the update itself: hidden or withdrawn a moment ago, it is not put forward.
    updated = db.session.execute(
        sa.update(Contribution)
        .where(
            Contribution.id == contribution.id,
            Contribution.kind == ContributionKind.TESTIMONY,
            Contribution.state == S.PUBLISHED,
            Contribution.withdrawn_at.is_(None),
        )
        .values(featured_at=utcnow(), featured_by_id=moderator.id)
        .execution_options(synchronize_session=False)
    )
    if updated.rowcount != 1:
        db.session.rollback()
        raise ServiceError(_("Seul un témoignage publié, et non retiré, peut être mis en avant."))
    db.session.commit()
    db.session.refresh(contribution)


def auto_hide(contribution: Contribution) -> None:
    """Enough distinct flags: hide it until a moderator decides, and tell its author.
    Adds to the caller's transaction."""
    decision = ModerationDecision(
        contribution=contribution,
        moderator=None,
        action=ModerationAction.AUTO_HIDE,
        reason=ModerationReason.FLAGS,
        from_state=contribution.state,
        to_state=S.HIDDEN,
    )
    db.session.add(decision)
    contribution.state = S.HIDDEN
    contribution.version += 1
    contribution.featured_at = contribution.featured_by_id = None
    _tell_author(contribution, decision)


def _resolve_flags(contribution: Contribution) -> None:
    db.session.execute(
        sa.update(Flag)
        .where(Flag.contribution_id == contribution.id, Flag.resolved_at.is_(None))
        .values(resolved_at=utcnow())
    )


def _tell_author(contribution: Contribution, decision: ModerationDecision) -> None:
    """An account author hears through their notifications (and by e-mail as they chose);
    a guest only by e-mail, when they left an address."""
    if (author := contribution.author) is not None:
        notify(
            author,
            NotificationKind.MODERATION_DECISION,
            proposal=contribution.proposal,
            contribution=contribution,
            action=decision.action.value,
            reason=decision.reason.value,
            details=decision.details,
            charter_article=_article(decision.charter_article, recipient_language(author.locale)),
        )
        return
    address = _guest_email(contribution)
    if not address:
        return
    lang = guest_language(contribution)
    with force_locale(lang):  # the proposal's title, the reasons and the article too
        subject = decision_outcome(decision.action, contribution.kind)
        body = render_template(
            "moderation/email/decision.txt",
            contribution=contribution,
            outcome=subject,
            reason=moderation_reason_label(decision.reason),
            details=decision.details,
            charter_article=_article(decision.charter_article, lang),
            link=public_url,
        )
    queue_email(address, subject, body)


def guest_language(contribution: Contribution) -> str:
    """A guest chose no language but read the site in one: their e-mails are in the
    language of the page they wrote from, French when it is not known."""
    return recipient_language(contribution.page_locale)


def _article(number: int | None, lang: str) -> str | None:
    """The article of the charter in force a decision refers to, as "2. Le respect", its
    title in the reader's language when a current translation exists."""
    if number is None:
        return None
    charter = current_charter()
    for article in charter.articles if charter else []:
        if article.number == number:
            return f"{number}. {content_language.current_text(article, 'title', lang)}"
    return str(number)


def how_author_hears(contribution: Contribution) -> str:
    """How the author learns of a decision: "account" (notifications), "email" (a guest's
    address), "phone" (a guest's other contact: only a person can use it) or "none"."""
    if contribution.author is not None:
        return "account"
    if _guest_email(contribution):
        return "email"
    return "phone" if contribution.guest_contact.strip() else "none"


def _guest_email(contribution: Contribution) -> str | None:
    """The guest's contact when it is an e-mail address (it may be a phone number)."""
    try:
        return validate_email(
            contribution.guest_contact.strip(), check_deliverability=False
        ).normalized
    except EmailNotValidError:
        return None
