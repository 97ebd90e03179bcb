"""Moderators are reached too: alerts when contributions wait (at once at most hourly, once a
Paris day, or never), only for their workshops, with the oldest item's age; two runs at once
alert once; the queue filtered to "my workshops"; the preference and the admin's assignment."""

import threading
from datetime import time, timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from app.calendar import from_paris, to_paris
from app.extensions import db
from app.models import (
    AuditAction,
    AuditEvent,
    Contribution,
    ContributionKind,
    ContributionState,
    EmailFrequency,
    Flag,
    FlagReason,
    Notification,
    NotificationKind,
    OutboxEmail,
    User,
    utcnow,
)
from app.services.moderation_alerts import send_moderation_alerts
from app.services.notifications import queue_digests, unsubscribe_url
from tests.conftest import login
from tests.helpers import count_queries

F = EmailFrequency
HOUR = 3600
SUBJECT = "Voix solidaires : des contributions attendent la modération"


@pytest.fixture
def morning(clock):
    """The clock at 09:00 in Paris tomorrow: the tests' days never cross midnight by chance."""
    now = utcnow()
    nine = from_paris(to_paris(now).date() + timedelta(days=1), time(9))
    clock.advance((nine - now).total_seconds())
    return clock


@pytest.fixture
def housing(make_theme):
    return make_theme("Hébergement")


@pytest.fixture
def food(make_theme):
    return make_theme("Alimentation")


def _moderator(make_user, alerts=F.IMMEDIATE, themes=(), role="moderator", **fields):
    user = make_user(role)
    user.moderation_alerts = alerts
    user.moderated_themes = list(themes)
    for name, value in fields.items():
        setattr(user, name, value)
    db.session.commit()
    return user


def _waiting(proposal, hours_ago=0, state=ContributionState.PENDING, body="À relire"):
    """A contribution written `hours_ago` hours ago."""
    contribution = Contribution(
        proposal=proposal,
        kind=ContributionKind.COMMENT,
        body=body,
        state=state,
        created_at=utcnow() - timedelta(hours=hours_ago),
    )
    db.session.add(contribution)
    db.session.commit()
    return contribution


def _flag(contribution, user, hours_ago=0):
    db.session.add(
        Flag(
            contribution=contribution,
            user=user,
            reason=FlagReason.SPAM,
            created_at=utcnow() - timedelta(hours=hours_ago),
        )
    )
    db.session.commit()


def _alerts(user) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(
                Notification.user_id == user.id,
                Notification.kind == NotificationKind.MODERATION_WAITING,
            )
            .order_by(Notification.id)
        )
    )


def _emails(user) -> list[OutboxEmail]:
    return list(
        db.session.scalars(
            sa.select(OutboxEmail).where(OutboxEmail.user_id == user.id).order_by(OutboxEmail.id)
        )
    )


# When an alert is due


def test_no_alert_when_nothing_waits(morning, make_user, make_proposal):
    moderator = _moderator(make_user)
    _waiting(make_proposal(), state=ContributionState.PUBLISHED)
    assert send_moderation_alerts() == 0
    assert _alerts(moderator) == [] and _emails(moderator) == []
    db.session.refresh(moderator)
    assert moderator.moderation_alerted_at is None


def test_at_once_means_at_most_once_an_hour(morning, make_user, make_proposal):
    moderator = _moderator(make_user, F.IMMEDIATE)
    proposal = make_proposal()
    _waiting(proposal)
    assert send_moderation_alerts() == 1
    [email] = _emails(moderator)
    assert (email.to_address, email.subject) == (moderator.email, SUBJECT)
    assert "1 contribution attend la modération." in email.body
    assert "La plus ancienne attend depuis moins d’une heure." in email.body
    assert "/moderation/" in email.body
    assert email.body.rstrip().endswith(unsubscribe_url(moderator.id))
    [alert] = _alerts(moderator)
    assert alert.emailed_at is not None

    assert send_moderation_alerts() == 0  # nothing new
    morning.advance(10 * 60)
    _waiting(proposal)
    assert send_moderation_alerts() == 0  # new, but the last alert is 10 minutes old
    morning.advance(50 * 60)
    assert send_moderation_alerts() == 1  # an hour later: the new one is told
    assert _alerts(moderator)[-1].data["count"] == 2
    morning.advance(3 * HOUR)
    assert send_moderation_alerts() == 0  # still waiting, but nothing arrived since
    assert len(_emails(moderator)) == 2


def test_the_pause_is_a_setting(app, morning, make_user, make_proposal, monkeypatch):
    monkeypatch.setitem(app.config, "MODERATION_ALERT_MIN_MINUTES", 5)
    moderator = _moderator(make_user, F.IMMEDIATE)
    proposal = make_proposal()
    _waiting(proposal)
    assert send_moderation_alerts() == 1
    morning.advance(6 * 60)
    _waiting(proposal)
    assert send_moderation_alerts() == 1
    assert len(_alerts(moderator)) == 2


