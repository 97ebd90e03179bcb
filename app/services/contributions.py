"""Contributions: testimonies (with an account, as a guest, or recorded by an association),
comments and replies; editing, withdrawing and flagging them."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app import policy
from app.extensions import db
from app.labels import WRITING_LANGUAGES
from app.models import (
    AuditAction,
    Contribution,
    ContributionKind,
    ContributionState,
    DisplayMode,
    Flag,
    FlagReason,
    OfficialResponse,
    Organisation,
    Proposal,
    User,
    utcnow,
)
from app.services import PermissionDenied, ServiceError, audit, outreach, retry_when_busy
from app.services import audio as audio_service
from app.services.audio import CheckedAudio
from app.services.moderation import auto_hide
from app.services.notifications import notify_reply
from app.services.sheet_photos import forget_sheet_photo
from app.text import too_long_message


class ConsentRequired(ServiceError):
    """An assisted testimony without the person's explicit consent: nothing is stored."""


def _initial_state(author: User | None, proposal: Proposal) -> ContributionState:
    if policy.is_premoderated(author, proposal.theme):
        return ContributionState.PENDING
    return ContributionState.PUBLISHED


def _check_length(kind: ContributionKind, body: str) -> str:
    body = body.replace("\r\n", "\n").strip()
    limit_key = (
        "TESTIMONY_MAX_LENGTH" if kind is ContributionKind.TESTIMONY else "COMMENT_MAX_LENGTH"
    )
    if not body:
        raise ServiceError(_("Écrivez votre texte."))
    if len(body) > current_app.config[limit_key]:
        raise ServiceError(too_long_message(len(body), current_app.config[limit_key]))
    return body


def _testimony_body(body: str, audio: CheckedAudio | None) -> str:
    """A testimony needs a text or a recording: with one, the text may be left empty."""
    if audio is not None and not body.strip():
        return ""
    return _check_length(ContributionKind.TESTIMONY, body)


def _with_audio(contribution: Contribution, audio: CheckedAudio | None) -> Contribution:
    if audio is not None:
        if contribution.kind is not ContributionKind.TESTIMONY:
            raise PermissionDenied  # only testimonies may be spoken
        audio_service.attach(contribution, audio)
    return contribution


def _saved_with_audio(contribution: Contribution, audio: CheckedAudio | None) -> Contribution:
    """Commit it; its upload's temporary file goes once it is stored."""
    saved = _save(contribution)
    if audio is not None:
        audio.discard()
    return saved


def _check_lang(lang: str) -> str:
    if lang not in WRITING_LANGUAGES:
        raise ServiceError(_("Choisissez une langue de la liste."))
    return lang


def _holder(key: str | None) -> Contribution | None:
    """The contribution that already holds this form's key, whoever wrote it."""
    if key is None:
        return None
    return db.session.scalar(sa.select(Contribution).where(Contribution.idempotency_key == key))


def _same_form(earlier: Contribution | None, author: User | None, proposal: Proposal) -> bool:
    """Whether `earlier` came from this person's sending of this very form."""
    return (
        earlier is not None
        and earlier.author_id == (author.id if author else None)
        and earlier.proposal_id == proposal.id
    )


def _once(key: str | None, author: User | None, proposal: Proposal, body: str | None = None):
    """(the earlier contribution of this form, the key to store on a new one).

    One read decides, so a sending that commits in between cannot make this one keyless.
    A key already used by someone else (forged or reused) is not stored again, and never
    shows anyone another person's contribution. With ``body`` (a guest's: nobody's
    account tells two guests apart), the earlier one must also say the same: a form
    brought back on a shared computer and filled in again is another testimony.
    """
    earlier = _holder(key)
    if earlier is None:
        return None, key
    if _same_form(earlier, author, proposal) and body in (None, earlier.body):
        return earlier, None
    return None, None


def _save(contribution: Contribution, announce=None) -> Contribution:
    """Commit the new contribution; the same form sent twice at once gives the first.
    ``announce(contribution)`` adds its notifications to the same transaction.

    The key is unique in the database: a conflict means the other sending committed first,
    so this one is rolled back whole (its notifications too) and answers with that row.
    """
    author, proposal = contribution.author, contribution.proposal
    db.session.add(contribution)
    try:
        if announce is not None:
            announce(contribution)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        earlier = _holder(contribution.idempotency_key)
        if not _same_form(earlier, author, proposal):
            raise
        return earlier
    return contribution


