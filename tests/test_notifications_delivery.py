"""Notification e-mails: what is queued for whom, delivery through a real SMTP server (each
e-mail once, even with two senders; failures retried with backoff, then recorded), the daily
digest, the one-click unsubscribe link, and the e-mail preference."""

import email
import email.policy
import socket
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.extensions import db
from app.models import (
    Contribution,
    ContributionKind,
    ContributionState,
    EmailFrequency,
    ModerationAction,
    ModerationReason,
    Notification,
    NotificationKind,
    OutboxEmail,
    User,
    utcnow,
)
from app.ops.mail import send_email
from app.services.moderation import decide
from app.services.notifications import (
    BACKOFF,
    deliver_outbox,
    notify,
    queue_digests,
    queue_email,
    unsubscribe_url,
)
from app.web.links import public_url
from tests.conftest import login

K = NotificationKind
F = EmailFrequency
DECISION_SUBJECT = "Voix solidaires : décision sur votre contribution"
DIGEST_SUBJECT = "Voix solidaires : votre résumé du jour"
# A fixed clock, ahead of the rows the tests write with the real one.
NOW = utcnow().replace(microsecond=0) + timedelta(hours=1)


class Inbox:
    """What the test SMTP server received."""

    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()

    async def handle_DATA(self, _server, _session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _use_smtp(app, monkeypatch, port: int) -> None:
    settings = {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_USERNAME": None,
        "MAIL_TIMEOUT": 5,
    }
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server on 127.0.0.1, and the app sending to it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    _use_smtp(app, monkeypatch, controller.port)
    yield inbox
    controller.stop()


@pytest.fixture
def dead_smtp(app, monkeypatch):
    """An SMTP address where nothing listens."""
    _use_smtp(app, monkeypatch, _free_port())


@pytest.fixture
def proposal(make_proposal):
    return make_proposal(title="Des douches <b>gratuites</b>")


@pytest.fixture
def reader(make_user):
    """A person with an account, e-mailed as they chose."""

    def make(frequency=F.IMMEDIATE, locale=None, **fields):
        user = make_user("participant", **fields)
        user.email_frequency = frequency
        user.locale = locale
        db.session.commit()
        return user

    return make


def _all(model, *where):
    return db.session.scalars(sa.select(model).where(*where).order_by(model.id)).all()


def _decision(user, proposal, **data):
    fields = {"action": "approve", "reason": "compliant", "details": "", **data}
    return notify(user, K.MODERATION_DECISION, proposal=proposal, **fields)


def _token(user) -> str:
    return unsubscribe_url(user.id).rsplit("/", 1)[1]


# What notify() queues


@pytest.mark.parametrize("frequency", list(F))
def test_notify_queues_an_email_only_for_immediate(proposal, reader, frequency):
    user = reader(frequency, email="nadia@example.org")
    notification = _decision(user, proposal)
    db.session.commit()
    rows = _all(OutboxEmail)
    if frequency is F.IMMEDIATE:
        [row] = rows
        assert (row.user_id, row.to_address, row.subject) == (
            user.id,
            "nadia@example.org",
            DECISION_SUBJECT,
        )
        assert notification.emailed_at is not None
    else:
        assert rows == []
        assert notification.emailed_at is None
    assert len(_all(Notification)) == 1


def test_blocked_account_is_not_emailed(proposal, make_user):
    user = make_user("participant", active=False)
    _decision(user, proposal)
    db.session.commit()
    assert _all(OutboxEmail) == []


def test_rolled_back_event_leaves_neither_notification_nor_email(proposal, reader):
    user = reader()
    _decision(user, proposal)
    db.session.rollback()
    assert _all(Notification) == _all(OutboxEmail) == []
    assert deliver_outbox() == 0


def test_email_is_in_the_recipients_language(proposal, reader, outbox):
    user = reader(locale="en")
    _decision(user, proposal, action="reject", reason="spam")
    db.session.commit()
    deliver_outbox()
    [message] = outbox
    assert message["Subject"] == "Voix solidaires: decision on your contribution"


def _reply_to(proposal, user):
    published = {"proposal": proposal, "state": ContributionState.PUBLISHED, "body": "Texte"}
    comment = Contribution(kind=ContributionKind.COMMENT, author=user, **published)
    reply = Contribution(kind=ContributionKind.REPLY, parent=comment, **published)
    db.session.add_all([comment, reply])
    db.session.commit()
    return reply


KINDS = [
    (
        K.MODERATION_DECISION,
        {"action": "reject", "reason": "personal_data", "details": "Retirez <i>votre</i> adresse"},
        DECISION_SUBJECT,
        ["Refuser", "Données personnelles exposées"],
        "Retirez <i>votre</i> adresse",
    ),
    (
        K.REPLY,
        {},
        "Voix solidaires : quelqu’un a répondu à votre commentaire",
        ["Quelqu’un a répondu à votre commentaire"],
        None,
    ),
    (
        K.NEW_RESPONSE,
        {"institution": "Ville de <Metz>", "position": "favourable"},
        "Voix solidaires : une institution a répondu à une proposition",
        ["a répondu à la proposition", "Favorable"],
        "Ville de <Metz>",
    ),
    (
        K.STATUS_CHANGE,
        {"from": "submitted", "to": "in_discussion", "reason": "Débat <prévu> en mai"},
        "Voix solidaires : une proposition change de statut",
        ["Déposée", "En discussion"],
        "Débat <prévu> en mai",
    ),
    (
        K.PROGRESS_UPDATE,
        {"excerpt": "Un local <est> trouvé"},
        "Voix solidaires : des nouvelles d’une proposition",
        ["Des nouvelles de la proposition"],
        "Un local <est> trouvé",
    ),
    (
        K.RESPONSE_OVERDUE,
        {"institution": "Préfecture <57>", "due_on": "2026-03-01"},
        "Voix solidaires : une institution n’a pas répondu à temps",
        ["1 mars 2026", "n’a pas encore répondu"],
        "Préfecture <57>",
    ),
]


@pytest.mark.parametrize(("kind", "data", "subject", "texts", "written"), KINDS)
def test_each_kind_in_the_email_and_on_the_page(
    client, outbox, proposal, reader, kind, data, subject, texts, written
):
    user = reader()
    extra = {"contribution": _reply_to(proposal, user)} if kind is K.REPLY else {}
    notify(user, kind, proposal=proposal, **extra, **data)
    db.session.commit()
    assert deliver_outbox() == 1
    [message] = outbox
    body = message.get_content()
    link = unsubscribe_url(user.id)
    assert message["Subject"] == subject
    assert message["List-Unsubscribe"] == f"<{link}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert body.rstrip().endswith(link)
    assert f"http://voix.test/propositions/{proposal.id}" in body or kind is K.REPLY
    assert "Des douches <b>gratuites</b>" in body  # plain text: as written
    for text in [*texts, written or ""]:
        assert text in body

    login(client, user)
    page = client.get("/notifications/").get_data(as_text=True)
    for text in texts:
        assert text in page
    assert "Des douches &lt;b&gt;gratuites&lt;/b&gt;" in page
    assert "<b>gratuites</b>" not in page
    if written:
        assert written not in page
        assert written.replace("<", "&lt;").replace(">", "&gt;") in page


def test_moderation_tells_an_account_once_and_a_guest_by_email(proposal, reader, make_user, outbox):
    moderator = make_user("moderator")
    daily = reader(F.DAILY)
    immediate = reader(F.IMMEDIATE, email="immediate@example.org")
    contributions = [
        Contribution(proposal=proposal, kind=ContributionKind.COMMENT, author=author, body="x")
        for author in (daily, immediate)
    ]
    guest = Contribution(
        proposal=proposal,
        kind=ContributionKind.TESTIMONY,
        body="y",
        guest_name="Amina",
        guest_contact=" amina@example.org ",
    )
    for contribution in [*contributions, guest]:
        contribution.state = ContributionState.PENDING
        db.session.add(contribution)
    db.session.commit()
    for contribution in [*contributions, guest]:
        decide(
            moderator,
            contribution,
            ModerationAction.APPROVE,
            ModerationReason.COMPLIANT,
            "",
            contribution.version,
        )
    assert [n.user_id for n in _all(Notification)] == [daily.id, immediate.id]
    rows = _all(OutboxEmail)
    assert [(r.to_address, r.user_id) for r in rows] == [
        ("immediate@example.org", immediate.id),
        ("amina@example.org", None),
    ]
    deliver_outbox()
    assert [m["To"] for m in outbox] == ["immediate@example.org", "amina@example.org"]
    assert outbox[0]["List-Unsubscribe"] is not None
    assert outbox[1]["List-Unsubscribe"] is None  # a guest has no account to unsubscribe


# Delivery over SMTP


def test_delivered_over_smtp(proposal, reader, smtp):
    user = reader(email="nadia@example.org")
    _decision(user, proposal)
    db.session.commit()
    assert deliver_outbox("sender-1") == 1
    [message] = smtp.messages
    assert message["To"] == "nadia@example.org"
    assert message["Subject"] == DECISION_SUBJECT
    # A long header is folded on the wire; the URL inside is intact.
    assert message["List-Unsubscribe"].strip() == f"<{unsubscribe_url(user.id)}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Conforme à la charte" in message.get_content()
    [row] = _all(OutboxEmail)
    assert row.sent_at is not None
    assert (row.attempts, row.claimed_by, row.last_error) == (0, "sender-1", "")
    assert deliver_outbox("sender-2") == 0
    assert len(smtp.messages) == 1


@pytest.mark.parametrize("count", [40])
def test_two_senders_at_once_send_each_email_once(app, smtp, count):
    for n in range(count):
        queue_email(f"person{n}@example.org", f"Message {n}", f"Bonjour {n}")
    db.session.commit()
    barrier = threading.Barrier(2, timeout=30)
    results, errors = {}, []

    def send(name):
        with app.app_context():
            try:
                barrier.wait()
                results[name] = deliver_outbox(name, limit=count)
            except Exception as error:  # reported by the main thread
                errors.append(error)
                barrier.abort()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert results["a"] + results["b"] == count
    received = sorted(m["To"] for m in smtp.messages)
    assert received == sorted(f"person{n}@example.org" for n in range(count))
    db.session.expire_all()
    rows = _all(OutboxEmail)
    assert all(row.sent_at is not None and row.attempts == 0 for row in rows)
    senders = {row.claimed_by for row in rows}
    assert senders <= {"a", "b"}
    assert {name: sum(r.claimed_by == name for r in rows) for name in senders} == {
        name: results[name] for name in senders
    }


def test_failures_back_off_then_are_recorded(app, dead_smtp, monkeypatch, outbox):
    queue_email("nadia@example.org", "Sujet", "Texte")
    db.session.commit()
    clock = NOW
    for attempt, wait in enumerate(BACKOFF, start=1):
        assert deliver_outbox("s", now=clock) == 0
        [row] = _all(OutboxEmail)
        db.session.refresh(row)
        assert row.attempts == attempt
        assert row.next_attempt_at == clock + wait
        assert (row.claimed_by, row.claimed_at, row.failed_at, row.sent_at) == (None,) * 4
        assert "ConnectionRefusedError" in row.last_error
        # Not due yet: nothing is tried before the wait is over.
        assert deliver_outbox("s", now=clock + wait - timedelta(seconds=1)) == 0
        db.session.refresh(row)
        assert row.attempts == attempt
        clock += wait
    assert deliver_outbox("s", now=clock) == 0
    db.session.refresh(row)
    assert (row.attempts, row.failed_at, row.sent_at) == (5, clock, None)

    # Given up: never tried again, even once the server works.
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "memory")
    assert deliver_outbox("s", now=clock + timedelta(days=30)) == 0
    db.session.refresh(row)
    assert row.attempts == 5
    assert outbox == []


