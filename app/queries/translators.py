"""The translators' workspace: their queue, the side-by-side form's rows, the admins' list
of translators (writes: ``app/services/translations.py``).

The queue mixes every kind of translatable text in one list, most read first
(``ReadTally``; what a proposal received counts its proposal's reads), then the newest: one
select per kind, joined in a UNION ALL whose rows carry what a line of the queue shows (a
few words of the original, the organisation, the proposal it is about, whether it is an
example), so a page of it costs two statements (its rows and its count) whatever the kinds
on it. Only what any reader sees is listed: public meetings, the charter in force, and
examples marked as such by their ``example`` column.
"""

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from app.extensions import db
from app.models import (
    CharterArticle,
    CharterVersion,
    Commitment,
    Event,
    Meeting,
    OfficialResponse,
    Organisation,
    ProgressUpdate,
    Proposal,
    ReadTally,
    StatedPosition,
    Theme,
    TranslatedKind,
    Translation,
    Translator,
    User,
)
from app.models.user import pseudonym_key
from app.web import content_language
from app.web.content_language import fields_of, model_of

K = TranslatedKind
# What a line of the queue needs besides its kind and id, in the union's column order.
_LINE = ("text", "organisation", "about", "proposal_id", "slug", "anchor", "example", "created")
_TYPES = {
    "text": sa.Text,
    "organisation": sa.Text,
    "about": sa.Text,
    "proposal_id": sa.Integer,
    "slug": sa.Text,
    "anchor": sa.Text,
    "example": sa.Boolean,
    "created": sa.DateTime,
}


def _columns(kind: TranslatedKind, object_id, **line) -> list:
    """The union's columns for one kind; what a kind lacks is a typed NULL (or false)."""
    columns = [sa.literal(kind.value, sa.String(32)).label("kind"), object_id.label("object_id")]
    for name in _LINE:
        value = line.get(name)
        if value is None:
            value = sa.false() if name == "example" else sa.cast(sa.null(), _TYPES[name])
        elif name in ("text", "organisation", "about", "slug", "anchor"):
            value = sa.cast(value, sa.Text)
        columns.append(value.label(name))
    return columns


def _anchor(prefix: str, column):
    return sa.literal(prefix, sa.Text) + sa.cast(column, sa.Text)


def _has_original(model, field: str):
    return sa.func.coalesce(getattr(model, field), "") != ""


def _translation(kind: TranslatedKind, object_id, field: str, lang: str, *extra):
    return sa.exists().where(
        Translation.kind == kind,
        Translation.object_id == object_id,
        Translation.field == field,
        Translation.lang == lang,
        *extra,
    )


def missing(kind: TranslatedKind, lang: str):
    """Some field with an original has no translation in ``lang``."""
    model = model_of(kind)
    return sa.or_(
        *(
            sa.and_(_has_original(model, field), ~_translation(kind, model.id, field, lang))
            for field in fields_of(kind)
        )
    )


def outdated(kind: TranslatedKind, lang: str):
    """Some field with an original has a translation made from an earlier original."""
    model = model_of(kind)
    return sa.or_(
        *(
            sa.and_(
                _has_original(model, field),
                _translation(kind, model.id, field, lang, Translation.outdated.is_(True)),
            )
            for field in fields_of(kind)
        )
    )


