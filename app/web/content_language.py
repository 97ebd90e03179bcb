"""What people read, in the reader's language: translations looked up once per page.

Templates show a translatable field with ``tr(object, "field")``: a `Localized` text
carrying its language, its direction, and whether it is a translation (current or
outdated) or the French original. ``{{ text }}`` prints it escaped; ``{{ text.attrs }}``
gives its ``lang``/``dir`` attributes for the element holding it; ``{{ text|bdi }}``
isolates it inline, so French inside an Arabic page (and the reverse) reads in the right
order.

Contributions are shown as written: ``<div{{ contribution.lang|language_attrs }}>`` marks
one with its own language and direction (``text_dir(lang)`` gives the direction alone);
``author_of(contribution)`` is its author's label with each name in it isolated.

One query per page: just before a template is rendered, every translatable object the
request has loaded (the session's identity map) has its translations in the page's
language read in one statement; a view loads what its page shows before rendering. An
object first loaded while rendering (a lazy relationship) is read with every other such
object at its first `tr()`: a second statement. The languages an object is translated
into (a page's "read in" links, ``languages_of(obj)``) are read in that same statement
when the view asked for them with `want_languages`. A French page reads none: French is
every original's language. The translations read are kept for the transaction (a commit
or a rollback forgets them).
"""

from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context, has_request_context, request
from flask.signals import before_render_template
from flask_babel import get_locale
from markupsafe import Markup, escape
from sqlalchemy import event
from sqlalchemy.orm import joinedload

from app import labels, models
from app.extensions import db
from app.models import ORIGINAL_LANGUAGE, TRANSLATABLE, TranslatedKind, Translation
from app.web.catalogues import babel_state, locale_of

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

    def __str__(self) -> str:
        return self.text

    def __html__(self) -> Markup:
        return escape(self.text)  # Markup: not escaped again when formatted into a <bdi>

    def __bool__(self) -> bool:
        return bool(self.text)


# Languages written right to left, the site's own (config RTL_LANGUAGES) and those a
# contribution may be written in (Persian, Pashto…).
RIGHT_TO_LEFT = frozenset({"ar", "fa", "ps", "ur", "he", "ckb", "ku-arab", "ug", "yi", "dv"})


def direction_of(lang: str | None) -> str:
    """``rtl`` or ``ltr``: the direction a text in ``lang`` (a BCP 47 code) is written in."""
    lang = (lang or "").lower()
    base = lang.split("-")[0]
    if lang in RIGHT_TO_LEFT or base in RIGHT_TO_LEFT:  # "ku-arab", "ar-MA"
        return "rtl"
    site = current_app.config["RTL_LANGUAGES"] if has_app_context() else ()
    return "rtl" if base in site else "ltr"


def language_attrs(lang: str | None) -> Markup:
    """`` lang="…" dir="…"`` for an element holding a text in ``lang`` (a contribution, as
    written): ``<div{{ contribution.lang|language_attrs }}>``; ``dir="auto"`` when the
    language is unknown."""
    if not lang:
        return Markup(' dir="auto"')
    return _language_attrs(lang, direction_of(lang))


@lru_cache(maxsize=256)
def _language_attrs(lang: str, direction: str) -> Markup:
    """Formatted once per language: a proposal page writes one for each contribution."""
    return Markup(' lang="{}" dir="{}"').format(lang, direction)


def bidi(value, lang: str | None = None) -> Markup:
    """Text isolated from what surrounds it: ``<bdi>`` with its language and direction when
    known (a `Localized`, or ``lang``), the browser's own guess (``dir="auto"``) otherwise.

    Written out rather than with `Markup.format` (four times slower, and a synthesis page
    isolates 450 texts); every part is escaped, as `format` would."""
    if isinstance(value, Localized):
        lang = value.lang
    # Each part is escaped here: the Markup below holds no unescaped text.
    text = escape(value)
    if lang:
        opening = f'<bdi lang="{escape(lang)}" dir="{direction_of(lang)}">'
        return Markup(f"{opening}{text}</bdi>")  # nosec B704
    return Markup(f'<bdi dir="auto">{text}</bdi>')  # nosec B704


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
    """The reader's language code (``fr``, ``ar``…): the locale Flask-Babel keeps for this
    request (or forces for a moment), chosen by ``get_locale`` the first time only. A
    synthesis asks for it some 300 times."""
    locale = locale_of(babel_state())
    return _identifier(locale if locale is not None else get_locale())


@lru_cache(maxsize=64)
def _identifier(locale) -> str:
    return str(locale or ORIGINAL_LANGUAGE)


def _kept() -> dict:
    """What this request and transaction read: per language, the objects whose translations
    were read and the rows; per object, the languages it is translated into, when asked."""
    # The request itself, not its id(): a later request may be given a freed one's id.
    owner = request._get_current_object() if has_request_context() else None
    kept = db.session.info.get(_CACHE_KEY)
    if kept is None or kept["owner"] is not owner:
        kept = db.session.info[_CACHE_KEY] = {
            "owner": owner,
            "languages": {},
            "asked": set(),  # (kind, id) whose languages are wanted
            "available": {},  # (kind, id) → the languages it is translated into
        }
    return kept


def _cache(lang: str) -> dict:
    """The translations read in one language."""
    return _kept()["languages"].setdefault(lang, {"loaded": set(), "rows": {}})


def _key(obj) -> tuple[TranslatedKind, int] | None:
    kind = kind_of(obj)
    object_id = _identity(obj) if kind else None
    return None if object_id is None else (kind, object_id)


def _identity(obj) -> int | None:
    """An object's id without loading it: an object expired by a commit keeps its identity,
    and reading its ``id`` would run one query per object."""
    identity = sa.inspect(obj).identity
    return identity[0] if identity else None


