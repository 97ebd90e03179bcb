"""Moderation as moderators and authors see it: the queue, decisions and their reasons, what
the author is told, flags, two moderators at once, the audit log, blocked accounts."""

import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Contribution,
    ContributionKind,
    ContributionState,
    DisplayMode,
    Flag,
    FlagReason,
    ModerationAction,
    ModerationDecision,
    ModerationReason,
    Notification,
    NotificationKind,
    OutboxEmail,
    utcnow,
)
from app.services.notifications import deliver_outbox
from tests.conftest import login

S = ContributionState


@pytest.fixture
def proposal(make_proposal):
    return make_proposal(title="Ouvrir des bains-douches gratuits")


def _count(model=ModerationDecision, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _make(proposal, author=None, state=S.PENDING, kind=ContributionKind.COMMENT, age=0, **fields):
    """A contribution written `age` hours ago."""
    contribution = Contribution(
        proposal=proposal,
        kind=kind,
        author=author,
        body=fields.pop("body", "Un texte à relire"),
        state=state,
        created_at=utcnow() - timedelta(hours=age),
        **fields,
    )
    db.session.add(contribution)
    db.session.commit()
    return contribution


def _flag(contribution, user, resolved=False):
    db.session.add(
        Flag(
            contribution=contribution,
            user=user,
            reason=FlagReason.SPAM,
            resolved_at=utcnow() if resolved else None,
        )
    )
    db.session.commit()


def _decide(client, contribution, action, reason="compliant", details="", version=None, **kw):
    data = {"action": action, "reason": reason, "details": details}
    data["version"] = contribution.version if version is None else version
    return client.post(f"/moderation/contributions/{contribution.id}/decision", data=data, **kw)


def _reload(contribution):
    db.session.expire_all()
    return db.session.get(Contribution, contribution.id)


def _queue_ids(html):
    """The ids of the queue's items, in page order."""
    return [int(part.split('"', 1)[0]) for part in html.split('id="a-traiter-')[1:]]


# The queue


def test_queue_lists_pending_and_flagged_oldest_first(client, proposal, make_user):
    author, flagger = make_user("participant"), make_user("participant")
    newer_pending = _make(proposal, author, age=1)
    flagged = _make(proposal, author, S.PUBLISHED, age=2)
    older_pending = _make(proposal, author, age=3)
    _make(proposal, author, S.PUBLISHED, age=4)  # nothing to do
    _make(proposal, author, S.REJECTED, age=5)
    resolved = _make(proposal, author, S.PUBLISHED, age=6)
    _make(proposal, author, age=7, withdrawn_at=utcnow())  # taken back by its author
    _flag(flagged, flagger)
    _flag(resolved, flagger, resolved=True)
    login(client, make_user("moderator"))
    html = client.get("/moderation/").get_data(as_text=True)
    assert _queue_ids(html) == [older_pending.id, flagged.id, newer_pending.id]
    assert "3 contributions à traiter" in html
    assert "1 signalement" in html


def test_queue_filters_by_workshop(client, make_proposal, make_theme, make_user):
    housing, food = make_theme("Hébergement"), make_theme("Alimentation")
    in_housing = _make(make_proposal(theme=housing))
    in_food = _make(make_proposal(theme=food))
    login(client, make_user("moderator"))
    html = client.get(f"/moderation/?atelier={housing.slug}").get_data(as_text=True)
    assert _queue_ids(html) == [in_housing.id]
    assert f'<option value="{housing.slug}" lang="fr" dir="ltr" selected>' in html
    html = client.get("/moderation/").get_data(as_text=True)
    assert sorted(_queue_ids(html)) == sorted([in_housing.id, in_food.id])
    assert client.get("/moderation/?atelier=inconnu").status_code == 404


def test_nav_shows_count_to_moderators_only(client, proposal, make_user):
    _make(proposal)
    _make(proposal)
    login(client, make_user("moderator"))
    html = client.get("/").get_data(as_text=True)
    assert '<span class="pill">2<span class="visually-hidden"> à traiter</span>' in html
    client.post("/compte/deconnexion")
    login(client, make_user("participant"))
    html = client.get("/").get_data(as_text=True)
    assert 'href="/moderation/"' not in html
    assert 'class="pill"' not in html
    assert client.get("/moderation/").status_code == 403


# Decisions


@pytest.mark.parametrize(
    ("before", "action", "reason", "details", "after"),
    [
        (S.PENDING, "approve", "compliant", "", S.PUBLISHED),
        (S.PENDING, "reject", "personal_data", "Votre adresse était visible.", S.REJECTED),
        (S.PUBLISHED, "hide", "insult", "", S.HIDDEN),
        (S.HIDDEN, "restore", "other", "Signalements abusifs.", S.PUBLISHED),
        (S.REJECTED, "restore", "compliant", "", S.PUBLISHED),
    ],
)
def test_decision_changes_state_and_is_logged(
    client, proposal, make_user, before, action, reason, details, after
):
    contribution = _make(proposal, make_user("participant"), before)
    moderator = make_user("moderator")
    login(client, moderator)
    response = _decide(client, contribution, action, reason, details, follow_redirects=True)
    assert "Décision enregistrée. L’auteur en est informé." in response.get_data(as_text=True)
    contribution = _reload(contribution)
    assert contribution.state is after
    assert contribution.version == 2
    decision = db.session.scalar(sa.select(ModerationDecision))
    assert decision.contribution_id == contribution.id
    assert decision.moderator_id == moderator.id
    assert decision.action is ModerationAction(action)
    assert decision.reason is ModerationReason(reason)
    assert (decision.from_state, decision.to_state, decision.details) == (before, after, details)


@pytest.mark.parametrize(
    ("state", "action", "reason"),
    [
        (S.PENDING, "hide", "insult"),
        (S.PENDING, "restore", "compliant"),
        (S.PUBLISHED, "reject", "spam"),
        (S.PUBLISHED, "restore", "compliant"),
        (S.HIDDEN, "hide", "off_topic"),
        (S.REJECTED, "reject", "spam"),
    ],
)
def test_invalid_transition_is_refused(client, proposal, make_user, state, action, reason):
    contribution = _make(proposal, make_user("participant"), state)
    login(client, make_user("moderator"))
    response = _decide(client, contribution, action, reason, follow_redirects=True)
    assert "Cette contribution a déjà été traitée." in response.get_data(as_text=True)
    contribution = _reload(contribution)
    assert (contribution.state, contribution.version) == (state, 1)
    assert _count() == _count(Notification) == _count(OutboxEmail) == 0


@pytest.mark.parametrize("details", ["", "   "])
def test_other_reason_needs_details(client, proposal, make_user, details):
    contribution = _make(proposal, make_user("participant"))
    login(client, make_user("moderator"))
    response = _decide(client, contribution, "reject", "other", details)
    assert response.status_code == 400
    assert "Précisez la raison." in response.get_data(as_text=True)
    assert _reload(contribution).state is S.PENDING
    assert _count() == _count(Notification) == 0


@pytest.mark.parametrize(
    "data",
    [
        {"action": "auto_hide"},
        {"action": "delete"},
        {"action": ""},
        {"reason": "flags"},
        {"reason": "nope"},
        {"reason": ""},
        {"action": "reject", "reason": "compliant"},
        {"version": "abc"},
        {"version": ""},
    ],
)
def test_bad_values_are_400(client, proposal, make_user, data):
    contribution = _make(proposal, make_user("participant"))
    login(client, make_user("moderator"))
    form = {"action": "approve", "reason": "compliant", "version": "1", **data}
    response = client.post(f"/moderation/contributions/{contribution.id}/decision", data=form)
    assert response.status_code == 400
    contribution = _reload(contribution)
    assert (contribution.state, contribution.version) == (S.PENDING, 1)
    assert _count() == 0


def test_a_refusal_without_its_reason_is_fixed_in_place_then_back_to_the_queue(
    client, proposal, make_user
):
    """ "Refuser" with the default reason: the error stands by the reason, the details typed
    are kept, nothing is decided; once the reason is chosen, back to the queue page."""
    contribution = _make(proposal, make_user("participant"))
    login(client, make_user("moderator"))
    queue = "/moderation/?page=1"
    form = {"action": "reject", "reason": "compliant", "version": "1", "next_url": queue}
    response = client.post(
        f"/moderation/contributions/{contribution.id}/decision",
        data={**form, "details": "Merci de retirer <le nom>."},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    reason = html[html.index(f'for="reason-{contribution.id}"') : html.index("</select>")]
    assert "Choisissez la raison du refus ou du masquage." in reason
    assert 'aria-invalid="true"' in reason
    assert "Merci de retirer &lt;le nom&gt;.</textarea>" in html
    assert f'name="next_url" value="{queue}"' in html
    assert (_reload(contribution).state, _count()) == (S.PENDING, 0)

    response = client.post(
        f"/moderation/contributions/{contribution.id}/decision", data={**form, "reason": "spam"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == queue
    assert _reload(contribution).state is S.REJECTED


# What the author is told


def test_author_is_notified_and_emailed(client, outbox, proposal, make_user):
    author = make_user("participant", email="nadia@example.org")
    contribution = _make(proposal, author)
    login(client, make_user("moderator"))
    _decide(client, contribution, "reject", "personal_data", "Retirez votre adresse.")
    notification = db.session.scalar(sa.select(Notification))
    assert notification.user_id == author.id
    assert notification.kind is NotificationKind.MODERATION_DECISION
    assert notification.contribution_id == contribution.id
    assert notification.data == {
        "action": "reject",
        "reason": "personal_data",
        "details": "Retirez votre adresse.",
        "charter_article": None,
    }
    assert outbox == []  # nothing leaves before delivery
    assert deliver_outbox() == 1
    [email] = outbox
    assert email["To"] == "nadia@example.org"
    assert email["Subject"] == "Votre commentaire n’a pas été publié"
    body = email.get_content()
    assert "Données personnelles exposées" in body
    assert "Retirez votre adresse." in body
    assert "Ouvrir des bains-douches gratuits" in body

    client.post("/compte/deconnexion")
    login(client, author)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Décision de la modération sur votre contribution" in page
    assert "Refuser" in page
    assert "Données personnelles exposées" in page
    assert "Retirez votre adresse." in page


@pytest.mark.parametrize(
    ("contact", "recipients", "told"),
    [
        ("amina@example.org", ["amina@example.org"], "La personne en sera informée par e-mail."),
        ("  amina@example.org ", ["amina@example.org"], "en sera informée par e-mail"),
        ("06 12 34 56 78", [], "elle ne sera prévenue que si votre association l’appelle."),
        ("", [], "La personne n’a pas laissé de contact : elle ne sera pas prévenue."),
    ],
)
def test_guest_is_emailed_only_at_an_address(
    client, outbox, proposal, make_user, contact, recipients, told
):
    """And the moderator is told how the person will hear of it (or that they will not)."""
    guest = _make(
        proposal, kind=ContributionKind.TESTIMONY, guest_name="Amina", guest_contact=contact
    )
    login(client, make_user("moderator"))
    page = _decide(client, guest, "approve", "compliant", follow_redirects=True)
    html = page.get_data(as_text=True)
    assert told in html
    assert "L’auteur en est informé" not in html
    assert _reload(guest).state is S.PUBLISHED
    deliver_outbox()
    assert [email["To"] for email in outbox] == recipients
    assert all("Conforme à la charte" in email.get_content() for email in outbox)
    assert _count(Notification) == 0


def test_anonymous_author_alone_is_told(client, outbox, make_proposal, make_user):
    member = make_user("association_member", email="porteur@example.org")
    proposal = make_proposal(author=member)
    author = make_user("participant", email="secret@example.org", pseudonym="SecretPseudo")
    contribution = _make(proposal, author, display_mode=DisplayMode.ANONYMOUS)
    login(client, make_user("moderator", email="moderateur@example.org"))
    _decide(client, contribution, "approve", "compliant")
    assert db.session.scalars(sa.select(Notification.user_id)).all() == [author.id]
    deliver_outbox()
    assert [email["To"] for email in outbox] == ["secret@example.org"]


def test_held_reply_is_notified_once_approved(client, proposal, make_user):
    commenter = make_user("participant")
    comment = _make(proposal, commenter, S.PUBLISHED)
    reply = _make(proposal, make_user("participant"), kind=ContributionKind.REPLY, parent=comment)
    login(client, make_user("moderator"))
    _decide(client, reply, "approve")
    kinds = db.session.scalars(
        sa.select(Notification.kind).where(Notification.user_id == commenter.id)
    ).all()
    assert kinds == [NotificationKind.REPLY]


def test_decision_resolves_open_flags(client, proposal, make_user):
    comment = _make(proposal, make_user("participant"), S.PUBLISHED)
    for _ in range(2):
        _flag(comment, make_user("participant"))
    login(client, make_user("moderator"))
    assert _queue_ids(client.get("/moderation/").get_data(as_text=True)) == [comment.id]
    _decide(client, comment, "approve", "compliant")
    assert _count(Flag, Flag.resolved_at.is_(None)) == 0
    assert _reload(comment).state is S.PUBLISHED
    html = client.get("/moderation/").get_data(as_text=True)
    assert _queue_ids(html) == []
    assert "Rien à traiter" in html
    assert 'class="pill"' not in html


def test_restore_after_auto_hide_resolves_flags(client, proposal, make_user):
    comment = _make(proposal, make_user("participant"), S.PUBLISHED, body="Propos contesté")
    for _ in range(3):
        client.post("/compte/deconnexion")
        login(client, make_user("participant"))
        client.post(f"/contributions/{comment.id}/signaler", data={"reason": "insult"})
    comment = _reload(comment)
    assert comment.state is S.HIDDEN
    client.post("/compte/deconnexion")
    login(client, make_user("moderator"))
    assert _queue_ids(client.get("/moderation/").get_data(as_text=True)) == [comment.id]
    _decide(client, comment, "restore", "other", "Signalements abusifs.")
    assert _reload(comment).state is S.PUBLISHED
    assert _count(Flag, Flag.resolved_at.is_(None)) == 0
    assert _queue_ids(client.get("/moderation/").get_data(as_text=True)) == []


# Two moderators at once


def test_same_version_twice_makes_one_decision(app, client, proposal, make_user):
    contribution = _make(proposal, make_user("participant"))
    version = contribution.version
    other = app.test_client()
    login(client, make_user("moderator"))
    login(other, make_user("moderator"))
    first = _decide(client, contribution, "approve", version=version, follow_redirects=True)
    second = _decide(other, contribution, "approve", version=version, follow_redirects=True)
    assert "Décision enregistrée" in first.get_data(as_text=True)
    assert "vient de traiter cette contribution" in second.get_data(as_text=True)
    assert _count() == 1
    assert _count(Notification) == 1
    contribution = _reload(contribution)
    assert (contribution.state, contribution.version) == (S.PUBLISHED, 2)


def test_concurrent_decisions_one_wins(app, proposal, make_user):
    contribution = _make(proposal, make_user("participant"))
    url = f"/moderation/contributions/{contribution.id}/decision"
    moderators = {"approve": make_user("moderator"), "reject": make_user("moderator")}
    emails = {action: SimpleNamespace(email=m.email) for action, m in moderators.items()}
    ids = {m.id: action for action, m in moderators.items()}
    reasons = {"approve": "compliant", "reject": "spam"}
    barrier = threading.Barrier(2, timeout=30)
    results, errors = {}, []

    def moderate(action):
        with app.app_context():
            try:
                client = app.test_client()
                login(client, emails[action])
                barrier.wait()
                data = {"action": action, "reason": reasons[action], "version": "1"}
                results[action] = client.post(url, data=data, follow_redirects=True)
            except Exception as error:  # reported by the main thread
                errors.append(error)
                barrier.abort()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=moderate, args=(a,)) for a in moderators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert {a: r.status_code for a, r in results.items()} == {"approve": 200, "reject": 200}

    db.session.expire_all()
    [decision] = db.session.scalars(sa.select(ModerationDecision)).all()
    winner = ids[decision.moderator_id]
    loser = "reject" if winner == "approve" else "approve"
    assert decision.action is ModerationAction(winner)
    expected = S.PUBLISHED if winner == "approve" else S.REJECTED
    contribution = db.session.get(Contribution, contribution.id)
    assert (contribution.state, contribution.version) == (expected, 2)
    assert "Décision enregistrée" in results[winner].get_data(as_text=True)
    lost = results[loser].get_data(as_text=True)
    assert "vient de traiter" in lost or "déjà été traitée" in lost
    assert _count(Notification) == 1


# The audit log


def test_journal_lists_who_what_why(client, proposal, make_user):
    contribution = _make(proposal, make_user("participant"))
    login(client, make_user("moderator", pseudonym="Modératrice Jeanne"))
    _decide(client, contribution, "reject", "other", "Hors charte, voir article 4.")
    html = client.get("/moderation/journal").get_data(as_text=True)
    assert "Modératrice Jeanne" in html
    assert "Refuser" in html
    assert f"/moderation/contributions/{contribution.id}" in html
    assert "En attente de modération → Refusée par la modération" in html
    assert 'Autre raison (précisée) : <bdi dir="auto">Hors charte, voir article 4.</bdi>' in html


def test_journal_is_paginated_newest_first(client, proposal, make_user):
    moderator = make_user("moderator")
    contribution = _make(proposal, make_user("participant"))
    now = utcnow()
    for n in range(51):
        db.session.add(
            ModerationDecision(
                contribution=contribution,
                moderator=moderator,
                action=ModerationAction.APPROVE,
                reason=ModerationReason.OTHER,
                details=f"décision {n:02d}.",
                from_state=S.PENDING,
                to_state=S.PUBLISHED,
                created_at=now - timedelta(minutes=60 - n),
            )
        )
    db.session.commit()
    login(client, moderator)
    first = client.get("/moderation/journal").get_data(as_text=True)
    assert first.count("<tr>") == 51  # the header row and 50 decisions
    assert first.index("décision 50.") < first.index("décision 49.")
    assert "décision 00." not in first
    assert "page=2" in first
    second = client.get("/moderation/journal?page=2").get_data(as_text=True)
    assert "décision 00." in second
    assert "décision 01." not in second


def test_no_route_deletes_a_decision(app, client, proposal, make_user):
    for rule in app.url_map.iter_rules():
        assert "DELETE" not in rule.methods, rule
        assert not (rule.rule.startswith("/moderation") and "supprimer" in rule.rule), rule
    contribution = _make(proposal, make_user("participant"))
    login(client, make_user("moderator"))
    _decide(client, contribution, "approve")
    for method in (client.delete, client.post, client.put):
        assert method("/moderation/journal").status_code == 405
    assert client.delete(f"/moderation/contributions/{contribution.id}").status_code == 405
    assert _count() == 1


def test_moderator_never_moderates_own_contribution(client, proposal, make_user):
    moderator = make_user("moderator")
    own = _make(proposal, moderator)
    login(client, moderator)
    html = client.get(f"/moderation/contributions/{own.id}").get_data(as_text=True)
    assert f"/moderation/contributions/{own.id}/decision" not in html
    assert "Vous ne pouvez pas modérer votre propre contribution." in html
    queue = client.get("/moderation/").get_data(as_text=True)
    assert _queue_ids(queue) == [own.id]
    assert f"/moderation/contributions/{own.id}/decision" not in queue
    assert _decide(client, own, "approve").status_code == 403
    assert _reload(own).state is S.PENDING
    assert _count() == 0


# Blocked accounts


def test_blocked_account_cannot_log_in_or_post(app, client, proposal, make_user):
    proposal.theme.participants_premoderated = False
    db.session.commit()
    user = make_user("participant", pseudonym="Compte Bloqué")
    _make(proposal, user, S.PUBLISHED, body="Un avis publié avant le blocage")
    login(client, user)
    admin = app.test_client()
    login(admin, make_user("admin"))
    response = admin.post(f"/admin/utilisateurs/{user.id}", data={"role": "participant"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(user), user.id).active is False

    response = client.post(
        f"/propositions/{proposal.id}/commentaires",
        data={"body": "Encore un commentaire", "display_mode": "pseudonym"},
    )
    assert response.status_code == 302
    assert "/compte/connexion" in response.headers["Location"]
    assert _count(Contribution) == 1

    client.post("/compte/deconnexion")
    response = client.post(
        "/compte/connexion", data={"email": user.email, "password": "correct horse battery"}
    )
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.get_data(as_text=True)

    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert "Un avis publié avant le blocage" in page
    assert "Compte Bloqué" in page
