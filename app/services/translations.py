"""Translations of what people read (reads: ``app/queries/translators.py``; shown through
``app/web/content_language.py``).

A translation is saved field by field from the side-by-side form. Two translators may work
on the same text at once, and the original may change while they write: the form carries,
for each field, the revision of the translation it started from and the digest of the
original it showed. A save made from an older revision, or against an original changed
since, is refused with the reason; the form comes back with the text typed, nothing lost.

When an original changes, its translations are marked outdated in the same flush (a
session event): pages show them with a note and the original, and the translators' queue
lists them.
"""

from flask import Flask
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy import inspect as orm_inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app import policy
from app.extensions import db
from app.models import (
    ORIGINAL_LANGUAGE,
    AuditAction,
    Proposal,
    Translation,
    Translator,
    User,
    source_digest,
    utcnow,
)
from app.queries.translators import translations_of
from app.services import PermissionDenied, ServiceError, audit, retry_when_busy
from app.text import too_long_message
from app.web.content_language import fields_of, kind_of


def field_limit(obj, field: str) -> int:
    """The longest a translation of this field may be: the original column's length, with
    room for a language that takes more letters; the translation table's limit otherwise."""
    length = getattr(type(obj).__table__.c[field].type, "length", None)
    return min(length * 2, Translation.TEXT_MAX) if length else Translation.TEXT_MAX


def _check(actor: User, obj, lang: str) -> None:
    if lang not in policy.translation_languages():
        raise ServiceError(_("Choisissez une langue du site."), field="lang")
    if kind_of(obj) is None:
        raise ServiceError(_("Ce texte ne se traduit pas."))
    if not policy.can_translate(actor, obj, lang):
        raise PermissionDenied


def _texts_to_save(obj, texts: dict[str, str]) -> dict[str, str]:
    """The fields typed: at least one; an empty one is left as it was."""
    kind = kind_of(obj)
    typed = {
        field: (texts.get(field) or "").strip().replace("\r\n", "\n")
        for field in fields_of(kind)
        if getattr(obj, field)
    }
    typed = {field: text for field, text in typed.items() if text}
    if not typed:
        first = next((f for f in fields_of(kind) if getattr(obj, f)), fields_of(kind)[0])
        raise ServiceError(_("Écrivez la traduction avant d’enregistrer."), field=first)
    for field, text in typed.items():
        if len(text) > (limit := field_limit(obj, field)):
            raise ServiceError(too_long_message(len(text), limit), field=field)
    return typed


def _rows(obj, lang: str) -> dict[str, Translation]:
    return translations_of(obj, kind_of(obj), lang)


def _saved_meanwhile(field: str) -> ServiceError:
    return ServiceError(
        _(
            "Quelqu’un a enregistré une autre traduction de ce texte pendant que vous "
            "écriviez. Comparez-la avec la vôtre, gardée ci-dessous, puis enregistrez "
            "à nouveau."
        ),
        field=field,
    )


def _check_bases(obj, rows: dict, typed: dict, revisions: dict, digests: dict) -> None:
    """Refuse a save made from an older translation or against a changed original."""
    for field in typed:
        row = rows.get(field)
        if (row.revision if row else 0) != revisions.get(field, 0):
            raise _saved_meanwhile(field)
        if source_digest(getattr(obj, field)) != digests.get(field):
            raise ServiceError(
                _(
                    "L’original a changé pendant que vous traduisiez : relisez-le à gauche. "
                    "Votre traduction est gardée ci-dessous ; enregistrez-la à nouveau "
                    "quand elle suit le nouvel original."
                ),
                field=field,
            )


def _write(obj, lang: str, field: str, text: str, row: Translation | None, actor: User | None):
    original = getattr(obj, field)
    if row is None:
        row = Translation(kind=kind_of(obj), object_id=obj.id, field=field, lang=lang)
        db.session.add(row)
    row.text = text
    row.source_hash = source_digest(original)
    row.source_text = original
    row.outdated = False
    row.translator = actor
    row.by_network = actor is None  # the revision is counted by the ORM (version_id_col)
    row.updated_at = utcnow()
    return row


@retry_when_busy
def save_translation(
    actor: User,
    obj,
    lang: str,
    texts: dict[str, str],
    *,
    revisions: dict[str, int],
    digests: dict[str, str],
) -> list[Translation]:
    """Save the fields typed in ``lang``, each against the revision and original it was
    written from (``revisions``: 0 for a field never translated; ``digests``: the
    ``source_digest`` of the original the form showed)."""
    _check(actor, obj, lang)
    typed = _texts_to_save(obj, texts)
    rows = _rows(obj, lang)
    _check_bases(obj, rows, typed, revisions, digests)
    saved = [
        _write(obj, lang, field, text, rows.get(field), actor) for field, text in typed.items()
    ]
    _audit(actor, AuditAction.TRANSLATION_SAVED, obj, lang, sorted(typed))
    try:
        db.session.commit()
    # Another translator's save of the same field came first: their first one (the unique
    # key), or a later one (the UPDATE matched no row at the revision read).
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        raise _saved_meanwhile(next(iter(typed))) from None
    return saved


def _audit(actor: User, action: AuditAction, obj, lang: str, fields: list[str]) -> None:
    """What was done to which text, in which language: never the text itself."""
    kind = kind_of(obj).value
    audit.record(actor, action, kind, obj.id, kind=kind, lang=lang, fields=fields)