def test_one_failure_does_not_stop_the_others(outbox):
    queue_email("bad\naddress@example.org", "Sujet", "Texte")  # a header cannot hold it
    queue_email("nadia@example.org", "Sujet", "Texte")
    db.session.commit()
    assert deliver_outbox() == 1
    assert [m["To"] for m in outbox] == ["nadia@example.org"]
    bad, good = _all(OutboxEmail)
    assert (bad.attempts, bad.sent_at) == (1, None)
    assert good.sent_at is not None


def test_a_line_break_in_a_subject_does_not_stop_the_email(outbox):
    """A title or a name in a subject may hold a line break (an import, a crafted form):
    the subject is made one line, so the e-mail leaves instead of failing for good."""
    queue_email("nadia@example.org", "Proposition « Des\r\ndouches »\nBcc: x@example.org", "T")
    queue_email("samir@example.org", "Voix solidaires : " + "très long titre " * 30, "Texte")
    db.session.commit()
    assert deliver_outbox() == 2
    flat, long = _all(OutboxEmail)
    assert flat.subject == "Proposition « Des douches » Bcc: x@example.org"
    assert len(long.subject) <= 200 and long.subject.endswith(" très…")
    assert [m["Subject"] for m in outbox] == [flat.subject, long.subject]
    assert all(m["Bcc"] is None for m in outbox)


