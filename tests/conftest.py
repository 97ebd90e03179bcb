"""Shared fixtures: an app on a migrated database (SQLite, or PostgreSQL through
TEST_DATABASE_URL), emptied after each test (tests/snapshots.py), one logged-in client per
role, data sets built once per module (`prebuilt`), a clock moved without waiting; the
Hypothesis profiles of the fuzz tests."""

import contextlib
import os
import tempfile
import time
import unittest
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g
from flask.testing import FlaskClient
from flask_migrate import upgrade
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.database import DirectoryBasedExampleDatabase, ReadOnlyDatabase
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.state import InstanceState

from app import create_app
from app.accounts.password_hashing import hash_password
from app.extensions import db as _db
from app.extensions import limiter
from app.models import (
    Event,
    Organisation,
    OrganisationKind,
    Proposal,
    ProposalStatus,
    Role,
    StatusChange,
    Theme,
    User,
    utcnow,
)
from app.services.accounts import CHARTER_VERSION
from tests import snapshots
from tests.helpers import Clock

# The tests keep Paris time, as the site counts its days (`paris_today()`): a test's
# `date.today()` is then the site's today, also between 22:00 and midnight UTC, when the two
# calendars differ. The app itself never reads the machine's zone (ruff's DTZ rules).
os.environ["TZ"] = "Europe/Paris"
time.tzset()

PASSWORD = "correct horse battery"
ROLES = ("visitor", *[role.value for role in Role])

# Hypothesis (tests/test_bad_input.py). "ci", the default: the same inputs on every run, so
# that the suite passes or fails by the code, not by chance. "fuzz" (`make fuzz`): many
# random inputs, and any that fails is saved in tests/.hypothesis-examples, to commit with
# the fix. HYPOTHESIS_EXAMPLES sets the number of inputs per test in either profile.
EXAMPLES_DIR = Path(__file__).parent / ".hypothesis-examples"
HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
_examples = DirectoryBasedExampleDatabase(EXAMPLES_DIR)
_hypothesis_common = {
    "deadline": None,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile(
    "ci",
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "5")),
    derandomize=True,
    **_hypothesis_common,
)
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "200")),
    database=_examples,
    **_hypothesis_common,
)
settings.load_profile(HYPOTHESIS_PROFILE)


def run_hypothesis(test, **strategies) -> None:
    """Run ``test`` on inputs drawn from ``strategies``, as the profile says.

    Under "ci", Hypothesis cannot both draw from a fixed seed and replay its example
    database (either of ``derandomize`` and ``seed`` turns the database off), so there are
    two passes: the explicit examples and the failing ones kept in the repository (read
    only), then the derandomised inputs.
    """
    if HYPOTHESIS_PROFILE != "ci":
        given(**strategies)(test)()
        return
    replay = settings(
        derandomize=False,
        database=ReadOnlyDatabase(_examples),
        phases=[Phase.explicit, Phase.reuse],
    )
    with contextlib.suppress(unittest.SkipTest):  # nothing kept, no explicit example
        replay(given(**strategies)(test))()
    settings(phases=[Phase.generate, Phase.shrink])(given(**strategies)(test))()


def _database_url(tmp_dir: str) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir}/test.sqlite"


def _create_database(url: str) -> None:
    """The PostgreSQL database of this run, created when missing (`bin/test` gives the
    browser tests their own, next to the one named by TEST_DATABASE_URL)."""
    target = sa.engine.make_url(url)
    server = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        exists = conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        ).first()
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    server.dispose()


