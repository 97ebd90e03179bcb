"""The translators' workspace: their queue (``/traductions``), the side-by-side form, a
proposal's easy-read summary, and the admins' list of translators
(``/admin/traducteurs``)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy, queries
from app.extensions import db
from app.models import (
    CharterArticle,
    CharterVersion,
    Commitment,
    Event,
    Meeting,
    OfficialResponse,
    Proposal,
    Theme,
    TranslatedKind,
    Translator,
    source_digest,
)
from app.services import ServiceError
from app.services import translations as service
from app.services.minutes import diff
from app.translators.forms import (
    FIELD_LABELS,
    KIND_LABELS,
    EasyReadForm,
    NameTranslatorForm,
    TranslationForm,
    language_label,
)
from app.web.content_language import direction_of, fields_of, kind_of
from app.web.pagination import paginate, paginate_rows
from app.web.refusals import refuse_on
from app.web.routes import private, requires_charter
from app.web.templating import LANGUAGE_NAMES

bp = Blueprint("translators", __name__)

PER_PAGE = 20
TRANSLATORS_PER_PAGE = 50
# What the queue's page links carry: the language and the page of each of its lists.
QUEUE_ARGS = ("langue", "a-traduire", "a-mettre-a-jour", "sans-resume")
K = TranslatedKind


@bp.app_template_global("translated_kind")
def translated_kind(obj) -> str | None:
    """The kind of a translatable object, as the form's address names it."""
    kind = kind_of(obj)
    return kind.value if kind else None


def page_url(kind, object_id, proposal_id=None, slug=None, anchor=None, about=None) -> str:
    """Where a text is read: its proposal's page, its workshop's, its event's, its
    meeting's, the charter (``about``: the label of an earlier version)."""
    kind = TranslatedKind(kind)
    if proposal_id is not None:
        url = url_for("proposals.show", proposal_id=proposal_id)
    elif kind is K.THEME:
        url = url_for("proposals.theme", slug=slug)
    elif kind is K.EVENT:
        url = url_for("events.show", slug=slug)
    elif kind is K.MEETING:
        url = url_for("meetings.show", meeting_id=object_id)
    elif about is not None:
        url = url_for("main.charter_version", label=about)
    else:
        url = url_for("main.charter")
    return url + (f"#{anchor}" if anchor else "")


def _page_of(obj) -> str:
    """``page_url`` for a loaded object."""
    kind = kind_of(obj)
    if isinstance(obj, Proposal):
        return page_url(kind, obj.id, proposal_id=obj.id)
    if isinstance(obj, OfficialResponse | Commitment):
        response = obj.response if isinstance(obj, Commitment) else obj
        anchor = f"reponse-{response.id}"
        return page_url(kind, obj.id, proposal_id=response.proposal_id, anchor=anchor)
    if isinstance(obj, Theme | Event):
        return page_url(kind, obj.id, slug=obj.slug)
    if isinstance(obj, Meeting):
        return page_url(kind, obj.id)
    if isinstance(obj, CharterVersion | CharterArticle):
        version = obj if isinstance(obj, CharterVersion) else obj.version
        current = version.label == queries.charter.current_label()
        anchor = f"article-{obj.number}" if isinstance(obj, CharterArticle) else None
        return page_url(kind, obj.id, anchor=anchor, about=None if current else version.label)
    return page_url(kind, obj.id, proposal_id=obj.proposal_id)  # stated positions, updates


# The queue


def _queue_language(languages: list[str]) -> str:
    """The language asked for (``?langue=``) when it is one of the person's, else the first."""
    asked = request.args.get("langue")
    return asked if asked in languages else languages[0]


