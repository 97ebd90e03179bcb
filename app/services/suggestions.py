"""Participants' suggestions of proposals: a person suggests, withdraws while it waits; a
member of an association takes it up (the association files a proposal made of it, the
person credited as they chose), or a moderator declines it with a reason. The person is
told either way.

Each public function is one transaction, committed here. Two people deciding at once: the
decision is a conditional update on the waiting state, so one wins and the other is told.
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from app import policy, queries
from app.extensions import db
from app.labels import WRITING_LANGUAGES
from app.models import (
    AuditAction,
    DisplayMode,
    Follow,
    NotificationKind,
    Organisation,
    Suggestion,
    SuggestionState,
    Theme,
    User,
    utcnow,
)
from app.services import PermissionDenied, ServiceError, audit, retry_when_busy
from app.services.notifications import notify
from app.services.proposals import file_proposal, is_following
from app.text import too_long_message

WAITING = SuggestionState.WAITING


def already_decided() -> str:
    """What the second of two decisions at once is told."""
    return _("Cette suggestion a déjà été reprise, déclinée ou retirée.")


def clean(text: str | None) -> str:
    """Stored texts use LF line breaks, without surrounding spaces."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _checked_text(title: str, body: str) -> tuple[str, str]:
    title, body = clean(title), clean(body)
    if not title:
        raise ServiceError(_("Donnez un titre à votre suggestion."), field="title")
    if len(title) > Suggestion.TITLE_MAX:
        raise ServiceError(too_long_message(len(title), Suggestion.TITLE_MAX), field="title")
    if not body:
        raise ServiceError(_("Dites ce qui devrait changer, et pourquoi."), field="body")
    if len(body) > Suggestion.BODY_MAX:
        raise ServiceError(too_long_message(len(body), Suggestion.BODY_MAX), field="body")
    return title, body


@retry_when_busy
def suggest(
    author: User,
    *,
    title: str,
    body: str,
    lang: str,
    theme: Theme | None,
    display_mode: DisplayMode,
) -> Suggestion:
    """Hold a person's suggestion until an association takes it up or a moderator declines
    it. The same suggestion sent twice (a double click, two tabs) is stored once: the
    person's waiting suggestion with the same title and text is the one returned."""
    if not policy.can_suggest(author):
        raise PermissionDenied
    title, body = _checked_text(title, body)
    if lang not in WRITING_LANGUAGES:
        raise ServiceError(_("Choisissez une langue de la liste."), field="lang")
    _hold(author)
    earlier = queries.suggestions.same_waiting(author, title, body)
    if earlier:
        db.session.rollback()
        return earlier[0]
    suggestion = Suggestion(
        author=author,
        title=title,
        body=body,
        lang=lang,
        theme=theme,
        display_mode=DisplayMode(display_mode),
    )
    db.session.add(suggestion)
    db.session.flush()
    same = queries.suggestions.same_waiting(author, title, body)
    if len(same) > 1:  # sent twice at once (SQLite takes no row lock): keep the first
        db.session.rollback()
        return queries.suggestions.same_waiting(author, title, body)[0]
    db.session.commit()
    return suggestion


def _hold(user: User) -> None:
    """Take the person's row until the commit, so that of two sendings at once the second
    sees the first (PostgreSQL)."""
    db.session.execute(sa.select(User.id).where(User.id == user.id).with_for_update())


@retry_when_busy
def withdraw(user: User, suggestion: Suggestion) -> None:
    """The person takes back their waiting suggestion."""
    if suggestion.author_id != user.id:
        raise PermissionDenied
    _claim(suggestion, state=SuggestionState.WITHDRAWN, decided_at=utcnow())
    db.session.commit()


@retry_when_busy
def take_up(
    actor: User,
    suggestion: Suggestion,
    organisation: Organisation,
    *,
    title: str,
    body: str,
    theme: Theme,
    institution_ids: list[int],
    easy_read: str = "",
):
    """A member files, for their association, the proposal made of a waiting suggestion
    (reworded as the association wishes); the suggestion is taken up by it, the person
    credited as they chose, told, and following the proposal."""
    if not policy.can_take_up(actor, suggestion) or not organisation.is_association:
        raise PermissionDenied
    proposal = file_proposal(
        actor,
        title=title,
        body=body,
        theme=theme,
        organisation=organisation,
        institution_ids=institution_ids,
        easy_read=easy_read,
    )
    db.session.flush()
    _claim(
        suggestion,
        state=SuggestionState.TAKEN_UP,
        organisation_id=organisation.id,
        proposal_id=proposal.id,
        decided_by_id=actor.id,
        decided_at=utcnow(),
    )
    audit.record(
        actor,
        AuditAction.SUGGESTION_TAKEN_UP,
        "suggestion",
        suggestion.id,
        organisation_id=organisation.id,
        proposal_id=proposal.id,
    )
    author = suggestion.author
    if author is not None:
        if not is_following(author, proposal=proposal):
            db.session.add(Follow(user=author, proposal=proposal))
        _tell(author, suggestion, "taken_up", proposal=proposal, organisation=organisation)
    db.session.commit()
    return proposal


@retry_when_busy
def decline(actor: User, suggestion: Suggestion, reason: str) -> None:
    """A moderator declines a waiting suggestion with a reason the person reads."""
    if not policy.can_decline_suggestion(actor, suggestion):
        raise PermissionDenied
    reason = clean(reason)
    if not reason:
        raise ServiceError(
            _("Expliquez pourquoi, avec des mots simples : la personne lira cette raison."),
            field="reason",
        )
    if len(reason) > Suggestion.REASON_MAX:
        raise ServiceError(too_long_message(len(reason), Suggestion.REASON_MAX), field="reason")
    _claim(
        suggestion,
        state=SuggestionState.DECLINED,
        decided_by_id=actor.id,
        decided_at=utcnow(),
        reason=reason,
    )
    audit.record(actor, AuditAction.SUGGESTION_DECLINED, "suggestion", suggestion.id)
    _tell(suggestion.author, suggestion, "declined", reason=reason)
    db.session.commit()


def _claim(suggestion: Suggestion, **values) -> None:
    """Change only a suggestion still waiting: of two decisions at once, one is kept, and
    the other is undone whole and told."""
    claimed = db.session.execute(
        sa.update(Suggestion)
        .where(Suggestion.id == suggestion.id, Suggestion.state == WAITING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise ServiceError(already_decided())
    db.session.expire(suggestion)


def _tell(author: User | None, suggestion: Suggestion, decision: str, **data) -> None:
    """The person hears of the decision on the site, and by e-mail as they chose."""
    organisation = data.pop("organisation", None)
    if organisation is not None:
        data.update(organisation_name=organisation.name, organisation_slug=organisation.slug)
    notify(
        author,
        NotificationKind.SUGGESTION_DECISION,
        decision=decision,
        suggestion_id=suggestion.id,
        title=suggestion.title,
        **data,
    )


def forget_author(user: User) -> None:
    """The person's account goes: their suggestions go with it, but for those taken up,
    whose row stays (emptied of their words) to credit the proposal made of it."""
    mine = Suggestion.author_id == user.id
    taken_up = Suggestion.state == SuggestionState.TAKEN_UP
    db.session.execute(sa.delete(Suggestion).where(mine, ~taken_up))
    db.session.execute(sa.update(Suggestion).where(mine, taken_up).values(title="", body=""))
