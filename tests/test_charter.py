"""The participation charter: versions, acceptance at registration and after a change,
and moderation decisions that refer to its articles."""

import io

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    CharterArticle,
    CharterVersion,
    Contribution,
    ContributionKind,
    ContributionState,
    ModerationDecision,
    Notification,
    User,
)
from tests.audio_samples import tone_wav
from tests.conftest import login
from tests.test_accounts import confirm_registration

ARTICLES = "## Le respect\nPas d’insulte.\n\n## La protection de chacun\nPas d’adresse."


@pytest.fixture
def charter_2015(db):
    version = CharterVersion(label="2015-1", introduction="Pour que chacun parle.")
    version.articles = [
        CharterArticle(number=1, title="La parole des personnes concernées", body="Elles parlent."),
        CharterArticle(number=2, title="Le respect", body="Sans insulte."),
    ]
    db.session.add(version)
    db.session.commit()
    return version


def test_charter_page_shows_the_version_in_force(client, charter_2015):
    html = client.get("/charte").get_data(as_text=True)
    assert "Version 2015-1" in html
    assert 'Article 2 — <bdi lang="fr" dir="ltr">Le respect</bdi>' in html
    assert client.get("/charte/versions/2015-1").status_code == 200
    assert client.get("/charte/versions/1999-9").status_code == 404


def test_registration_accepts_the_version_in_force(client, outbox, charter_2015):
    client.post(
        "/compte/inscription",
        data={
            "email": "a@example.org",
            "pseudonym": "Awa",
            "password": "une phrase longue",
            "password_confirm": "une phrase longue",
            "accept_charter": "y",
        },
    )
    confirm_registration(client, outbox, to="a@example.org")
    assert db.session.scalar(sa.select(User.charter_version)) == "2015-1"


def test_admin_publishes_a_new_version(client, charter_2015, login_as):
    login_as("admin")
    form = client.get("/admin/charte").get_data(as_text=True)
    assert "## Le respect" in form  # starts from the version in force
    response = client.post("/admin/charte", data={"introduction": "Nouvelle", "articles": ARTICLES})
    assert response.status_code == 302
    current = db.session.scalars(
        sa.select(CharterVersion).order_by(CharterVersion.id.desc())
    ).first()
    assert [(a.number, a.title) for a in current.articles] == [
        (1, "Le respect"),
        (2, "La protection de chacun"),
    ]
    assert "La protection de chacun" in client.get("/charte").get_data(as_text=True)
    assert "Version 2015-1" in client.get("/charte/versions/2015-1").get_data(as_text=True)


@pytest.mark.parametrize(
    ("articles", "message"),
    [
        ("", "Écrivez au moins un article."),
        ("Du texte sans titre", "Commencez par le titre du premier article"),
        ("## Un titre seul", "Chaque article a besoin d’un texte"),
    ],
)
def test_bad_charter_saves_nothing(client, charter_2015, login_as, articles, message):
    login_as("admin")
    response = client.post("/admin/charte", data={"introduction": "Gardée", "articles": articles})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert "Gardée" in html
    assert db.session.scalar(sa.select(sa.func.count(CharterVersion.id))) == 1


@pytest.mark.parametrize(
    "role", ["participant", "association_member", "moderator", "institution_rep"]
)
def test_only_admins_publish(client, charter_2015, login_as, role):
    login_as(role)
    assert client.get("/admin/charte").status_code == 403
    assert client.post("/admin/charte", data={"articles": ARTICLES}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(CharterVersion.id))) == 1


def test_new_version_must_be_accepted_before_posting(
    client, charter_2015, make_user, make_proposal
):
    proposal = make_proposal()
    user = make_user("participant")
    user.charter_version = "2015-1"
    db.session.add(
        CharterVersion(
            label="2026-1",
            articles=[CharterArticle(number=1, title="Le respect", body="Toujours.")],
        )
    )
    db.session.commit()
    login(client, user)
    url = f"/propositions/{proposal.id}/temoigner"
    response = client.get(url)
    assert response.status_code == 302
    assert "/charte/accepter" in response.headers["Location"]
    data = {"body": "Un témoignage.", "display_mode": "pseudonym"}
    kept = client.post(url, data=data)  # the acceptance page, carrying the testimony
    assert kept.status_code == 200 and "Un témoignage." in kept.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Contribution.id))) == 0
    refused = client.post("/charte/accepter", data={})
    assert "Cochez la case pour accepter la charte." in refused.get_data(as_text=True)
    accepted = client.post(f"/charte/accepter?next={url}", data={"accept": "y"})
    assert accepted.headers["Location"].endswith(url)
    db.session.expire_all()
    assert db.session.get(User, user.id).charter_version == "2026-1"
    assert client.post(url, data=data).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Contribution.id))) == 1


