"""Statements built once for their values (app/queries/statements.py)."""

from datetime import date

import sqlalchemy as sa

from app.models import Event
from app.queries import statements
from app.queries.proposals import EventFilter


def _counting_builder():
    built = []

    @statements.kept_for_values
    def build(theme_id, events):
        built.append((theme_id, events))
        return sa.select(sa.literal(len(built)))

    return build, built


def test_a_statement_is_built_once_for_the_same_values(db):
    event = Event(slug="assises", name="Assises", held_on=date(2024, 11, 9))
    db.session.add(event)
    db.session.commit()
    build, built = _counting_builder()
    first = build(1, EventFilter(event=event))
    db.session.expunge_all()  # the next request loads the event anew: another object
    reloaded = db.session.get(Event, event.id)
    assert build(1, EventFilter(event=reloaded)) is first
    assert len(built) == 1
    # Other values: another statement each.
    assert build(2, EventFilter(event=reloaded)) is not first
    assert build(1, EventFilter(event=reloaded, with_examples=True)) is not first
    assert build(1, EventFilter(year=2024)) is not first
    reloaded.example = True
    assert build(1, EventFilter(event=reloaded)) is not first
    assert len(built) == 5


def test_no_loaded_event_is_kept_after_its_session(db):
    """The first filter's event, detached and expired, is never read again."""
    event = Event(slug="assises", name="Assises", held_on=date(2024, 11, 9))
    db.session.add(event)
    db.session.commit()
    build, built = _counting_builder()
    build(None, EventFilter(event=event))
    db.session.expire(event)
    db.session.expunge(event)  # reading it now would raise DetachedInstanceError
    other = Event(slug="journee", name="Journée", held_on=date(2025, 3, 1))
    db.session.add(other)
    db.session.commit()
    build(None, EventFilter(event=other))  # compared with the first one's key: no error
    assert len(built) == 2


def test_the_least_recently_used_are_dropped(monkeypatch):
    monkeypatch.setattr(statements, "STATEMENTS_KEPT", 2)
    build, built = _counting_builder()
    one = build(1, EventFilter())
    build(2, EventFilter())
    assert build(1, EventFilter()) is one  # used again: kept
    build(3, EventFilter())  # drops 2, the least recently used
    assert build(1, EventFilter()) is one
    build(2, EventFilter())
    assert len(built) == 4
