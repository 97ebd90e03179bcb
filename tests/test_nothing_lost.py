"""Nothing a person typed is lost: long texts refused with their length and kept, the charter
gate keeps what was sent, the guest form's limit counts only stored testimonies, and a
hidden contribution can be reworded."""

import html
import io
import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models import (
    AuditAction,
    AuditEvent,
    CharterArticle,
    CharterVersion,
    Contribution,
    ContributionKind,
    ContributionState,
    DisplayMode,
    ModerationAction,
    ModerationReason,
)
from app.services import moderation
from tests.conftest import login
from tests.test_bad_input import _role_for
from tests.test_permissions import CASES, _act_as, add_minutes, build_world

NNBSP = "\u202f"  # the French thousands separator


def _count(model=Contribution, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@pytest.fixture
def proposal(make_proposal):
    return make_proposal(title="Ouvrir des bains-douches gratuits")


# A long text is refused with its length, never cut


def _too_long(count: int, maximum: int) -> str:
    return (
        f"Votre texte fait {count // 1000}{NNBSP}{count % 1000:03d} caractères ; "
        f"{maximum // 1000}{NNBSP}{maximum % 1000:03d} au plus."
    )


@pytest.mark.parametrize("as_guest", [True, False])
def test_a_long_testimony_is_refused_with_its_length_and_kept(client, proposal, login_as, as_guest):
    if not as_guest:
        login_as("participant")
    body = "Mot " * 1328  # 5,312 characters
    response = client.post(
        f"/propositions/{proposal.id}/temoigner",
        data={"body": body, "display_mode": "pseudonym"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _too_long(5312, 5000) in page
    assert body.strip() in page
    assert _count() == 0


def test_a_long_comment_is_refused_with_its_length_and_kept(client, proposal, login_as):
    login_as("participant")
    body = "x" * 2345
    response = client.post(
        f"/propositions/{proposal.id}/commentaires",
        data={"body": body, "display_mode": "pseudonym"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _too_long(2345, 2000) in page and body in page
    assert _count() == 0


def test_line_breaks_count_once(client, proposal, login_as):
    """Browsers send CRLF: a text within the limit on screen is within it on the server."""
    login_as("participant")
    body = ("y" * 9 + "\r\n") * 200  # 2,000 characters on screen, 2,200 bytes sent
    response = client.post(
        f"/propositions/{proposal.id}/commentaires",
        data={"body": body, "display_mode": "pseudonym"},
    )
    assert response.status_code == 302
    assert _count() == 1


def test_no_text_area_cuts_a_pasted_text(client, proposal, login_as):
    """A maxlength attribute makes browsers drop the end of a pasted text silently."""
    guest_form = client.get(f"/propositions/{proposal.id}/temoigner").get_data(as_text=True)
    login_as("participant")
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    for form_page, limit in ((guest_form, "5000"), (page, "2000")):
        areas = re.findall(r"<textarea[^>]*>", form_page)
        assert areas and not [area for area in areas if "maxlength" in area]
        assert f'data-max="{limit}"' in form_page


# The charter gate keeps what was sent


class _FormReader(HTMLParser):
    """The acceptance form as a browser sends it: its action and its hidden fields."""

    def __init__(self):
        super().__init__()
        self.action, self.fields, self._in_form = None, [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "/charte/accepter" in (attrs.get("action") or ""):
            self.action, self._in_form = html.unescape(attrs.get("action") or ""), True
        elif tag == "input" and self._in_form and attrs.get("type") == "hidden":
            self.fields.append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False


def _acceptance_form(page: str) -> tuple[str, list]:
    reader = _FormReader()
    reader.feed(page)
    return reader.action, reader.fields


@pytest.fixture
def new_charter(db):
    """The version in force is newer than the one every test account accepted."""
    db.session.add(
        CharterVersion(
            label="2026-9",
            articles=[CharterArticle(number=1, title="Le respect", body="Toujours.")],
        )
    )
    db.session.commit()


def _gated_post_is_kept_then_sent(client, url, body, back_to):
    before = _count()
    sent = client.post(url, data={"body": body, "display_mode": "anonymous", "lang": "fr"})
    page = sent.get_data(as_text=True)
    assert sent.status_code == 200
    assert "Ce que vous avez écrit est gardé" in page
    assert html.escape(body, quote=False) in page
    assert _count() == before
    action, fields = _acceptance_form(page)
    assert ("body", body) in fields and ("resend", "1") in fields
    refused = client.post(action, data=MultiDict(fields))  # the box left unticked: still kept
    assert "Cochez la case pour accepter la charte." in refused.get_data(as_text=True)
    assert _acceptance_form(refused.get_data(as_text=True)) == (action, fields)
    assert _count() == before
    accepted = MultiDict([*fields, ("accept", "y")])
    resend = client.post(action, data=accepted)
    assert resend.status_code == 307 and resend.headers["Location"] == url
    # A browser sends the same body again on a 307 (Werkzeug's client loses it: done by hand).
    done = client.post(resend.headers["Location"], data=accepted, follow_redirects=True)
    assert done.status_code == 200 and done.request.path == back_to
    stored = db.session.scalar(sa.select(Contribution).order_by(Contribution.id.desc()))
    assert stored.body == body and stored.display_mode is DisplayMode.ANONYMOUS
    assert html.escape(body, quote=False) in done.get_data(as_text=True)
    return stored


def test_a_comment_sent_before_accepting_the_charter_is_posted_after(
    client, proposal, make_user, new_charter
):
    login(client, make_user("participant"))
    body = "Les douches <du> centre ferment à 10 h, trop tôt pour nous."
    stored = _gated_post_is_kept_then_sent(
        client, f"/propositions/{proposal.id}/commentaires", body, f"/propositions/{proposal.id}"
    )
    assert stored.kind is ContributionKind.COMMENT


def test_a_reply_sent_before_accepting_the_charter_is_posted_after(
    client, proposal, make_user, new_charter
):
    parent = Contribution(
        proposal=proposal,
        kind=ContributionKind.COMMENT,
        author=make_user("participant"),
        body="Un commentaire.",
        state=ContributionState.PUBLISHED,
    )
    db.session.add(parent)
    db.session.commit()
    login(client, make_user("participant"))
    body = "Je suis d’accord : le dimanche surtout."
    stored = _gated_post_is_kept_then_sent(
        client, f"/contributions/{parent.id}/repondre", body, f"/propositions/{proposal.id}"
    )
    assert stored.kind is ContributionKind.REPLY and stored.parent_id == parent.id


def test_the_comment_form_says_the_charter_must_be_accepted_first(
    client, proposal, make_user, new_charter
):
    login(client, make_user("participant"))
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "La charte de participation a changé : acceptez-la avant de publier." in page
    assert "/charte/accepter?next=" in page
    client.post("/charte/accepter", data={"accept": "y"})
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "acceptez-la avant de publier" not in page


# The guest form's limit: only stored testimonies count; premises get more


GUEST_TEXT = "On attend dehors, même l’hiver.\nUn abri devant la porte aiderait."


def _guest_post(client, proposal, body=GUEST_TEXT, address="192.0.2.10"):
    return client.post(
        f"/propositions/{proposal.id}/temoigner",
        data={"body": body, "name": "Amina"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_mistakes_in_the_guest_form_do_not_count(client, proposal):
    for _ in range(10):
        assert _guest_post(client, proposal, body="").status_code == 200
    for _ in range(5):
        assert _guest_post(client, proposal).status_code == 302
    assert _count() == 5


def test_the_sixth_testimony_from_one_address_is_refused_with_the_text_given_back(client, proposal):
    for _ in range(5):
        assert _guest_post(client, proposal).status_code == 302
    body = "Mon sixième <texte>, à ne pas perdre."
    response = _guest_post(client, proposal, body=body)
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    # dir="auto": a French text given back on an Arabic page keeps its own direction
    assert '<textarea id="kept-text-1" rows="6" dir="auto" readonly>' in page
    assert html.escape(body, quote=False) in page
    assert "demander à l’association qui vous accueille" in page
    assert "mot de passe" not in page.split("<main")[-1]
    assert _count() == 5


def test_the_429_page_speaks_the_page_language(client, proposal):
    for _ in range(5):
        _guest_post(client, proposal)
    response = client.post(
        f"/propositions/{proposal.id}/temoigner?lang=en",
        data={"body": GUEST_TEXT},
        environ_base={"REMOTE_ADDR": "192.0.2.10"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Your text is not lost" in page and "On attend dehors" in page


def test_an_association_s_premises_can_send_more(client, proposal, make_organisation):
    make_organisation(premises_networks="198.51.100.0/24\n2001:db8:1::/48")
    for _ in range(12):
        assert _guest_post(client, proposal, address="198.51.100.7").status_code == 302
    assert _guest_post(client, proposal, address="2001:db8:1::9").status_code == 302
    for _ in range(5):
        _guest_post(client, proposal, address="192.0.2.99")
    assert _guest_post(client, proposal, address="192.0.2.99").status_code == 429
    assert _count() == 18


@pytest.fixture
def admin(client, login_as):
    return login_as("admin")


def test_an_admin_declares_the_premises_addresses(client, admin, make_organisation):
    org = make_organisation(name="Accueil de jour")
    response = client.post(
        f"/admin/organisations/{org.id}",
        data={
            "name": "Accueil de jour",
            "kind": "association",
            "premises_networks": " 203.0.113.5/24 \r\n\r\n2001:db8::1",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert org.premises_networks == "203.0.113.0/24\n2001:db8::1/128"
    form = client.get(f"/admin/organisations/{org.id}").get_data(as_text=True)
    assert "Adresses IP des locaux" in form and "203.0.113.0/24" in form
    assert "203.0.113.0/24" not in client.get(f"/organisations/{org.slug}").get_data(as_text=True)


@pytest.mark.parametrize("line", ["203.0.113.300", "le local", "0.0.0.0/0", "10.0.0.0/8"])
def test_bad_premises_addresses_save_nothing(client, admin, make_organisation, line):
    org = make_organisation(name="Accueil de jour")
    text = f"198.51.100.0/24\n{line}"
    response = client.post(
        f"/admin/organisations/{org.id}",
        data={"name": "Accueil de jour", "kind": "association", "premises_networks": text},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Ligne 2 : « {line} » n’est pas une adresse IP ou une plage" in page
    assert html.escape(text, quote=False) in page
    db.session.expire_all()
    assert org.premises_networks == ""


# A hidden contribution can be reworded by its author, and goes back to the moderators

ADVICE = "Votre numéro de téléphone est visible : reformulez sans lui, merci."


@pytest.fixture
def hidden_comment(proposal, make_user):
    """A participant's comment, hidden by a moderator who asks for a rewording."""
    author, moderator = make_user("participant"), make_user("moderator")
    comment = Contribution(
        proposal=proposal,
        kind=ContributionKind.COMMENT,
        author=author,
        body="Appelez-moi, je connais un local.",
        state=ContributionState.PUBLISHED,
    )
    db.session.add(comment)
    db.session.commit()
    moderation.decide(
        moderator,
        comment,
        ModerationAction.HIDE,
        ModerationReason.PERSONAL_DATA,
        ADVICE,
        comment.version,
    )
    return comment


def test_the_author_sees_why_it_was_hidden_and_may_reword_it(
    client, proposal, hidden_comment, make_user
):
    login(client, hidden_comment.author)
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "Masquée par l’équipe de modération." in page
    assert "Données personnelles exposées" in page and html.escape(ADVICE, quote=False) in page
    url = f"/contributions/{hidden_comment.id}/reformuler"
    assert page.count(url) == 1
    assert url in client.get("/notifications/").get_data(as_text=True)
    form = client.get(url).get_data(as_text=True)
    assert html.escape(ADVICE, quote=False) in form and "Appelez-moi, je connais un local." in form
    version = hidden_comment.version
    response = client.post(
        url, data={"body": "Je connais un local libre rue des Jardins.", "lang": "fr"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    comment = db.session.get(Contribution, hidden_comment.id)
    assert comment.state is ContributionState.PENDING
    assert comment.body.startswith("Je connais un local libre")
    assert comment.version == version + 1 and comment.edited_at is not None
    event = db.session.scalar(sa.select(AuditEvent))
    assert event.action is AuditAction.CONTRIBUTION_REWORDED and event.actor_id is None
    assert event.target_id == comment.id
    client.post("/compte/deconnexion")
    login(client, make_user("moderator"))
    queue = client.get("/moderation/").get_data(as_text=True)
    assert "Je connais un local libre" in queue and "modifié par son auteur le" in queue


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Écrivez votre texte."), ("z" * 2001, "Votre texte fait 2")],
)
def test_a_bad_rewording_saves_nothing(client, hidden_comment, body, message):
    login(client, hidden_comment.author)
    response = client.post(
        f"/contributions/{hidden_comment.id}/reformuler", data={"body": body, "lang": "fr"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page and body in page
    db.session.expire_all()
    comment = db.session.get(Contribution, hidden_comment.id)
    assert comment.state is ContributionState.HIDDEN
    assert comment.body == "Appelez-moi, je connais un local."
    assert _count(AuditEvent) == 0


def test_a_rewording_that_crosses_a_decision_keeps_its_text(client, hidden_comment, monkeypatch):
    """A moderator decides between the page's load and the author's save: the text stays."""
    from app.services import contributions as service

    reword = service.reword_hidden_contribution

    def after_a_decision(author, contribution, *args):
        db.session.execute(
            sa.update(Contribution)
            .where(Contribution.id == contribution.id)
            .values(version=Contribution.version + 1)
            .execution_options(synchronize_session=False)
        )
        return reword(author, contribution, *args)

    monkeypatch.setattr(service, "reword_hidden_contribution", after_a_decision)
    login(client, hidden_comment.author)
    body = "Je connais un local libre rue des Jardins."
    response = client.post(
        f"/contributions/{hidden_comment.id}/reformuler", data={"body": body, "lang": "fr"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "vient d’être traitée par la modération" in page and body in page
    db.session.expire_all()
    assert db.session.get(Contribution, hidden_comment.id).state is ContributionState.HIDDEN


@pytest.mark.parametrize("state", [ContributionState.REJECTED, ContributionState.PUBLISHED])
def test_only_a_hidden_contribution_is_reworded(client, hidden_comment, state):
    hidden_comment.state = state
    db.session.commit()
    login(client, hidden_comment.author)
    url = f"/contributions/{hidden_comment.id}/reformuler"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"body": "Autre chose.", "lang": "fr"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Contribution, hidden_comment.id).state is state


def test_the_kept_form_passes_its_csrf_check_when_sent_again(
    app, client, proposal, make_user, new_charter
):
    """With tokens on, as in production: a forged post is refused before the gate keeps
    anything, and the acceptance form's own token carries the kept comment through."""
    login(client, make_user("participant"))
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        url = f"/propositions/{proposal.id}/commentaires"
        forged = client.post(url, data={"body": "Forgé", "display_mode": "pseudonym"})
        assert forged.status_code == 400 and "Forgé" not in forged.get_data(as_text=True)
        page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        body = "Un vrai commentaire, envoyé avec son jeton."
        sent = client.post(
            url, data={"csrf_token": token, "body": body, "display_mode": "pseudonym"}
        )
        action, fields = _acceptance_form(sent.get_data(as_text=True))
        assert [name for name, _value in fields].count("csrf_token") == 1
        accepted = MultiDict([*fields, ("accept", "y")])
        resend = client.post(action, data=accepted)
        assert resend.status_code == 307
        done = client.post(resend.headers["Location"], data=accepted)
        assert done.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert db.session.scalar(sa.select(Contribution.body)) == body


def test_any_form_refused_by_a_limit_gives_its_text_back(
    app, client, proposal, login_as, monkeypatch
):
    monkeypatch.setitem(app.config, "CONTRIBUTION_RATE_LIMIT", "1 per hour")
    login_as("participant")
    url = f"/propositions/{proposal.id}/commentaires"
    assert (
        client.post(url, data={"body": "Premier.", "display_mode": "pseudonym"}).status_code == 302
    )
    body = "Un deuxième commentaire qu’il ne faut pas perdre."
    response = client.post(url, data={"body": body, "display_mode": "pseudonym"})
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Votre texte n’est pas perdu" in page and body in page
    assert "pseudonym" not in page.split("<main")[-1]  # a choice, not a text


def test_an_account_form_refused_by_a_limit_never_shows_what_was_typed(
    app, client, make_user, monkeypatch
):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "1 per hour")
    user = make_user("participant")
    data = {"email": user.email, "password": "une phrase de passe secrète"}
    client.post("/compte/connexion", data=data)
    response = client.post("/compte/connexion", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "une phrase de passe secrète" not in page and user.email not in page


def test_every_field_of_a_gated_form_is_kept_but_the_token(client, make_user, new_charter):
    """An organisation's own form has a "website" field (the guest form's honeypot name)."""
    member = make_user("association_member")
    login(client, member)
    organisation = member.organisations[0]
    data = {
        "csrf_token": "old",
        "name": organisation.name,
        "website": "https://accueil.example.org",
        "description": "Un accueil de jour.",
    }
    page = client.post(f"/organisations/{organisation.slug}/modifier", data=data)
    _action, fields = _acceptance_form(page.get_data(as_text=True))
    assert ("website", "https://accueil.example.org") in fields
    assert ("description", "Un accueil de jour.") in fields
    assert "csrf_token" not in dict(fields) or dict(fields)["csrf_token"] != "old"


# No form cuts what is pasted into it


@pytest.fixture
def world(prebuilt, make_organisation, make_theme, make_proposal, make_user):
    """The permission matrix's world: a page of every kind to look at."""

    def build():
        built = build_world(make_organisation, make_theme, make_proposal, make_user)
        add_minutes(built)
        return built

    return prebuilt(build)


FORM_PAGES = [
    case[1:]
    for case in CASES
    if case[0] == "GET" and not case[2].endswith((".ics", ".csv")) and "api" not in case[1]
]


@pytest.mark.parametrize(
    ("endpoint", "url", "form", "expected"),
    FORM_PAGES,
    ids=[f"{case[0]} {n}" for n, case in enumerate(FORM_PAGES)],
)
def test_no_field_of_any_page_cuts_a_pasted_text(
    client, world, make_user, endpoint, url, form, expected
):
    """A maxlength makes the browser drop the end of a paste without a word; the server refuses
    a long text with its length instead (the search boxes keep theirs: a query, not a text)."""
    _act_as(client, _role_for(expected), world, make_user)
    page = client.get(url.format(**world)).get_data().decode(errors="replace")  # MP3s too
    fields = re.findall(r"<(?:textarea|input)\b[^>]*>", page)
    cut = [field for field in fields if "maxlength" in field and 'type="search"' not in field]
    assert cut == []


@pytest.mark.parametrize(
    ("url", "field", "limit"),
    [
        ("/reunions/{meeting.id}/compte-rendu/amendements/nouveau", "proposed_text", 5000),
        ("/reunions/nouvelle", "title", 200),
    ],
)
def test_a_long_text_in_any_form_is_refused_with_its_length(
    client, world, make_user, url, field, limit
):
    _act_as(client, "admin", world, make_user)
    text = "é" * (limit + 12)
    response = client.post(url.format(**world), data={field: text})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    count = f"{limit + 12:,}".replace(",", NNBSP)
    assert f"Votre texte fait {count} caractères" in page
    assert text in page


def test_an_expired_or_refused_form_gives_its_text_back(app, client, proposal, login_as):
    """A form refused with a 400 (expired token, a file sent with it) shows the text typed."""
    login_as("participant")
    body = "Il faudrait des bains-douches ouverts le dimanche."
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        expired = client.post(
            f"/propositions/{proposal.id}/commentaires",
            data={"body": body, "display_mode": "pseudonym", "csrf_token": "périmé"},
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    with_file = client.post(
        f"/propositions/{proposal.id}/commentaires",
        data={"body": body, "lang": (io.BytesIO(b"%PDF"), "piece.pdf")},
    )
    for response in (expired, with_file):
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "Votre texte n’est pas perdu" in page and body in page
    assert _count() == 0