@retry_when_busy
def post_contribution(
    author: User,
    proposal: Proposal,
    kind: ContributionKind,
    body: str,
    display_mode: DisplayMode,
    parent: Contribution | None = None,
    lang: str = "fr",
    idempotency_key: str | None = None,
    audio: CheckedAudio | None = None,
) -> Contribution:
    """A testimony, comment or reply under one's account, held or published as the
    workshop's moderation setting says (a spoken testimony always waits for a moderator)."""
    if not policy.can_contribute(author):
        raise PermissionDenied
    if kind is ContributionKind.REPLY and (parent is None or not policy.can_reply(author, parent)):
        raise PermissionDenied
    earlier, idempotency_key = _once(idempotency_key, author, proposal)
    if earlier:
        return earlier
    contribution = Contribution(
        idempotency_key=idempotency_key,
        proposal=proposal,
        kind=kind,
        parent=parent,
        author=author,
        display_mode=display_mode,
        body=_testimony_body(body, audio)
        if kind is ContributionKind.TESTIMONY
        else _check_length(kind, body),
        lang=_check_lang(lang),
        state=_initial_state(author, proposal),
    )
    _with_audio(contribution, audio)
    if kind is ContributionKind.REPLY and contribution.state is ContributionState.PUBLISHED:
        notify_reply(contribution)
    return _saved_with_audio(contribution, audio)


@retry_when_busy
def post_response_reply(
    author: User,
    response: OfficialResponse,
    body: str,
    display_mode: DisplayMode,
    lang: str = "fr",
    idempotency_key: str | None = None,
) -> Contribution:
    """The right of reply under an institution's official response, moderated like comments."""
    if not policy.can_reply_to_response(author, response):
        raise PermissionDenied
    earlier, idempotency_key = _once(idempotency_key, author, response.proposal)
    if earlier:
        return earlier
    reply = Contribution(
        idempotency_key=idempotency_key,
        proposal=response.proposal,
        kind=ContributionKind.REPLY,
        response=response,
        author=author,
        display_mode=display_mode,
        body=_check_length(ContributionKind.REPLY, body),
        lang=_check_lang(lang),
        state=_initial_state(author, response.proposal),
    )
    published = reply.state is ContributionState.PUBLISHED
    return _save(reply, announce=outreach.tell_reply if published else None)


@retry_when_busy
def post_guest_testimony(
    proposal: Proposal,
    body: str,
    name: str,
    contact: str,
    lang: str = "fr",
    idempotency_key: str | None = None,
    page_locale: str | None = None,
    audio: CheckedAudio | None = None,
    receipt_hash: str | None = None,
) -> Contribution:
    """A testimony from someone without an account: always held for moderation. The site
    language they wrote from (``page_locale``) is kept: the moderation's answer is e-mailed
    in it. ``receipt_hash`` is saved with it, only on a new testimony: the same form sent
    again returns the earlier one, its receipt unchanged."""
    text = _testimony_body(body, audio)
    earlier, idempotency_key = _once(idempotency_key, None, proposal, text)
    if earlier:
        return earlier
    guest_testimony = Contribution(
        idempotency_key=idempotency_key,
        proposal=proposal,
        kind=ContributionKind.TESTIMONY,
        display_mode=DisplayMode.PSEUDONYM if name.strip() else DisplayMode.ANONYMOUS,
        body=text,
        lang=_check_lang(lang),
        guest_name=name.strip(),
        guest_contact=contact.strip(),
        page_locale=page_locale if page_locale in current_app.config["LANGUAGES"] else None,
        state=ContributionState.PENDING,
        receipt_hash=receipt_hash,
    )
    return _saved_with_audio(_with_audio(guest_testimony, audio), audio)


@retry_when_busy
def post_assisted_testimony(
    recorder: User,
    proposal: Proposal,
    organisation: Organisation,
    body: str,
    first_name: str,
    lang: str = "fr",
    idempotency_key: str | None = None,
    consent: bool = False,
    audio: CheckedAudio | None = None,
) -> Contribution:
    """A testimony recorded by an association member for a beneficiary who consented."""
    if organisation not in policy.association_memberships(recorder):
        raise PermissionDenied
    if consent is not True:  # never stored on a maybe: only an explicit yes is a consent
        raise ConsentRequired(_("Le témoignage ne peut être publié sans l’accord de la personne."))
    earlier, idempotency_key = _once(idempotency_key, recorder, proposal)
    if earlier:
        return earlier
    assisted = Contribution(
        idempotency_key=idempotency_key,
        proposal=proposal,
        kind=ContributionKind.TESTIMONY,
        author=recorder,
        display_mode=DisplayMode.PSEUDONYM if first_name.strip() else DisplayMode.ANONYMOUS,
        guest_name=first_name.strip(),
        recorded_for=organisation,
        consent_confirmed_at=utcnow(),
        body=_testimony_body(body, audio),
        lang=_check_lang(lang),
        state=_initial_state(recorder, proposal),
    )
    return _saved_with_audio(_with_audio(assisted, audio), audio)


