"""Changing one's password: the current one is asked, the policy applies, the other devices
are logged out and this one stays; a bad form changes nothing."""

import logging

import pytest
import sqlalchemy as sa

from app.accounts.password_hashing import verify_password
from app.extensions import db
from app.models import User, UserSession
from tests.conftest import PASSWORD, login

URL = "/compte/mot-de-passe"
NEW = "une toute nouvelle phrase"


def _form(current=PASSWORD, new=NEW, confirm=None):
    return {"current_password": current, "password": new, "password_confirm": confirm or new}


def _live_sessions(user) -> int:
    query = sa.select(sa.func.count()).select_from(UserSession)
    query = query.where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    return db.session.scalar(query)


def test_the_account_page_links_to_it(client, login_as):
    login_as()
    page = client.get("/compte/preferences").get_data(as_text=True)
    assert f'href="{URL}"' in page
    form = client.get(URL).get_data(as_text=True)
    assert 'autocomplete="current-password"' in form and 'name="csrf_token"' in form


def test_changing_logs_out_the_other_devices_only(app, client, make_user, caplog):
    user = make_user()
    phone = app.test_client()
    login(phone, user)
    login(client, user)
    with caplog.at_level(logging.INFO, logger="voix.security"):
        response = client.post(URL, data=_form(), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Votre mot de passe est changé. 1 autre session est déconnectée." in page
    assert client.get("/compte/preferences").status_code == 200  # this device stays
    assert phone.get("/compte/preferences").status_code == 302  # the other one is out
    assert _live_sessions(user) == 1
    db.session.expire_all()
    hashed = db.session.get(User, user.id).password_hash
    assert verify_password(hashed, NEW) and not verify_password(hashed, PASSWORD)
    assert "password_changed" in caplog.text
    assert NEW not in caplog.text and PASSWORD not in caplog.text


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (_form(current="pas le bon"), "Ce mot de passe n’est pas le bon."),
        (_form(current=""), "Saisissez votre mot de passe actuel."),
        (_form(new="azerty123"), "les plus courants"),
        (_form(new="court"), "au moins 8"),
        (_form(new=PASSWORD), "différent de l’actuel"),
        (_form(confirm="une autre phrase encore"), "ne sont pas identiques"),
    ],
)
def test_a_bad_form_changes_nothing(app, client, make_user, form, message):
    user = make_user()
    phone = app.test_client()
    login(phone, user)
    login(client, user)
    before = user.password_hash
    response = client.post(URL, data=form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert 'class="error-summary"' in page or "error-summary" in page
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before
    assert phone.get("/compte/preferences").status_code == 200
    assert _live_sessions(user) == 2


def test_without_the_csrf_token_nothing_changes(app, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        user = make_user()
        before = user.password_hash
        login_page = client.get("/compte/connexion").get_data(as_text=True)
        token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post(
            "/compte/connexion",
            data={"email": user.email, "password": PASSWORD, "csrf_token": token},
        )
        assert client.post(URL, data=_form()).status_code == 400
        db.session.expire_all()
        assert db.session.get(User, user.id).password_hash == before
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
