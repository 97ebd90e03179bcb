"""Testimonies, comments and replies as pages, the API and search show them."""

from datetime import datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import (
    Contribution,
    ContributionKind,
    ContributionState,
    ModerationDecision,
    Proposal,
)

# Who may read a contribution, said once here for pages, the API, search and exports.
# Anyone: a published one, and for a reply, under a published comment (a reply goes away
# with its hidden comment). Its author: all of theirs as well, held or moderated.
# Moderators: everything (policy.can_view_contribution). A withdrawn one stays in place,
# shown as withdrawn without its text, so search leaves it out (has_public_text).
PUBLIC_STATE = ContributionState.PUBLISHED


def visible_to_public(parent=None, state=Contribution.state):
    """The SQL condition for what anyone may read. ``parent``: an alias of Contribution
    outer-joined on ``parent_id``, when replies are selected apart from their comment (pages
    look replies up under the comments already shown, and need none). ``state``: the column
    to test, ``Contribution.state`` or ``_unindexed(Contribution.state)``."""
    published = state == PUBLIC_STATE
    if parent is None:
        return published
    return sa.and_(published, sa.or_(parent.id.is_(None), parent.state == PUBLIC_STATE))


def published_since(since: datetime):
    """The SQL condition for a contribution that became readable after ``since``: posted
    after it, or made public by a moderator after it (held for moderation, approved later).
    Said once for the institution's inbox and its weekly digest; use it together with
    ``visible_to_public`` (it says when, not whether it is still public)."""
    made_public = sa.exists().where(
        ModerationDecision.contribution_id == Contribution.id,
        ModerationDecision.to_state == PUBLIC_STATE,
        ModerationDecision.created_at > since,
    )
    return sa.or_(Contribution.created_at > since, made_public)


def is_visible_to_public(contribution: Contribution) -> bool:
    """``visible_to_public`` for one loaded contribution (its parent loaded only if a reply)."""
    return contribution.state is PUBLIC_STATE and (
        contribution.parent_id is None or contribution.parent.state is PUBLIC_STATE
    )


def visible_to(user_id: int | None, state=Contribution.state):
    """What a viewer reads in a list: what anyone may, plus their own ones still held or
    moderated (``user_id`` None: a visitor)."""
    if user_id is None:
        return visible_to_public(state=state)
    return sa.or_(visible_to_public(state=state), Contribution.author_id == user_id)


def has_public_text(parent):
    """What search may index: visible to anyone and not withdrawn."""
    return sa.and_(visible_to_public(parent), Contribution.withdrawn_at.is_(None))


def contributions_of(proposal: Proposal, kind: ContributionKind, user_id: int | None):
    """Top-level testimonies or comments of a proposal, oldest first (a select to paginate);
    testimonies with their recordings (never the recordings' bytes: deferred columns)."""
    return _contributions_of(proposal.id, kind, user_id)


@cache
def counted_contributions(kind: ContributionKind, signed_in: bool) -> sa.Select:
    """contributions_of with each row's total (a window count), built once
    (docs/architecture.md). Its parameters: ``proposal_id``, ``user_id`` (signed in),
    ``limit`` and ``offset``, the last two as pagination.paginate_counted gives them."""
    viewer = sa.bindparam("user_id") if signed_in else None
    return (
        _contributions_of(sa.bindparam("proposal_id"), kind, viewer)
        .add_columns(sa.func.count().over())
        .limit(sa.bindparam("limit", type_=sa.Integer))
        .offset(sa.bindparam("offset", type_=sa.Integer))
    )


def _contributions_of(proposal_id, kind: ContributionKind, user_id) -> sa.Select:
    """contributions_of, for values or bind parameters."""
    query = (
        sa.select(Contribution)
        .where(
            Contribution.proposal_id == proposal_id,
            Contribution.kind == kind,
            visible_to(user_id),
        )
        .options(joinedload(Contribution.author), joinedload(Contribution.recorded_for))
        .order_by(Contribution.created_at, Contribution.id)
    )
    if kind is ContributionKind.TESTIMONY:  # one recording at most: joined, no query more
        query = query.options(joinedload(Contribution.audio))
    return query


def contribution_totals(proposal: Proposal, user_id: int | None) -> dict[ContributionKind, int]:
    """How many top-level testimonies and comments of a proposal a viewer sees, as
    contributions_of selects them (one query for both kinds)."""
    rows = db.session.execute(
        sa.select(Contribution.kind, sa.func.count())
        .where(
            Contribution.proposal_id == proposal.id,
            Contribution.kind.in_((ContributionKind.TESTIMONY, ContributionKind.COMMENT)),
            visible_to(user_id),
        )
        .group_by(Contribution.kind)
    )
    totals = {ContributionKind.TESTIMONY: 0, ContributionKind.COMMENT: 0}
    totals.update(rows.all())
    return totals


