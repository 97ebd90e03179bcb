"""What the pages, the API, search and exports read: one module per area, no commit.

Each function runs a fixed number of SQL statements whatever the data size, or returns a
select that the caller paginates. Who may see a contribution is decided once, in
``contributions.py`` (``visible_to_public``, ``visible_to``), and used everywhere.
Views call ``queries.<area>.<function>``; writes belong to ``app.services``.
"""

from app.queries import (  # noqa: F401  (each area, reachable as queries.<area>)
    admin,
    answer_links,
    audio,
    board,
    charter,
    concerns,
    contributions,
    directory,
    inbox,
    inversion,
    meetings,
    memberships,
    minutes,
    moderation,
    network_events,
    notifications,
    onboarding,
    opendata,
    outreach,
    paper,
    proposal_imports,
    proposals,
    receipts,
    responses,
    sheets,
    suggestions,
    synthesis,
    translators,
)
