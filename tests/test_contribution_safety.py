"""What people write cannot attack readers, anonymous authors stay anonymous, and the
proposal page costs the same number of queries whatever the number of contributions."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Contribution,
    ContributionKind,
    ContributionState,
    DisplayMode,
    Organisation,
    OrganisationKind,
    User,
    utcnow,
)
from app.services.accounts import CHARTER_VERSION
from tests.conftest import login
from tests.helpers import count_queries

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">x</a>',
    "{{7*7}}",
]
PAYLOAD_IDS = ["script", "img-onerror", "js-scheme", "js-link", "template"]
# Each field gets the payload and its own mark, to tell where a text shows.
MARKS = {
    "guest_body": "g-corps",
    "guest_name": "g-nom",
    "guest_contact": "g-contact",
    "comment": "comm",
    "reply": "rep",
    "flag": "sig",
    "details": "prec",
    "first_name": "prenom",
    "pseudonym": "ps",  # pseudonyms hold 40 characters
    "moderator": "mod",
}


# A handler or a javascript: link inside a real tag (escaped text starts with "&lt;").
RAW_HANDLER = re.compile(r"<[a-z][^<>]*\son[a-z]+\s*=", re.IGNORECASE)
RAW_JS_LINK = re.compile(r"<[a-z][^<>]*(?:href|src)\s*=\s*[\"']?\s*javascript:", re.IGNORECASE)


class _Page(HTMLParser):
    """The tags and the text of a page, as a browser would parse them."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.chunks: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return "".join(self.chunks)


def assert_inert(html: str) -> _Page:
    """No script but the site's own, no event handler, no javascript: link."""
    page = _Page(html)
    scripts = [attrs for tag, attrs in page.tags if tag == "script"]
    assert all((attrs.get("src") or "").startswith("/static/") for attrs in scripts)
    assert html.lower().count("<script") == len(scripts)
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, name)
    assert not RAW_HANDLER.search(html)
    assert not RAW_JS_LINK.search(html)
    return page


def assert_shown(html: str, values: dict, *fields: str) -> None:
    text = assert_inert(html).text
    for field in fields:
        assert values[field] in text, field  # as text, so escaped in the HTML
        assert values[field].replace("{{7*7}}", "49") not in text or "{{" not in values[field]


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def _last(**where) -> Contribution:
    return db.session.scalar(
        sa.select(Contribution).filter_by(**where).order_by(Contribution.id.desc())
    )


def _approve(moderator, contribution, reason="compliant", details=""):
    response = moderator.post(
        f"/moderation/contributions/{contribution.id}/decision",
        data={
            "action": "approve",
            "reason": reason,
            "details": details,
            "version": contribution.version,
        },
    )
    assert response.status_code == 302


@pytest.fixture
def written(app, client, make_proposal, make_user, make_organisation, request):
    """Every text field filled with the payload, through the site's own forms."""
    values = {field: f"{request.param} {mark}" for field, mark in MARKS.items()}
    proposal = make_proposal()
    association = make_organisation(OrganisationKind.ASSOCIATION, name="Secours solidaire")
    users = {
        "moderator": make_user("moderator", pseudonym=values["moderator"]),
        "author": make_user("participant", pseudonym=values["pseudonym"]),
        "replier": make_user("participant"),
        "flagger": make_user("participant"),
        "member": make_user("association_member", organisation=association),
    }
    clients = {name: _client(app, user) for name, user in users.items()}
    moderator = clients["moderator"]
    guest = {
        "body": values["guest_body"],
        "name": values["guest_name"],
        "contact": values["guest_contact"],
    }
    for _ in range(2):  # the second is published, the first stays in the queue
        assert client.post(f"/propositions/{proposal.id}/temoigner", data=guest).status_code == 302
    _approve(moderator, _last(kind=ContributionKind.TESTIMONY, state=ContributionState.PENDING))

    clients["author"].post(
        f"/propositions/{proposal.id}/commentaires",
        data={"body": values["comment"], "display_mode": "pseudonym"},
    )
    comment = _last(kind=ContributionKind.COMMENT)
    _approve(moderator, comment, "other", values["details"])
    clients["replier"].post(
        f"/contributions/{comment.id}/repondre",
        data={"body": values["reply"], "display_mode": "pseudonym"},
    )
    reply = _last(kind=ContributionKind.REPLY)
    _approve(moderator, reply)
    clients["flagger"].post(
        f"/contributions/{reply.id}/signaler", data={"reason": "other", "details": values["flag"]}
    )
    clients["member"].post(
        f"/propositions/{proposal.id}/temoignage-recueilli",
        data={
            "body": "Témoignage recueilli à la permanence.",
            "first_name": values["first_name"],
            "organisation_id": association.id,
            "consent": "y",
        },
    )
    states = db.session.scalars(sa.select(Contribution.state).order_by(Contribution.id)).all()
    assert states == [ContributionState.PENDING] + [ContributionState.PUBLISHED] * 4
    return values, proposal, clients, comment, reply


