"""The voices in the synthesis: testimonies counted by kind of voice and comments, per
workshop and proposal; the testimonies a moderator puts forward ("mettre en avant"),
quoted without ever naming an anonymous author."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app import queries
from app.extensions import db
from app.models import (
    Contribution,
    ContributionKind,
    ContributionState,
    DisplayMode,
    Event,
    ModerationAction,
    ModerationReason,
    User,
    utcnow,
)
from app.queries.board import Period
from app.queries.proposals import EventFilter
from app.queries.synthesis import VoiceCounts
from app.services import moderation
from tests.conftest import login
from tests.helpers import count_queries

S, K = ContributionState, ContributionKind
FEATURE_URL = "/moderation/contributions/{}/mise-en-avant"


def _add(proposal, kind=K.TESTIMONY, state=S.PUBLISHED, **fields):
    contribution = Contribution(
        proposal=proposal,
        kind=kind,
        state=state,
        body=fields.pop("body", "Ce que j’ai vécu au guichet."),
        **fields,
    )
    db.session.add(contribution)
    db.session.commit()
    return contribution


@pytest.fixture
def scene(make_theme, make_proposal, make_user, make_organisation):
    """Two workshops; on the first one's proposal, one contribution of every kind, counted
    or not; one comment in the second workshop."""
    housing, health = make_theme(name="Logement"), make_theme(name="Santé")
    proposal = make_proposal(title="Des places d’hébergement", theme=housing)
    quiet = make_proposal(title="Une proposition sans voix", theme=housing)
    other = make_proposal(title="Des bains-douches", theme=health)
    association = make_organisation(name="Secours solidaire")
    member = make_user("association_member", organisation=association, pseudonym="Benevole-Paul")
    person = make_user("participant", pseudonym="Pseudo-Public")
    hidden_person = make_user("participant", pseudonym="Pseudo-Secret")
    anonymous = DisplayMode.ANONYMOUS
    made = {
        "guest_named": _add(proposal, guest_name="Amina"),
        "guest": _add(proposal, display_mode=anonymous),
        "account": _add(proposal, author=person),
        "anonymous": _add(proposal, author=hidden_person, display_mode=anonymous),
        "assisted": _add(
            proposal,
            author=member,
            recorded_for=association,
            display_mode=anonymous,
            consent_confirmed_at=utcnow(),
        ),
        "comment": _add(proposal, kind=K.COMMENT, author=person),
    }
    # Not counted: a reply, held, hidden, refused, withdrawn ones.
    _add(proposal, kind=K.REPLY, author=person, parent=made["comment"])
    _add(proposal, state=S.PENDING, guest_name="Attente")
    _add(proposal, state=S.HIDDEN, author=person)
    _add(proposal, state=S.REJECTED, author=person)
    _add(proposal, kind=K.COMMENT, state=S.PENDING, author=person)
    _add(proposal, author=person, withdrawn_at=utcnow())
    _add(proposal, kind=K.COMMENT, author=person, withdrawn_at=utcnow())
    _add(other, kind=K.COMMENT, author=person)
    made.update(
        housing=housing,
        health=health,
        proposal=proposal,
        quiet=quiet,
        other=other,
        association=association,
        member=member,
        hidden_person=hidden_person,
        person=person,
    )
    return made


def _feature(*contributions):
    for n, contribution in enumerate(contributions):
        contribution.featured_at = utcnow() - timedelta(minutes=len(contributions) - n)
    db.session.commit()


# The counts


def test_voices_are_counted_by_kind_per_workshop(scene):
    voices = queries.synthesis.voices()
    rows = {row.name: row.counts for row in voices.workshops}
    assert rows["Logement"] == VoiceCounts(guest=2, anonymous=1, assisted=1, account=1, comments=1)
    assert rows["Logement"].testimonies == 5
    assert rows["Logement"].total == 6
    assert rows["Santé"] == VoiceCounts(comments=1)
    assert voices.totals == VoiceCounts(guest=2, anonymous=1, assisted=1, account=1, comments=2)
    # The whole network: per proposal too, those someone spoke on, most voices first.
    assert [row.name for row in voices.proposals.items] == [
        "Des places d’hébergement",
        "Des bains-douches",
    ]


def test_one_workshop_is_counted_per_proposal_too(scene):
    voices = queries.synthesis.voices(theme_id=scene["housing"].id)
    assert [row.name for row in voices.workshops] == ["Logement"]
    items = voices.proposals.items
    # "Une proposition sans voix": a row of zeros tells nothing, it is not listed.
    assert [row.name for row in items] == ["Des places d’hébergement"]
    assert items[0].counts.total == 6
    assert voices.proposals.total == 1


def test_voices_of_one_event_and_of_a_period(scene):
    event = Event(slug="assises-2026", name="Assises 2026", held_on=date(2026, 4, 30))
    db.session.add(event)
    db.session.flush()
    scene["other"].event_id = event.id
    db.session.commit()
    voices = queries.synthesis.voices(events=EventFilter(event=event))
    assert [row.name for row in voices.workshops] == ["Santé"]
    assert [row.name for row in voices.proposals.items] == ["Des bains-douches"]
    assert voices.totals == VoiceCounts(comments=1)

    scene["guest"].created_at = utcnow() - timedelta(days=400)
    db.session.commit()
    recent = Period(start=date.today() - timedelta(days=30))
    rows = {row.name: row.counts for row in queries.synthesis.voices(recent).workshops}
    assert rows["Logement"].guest == 1


def _counted_and_live():
    """The voices from the proposals' counters (all time), and counted from the
    contributions (a period holding them all)."""
    live = queries.synthesis.voices(Period(start=date(2000, 1, 1)))
    counted = queries.synthesis.voices()
    shape = lambda voices: (  # noqa: E731
        [(row.name, row.counts) for row in voices.workshops],
        [(row.name, row.counts) for row in voices.proposals.items],
        voices.proposals.total,
        voices.totals,
    )
    return shape(counted), shape(live)


def test_the_counters_follow_every_change_of_a_contribution(scene):
    counted, live = _counted_and_live()
    assert counted == live
    assert counted[3] == VoiceCounts(guest=2, anonymous=1, assisted=1, account=1, comments=2)
    # A bulk update past the ORM: the person withdraws all their words.
    db.session.execute(
        sa.update(Contribution)
        .where(Contribution.author_id == scene["person"].id)
        .values(withdrawn_at=utcnow())
    )
    db.session.commit()
    scene["guest"].state = S.HIDDEN  # hidden by a moderator
    scene["anonymous"].display_mode = DisplayMode.PSEUDONYM  # shown under a pseudonym
    db.session.commit()
    counted, live = _counted_and_live()
    assert counted == live
    assert counted[3] == VoiceCounts(guest=1, account=1, assisted=1)
    # An account's row deleted: its testimony loses its author (ON DELETE SET NULL).
    db.session.execute(sa.delete(User).where(User.id == scene["hidden_person"].id))
    db.session.delete(scene["assisted"])
    _add(scene["quiet"], kind=K.COMMENT, author=scene["member"])
    db.session.commit()
    db.session.expire_all()
    counted, live = _counted_and_live()
    assert counted == live
    assert counted[3] == VoiceCounts(guest=2, comments=1)
    assert [name for name, _counts in counted[1]] == [
        "Des places d’hébergement",
        "Une proposition sans voix",
    ]


# The quotes


def test_quotes_never_name_an_anonymous_author(client, scene):
    _feature(scene["anonymous"], scene["assisted"], scene["guest_named"], scene["account"])
    page = client.get("/bilan").get_data(as_text=True)
    assert page.count('<figure class="voice-quote">') == 4
    assert "Pseudo-Secret" not in page  # the account behind the anonymous testimony
    assert "Benevole-Paul" not in page  # the member who recorded the assisted one
    assert "— Anonyme" in page
    assert 'recueilli par <bdi dir="auto">Secours solidaire</bdi>' in page
    assert '— <bdi dir="auto">Amina</bdi>' in page
    assert '— <bdi dir="auto">Pseudo-Public</bdi>' in page


def test_quotes_are_the_featured_published_ones_latest_first(scene):
    hidden = _add(scene["proposal"], state=S.HIDDEN, guest_name="Cachée")
    withdrawn = _add(scene["proposal"], guest_name="Partie", withdrawn_at=utcnow())
    _feature(hidden, withdrawn, scene["guest_named"], scene["account"], scene["comment"])
    quoted = queries.synthesis.featured_testimonies()
    assert [c.id for c in quoted] == [scene["account"].id, scene["guest_named"].id]
    assert queries.synthesis.featured_testimonies(theme_id=scene["health"].id) == []
    assert len(queries.synthesis.featured_testimonies(limit=1)) == 1


def test_quotes_are_escaped_and_carry_their_language(client, scene):
    quote = _add(scene["proposal"], guest_name="<b>Nom</b>", body="<script>x()</script>", lang="ar")
    _feature(quote)
    page = client.get(f"/bilan?atelier={scene['housing'].slug}").get_data(as_text=True)
    assert "<script>x()" not in page
    assert "&lt;script&gt;x()" in page
    assert "&lt;b&gt;Nom&lt;/b&gt;" in page
    assert '<blockquote lang="ar" dir="rtl">' in page


def test_the_table_is_marked_for_phones_and_print(client, scene):
    page = client.get(f"/bilan?atelier={scene['housing'].slug}").get_data(as_text=True)
    assert 'id="voix"' in page
    assert page.count('class="board voices-table"') == 2  # per workshop, per proposal
    assert 'data-label="Témoignages sans compte"' in page
    assert '<th scope="colgroup" colspan="4">' in page
    css = (client.application.static_folder + "/app.css").replace("//", "/")
    with open(css, encoding="utf-8") as sheet:
        rules = sheet.read()
    assert "@media screen and (max-width: 30rem)" in rules
    assert ".voices-table td::before { content: attr(data-label)" in rules


# Putting forward


def _featured(contribution):
    db.session.expire_all()
    row = db.session.get(Contribution, contribution.id)
    return row.featured_at, row.featured_by_id


def test_a_moderator_puts_a_testimony_forward_and_takes_it_back(client, scene, make_user):
    moderator = make_user("moderator")
    login(client, moderator)
    testimony = scene["guest_named"]
    page = client.get(f"/moderation/contributions/{testimony.id}").get_data(as_text=True)
    assert "Mettre en avant" in page
    response = client.post(FEATURE_URL.format(testimony.id), data={"featured": "on"})
    assert response.status_code == 302
    featured_at, featured_by = _featured(testimony)
    assert featured_at is not None and featured_by == moderator.id
    page = client.get(f"/moderation/contributions/{testimony.id}").get_data(as_text=True)
    assert "mis en avant" in page and "Ne plus mettre en avant" in page
    assert '— <bdi dir="auto">Amina</bdi>' in client.get("/bilan").get_data(as_text=True)

    client.post(FEATURE_URL.format(testimony.id), data={"featured": "off"})
    assert _featured(testimony) == (None, None)
    assert "— Amina" not in client.get("/bilan").get_data(as_text=True)


@pytest.mark.parametrize("role", ["participant", "association_member", "institution_rep"])
def test_others_may_not_put_forward(client, scene, make_user, role):
    login(client, make_user(role))
    response = client.post(FEATURE_URL.format(scene["account"].id), data={"featured": "on"})
    assert response.status_code == 403
    assert _featured(scene["account"]) == (None, None)


def test_a_moderator_does_not_put_forward_their_own_testimony(client, scene, make_user):
    moderator = make_user("moderator")
    own = _add(scene["proposal"], author=moderator)
    login(client, moderator)
    assert client.post(FEATURE_URL.format(own.id), data={"featured": "on"}).status_code == 403
    assert _featured(own) == (None, None)


@pytest.mark.parametrize("which", ["pending", "comment", "hidden", "withdrawn"])
def test_only_a_published_testimony_is_put_forward(client, scene, make_user, which):
    login(client, make_user("moderator"))
    target = {
        "pending": lambda: _add(scene["proposal"], state=S.PENDING, guest_name="Attente"),
        "comment": lambda: scene["comment"],
        "hidden": lambda: _add(scene["proposal"], state=S.HIDDEN, guest_name="Cachée"),
        "withdrawn": lambda: _add(scene["proposal"], guest_name="Partie", withdrawn_at=utcnow()),
    }[which]()
    response = client.post(
        FEATURE_URL.format(target.id), data={"featured": "on"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "Seul un témoignage publié, et non retiré, peut être mis en avant." in response.get_data(
        as_text=True
    )
    assert _featured(target) == (None, None)


@pytest.mark.parametrize("value", ["", "oui", "on<script>"])
def test_a_bad_choice_is_refused_with_a_message(client, scene, make_user, value):
    login(client, make_user("moderator"))
    response = client.post(
        FEATURE_URL.format(scene["account"].id), data={"featured": value}, follow_redirects=True
    )
    assert "Choisissez de mettre en avant ou non." in response.get_data(as_text=True)
    assert _featured(scene["account"]) == (None, None)


def test_putting_forward_needs_its_csrf_token(app, client, scene, make_user):
    login(client, make_user("moderator"))
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(FEATURE_URL.format(scene["account"].id), data={"featured": "on"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert _featured(scene["account"]) == (None, None)


def test_hiding_or_withdrawing_a_testimony_ends_its_quote(client, scene, make_user):
    moderator = make_user("moderator")
    account, guest = scene["account"], scene["guest_named"]
    _feature(account, guest)
    moderation.decide(
        moderator,
        guest,
        ModerationAction.HIDE,
        ModerationReason.PERSONAL_DATA,
        "",
        guest.version,
    )
    assert _featured(guest) == (None, None)
    login(client, scene["person"])
    assert client.post(f"/contributions/{account.id}/retirer").status_code == 302
    assert _featured(account) == (None, None)
    assert queries.synthesis.featured_testimonies() == []


# Query counts: flat whatever the number of voices and quotes


def _voices(proposals, n):
    for i in range(n):
        proposal = proposals[i % len(proposals)]
        mode = DisplayMode.ANONYMOUS if i % 2 else DisplayMode.PSEUDONYM
        testimony = _add(proposal, guest_name=f"Invité {i}", display_mode=mode)
        _add(proposal, kind=K.COMMENT, guest_name=f"Invité {i}")
        testimony.featured_at = utcnow()
    db.session.commit()


def _count(client, url):
    client.get(url)
    db.session.expire_all()
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.mark.parametrize("scoped", [False, True])
def test_synthesis_queries_stay_flat_with_voices(client, make_theme, make_proposal, scoped):
    theme = make_theme()
    proposals = [make_proposal(title=f"Proposition {i}", theme=theme) for i in range(3)]
    url = f"/bilan?atelier={theme.slug}" if scoped else "/bilan"
    _voices(proposals, 3)
    small = _count(client, url)
    proposals += [make_proposal(title=f"Proposition {i}", theme=theme) for i in range(3, 40)]
    _voices(proposals, 60)
    assert _count(client, url) == small


def test_a_moderators_export_leaves_out_the_testimonies_they_put_forward(client, scene, make_user):
    moderator = make_user("moderator")
    secret = _add(scene["proposal"], guest_name="Amina", guest_contact="amina@example.org")
    login(client, moderator)
    client.post(FEATURE_URL.format(secret.id), data={"featured": "on"})
    assert _featured(secret)[1] == moderator.id
    export = client.get("/compte/mes-donnees.json").get_data(as_text=True)
    assert "amina@example.org" not in export
    assert "Ce que j’ai vécu" not in export
