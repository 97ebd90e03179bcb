"""The language of the API's answers: ``?lang=`` chooses it, French when none or unknown.

Every translatable text of an answer (a proposal's title, text and easy-read summary, a
response's text, a commitment's action, an event's or a workshop's name…) is given in the
language asked for when a translation into it exists, else in its French original. Each
key keeps its name and its type (a string, or ``null``); the object holding such keys gains
``"languages"``: per key, the language its text is in and whether that translation was made
from an earlier version of the original (``{"title": {"lang": "ar",
"translation_outdated": false}}``). Contributions are never translated: each keeps its own
``"lang"``.

The language comes from the address alone, never from the session or the browser: an
answer is the same for every client asking the same address, so the page cache (whose key
holds the full path) keeps one copy per language. An unknown or missing ``?lang=`` is French,
never an error. The translations an answer shows are read in one query
(`content_language.prefetch`), none for French.
"""

from flask import Response, current_app, request

from app.models import ORIGINAL_LANGUAGE
from app.web.content_language import Localized


def requested_language() -> str:
    """The language asked for with ``?lang=``: a site language, or French."""
    lang = request.args.get("lang", "")
    return lang if lang in current_app.config["LANGUAGES"] else ORIGINAL_LANGUAGE


def language_args() -> dict[str, str]:
    """``{"lang": …}`` for a link to the next page of an answer, in the language asked for
    (none for French, the default)."""
    lang = requested_language()
    return {} if lang == ORIGINAL_LANGUAGE else {"lang": lang}


def languages(**shown: Localized) -> dict:
    """``{"key": {"lang", "translation_outdated"}}`` for the texts an object shows."""
    return {
        key: {"lang": value.lang, "translation_outdated": value.outdated}
        for key, value in shown.items()
    }


def say_language(response: Response) -> Response:
    """``Content-Language``: the language an answer was asked in, on every answer, a copy
    served from the page cache included (an after-request hook of the API's blueprint)."""
    if response.status_code in (200, 304):
        response.headers["Content-Language"] = requested_language()
    return response