def test_daily_means_once_a_paris_day(morning, make_user, make_proposal):
    moderator = _moderator(make_user, F.DAILY)
    proposal = make_proposal()
    _waiting(proposal, hours_ago=2)
    assert send_moderation_alerts() == 1
    morning.advance(2 * HOUR)
    _waiting(proposal)
    assert send_moderation_alerts() == 0  # same day, even with something new
    morning.advance(12 * HOUR)  # 23:00 in Paris
    assert send_moderation_alerts() == 0
    morning.advance(2 * HOUR)  # 01:00, the next day: not at night
    assert send_moderation_alerts() == 0
    morning.advance(7 * HOUR)  # 08:00: still waiting, told again
    assert send_moderation_alerts() == 1
    assert [a.data["count"] for a in _alerts(moderator)] == [1, 2]
    assert len(_emails(moderator)) == 2


def test_the_daily_hour_is_a_setting(app, morning, make_user, make_proposal, monkeypatch):
    moderator = _moderator(make_user, F.DAILY)
    _waiting(make_proposal())
    monkeypatch.setitem(app.config, "MODERATION_ALERT_DAILY_HOUR", 10)
    assert send_moderation_alerts() == 0  # 09:00
    morning.advance(HOUR)
    assert send_moderation_alerts() == 1
    assert len(_alerts(moderator)) == 1


def test_never_and_who_is_not_alerted(morning, make_user, make_proposal):
    never = _moderator(make_user, F.NEVER)
    blocked = _moderator(make_user, F.IMMEDIATE, active=False)
    participant = _moderator(make_user, F.IMMEDIATE, role="participant")
    member = _moderator(make_user, F.IMMEDIATE, role="association_member")
    admin = _moderator(make_user, F.DAILY, role="admin")  # admins moderate too
    _waiting(make_proposal())
    assert send_moderation_alerts() == 1
    for user in (never, blocked, participant, member):
        assert _alerts(user) == [] and _emails(user) == []
    assert len(_alerts(admin)) == 1


def test_alert_email_leaves_at_once_whatever_the_usual_rhythm(morning, make_user, make_proposal):
    """The alert has its own setting: a daily reader of notifications still gets it now,
    and their digest does not repeat it."""
    moderator = _moderator(make_user, F.IMMEDIATE, email_frequency=F.DAILY)
    _waiting(make_proposal())
    assert send_moderation_alerts() == 1
    assert len(_emails(moderator)) == 1
    morning.advance(24 * HOUR)
    assert queue_digests(utcnow()) == 0
    assert len(_emails(moderator)) == 1


def test_no_email_for_who_wants_none(morning, make_user, make_proposal):
    """The unsubscribe link (email_frequency never) stops these e-mails too; the alert stays
    on the site."""
    moderator = _moderator(make_user, F.IMMEDIATE, email_frequency=F.NEVER)
    _waiting(make_proposal())
    assert send_moderation_alerts() == 1
    assert _emails(moderator) == []
    [alert] = _alerts(moderator)
    assert alert.emailed_at is None


# Workshops and age


def test_an_assigned_moderator_hears_of_their_workshops_only(
    morning, make_user, make_proposal, housing, food
):
    moderator = _moderator(make_user, F.IMMEDIATE, themes=[housing])
    everywhere = _moderator(make_user, F.IMMEDIATE)
    _waiting(make_proposal(theme=food), hours_ago=5)
    assert send_moderation_alerts() == 1
    assert _alerts(moderator) == []
    assert len(_alerts(everywhere)) == 1

    _waiting(make_proposal(theme=housing), hours_ago=2)
    assert send_moderation_alerts() == 1
    [alert] = _alerts(moderator)
    assert alert.data == {
        "count": 1,
        "oldest_hours": 2,
        "workshops": ["Hébergement"],
        "suggestions": 0,
    }
    [email] = _emails(moderator)
    assert "Vos ateliers : Hébergement" in email.body
    assert "/moderation/?ateliers=miens" in email.body
    assert "La plus ancienne attend depuis 2 heures." in email.body


def test_the_oldest_age_counts_a_flag_from_when_it_was_raised(morning, make_user, make_proposal):
    moderator = _moderator(make_user, F.DAILY)
    proposal = make_proposal()
    old_comment = _waiting(proposal, hours_ago=24 * 30, state=ContributionState.PUBLISHED)
    _flag(old_comment, make_user("participant"), hours_ago=5)  # waits since the flag
    _waiting(proposal, hours_ago=24 * 3 + 4)  # held for three days and four hours
    _waiting(proposal, hours_ago=1)
    assert send_moderation_alerts() == 1
    [alert] = _alerts(moderator)
    assert alert.data["count"] == 3
    assert alert.data["oldest_hours"] == 76
    [email] = _emails(moderator)
    assert "3 contributions attendent la modération." in email.body
    assert "La plus ancienne attend depuis 3 jours." in email.body