@pytest.mark.parametrize("written", PAYLOADS, indirect=True, ids=PAYLOAD_IDS)
def test_payloads_are_inert_everywhere(client, written):
    values, proposal, clients, comment, reply = written
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert_shown(page, values, "guest_body", "guest_name", "comment", "reply", "first_name")
    assert_shown(page, values, "pseudonym")
    assert values["guest_contact"] not in _Page(page).text

    moderator = clients["moderator"]
    queue = moderator.get("/moderation/").get_data(as_text=True)
    assert_shown(queue, values, "guest_body", "guest_name", "guest_contact", "reply", "flag")
    assert_shown(queue, values, "moderator")
    item = moderator.get(f"/moderation/contributions/{comment.id}").get_data(as_text=True)
    assert_shown(item, values, "comment", "pseudonym", "details", "moderator")
    item = moderator.get(f"/moderation/contributions/{reply.id}").get_data(as_text=True)
    assert_shown(item, values, "reply", "flag", "comment")
    journal = moderator.get("/moderation/journal").get_data(as_text=True)
    assert_shown(journal, values, "details", "moderator")

    notifications = clients["author"].get("/notifications/").get_data(as_text=True)
    assert_shown(notifications, values, "details", "pseudonym")


@pytest.mark.parametrize("written", PAYLOADS, indirect=True, ids=PAYLOAD_IDS)
def test_payloads_are_plain_text_in_the_api(client, written):
    values, proposal, *_ = written
    response = client.get(f"/api/v1/proposals/{proposal.id}")
    assert response.mimetype == "application/json"
    data = response.get_json()
    guest, assisted = data["testimonies"]
    assert (guest["author"], guest["text"]) == (values["guest_name"], values["guest_body"])
    assert (
        assisted["author"] == f"{values['first_name']}, témoignage recueilli par Secours solidaire"
    )
    [comment] = data["comments"]
    assert (comment["author"], comment["text"]) == (values["pseudonym"], values["comment"])
    assert [r["text"] for r in comment["replies"]] == [values["reply"]]
    for hidden in ("guest_contact", "flag", "details"):
        assert values[hidden] not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("body", "link"),
    [
        ("Voir https://example.org/x pour plus", "https://example.org/x"),
        ("Le site https://example.org/x.", "https://example.org/x"),
        ("Lien https://example.org/x?a=1&b=2 ici", "https://example.org/x?a=1&amp;b=2"),
    ],
)
def test_links_are_nofollow(client, make_proposal, make_user, body, link):
    proposal = make_proposal()
    db.session.add(
        Contribution(
            proposal=proposal,
            kind=ContributionKind.COMMENT,
            author=make_user("participant"),
            body=body,
            state=ContributionState.PUBLISHED,
        )
    )
    db.session.commit()
    html = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert f'<a href="{link}" rel="nofollow ugc noopener noreferrer">' in html
    assert_inert(html)


# Anonymity


def _absent(body: str, secret) -> None:
    for value in (secret.email, secret.pseudonym, f"user-{secret.id}", '"author_id"'):
        assert value not in body, value


@pytest.fixture
def anonymous_posts(app, client, make_proposal, make_user):
    """An anonymous participant's testimony, comment and reply (to someone else's comment)."""
    proposal = make_proposal(title="Une douche pour tous")
    proposal.theme.participants_premoderated = False
    db.session.commit()
    secret = make_user("participant", email="secret@example.org", pseudonym="SecretPseudo")
    other = make_user("participant", pseudonym="Voisine")
    others = _client(app, other)
    others.post(
        f"/propositions/{proposal.id}/commentaires",
        data={"body": "Un commentaire signé.", "display_mode": "pseudonym"},
    )
    signed = _last(kind=ContributionKind.COMMENT)
    author = _client(app, secret)
    anonymous = {"display_mode": "anonymous"}
    author.post(
        f"/propositions/{proposal.id}/temoigner", data={"body": "Témoignage anonyme.", **anonymous}
    )
    author.post(
        f"/propositions/{proposal.id}/commentaires",
        data={"body": "Commentaire anonyme.", **anonymous},
    )
    author.post(
        f"/contributions/{signed.id}/repondre", data={"body": "Réponse anonyme.", **anonymous}
    )
    posts = db.session.scalars(sa.select(Contribution).where(Contribution.author_id == secret.id))
    posts = posts.all()
    assert [p.state for p in posts] == [ContributionState.PUBLISHED] * 3
    assert all(p.display_mode is DisplayMode.ANONYMOUS for p in posts)
    return secret, proposal, posts, others


