"""Under load, nothing is lost: gunicorn with 4 workers, 24 clients posting ~2,000
testimonies and comments at once, on a fresh SQLite file and on PostgreSQL; then the
server is killed (-9) in the middle of a run and every acknowledged post must be there;
and the institutions' reminder job runs on two worker processes at once, under load: no
institution is reminded twice.

Run with `make test-load` (or `pytest -m load tests/load`); the figures are printed so they
can be quoted. LOAD_POSTS and LOAD_CLIENTS change the size of the run.
"""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from app.models import (
    AddressedInstitution,
    Contribution,
    InstitutionReminder,
    Notification,
    NotificationKind,
    Organisation,
    OrganisationKind,
    OutboxEmail,
    Proposal,
    ProposalStatus,
    Role,
    StatusChange,
    Theme,
    paris_today,
    utcnow,
)
from app.services.accounts import register_user
from tests.helpers import wait_until
from tests.scratch_db import scratch_database

pytestmark = pytest.mark.load

ROOT = Path(__file__).resolve().parents[2]
POSTS = int(os.environ.get("LOAD_POSTS", "2000"))
CLIENTS = int(os.environ.get("LOAD_CLIENTS", "24"))
KILL_AFTER = min(300, POSTS // 4)  # acknowledged posts before the kill -9
LOGGED_IN_SHARE = 3  # one client in three is logged in and comments; the others are guests
PASSWORD = "mot de passe de charge"
HIDDEN = re.compile(r'name="(csrf_token|idempotency_key)" type="hidden" value="([^"]+)"')
MARKER = re.compile(r"marqueur[a-p]{24}")


def _marker() -> str:
    # Letters only: digits could look like a phone number to the personal-data check.
    return "marqueur" + secrets.token_hex(12).translate(str.maketrans("0123456789", "ghijklmnop"))


@dataclass
class Figures:
    sent: int = 0
    accepted: set = field(default_factory=set)
    refused: Counter = field(default_factory=Counter)  # status code -> count
    server_errors: int = 0
    connection_errors: int = 0
    locked_pages: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, marker: str, response: requests.Response | None) -> None:
        with self.lock:
            self.sent += 1
            if response is None:
                self.connection_errors += 1
            elif response.status_code in (302, 303):
                self.accepted.add(marker)
            else:
                self.refused[response.status_code] += 1
                self.server_errors += response.status_code >= 500
            if response is not None and "database is locked" in response.text:
                self.locked_pages += 1


# The databases and the server


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, migrated database: a new SQLite file, or a new PostgreSQL database on the
    server of TEST_DATABASE_URL (skipped without it, except in CI)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/load.sqlite"
        return
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        if os.environ.get("CI"):
            pytest.fail("CI runs the load test on PostgreSQL too: set TEST_DATABASE_URL")
        pytest.skip("TEST_DATABASE_URL is not a PostgreSQL URL")
    with scratch_database(base, "load") as url:
        yield url


@dataclass
class Site:
    url: str
    proposal_id: int
    emails: list[str]


@pytest.fixture
def site(database_url):
    """Migrate the database and give it one proposal and one account per logged-in client."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})
    emails = [f"charge{n}@example.org" for n in range(CLIENTS // LOGGED_IN_SHARE)]
    with app.app_context():
        upgrade()
        theme = Theme(slug="charge", name="Atelier de charge", position=1)
        proposal = Proposal(
            title="Tenir la charge",
            body="Une proposition pour le test de charge.",
            theme=theme,
            status=ProposalStatus.SUBMITTED,
            organisation=Organisation(
                slug="asso-charge", name="Association", kind=OrganisationKind.ASSOCIATION
            ),
        )
        proposal.status_changes.append(
            StatusChange(from_status=None, to_status=ProposalStatus.SUBMITTED)
        )
        db.session.add(proposal)
        db.session.commit()
        for n, email in enumerate(emails):
            register_user(email, PASSWORD, f"charge-{n}")
        proposal_id = proposal.id
        db.session.remove()
        db.engine.dispose()
    return Site(database_url, proposal_id, emails)


class Server:
    """gunicorn, 4 workers, on a free port; rate limits off for this server only."""

    def __init__(self, database_url: str, log: Path, env: dict[str, str] | None = None):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url
        self.log = log
        self.process: subprocess.Popen | None = None
        self.extra_env = env or {}  # applied last: a shared SECRET_KEY, REDIS_URL, limits

    def start(self) -> None:
        env = dict(os.environ)
        env.update(
            VOIX_CONFIG="development",
            DATABASE_URL=self.database_url,
            SECRET_KEY=secrets.token_hex(16),
            RATELIMIT_ENABLED="false",
            MAIL_BACKEND="memory",
        )
        env.pop("REDIS_URL", None)
        env.update(self.extra_env)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [
                    str(gunicorn),
                    "--workers",
                    "4",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--timeout",
                    "60",
                    "app:create_app()",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.base}/healthz", timeout=10).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        self.kill()
        raise AssertionError(f"gunicorn did not start:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        """kill -9, the master and its workers at once: no chance to finish anything."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