def test_the_alert_on_the_notifications_page(client, morning, make_user, make_proposal, housing):
    moderator = _moderator(make_user, F.IMMEDIATE, themes=[housing])
    _waiting(make_proposal(theme=housing), hours_ago=50)
    send_moderation_alerts()
    login(client, moderator)
    html = client.get("/notifications/").get_data(as_text=True)
    assert "1 contribution attend la modération." in html
    assert "La plus ancienne attend depuis 2 jours." in html
    assert 'href="/moderation/?ateliers=miens"' in html


def test_two_runs_at_once_alert_each_moderator_once(app, morning, make_user, make_proposal):
    moderators = [_moderator(make_user, F.IMMEDIATE) for _ in range(4)]
    _waiting(make_proposal())
    barrier = threading.Barrier(2, timeout=30)
    results, errors = [], []

    def run():
        with app.app_context():
            try:
                barrier.wait()
                results.append(send_moderation_alerts())
            except Exception as error:  # reported by the main thread
                errors.append(error)
                barrier.abort()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sum(results) == 4
    for moderator in moderators:
        assert len(_alerts(moderator)) == 1
        assert len(_emails(moderator)) == 1


def test_alert_command(app, morning, make_user, make_proposal, outbox):
    _moderator(make_user, F.IMMEDIATE)
    _waiting(make_proposal())
    runner = app.test_cli_runner()
    assert "1 modérateur·rice(s) prévenu·e(s)" in runner.invoke(args=["moderation", "alert"]).output
    assert "0 modérateur·rice(s)" in runner.invoke(args=["moderation", "alert"]).output
    runner.invoke(args=["notifications", "send"])
    assert [m["Subject"] for m in outbox] == [SUBJECT]


# The queue: my workshops or all


def _queue_ids(html):
    return [int(part.split('"', 1)[0]) for part in html.split('id="a-traiter-')[1:]]


def test_queue_shows_my_workshops_first(client, clock, make_user, make_proposal, housing, food):
    moderator = _moderator(make_user, themes=[housing])
    mine = _waiting(make_proposal(theme=housing), hours_ago=3)
    other = _waiting(make_proposal(theme=food), hours_ago=24 * 4)
    login(client, moderator)

    html = client.get("/moderation/").get_data(as_text=True)
    assert _queue_ids(html) == [mine.id]
    assert "1 contribution à traiter · la plus ancienne attend depuis 3 heures" in html
    assert '<option value="miens" selected>Mes ateliers (Hébergement)</option>' in html

    html = client.get("/moderation/?ateliers=tous").get_data(as_text=True)
    assert _queue_ids(html) == [other.id, mine.id]
    assert "2 contributions à traiter · la plus ancienne attend depuis 4 jours" in html
    assert '<option value="tous" selected>' in html

    # A workshop chosen too: within mine, or among all.
    assert _queue_ids(client.get(f"/moderation/?atelier={food.slug}").get_data(as_text=True)) == []
    url = f"/moderation/?ateliers=tous&atelier={food.slug}"
    assert _queue_ids(client.get(url).get_data(as_text=True)) == [other.id]
    # Anything else than "tous" is the default.
    assert _queue_ids(client.get("/moderation/?ateliers=%00x").get_data(as_text=True)) == [mine.id]


def test_queue_of_a_moderator_without_workshops_shows_all(
    client, make_user, make_proposal, housing, food
):
    first = _waiting(make_proposal(theme=food), hours_ago=2)
    second = _waiting(make_proposal(theme=housing), hours_ago=1)
    login(client, _moderator(make_user))
    html = client.get("/moderation/?ateliers=miens").get_data(as_text=True)
    assert _queue_ids(html) == [first.id, second.id]
    assert 'name="ateliers"' not in html
    assert "la plus ancienne attend depuis 2 heures" in html


def test_empty_queue_says_no_age(client, make_user):
    login(client, _moderator(make_user))
    html = client.get("/moderation/").get_data(as_text=True)
    assert "Rien à traiter" in html and "attend depuis" not in html