@retry_when_busy
def remove_translation(actor: User, obj, lang: str) -> list[str]:
    """Take down an object's translation into ``lang`` (every field, with the original it
    was made from): readers read the French original again. For a translation still
    showing what the original no longer says (a phone number taken out, say)."""
    if lang not in policy.translation_languages():
        raise ServiceError(_("Choisissez une langue du site."), field="lang")
    if kind_of(obj) is None:
        raise ServiceError(_("Ce texte ne se traduit pas."))
    if not policy.can_remove_translation(actor, obj, lang):
        raise PermissionDenied
    rows = _rows(obj, lang)
    if not rows:
        raise ServiceError(_("Ce texte n’a pas de traduction dans cette langue."))
    for row in rows.values():
        db.session.delete(row)
    _audit(actor, AuditAction.TRANSLATION_REMOVED, obj, lang, sorted(rows))
    try:
        db.session.commit()
    except StaleDataError:  # saved or removed meanwhile: nothing taken down unseen
        db.session.rollback()
        raise ServiceError(
            _("Quelqu’un a changé cette traduction entre-temps : relisez-la avant de la retirer.")
        ) from None
    return sorted(rows)


def add_network_translation(obj, lang: str, texts: dict[str, str]) -> None:
    """The network's own translation (the demonstration's): no person named, no commit."""
    rows = _rows(obj, lang)
    for field, text in texts.items():
        if text and getattr(obj, field):
            _write(obj, lang, field, text.strip(), rows.get(field), None)


@retry_when_busy
def name_translator(actor: User, user: User, lang: str) -> Translator:
    """An admin asks someone to translate into a language (once per language)."""
    if not policy.can_name_translators(actor):
        raise PermissionDenied
    if lang not in policy.translation_languages():
        raise ServiceError(_("Choisissez une langue du site."), field="lang")
    if not user.active or user.deleted_at is not None:
        raise ServiceError(_("Ce compte n’est pas actif."), field="user")
    existing = db.session.scalar(
        db.select(Translator).where(Translator.user_id == user.id, Translator.lang == lang)
    )
    if existing is not None:
        return existing
    role = Translator(user=user, lang=lang, granted_by=actor)
    db.session.add(role)
    audit.record(actor, AuditAction.TRANSLATOR_NAMED, "user", user.id, lang=lang)
    db.session.commit()
    return role


@retry_when_busy
def remove_translator(actor: User, role: Translator) -> None:
    if not policy.can_name_translators(actor):
        raise PermissionDenied
    audit.record(actor, AuditAction.TRANSLATOR_REMOVED, "user", role.user_id, lang=role.lang)
    db.session.delete(role)
    db.session.commit()


@retry_when_busy
def write_easy_read(actor: User, proposal: Proposal, text: str, *, was: str) -> Proposal:
    """Write a proposal's French easy-read summary from the translators' queue. ``was``:
    the ``source_digest`` of the summary the form showed; someone else's summary written
    meanwhile is never overwritten unseen."""
    if not policy.can_write_easy_read(actor, proposal):
        if policy.is_translator(actor) and source_digest(proposal.easy_read) != was:
            raise _summary_written_meanwhile()  # one was written since the form opened
        raise PermissionDenied
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ServiceError(_("Écrivez le résumé avant d’enregistrer."), field="easy_read")
    if len(text) > Proposal.EASY_READ_MAX:
        raise ServiceError(too_long_message(len(text), Proposal.EASY_READ_MAX), field="easy_read")
    if source_digest(proposal.easy_read) != was:
        raise _summary_written_meanwhile()
    proposal.easy_read = text
    audit.record(
        actor, AuditAction.EASY_READ_WRITTEN, "proposal", proposal.id,
        kind="proposal", lang=ORIGINAL_LANGUAGE, fields=["easy_read"],
    )  # fmt: skip
    db.session.commit()
    return proposal


def _summary_written_meanwhile() -> ServiceError:
    return ServiceError(
        _(
            "Quelqu’un a écrit un autre résumé pendant que vous écriviez. Comparez-le "
            "avec le vôtre, gardé ci-dessous, puis enregistrez à nouveau."
        ),
        field="easy_read",
    )


# --- originals that change outdate their translations -------------------------------------


def _changed_fields(obj) -> list[str]:
    state = orm_inspect(obj)
    kind = kind_of(obj)
    return [field for field in fields_of(kind) if state.attrs[field].history.has_changes()]


def _outdate(connection, obj, field: str) -> None:
    """Translations of the field made from another original are outdated; one made from
    this very text (an original changed back) is current again."""
    digest = source_digest(getattr(obj, field) or "")
    table = Translation.__table__
    same = (table.c.kind == kind_of(obj).value) & (table.c.object_id == obj.id)
    same &= table.c.field == field
    connection.execute(
        table.update()
        .where(same, table.c.source_hash != digest, ~table.c.outdated)
        .values(outdated=True)
    )
    connection.execute(
        table.update().where(same, table.c.source_hash == digest).values(outdated=False)
    )


def _drop(connection, obj) -> None:
    table = Translation.__table__
    connection.execute(
        table.delete().where(table.c.kind == kind_of(obj).value, table.c.object_id == obj.id)
    )


def _before_flush(session, flush_context, instances) -> None:
    connection = None
    for obj in session.dirty:
        if kind_of(obj) is None or obj.id is None:
            continue
        for field in _changed_fields(obj):
            connection = connection or session.connection()
            _outdate(connection, obj, field)
    for obj in session.deleted:
        if kind_of(obj) is not None and obj.id is not None:
            _drop(connection or session.connection(), obj)


def init_app(app: Flask) -> None:
    event.listen(db.session, "before_flush", _before_flush)