class _unindexed(sa.sql.functions.FunctionElement):
    """A column SQLite may not use an index for: `+column` (a no-op there). Without
    statistics, SQLite's planner walks ix_contribution_state_created for `state = ?` to spare
    a sort, a scan of every published contribution, instead of looking up the few replies by
    parent or response. PostgreSQL plans on statistics and gets the plain column."""

    inherit_cache = True

    def __init__(self, column):
        super().__init__(column)
        self.type = column.type


@compiles(_unindexed)
def _unindexed_default(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(_unindexed, "sqlite")
def _unindexed_sqlite(element, compiler, **kw):
    return "+" + compiler.process(element.clauses, **kw)


def _visible_reply(user_id: int | None):
    """visible_to, for replies looked up by their parent or response."""
    return visible_to(user_id, state=_unindexed(Contribution.state))


def replies_to(comment_ids: list[int], user_id: int | None) -> dict[int, list[Contribution]]:
    """The replies under these comments, grouped by comment (one query)."""
    return replies_under(comment_ids, [], user_id)[0]


def response_replies(response_ids: list[int], user_id: int | None) -> dict[int, list]:
    """The right-of-reply contributions under these responses, by response (one query)."""
    return replies_under([], response_ids, user_id)[1]


def replies_under(
    comment_ids: list[int], response_ids: list[int], user_id: int | None
) -> tuple[dict[int, list[Contribution]], dict[int, list[Contribution]]]:
    """The replies under these comments and the right-of-reply contributions under these
    responses, each grouped by what it answers, oldest first: one query for both, as a
    proposal page shows both (on PostgreSQL each statement is a round trip)."""
    by_comment: dict[int, list[Contribution]] = {cid: [] for cid in comment_ids}
    by_response: dict[int, list[Contribution]] = {rid: [] for rid in response_ids}
    if not (comment_ids or response_ids):
        return by_comment, by_response
    params = {"comment_ids": comment_ids, "response_ids": response_ids, "user_id": user_id}
    shape = (bool(comment_ids), bool(response_ids), user_id is not None)
    statement = _replies_under(*shape)
    rows = db.session.scalars(statement, {k: v for k, v in params.items() if v})
    for reply in rows:
        if reply.parent_id in by_comment:
            by_comment[reply.parent_id].append(reply)
        if reply.response_id in by_response:
            by_response[reply.response_id].append(reply)
    return by_comment, by_response


@cache
def _replies_under(comments: bool, responses: bool, signed_in: bool) -> sa.Select:
    """replies_under's statement for these lists and this viewer, built once
    (docs/architecture.md); the ids and the viewer are its parameters."""
    under = []
    if comments:
        under.append(Contribution.parent_id.in_(sa.bindparam("comment_ids", expanding=True)))
    if responses:
        under.append(Contribution.response_id.in_(sa.bindparam("response_ids", expanding=True)))
    viewer = sa.bindparam("user_id") if signed_in else None
    return (
        sa.select(Contribution)
        .where(sa.or_(*under), _visible_reply(viewer))
        .options(joinedload(Contribution.author), joinedload(Contribution.recorded_for))
        .order_by(Contribution.created_at, Contribution.id)
    )


def published_counts(proposal_id: int) -> dict[ContributionKind, int]:
    """How many testimonies, comments and replies of a proposal anyone may read (one
    query): the replies under a published comment only."""
    parent = sa.orm.aliased(Contribution)
    rows = db.session.execute(
        sa.select(Contribution.kind, sa.func.count())
        .outerjoin(parent, Contribution.parent_id == parent.id)
        .where(
            Contribution.proposal_id == proposal_id,
            Contribution.response_id.is_(None),
            visible_to_public(parent),
        )
        .group_by(Contribution.kind)
    )
    counts = dict.fromkeys(
        (ContributionKind.TESTIMONY, ContributionKind.COMMENT, ContributionKind.REPLY), 0
    )
    counts.update(rows.all())
    return counts


def contribution_with_proposal(contribution_id: int) -> Contribution | None:
    """A contribution with its proposal and the proposal's workshop, as the pages about one
    contribution (reply, flag, edit, withdraw) show them."""
    return db.session.get(
        Contribution,
        contribution_id,
        options=[joinedload(Contribution.proposal).joinedload(Proposal.theme)],
    )