@pytest.fixture
def server(site, tmp_path):
    server = Server(site.url, tmp_path / "gunicorn.log")
    server.start()
    yield server
    server.stop()


# The clients


def _hidden(session: requests.Session, url: str) -> dict[str, str]:
    """The form's CSRF token and idempotency key (a new form for each post)."""
    page = session.get(url, timeout=30)
    assert page.status_code == 200, page.status_code
    return dict(HIDDEN.findall(page.text))


def _fresh_form(form: dict[str, str]) -> dict[str, str]:
    """The same form shown again: same CSRF token (it lasts the session), a new key drawn
    as the server draws it. Fetching the page before every post would halve the posts the
    run can send in its time without testing anything more."""
    return {"csrf_token": form["csrf_token"], "idempotency_key": secrets.token_urlsafe(24)}


def _guest(base: str, site: Site, posts: int, figures: Figures, stop: threading.Event):
    session = requests.Session()
    url = f"{base}/propositions/{site.proposal_id}/temoigner"
    try:
        form = _hidden(session, url)
    except requests.ConnectionError:
        return
    for _ in range(posts):
        if stop.is_set():
            return
        marker = _marker()
        try:
            data = _fresh_form(form)
            data.update(body=f"Témoignage de charge {marker}.", name="Invité")
            response = session.post(url, data=data, allow_redirects=False, timeout=30)
        except requests.ConnectionError:
            figures.record(marker, None)
            return  # the server is gone (the kill -9 scenario)
        figures.record(marker, response)


def _member(base: str, site: Site, email: str, posts: int, figures: Figures, stop: threading.Event):
    session = requests.Session()
    try:
        login = _hidden(session, f"{base}/compte/connexion")
        login.update(email=email, password=PASSWORD)
        logged = session.post(f"{base}/compte/connexion", data=login, allow_redirects=False)
    except requests.ConnectionError:
        return
    assert logged.status_code == 302, logged.text[:500]
    page = f"{base}/propositions/{site.proposal_id}"
    for number in range(posts):
        if stop.is_set():
            return
        marker = _marker()
        try:
            if number % 10 == 0:  # the page shows (and so clears) the "Merci" messages
                form = _hidden(session, page)  # the comment form is on the proposal's page
            data = _fresh_form(form)
            data.update(body=f"Commentaire de charge {marker}.", display_mode="pseudonym")
            response = session.post(
                f"{page}/commentaires", data=data, allow_redirects=False, timeout=30
            )
        except requests.ConnectionError:
            figures.record(marker, None)
            return
        figures.record(marker, response)