def test_a_recording_left_behind_by_the_acceptance_is_asked_for_again(
    client, charter_2015, make_user, make_proposal
):
    """A browser cannot send a file again: the testimony sent again after the acceptance
    is not saved without its recording; the page asks for it, the text kept."""
    proposal = make_proposal()
    user = make_user("participant")
    user.charter_version = "2015-1"
    db.session.add(CharterVersion(label="2026-1", articles=[]))
    db.session.commit()
    login(client, user)
    url = f"/propositions/{proposal.id}/temoigner"
    data = {"body": "Mon témoignage dit.", "display_mode": "pseudonym"}
    sent = {**data, "audio": (io.BytesIO(tone_wav(1.0)), "voix.wav")}
    kept = client.post(url, data=sent, content_type="multipart/form-data")
    html = kept.get_data(as_text=True)
    assert 'name="files_left_behind" value="1"' in html
    # The acceptance refused once: the mark is still carried.
    resent = {**data, "files_left_behind": "1", "resend": "1"}
    html = client.post(f"/charte/accepter?next={url}", data=resent).get_data(as_text=True)
    assert html.count('name="files_left_behind"') == 1
    client.post(f"/charte/accepter?next={url}", data={**resent, "accept": "y"})
    response = client.post(url, data={**data, "files_left_behind": "1"})
    assert response.status_code == 200
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert "Votre enregistrement n’a pas pu être gardé pendant l’acceptation" in html
    assert "Mon témoignage dit." in html
    assert db.session.scalar(sa.select(sa.func.count(Contribution.id))) == 0
    # Sent as it is then (the person chose to): saved.
    assert client.post(url, data=data).status_code == 302


def test_reading_needs_no_new_acceptance(client, charter_2015, make_user, make_proposal):
    proposal = make_proposal()
    user = make_user("participant")
    db.session.add(CharterVersion(label="2026-1"))
    db.session.commit()
    login(client, user)
    assert client.get(f"/propositions/{proposal.id}").status_code == 200


def test_moderation_refers_to_an_article(client, charter_2015, make_user, make_proposal):
    author = make_user("participant")
    held = Contribution(
        proposal=make_proposal(),
        kind=ContributionKind.COMMENT,
        body="Insulte",
        author=author,
        state=ContributionState.PENDING,
    )
    db.session.add(held)
    db.session.commit()
    login(client, make_user("moderator"))
    assert "2. Le respect" in client.get("/moderation/").get_data(as_text=True)
    client.post(
        f"/moderation/contributions/{held.id}/decision",
        data={
            "action": "reject",
            "reason": "insult",
            "charter_article": "2",
            "version": held.version,
        },
    )
    decision = db.session.scalar(sa.select(ModerationDecision))
    assert decision.charter_article == 2
    assert "charte, article 2" in client.get("/moderation/journal").get_data(as_text=True)
    note = db.session.scalar(sa.select(Notification))
    assert note.data["charter_article"] == "2. Le respect"


def test_unknown_article_is_refused(client, charter_2015, make_user, make_proposal):
    held = Contribution(
        proposal=make_proposal(),
        kind=ContributionKind.COMMENT,
        body="Texte",
        author=make_user("participant"),
        state=ContributionState.PENDING,
    )
    db.session.add(held)
    db.session.commit()
    login(client, make_user("moderator"))
    response = client.post(
        f"/moderation/contributions/{held.id}/decision",
        data={
            "action": "reject",
            "reason": "insult",
            "charter_article": "9",
            "version": held.version,
        },
    )
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(ModerationDecision.id))) == 0
