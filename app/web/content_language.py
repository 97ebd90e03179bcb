"""What people read, in the reader's language: translations looked up once per page.

Templates show a translatable field with ``tr(object, "field")``: a `Localized` text
carrying its language, its direction, and whether it is a translation (current or
outdated) or the French original. ``{{ text }}`` prints it escaped; ``{{ text.attrs }}``
gives its ``lang``/``dir`` attributes for the element holding it; ``{{ text|bdi }}``
isolates it inline, so French inside an Arabic page (and the reverse) reads in the right
order.

One query per page: just before a template is rendered, every translatable object the
request has loaded (the session's identity map) has its translations in the page's
language read in one statement. An object first loaded while rendering (a lazy
relationship) is read with every other such object at its first `tr()`. A French page
reads none: French is every original's language. The translations read are kept for the
transaction (a commit or a rollback forgets them). A page whose main text carries a note
("translated by…", links to its other languages) learns those languages in that same
statement: its view calls ``page_languages(main objects)`` last, once the page's objects
are loaded.
"""

import itertools
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context, has_request_context, request
from flask.signals import before_render_template
from flask_babel import get_locale
from markupsafe import Markup, escape
from sqlalchemy import event
from sqlalchemy.orm import joinedload

from app import models
from app.extensions import db
from app.models import ORIGINAL_LANGUAGE, TRANSLATABLE, TranslatedKind, Translation

_CACHE_KEY = "content_translations"


@dataclass(frozen=True, slots=True)
class Localized:
    """One field as a reader sees it: the text and the language it is in."""

    text: str
    lang: str = ORIGINAL_LANGUAGE
    translated: bool = False  # a translation in the reader's language is shown
    outdated: bool = False  # … made from an earlier original
    original: str = ""  # the French original, when a translation is shown
    translation: Translation | None = None

    @property
    def dir(self) -> str:
        return direction_of(self.lang)

    @property
    def attrs(self) -> Markup:
        return Markup(' lang="{}" dir="{}"').format(self.lang, self.dir)

    @property
    def is_original(self) -> bool:
        return not self.translated

    def __str__(self) -> str:
        return self.text

    def __html__(self) -> Markup:
        # Markup, not str: `Markup.format` (as in `bidi`) escapes again whatever is a str.
        return escape(self.text)

    def __bool__(self) -> bool:
        return bool(self.text)


def direction_of(lang: str | None) -> str:
    rtl = current_app.config["RTL_LANGUAGES"] if has_app_context() else ("ar",)
    return "rtl" if (lang or "").split("-")[0] in rtl else "ltr"


def bidi(value, lang: str | None = None) -> Markup:
    """Text isolated from what surrounds it: ``<bdi>`` with its language and direction when
    known (a `Localized`, or ``lang``), the browser's own guess (``dir="auto"``) otherwise."""
    if isinstance(value, Localized):
        lang = value.lang
    if lang:
        return Markup('<bdi lang="{}" dir="{}">{}</bdi>').format(lang, direction_of(lang), value)
    return Markup('<bdi dir="auto">{}</bdi>').format(value)


_KINDS: dict[type, tuple[TranslatedKind, tuple[str, ...]]] = {}


def kinds() -> dict[type, tuple[TranslatedKind, tuple[str, ...]]]:
    """Model class → (kind, translatable fields)."""
    if not _KINDS:
        for kind, (name, fields) in TRANSLATABLE.items():
            _KINDS[getattr(models, name)] = (kind, fields)
    return _KINDS


def kind_of(obj) -> TranslatedKind | None:
    entry = kinds().get(type(obj))
    return entry[0] if entry else None


def model_of(kind: TranslatedKind) -> type:
    return getattr(models, TRANSLATABLE[kind][0])


def fields_of(kind: TranslatedKind) -> tuple[str, ...]:
    return TRANSLATABLE[kind][1]


def reader_language() -> str:
    return str(get_locale() or ORIGINAL_LANGUAGE)


_TOKENS = itertools.count(1)


def _request_token() -> int | None:
    """A number of this request's own (an object's id may come back for a later one)."""
    if not has_request_context():
        return None
    current = request._get_current_object()
    token = getattr(current, "_translations_token", None)
    if token is None:
        token = current._translations_token = next(_TOKENS)
    return token


def _cache(lang: str) -> dict:
    """The translations read, per language, for this request and transaction."""
    owner = _request_token()
    kept = db.session.info.get(_CACHE_KEY)
    if kept is None or kept["owner"] != owner:
        kept = db.session.info[_CACHE_KEY] = {"owner": owner, "languages": {}}
    return kept["languages"].setdefault(lang, {"loaded": set(), "rows": {}})