def _current_charter_id():
    return (
        sa.select(CharterVersion.id)
        .order_by(CharterVersion.published_at.desc(), CharterVersion.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _about_a_proposal(kind: TranslatedKind, model, text, anchor=None, joins=()):
    """Responses, commitments, stated positions, updates: what a proposal received."""
    statement = sa.select(
        *_columns(
            kind,
            model.id,
            text=text,
            organisation=Organisation.name if joins else None,
            about=Proposal.title,
            proposal_id=Proposal.id,
            anchor=anchor,
            example=sa.or_(Proposal.example, Organisation.example) if joins else Proposal.example,
            created=model.created_at,
        )
    ).select_from(model)
    for target, condition in joins:
        statement = statement.join(target, condition)
    return statement


def _responses():
    to_institution = (Organisation, Organisation.id == OfficialResponse.institution_id)
    to_proposal = (Proposal, Proposal.id == OfficialResponse.proposal_id)
    summary = OfficialResponse.easy_read
    text = sa.case((summary != "", summary), else_=OfficialResponse.body)
    return _about_a_proposal(
        K.RESPONSE,
        OfficialResponse,
        text,
        _anchor("reponse-", OfficialResponse.id),
        (to_proposal, to_institution),
    )


def _commitments():
    joins = (
        (OfficialResponse, OfficialResponse.id == Commitment.response_id),
        (Proposal, Proposal.id == OfficialResponse.proposal_id),
        (Organisation, Organisation.id == OfficialResponse.institution_id),
    )
    anchor = _anchor("reponse-", Commitment.response_id)
    return _about_a_proposal(K.COMMITMENT, Commitment, Commitment.action, anchor, joins)


def _stated_positions():
    joins = (
        (Proposal, Proposal.id == StatedPosition.proposal_id),
        (Organisation, Organisation.id == StatedPosition.institution_id),
    )
    return _about_a_proposal(K.STATED_POSITION, StatedPosition, StatedPosition.words, None, joins)


def _updates():
    statement = _about_a_proposal(K.UPDATE, ProgressUpdate, ProgressUpdate.body)
    return statement.join(Proposal, Proposal.id == ProgressUpdate.proposal_id)


def _proposals():
    columns = _columns(
        K.PROPOSAL,
        Proposal.id,
        text=Proposal.title,
        proposal_id=Proposal.id,
        example=Proposal.example,
        created=Proposal.created_at,
    )
    return sa.select(*columns)


def _themes():
    return sa.select(*_columns(K.THEME, Theme.id, text=Theme.name, slug=Theme.slug))


def _events():
    columns = _columns(
        K.EVENT, Event.id, text=Event.name, slug=Event.slug, example=Event.example,
        created=Event.created_at,
    )  # fmt: skip
    return sa.select(*columns)


def _charter():
    columns = _columns(
        K.CHARTER,
        CharterVersion.id,
        text=CharterVersion.introduction,
        about=CharterVersion.label,
        created=CharterVersion.published_at,
    )
    return sa.select(*columns).where(CharterVersion.id == _current_charter_id())


def _charter_articles():
    columns = _columns(
        K.CHARTER_ARTICLE,
        CharterArticle.id,
        text=CharterArticle.title,
        about=CharterVersion.label,
        anchor=_anchor("article-", CharterArticle.number),
        created=CharterVersion.published_at,
    )
    return (
        sa.select(*columns)
        .join(CharterVersion, CharterVersion.id == CharterArticle.version_id)
        .where(CharterArticle.version_id == _current_charter_id())
    )


def _meetings():
    columns = _columns(
        K.MEETING, Meeting.id, text=Meeting.title, example=Meeting.example,
        created=Meeting.starts_at,
    )  # fmt: skip
    # Open to all: a members' meeting is not shown to every reader.
    return sa.select(*columns).where(Meeting.is_public.is_(True))


_EVERYTHING: dict[TranslatedKind, Callable] = {
    K.PROPOSAL: _proposals,
    K.RESPONSE: _responses,
    K.COMMITMENT: _commitments,
    K.STATED_POSITION: _stated_positions,
    K.UPDATE: _updates,
    K.THEME: _themes,
    K.EVENT: _events,
    K.CHARTER: _charter,
    K.CHARTER_ARTICLE: _charter_articles,
    K.MEETING: _meetings,
}


def _branches(need: Callable, lang: str, institution_ids: list[int] | None) -> list:
    """One select per kind, keeping what ``need`` says. ``institution_ids``: only those
    institutions' own responses and commitments (a representative who is no translator)."""
    if institution_ids is None:
        return [build().where(need(kind, lang)) for kind, build in _EVERYTHING.items()]
    own = OfficialResponse.institution_id.in_(institution_ids)
    return [
        _responses().where(own, need(K.RESPONSE, lang)),
        _commitments().where(own, need(K.COMMITMENT, lang)),
    ]


def _by_reads(queue):
    """Most read first, then the newest (a workshop has no date: last). What a proposal
    received (a response, a commitment, a stated position, an update) is read on the
    proposal's page: it counts that page's reads. Meetings count their own page's; events
    and workshops, whose reads are not counted, come by date."""
    reads = sa.func.coalesce(ReadTally.reads, 0).label("reads")
    read_on = sa.case(
        (queue.c.proposal_id.is_not(None), sa.literal(K.PROPOSAL.value, sa.String(32))),
        else_=queue.c.kind,
    )
    read_on_id = sa.func.coalesce(queue.c.proposal_id, queue.c.object_id)
    return (
        sa.select(queue, reads)
        .outerjoin(ReadTally, sa.and_(ReadTally.kind == read_on, ReadTally.object_id == read_on_id))
        .order_by(
            reads.desc(),
            queue.c.created.is_(None),
            queue.c.created.desc(),
            queue.c.kind,
            queue.c.object_id.desc(),
        )
    )


def to_translate_query(lang: str, institution_ids: list[int] | None = None):
    """Texts with an original field not yet translated into ``lang`` (a select of rows to
    paginate)."""
    return _by_reads(sa.union_all(*_branches(missing, lang, institution_ids)).subquery("queue"))


def to_update_query(lang: str, institution_ids: list[int] | None = None):
    """Texts whose translation into ``lang`` was made from an earlier original."""
    return _by_reads(sa.union_all(*_branches(outdated, lang, institution_ids)).subquery("queue"))


def without_easy_read_query():
    """Proposals without an easy-read summary, most read first (rows to paginate)."""
    columns = _columns(
        K.PROPOSAL, Proposal.id, text=Proposal.title, proposal_id=Proposal.id,
        example=Proposal.example, created=Proposal.created_at,
    )  # fmt: skip
    queue = sa.select(*columns).where(sa.func.coalesce(Proposal.easy_read, "") == "")
    return _by_reads(queue.subquery("queue"))


# The side-by-side form


def translatable(kind: TranslatedKind, object_id: int):
    """The object a translation form is about, None when there is none a reader may see
    (a members' meeting is not shown to all)."""
    obj = db.session.get(model_of(kind), object_id)
    if isinstance(obj, Meeting) and not obj.is_public:
        return None
    return obj


def translations_of(obj, kind: TranslatedKind, lang: str) -> dict[str, Translation]:
    """The object's translations into ``lang`` by field, with their translators: read as
    the page's translations are (``content_language.prefetch``, one statement), so a page
    in that language reads them no second time before it renders."""
    content_language.prefetch([obj], lang)
    rows = {field: content_language.translation_of(obj, field, lang) for field in fields_of(kind)}
    return {field: row for field, row in rows.items() if row is not None}


# The admins' list


def translators_query(lang: str):
    """Those named for a language, by pseudonym, with who named them (a select to paginate)."""
    return (
        sa.select(Translator)
        .join(Translator.user)
        .where(Translator.lang == lang)
        .options(contains_eager(Translator.user), joinedload(Translator.granted_by))
        .order_by(User.pseudonym_key, Translator.id)
    )


def account(email_or_pseudonym: str) -> User | None:
    """The account of that e-mail address or pseudonym (None: no such account)."""
    text = (email_or_pseudonym or "").strip()
    if not text:
        return None
    return db.session.scalar(
        sa.select(User)
        .where(
            sa.or_(
                sa.func.lower(User.email) == text.lower(),
                User.pseudonym_key == pseudonym_key(text),
            ),
            User.deleted_at.is_(None),
        )
        .order_by(User.id)
        .limit(1)
    )
