"""`flask notifications worker` as separate processes: two copies send each e-mail once,
each round is logged, and SIGTERM lets the round under way finish before a clean exit."""

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.extensions import db
from app.models import OutboxEmail
from app.services.notifications import queue_email
from tests.helpers import wait_until
from tests.test_notifications_delivery import Inbox, _free_port

ROOT = Path(__file__).resolve().parents[1]


class SlowInbox(Inbox):
    """Takes its time over each message, so a round lasts long enough to be interrupted."""

    def __init__(self, delay: float):
        super().__init__()
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp_server():
    servers = []

    def start(inbox):
        controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
        controller.start()
        servers.append(controller)
        return controller.port

    yield start
    for controller in servers:
        controller.stop()


class Worker:
    """One `flask notifications worker` process, its output in a file."""

    def __init__(self, process: subprocess.Popen, log: Path):
        self.process, self.log = process, log

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def terminate(self) -> str:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        return self.output()

    @property
    def returncode(self) -> int | None:
        return self.process.returncode


def _worker(app, log: Path, smtp_port: int, *args: str) -> Worker:
    env = {
        **os.environ,
        "VOIX_CONFIG": "development",
        "FLASK_APP": "app",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "MAIL_USE_TLS": "false",
        "MAIL_SITE_URL": "https://voix-solidaires.example",
        "MAIL_BACKEND": "smtp",
    }
    env.pop("REDIS_URL", None)
    flask = Path(sys.executable).with_name("flask")
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(flask), "notifications", "worker", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Worker(process, log)


def _queue(count: int) -> None:
    for n in range(count):
        queue_email(f"person{n}@example.org", f"Message {n}", f"Bonjour {n}")
    db.session.commit()
    db.session.remove()  # nothing of this test's holds the database while workers run


def _wait_for(condition, seconds: float = 60) -> None:
    """Poll: the workers are other processes, whose clock the test cannot move."""
    wait_until(condition, seconds)


def _rounds(worker: Worker) -> int:
    """How many rounds the worker has logged as done."""
    return len(re.findall(r"round \d+,", worker.output()))


def test_two_worker_processes_send_each_email_once(app, smtp_server, tmp_path):
    count = 60
    inbox = SlowInbox(delay=0.02)
    port = smtp_server(inbox)
    workers = [
        _worker(app, tmp_path / f"worker{n}.log", port, "--interval", "1", "--limit", "5")
        for n in range(2)
    ]
    try:
        # Both are up (a first, empty round done) before the e-mails arrive.
        _wait_for(lambda: all("round 1," in worker.output() for worker in workers))
        _queue(count)
        _wait_for(lambda: len(inbox.messages) >= count)
        # A round more each, begun once all had arrived: nothing else may arrive.
        done = [_rounds(worker) for worker in workers]
        _wait_for(lambda: all(_rounds(w) > n + 1 for w, n in zip(workers, done, strict=True)))
    finally:
        outputs = [worker.terminate() for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    received = sorted(message["To"] for message in inbox.messages)
    assert received == sorted(f"person{n}@example.org" for n in range(count))
    rows = db.session.scalars(db.select(OutboxEmail)).all()
    assert all(row.sent_at is not None for row in rows)
    assert len({row.claimed_by for row in rows}) == 2, outputs  # both took part
    for output in outputs:
        assert "e-mail(s) sent" in output  # each round is logged
        assert "stopped after" in output


def test_sigterm_lets_the_current_round_finish(app, smtp_server, tmp_path):
    count = 20
    _queue(count)
    inbox = SlowInbox(delay=0.15)  # a round of 20 takes about 3 seconds
    port = smtp_server(inbox)
    worker = _worker(app, tmp_path / "worker.log", port, "--interval", "30", "--limit", str(count))
    try:
        _wait_for(lambda: len(inbox.messages) >= 1)
        assert len(inbox.messages) < count  # the round is under way
    finally:
        output = worker.terminate()
    assert worker.returncode == 0, output
    assert len(inbox.messages) == count, output  # the round went to its end
    assert "stopping after this round" in output
    assert "round 2" not in output  # and no other round started
    rows = db.session.scalars(db.select(OutboxEmail)).all()
    assert all(row.sent_at is not None and row.claimed_by for row in rows)


def test_an_idle_worker_stops_at_once_on_sigterm(app, smtp_server, tmp_path):
    worker = _worker(app, tmp_path / "worker.log", smtp_server(Inbox()), "--interval", "300")
    try:
        _wait_for(lambda: "round 1," in worker.output())  # now waiting for the next round
    finally:
        started = time.monotonic()
        output = worker.terminate()
    assert worker.returncode == 0, output
    assert time.monotonic() - started < 10  # not the 300 seconds of its interval
    assert "round 1, 0 e-mail(s) sent" in output


def test_an_audio_error_neither_stops_the_emails_nor_the_worker(app, outbox, monkeypatch, caplog):
    from sqlalchemy.exc import OperationalError

    from app.ops import worker as worker_module

    worker = worker_module.OutboxWorker(interval=0, limit=100)
    calls = []

    def broken_claim(sender_id, limit):
        calls.append(limit)
        if len(calls) == 2:
            worker.stop()
        raise OperationalError("UPDATE audio_recording ...", {}, Exception("server closed"))

    monkeypatch.setattr(worker_module, "convert_waiting", broken_claim)
    caplog.set_level("INFO")
    _queue(2)
    worker.run()  # would raise at once without the fix
    assert worker.rounds == 2 and calls == [app.config["AUDIO_JOBS_PER_ROUND"]] * 2
    assert sorted(message["To"] for message in outbox) == [
        "person0@example.org",
        "person1@example.org",
    ]
    unsent = sa.select(sa.func.count(OutboxEmail.id)).where(OutboxEmail.sent_at.is_(None))
    assert db.session.scalar(unsent) == 0
    assert "audio conversion failed this round" in caplog.text
    assert "round 2, 0 e-mail(s) sent, 0 recording(s) converted" in caplog.text
