"""No state change on GET: every GET route of the permission matrix, visited in turn by a
logged-in person of each role, leaves every row of every table as it was (a session's
throttled last activity aside)."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditAction, AuditEvent
from tests.test_permissions import CASES, _act_as, _fill

GET_CASES = [case for case in CASES if case[0] == "GET"]
# Written at most once a minute by a logged-in person's request: app/accounts/login_sessions.py.
MAY_CHANGE = {("user_session", "last_seen_at")}
# Reading is what these record: a moderator shown who is behind a protected contribution
# (an assisted or paper testimony waiting in the queue), app/services/audit.py.
READS_RECORDED = AuditEvent.action == AuditAction.IDENTITY_VIEWED


def snapshot() -> dict[str, list[tuple]]:
    """Every column of every row of every table."""
    db.session.expire_all()
    tables = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if (table.name, c.name) not in MAY_CHANGE]
        query = sa.select(*columns).order_by(*table.primary_key.columns)
        if table is AuditEvent.__table__:
            query = query.where(~READS_RECORDED)
        rows = db.session.execute(query)
        tables[table.name] = [tuple(row) for row in rows]
    return tables


def changes(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


@pytest.fixture
def world(prebuilt, make_organisation, make_theme, make_proposal, make_user):
    from tests.test_permissions import add_minutes, build_world

    def build():
        built = build_world(make_organisation, make_theme, make_proposal, make_user)
        add_minutes(built)
        return built

    return prebuilt(build)


@pytest.mark.parametrize(
    "role", ["participant", "association_member", "moderator", "institution_rep", "admin"]
)
def test_get_requests_change_nothing(client, world, make_user, role):
    _act_as(client, role, world, make_user)
    client.get("/")  # the login's own writes are done
    before = snapshot()
    assert before["user_session"], "the person is logged in with a server-side session"
    changed = []
    for _method, endpoint, url, _form, _expected in GET_CASES:
        client.get(_fill(world, url, None)[0])
        after = snapshot()
        changed += [f"{endpoint} {url}: {table}" for table in changes(before, after)]
        before = after
    assert changed == []


def test_the_snapshot_sees_a_change(client, world, make_user):
    """The comparison above would notice a GET that wrote something."""
    _act_as(client, "participant", world, make_user)
    before = snapshot()
    client.post(f"/propositions/{world['proposal'].id}/suivre")
    assert changes(before, snapshot()) == ["follow"]
