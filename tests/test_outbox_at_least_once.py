"""The outbox delivers at least once, and says so: an e-mail is marked sent the moment the
server accepts it, a dead sender's e-mail is taken over within minutes, and a copy sent again
carries the same Message-ID as the first, so mail clients show it once."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import OutboxEmail, utcnow
from app.ops import mail
from app.services.notifications import deliver_outbox, queue_email

NOW = utcnow().replace(microsecond=0) + timedelta(hours=1)


class Killed(BaseException):
    """The sender's process dies (kill -9): nothing after this line of it runs."""


@pytest.fixture
def accepted(app, monkeypatch):
    """The messages the server accepted; `die_after` kills the sender right after an accept."""
    messages = []
    state = {"die_after": None}

    def accept(message):
        messages.append(message)
        if len(messages) == state["die_after"]:
            raise Killed

    monkeypatch.setitem(mail.BACKENDS, "memory", accept)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 20)
    return messages, state


def _queue(*addresses: str) -> None:
    for address in addresses:
        queue_email(address, "Sujet", "Texte")
    db.session.commit()


def _rows() -> list[OutboxEmail]:
    db.session.rollback()
    db.session.expire_all()
    return db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)).all()


def _killed_while_sending(sender: str, now) -> None:
    with pytest.raises(Killed):
        deliver_outbox(sender, now=now)
    db.session.remove()  # the dead process's session goes with it


def test_marked_sent_as_soon_as_accepted(accepted):
    messages, state = accepted
    _queue("nadia@example.org", "karim@example.org")
    state["die_after"] = 2
    _killed_while_sending("dying", NOW)
    first, second = _rows()
    assert first.sent_at == NOW  # the first e-mail is not sent again
    assert second.sent_at is None
    assert second.claimed_by == "dying"
    assert [m["To"] for m in messages] == ["nadia@example.org", "karim@example.org"]


def test_a_dead_senders_email_is_sent_again_within_minutes_same_message_id(accepted):
    messages, state = accepted
    _queue("nadia@example.org", "karim@example.org")
    state["die_after"] = 1
    _killed_while_sending("dying", NOW)
    # Still claimed by the dead sender a minute later: a live one could still be at work.
    assert deliver_outbox("next", now=NOW + timedelta(minutes=1), limit=1) == 1
    assert [m["To"] for m in messages] == ["nadia@example.org", "karim@example.org"]
    # Three minutes on (6 × MAIL_TIMEOUT of 20 s), the claim has lapsed: sent again.
    state["die_after"] = None
    assert deliver_outbox("next", now=NOW + timedelta(minutes=3)) == 1
    sent_again = ["nadia@example.org", "karim@example.org", "nadia@example.org"]
    assert [m["To"] for m in messages] == sent_again
    assert all(row.sent_at is not None for row in _rows())
    first, other, again = (m["Message-ID"] for m in messages)
    assert first == again  # the same e-mail: mail clients fold the two copies
    assert first != other  # two e-mails, two Message-IDs
    rows = _rows()
    assert first == f"<outbox-{rows[0].id}-{rows[0].created_at:%Y%m%d%H%M%S%f}@voix-solidaires.fr>"


def test_message_ids_differ_between_emails_and_carry_the_senders_domain(app, outbox):
    _queue("nadia@example.org", "karim@example.org", "amina@example.org")
    assert deliver_outbox() == 3
    ids = [m["Message-ID"] for m in outbox]
    assert len(set(ids)) == 3
    assert all(i.startswith("<outbox-") and i.endswith("@voix-solidaires.fr>") for i in ids)


@pytest.mark.parametrize("mail_timeout", [5, 20, 60])
def test_the_claim_lapses_after_six_mail_timeouts(app, accepted, monkeypatch, mail_timeout):
    messages, state = accepted
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", mail_timeout)
    _queue("nadia@example.org")
    state["die_after"] = 1
    _killed_while_sending("dying", NOW)
    lapse = timedelta(seconds=6 * mail_timeout)
    assert deliver_outbox("next", now=NOW + lapse - timedelta(seconds=1)) == 0
    assert deliver_outbox("next", now=NOW + lapse + timedelta(seconds=1)) == 1
    assert len(messages) == 2