def _run_clients(
    server: Server, site: Site, total: int, stop: threading.Event, figures: Figures
) -> Figures:
    per_client = -(-total // CLIENTS)
    members = iter(site.emails)
    threads = []
    for n in range(CLIENTS):
        if n % LOGGED_IN_SHARE == 0 and (email := next(members, None)):
            args = (server.base, site, email, per_client, figures, stop)
            threads.append(threading.Thread(target=_member, args=args))
        else:
            args = (server.base, site, per_client, figures, stop)
            threads.append(threading.Thread(target=_guest, args=args))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return figures


def _stored_markers(url: str) -> Counter:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            bodies = conn.execute(sa.select(Contribution.body)).scalars()
            return Counter(m for body in bodies for m in MARKER.findall(body))
    finally:
        engine.dispose()


def _report(title: str, figures: Figures, stored: Counter, seconds: float) -> None:
    print(
        f"\n[load] {title}: sent={figures.sent} accepted={len(figures.accepted)} "
        f"stored={sum(stored.values())} refused={dict(figures.refused)} "
        f"5xx={figures.server_errors} connection_errors={figures.connection_errors} "
        f"locked_pages={figures.locked_pages} duration={seconds:.1f}s "
        f"({figures.sent / seconds:.0f} posts/s)"
    )


# The scenarios


def test_every_accepted_post_is_stored_exactly_once(server, site, database_url):
    started = time.monotonic()
    figures = _run_clients(server, site, POSTS, threading.Event(), Figures())
    seconds = time.monotonic() - started
    stored = _stored_markers(database_url)
    _report(f"{make_url(database_url).get_backend_name()} steady", figures, stored, seconds)

    assert figures.sent >= POSTS
    assert figures.server_errors == 0 and figures.connection_errors == 0
    assert figures.locked_pages == 0
    assert not figures.refused, figures.refused  # every post was valid: all accepted
    assert all(stored[marker] == 1 for marker in figures.accepted)
    assert sum(stored.values()) == len(figures.accepted) == figures.sent


def test_kill_9_in_the_middle_loses_no_acknowledged_post(server, site, database_url):
    stop = threading.Event()
    started = time.monotonic()
    figures = Figures()
    clients = threading.Thread(target=_run_clients, args=(server, site, POSTS, stop, figures))
    clients.start()
    # Kill in full flow: a few hundred posts acknowledged, a few dozen in flight.
    deadline = time.monotonic() + 60
    while len(figures.accepted) < KILL_AFTER and time.monotonic() < deadline:
        time.sleep(0.05)
    server.kill()
    clients.join(timeout=60)
    stop.set()
    seconds = time.monotonic() - started

    server.start()  # the same database, after the crash
    stored = _stored_markers(database_url)
    _report(f"{make_url(database_url).get_backend_name()} kill -9", figures, stored, seconds)

    assert len(figures.accepted) >= KILL_AFTER, "the kill came too early to prove anything"
    assert figures.server_errors == 0 and figures.locked_pages == 0
    assert all(stored[marker] == 1 for marker in figures.accepted)  # none lost
    assert all(count == 1 for count in stored.values())  # none twice
    # Posts cut by the kill may or may not have been committed; nothing else is stored.
    assert sum(stored.values()) <= len(figures.accepted) + figures.connection_errors
    # The restarted server answers and writes.
    session = requests.Session()
    url = f"{server.base}/propositions/{site.proposal_id}/temoigner"
    data = _hidden(session, url) | {"body": f"Après le redémarrage {_marker()}."}
    assert session.post(url, data=data, allow_redirects=False).status_code == 302


# The reminder job on two workers at once

REMINDED = int(os.environ.get("LOAD_REMINDED", "200"))
# Each worker process waits for this file, so both start reminding at the same instant.
REMIND_WORKER = """
import os, sys, time
from pathlib import Path
go = Path(sys.argv[1])
from app import create_app
app = create_app()
Path(sys.argv[2]).touch()  # ready
while not go.exists():
    time.sleep(0.005)
result = app.test_cli_runner().invoke(args=["institutions", "remind"])
print(result.output, end="")
sys.exit(result.exit_code)
"""


def _awaiting_institutions(url: str, count: int) -> None:
    """``count`` institutions, each awaiting its answer to a proposal of its own: due in 3
    days or a day late (one reminder due each), one in three with a representative."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        theme = db.session.scalars(sa.select(Theme)).first()
        today = paris_today()
        for n in range(count):
            institution = Organisation(
                slug=f"institution-{n}",
                name=f"Institution {n}",
                kind=OrganisationKind.INSTITUTION,
                verified=True,
                official_email=f"institution{n}@example.org",
                official_email_verified_at=utcnow(),
            )
            proposal = Proposal(
                title=f"Proposition rappelée {n}",
                body="Une proposition qui attend sa réponse.",
                theme=theme,
                status=ProposalStatus.SENT,
            )
            proposal.addressed.append(
                AddressedInstitution(
                    institution=institution,
                    sent_at=utcnow() - timedelta(days=50),
                    response_due_on=today + timedelta(days=3 if n % 2 else -1),
                )
            )
            db.session.add(proposal)
            if n % 3 == 0:
                rep = register_user(
                    f"rep{n}@example.org", PASSWORD, f"representant-{n}", Role.INSTITUTION_REP
                )
                rep.email_confirmed_at = utcnow()
                rep.organisations.append(institution)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _reminders_by_address(url: str) -> tuple[Counter, int, Counter]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            emails = Counter(
                conn.execute(
                    sa.select(OutboxEmail.to_address).where(
                        OutboxEmail.to_address.like("institution%")
                    )
                ).scalars()
            )
            keys = conn.execute(sa.select(sa.func.count(InstitutionReminder.id))).scalar()
            told = Counter(
                conn.execute(
                    sa.select(Notification.user_id).where(
                        Notification.kind == NotificationKind.RESPONSE_REMINDER
                    )
                ).scalars()
            )
            return emails, keys, told
    finally:
        engine.dispose()


def test_the_reminder_job_on_two_workers_at_once_reminds_each_institution_once(
    server, site, database_url, tmp_path
):
    _awaiting_institutions(database_url, REMINDED)
    go = tmp_path / "go"
    env = dict(os.environ)
    env.update(
        VOIX_CONFIG="development",
        DATABASE_URL=database_url,
        MAIL_BACKEND="memory",
        MAIL_SITE_URL="http://voix.test",
    )
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", REMIND_WORKER, str(go), str(tmp_path / f"ready{n}")],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in range(2)
    ]
    # Under load meanwhile: people keep posting while both workers remind.
    stop = threading.Event()
    figures = Figures()
    clients = threading.Thread(target=_run_clients, args=(server, site, POSTS // 4, stop, figures))
    clients.start()
    ready = [tmp_path / f"ready{n}" for n in range(2)]
    assert wait_until(lambda: all(path.exists() for path in ready), seconds=60), "not ready"
    go.touch()  # both workers have loaded the app: they start at the same instant
    outputs = [worker.communicate(timeout=300)[0] for worker in workers]
    stop.set()
    clients.join(timeout=120)

    sent = [int(m.group(1)) for out in outputs for m in re.finditer(r"(\d+) rappel", out)]
    emails, keys, told = _reminders_by_address(database_url)
    print(f"\n[load] {make_url(database_url).get_backend_name()} reminders: workers sent {sent}")
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    assert sum(sent) == REMINDED, outputs
    assert keys == REMINDED
    assert len(emails) == REMINDED and set(emails.values()) == {1}  # nobody twice
    assert len(told) == len(range(0, REMINDED, 3)) and set(told.values()) == {1}
    assert figures.server_errors == 0 and figures.locked_pages == 0