@pytest.mark.parametrize(
    ("fields", "sent"),
    [
        ({}, True),
        ({"claimed_by": "dead", "claimed_at": NOW - timedelta(minutes=3)}, True),
        ({"claimed_by": "busy", "claimed_at": NOW - timedelta(minutes=1)}, False),
        ({"next_attempt_at": NOW + timedelta(minutes=1)}, False),
        ({"failed_at": NOW - timedelta(days=1), "attempts": 5}, False),
        ({"sent_at": NOW - timedelta(days=1)}, False),
    ],
)
def test_only_due_unclaimed_or_stale_emails_are_sent(outbox, fields, sent):
    row = OutboxEmail(
        to_address="nadia@example.org",
        subject="Sujet",
        body="Texte",
        next_attempt_at=NOW - timedelta(minutes=1),
    )
    for name, value in fields.items():
        setattr(row, name, value)
    db.session.add(row)
    db.session.commit()
    assert deliver_outbox("me", now=NOW) == int(sent)
    assert len(outbox) == int(sent)
    if sent:
        db.session.refresh(row)
        assert (row.claimed_by, row.sent_at) == ("me", NOW)


def test_sent_right_after_the_response(app, client, proposal, make_user, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_DELIVER_AFTER_REQUEST", True)
    sent = 1
    contribution = Contribution(
        proposal=proposal,
        kind=ContributionKind.COMMENT,
        author=make_user("participant"),
        body="Texte",
        state=ContributionState.PENDING,
    )
    db.session.add(contribution)
    db.session.commit()
    login(client, make_user("moderator"))
    form = {"action": "approve", "reason": "compliant", "version": "1"}
    response = client.post(f"/moderation/contributions/{contribution.id}/decision", data=form)
    assert response.status_code == 302
    response.close()  # the server closes it once sent; delivery runs then
    assert len(outbox) == sent
    assert len(_all(OutboxEmail, OutboxEmail.sent_at.is_(None))) == 1 - sent


def test_command_sends_and_old_name_still_works(app, proposal, reader, outbox):
    for _ in range(2):
        _decision(reader(), proposal)
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notifications", "send"])
    assert result.exit_code == 0, result.output
    assert "1 e-mail(s) envoyé(s)." not in result.output
    assert "2 e-mail(s) envoyé(s)." in result.output
    assert runner.invoke(args=["outbox", "deliver"]).output.strip() == "0 e-mail(s) envoyé(s)."
    assert len(outbox) == 2


def test_commands_need_the_site_address(app, monkeypatch):
    monkeypatch.setitem(app.config, "SERVER_NAME", None)
    monkeypatch.setitem(app.config, "MAIL_SITE_URL", None)
    for args in (["notifications", "send"], ["notifications", "digest"]):
        result = app.test_cli_runner().invoke(args=args)
        assert result.exit_code != 0
        assert "MAIL_SITE_URL" in result.output


def test_links_use_the_configured_site_address(app, monkeypatch, reader):
    monkeypatch.setitem(app.config, "MAIL_SITE_URL", "https://voix.example.org/site")
    user = reader()
    assert unsubscribe_url(user.id).startswith(
        "https://voix.example.org/site/notifications/desabonnement/"
    )
    assert public_url("notifications.index") == "https://voix.example.org/site/notifications/"


# The daily digest


def _notify_at(user, proposal, when, **data):
    notification = _decision(user, proposal, **data)
    notification.created_at = when
    db.session.commit()
    return notification


def test_digest_lists_what_was_not_emailed_once(proposal, reader, outbox):
    user = reader(F.DAILY, email="daily@example.org")
    first = _notify_at(user, proposal, NOW - timedelta(hours=5), action="reject", reason="spam")
    second = _notify_at(user, proposal, NOW - timedelta(hours=1), details="Merci <3")
    assert _all(OutboxEmail) == []

    assert queue_digests(NOW) == 1
    [row] = _all(OutboxEmail)
    assert (row.user_id, row.to_address, row.subject) == (user.id, user.email, DIGEST_SUBJECT)
    assert "Voici les 2 notifications" in row.body
    assert row.body.index("Publicité ou spam") < row.body.index("Merci <3")
    assert row.body.rstrip().endswith(unsubscribe_url(user.id))
    db.session.refresh(user)
    assert user.last_digest_at == NOW
    assert {first.emailed_at, second.emailed_at} == {NOW}

    # Idempotent: nothing new, nothing sent, nothing changed.
    assert queue_digests(NOW) == 0
    assert queue_digests(NOW + timedelta(days=1)) == 0
    assert len(_all(OutboxEmail)) == 1
    db.session.refresh(user)
    assert user.last_digest_at == NOW

    third = _notify_at(user, proposal, NOW + timedelta(hours=3), details="Troisième")
    assert queue_digests(NOW + timedelta(days=1)) == 1
    latest = _all(OutboxEmail)[-1]
    assert "Voici la notification" in latest.body
    assert "Troisième" in latest.body and "Merci <3" not in latest.body
    db.session.refresh(third)
    assert third.emailed_at == NOW + timedelta(days=1)

    deliver_outbox()
    assert [m["Subject"] for m in outbox] == [DIGEST_SUBJECT, DIGEST_SUBJECT]
    assert outbox[0]["List-Unsubscribe"] == f"<{unsubscribe_url(user.id)}>"


def test_digest_skips_other_frequencies_and_old_unsent(proposal, reader):
    immediate, never = reader(F.IMMEDIATE), reader(F.NEVER)
    daily = reader(F.DAILY)
    daily.last_digest_at = NOW - timedelta(days=1)
    db.session.commit()
    for user in (immediate, never):
        _notify_at(user, proposal, NOW - timedelta(hours=1))
    # Written while they wanted no e-mail, before their last digest: stays on the site only.
    old = _notify_at(daily, proposal, NOW - timedelta(days=3))
    immediate_rows = len(_all(OutboxEmail))
    assert queue_digests(NOW) == 0
    assert len(_all(OutboxEmail)) == immediate_rows == 1
    db.session.refresh(old)
    assert old.emailed_at is None


def test_two_digests_at_once_email_each_person_once(app, proposal, reader):
    users = [reader(F.DAILY) for _ in range(5)]
    for user in users:
        _notify_at(user, proposal, NOW - timedelta(hours=1))
    barrier = threading.Barrier(2, timeout=30)
    results, errors = [], []

    def digest():
        with app.app_context():
            try:
                barrier.wait()
                results.append(queue_digests(NOW))
            except Exception as error:  # reported by the main thread
                errors.append(error)
                barrier.abort()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=digest) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sum(results) == 5
    assert sorted(row.user_id for row in _all(OutboxEmail)) == [u.id for u in users]


