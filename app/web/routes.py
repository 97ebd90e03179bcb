"""What a route is, declared at the route: who may keep a copy, and whether posting there
needs the charter in force.

Each view says it right under its ``@bp.route`` (tests/test_route_declarations.py fails
when one says nothing):

- ``@public_page``: the same page for every visitor (but for language and reading mode):
  kept in the page cache for visitors (app/web/page_cache.py). With ``reader_copy=True``
  it is also kept for each logged-in reader, for that reader alone.
- ``@public``: open to visitors but not the same for each, or not a page (a health check,
  a calendar file, a CSV): never kept, and stored by browsers as its headers say.
- ``@private``: a form with personal data, an account page, anything behind a login: never
  kept, and ``Cache-Control: no-store`` for everyone (app/web/headers.py).
- ``@requires_charter``: a logged-in person must have accepted the charter in force before
  using it (app/web/charter_gate.py); ``methods=("POST",)`` for a page read by all whose
  form publishes.

A route that declares nothing is private: no copy kept anywhere. It does not require the
charter: the charter is a rule for publishing, and requiring it where nothing is published
(an account page, a data export, a logout) would lock people out of their own account;
a route that publishes says so.

Whatever the route, a page shown to a logged-in person is never stored by a browser or
proxy (app/web/headers.py).

The declaration is an attribute of the view function: every wrapper (Flask-Login's,
Flask-Limiter's) copies it with ``functools.wraps``, so it is read from the view Flask
calls, ``current_app.view_functions[endpoint]``.
"""

from collections.abc import Callable, Iterable

from flask import current_app

PUBLIC_PAGE = "public_page"
READER_PAGE = "reader_page"  # a public page also kept for each logged-in reader
PUBLIC = "public"
PRIVATE = "private"
KINDS = frozenset({PUBLIC_PAGE, READER_PAGE, PUBLIC, PRIVATE})

_KIND = "voix_route_kind"
_CHARTER = "voix_route_charter_methods"
_EVERY_METHOD = "*"


def _declare(view: Callable, kind: str) -> Callable:
    setattr(view, _KIND, kind)
    return view


def public_page(view: Callable | None = None, *, reader_copy: bool = False):
    """The same page for every visitor: kept in the page cache (and for each reader too
    with ``reader_copy=True``)."""
    kind = READER_PAGE if reader_copy else PUBLIC_PAGE
    if view is None:
        return lambda view: _declare(view, kind)
    return _declare(view, kind)


def public(view: Callable) -> Callable:
    """Open to visitors, never kept in the page cache, no ``no-store`` for visitors."""
    return _declare(view, PUBLIC)


def private(view: Callable) -> Callable:
    """Never kept, never stored: ``Cache-Control: no-store`` for everyone."""
    return _declare(view, PRIVATE)


def requires_charter(view: Callable | None = None, *, methods: Iterable[str] | None = None):
    """A logged-in person accepts the charter in force before using this route (for these
    methods only, when given)."""
    allowed = frozenset(m.upper() for m in methods) if methods else _EVERY_METHOD

    def declare(view: Callable) -> Callable:
        setattr(view, _CHARTER, allowed)
        return view

    return declare if view is None else declare(view)


# Read by the pipeline


def _view(endpoint: str | None) -> Callable | None:
    return current_app.view_functions.get(endpoint) if endpoint else None


def declared_kind(view: Callable | None) -> str | None:
    """What the view declares, None when it declares nothing."""
    return getattr(view, _KIND, None)


def kind(endpoint: str | None) -> str:
    """The kind of the route; private when it declares nothing."""
    return declared_kind(_view(endpoint)) or PRIVATE


def cached_for_visitors(endpoint: str | None) -> bool:
    return kind(endpoint) in (PUBLIC_PAGE, READER_PAGE)


def kept_per_reader(endpoint: str | None) -> bool:
    return kind(endpoint) == READER_PAGE


def is_private(endpoint: str | None) -> bool:
    """No-store for everyone. An address that matches no route (a 404 page) is not a
    route's page: it is the same for every visitor."""
    return endpoint is not None and kind(endpoint) == PRIVATE


def requires_charter_for(endpoint: str | None, method: str) -> bool:
    methods = getattr(_view(endpoint), _CHARTER, ())
    return methods == _EVERY_METHOD or method in methods
