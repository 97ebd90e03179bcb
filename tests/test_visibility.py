"""Who may read a contribution is decided once (app/queries/contributions.py): the proposal
page, a contribution's permanent link, the API and search agree on it for a visitor, and the
privacy export holds every one of the author's own, whatever its state."""

import re

import pytest

from app.extensions import db
from app.models import (
    Contribution,
    ContributionKind,
    ContributionState,
    OfficialResponse,
    OrganisationKind,
    Position,
    utcnow,
)
from app.queries import contributions as queries
from tests.conftest import login

PUBLISHED, PENDING = ContributionState.PUBLISHED, ContributionState.PENDING
HIDDEN, REJECTED = ContributionState.HIDDEN, ContributionState.REJECTED
TESTIMONY, COMMENT = ContributionKind.TESTIMONY, ContributionKind.COMMENT
REPLY = ContributionKind.REPLY
WORD = "pivoine"


@pytest.fixture
def world(make_proposal, make_organisation, make_user):
    """A contribution in each state and place, each with a code word in its text."""
    author = make_user("participant")
    institution = make_organisation(OrganisationKind.INSTITUTION)
    proposal = make_proposal(institutions=[institution])
    response = OfficialResponse(
        proposal=proposal, institution=institution, position=Position.FAVOURABLE, body="Oui."
    )
    db.session.add(response)
    made = {}

    def add(code, kind, state, **fields):
        made[code] = Contribution(
            proposal=proposal,
            kind=kind,
            state=state,
            author=author,
            body=f"{WORD} {code}",
            **fields,
        )
        db.session.add(made[code])
        db.session.flush()
        return made[code]

    add("alpha", TESTIMONY, PUBLISHED)
    add("bravo", TESTIMONY, PENDING)
    add("charlie", TESTIMONY, HIDDEN)
    add("delta", TESTIMONY, REJECTED)
    add("echo", TESTIMONY, PUBLISHED, withdrawn_at=utcnow())
    shown = add("foxtrot", COMMENT, PUBLISHED)
    add("golf", REPLY, PUBLISHED, parent=shown)
    add("hotel", REPLY, PENDING, parent=shown)
    hidden = add("india", COMMENT, HIDDEN)
    add("juliett", REPLY, PUBLISHED, parent=hidden)
    add("kilo", REPLY, PUBLISHED, response=response)
    add("lima", REPLY, HIDDEN, response=response)
    db.session.commit()
    return {"proposal": proposal, "author": author, "made": made}


# What a visitor may read; "echo" is withdrawn: it stays in place, without its text.
VISIBLE = {"alpha", "echo", "foxtrot", "golf", "kilo"}
WITH_TEXT = VISIBLE - {"echo"}


def _codes(text: str) -> set[str]:
    return set(re.findall(rf"{WORD} (\w+)", text))


def _ids(world, codes) -> set[int]:
    return {world["made"][code].id for code in codes}


def test_the_python_predicate_matches_the_sql_condition(world):
    public = db.session.scalars(
        db.select(Contribution.id)
        .outerjoin(parent := db.aliased(Contribution), Contribution.parent_id == parent.id)
        .where(queries.visible_to_public(parent))
    )
    assert set(public) == _ids(world, VISIBLE)
    loaded = {code for code, c in world["made"].items() if queries.is_visible_to_public(c)}
    assert loaded == VISIBLE


def test_the_proposal_page_shows_what_anyone_may_read(client, world):
    html = client.get(f"/propositions/{world['proposal'].id}").get_data(as_text=True)
    assert _codes(html) == WITH_TEXT
    shown = {int(i) for i in re.findall(r'id="contribution-(\d+)"', html)}
    assert shown == _ids(world, VISIBLE)


def test_a_permanent_link_opens_for_what_anyone_may_read(client, world):
    for code, contribution in world["made"].items():
        status = client.get(f"/contributions/{contribution.id}").status_code
        assert status == (302 if code in VISIBLE else 404), code


def test_the_api_gives_what_anyone_may_read(client, world):
    data = client.get(f"/api/v1/proposals/{world['proposal'].id}").get_json()
    items = data["testimonies"] + data["comments"]
    items += [reply for comment in data["comments"] for reply in comment["replies"]]
    items += [reply for response in data["responses"] for reply in response["replies"]]
    assert {item["id"] for item in items} == _ids(world, VISIBLE)
    assert {item["text"] for item in items} == {f"{WORD} {code}" for code in WITH_TEXT} | {None}
    assert data["contribution_counts"] == {"testimonies": 2, "comments": 1, "replies": 1}


@pytest.mark.parametrize("kind", ["testimonies", "comments"])
def test_the_api_pages_give_what_anyone_may_read(client, world, kind):
    page = client.get(f"/api/v1/proposals/{world['proposal'].id}/{kind}").get_json()
    items = page["items"] + [reply for item in page["items"] for reply in item.get("replies", [])]
    expected = {"testimonies": {"alpha", "echo"}, "comments": {"foxtrot", "golf"}}[kind]
    assert {item["id"] for item in items} == _ids(world, expected)
    assert page["next_cursor"] is None and page["next"] is None


def test_search_finds_what_anyone_may_read_with_its_text(client, world):
    html = client.get("/recherche", query_string={"q": WORD}).get_data(as_text=True)
    found = {int(i) for i in re.findall(r"#contribution-(\d+)", html)}
    assert found == _ids(world, WITH_TEXT)


def test_the_author_sees_their_own_and_exports_them_all(client, world):
    login(client, world["author"])
    html = client.get(f"/propositions/{world['proposal'].id}").get_data(as_text=True)
    # Their own held or hidden ones too; a reply under their hidden comment as well.
    assert _codes(html) == set(world["made"]) - {"echo"}
    export = client.get("/compte/mes-donnees.json").get_json()
    assert _codes(str(export["tables"]["contribution"])) == set(world["made"])