def _reset_schema(url: str) -> None:
    """Start from an empty database so `flask db upgrade` really runs from empty."""
    if not url.startswith("postgresql"):
        return
    _create_database(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


class FreshRequestClient(FlaskClient):
    """Each request starts with an empty `g`, as in production.

    The `db` fixture keeps an app context open for the test's own queries; requests reuse it,
    so without this Flask-Login's user and Babel's locale would leak from one request (or one
    client) to the next.
    """

    def open(self, *args, **kwargs):
        g.__dict__.clear()
        try:
            return super().open(*args, **kwargs)
        finally:
            g.__dict__.clear()


@pytest.fixture(scope="session")
def app():
    tmp_dir = tempfile.mkdtemp(prefix="voix-tests-")
    url = _database_url(tmp_dir)
    _reset_schema(url)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    app.test_client_class = FreshRequestClient
    with app.app_context():
        upgrade()
        snapshots.empty_tables()  # rows the migrations insert (the first charter) belong to no test
    yield app


@pytest.fixture(autouse=True)
def db(app) -> Iterator:
    """A clean database for every test, inside an app context."""
    with app.app_context():
        yield _db
        _db.session.rollback()
        _db.session.remove()
        snapshots.empty_tables()
    limiter.reset()
    app.extensions["mail_outbox"] = []


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """`clock.advance(seconds)`: the app's time and the cache's move on, nobody waits."""
    return Clock(monkeypatch)


@pytest.fixture
def outbox(app):
    app.extensions["mail_outbox"] = []
    return app.extensions["mail_outbox"]


@pytest.fixture
def made(db) -> Counter:
    """How many objects of each kind the make_* fixtures made in this test: the numbers in
    their names and e-mails (a prebuilt data set gives them back with its rows)."""
    return Counter()


@pytest.fixture
def make_organisation(db, made):
    def make(kind=OrganisationKind.ASSOCIATION, name=None, verified=None, **fields):
        made["organisation"] += 1
        n = made["organisation"]
        org = Organisation(
            slug=f"org-{n}",
            name=name or f"Organisation {n}",
            kind=kind,
            verified=(kind is OrganisationKind.INSTITUTION) if verified is None else verified,
            **fields,
        )
        db.session.add(org)
        db.session.commit()
        return org

    return make


@pytest.fixture
def make_user(db, made, make_organisation):
    def make(role="participant", organisation=None, email=None, pseudonym=None, active=True):
        made["user"] += 1
        n = made["user"]
        role = Role(role)
        if organisation is None and role in (Role.ASSOCIATION_MEMBER, Role.MODERATOR):
            organisation = make_organisation(OrganisationKind.ASSOCIATION)
        if organisation is None and role is Role.INSTITUTION_REP:
            organisation = make_organisation(OrganisationKind.INSTITUTION)
        user = User(
            email=email or f"user{n}@example.org",
            pseudonym=pseudonym or f"{role.value}-{n}",
            password_hash=hash_password(PASSWORD),
            role=role,
            charter_version=CHARTER_VERSION,
            active=active,
            email_confirmed_at=utcnow(),
        )
        if organisation is not None:
            user.organisations.append(organisation)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_theme(db, made):
    def make(name=None, **fields):
        made["theme"] += 1
        n = made["theme"]
        theme = Theme(slug=f"atelier-{n}", name=name or f"Atelier {n}", position=n, **fields)
        db.session.add(theme)
        db.session.commit()
        return theme

    return make


@pytest.fixture
def make_event(db):
    def make(slug="assises-2015", name="Assises de la solidarité 2015", **fields):
        fields.setdefault("held_on", date(2015, 4, 30))
        event = Event(slug=slug, name=name, **fields)
        db.session.add(event)
        db.session.commit()
        return event

    return make


@pytest.fixture
def make_proposal(db, make_theme, make_organisation):
    def make(
        title="Ouvrir des bains-douches gratuits",
        theme=None,
        organisation=None,
        author=None,
        status=ProposalStatus.SUBMITTED,
        institutions=(),
        commit=True,
    ):
        proposal = Proposal(
            title=title,
            body="Le constat, puis ce qui est proposé.\nDeuxième ligne.",
            theme=theme or make_theme(),
            organisation=organisation
            or (
                author.organisations[0] if author and author.organisations else make_organisation()
            ),
            author=author,
            status=status,
        )
        for institution in institutions:
            proposal.addressed.append(_addressed(institution))
        proposal.status_changes.append(StatusChange(from_status=None, to_status=status))
        db.session.add(proposal)
        if commit:
            db.session.commit()
        return proposal

    return make


@pytest.fixture(scope="module")
def _prebuilt_copies() -> Iterator[dict]:
    """The copies `prebuilt` took in this module, dropped when the module is done."""
    copies: dict = {}
    yield copies
    for copy, _objects, _made in copies.values():
        snapshots.discard(copy)


@pytest.fixture
def prebuilt(db, made, _prebuilt_copies):
    """`prebuilt(build)`: what `build()` returns, built once per module.

    The module's first test runs `build()` (which makes rows with the make_* fixtures and
    returns the objects the tests need, in a dict or a list) and copies the database; each
    next test gets that copy back, in milliseconds, and the same objects (by their keys,
    their columns read from the copy when first used). A test may write: the next one
    starts from the copy. The database must be empty when `prebuilt` is called (ask for it
    before any fixture that writes). The make_* numbering goes on after the data set's.
    """

    def get(build):
        assert snapshots.is_empty(), f"not empty: {snapshots.tables_with_rows()}"
        key = build.__qualname__
        if key in _prebuilt_copies:
            copy, objects, numbers = _prebuilt_copies[key]
            snapshots.restore(copy)
            made.update(numbers)
            return _loaded(objects)
        built = build()
        _prebuilt_copies[key] = (snapshots.take(), _references(built), Counter(made))
        return built

    return get


@dataclass(frozen=True)
class _Reference:
    model: type
    identity: tuple


def _references(value):
    """The value with each model object replaced by its class and primary key."""
    if isinstance(value, dict):
        return {key: _references(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_references(item) for item in value)
    state = sa.inspect(value, raiseerr=False)
    if isinstance(state, InstanceState):
        return _Reference(type(value), state.identity)
    return value


def _loaded(value):
    if isinstance(value, dict):
        return {key: _loaded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_loaded(item) for item in value)
    if isinstance(value, _Reference):
        return _attached(value)
    return value


def _attached(reference: _Reference):
    """The object in the session without a query: its columns load when first read, as
    those of an object expired by a commit do."""
    mapper = sa.inspect(reference.model)
    key = mapper.identity_key_from_primary_key(reference.identity)
    if key in _db.session.identity_map:
        return _db.session.identity_map[key]
    obj = mapper.class_manager.new_instance()
    for column, value in zip(mapper.primary_key, reference.identity, strict=True):
        set_committed_value(obj, mapper.get_property_by_column(column).key, value)
    make_transient_to_detached(obj)
    _db.session.add(obj)
    return obj


def _addressed(institution):
    from app.models import AddressedInstitution

    return AddressedInstitution(institution=institution)


def login(client, user) -> None:
    response = client.post("/compte/connexion", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def login_as(client, make_user):
    """Log the test client in as a new user of the given role and return that user."""

    def do(role="participant", **kwargs):
        user = make_user(role, **kwargs)
        login(client, user)
        return user

    return do