@bp.get("/traductions")
@private
@login_required
def queue():
    """What waits for a translation into one of my languages, most read first."""
    languages = policy.queue_languages(current_user)
    policy.require(bool(languages))
    lang = _queue_language(languages)
    institution_ids = None
    if not policy.translates_everything_into(current_user, lang):  # their own responses
        institution_ids = [org.id for org in policy.institution_memberships(current_user)]
    without_easy_read = None
    if policy.is_translator(current_user):
        query = queries.translators.without_easy_read_query()
        without_easy_read = paginate_rows(query, PER_PAGE, arg="sans-resume")
    return render_template(
        "translators/queue.html",
        lang=lang,
        languages=languages,
        own_only=institution_ids is not None,
        to_translate=paginate_rows(
            queries.translators.to_translate_query(lang, institution_ids),
            PER_PAGE,
            arg="a-traduire",
        ),
        to_update=paginate_rows(
            queries.translators.to_update_query(lang, institution_ids),
            PER_PAGE,
            arg="a-mettre-a-jour",
        ),
        without_easy_read=without_easy_read,
        queue_args=QUEUE_ARGS,
        kind_labels=KIND_LABELS,
        language_label=language_label,
        page_url=page_url,
    )


# The side-by-side form


def _kind_or_404(value: str) -> TranslatedKind:
    try:
        return TranslatedKind(value)
    except ValueError:
        abort(404)


def _after_saving(obj, lang: str):
    if request.args.get("retour") == "page":
        return redirect(_page_of(obj))
    if policy.can_open_translation_queue(current_user):
        return redirect(url_for("translators.queue", langue=lang))
    return redirect(_page_of(obj))


@bp.route("/traductions/<kind>/<int:object_id>/<lang>", methods=["GET", "POST"])
@private
@requires_charter(methods=("POST",))
@login_required
def translate(kind: str, object_id: int, lang: str):
    """A text's original on the left, its translation into ``lang`` on the right."""
    kind = _kind_or_404(kind)
    if lang not in policy.translation_languages():
        abort(404)
    obj = queries.translators.translatable(kind, object_id) or abort(404)
    policy.require(policy.can_translate(current_user, obj, lang))
    fields = [field for field in fields_of(kind) if getattr(obj, field)]
    rows = queries.translators.translations_of(obj, kind, lang)
    form = TranslationForm.build(obj, fields, lang)
    if request.method == "GET":
        form.show(rows, _digests(obj, fields))
    meanwhile = {}
    if fields and form.validate_on_submit():
        try:
            service.save_translation(
                current_user,
                obj,
                lang,
                form.texts(),
                revisions=form.revisions(),
                digests=form.digests(),
            )
        except ServiceError as error:
            refuse_on(form, error, fields[0])
            meanwhile, rows = _saved_meanwhile(obj, kind, lang, form)
        else:
            flash(_("La traduction est enregistrée."), "success")
            return _after_saving(obj, lang)
    return _render_form(obj, kind, lang, form, rows, meanwhile)


def _digests(obj, fields: list[str]) -> dict[str, str]:
    return {field: source_digest(getattr(obj, field)) for field in fields}


def _saved_meanwhile(obj, kind: TranslatedKind, lang: str, form: TranslationForm):
    """After a refusal: the translations saved since the form was opened (to compare with
    the text kept), and the form set to save over them once compared."""
    written_from = form.revisions()
    rows = queries.translators.translations_of(obj, kind, lang)
    meanwhile = {
        field: row
        for field, row in rows.items()
        if field in form.translated_fields and row.revision != written_from[field]
    }
    form.start_from(rows, _digests(obj, form.translated_fields))
    return meanwhile, rows


def _render_form(obj, kind: TranslatedKind, lang: str, form, rows: dict, meanwhile: dict):
    changes = {}  # what changed in the original since its translation
    for field in form.translated_fields:
        row = rows.get(field)
        if row is not None and not row.is_current_for(getattr(obj, field)):
            changes[field] = diff(row.source_text, getattr(obj, field))
    return render_template(
        "translators/form.html",
        obj=obj,
        kind=kind,
        lang=lang,
        direction=direction_of(lang),
        form=form,
        rows=rows,
        meanwhile=meanwhile,
        changes=changes,
        kind_label=KIND_LABELS[kind],
        language=language_label(lang),
        field_labels=FIELD_LABELS,
        page=_page_of(obj),
        can_remove=bool(rows) and policy.can_remove_translation(current_user, obj, lang),
    )


