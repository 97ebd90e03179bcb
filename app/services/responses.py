"""Official responses of institutions, their commitments, follow-up updates, and the
notice to associations when an answer is overdue; responses received by letter, e-mail or
in a meeting, recorded on the institution's behalf with their document."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app import policy
from app.calendar import to_paris
from app.extensions import db
from app.models import (
    RECORDED_CHANNELS,
    AddressedInstitution,
    AuditAction,
    Commitment,
    CommitmentState,
    NotificationKind,
    OfficialResponse,
    Organisation,
    Position,
    ProgressUpdate,
    Proposal,
    ProposalStatus,
    ReceivedVia,
    ResponseAttachment,
    ResponseVersion,
    User,
    paris_today,
    positions_for,
    utcnow,
)
from app.queries.responses import current_response
from app.services import PermissionDenied, ServiceError, answer_links, outreach, retry_when_busy
from app.services import audit as audit_service
from app.services.events import notify_followers
from app.services.notifications import SUBJECTS, notify, queue_email, recipient_language
from app.services.proposals import apply_status_change
from app.text import too_long_message
from app.web.incoming import megabytes
from app.web.links import public_url


@retry_when_busy
def publish_response(
    rep: User,
    proposal: Proposal,
    institution: Organisation,
    *,
    position: Position,
    body: str,
    competent_body: str = "",
    easy_read: str = "",
) -> OfficialResponse:
    """Publish the institution's response, or edit it: the earlier version is kept."""
    if not policy.can_respond(rep, proposal, institution):
        raise PermissionDenied
    response = write_response(
        proposal,
        institution,
        author=rep,
        position=position,
        body=body,
        competent_body=competent_body,
        easy_read=easy_read,
    )
    db.session.commit()
    return response


def write_response(
    proposal: Proposal,
    institution: Organisation,
    *,
    author: User | None,
    position: Position,
    body: str,
    competent_body: str = "",
    easy_read: str = "",
    received_via: ReceivedVia = ReceivedVia.SITE,
    received_at: date | None = None,
    recorded_by: Organisation | None = None,
    recorder: User | None = None,
) -> OfficialResponse:
    """Create or edit the institution's response in the caller's transaction (the caller
    checked who may): the earlier version kept (with how it came), the first response moves
    the proposal on, followers told. ``author`` is None when it came through an answer link
    or was recorded on the institution's behalf: then ``recorder`` is the person who typed
    it in (never its author), with the channel, the day and the organisation. The
    easy-read summary is optional, every way of answering alike."""
    if position not in positions_for(institution):
        raise ServiceError(_("Choisissez une position de la liste."), field="position")
    if position is Position.NOT_COMPETENT and not competent_body.strip():
        raise ServiceError(_("Indiquez qui est compétent."), field="competent_body")
    easy_read = _easy_read(easy_read)
    response = current_response(proposal, institution)
    if response is None:
        now = utcnow()  # one instant for both, or a new response would read as edited
        response = OfficialResponse(
            proposal=proposal, institution=institution, created_at=now, updated_at=now
        )
    else:
        _keep_version(response)
        response.updated_at = utcnow()
    response.author = author
    response.position = position
    response.body = body.strip()
    response.competent_body = competent_body.strip()
    response.easy_read = easy_read
    response.received_via = received_via
    response.received_at = received_at
    response.recorded_by = recorded_by
    response.recorder = recorder
    actor = author or recorder
    if response.id is None:
        db.session.add(response)
        _insert_first(response)
        _first_response_moves_proposal(actor, proposal, institution)
    notify_followers(
        proposal,
        NotificationKind.NEW_RESPONSE,
        actor,
        institution=institution.name,
        position=position.value,
    )
    return response


def _easy_read(text: str) -> str:
    """The easy-read summary as kept: the form's limit checked again (the column has no
    size), the same message as the form's."""
    text = (text or "").strip().replace("\r\n", "\n")
    if len(text) > OfficialResponse.EASY_READ_MAX:
        raise ServiceError(
            too_long_message(len(text), OfficialResponse.EASY_READ_MAX), field="easy_read"
        )
    return text


