"""Passwords: 8 to 128 characters of any kind, not a common one, not the account's e-mail or
pseudonym, wherever one is chosen; outdated hashes replaced at the next login."""

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from werkzeug.security import generate_password_hash

from app.accounts.password_hashing import needs_rehash, verify_password
from app.accounts.password_rules import common_passwords, password_problem
from app.extensions import db
from app.models import User
from tests.test_accounts import (
    can_log_in,
    confirm_registration,
    new_password_data,
    register_data,
    reset_token,
)

LONG_UNICODE = "Ünïcødé 🙂 مرحبا " * 8  # 128 characters, emoji and Arabic included


def _user(email):
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_the_shipped_list_is_djangos_common_passwords():
    passwords = common_passwords()
    assert len(passwords) > 19_000
    assert {"password1", "azertyuiop", "motdepasse"} <= passwords


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("k7Qz9", "au moins 8 caractères"),
        ("x" * 129, "ne doit pas dépasser 128 caractères"),
        ("AZERTYUIOP", "les plus courants"),  # compared case-insensitively
        ("MotDePasse", "les plus courants"),
        ("alice@example.org", "votre adresse e-mail"),
        ("Alice@Example.ORG ", "votre adresse e-mail"),
        ("alice@example", None),
        ("Alice-la-grande", "votre pseudonyme"),
        (LONG_UNICODE[:128], None),
        ("mon chat aime la pluie", None),
    ],
)
def test_password_problem(app, password, expected):
    problem = password_problem(password, email="alice@example.org", pseudonym="alice-la-grande")
    if expected is None:
        assert problem is None
    else:
        assert expected in problem


def test_registration_accepts_128_unicode_characters_whole(app, client, outbox):
    password = LONG_UNICODE[:128]
    data = register_data(password=password, password_confirm=password)
    assert client.post("/compte/inscription", data=data).status_code == 302
    confirm_registration(client, outbox)
    stored = _user("alice@example.org").password_hash
    assert verify_password(stored, password)
    assert not verify_password(stored, password[:127])  # no silent truncation


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("azertyuiop", "Ce mot de passe fait partie des mots de passe les plus courants"),
        ("ALICE@example.org", "Le mot de passe ne doit pas être votre adresse e-mail."),
        ("Alice-Costa", "Le mot de passe ne doit pas être votre pseudonyme."),
        ("x" * 129, "Le mot de passe ne doit pas dépasser 128 caractères."),
    ],
)
def test_registration_refuses_weak_passwords(client, password, message):
    data = register_data(pseudonym="Alice-Costa", password=password, password_confirm=password)
    response = client.post("/compte/inscription", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert 'value="Alice-Costa"' in html  # what was typed is kept (but never the password)
    assert _user("alice@example.org") is None


def test_reset_refuses_a_common_password_and_the_own_pseudonym(client, outbox, make_user):
    user = make_user(email="lea@example.org", pseudonym="Léa-du-quartier")
    token = reset_token(client, outbox, user.email)
    before = _user(user.email).password_hash
    for password, message in [
        ("Password1", "les plus courants"),
        ("LÉA-DU-QUARTIER", "ne doit pas être votre pseudonyme"),
        ("lea@example.org", "ne doit pas être votre adresse e-mail"),
    ]:
        response = client.post(
            f"/compte/reinitialiser/{token}", data=new_password_data(password, password)
        )
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
    assert _user(user.email).password_hash == before  # nothing saved, the link still works
    response = client.post(f"/compte/reinitialiser/{token}", data=new_password_data())
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [("motdepasse", "les plus courants"), ("cheffe@example.org", "adresse e-mail")],
)
def test_create_admin_refuses_weak_passwords(app, password, message):
    args = ["users", "create-admin", "--email", "cheffe@example.org", "--pseudonym", "Cheffe"]
    result = app.test_cli_runner().invoke(args=[*args, "--password", password])
    assert result.exit_code != 0
    assert message in result.output
    assert _user("cheffe@example.org") is None


# --- Outdated hashes --------------------------------------------------------------------


def _weak_argon2(password):
    return PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(password)


@pytest.mark.parametrize(
    "make_hash",
    [
        _weak_argon2,
        lambda p: generate_password_hash(p, method="pbkdf2:sha256:1000"),
        lambda p: generate_password_hash(p, method="scrypt:1024:8:1"),
    ],
    ids=["weaker argon2", "werkzeug pbkdf2", "werkzeug scrypt"],
)
def test_outdated_hash_is_upgraded_at_login(app, make_user, make_hash):
    user = make_user(email="ancien@example.org")
    user.password_hash = make_hash("un mot de passe importé")
    db.session.commit()
    assert needs_rehash(user.password_hash)
    assert not can_log_in(app, user.email, "un autre mot de passe")
    assert _user(user.email).password_hash == user.password_hash  # not on a failure
    assert can_log_in(app, user.email, "un mot de passe importé")
    upgraded = _user(user.email).password_hash
    assert upgraded.startswith("$argon2id$") and not needs_rehash(upgraded)
    assert can_log_in(app, user.email, "un mot de passe importé")  # the new hash works


def test_malformed_imported_hash_matches_nothing(app):
    assert not verify_password("pbkdf2:nonsense", "quoi que ce soit")