def want_languages(obj) -> None:
    """Ask, before a page renders, for the languages ``obj`` is translated into (its "read
    in" links, `languages_of`): they are read with the page's translations, in the same
    statement. A French page, which shows no such links, reads none."""
    key = _key(obj)
    if key is not None and reader_language() != ORIGINAL_LANGUAGE:
        _kept()["asked"].add(key)


def languages_of(obj) -> list[str]:
    """The languages ``obj`` reads in: French, then those it is translated into. Asked for
    with `want_languages` before the page renders, it costs no statement of its own."""
    key = _key(obj)
    if key is None:
        return [ORIGINAL_LANGUAGE]
    kept = _kept()
    if key not in kept["available"]:
        kept["asked"].add(key)
        prefetch([obj])
    return [ORIGINAL_LANGUAGE, *sorted(kept["available"].get(key, ()))]


def page_languages(*objects, lang: str | None = None) -> list[str]:
    """The languages a page's main text (a meeting, a charter and its articles) reads in,
    French first, for the note under it: read in the SAME statement as the page's
    translations. Call it last in the view, once it has loaded what the page shows. A
    French page reads nothing: it shows no translation, so no note."""
    lang = lang or reader_language()
    if lang == ORIGINAL_LANGUAGE:
        return [ORIGINAL_LANGUAGE]
    for obj in objects:
        want_languages(obj)
    prefetch_loaded(lang)
    found = {language for obj in objects for language in languages_of(obj)}
    return [ORIGINAL_LANGUAGE, *sorted(found - {ORIGINAL_LANGUAGE})]


def prefetch(objects, lang: str | None = None, force: bool = False) -> None:
    """Read, in one statement, the translations in ``lang`` (the page's language) of those
    of ``objects`` not read yet, and every translation of the objects whose languages were
    asked for (`want_languages`). A French page reads none but the latter."""
    lang = lang or reader_language()
    kept = _kept()
    cache = _cache(lang)
    wanted: dict[TranslatedKind, set[int]] = {}
    if lang != ORIGINAL_LANGUAGE:
        for obj in objects:
            key = _key(obj)
            if key is not None and key not in cache["loaded"]:
                wanted.setdefault(key[0], set()).add(key[1])
    every = kept["asked"] - kept["available"].keys()
    if wanted or every:
        _read(lang, wanted, every, cache)


def _in(kind: TranslatedKind, ids) -> sa.ColumnElement[bool]:
    return sa.and_(Translation.kind == kind, Translation.object_id.in_(sorted(ids)))


def _read(
    lang: str,
    wanted: dict[TranslatedKind, set[int]],
    every: set[tuple[TranslatedKind, int]],
    cache: dict,
) -> None:
    conditions = []
    if wanted:
        in_page_language = sa.or_(*(_in(kind, ids) for kind, ids in wanted.items()))
        conditions.append(sa.and_(Translation.lang == lang, in_page_language))
    by_kind: dict[TranslatedKind, set[int]] = {}
    for kind, object_id in every:
        by_kind.setdefault(kind, set()).add(object_id)
    conditions.extend(_in(kind, ids) for kind, ids in by_kind.items())
    statement = (
        sa.select(Translation)
        .where(sa.or_(*conditions))
        .options(joinedload(Translation.translator))  # pages name who translated
    )
    with db.session.no_autoflush:
        rows = db.session.scalars(statement).all()
    available = _kept()["available"]
    for key in every:
        available[key] = set()
    for row in rows:
        key = (row.kind, row.object_id)
        if key in every:
            available[key].add(row.lang)
        if row.lang == lang:
            cache["rows"][(row.kind, row.object_id, row.field)] = row
    for kind, ids in wanted.items():
        cache["loaded"].update((kind, object_id) for object_id in ids)
    if lang != ORIGINAL_LANGUAGE:
        cache["loaded"].update(every)  # all their rows, this language's among them


def prefetch_loaded(lang: str | None = None) -> None:
    """Read the translations of every translatable object this request has loaded."""
    lang = lang or reader_language()
    if lang == ORIGINAL_LANGUAGE:
        prefetch((), lang)  # only the languages asked for, if any
        return
    prefetch(list(db.session.identity_map.values()), lang)


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


def current_text(obj, field: str, lang: str | None = None) -> Localized:
    """``obj.field`` for an e-mail: the translation in ``lang`` only when it is current,
    else the French original. A page marks an outdated translation with a note and folds
    the original under it; an e-mail can show neither, so it never sends an outdated one."""
    shown = localized(obj, field, lang)
    return Localized(shown.original) if shown.outdated else shown


def isolated_author(contribution) -> Markup | str:
    """`labels.author_label` for a page: each name in it isolated (``<bdi>``)."""
    return labels.author_label(contribution, isolate=bidi)


def _forget(session, *args) -> None:
    session.info.pop(_CACHE_KEY, None)


def _before_render(sender, template, context, **extra) -> None:
    prefetch_loaded()


def init_app(app: Flask) -> None:
    before_render_template.connect(_before_render, app)
    event.listen(db.session, "after_commit", _forget)
    event.listen(db.session, "after_rollback", _forget)
    app.jinja_env.globals["tr"] = localized
    app.jinja_env.globals["tr_current"] = current_text  # e-mails
    app.jinja_env.globals["languages_of"] = languages_of
    app.jinja_env.globals["text_dir"] = direction_of
    app.jinja_env.globals["author_of"] = isolated_author
    app.jinja_env.filters["bdi"] = bidi
    app.jinja_env.filters["language_attrs"] = language_attrs