@retry_when_busy
def edit_contribution(
    editor: User, contribution: Contribution, body: str, lang: str | None = None
) -> Contribution:
    """Its author corrects it within the edit window; a held author's edit is held again."""
    if not policy.can_edit_contribution(editor, contribution):
        raise PermissionDenied
    spoken = contribution.audio is not None and not body.strip()  # the recording says it
    contribution.body = "" if spoken else _check_length(contribution.kind, body)
    contribution.lang = _check_lang(lang or contribution.lang)
    contribution.edited_at = utcnow()
    contribution.version += 1  # a moderator's decision on the old text no longer applies
    if contribution.state is ContributionState.PUBLISHED and policy.is_premoderated(
        editor, contribution.proposal.theme
    ):
        contribution.state = ContributionState.PENDING
    db.session.commit()
    return contribution


@retry_when_busy
def reword_hidden_contribution(
    author: User, contribution: Contribution, body: str, lang: str | None = None
) -> Contribution:
    """Its author rewords a hidden contribution: held again until a moderator decides."""
    if not policy.can_reword_hidden(author, contribution):
        raise PermissionDenied
    # Only from "hidden", as a moderator's decision compares-and-sets: one of the two wins.
    updated = db.session.execute(
        sa.update(Contribution)
        .where(
            Contribution.id == contribution.id,
            Contribution.state == ContributionState.HIDDEN,
            Contribution.version == contribution.version,
        )
        .values(
            body=_check_length(contribution.kind, body),
            lang=_check_lang(lang or contribution.lang),
            edited_at=utcnow(),
            state=ContributionState.PENDING,
            version=Contribution.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if updated.rowcount != 1:
        db.session.rollback()
        raise ServiceError(_("Cette contribution vient d’être traitée par la modération."))
    # No actor: the audit log must not tie an anonymous contribution to its account.
    audit.record(None, AuditAction.CONTRIBUTION_REWORDED, "contribution", contribution.id)
    db.session.commit()
    db.session.refresh(contribution)
    return contribution


@retry_when_busy
def withdraw_contribution(author: User, contribution: Contribution) -> None:
    """Its author takes it back; it shows as withdrawn and its replies stay."""
    if not policy.can_withdraw_contribution(author, contribution):
        raise PermissionDenied
    mark_withdrawn(contribution)
    db.session.commit()


def mark_withdrawn(contribution: Contribution) -> None:
    """What any withdrawal does, by its author or through a guest's receipt (the caller
    commits): shown as withdrawn, no longer quoted, its voice and sheet photo deleted."""
    contribution.withdrawn_at = utcnow()
    contribution.featured_at = contribution.featured_by_id = None
    forget_sheet_photo(contribution)
    audio_service.delete_recordings(Contribution.id == contribution.id)


@retry_when_busy
def flag_contribution(user: User, contribution: Contribution, reason: FlagReason, details: str):
    """Report a contribution; enough distinct reports hide it until a moderator decides."""
    if not policy.can_flag(user, contribution):
        raise PermissionDenied
    already = db.session.scalar(
        sa.select(Flag.id).where(Flag.contribution_id == contribution.id, Flag.user_id == user.id)
    )
    if already:
        raise ServiceError(_("Vous avez déjà signalé cette contribution."))
    db.session.add(Flag(contribution=contribution, user=user, reason=reason, details=details))
    try:
        db.session.flush()
    except IntegrityError as error:  # the same person, twice at the same moment
        db.session.rollback()
        raise ServiceError(_("Vous avez déjà signalé cette contribution.")) from error
    open_flags = db.session.scalar(
        sa.select(sa.func.count(Flag.id)).where(
            Flag.contribution_id == contribution.id, Flag.resolved_at.is_(None)
        )
    )
    if open_flags >= current_app.config["FLAG_HIDE_THRESHOLD"]:
        auto_hide(contribution)
    db.session.commit()
