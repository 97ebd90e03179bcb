"""Every channel keeps the same secrets: pages, the API, CSV exports, calendars (and search)
never show unpublished text, the author behind an anonymous testimony, a guest's contact
or an e-mail address; every value a person typed is escaped in every position; and no
POST goes through without its CSRF token."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Contribution,
    ContributionKind,
    ContributionState,
    DisplayMode,
    Meeting,
    Organisation,
    Proposal,
    Theme,
    User,
    utcnow,
)
from tests.conftest import login
from tests.test_permissions import (
    CASES,
    _act_as,
    _fill,
    _snapshot,
    add_minutes,
    build_world,
)

OK = 200
SECRETS = {
    "pending text": "Zephyrine attend sa moderation",
    "hidden text": "Quillon masque par les moderateurs",
    "reply under a hidden parent": "Brindille sous un parent masque",
    "rejected text": "Ombeline refusee",
    "withdrawn text": "Carabosse retiree par son autrice",
    "anonymous author": "Anonymette",
    "guest contact": "joignable-en-secret@example.org",
    "e-mail address": "@example.test",
}
# Roles that see neither the moderation queue nor authors' accounts.
READERS = ("visitor", "participant", "association_member", "institution_rep")


def _set_body(contribution: Contribution, text: str) -> None:
    contribution.body = f"Un texte assez long : {text}."


def _secret_world(world, make_user):
    _set_body(world["pending"], SECRETS["pending text"])
    _set_body(world["hidden"], SECRETS["hidden text"])
    _set_body(world["hidden_reply"], SECRETS["reply under a hidden parent"])
    proposal = world["proposal"]
    shy = make_user("participant", pseudonym=SECRETS["anonymous author"])
    shy.email = "anonymette@example.test"
    world["other"].email = "autre@example.test"
    for user in db.session.scalars(sa.select(User)):
        if not user.email.endswith("@example.test"):
            user.email = f"u{user.id}@example.test"
    rows = [
        {"author": shy, "display_mode": DisplayMode.ANONYMOUS, "body": "Je témoigne sans mon nom."},
        {
            "body": "Un témoignage de passage.",
            "guest_name": "Awa",
            "guest_contact": SECRETS["guest contact"],
        },
        {"author": shy, "body": f"Texte : {SECRETS['rejected text']}.", "state": "rejected"},
        {"author": shy, "body": f"Texte : {SECRETS['withdrawn text']}.", "withdrawn_at": utcnow()},
    ]
    for row in rows:
        state = ContributionState(row.pop("state", "published"))
        db.session.add(
            Contribution(proposal=proposal, kind=ContributionKind.TESTIMONY, state=state, **row)
        )
    db.session.commit()


@pytest.fixture
def secret_world(prebuilt, make_organisation, make_theme, make_proposal, make_user):
    def build():
        world = build_world(make_organisation, make_theme, make_proposal, make_user)
        add_minutes(world)
        _secret_world(world, make_user)
        return world

    return prebuilt(build)


def _readable_gets(role):
    """The GET cases this role may open (200), each URL once."""
    seen = set()
    for method, endpoint, url, _form, expected in CASES:
        if method == "GET" and expected[role] == OK and url not in seen:
            seen.add(url)
            yield endpoint, url


@pytest.mark.parametrize("role", READERS)
def test_no_channel_leaks_what_its_reader_may_not_see(client, secret_world, make_user, role):
    world = secret_world
    world["me"], world["mine"] = None, world["comment"]
    if role != "visitor":
        organisation = {
            "association_member": world["association"],
            "institution_rep": world["institution"],
        }.get(role)
        me = make_user(role, organisation=organisation, email="moi@voix.test")
        login(client, me)
        world["me"] = world["mine"] = me
    leaks = []
    for endpoint, url in _readable_gets(role):
        # (A spoken testimony's MP3 is read as bytes: a secret in it would be text still.)
        page = client.get(_fill(world, url, None)[0]).get_data().decode(errors="replace")
        leaks += [f"{endpoint}: {name}" for name, text in SECRETS.items() if text in page]
    for name, text in SECRETS.items():  # search, asked for the very words
        page = client.get("/recherche", query_string={"q": text}).get_data(as_text=True)
        results = page.partition('class="cards search-results"')[2]  # not the query echoed
        leaks += [f"search {name}: {other}" for other, t in SECRETS.items() if t in results]
    public = client.get("/recherche", query_string={"q": "témoigne sans nom"}).get_data(
        as_text=True
    )
    assert 'class="cards search-results"' in public  # the same search finds what is public
    assert leaks == []


def test_moderators_do_see_the_anonymous_author(client, secret_world, make_user):
    """The check above can fail: the moderation queue shows what readers must not see."""
    moderator = make_user("moderator")
    login(client, moderator)
    page = client.get("/moderation/").get_data(as_text=True)
    assert SECRETS["pending text"] in page


PAYLOAD = "<svg onload=alert(1)>\"'&"
ESCAPED = re.escape("<svg onload=alert(1)>")


def _poison_every_name(world):
    """Names, titles and texts people type, all set to the payload (lengths permitting)."""
    for user in db.session.scalars(sa.select(User)):
        user.pseudonym = f"{PAYLOAD}{user.id}"
    for organisation in db.session.scalars(sa.select(Organisation)):
        organisation.name = f"{PAYLOAD} {organisation.id}"
        organisation.description = PAYLOAD
    for theme in db.session.scalars(sa.select(Theme)):
        theme.name = f"{PAYLOAD} {theme.id}"
    for proposal in db.session.scalars(sa.select(Proposal)):
        proposal.title = f"{PAYLOAD} {proposal.id}"
        proposal.body = f"{PAYLOAD}\n\n**{PAYLOAD}**"
    for meeting in db.session.scalars(sa.select(Meeting)):
        meeting.title = f"{PAYLOAD} {meeting.id}"
        meeting.place_name = PAYLOAD
    for contribution in db.session.scalars(sa.select(Contribution)):
        contribution.body = f"{PAYLOAD} {contribution.body}"
        contribution.guest_name = PAYLOAD[:20]
    world["response"].body = PAYLOAD
    world["commitment"].action = PAYLOAD
    db.session.commit()


QUERY_POISON = "page=<svg onload=alert(1)>&sort=<svg onload=alert(1)>&q=<svg onload=alert(1)>"


@pytest.mark.parametrize("role", ["visitor", "admin"])
def test_every_typed_value_is_escaped_everywhere(client, secret_world, make_user, role):
    world = secret_world
    _poison_every_name(world)
    world["me"], world["mine"] = None, world["comment"]
    if role == "admin":
        admin = make_user("admin")
        login(client, admin)
        world["me"] = admin
    unescaped = []
    for endpoint, url in _readable_gets(role):
        url = _fill(world, url, None)[0]
        for target in (url, f"{url}{'&' if '?' in url else '?'}{QUERY_POISON}"):
            # Closed here, as a server closes it: a streamed download left open would be
            # closed later by the garbage collector, outside its request.
            with client.get(target) as response:
                if response.mimetype != "text/html":
                    continue
                if re.search(ESCAPED, response.get_data(as_text=True)):
                    unescaped.append(f"{endpoint} {target}")
    assert unescaped == []


def test_the_escaping_check_can_fail(client, secret_world):
    """A page showing the payload raw is caught by the same search."""
    world = secret_world
    _poison_every_name(world)
    page = client.get(f"/propositions/{world['proposal'].id}").get_data(as_text=True)
    assert "&lt;svg onload=alert(1)&gt;" in page
    assert re.search(ESCAPED, PAYLOAD)


def _csrf_cases():
    """Each POST route once, with a role allowed to use it (so only the token is missing)."""
    seen = set()
    for method, endpoint, url, form, expected in CASES:
        allowed = [role for role, status in expected.items() if status == 302]
        if method != "POST" or endpoint in seen or not allowed:
            continue
        if endpoint == "notifications.unsubscribe":
            continue  # one-click from a mail client (RFC 8058): the signed URL is the proof
        seen.add(endpoint)
        yield pytest.param(allowed[-1], url, form, id=endpoint)


@pytest.mark.parametrize(("role", "url", "form"), list(_csrf_cases()))
def test_every_post_without_its_csrf_token_is_refused(
    app, client, secret_world, make_user, role, url, form
):
    world = secret_world
    _act_as(client, role, world, make_user)
    before = _snapshot()
    url, data = _fill(world, url, form)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(url, data=data)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert _snapshot() == before