def test_digest_command(app, proposal, reader, outbox):
    user = reader(F.DAILY)
    _decision(user, proposal)
    db.session.commit()
    runner = app.test_cli_runner()
    assert "1 résumé(s)" in runner.invoke(args=["notifications", "digest"]).output
    assert "0 résumé(s)" in runner.invoke(args=["notifications", "digest"]).output
    assert "1 e-mail(s) envoyé(s)." in runner.invoke(args=["notifications", "send"]).output
    assert [m["Subject"] for m in outbox] == [DIGEST_SUBJECT]


# Unsubscribing


def _frequency(user) -> EmailFrequency:
    return db.session.scalar(sa.select(User.email_frequency).where(User.id == user.id))


def test_unsubscribe_page_changes_nothing_until_posted(client, reader):
    user = reader()
    url = f"/notifications/desabonnement/{_token(user)}"
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Ne plus recevoir d’e-mails" in html
    assert f'<form method="post" action="{url}">' in html
    assert _frequency(user) is F.IMMEDIATE

    done = client.post(url)
    assert done.status_code == 200
    assert "Désabonnement enregistré" in done.get_data(as_text=True)
    assert _frequency(user) is F.NEVER


def test_token_of_one_person_does_not_unsubscribe_another(client, reader, proposal):
    alice, bob = reader(), reader()
    assert client.post(f"/notifications/desabonnement/{_token(alice)}").status_code == 200
    assert (_frequency(alice), _frequency(bob)) == (F.NEVER, F.IMMEDIATE)
    _decision(alice, proposal)
    _decision(bob, proposal)
    db.session.commit()
    assert [row.user_id for row in _all(OutboxEmail)] == [bob.id]