def _insert_first(response: OfficialResponse) -> None:
    """Write a first response now: another first response of the same organisation to the
    same proposal, committed at the same instant (a representative and the answer link, two
    representatives), makes it a clear refusal instead of an error page."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ServiceError(
            _(
                "Une réponse vient d’être publiée au nom de l’organisation : rechargez la "
                "page pour la voir."
            )
        ) from None


def _keep_version(response: OfficialResponse) -> None:
    db.session.add(
        ResponseVersion(
            response_id=response.id,
            author_id=response.author_id,
            position=response.position,
            competent_body=response.competent_body,
            body=response.body,
            easy_read=response.easy_read,
            written_at=response.updated_at,
            received_via=response.received_via,
            received_at=response.received_at,
            recorded_by_id=response.recorded_by_id,
        )
    )


def _first_response_moves_proposal(rep: User | None, proposal: Proposal, institution: Organisation):
    if proposal.status is ProposalStatus.SENT:
        reason = _("Réponse de %(name)s.", name=institution.name)
        apply_status_change(rep, proposal, ProposalStatus.ANSWERED, reason)


@retry_when_busy
def add_commitment(rep: User, response: OfficialResponse, action: str, due_on: date):
    """A dated commitment under the institution's response."""
    if not policy.can_respond(rep, response.proposal, response.institution):
        raise PermissionDenied
    commitment = Commitment(response=response, action=action.strip(), due_on=due_on)
    db.session.add(commitment)
    _progress(rep, response, commitment, _("Nouvel engagement : %(action)s", action=action))
    db.session.commit()
    return commitment


@retry_when_busy
def update_commitment(
    rep: User,
    commitment: Commitment,
    *,
    state: CommitmentState,
    due_on: date,
    note: str = "",
    drop_reason: str = "",
) -> Commitment:
    """Keep a commitment up to date; dropping it needs a reason. On the public timeline."""
    if not policy.can_manage_commitment(rep, commitment):
        raise PermissionDenied
    if state is CommitmentState.DROPPED and not drop_reason.strip():
        raise ServiceError(_("Indiquez pourquoi l’engagement est abandonné."))
    commitment.state = state
    commitment.due_on = due_on
    commitment.drop_reason = drop_reason.strip() if state is CommitmentState.DROPPED else ""
    text = note.strip() or commitment.drop_reason
    summary = _(
        "Engagement « %(action)s » : %(state)s.",
        action=commitment.action,
        state=_state_label(state),
    )
    _progress(rep, commitment.response, commitment, f"{summary}\n{text}".strip())
    db.session.commit()
    return commitment


def _state_label(state: CommitmentState) -> str:
    from app.labels import commitment_state_label

    return commitment_state_label(state)


def _progress(rep: User, response: OfficialResponse, commitment: Commitment, body: str) -> None:
    update = ProgressUpdate(
        proposal=response.proposal,
        author=rep,
        organisation=response.institution,
        body=body,
        commitment=commitment,
    )
    db.session.add(update)
    notify_followers(response.proposal, NotificationKind.PROGRESS_UPDATE, rep, excerpt=body[:200])


@retry_when_busy
def post_update(
    author: User,
    proposal: Proposal,
    body: str,
    organisation: Organisation | None = None,
    new_status: ProposalStatus | None = None,
) -> ProgressUpdate:
    """Follow-up news on a proposal, optionally with a status change (one timeline entry)."""
    if not policy.can_post_update(author, proposal):
        raise PermissionDenied
    if new_status is not None and not policy.can_change_status(author, proposal):
        raise PermissionDenied
    update = ProgressUpdate(
        proposal=proposal, author=author, organisation=organisation, body=body.strip()
    )
    if new_status is not None and new_status is not proposal.status:
        update.status_change = apply_status_change(author, proposal, new_status, body)
    else:
        notify_followers(
            proposal, NotificationKind.PROGRESS_UPDATE, author, excerpt=body.strip()[:200]
        )
    db.session.add(update)
    db.session.commit()
    return update