def test_anonymous_author_absent_from_public_responses(client, anonymous_posts):
    secret, proposal, posts, others = anonymous_posts
    for viewer in (client, others):
        page = viewer.get(f"/propositions/{proposal.id}").get_data(as_text=True)
        for text in ("Témoignage anonyme.", "Commentaire anonyme.", "Réponse anonyme."):
            assert text in page
        _absent(page, secret)
    for url in ("/", "/api/v1/proposals", f"/api/v1/proposals/{proposal.id}"):
        response = client.get(url)
        assert response.status_code == 200
        _absent(response.get_data(as_text=True), secret)
    for post in posts:
        response = client.get(f"/contributions/{post.id}")
        assert response.status_code == 302
        target = response.headers["Location"]
        assert target.endswith(f"/propositions/{proposal.id}#contribution-{post.id}")
        _absent(target, secret)
        _absent(client.get(target).get_data(as_text=True), secret)


def test_reply_notification_keeps_the_replier_anonymous(anonymous_posts):
    secret, _proposal, _posts, others = anonymous_posts
    page = others.get("/notifications/").get_data(as_text=True)
    title = '<bdi lang="fr" dir="ltr">Une douche pour tous</bdi>'
    assert f"Quelqu’un a répondu à votre commentaire sur « {title} »" in page
    _absent(page, secret)


def test_moderators_see_the_account(app, anonymous_posts, make_user):
    secret, _proposal, posts, _others = anonymous_posts
    moderator = _client(app, make_user("moderator"))
    for post in posts:
        page = moderator.get(f"/moderation/contributions/{post.id}").get_data(as_text=True)
        assert f'<bdi dir="auto">{secret.pseudonym}</bdi> (anonyme pour le public)' in page


# Query counts


KINDS = (
    "testimony",
    "anonymous",
    "guest",
    "assisted",
    "comment",
    "reply",
    "pending",
    "comment",
    "withdrawn",
    "reply",
)


def _row(n: int, kind: str, viewer, comment):
    """One contribution of the given kind, by a new account (or organisation) of its own."""
    author = User(
        email=f"auteur{n}@example.org",
        pseudonym=f"Auteur {n}",
        password_hash="-",
        charter_version=CHARTER_VERSION,
    )
    row = Contribution(
        proposal_id=comment.proposal_id if comment else None,
        kind=ContributionKind.TESTIMONY,
        author=author,
        body=f"Texte numéro {n}",
        state=ContributionState.PUBLISHED,
        created_at=utcnow() - timedelta(hours=1) + timedelta(seconds=n),
    )
    if kind == "anonymous":
        row.display_mode = DisplayMode.ANONYMOUS
    elif kind == "guest":
        row.author, row.guest_name, row.guest_contact = None, "Amina", "amina@example.org"
    elif kind == "assisted":
        org = Organisation(slug=f"asso-{n}", name=f"Asso {n}", kind=OrganisationKind.ASSOCIATION)
        row.recorded_for, row.guest_name = org, "Youssef"
    elif kind in ("comment", "withdrawn"):
        row.kind = ContributionKind.COMMENT
        row.withdrawn_at = utcnow() if kind == "withdrawn" else None
    elif kind == "reply":
        row.kind, row.parent = ContributionKind.REPLY, comment
    elif kind == "pending":  # the viewer's own, shown to them only
        row.kind, row.state = ContributionKind.COMMENT, ContributionState.PENDING
        row.author = viewer or author
    return row


def _seed(proposal, viewer, count, kinds=KINDS, first=0):
    """`count` contributions cycling through `kinds`; replies go under the last comment."""
    comment = None
    for n in range(first, first + count):
        row = _row(n, kinds[n % len(kinds)], viewer, comment)
        row.proposal = proposal
        if row.kind is ContributionKind.COMMENT:
            comment = row
        db.session.add(row)
    db.session.commit()


def _queries(client, url) -> int:
    db.session.expunge_all()  # nothing cached from the seeding: count what a request costs
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


SMALL = ("anonymous", "comment", "reply", "pending", "withdrawn")  # a translated label too


@pytest.mark.parametrize("viewer", ["visitor", "participant"])
@pytest.mark.parametrize("url", ["/propositions/{id}", "/api/v1/proposals/{id}"])
def test_query_count_does_not_grow(client, make_proposal, make_user, viewer, url):
    proposal = make_proposal()
    me = make_user("participant") if viewer == "participant" else None
    if me:
        login(client, me)
    url = url.format(id=proposal.id)
    _seed(proposal, me, 5, SMALL)
    small = _queries(client, url)
    _seed(proposal, me, 295, first=5)
    assert db.session.scalar(sa.select(sa.func.count(Contribution.id))) == 300
    assert _queries(client, url) == small
