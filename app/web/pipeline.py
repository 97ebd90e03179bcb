"""The request pipeline, in the order it runs: one place to read what happens to a request.

Flask runs before-request hooks in the order they are registered and after-request hooks in
the reverse order; `install` registers them so that a request meets them in the order
listed below. The extensions registered earlier by the factory
(`app/__init__.py`) come first: production logs (request id, timing), Flask-WTF's CSRF
check, Flask-Limiter's limits, then Flask-Login's session.

Before the view, in this order:

1. incoming      refuse a NUL in the path and any uploaded file (400) but on a route that
                 declares it takes one, before anyone reads the request (app/web/incoming.py)
2. reader hit    a logged-in reader's kept page, answered on one statement before the
                 account is loaded, when nothing else is asked (app/web/reader_hit.py)
   sessions      load the account from its server-side session row; note activity at most
                 once a minute, before the view so the view's transaction holds none of it
                 (app/accounts/login_sessions.py)
3. charter gate  a logged-in person posting under a charter they have not accepted gets the
                 acceptance page, carrying what they sent (app/web/charter_gate.py)
4. language      remember a ``?lang=`` choice in the session (app/web/templating.py)
5. page cache    last: every check above has passed, so a kept page may answer for the
                 view (app/web/page_cache.py)

After the view (each sees the response of the step below it):

5. page cache    keeps a public or reader's page, adds its ETag
   read counter  counts a read of a proposal page, the cache's answers included, and
                 writes the counts now and then (app/web/read_counter.py)
4. headers       security headers; ``Cache-Control: no-store`` for private pages
                 (app/web/headers.py)
3. outbox        e-mails queued by the request leave once the response has gone
                 (app/web/mail_after_response.py)

What a route is (kept in the page cache, never stored, behind the charter) is declared at
the route (app/web/routes.py) and read by the charter gate, the page cache and the headers.

Beneath every view, in the use case that meets it: the one retry a busy database deserves
(``retry_when_busy``, app/services/__init__.py); never the whole view, which would count its
rate limit twice. Errors become French pages that give back what was typed, a database still
busy included (503) (app/web/errors.py). Signals: the security log listens to logins and
logouts (app/accounts/security_log.py); the search index follows every flush
(app/search/index.py); the content version follows every flush and commit that writes
content (app/models/content_version.py, installed with the page cache).
"""

from flask import Flask

from app import cli
from app.accounts import login_sessions, security_log
from app.search import index as search_index
from app.services import translations
from app.web import (
    charter_gate,
    content_language,
    errors,
    headers,
    incoming,
    mail_after_response,
    page_cache,
    read_counter,
    reader_hit,
    templating,
)


def install(app: Flask) -> None:
    """Register the hooks in the order above (called once the blueprints are registered)."""
    errors.init_app(app)  # error handlers: French pages, typed text given back
    incoming.init_app(app)  # before 1: NUL and files refused
    mail_after_response.init_app(app)  # after 3: queued e-mails leave after the response
    headers.init_app(app)  # after 4: security headers and no-store
    reader_hit.init_app(app)  # before 2: a reader's kept page, no account loaded
    login_sessions.init_app(app)  # before 2: the account's session row
    security_log.init_app(app)  # signals: logins and logouts logged
    charter_gate.init_app(app)  # before 3: the charter accepted before posting
    templating.init_app(app)  # before 4 (language choice) and template helpers
    content_language.init_app(app)  # signals: a page's translations read before it renders
    translations.init_app(app)  # signals: a changed original outdates its translations
    cli.init_app(app)  # the `flask …` commands
    search_index.init_app(app)  # signals: the search index follows every flush
    read_counter.init_app(app)  # after 5: reads of proposal pages, cached ones included
    page_cache.init_app(app)  # before 5 and after 5: last, it may answer for the view