def prefetch(objects, lang: str | None = None) -> None:
    """Read, in one statement, the translations in ``lang`` (the page's language) of those
    of ``objects`` not read yet. Nothing is read for French."""
    lang = lang or reader_language()
    if lang == ORIGINAL_LANGUAGE:
        return
    cache = _cache(lang)
    wanted = _ids(objects, skip=cache["loaded"])
    if not wanted:
        return
    _read(lang, wanted, cache)


def _ids(objects, skip=frozenset()) -> dict[TranslatedKind, set[int]]:
    """The ids of the translatable ``objects`` by kind, but those in ``skip``."""
    found: dict[TranslatedKind, set[int]] = {}
    for obj in objects:
        kind = kind_of(obj)
        object_id = getattr(obj, "id", None) if kind else None
        if object_id is not None and (kind, object_id) not in skip:
            found.setdefault(kind, set()).add(object_id)
    return found


def _of(wanted: dict[TranslatedKind, set[int]]) -> list:
    return [
        sa.and_(Translation.kind == kind, Translation.object_id.in_(sorted(ids)))
        for kind, ids in wanted.items()
    ]


def _read(
    lang: str,
    wanted: dict[TranslatedKind, set[int]],
    cache: dict,
    every_language: dict[TranslatedKind, set[int]] | None = None,
) -> list[Translation]:
    """The translations in ``lang`` of ``wanted``, and those of ``every_language`` in any
    language (whose rows in ``lang`` are kept too), in one statement."""
    every_language = every_language or {}
    condition = sa.and_(Translation.lang == lang, sa.or_(*_of(wanted))) if wanted else sa.false()
    statement = (
        sa.select(Translation)
        .where(sa.or_(condition, *_of(every_language)))
        .options(joinedload(Translation.translator))  # pages name who translated
    )
    with db.session.no_autoflush:
        rows = db.session.scalars(statement).all()
    for row in rows:
        if row.lang == lang:
            cache["rows"][(row.kind, row.object_id, row.field)] = row
    for kind, ids in (*wanted.items(), *every_language.items()):
        cache["loaded"].update((kind, object_id) for object_id in ids)
    return rows


def prefetch_loaded(lang: str | None = None) -> None:
    """Read the translations of every translatable object this request has loaded."""
    if (lang or reader_language()) == ORIGINAL_LANGUAGE:
        return
    prefetch(list(db.session.identity_map.values()), lang)


def page_languages(*objects, lang: str | None = None) -> list[str]:
    """The languages ``objects`` (a page's main text: a meeting, a charter and its articles)
    have a translation in, French first, for the note under them: read in the SAME statement
    as the page's translations in the reader's language. Call it last, once the view has
    loaded what the page shows (every object in the session has its translations read with
    it). A French page reads nothing: French pages show no translation, so no note."""
    lang = lang or reader_language()
    if lang == ORIGINAL_LANGUAGE:
        return [ORIGINAL_LANGUAGE]
    cache = _cache(lang)
    main = _ids(objects)
    if not main:
        return [ORIGINAL_LANGUAGE]
    main_keys = {(kind, object_id) for kind, ids in main.items() for object_id in ids}
    wanted = _ids(list(db.session.identity_map.values()), skip=cache["loaded"] | main_keys)
    rows = _read(lang, wanted, cache, main)
    found = {row.lang for row in rows if (row.kind, row.object_id) in main_keys and row.text}
    return [ORIGINAL_LANGUAGE, *sorted(found - {ORIGINAL_LANGUAGE})]


def translation_of(obj, field: str, lang: str) -> Translation | None:
    """The translation of one field in ``lang``, read with the page's others."""
    kind = kind_of(obj)
    if kind is None or lang == ORIGINAL_LANGUAGE or obj.id is None:
        return None
    cache = _cache(lang)
    if (kind, obj.id) not in cache["loaded"]:
        prefetch([obj, *db.session.identity_map.values()], lang)
    return cache["rows"].get((kind, obj.id, field))


def localized(obj, field: str, lang: str | None = None) -> Localized:
    """``obj.field`` in the reader's language when translated, the original otherwise."""
    original = getattr(obj, field) or ""
    lang = lang or reader_language()
    row = translation_of(obj, field, lang) if original else None
    if row is None or not row.text:
        return Localized(original)
    outdated = not row.is_current_for(original)
    return Localized(row.text, lang, True, outdated, original, row)


def _forget(session, *args) -> None:
    session.info.pop(_CACHE_KEY, None)


def _before_render(sender, template, context, **extra) -> None:
    prefetch_loaded()


def init_app(app: Flask) -> None:
    before_render_template.connect(_before_render, app)
    event.listen(db.session, "after_commit", _forget)
    event.listen(db.session, "after_rollback", _forget)
    app.jinja_env.globals["tr"] = localized
    app.jinja_env.filters["bdi"] = bidi
