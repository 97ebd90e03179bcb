"""The site-wide search: one box in every page's header, results at /recherche."""

import unicodedata

from flask import Blueprint, abort, current_app, has_request_context, render_template, request
from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import queries
from app.extensions import limiter
from app.models import DocumentKind
from app.search.backends import SearchBackend
from app.search.highlight import highlight, snippet
from app.search.results import search
from app.search.terms import terms
from app.web.content_language import localized, reader_language
from app.web.pagination import page_number
from app.web.routes import public_page

bp = Blueprint("search", __name__)

QUERY_MAX_LENGTH = 200

# The kinds of result, in the order of the filter, with their labels.
KIND_LABELS = {
    DocumentKind.PROPOSAL: _l("Propositions"),
    DocumentKind.TESTIMONY: _l("Témoignages"),
    DocumentKind.COMMENT: _l("Commentaires"),
    DocumentKind.RESPONSE: _l("Réponses officielles"),
    DocumentKind.ORGANISATION: _l("Organisations"),
    DocumentKind.MEETING: _l("Réunions"),
}
RESULT_LABELS = {
    DocumentKind.PROPOSAL: _l("Proposition"),
    DocumentKind.TESTIMONY: _l("Témoignage"),
    DocumentKind.COMMENT: _l("Commentaire"),
    DocumentKind.RESPONSE: _l("Réponse officielle"),
    DocumentKind.ORGANISATION: _l("Organisation"),
    DocumentKind.MEETING: _l("Réunion"),
}


@bp.app_context_processor
def _search_helpers() -> dict:
    """The header's box keeps the query on the results page (and only there); e-mails are
    rendered without a request."""
    on_results = has_request_context() and request.endpoint == "search.index"
    return {
        "site_search_query": (request.args.get("q") or "") if on_results else "",
        "search_max_length": QUERY_MAX_LENGTH,
    }


def _clean(text: str) -> str:
    """The query without control characters (a NUL byte is refused by PostgreSQL)."""
    return "".join(" " if unicodedata.category(c) == "Cc" else c for c in text).strip()


def _parse_kind(value: str | None) -> DocumentKind | None:
    if not value:
        return None
    try:
        return DocumentKind(value)
    except ValueError:
        abort(400)


def matching_workshops(text: str, lang: str) -> list:
    """The workshops (with their number of proposals) whose name holds every word searched:
    "logement" finds "Hébergement – logement", where most of its proposals are (one query,
    and the page's one query for translations). The name is read in French, and in the
    reader's language where the workshop has a name in it ("housing" on an English page)."""
    french = set(terms(text))
    readers = set(terms(text, lang))
    found = []
    for theme, count in queries.proposals.themes_with_counts():
        name = localized(theme, "name", lang)
        in_readers = name.translated and readers <= set(terms(name.text, lang))
        if french <= set(terms(theme.name)) or in_readers:
            found.append((theme, count))
    return found


@bp.get("/recherche")
@public_page
@limiter.limit(lambda: current_app.config["SEARCH_RATE_LIMIT"])
def index():
    """Search proposals, testimonies, comments, responses, organisations and meetings."""
    text = _clean(request.args.get("q") or "")
    kind = _parse_kind(request.args.get("type"))
    page = page_number()
    context = {
        "query": text,
        "kind": kind,
        "kind_labels": KIND_LABELS,
        "result_labels": RESULT_LABELS,
        "error": None,
        "results": None,
        "tally": None,
        "count_limit": current_app.config["SEARCH_COUNT_LIMIT"],
        "workshops": [],
    }
    if len(text) > QUERY_MAX_LENGTH:
        context["error"] = _(
            "Votre recherche est trop longue : %(max)d caractères au plus. Gardez quelques mots.",
            max=QUERY_MAX_LENGTH,
        )
    elif text and SearchBackend.searchable(text):
        per_page = current_app.config["SEARCH_RESULTS_PER_PAGE"]
        lang = reader_language()
        context["results"], context["tally"] = search(text, kind, page, per_page, lang)
        context["workshops"] = matching_workshops(text, lang)
    return render_template(
        "search/index.html",
        highlight=highlight,
        snippet=snippet,
        format_number=format_number,
        **context,
    )
