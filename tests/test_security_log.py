"""The `voix.security` log: one line per security event, no password, no e-mail address,
no testimony text, and nothing a person typed can start a line of its own."""

import logging

import pytest

from app.accounts.security_log import clean, email_hash, security_event
from tests.conftest import PASSWORD, login
from tests.test_accounts import ask_reset, new_password_data, reset_token


@pytest.fixture
def seclog(caplog):
    caplog.set_level(logging.INFO, logger="voix.security")

    def lines(event=None):
        found = [r.getMessage() for r in caplog.records if r.name == "voix.security"]
        return [line for line in found if event is None or line.startswith(f"event={event} ")]

    return lines


def test_login_ok_and_logout_are_logged(client, make_user, seclog):
    user = make_user(email="lea@example.org")
    login(client, user)
    client.post("/compte/deconnexion")
    [ok] = seclog("login_ok")
    [out] = seclog("logout")
    assert f'target_user_id="{user.id}"' in ok and f'target_user_id="{user.id}"' in out
    assert "lea@example.org" not in "".join(seclog())


def test_failed_login_is_logged_without_password_or_address(client, make_user, seclog):
    user = make_user(email="lea@example.org")
    client.post("/compte/connexion", data={"email": user.email, "password": "Devine123!"})
    client.post("/compte/connexion", data={"email": "nobody@example.org", "password": PASSWORD})
    bad, unknown = seclog("login_failed")
    assert 'reason="bad_password"' in bad and f'target_user_id="{user.id}"' in bad
    assert f'account="{email_hash("lea@example.org")}"' in bad
    assert 'reason="unknown_account"' in unknown
    everything = "\n".join(seclog())
    for secret in ("Devine123!", PASSWORD, "lea@example.org", "nobody@example.org"):
        assert secret not in everything


def test_injection_in_the_email_field_stays_on_one_line(client, seclog, caplog):
    forged = 'x@example.org\nevent=login_ok user_id="1"\r\n'
    client.post("/compte/connexion", data={"email": forged, "password": "mauvais essai"})
    messages = seclog()
    assert all("\n" not in m and "\r" not in m for m in messages)
    assert seclog("login_ok") == []  # no forged line
    assert len(seclog("login_failed")) == 1
    assert forged.strip() not in caplog.text


def test_clean_escapes_control_characters():
    assert clean('a\nb\rc\u2028d"e\x00') == r"a\nb\rc\x2028d\"e\x00"
    assert clean("typed \\n") == r"typed \\n"  # not to be confused with a line break
    assert len(clean("x" * 500)) == 201


def test_any_value_written_stays_on_its_line(app, seclog):
    with app.test_request_context("/compte/connexion", method="POST"):
        security_event("login_failed", reason='bad\nevent=login_ok user_id="1"')
    [line] = seclog()
    assert line == (
        r'event=login_failed ip="-" path="/compte/connexion" '
        r'reason="bad\nevent=login_ok user_id=\"1\""'
    )


def test_password_reset_asked_and_done_are_logged(client, outbox, make_user, seclog):
    user = make_user(email="lea@example.org")
    ask_reset(client, "nobody@example.org")
    token = reset_token(client, outbox, user.email)
    client.post(f"/compte/reinitialiser/{token}", data=new_password_data())
    unknown, known = seclog("password_reset_requested")
    assert "target_user_id" not in unknown and f'target_user_id="{user.id}"' in known
    [done] = seclog("password_reset_done")
    assert f'target_user_id="{user.id}"' in done
    assert token not in "\n".join(seclog())


def test_forbidden_and_hidden_pages_are_logged(client, login_as, make_proposal, seclog):
    from app.extensions import db
    from app.models import Contribution, ContributionKind, ContributionState

    user = login_as("participant")
    assert client.get("/admin/").status_code == 403
    [forbidden] = seclog("authorization_failed")
    assert 'status="403"' in forbidden and 'path="/admin/"' in forbidden
    assert f'user_id="{user.id}"' in forbidden
    hidden = Contribution(
        proposal=make_proposal(),
        kind=ContributionKind.COMMENT,
        body="Texte retenu, jamais dans le journal",
        state=ContributionState.PENDING,
        guest_name="Sam",
    )
    db.session.add(hidden)
    db.session.commit()
    assert client.get(f"/contributions/{hidden.id}/signaler").status_code == 404
    assert 'status="404"' in seclog("authorization_failed")[-1]
    assert client.get("/propositions/999999").status_code == 404  # unknown: not a refusal
    assert len(seclog("authorization_failed")) == 2
    assert "jamais dans le journal" not in "\n".join(seclog())


def test_admin_actions_and_identity_views_are_logged(client, login_as, make_user, seclog):
    admin = login_as("admin")
    other = make_user()
    client.post(f"/admin/utilisateurs/{other.id}", data={"role": "participant"})
    [line] = seclog("admin_action")
    assert 'action="user_blocked"' in line and f'target="user:{other.id}"' in line
    assert f'actor_id="{admin.id}"' in line


def test_rate_limit_hits_are_logged(client, seclog):
    for n in range(11):
        data = {"email": f"p{n}@example.org", "password": "mauvais mot de passe"}
        client.post("/compte/connexion", data=data)
    [line] = seclog("rate_limited")
    assert 'path="/compte/connexion"' in line and "10 per 1 minute" in line


def test_per_account_refusals_are_logged_with_the_account_hash(client, make_user, seclog):
    user = make_user(email="lea@example.org")
    for _ in range(6):
        client.post("/compte/connexion", data={"email": user.email, "password": "faux essai"})
    [line] = seclog("rate_limited")
    assert 'limit="login-account-ip"' in line
    assert f'account="{email_hash(user.email)}"' in line