def notify_overdue_responses(today: date) -> int:
    """Tell each proposal's association, once, that an institution's answer is overdue."""
    answered = sa.exists().where(
        OfficialResponse.proposal_id == AddressedInstitution.proposal_id,
        OfficialResponse.institution_id == AddressedInstitution.institution_id,
    )
    overdue = db.session.scalars(
        sa.select(AddressedInstitution).where(
            # Never sent on the site: no answer is awaited, none can be late.
            AddressedInstitution.sent_at.is_not(None),
            AddressedInstitution.response_due_on < today,
            AddressedInstitution.overdue_notified_at.is_(None),
            ~answered,
        )
    ).all()
    for item in overdue:
        proposal = item.proposal
        members = proposal.organisation.members if proposal.organisation else []
        for member in members:
            notify(
                member,
                NotificationKind.RESPONSE_OVERDUE,
                proposal=proposal,
                institution=item.institution.name,
                due_on=item.response_due_on.isoformat(),
            )
        item.overdue_notified_at = utcnow()
    db.session.commit()
    return len(overdue)


# Responses received by letter, e-mail or in a meeting, recorded on the institution's behalf.

# What a document may be, told by its first bytes, never by its name or declared type.
DOCUMENT_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
}
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|;]+')


@dataclass(frozen=True)
class Document:
    """A file sent with a recorded response: its name as sent and its bytes."""

    file_name: str
    content: bytes


def document_type(content: bytes) -> str | None:
    """The media type of a PDF, PNG, JPEG or WebP file, read from its first bytes; None for
    anything else (whatever its name says)."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(content) >= 12 and content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def document_problem(content: bytes) -> str | None:
    """Why this file cannot be a response's document, or None."""
    limit = current_app.config["RESPONSE_ATTACHMENT_MAX_BYTES"]
    if not content:
        return _("Le document est vide : choisissez à nouveau le document.")
    if len(content) > limit:
        return _(
            "Le document est trop volumineux (%(size)s au plus) : envoyez un fichier plus "
            "petit, ou seulement les pages de la réponse.",
            size=megabytes(limit),
        )
    if document_type(content) is None:
        return _(
            "Ce fichier n’est ni un PDF ni une image (PNG, JPEG ou WebP), quel que soit son "
            "nom : choisissez à nouveau le document, dans l’un de ces formats."
        )
    return None


