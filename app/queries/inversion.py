"""The inversion: institutions put proposals to associations (the network's 2015 review asks
for an "inversion de logique": "ce n'est pas aux associations à solliciter, à quémander,
mais aux institutions à faire des propositions aux associations"). The associations answer,
or take the proposal up ("Nous nous en saisissons") and commit to dated actions.

Counted apart from the institutions' accountability (app/queries/board.py), with its words:
*addressed*, *answered*, *awaiting* (sent, unanswered, not abandoned) and *overdue*; and
*taken up*, the answers "Nous nous en saisissons". Every function is a read with a fixed
number of queries whatever the data size, or a select the caller paginates.
"""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload, load_only

from app.extensions import db
from app.models import (
    AddressedInstitution,
    Commitment,
    OfficialResponse,
    Organisation,
    OrganisationKind,
    Position,
    Proposal,
    Theme,
    paris_today,
)
from app.queries.board import (
    Period,
    _addressed,
    _answer_columns,
    _answer_figures,
    _commitment_columns,
    _count_if,
    _scope,
    counted_rows,
    open_commitments,
)
from app.queries.proposals import ANY_EVENT, EventFilter
from app.queries.statements import kept_for_values
from app.queries.synthesis import Excerpt, _pair_state, excerpt, first_rows

ASSOCIATION_KINDS = (OrganisationKind.ASSOCIATION, OrganisationKind.SERVICE_PROVIDER)


def _to_associations(column):
    """Clause keeping rows whose organisation (``column``, its id) is an association or a
    service provider; the organisation table may be in the query."""
    addressee = aliased(Organisation)
    return column.in_(sa.select(addressee.id).where(addressee.kind.in_(ASSOCIATION_KINDS)))


def _filed(theme: Theme | None, institution: Organisation | None, events: EventFilter) -> list:
    """Clauses keeping the proposals of a workshop, an event or a year (examples only under
    an example's filter), and those one institution filed when it is given; the proposal
    table is in the query."""
    clauses = _scope(theme and theme.id, None, None, events)
    if institution is not None:
        clauses.append(Proposal.organisation_id == institution.id)
    return clauses


def associations_query(
    theme: Theme | None = None,
    institution: Organisation | None = None,
    events: EventFilter = ANY_EVENT,
):
    """The associations institutions put proposals to (one institution's, when given), by
    name (a select to paginate)."""
    # From the few rows addressed to associations (their own index), kept by their copies
    # of the proposal's workshop, event and example: EXISTS per association probed the
    # addressed rows for each of 13,000 associations (12 ms at 100× on SQLite).
    kept = put_rows(theme, events)
    if institution is not None:
        its_own = sa.select(Proposal.id).where(Proposal.organisation_id == institution.id)
        kept.append(AddressedInstitution.proposal_id.in_(its_own))
    addressed = sa.select(AddressedInstitution.institution_id).where(*kept)
    query = sa.select(Organisation).where(
        Organisation.kind.in_(ASSOCIATION_KINDS), Organisation.id.in_(addressed)
    )
    if not events.counts_examples:
        query = query.where(Organisation.example.is_(False))
    fields = (Organisation.name, Organisation.slug, Organisation.kind, Organisation.example)
    return query.options(load_only(*fields)).order_by(Organisation.name, Organisation.id)


def put_rows(theme: Theme | None, events: EventFilter = ANY_EVENT) -> list:
    """Clauses keeping the rows addressed to associations, of one workshop, event or year,
    read on the rows' copies (``board.counted_rows``) and through their own index."""
    return [
        AddressedInstitution.to_institution == sa.false(),
        *counted_rows(theme and theme.id, events),
    ]


def _answer_and_take_up(today: date) -> tuple:
    return (*_answer_columns(today), _count_if(OfficialResponse.position == Position.TAKEN_UP))


def _blank() -> dict:
    return {
        "addressed": 0,
        "answered": 0,
        "awaiting": 0,
        "overdue": 0,
        "longest_wait_days": None,
        "taken_up": 0,
        "commitments_due": 0,
        "commitments_overdue": 0,
    }


def _figures(row, today: date) -> dict:
    *answers, taken_up = row
    return {**_answer_figures(answers, today), "taken_up": taken_up}


def _commitments(theme, institution, events, *columns):
    """Commitments made in associations' answers to the proposals in scope."""
    return (
        sa.select(*columns)
        .select_from(Commitment)
        .join(OfficialResponse, OfficialResponse.id == Commitment.response_id)
        .join(Proposal, Proposal.id == OfficialResponse.proposal_id)
        .where(*_filed(theme, institution, events))
    )


