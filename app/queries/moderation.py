"""The moderation queue, its flags and the decisions taken."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    Contribution,
    ContributionState,
    Flag,
    ModerationDecision,
    Proposal,
    Theme,
)


def _has_open_flag():
    return sa.exists().where(Flag.contribution_id == Contribution.id, Flag.resolved_at.is_(None))


def _needs_review():
    """Held or flagged, and not withdrawn by its author meanwhile."""
    return sa.and_(
        sa.or_(Contribution.state == ContributionState.PENDING, _has_open_flag()),
        Contribution.withdrawn_at.is_(None),
    )


def _waiting_since():
    """Since when an item waits: a held one since it was written, a flagged one since its
    first open flag (a comment published months ago and flagged today waits since today)."""
    first_open_flag = (
        sa.select(sa.func.min(Flag.created_at))
        .where(Flag.contribution_id == Contribution.id, Flag.resolved_at.is_(None))
        .scalar_subquery()
    )
    return sa.case(
        (Contribution.state == ContributionState.PENDING, Contribution.created_at),
        else_=first_open_flag,
    )


def _in_workshops(theme: Theme | None, theme_ids: list[int] | None):
    """Items on the proposals of one workshop and of these workshops (None: any)."""
    conditions = []
    if theme is not None:
        conditions.append(Proposal.theme_id == theme.id)
    if theme_ids is not None:
        conditions.append(Proposal.theme_id.in_(theme_ids))
    return sa.and_(sa.true(), *conditions)


@dataclass(frozen=True)
class Waiting:
    """What waits for a moderator: how many items, since when the oldest and the newest."""

    count: int
    oldest_since: datetime | None
    newest_since: datetime | None

    def oldest_hours(self, now: datetime) -> int | None:
        """Whole hours the oldest item has waited by `now` (None: nothing waits)."""
        if self.oldest_since is None:
            return None
        return max(0, int((now - self.oldest_since).total_seconds() // 3600))


def waiting(theme: Theme | None = None, theme_ids: list[int] | None = None) -> Waiting:
    """The items the queue shows (in this workshop, in these workshops), counted, with their
    oldest and newest arrival (one query)."""
    since = _waiting_since()
    count, oldest, newest = db.session.execute(
        sa.select(sa.func.count(Contribution.id), sa.func.min(since), sa.func.max(since))
        .join(Contribution.proposal)
        .where(_needs_review(), _in_workshops(theme, theme_ids))
    ).one()
    return Waiting(count, oldest, newest)


def _as_moderators_see_it():
    """What a moderation item shows with a contribution, loaded with it."""
    return (
        joinedload(Contribution.author),
        joinedload(Contribution.recorded_for),
        joinedload(Contribution.proposal).joinedload(Proposal.theme),
        joinedload(Contribution.parent),
        joinedload(Contribution.place),  # a paper sheet's: where it was collected
        selectinload(Contribution.paper_photo),  # its photo's size, never its bytes
        joinedload(Contribution.audio),  # never its bytes (deferred columns)
    )


def contribution_for_moderation(contribution_id: int) -> Contribution | None:
    """One contribution with what its moderation page shows (its proposal and workshop,
    whose names are read in the moderator's language with the page's other texts)."""
    return db.session.scalar(
        sa.select(Contribution)
        .where(Contribution.id == contribution_id)
        .options(*_as_moderators_see_it())
    )


def moderation_queue(theme: Theme | None = None, theme_ids: list[int] | None = None):
    """Pending and flagged contributions, oldest first (a select to paginate); `theme_ids`
    keeps those of a moderator's workshops (None: every workshop)."""
    return (
        sa.select(Contribution)
        .join(Contribution.proposal)
        .where(_needs_review(), _in_workshops(theme, theme_ids))
        .options(*_as_moderators_see_it())
        .order_by(Contribution.created_at, Contribution.id)
    )


def moderation_queue_count() -> int:
    """How many contributions wait for a moderator (shown in the menu)."""
    return db.session.scalar(sa.select(sa.func.count(Contribution.id)).where(_needs_review()))


def open_flags_for(contribution_ids: list[int]) -> dict[int, list[Flag]]:
    """The unresolved flags on these contributions, by contribution (one query)."""
    flags: dict[int, list[Flag]] = {cid: [] for cid in contribution_ids}
    if not contribution_ids:
        return flags
    rows = db.session.scalars(
        sa.select(Flag)
        .where(Flag.contribution_id.in_(contribution_ids), Flag.resolved_at.is_(None))
        .order_by(Flag.created_at)
    )
    for flag in rows:
        flags[flag.contribution_id].append(flag)
    return flags


def moderation_history(contribution: Contribution) -> list[ModerationDecision]:
    """Every decision on a contribution, newest first, with its moderator."""
    return list(
        db.session.scalars(
            sa.select(ModerationDecision)
            .where(ModerationDecision.contribution_id == contribution.id)
            .options(joinedload(ModerationDecision.moderator))
            .order_by(ModerationDecision.created_at.desc(), ModerationDecision.id.desc())
        )
    )


def hiding_decision(contribution: Contribution) -> ModerationDecision | None:
    """The decision that hid this contribution (the latest one that led to "hidden")."""
    return db.session.scalar(
        sa.select(ModerationDecision)
        .where(
            ModerationDecision.contribution_id == contribution.id,
            ModerationDecision.to_state == ContributionState.HIDDEN,
        )
        .order_by(ModerationDecision.created_at.desc(), ModerationDecision.id.desc())
        .limit(1)
    )


def decision_log():
    """Every moderation decision, newest first (a select to paginate)."""
    return (
        sa.select(ModerationDecision)
        .options(
            joinedload(ModerationDecision.moderator),
            joinedload(ModerationDecision.contribution).joinedload(Contribution.proposal),
        )
        .order_by(ModerationDecision.created_at.desc(), ModerationDecision.id.desc())
    )
