"""The same form sent twice at the same instant (two tabs, a double click on a slow line)
is stored once, on SQLite and PostgreSQL alike, and both sendings land on it."""

import threading
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Contribution
from tests.conftest import login

PAIRS = 50
TEXT = "Le dimanche, aucun accueil de jour n’est ouvert dans le quartier."


def _send_pairs(app, url: str, user=None) -> list[tuple[int, int]]:
    """Each thread its own client and session; both send form number i behind a barrier."""
    barrier = threading.Barrier(2, timeout=30)
    statuses: dict[str, list[int]] = {"a": [], "b": []}
    errors: list[Exception] = []

    def send(name: str) -> None:
        with app.app_context():
            try:
                client = app.test_client()
                if user is not None:
                    login(client, user)
                for i in range(PAIRS):
                    data = {"body": f"{TEXT} ({i})", "display_mode": "pseudonym"}
                    data["idempotency_key"] = f"same-form-at-once-{i:04d}"
                    barrier.wait()
                    # One address per pair: the guest form's rate limit is not under test.
                    environ = {"REMOTE_ADDR": f"10.1.{i // 250}.{i % 250 + 1}"}
                    statuses[name].append(
                        client.post(url, data=data, environ_base=environ).status_code
                    )
            except Exception as error:  # reported by the main thread
                errors.append(error)
                barrier.abort()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send, args=(name,)) for name in statuses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return list(zip(statuses["a"], statuses["b"], strict=True))


def _rows_per_key() -> dict:
    db.session.expire_all()
    rows = db.session.execute(sa.select(Contribution.idempotency_key, Contribution.body)).all()
    per_body: dict[str, list] = {}
    for key, body in rows:
        per_body.setdefault(body, []).append(key)
    return per_body


@pytest.mark.parametrize("who", ["guest", "participant"])
def test_same_form_at_the_same_instant_is_stored_once(
    app, make_user, make_proposal, monkeypatch, who
):
    proposal = make_proposal()
    user = None
    if who == "participant":
        user = SimpleNamespace(email=make_user("participant").email)
        monkeypatch.setitem(app.config, "CONTRIBUTION_RATE_LIMIT", "10000 per hour")
    statuses = _send_pairs(app, f"/propositions/{proposal.id}/temoigner", user)
    assert statuses == [(302, 302)] * PAIRS
    per_body = _rows_per_key()
    assert len(per_body) == PAIRS
    for i in range(PAIRS):
        # One row per form, and it holds the form's key (never a second, keyless row).
        assert per_body[f"{TEXT} ({i})"] == [f"same-form-at-once-{i:04d}"]