@bp.post("/traductions/<kind>/<int:object_id>/<lang>/retirer")
@private
@login_required
def remove_translation(kind: str, object_id: int, lang: str):
    """Take down a text's translation into ``lang``: readers read the original again."""
    kind = _kind_or_404(kind)
    if lang not in policy.translation_languages():
        abort(404)
    obj = queries.translators.translatable(kind, object_id) or abort(404)
    policy.require(policy.can_remove_translation(current_user, obj, lang))
    try:
        service.remove_translation(current_user, obj, lang)
    except ServiceError as error:
        flash(str(error), "error")
        return redirect(url_for("translators.translate", kind=kind, object_id=object_id, lang=lang))
    flash(_("La traduction en %(language)s est retirée.", language=language_label(lang)), "success")
    return redirect(_page_of(obj))


# A proposal's easy-read summary


@bp.route("/traductions/facile-a-lire/<int:proposal_id>", methods=["GET", "POST"])
@private
@requires_charter(methods=("POST",))
@login_required
def easy_read(proposal_id: int):
    """Write the French easy-read summary of a proposal (FALC)."""
    proposal = db.get_or_404(Proposal, proposal_id)
    # A translator's form sent after someone else wrote a summary: told, the text kept.
    sent_meanwhile = request.method == "POST" and policy.is_translator(current_user)
    policy.require(policy.can_write_easy_read(current_user, proposal) or sent_meanwhile)
    form = EasyReadForm()
    if request.method == "GET":
        form.easy_read.data = proposal.easy_read
        form.was.data = source_digest(proposal.easy_read)
    meanwhile = None
    if form.validate_on_submit():
        try:
            service.write_easy_read(
                current_user, proposal, form.easy_read.data, was=form.was.data or ""
            )
        except ServiceError as error:
            refuse_on(form, error, "easy_read")
            now = source_digest(proposal.easy_read)
            meanwhile = proposal.easy_read if now != form.was.data else None
            form.was.data = now
        else:
            flash(_("Le résumé facile à lire est enregistré."), "success")
            if request.args.get("retour") != "page" and policy.is_translator(current_user):
                return redirect(url_for("translators.queue"))
            return redirect(url_for("proposals.show", proposal_id=proposal.id))
    return render_template(
        "translators/easy_read.html", proposal=proposal, form=form, meanwhile=meanwhile
    )


# The admins' list of translators


@bp.route("/admin/traducteurs", methods=["GET", "POST"])
@private
@login_required
def admin():
    """Who translates into each language; name someone for a language."""
    policy.require(policy.can_name_translators(current_user))
    languages = policy.translation_languages()
    form = NameTranslatorForm()
    form.lang.choices = [(lang, LANGUAGE_NAMES[lang]) for lang in languages]
    if form.validate_on_submit():
        account = queries.translators.account(form.user.data)
        if account is None:
            form.user.errors.append(
                _("Aucun compte ne porte cette adresse e-mail ou ce pseudonyme.")
            )
        else:
            try:
                service.name_translator(current_user, account, form.lang.data)
            except ServiceError as error:
                refuse_on(form, error, "user")
            else:
                flash(
                    _(
                        "%(name)s traduit désormais en %(language)s.",
                        name=account.pseudonym,
                        language=language_label(form.lang.data),
                    ),
                    "success",
                )
                return redirect(url_for("translators.admin"))
    lists = {
        lang: paginate(
            queries.translators.translators_query(lang), TRANSLATORS_PER_PAGE, arg=f"page-{lang}"
        )
        for lang in languages
    }
    page_args = tuple(f"page-{lang}" for lang in languages)
    return render_template("translators/admin.html", form=form, lists=lists, page_args=page_args)


@bp.post("/admin/traducteurs/<int:translator_id>/retirer")
@private
@login_required
def remove(translator_id: int):
    """This person no longer translates into that language."""
    policy.require(policy.can_name_translators(current_user))
    role = db.get_or_404(Translator, translator_id)
    name, lang = role.user.pseudonym, role.lang
    service.remove_translator(current_user, role)
    flash(
        _(
            "%(name)s ne traduit plus en %(language)s.",
            name=name,
            language=language_label(lang),
        ),
        "success",
    )
    return redirect(url_for("translators.admin"))
