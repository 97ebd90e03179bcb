"""What every template can use: the policy, enum labels, date formats, the language switch."""

from functools import lru_cache

from flask import Flask, current_app, request, session, url_for
from flask.globals import _cv_request
from flask_babel import format_date, format_datetime, get_locale, get_timezone
from flask_login import current_user
from markupsafe import Markup

from app import N_, labels, policy, queries, text
from app.web import catalogues, page_cache
from app.web.content_language import direction_of
from app.web.pagination import link_values

LANGUAGE_NAMES = {"fr": "Français", "en": "English", "ar": "العربية"}


def _url_with_lang(lang: str) -> str:
    view_args = request.view_args or {}
    # Every filter is kept, but not url_for's own arguments (`endpoint`, `_external`…).
    args = {
        name: value
        for name, value in request.args.items()
        if name != "endpoint" and not name.startswith("_") and name not in view_args
    }
    args["lang"] = lang
    endpoint = request.endpoint or "main.index"
    try:
        return url_for(endpoint, **view_args, **args)
    except Exception:  # an error page without a routable endpoint
        return url_for("main.index", lang=lang)


def _remember_language_choice() -> None:
    """A visitor's ``?lang=`` choice is kept in the session for the next pages. Not the
    API's: there ``?lang=`` chooses one answer's language (app/api/languages.py), and an
    answer that set a cookie could not be kept in the page cache."""
    lang = request.args.get("lang")
    if lang in current_app.config["LANGUAGES"] and request.blueprint != "api":
        session["locale"] = lang


# The links under a contribution, each shown by the rule its page applies: (predicate,
# endpoint, label).
CONTRIBUTION_ACTIONS = (
    (policy.can_reply, "contributions.reply", N_("Répondre")),
    (policy.can_edit_contribution, "contributions.edit", N_("Modifier")),
    (policy.can_withdraw_contribution, "contributions.withdraw", N_("Retirer")),
    (policy.can_flag, "contributions.flag", N_("Signaler")),
    (lambda user, _: policy.is_moderator(user), "moderation.contribution", N_("Modération")),
)
# Links offered until a known moment: a page kept for a reader must not outlive them.
LINK_CLOSES = {"contributions.edit": policy.edit_window_closes}

_PLACEHOLDER_ID = 918273645546372819  # appears in no address but as an id


# The app's addresses of endpoints taking one id, each around a placeholder id, by (endpoint,
# argument, the application's root): the same in every request, whatever its host (no
# `_external`). Emptied past a bound, should roots ever vary.
_SHAPES = "page_url_shapes"
_SHAPES_MAX = 1000


def page_url_for(endpoint: str, **values) -> str:
    """Flask's ``url_for``, quicker for the commonest link, to one object by its id (a
    proposal, a contribution): url_for costs 7 to 15 µs, and a synthesis page has two
    hundred such links. The endpoint's address is built once around a placeholder id, then
    filled in with each id; anything else goes to url_for."""
    # Flask's own record of the request under way (what has_request_context() reads): the
    # app and the request at once, where `current_app` and `request` cost a lookup each.
    under_way = _cv_request.get(None)
    if len(values) != 1 or under_way is None:
        return url_for(endpoint, **values)
    ((name, value),) = values.items()
    if type(value) is not int or value < 0 or name.startswith("_"):
        return url_for(endpoint, **values)
    shapes = under_way.app.extensions[_SHAPES]
    key = (endpoint, name, under_way.request.script_root)
    shape = shapes.get(key)
    if shape is None:
        if len(shapes) >= _SHAPES_MAX:
            shapes.clear()
        placeholder = url_for(endpoint, **{name: _PLACEHOLDER_ID})
        shape = shapes[key] = placeholder.split(str(_PLACEHOLDER_ID))
    return str(value).join(shape)


