"""The search area: the site-wide search over everything public, on SQLite or PostgreSQL,
in the site's three languages.

Every public object has a document in `search_document` for each language it can be read
in: the French original, and each translation of a proposal (title, text, easy-read
summary), an official response (text, easy-read summary, commitments) or a meeting (title,
description, agenda); a contribution has one, in the language its author wrote in. Each
document is indexed with its language's stemming; Arabic is normalised (diacritics,
tatweel, alef, ya and ta marbuta forms) in the index and in the query alike
(app/search/terms.py). A query is read in every language, each document matched against
the query as its own language reads it (app/search/backends.py).

A result is one object, counted once, ranked by its best document and shown through its
document in the reader's language when that one matches (the title through `tr()`, the
excerpt from the matching document, each marked with its `lang` and `dir`).

An outdated translation stays searchable: pages show it (with a note) until it is
updated, so a search finds what readers are shown. A deleted translation, and anything of
an object that is not public (a private meeting), is never found. The JSON API has no
search endpoint.
"""

from app.search.views import bp

__all__ = ["bp"]