def _forged_tokens(alice, bob):
    payload, signature = _token(alice).split(".")
    bob_payload = _token(bob).split(".")[0]
    return [
        f"{bob_payload}.{signature}",  # Bob's id under Alice's signature
        f"{payload}.{signature[:-2]}xx",
        payload,
        "n'importe-quoi",
    ]


def test_forged_or_damaged_token_is_400(client, reader):
    alice, bob = reader(), reader()
    for token in _forged_tokens(alice, bob):
        for method in (client.get, client.post):
            response = method(f"/notifications/desabonnement/{token}")
            assert response.status_code == 400, token
            assert "Ce lien de désabonnement ne fonctionne pas" in response.get_data(as_text=True)
    assert (_frequency(alice), _frequency(bob)) == (F.IMMEDIATE, F.IMMEDIATE)


def test_token_from_another_key_is_400(app, client, reader, monkeypatch):
    user = reader()
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-key")
    token = _token(user)
    monkeypatch.undo()
    assert client.post(f"/notifications/desabonnement/{token}").status_code == 400
    assert _frequency(user) is F.IMMEDIATE


def test_one_click_post_from_a_mail_client_needs_no_csrf_token(app, client, reader, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    user = reader(F.DAILY)
    response = client.post(
        f"/notifications/desabonnement/{_token(user)}",
        data={"List-Unsubscribe": "One-Click"},
    )
    assert response.status_code == 200
    assert _frequency(user) is F.NEVER


# The preference


def test_preferences_show_the_frequency(client, login_as):
    user = login_as("participant")
    user.email_frequency = F.DAILY
    db.session.commit()
    html = client.get("/compte/preferences").get_data(as_text=True)
    assert "E-mails de notification" in html
    assert "Un résumé par jour" in html
    assert (
        '<input checked id="email_frequency-1" name="email_frequency" type="radio" value="daily">'
        in html
    )


@pytest.mark.parametrize("frequency", list(F))
def test_preferences_save_the_frequency(client, login_as, frequency):
    user = login_as("participant")
    response = client.post(
        "/compte/preferences", data={"locale": "en", "email_frequency": frequency.value}
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.email_frequency, user.locale) == (frequency, "en")


@pytest.mark.parametrize("value", ["weekly", ""])
def test_preferences_refuse_a_bad_frequency(client, login_as, value):
    user = login_as("participant")
    data = {"locale": "en", "email_frequency": value}
    response = client.post("/compte/preferences", data=data)
    assert response.status_code == 200
    assert "Choisissez une des options proposées." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert (user.email_frequency, user.locale) == (F.IMMEDIATE, None)


# The mail backend


def test_backend_follows_the_configuration(app, monkeypatch, capsys, outbox):
    send_email("a@example.org", "Sujet", "Texte", {"X-Test": "1"})
    assert [(m["To"], m["X-Test"]) for m in outbox] == [("a@example.org", "1")]
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "console")
    send_email("b@example.org", "Sujet", "Texte console")
    assert "Texte console" in capsys.readouterr().out
    assert len(outbox) == 1