def _page_helpers() -> dict:
    """Helpers bound to this page: a contribution's links and their labels."""
    translations = catalogues.translations()

    def contribution_actions(user, contribution) -> list[tuple[str, Markup]]:
        """The (address, label) links a person may follow under a contribution: one call per
        contribution instead of five predicates, links and labels in the template."""
        # The reader itself, not the proxy: five predicates read it, for each contribution.
        user = getattr(user, "_get_current_object", lambda: user)()
        links = []
        for allowed, endpoint, label in CONTRIBUTION_ACTIONS:
            if not allowed(user, contribution):
                continue
            if endpoint in LINK_CLOSES:
                page_cache.valid_until(LINK_CLOSES[endpoint](contribution))
            # A label from the catalogue, trusted as any translated string.
            label = Markup(translations.ugettext(label))  # nosec B704
            links.append((page_url_for(endpoint, contribution_id=contribution.id), label))
        return links

    return {"contribution_actions": contribution_actions}


# Babel's formatting is slow and a page formats the same dates again and again: each distinct
# (value, locale, time zone) is formatted once. The locale and zone are in the key only.
@lru_cache(maxsize=4096)
def _long_date(value, locale: str, timezone: str) -> str:
    return format_date(value, "long")


@lru_cache(maxsize=4096)
def _date_and_time(value, locale: str, timezone: str) -> str:
    return format_datetime(value, "d MMMM y, HH:mm")


def _date_filter(value) -> str:
    return _long_date(value, str(get_locale()), str(get_timezone())) if value else ""


def _datetime_filter(value) -> str:
    return _date_and_time(value, str(get_locale()), str(get_timezone())) if value else ""


def _text_direction() -> str:
    """The page's direction: the same rule as any text's (`direction_of`)."""
    return direction_of(str(get_locale()))


def _arrow(way: str) -> str:
    """An arrow pointing "back" or "forward" in the reading direction (right to left in
    Arabic: back is →)."""
    rtl = _text_direction() == "rtl"
    return ("→" if rtl else "←") if way == "back" else ("←" if rtl else "→")


EXAMPLE_TITLE = N_("Inventé pour la démonstration du site : ce n’est pas un fait réel.")
EXAMPLE = N_("exemple")


def example_badge(item) -> Markup:
    """A visible "exemple" mark when the item (an event, a proposal, a meeting, an
    organisation, a row naming one) was invented for the demonstration; nothing otherwise.
    Anything invented says so wherever it shows (issue: honesty).

    A function rather than a macro: a synthesis page asks about two hundred items, and a
    macro call costs four times a function's."""
    example = item.get("example") if isinstance(item, dict) else getattr(item, "example", None)
    if not (item and example):
        return Markup("")
    translations = catalogues.translations()
    return Markup('<span class="badge example" title="{}">{}</span>').format(
        translations.ugettext(EXAMPLE_TITLE), translations.ugettext(EXAMPLE)
    )


def init_app(app: Flask) -> None:
    app.before_request(_remember_language_choice)
    app.extensions[_SHAPES] = {}
    app.context_processor(_page_helpers)
    app.jinja_env.globals.update(
        policy=policy.TEMPLATE_PREDICATES,
        url_for=page_url_for,
        example_badge=example_badge,
        status_label=labels.status_label,
        role_label=labels.role_label,
        kind_label=labels.kind_label,
        url_with_lang=_url_with_lang,
        link_values=link_values,
        language_names=LANGUAGE_NAMES,
        current_locale=lambda: str(get_locale()),
        text_direction=_text_direction,
        arrow=_arrow,
        contribution_state_label=labels.contribution_state_label,
        flag_reason_label=labels.flag_reason_label,
        moderation_action_label=labels.moderation_action_label,
        decision_outcome=labels.decision_outcome,
        moderation_reason_label=labels.moderation_reason_label,
        audit_action_label=labels.audit_action_label,
        author_label=labels.author_label,
        hiding_decision=queries.moderation.hiding_decision,
        position_label=labels.position_label,
        commitment_state_label=labels.commitment_state_label,
        device_label=labels.device_label,
        moderation_queue_count=queries.moderation.moderation_queue_count,
        suggestions_waiting_count=queries.suggestions.waiting_count,
        unread_notifications=lambda: queries.notifications.unread_count(current_user),
    )
    app.jinja_env.filters["contribution_text"] = text.render
    app.jinja_env.filters["date"] = _date_filter
    app.jinja_env.filters["datetime"] = _datetime_filter
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
