"""Testimonies, comments and replies as pages, the API and search show them."""

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Contribution, ContributionKind, ContributionState, Proposal


def _visible_to(user_id: int | None):
    """Published contributions, plus the viewer's own ones still held or moderated."""
    if user_id is None:
        return Contribution.state == ContributionState.PUBLISHED
    return sa.or_(
        Contribution.state == ContributionState.PUBLISHED, Contribution.author_id == user_id
    )


def contributions_of(proposal: Proposal, kind: ContributionKind, user_id: int | None):
    """Top-level testimonies or comments of a proposal, oldest first (a select to paginate)."""
    return (
        sa.select(Contribution)
        .where(
            Contribution.proposal_id == proposal.id,
            Contribution.kind == kind,
            _visible_to(user_id),
        )
        .options(joinedload(Contribution.author), joinedload(Contribution.recorded_for))
        .order_by(Contribution.created_at, Contribution.id)
    )


def contribution_totals(proposal: Proposal, user_id: int | None) -> dict[ContributionKind, int]:
    """How many top-level testimonies and comments of a proposal a viewer sees, as
    contributions_of selects them (one query for both kinds)."""
    rows = db.session.execute(
        sa.select(Contribution.kind, sa.func.count())
        .where(
            Contribution.proposal_id == proposal.id,
            Contribution.kind.in_((ContributionKind.TESTIMONY, ContributionKind.COMMENT)),
            _visible_to(user_id),
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
    """_visible_to, for replies looked up by their parent or response."""
    state = _unindexed(Contribution.state)
    if user_id is None:
        return state == ContributionState.PUBLISHED
    return sa.or_(state == ContributionState.PUBLISHED, Contribution.author_id == user_id)


def replies_to(comment_ids: list[int], user_id: int | None) -> dict[int, list[Contribution]]:
    """The replies under these comments, grouped by comment (one query)."""
    replies: dict[int, list[Contribution]] = {cid: [] for cid in comment_ids}
    if not comment_ids:
        return replies
    rows = db.session.scalars(
        sa.select(Contribution)
        .where(Contribution.parent_id.in_(comment_ids), _visible_reply(user_id))
        .options(joinedload(Contribution.author))
        .order_by(Contribution.created_at, Contribution.id)
    )
    for reply in rows:
        replies[reply.parent_id].append(reply)
    return replies


def response_replies(response_ids: list[int], user_id: int | None) -> dict[int, list]:
    """The right-of-reply contributions under these responses, by response (one query)."""
    replies: dict[int, list[Contribution]] = {rid: [] for rid in response_ids}
    if not response_ids:
        return replies
    rows = db.session.scalars(
        sa.select(Contribution)
        .where(Contribution.response_id.in_(response_ids), _visible_reply(user_id))
        .options(joinedload(Contribution.author), joinedload(Contribution.recorded_for))
        .order_by(Contribution.created_at, Contribution.id)
    )
    for reply in rows:
        replies[reply.response_id].append(reply)
    return replies


def published_contributions(proposal_id: int) -> list[Contribution]:
    """Every published contribution of a proposal under a published parent (for the API)."""
    parent = sa.orm.aliased(Contribution)
    return list(
        db.session.scalars(
            sa.select(Contribution)
            .outerjoin(parent, Contribution.parent_id == parent.id)
            .where(
                Contribution.proposal_id == proposal_id,
                Contribution.state == ContributionState.PUBLISHED,
                sa.or_(parent.id.is_(None), parent.state == ContributionState.PUBLISHED),
            )
            .options(joinedload(Contribution.author), joinedload(Contribution.recorded_for))
            .order_by(Contribution.created_at, Contribution.id)
        )
    )