def stored_file_name(file_name: str, media_type: str) -> str:
    """The name the document is stored and downloaded under: no path, no control or
    quoting character, the extension of what it really is."""
    name = unicodedata.normalize("NFC", file_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = _UNSAFE_NAME.sub(" ", name.rsplit(".", 1)[0] if "." in name else name)
    stem = " ".join(stem.split()).strip(". ") or "document"
    extension = DOCUMENT_TYPES[media_type]
    return stem[: ResponseAttachment.FILE_NAME_MAX - len(extension)] + extension


def earliest_reception(proposal: Proposal) -> date:
    """The first day a response to the proposal can have been received: the day it was
    filed, or the day of the event it comes from when that was earlier (an imported 2015
    proposal had its letters in 2015)."""
    filed = to_paris(proposal.created_at).date() if proposal.created_at else paris_today()
    if proposal.event is not None and proposal.event.held_on < filed:
        return proposal.event.held_on
    return filed


def reception_problem(proposal: Proposal, day: date) -> str | None:
    """Why this cannot be the day the response was received, or None."""
    if day > paris_today():
        return _("Cette date est à venir : indiquez le jour où la réponse a été reçue.")
    earliest = earliest_reception(proposal)
    if day < earliest:
        return _(
            "La proposition n’existait pas encore à cette date : indiquez un jour à partir "
            "du %(date)s.",
            date=_long_date(earliest),
        )
    return None


def _long_date(day: date) -> str:
    return format_date(day, "long")


@retry_when_busy
def record_response(
    user: User,
    proposal: Proposal,
    institution: Organisation,
    *,
    received_via: ReceivedVia,
    received_at: date,
    position: Position,
    body: str,
    competent_body: str = "",
    easy_read: str = "",
    recorded_by: Organisation | None = None,
    document: Document | None = None,
    remove_document: bool = False,
) -> OfficialResponse:
    """Record the response an institution gave by letter, e-mail or in a meeting, with its
    document (kept in the database; an earlier one replaced). The earlier text is kept, the
    institution is e-mailed a copy with a link to correct it, its representatives told."""
    _check_recording(user, proposal, institution, received_via, received_at, body, recorded_by)
    media_type = _check_document(document)
    response = write_response(
        proposal,
        institution,
        author=None,  # the institution's words: the member only typed them in
        position=position,
        body=body,
        competent_body=competent_body,
        easy_read=easy_read,
        received_via=received_via,
        received_at=received_at,
        recorded_by=recorded_by,
        recorder=user,
    )
    db.session.flush()
    if document is not None:
        _store_document(user, response, document, media_type)
    elif remove_document and response.attachment is not None:
        db.session.delete(response.attachment)
    audit_service.record(
        user,
        AuditAction.RESPONSE_RECORDED,
        "official_response",
        response.id,
        proposal_id=proposal.id,
        institution_id=institution.id,
        received_via=received_via.value,
        recorded_by_id=recorded_by.id if recorded_by else None,
        document=document is not None,
    )
    _tell_institution(response)
    db.session.commit()
    return response


def _check_recording(user, proposal, institution, received_via, received_at, body, recorded_by):
    if not policy.can_record_response(user, proposal, institution):
        raise PermissionDenied
    if received_via not in RECORDED_CHANNELS:
        raise ServiceError(_("Choisissez comment la réponse a été reçue."), field="received_via")
    if received_at is None:
        raise ServiceError(_("Indiquez la date de réception (jj/mm/aaaa)."), field="received_at")
    if problem := reception_problem(proposal, received_at):
        raise ServiceError(problem, field="received_at")
    if not body.strip():
        raise ServiceError(_("Écrivez le texte de la réponse."), field="body")
    fits = recorded_by is None or proposal.example or not recorded_by.example
    if not (fits and policy.can_record_for(user, proposal, recorded_by)):
        raise ServiceError(
            _("Choisissez une association dont vous êtes membre."), field="recorded_by_id"
        )
    if not policy.can_record_over(user, current_response(proposal, institution)):
        raise ServiceError(
            _(
                "L’institution a publié cette réponse elle-même : seule la coordination du "
                "réseau peut en enregistrer une nouvelle version."
            ),
            field="body",
        )


def _check_document(document: Document | None) -> str | None:
    if document is None:
        return None
    if problem := document_problem(document.content):
        raise ServiceError(problem, field="document")
    return document_type(document.content)


def _store_document(user: User, response: OfficialResponse, document: Document, media_type):
    """The document, in place of any earlier one (one row per response)."""
    attachment = response.attachment or ResponseAttachment(response=response)
    attachment.file_name = stored_file_name(document.file_name, media_type)
    attachment.media_type = media_type
    attachment.size = len(document.content)
    attachment.content = document.content
    attachment.uploaded_by_id = user.id
    attachment.created_at = utcnow()
    db.session.add(attachment)


def _tell_institution(response: OfficialResponse) -> None:
    """A copy to its verified official address, with a link to correct it (never for an
    example proposal: the example institution's address is no one's); a notification to
    each of its members who may answer (the same people told and reminded)."""
    institution, proposal = response.institution, response.proposal
    if institution.official_email_verified and not proposal.example:
        correct_url = answer_links.issue(proposal, institution, response=response)
        locale = recipient_language(institution.official_locale)
        with force_locale(locale):
            subject = str(SUBJECTS[NotificationKind.RESPONSE_RECORDED])
            body = render_template(
                "responses/record_copy_email.txt",
                response=response,
                proposal=proposal,
                institution=institution,
                correct_url=correct_url,
                proposal_url=public_url("proposals.show", proposal_id=proposal.id),
            )
        queue_email(institution.official_email, subject, body)
    for member in outreach.answerers(proposal, institution):
        notify(
            member,
            NotificationKind.RESPONSE_RECORDED,
            proposal=proposal,
            institution=institution.name,
            response_id=response.id,
            received_via=response.received_via.value,
            received_at=response.received_at.isoformat(),
            recorded_by=response.recorded_by.name if response.recorded_by else None,
        )
