"""A reader's kept page answered before the account is loaded (app/web/reader_hit.py): only
when the usual way would serve the same page with nothing else to do. A session that ended,
another browser, activity to record or another language goes the usual way."""

from datetime import timedelta
from unittest import mock

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import User, UserSession, utcnow
from app.services import sessions
from app.web import version_reader
from tests import test_page_cache, test_page_cache_readers
from tests.test_page_cache_readers import _reader

proposal = test_page_cache.proposal  # a proposal with one testimony
cached = test_page_cache_readers.cached  # the page cache on, and empty
PSEUDONYM = "lectrice-connectee"


def _get(client, url, **kwargs):
    """The response, and how many times the account was loaded the usual way."""
    with mock.patch.object(sessions, "load", wraps=sessions.load) as load:
        response = client.get(url, **kwargs)
    return response, load.call_count


def _kept_for(app, make_user, proposal, **user_fields):
    """A logged-in reader whose proposal page is kept (viewed once), and its address."""
    reader, user = _reader(app, make_user)
    for name, value in user_fields.items():
        setattr(user, name, value)
    db.session.commit()
    url = f"/propositions/{proposal.id}"
    assert reader.get(url).headers["X-Page-Cache"] == "miss"
    return reader, user, url


def _set_session(user, **values) -> None:
    db.session.execute(sa.update(UserSession).where(UserSession.user_id == user.id).values(values))
    db.session.commit()


def _last_seen(user):
    query = sa.select(UserSession.last_seen_at).where(UserSession.user_id == user.id)
    return db.session.scalar(query)


def test_a_kept_page_is_answered_without_loading_the_account(cached, app, make_user, proposal):
    reader, _user, url = _kept_for(app, make_user, proposal)
    page, loads = _get(reader, url)
    assert page.status_code == 200
    assert page.headers["X-Page-Cache"] == "hit"
    assert loads == 0
    assert page.headers["Cache-Control"] == "no-store"  # a logged-in person's page
    assert PSEUDONYM in page.get_data(as_text=True)
    _, statements = test_page_cache._queries(reader, url)
    assert statements == 1  # the login session's row, the version and the reader's state
    listed, loads = _get(reader, "/propositions")
    assert (listed.headers["X-Page-Cache"], loads) == ("miss", 1)
    listed, loads = _get(reader, "/propositions")
    assert (listed.headers["X-Page-Cache"], loads) == ("hit", 0)


def test_a_revoked_session_is_logged_out_not_served(cached, app, make_user, proposal):
    reader, user, url = _kept_for(app, make_user, proposal)
    sessions.revoke_sessions(db.session.get(User, user.id))  # logged out on another device
    page, _loads = _get(reader, url)
    assert page.status_code == 200
    assert PSEUDONYM not in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] != "no-store"  # a visitor's page now


@pytest.mark.parametrize(
    ("created", "seen"),
    [
        (timedelta(hours=1), timedelta(minutes=121)),  # idle too long
        (timedelta(hours=12, minutes=1), timedelta(seconds=5)),  # past its lifetime
    ],
    ids=["idle", "too-old"],
)
def test_an_ended_session_is_logged_out_not_served(cached, app, make_user, proposal, created, seen):
    reader, user, url = _kept_for(app, make_user, proposal)
    _set_session(user, created_at=utcnow() - created, last_seen_at=utcnow() - seen)
    page, _loads = _get(reader, url)
    assert page.status_code == 200
    assert PSEUDONYM not in page.get_data(as_text=True)


def test_activity_due_is_recorded_then_pages_come_without_loading(cached, app, make_user, proposal):
    reader, user, url = _kept_for(app, make_user, proposal)
    two_minutes_ago = utcnow() - timedelta(minutes=2)
    _set_session(user, last_seen_at=two_minutes_ago)
    page, loads = _get(reader, url)
    assert (page.headers["X-Page-Cache"], loads) == ("hit", 1)  # the usual way, which writes
    assert _last_seen(user) > two_minutes_ago + timedelta(seconds=100)
    page, loads = _get(reader, url)
    assert (page.headers["X-Page-Cache"], loads) == ("hit", 0)


def test_another_browser_with_the_same_cookie_is_not_served(cached, app, make_user, proposal):
    reader, _user, url = _kept_for(app, make_user, proposal)
    page, loads = _get(reader, url, headers={"User-Agent": "Un autre navigateur"})
    assert loads == 0  # Flask-Login's protection emptied the session before any loading
    assert page.status_code == 200
    assert PSEUDONYM not in page.get_data(as_text=True)


def test_the_page_is_kept_in_the_account_language(cached, app, make_user, proposal):
    reader, _user, url = _kept_for(app, make_user, proposal, locale="ar")
    # The account's language comes before the browser's, as when the page was kept.
    page, loads = _get(reader, url, headers={"Accept-Language": "fr"})
    assert (page.headers["X-Page-Cache"], loads) == ("hit", 0)
    assert 'lang="ar"' in page.get_data(as_text=True)


def test_a_browser_language_gets_its_own_page(cached, app, make_user, proposal):
    reader, _user, url = _kept_for(app, make_user, proposal)  # no language in the account
    arabic, _ = _get(reader, url, headers={"Accept-Language": "ar"})
    assert arabic.headers["X-Page-Cache"] == "miss"
    assert 'lang="ar"' in arabic.get_data(as_text=True)
    again, loads = _get(reader, url, headers={"Accept-Language": "ar"})
    assert (again.headers["X-Page-Cache"], loads) == ("hit", 0)
    assert 'lang="ar"' in again.get_data(as_text=True)
    french, loads = _get(reader, url, headers={"Accept-Language": "fr"})
    assert (french.headers["X-Page-Cache"], loads) == ("hit", 0)  # the first view's page
    assert 'lang="fr"' in french.get_data(as_text=True)


def test_a_language_chosen_in_the_address_goes_the_usual_way(cached, app, make_user, proposal):
    reader, _user, url = _kept_for(app, make_user, proposal)
    chosen, loads = _get(reader, f"{url}?lang=ar")
    assert loads == 1
    assert 'lang="ar"' in chosen.get_data(as_text=True)
    after, _ = _get(reader, url)  # the choice is kept in the session: another page
    assert 'lang="ar"' in after.get_data(as_text=True)


def test_a_query_the_driver_would_read_differently_is_refused(app):
    """The held connection gives values to the driver as they are (app/web/version_reader.py):
    a query whose values SQLAlchemy would expand or convert is refused, never misread."""
    expanded = sa.select(User.id).where(User.id.in_(sa.bindparam("ids", expanding=True)))
    converted = sa.select(User.id).where(User.role == sa.bindparam("role", type_=User.role.type))
    for query in (expanded, converted):
        with pytest.raises(ValueError, match="Not a query for a held connection"):
            version_reader.read_rows(query, {"ids": [1], "role": "participant"})
    rows = version_reader.read_rows(sessions.login_state_query(()), {"token_hash": "x", "id": 1})
    assert rows == []  # a plain query is read: no such session