def _count(client, url) -> int:
    client.get(url)  # warm-up: first-request work is not the page's cost
    db.session.expire_all()
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_queue_query_count_stays_flat(client, make_user, make_proposal, housing, food):
    login(client, _moderator(make_user, themes=[housing, food]))
    _waiting(make_proposal(theme=housing))
    small = _count(client, "/moderation/")
    for theme in (housing, food):
        proposal = make_proposal(theme=theme)
        for _ in range(10):
            _waiting(proposal)
            _flag(_waiting(proposal, state=ContributionState.PUBLISHED), make_user("participant"))
    assert _count(client, "/moderation/") == small
    assert _count(client, "/moderation/?ateliers=tous") == small


# The preference


@pytest.mark.parametrize("value", list(F))
def test_a_moderator_chooses_how_to_hear(client, login_as, value):
    user = login_as("moderator")
    assert "À chaque nouvel élément (au plus une fois par heure)" in client.get(
        "/compte/preferences"
    ).get_data(as_text=True)
    data = {"locale": "", "email_frequency": "immediate", "moderation_alerts": value.value}
    assert client.post("/compte/preferences", data=data).status_code == 302
    db.session.refresh(user)
    assert user.moderation_alerts is value


@pytest.mark.parametrize("value", ["hourly", ""])
def test_a_bad_alert_choice_is_refused_and_nothing_saved(client, login_as, value):
    user = login_as("moderator")
    data = {"locale": "en", "email_frequency": "never", "moderation_alerts": value}
    response = client.post("/compte/preferences", data=data)
    assert response.status_code == 200
    assert "Choisissez une des options proposées." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert (user.moderation_alerts, user.email_frequency, user.locale) == (
        F.DAILY,
        F.IMMEDIATE,
        None,
    )


def test_the_alert_choice_is_for_moderators_only(client, login_as):
    user = login_as("association_member")
    assert "moderation_alerts" not in client.get("/compte/preferences").get_data(as_text=True)
    data = {"locale": "", "email_frequency": "immediate", "moderation_alerts": "immediate"}
    assert client.post("/compte/preferences", data=data).status_code == 302
    db.session.refresh(user)
    assert user.moderation_alerts is F.DAILY


# The admin assigns workshops


def _themes_changed() -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == AuditAction.MODERATOR_THEMES_CHANGED)
        )
    )


def test_admin_assigns_workshops_to_a_moderator(client, login_as, make_user, housing, food):
    admin = login_as("admin")
    moderator = make_user("moderator")
    page = client.get(f"/admin/utilisateurs/{moderator.id}").get_data(as_text=True)
    assert "Ateliers suivis en modération" in page
    data = {"role": "moderator", "active": "y", "theme_ids": [housing.id, food.id]}
    assert client.post(f"/admin/utilisateurs/{moderator.id}", data=data).status_code == 302
    db.session.expire_all()
    moderator = db.session.get(User, moderator.id)
    assert {t.name for t in moderator.moderated_themes} == {"Hébergement", "Alimentation"}
    [event] = _themes_changed()
    assert (event.actor_id, event.target_id) == (admin.id, moderator.id)
    assert event.details == {"added": sorted([housing.id, food.id]), "removed": []}

    client.post(f"/admin/utilisateurs/{moderator.id}", data=data)  # the same: no audit row
    assert len(_themes_changed()) == 1
    data["theme_ids"] = [food.id]
    client.post(f"/admin/utilisateurs/{moderator.id}", data=data)
    db.session.expire_all()
    assert [t.name for t in db.session.get(User, moderator.id).moderated_themes] == ["Alimentation"]
    assert _themes_changed()[-1].details == {"added": [], "removed": [housing.id]}


def test_admin_unknown_workshop_is_refused(client, login_as, make_user, housing):
    login_as("admin")
    moderator = _moderator(make_user, themes=[housing])
    data = {"role": "participant", "active": "y", "theme_ids": ["999999"]}
    response = client.post(f"/admin/utilisateurs/{moderator.id}", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "999999" in html and escape("n'est pas un choix valide pour ce champ.") in html
    db.session.expire_all()
    moderator = db.session.get(User, moderator.id)
    assert [t.name for t in moderator.moderated_themes] == ["Hébergement"]
    assert moderator.role.value == "moderator"
    assert _themes_changed() == []


def test_the_alert_tells_the_suggestions_waiting(client, morning, make_user, make_proposal):
    from app.models import DisplayMode
    from app.services import suggestions as suggestions_service

    moderator = _moderator(make_user, F.IMMEDIATE)
    person = make_user("participant")
    for title in ("Des douches le dimanche", "Un casier par personne"):
        suggestions_service.suggest(
            person, title=title, body="Pourquoi.", lang="fr", theme=None,
            display_mode=DisplayMode.PSEUDONYM,
        )  # fmt: skip
    _waiting(make_proposal())
    assert send_moderation_alerts() == 1
    [email] = _emails(moderator)
    assert "2 suggestions en attente : http" in email.body and "/suggestions" in email.body
    login(client, moderator)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "2 suggestions en attente" in page
