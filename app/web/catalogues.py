"""The interface's catalogues, looked up once per request and language.

Every translated string (``_()`` in a template or a macro, a lazy label, ``gettext`` in
Python) asks Flask-Babel for this request's translations. Flask-Babel looks them up again at
each call: the request's Babel state three times through ``g``, the locale, its name, then
the catalogue: 6 to 10 µs a string, and a synthesis page translates about 450.

`RequestDomain` is Flask-Babel's own domain, which keeps the translations it found in the
request's Babel state beside the locale they belong to: the next string asks for the same
locale object and gets them at once. A locale switched for a moment (``force_locale``, an
e-mail in its recipient's language) or dropped (``refresh``) is another object, or none:
the translations are looked up again, as Flask-Babel would.

Templates (their macros too, which see no page context) translate with `template_gettext`
and `template_ngettext` (``_`` is `template_gettext` itself): Jinja's newstyle gettext
without its wrapping, through the same domain. A string costs 3 µs in Python and 6 µs in
a template, where it cost 7 and 12.
"""

from flask import Flask, g
from flask_babel import Domain
from jinja2 import pass_context
from markupsafe import Markup

from app.extensions import babel

_KEPT = "voix_translations"


class RequestDomain(Domain):
    def get_translations(self):
        state = babel_state()
        kept = getattr(state, _KEPT, None)
        if kept is not None and kept[0] is self and kept[1] is locale_of(state):
            return kept[2]
        translations = super().get_translations()  # chooses the locale, if not yet
        state = state or babel_state()
        if locale_of(state) is not None:
            setattr(state, _KEPT, (self, locale_of(state), translations))
        return translations


def babel_state():
    """Flask-Babel's state of this request (as its `_get_current_context` keeps it in `g`),
    or None."""
    if not g:
        return None
    return getattr(g._get_current_object(), "_flask_babel", None)


def locale_of(state):
    return getattr(state, "babel_locale", None)


def translations():
    """This request's translations (those of a locale forced for a moment, if one is)."""
    return babel.domain_instance.get_translations()


# A template's ``_()``, ``gettext`` and ``ngettext``, in its macros too: the same output as
# Jinja's newstyle ones (translations trusted, variables escaped), without their wrapping.


@pass_context
def template_gettext(context, string, **variables):
    text = translations().ugettext(string)
    # The catalogue's text is trusted (as Jinja's own gettext trusts it); % escapes variables.
    return (Markup(text) if context.eval_ctx.autoescape else text) % variables  # nosec B704


@pass_context
def template_ngettext(context, singular, plural, num, **variables):
    variables.setdefault("num", num)
    text = translations().ungettext(singular, plural, num)
    # The catalogue's text is trusted (as Jinja's own gettext trusts it); % escapes variables.
    return (Markup(text) if context.eval_ctx.autoescape else text) % variables  # nosec B704


def init_app(app: Flask) -> None:
    """Babel's default domain, a `RequestDomain` (after `babel.init_app`: Flask-Babel would
    make a plain one on first use)."""
    if not isinstance(babel.__dict__.get("domain_instance"), RequestDomain):
        babel.domain_instance = RequestDomain(domain=app.extensions["babel"].default_domain)
    # ``_`` itself too: Jinja's ``_`` is an alias calling ``gettext`` through the context,
    # one call more for each of a page's hundreds of strings.
    app.jinja_env.globals.update(
        _=template_gettext, gettext=template_gettext, ngettext=template_ngettext
    )