def association_rows(
    theme: Theme | None = None,
    institution: Organisation | None = None,
    today: date | None = None,
    events: EventFilter = ANY_EVENT,
    associations: list[Organisation] | None = None,
) -> list[dict]:
    """One row per association (``associations``, a page of ``associations_query``; without
    it, all of them, one query more): the proposals put to it, its answers, how many it took
    up, those awaited and late, its commitments (two queries; none for no association)."""
    today = today or paris_today()
    if associations is None:
        associations = list(db.session.scalars(associations_query(theme, institution, events)))
    if not associations:
        return []
    ids = [org.id for org in associations]
    figures = {org_id: _blank() for org_id in ids}
    rows = db.session.execute(
        _addressed(AddressedInstitution.institution_id, *_answer_and_take_up(today))
        .where(AddressedInstitution.institution_id.in_(ids), *_filed(theme, institution, events))
        .group_by(AddressedInstitution.institution_id)
    )
    for org_id, *counts in rows:
        figures[org_id].update(_figures(counts, today))
    commitments = db.session.execute(
        _commitments(
            theme, institution, events, OfficialResponse.institution_id, *_commitment_columns(today)
        )
        .where(OfficialResponse.institution_id.in_(ids))
        .group_by(OfficialResponse.institution_id)
    )
    for org_id, due, overdue in commitments:
        figures[org_id].update(commitments_due=due, commitments_overdue=overdue)
    return [{**figures[org.id], "association": org} for org in associations]


def totals(
    theme: Theme | None = None,
    institution: Organisation | None = None,
    today: date | None = None,
    events: EventFilter = ANY_EVENT,
) -> dict:
    """Every association's figures added up, and how many proposals the institutions put to
    them (two queries)."""
    today = today or paris_today()
    proposals, *counts = db.session.execute(
        _addressed(
            sa.func.count(sa.distinct(AddressedInstitution.proposal_id)),
            *_answer_and_take_up(today),
        ).where(
            AddressedInstitution.to_institution == sa.false(),
            *_filed(theme, institution, events),
        )
    ).one()
    if institution is None:
        due, overdue = open_commitments(theme and theme.id, today, events, by_institutions=False)
    else:
        due, overdue = db.session.execute(
            _commitments(theme, institution, events, *_commitment_columns(today)).where(
                _to_associations(OfficialResponse.institution_id)
            )
        ).one()
    return {
        **_blank(),
        **_figures(counts, today),
        "proposals": proposals,
        "commitments_due": due,
        "commitments_overdue": overdue,
    }


@kept_for_values
def _proposals_put(theme_id: int | None, period: Period, events: EventFilter) -> tuple:
    """How many proposals were put to associations in the period, and the latest (two
    selects)."""
    # The proposals put to associations, found once from the addressed rows (materialised):
    # as a plain subquery the planner, guessing most proposals qualify, walked every
    # proposal newest first looking for 20 (1.6 s on PostgreSQL at 100,000 proposals when
    # none were put to associations).
    put_rows = (
        sa.select(AddressedInstitution.proposal_id)
        .where(AddressedInstitution.to_institution == sa.false())
        .cte("put_to_associations")
        .prefix_with("MATERIALIZED")
    )
    where = [
        Proposal.id.in_(sa.select(put_rows.c.proposal_id)),
        *_scope(theme_id, None, None, events),
        *period.moments(Proposal.created_at),
    ]
    order = (Proposal.created_at.desc(), Proposal.id.desc())
    query = sa.select(Proposal).options(joinedload(Proposal.organisation))
    counted = sa.select(sa.func.count(Proposal.id)).where(*where)
    return counted, first_rows(query, Proposal, where, order)


def proposals_put(
    theme: Theme | None,
    period: Period,
    today: date,
    events: EventFilter = ANY_EVENT,
) -> Excerpt:
    """The institutions' latest proposals to associations filed in the period, each with
    every addressee's position, answered or not (three queries)."""
    counted, shown = _proposals_put(theme and theme.id, period, events)
    latest = excerpt(shown, db.session.scalar(counted))
    entries = {p.id: {"proposal": p, "addressees": []} for p in latest.items}
    rows = db.session.execute(
        _addressed(
            AddressedInstitution.proposal_id,
            AddressedInstitution.sent_at,
            AddressedInstitution.response_due_on,
            Organisation,
            OfficialResponse.position,
        )
        .join(Organisation, Organisation.id == AddressedInstitution.institution_id)
        .where(Proposal.id.in_(list(entries)))
        .order_by(Organisation.name)
    )
    for proposal_id, sent_at, due_on, org, position in rows:
        entry = entries[proposal_id]
        state = _pair_state(entry["proposal"], sent_at, due_on, position, today)
        entry["addressees"].append({"institution": org, "position": position, "state": state})
    return Excerpt(list(entries.values()), latest.total)
