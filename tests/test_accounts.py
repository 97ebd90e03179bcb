"""Accounts as a person meets them: register, log in and out, reset a password, pick a language."""

import hashlib
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from markupsafe import escape

from app.extensions import db
from app.models import OutboxEmail, PasswordResetToken, PendingRegistration, User, utcnow
from app.services.accounts import CHARTER_VERSION
from app.services.notifications import deliver_outbox
from app.web.page_cache import current_version
from tests.conftest import PASSWORD, login

NEW_PASSWORD = "Zq8wX une phrase neuve"
BAD_LOGIN = "Adresse e-mail ou mot de passe incorrect."
RESET_LINK = re.compile(r"/compte/reinitialiser/([A-Za-z0-9_-]+)")


def user_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def pending_rows() -> list[PendingRegistration]:
    db.session.expire_all()
    return db.session.scalars(sa.select(PendingRegistration).order_by("id")).all()


def find_user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]*)"', response.get_data(as_text=True)).group(1)


def path_of(location: str) -> str:
    return urlsplit(location).path


# --- Registration -------------------------------------------------------------------------


def register_data(**changes) -> dict:
    data = {
        "email": "Alice@Example.ORG",
        "pseudonym": "Alice",
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
        "accept_charter": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


CONFIRM_LINK = re.compile(r"http://voix\.test(/compte/inscription/confirmer/[\w.-]+)")


def registration_links(outbox, to: str = "alice@example.org") -> list[str]:
    """The paths of the registration links e-mailed to this address, oldest first."""
    deliver_outbox()
    messages = [m for m in outbox if m["To"] == to]
    return [CONFIRM_LINK.search(message.get_content()).group(1) for message in messages]


def confirm_registration(client, outbox, to: str = "alice@example.org"):
    """Open the e-mailed registration link and press its button, as its recipient would."""
    [path] = registration_links(outbox, to)
    assert client.get(path).status_code == 200
    return client.post(path)


def test_register_creates_the_account_once_the_link_is_opened(client, outbox):
    response = client.post("/compte/inscription", data=register_data())
    assert response.status_code == 302
    assert path_of(response.location) == "/compte/inscription/verifiez-vos-emails"
    assert find_user("alice@example.org") is None  # nothing before the address is confirmed
    assert path_of(confirm_registration(client, outbox).location) == "/"
    user = find_user("alice@example.org")
    assert user.pseudonym == "Alice"
    assert user.charter_version == CHARTER_VERSION
    assert user.password_hash.startswith("$argon2id$")
    assert NEW_PASSWORD not in user.password_hash


def test_register_logs_the_new_user_in(client, outbox):
    client.post("/compte/inscription", data=register_data())
    confirm_registration(client, outbox)
    response = client.get("/compte/preferences")
    assert response.status_code == 200
    assert "alice@example.org" in response.get_data(as_text=True)


def _visible_text(response) -> str:
    """The page as a person reads it: text only, without the per-session CSRF token."""
    html = response.get_data(as_text=True)
    html = re.sub(r'name="csrf_token"[^>]*', "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_a_known_address_gets_the_same_answer_and_its_owner_a_warning(client, outbox, make_user):
    owner = make_user(email="alice@example.org", pseudonym="Alicia")
    answers = []
    for email, pseudonym in (("Alice@Example.org", "Alice"), ("nouvelle@example.org", "Nouvelle")):
        fresh = client.application.test_client()
        data = register_data(email=email, pseudonym=pseudonym)
        response = fresh.post("/compte/inscription", data=data)
        page = fresh.get(response.location)
        answers.append(
            (response.status_code, response.location, page.status_code, _visible_text(page))
        )
    assert answers[0] == answers[1]
    assert answers[0][:3] == (302, "/compte/inscription/verifiez-vos-emails", 200)
    assert "Vérifiez vos e-mails" in answers[0][3]
    assert user_count() == 1
    deliver_outbox()
    warning = next(m for m in outbox if m["To"] == "alice@example.org")
    body = warning.get_content()
    assert "a voulu créer un compte" in body
    assert "http://voix.test/compte/mot-de-passe-oublie" in body
    assert "confirmer" not in body  # no link that would create a second account
    assert find_user("alice@example.org").password_hash == owner.password_hash
    assert user_count() == 1
    assert [row.email for row in pending_rows()] == ["nouvelle@example.org"]


def test_the_link_of_a_taken_address_creates_nothing(client, outbox, make_user):
    client.post("/compte/inscription", data=register_data())
    make_user(email="alice@example.org")  # registered meanwhile, by another link
    response = confirm_registration(client, outbox)
    assert path_of(response.location) == "/compte/connexion"
    assert user_count() == 1
    assert pending_rows() == []  # it can never serve: its address and hash go


def test_the_link_carries_neither_the_address_nor_the_password_hash(client, outbox):
    """Links end up in browser histories and access logs: only a random token travels."""
    client.post("/compte/inscription", data=register_data())
    [row] = pending_rows()
    assert (row.email, row.pseudonym) == ("alice@example.org", "Alice")
    assert row.password_hash.startswith("$argon2id$")
    [path] = registration_links(outbox)
    token = path.rsplit("/", 1)[1]
    assert len(token) <= 50
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    hash_parts = [part for part in row.password_hash.split("$") if len(part) > 4]
    for secret in ("alice", "example.org", "Alice", *hash_parts):
        assert secret not in path
    stored_body = db.session.scalar(sa.select(OutboxEmail.body))
    assert not any(part in stored_body for part in hash_parts)


def test_a_registration_request_leaves_the_cached_pages(client):
    """No page shows a registration waiting for its link: the content version stays."""
    before = current_version()
    client.post("/compte/inscription", data=register_data())
    assert len(pending_rows()) == 1
    assert current_version() == before


def test_the_link_works_once(client, outbox):
    client.post("/compte/inscription", data=register_data())
    confirm_registration(client, outbox)
    assert pending_rows() == []  # the address and the hash are kept by the account only
    client.post("/compte/deconnexion")
    [path] = registration_links(outbox)
    again = client.post(path)
    assert again.status_code == 400
    html = again.get_data(as_text=True)
    assert "Ce lien ne fonctionne plus" in html
    assert 'Déjà un compte ? <a href="/compte/connexion">Se connecter</a>' in html
    assert user_count() == 1


def test_the_link_expires_after_registration_max_age(app, client, outbox):
    client.post("/compte/inscription", data=register_data())
    [row] = pending_rows()
    max_age = app.config["REGISTRATION_MAX_AGE"]
    row.created_at = utcnow() - timedelta(seconds=max_age + 60)
    db.session.commit()
    [path] = registration_links(outbox)
    assert client.get(path).status_code == 400
    response = client.post(path)
    assert response.status_code == 400
    assert "Ce lien ne fonctionne plus" in response.get_data(as_text=True)
    assert user_count() == 0


def test_each_registration_of_an_address_has_its_own_link(client, outbox):
    """Asking twice sends two links, either creates the account, then neither works again."""
    client.post("/compte/inscription", data=register_data(pseudonym="Alice"))
    client.post("/compte/inscription", data=register_data(pseudonym="Alice B"))
    assert len(pending_rows()) == 2
    first, second = registration_links(outbox)
    assert first != second
    assert path_of(client.post(second).location) == "/"
    assert find_user("alice@example.org").pseudonym == "Alice B"
    assert pending_rows() == []
    client.post("/compte/deconnexion")
    assert client.post(first).status_code == 400
    assert user_count() == 1


def test_a_forged_or_expired_link_creates_nothing(app, client, outbox, monkeypatch):
    client.post("/compte/inscription", data=register_data())
    deliver_outbox()
    path = CONFIRM_LINK.search(outbox[0].get_content()).group(1)
    forged = path[:-3] + ("abc" if not path.endswith("abc") else "xyz")
    assert client.post(forged).status_code == 400
    monkeypatch.setitem(app.config, "REGISTRATION_MAX_AGE", -1)
    response = client.post(path)
    assert response.status_code == 400
    assert "Ce lien ne fonctionne plus" in response.get_data(as_text=True)
    assert user_count() == 0


def test_a_pseudonym_taken_meanwhile_sends_back_to_the_form(client, outbox, make_user):
    client.post("/compte/inscription", data=register_data())
    make_user(pseudonym="alice")
    response = confirm_registration(client, outbox)
    assert path_of(response.location) == "/compte/inscription"
    assert find_user("alice@example.org") is None


BAD_REGISTRATIONS = {
    "missing email": ({"email": ""}, "Indiquez votre adresse e-mail."),
    "invalid email": ({"email": "a&b<c>"}, "Cette adresse e-mail n’est pas valide."),
    "short password": (
        {"password": "k7Qz9", "password_confirm": "k7Qz9"},
        "Le mot de passe doit faire au moins 8 caractères.",
    ),
    "mismatched confirmation": (
        {"password_confirm": "Yx7 une autre phrase"},
        "Les deux mots de passe ne sont pas identiques.",
    ),
    "charter not accepted": (
        {"accept_charter": None},
        "Vous devez accepter la charte pour créer un compte.",
    ),
    "pseudonym taken, other case": (
        {"pseudonym": "DÉJÀ-PRIS"},
        "Ce pseudonyme est déjà pris. Choisissez-en un autre.",
    ),
    "pseudonym with markup": (
        {"pseudonym": "<script>"},
        "Lettres, chiffres, espaces, points, tirets et apostrophes seulement.",
    ),
}


@pytest.mark.parametrize(
    ("changes", "message"), BAD_REGISTRATIONS.values(), ids=BAD_REGISTRATIONS.keys()
)
def test_register_refuses_bad_input(client, make_user, changes, message):
    make_user(email="taken@example.org", pseudonym="déjà-pris")
    data = register_data(**changes)
    response = client.post("/compte/inscription", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert f'value="{escape(data["email"])}"' in html
    assert f'value="{escape(data["pseudonym"])}"' in html
    assert user_count() == 1


@pytest.mark.parametrize(
    ("changes", "message"), BAD_REGISTRATIONS.values(), ids=BAD_REGISTRATIONS.keys()
)
def test_register_never_echoes_the_password(client, make_user, changes, message):
    make_user(email="taken@example.org", pseudonym="déjà-pris")
    data = register_data(**changes)
    html = client.post("/compte/inscription", data=data).get_data(as_text=True)
    assert data["password"] not in html
    assert data["password_confirm"] not in html


def test_register_pseudonym_check_ignores_accented_case(client, make_user):
    make_user(pseudonym="Élodie")
    response = client.post("/compte/inscription", data=register_data(pseudonym="élodie"))
    assert response.status_code == 200
    assert user_count() == 1


def test_register_keeps_markup_escaped(client):
    html = client.post("/compte/inscription", data=register_data(pseudonym="<script>")).get_data(
        as_text=True
    )
    assert 'value="&lt;script&gt;"' in html
    assert 'value="<script>"' not in html


# --- Login ---------------------------------------------------------------------------------


def test_login_with_good_credentials(client, make_user):
    user = make_user(pseudonym="Bernadette")
    response = client.post("/compte/connexion", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert path_of(response.location) == "/"
    page = client.get("/compte/preferences")
    assert page.status_code == 200
    assert "Bernadette" in page.get_data(as_text=True)


def test_login_email_is_not_case_sensitive(client, make_user):
    make_user(email="claire@example.org")
    data = {"email": "Claire@Example.ORG", "password": PASSWORD}
    assert client.post("/compte/connexion", data=data).status_code == 302


def test_login_wrong_password(client, make_user):
    user = make_user(email="denis@example.org")
    data = {"email": user.email, "password": "pas le bon mot de passe"}
    response = client.post("/compte/connexion", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert BAD_LOGIN in html
    assert 'value="denis@example.org"' in html
    assert "pas le bon mot de passe" not in html
    assert client.get("/compte/preferences").status_code == 302


def test_login_unknown_email_says_the_same(client):
    data = {"email": "personne@example.org", "password": PASSWORD}
    response = client.post("/compte/connexion", data=data)
    assert response.status_code == 200
    assert BAD_LOGIN in response.get_data(as_text=True)


def test_blocked_account_cannot_log_in(client, make_user):
    user = make_user(active=False)
    response = client.post("/compte/connexion", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert BAD_LOGIN in response.get_data(as_text=True)
    assert client.get("/compte/preferences").status_code == 302


def post_login_with_next(client, user, next_url):
    data = {"email": user.email, "password": PASSWORD}
    return client.post("/compte/connexion", query_string={"next": next_url}, data=data)


def test_login_follows_a_relative_next(client, make_user):
    response = post_login_with_next(client, make_user(), "/compte/preferences?x=1")
    assert response.status_code == 302
    assert response.location == "/compte/preferences?x=1"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example"])
def test_login_ignores_an_outside_next(client, make_user, next_url):
    response = post_login_with_next(client, make_user(), next_url)
    assert response.status_code == 302
    assert response.location == "/"


def test_login_next_with_backslash_stays_on_site(client, make_user):
    response = post_login_with_next(client, make_user(), "/\\evil.example")
    assert not response.location.startswith(("//", "/\\"))


def test_login_renews_the_session(client, make_user):
    with client.session_transaction() as session:
        session["stale"] = "x"
    login(client, make_user())
    with client.session_transaction() as session:
        assert "stale" not in session
        assert "_user_id" in session


def test_login_is_rate_limited(client):
    # One address trying many accounts (each below the per-account limit).
    for n in range(10):
        data = {"email": f"personne{n}@example.org", "password": "mauvais mot de passe"}
        assert client.post("/compte/connexion", data=data).status_code == 200
    data = {"email": "encore@example.org", "password": "mauvais mot de passe"}
    response = client.post("/compte/connexion", data=data)
    assert response.status_code == 429
    assert "Trop de tentatives" in response.get_data(as_text=True)


# --- Logout --------------------------------------------------------------------------------


def test_logout_refuses_get(client, login_as):
    login_as()
    assert client.get("/compte/deconnexion").status_code == 405
    assert client.get("/compte/preferences").status_code == 200


def test_logout_by_post(client, login_as):
    login_as()
    assert client.post("/compte/deconnexion").status_code == 302
    response = client.get("/compte/preferences")
    assert response.status_code == 302
    assert path_of(response.location) == "/compte/connexion"


# --- Password reset ------------------------------------------------------------------------


def ask_reset(client, email):
    return client.post("/compte/mot-de-passe-oublie", data={"email": email})


def reset_token(client, outbox, email) -> str:
    ask_reset(client, email)
    return RESET_LINK.search(outbox[-1].get_content()).group(1)


def new_password_data(password=NEW_PASSWORD, confirm=NEW_PASSWORD) -> dict:
    return {"password": password, "password_confirm": confirm}


def can_log_in(app, email, password) -> bool:
    other_client = app.test_client()
    response = other_client.post("/compte/connexion", data={"email": email, "password": password})
    return response.status_code == 302


def test_forgot_password_sends_one_link(client, outbox, make_user):
    user = make_user(email="emma@example.org")
    response = ask_reset(client, "Emma@example.org")
    assert response.status_code == 200
    assert "Vérifiez vos e-mails" in response.get_data(as_text=True)
    assert len(outbox) == 1
    assert outbox[0]["To"] == user.email
    assert RESET_LINK.search(outbox[0].get_content())


def test_forgot_password_reveals_nothing_for_unknown_email(client, outbox, make_user):
    make_user(email="emma@example.org")
    known = ask_reset(client, "emma@example.org").get_data(as_text=True)
    unknown = ask_reset(client, "zoe@example.org").get_data(as_text=True)
    assert "Vérifiez vos e-mails" in unknown
    assert unknown.replace("zoe@", "X@") == known.replace("emma@", "X@")
    assert [m["To"] for m in outbox] == ["emma@example.org"]


def test_forgot_password_sends_nothing_to_blocked_account(client, outbox, make_user):
    user = make_user(active=False)
    assert ask_reset(client, user.email).status_code == 200
    assert outbox == []


def test_reset_link_shows_the_form(client, outbox, make_user):
    token = reset_token(client, outbox, make_user().email)
    response = client.get(f"/compte/reinitialiser/{token}")
    assert response.status_code == 200
    assert "Choisir un nouveau mot de passe" in response.get_data(as_text=True)


def test_reset_with_mismatched_passwords(app, client, outbox, make_user):
    user = make_user()
    old_hash = user.password_hash
    token = reset_token(client, outbox, user.email)
    data = new_password_data(confirm="Yx7 une autre phrase")
    response = client.post(f"/compte/reinitialiser/{token}", data=data)
    assert response.status_code == 200
    assert "Les deux mots de passe ne sont pas identiques." in response.get_data(as_text=True)
    assert find_user(user.email).password_hash == old_hash
    assert client.get(f"/compte/reinitialiser/{token}").status_code == 200


def test_reset_changes_the_password(app, client, outbox, make_user):
    user = make_user()
    token = reset_token(client, outbox, user.email)
    response = client.post(f"/compte/reinitialiser/{token}", data=new_password_data())
    assert response.status_code == 302
    assert path_of(response.location) == "/compte/connexion"
    assert can_log_in(app, user.email, NEW_PASSWORD)
    assert not can_log_in(app, user.email, PASSWORD)


def test_reset_link_works_only_once(client, outbox, make_user):
    token = reset_token(client, outbox, make_user().email)
    client.post(f"/compte/reinitialiser/{token}", data=new_password_data())
    for response in (
        client.get(f"/compte/reinitialiser/{token}"),
        client.post(f"/compte/reinitialiser/{token}", data=new_password_data("Autre phrase 42")),
    ):
        assert response.status_code == 400
        assert "Ce lien ne fonctionne plus" in response.get_data(as_text=True)


def test_reset_link_expires(client, outbox, make_user):
    token = reset_token(client, outbox, make_user().email)
    row = db.session.scalar(sa.select(PasswordResetToken))
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(f"/compte/reinitialiser/{token}")
    assert response.status_code == 400
    assert "Ce lien ne fonctionne plus" in response.get_data(as_text=True)


def test_random_reset_token_is_refused(client):
    response = client.get("/compte/reinitialiser/pas-un-vrai-jeton-0123456789")
    assert response.status_code == 400
    assert "Ce lien ne fonctionne plus" in response.get_data(as_text=True)


def test_reset_token_is_stored_hashed(client, outbox, make_user):
    token = reset_token(client, outbox, make_user().email)
    row = db.session.scalar(sa.select(PasswordResetToken))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.token_hash


# --- Preferences and language --------------------------------------------------------------


def test_preferences_require_login(client):
    response = client.get("/compte/preferences")
    assert response.status_code == 302
    location = urlsplit(response.location)
    assert location.path == "/compte/connexion"
    assert parse_qs(location.query)["next"] == ["/compte/preferences"]


def test_preferences_save_the_locale(client, login_as):
    user = login_as()
    response = client.post("/compte/preferences", data={"locale": "en"})
    assert response.status_code == 302
    assert find_user(user.email).locale == "en"
    assert html_lang(client.get("/")) == "en"


def test_preferences_refuse_an_unknown_locale(client, login_as):
    user = login_as()
    response = client.post("/compte/preferences", data={"locale": "xx"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert escape("N'est pas un choix valide.") in html
    assert 'aria-invalid="true"' in html
    assert find_user(user.email).locale is None


def test_default_language_is_french(client):
    assert html_lang(client.get("/")) == "fr"


def test_browser_language_is_used(client):
    assert html_lang(client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"})) == "en"


def test_lang_parameter_is_kept_for_the_visit(client):
    assert html_lang(client.get("/?lang=en")) == "en"
    assert html_lang(client.get("/")) == "en"
    assert html_lang(client.get("/?lang=fr")) == "fr"
    assert html_lang(client.get("/")) == "fr"


def test_lang_choice_survives_login(client, make_user):
    client.get("/?lang=en")
    login(client, make_user())
    assert html_lang(client.get("/")) == "en"


def test_a_registration_link_opened_while_logged_in_creates_nothing(client, outbox, make_user):
    client.post("/compte/inscription", data=register_data())
    deliver_outbox()
    path = CONFIRM_LINK.search(outbox[0].get_content()).group(1)
    login(client, make_user())
    assert path_of(client.get(path).location) == "/"
    assert path_of(client.post(path).location) == "/"
    assert find_user("alice@example.org") is None
