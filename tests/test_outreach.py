"""Institutions are reached: told when a proposal is sent to them (their representatives in
their notifications, their verified official address by e-mail, with an answer link when
nobody may answer on the site), reminded 14 and 3 days before the due date and once when
it is late (never twice, even with two workers at once), sent a weekly digest they may
stop, and told of replies under their responses."""

import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from babel.dates import format_date

from app.extensions import db
from app.models import (
    AddressedInstitution,
    AnswerLink,
    Commitment,
    Contribution,
    ContributionKind,
    ContributionState,
    DisplayMode,
    InstitutionReminder,
    ModerationAction,
    ModerationReason,
    Notification,
    NotificationKind,
    OfficialResponse,
    Organisation,
    OrganisationKind,
    OutboxEmail,
    Position,
    ProposalStatus,
    utcnow,
)
from app.queries.board import paris_date
from app.services import outreach
from app.services.contributions import post_response_reply
from app.services.moderation import decide
from app.services.proposals import change_status, update_proposal

SITE = "http://voix.test"


@pytest.fixture
def institution(make_organisation):
    """A verified institution whose official address is verified too."""

    def make(name=None, *, verified_address=True, locale=None, **fields):
        return make_organisation(
            OrganisationKind.INSTITUTION,
            name=name,
            official_email=f"contact-{name or 'x'}@institution.example".replace(" ", "-").lower(),
            official_email_verified_at=utcnow() if verified_address else None,
            official_locale=locale,
            **fields,
        )

    return make


@pytest.fixture
def send(make_user, make_proposal):
    """A proposal addressed to these institutions, moved to "sent" by an admin."""

    def do(*institutions, title="Ouvrir des bains-douches gratuits"):
        admin = make_user("admin")
        proposal = make_proposal(title=title, institutions=institutions)
        change_status(admin, proposal, ProposalStatus.SENT, "Transmise après l’atelier.")
        return proposal

    return do


def _emails(to=None) -> list[OutboxEmail]:
    db.session.expire_all()
    query = sa.select(OutboxEmail).order_by(OutboxEmail.id)
    if to is not None:
        query = query.where(OutboxEmail.to_address == to)
    return list(db.session.scalars(query))


def _notifications(user=None, kind=None) -> list[Notification]:
    query = sa.select(Notification).order_by(Notification.id)
    if user is not None:
        query = query.where(Notification.user_id == user.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query))


def _due(proposal, institution) -> date:
    return db.session.scalar(
        sa.select(AddressedInstitution.response_due_on).where(
            AddressedInstitution.proposal_id == proposal.id,
            AddressedInstitution.institution_id == institution.id,
        )
    )


def _testimonies(proposal, published: int, pending: int = 0) -> None:
    for n in range(published + pending):
        state = ContributionState.PUBLISHED if n < published else ContributionState.PENDING
        db.session.add(
            Contribution(
                proposal=proposal,
                kind=ContributionKind.TESTIMONY,
                body=f"Témoignage {n}",
                state=state,
            )
        )
    db.session.commit()


# Told when a proposal is sent


def test_sending_tells_the_representatives_and_the_verified_address(
    institution, make_user, make_proposal, app
):
    with_rep = institution("Ville de Metz")
    rep = make_user("institution_rep", organisation=with_rep)
    proposal = make_proposal(institutions=[with_rep])
    proposal.easy_read = "Des douches gratuites, ouvertes tous les jours."
    _testimonies(proposal, published=3, pending=2)

    change_status(make_user("admin"), proposal, ProposalStatus.SENT, "Après l’atelier.")

    due = _due(proposal, with_rep)
    assert due == utcnow().date() + timedelta(days=app.config["RESPONSE_DUE_DAYS"])
    (told,) = _notifications(rep, NotificationKind.PROPOSAL_ADDRESSED)
    assert told.proposal_id == proposal.id and told.data["due_on"] == due.isoformat()
    # The representative hears the testimonies count too, as the official address does.
    assert told.data["testimonies"] == 3
    (rep_email,) = _emails(rep.email)
    assert "Témoignages publiés sur cette proposition : 3" in rep_email.body
    (email,) = _emails(with_rep.official_email)
    body = email.body
    assert "Ouvrir des bains-douches gratuits" in body
    assert "Des douches gratuites, ouvertes tous les jours." in body
    assert "Témoignages publiés sur cette proposition : 3" in body
    assert format_date(due, "long", locale="fr") in body
    assert f"{SITE}/propositions/{proposal.id}" in body
    # Its representative answers from the site: no answer link, so a stop link.
    assert "/repondre/" not in body
    assert f"{SITE}/propositions/{proposal.id}/reponses/{with_rep.id}" in body
    assert "Les représentant·es de Ville de Metz répondent depuis leur compte" in body
    assert f"{SITE}/notifications/resume-institution/arret/" in body
    assert email.subject == "Voix solidaires : une proposition vous est adressée"


def test_without_a_representative_the_email_carries_a_single_use_answer_link(institution, send):
    alone = institution("CCAS")
    proposal = send(alone)

    (email,) = _emails(alone.official_email)
    assert f"{SITE}/repondre/" in email.body
    last_day = _due(proposal, alone) + timedelta(days=30)
    assert (
        f"Ce lien fonctionne une seule fois, sans compte, jusqu’au "
        f"{format_date(last_day, 'long', locale='fr')}." in email.body
    )
    assert not _notifications(kind=NotificationKind.PROPOSAL_ADDRESSED)
    assert "/resume-institution/arret/" not in email.body  # how it answers: no stop link


def test_an_institutions_proposal_put_to_an_association_says_who_asks(
    institution, make_organisation, make_proposal, make_user
):
    ville = institution("Ville de Metz")
    restos = make_organisation(
        OrganisationKind.ASSOCIATION,
        name="Restos du cœur",
        official_email="contact@restos.example",
        official_email_verified_at=utcnow(),
    )
    make_user("association_member", organisation=restos)
    proposal = make_proposal(organisation=ville, institutions=[restos])
    change_status(make_user("admin"), proposal, ProposalStatus.SENT, "Proposée aux associations.")

    (email,) = _emails(restos.official_email)
    assert "Ville de Metz vous adresse une proposition sur Voix solidaires" in email.body
    assert "Le réseau Voix solidaires adresse" not in email.body
    assert "Les membres de Restos du cœur répondent depuis leur compte" in email.body
    assert "représentant·es" not in email.body


def test_an_institution_the_admins_have_not_verified_is_told_without_a_link(institution, send):
    unchecked = institution("Mairie", verified=False)
    proposal = send(unchecked)
    (email,) = _emails(unchecked.official_email)
    assert proposal.title in email.body
    assert "/repondre/" not in email.body
    assert db.session.scalars(sa.select(AnswerLink)).all() == []
    # Its reminders carry none either.
    assert outreach.send_reminders(_due(proposal, unchecked) + timedelta(days=2)) == 1
    assert all("/repondre/" not in e.body for e in _emails(unchecked.official_email))
    assert db.session.scalars(sa.select(AnswerLink)).all() == []


def test_an_unverified_address_gets_nothing(institution, send, make_user):
    unverified = institution("Préfecture", verified_address=False)
    send(unverified)
    assert _emails() == []


def test_the_address_is_written_to_in_its_own_language(institution, send):
    english = institution("Eurometropole", locale="en")
    send(english)
    (email,) = _emails(english.official_email)
    assert "Your answer is expected by" in email.body, email.body
    assert "Published testimonies on this proposal: 0" in email.body


def test_told_once_and_a_newcomer_on_a_sent_proposal_is_told_too(institution, send, make_user):
    first, later = institution("Ville"), institution("Département")
    rep = make_user("institution_rep", organisation=first)
    proposal = send(first)
    admin = make_user("admin")
    change_status(admin, proposal, ProposalStatus.IN_DISCUSSION, "Retour en discussion.")
    change_status(admin, proposal, ProposalStatus.SENT, "De nouveau transmise.")
    assert len(_emails(first.official_email)) == 1
    assert len(_notifications(rep, NotificationKind.PROPOSAL_ADDRESSED)) == 1

    update_proposal(
        admin,
        proposal,
        title=proposal.title,
        body=proposal.body,
        theme=proposal.theme,
        institution_ids=[first.id, later.id],
    )
    assert len(_emails(later.official_email)) == 1
    assert len(_emails(first.official_email)) == 1


# Reminders


@pytest.mark.parametrize("late", [1, 2, 11])
def test_a_reminder_in_arabic_says_the_days_late(institution, send, late):
    organisation = institution("Arabic", locale="ar")
    proposal = send(organisation)
    assert outreach.send_reminders(_due(proposal, organisation) + timedelta(days=late)) == 1
    reminder = _emails(organisation.official_email)[-1]
    assert "متأخر" in reminder.body and "Bonjour" not in reminder.body
    assert reminder.subject == "Voix solidaires: ردّكم متأخر"


def _sent_due(institution, send):
    organisation = institution("Ville de Metz")
    proposal = send(organisation)
    return organisation, proposal, _due(proposal, organisation)


def test_reminders_14_and_3_days_before_and_once_overdue_never_twice(institution, send, make_user):
    organisation, proposal, due = _sent_due(institution, send)
    rep = make_user("institution_rep", organisation=organisation)
    _emails_before = len(_emails(organisation.official_email))  # the "told" e-mail

    assert outreach.send_reminders(due - timedelta(days=15)) == 0
    assert outreach.send_reminders(due - timedelta(days=14)) == 1
    assert outreach.send_reminders(due - timedelta(days=14)) == 0  # run twice: the same
    assert outreach.send_reminders(due - timedelta(days=10)) == 0
    assert outreach.send_reminders(due - timedelta(days=3)) == 1
    assert outreach.send_reminders(due) == 0
    assert outreach.send_reminders(due + timedelta(days=1)) == 1
    assert outreach.send_reminders(due + timedelta(days=8)) == 0

    keys = db.session.scalars(sa.select(InstitutionReminder.key).order_by(InstitutionReminder.id))
    prefix = f"reminder:{organisation.id}:{proposal.id}:"
    assert list(keys) == [prefix + "before-14", prefix + "before-3", prefix + "overdue"]
    steps = [n.data["step"] for n in _notifications(rep, NotificationKind.RESPONSE_REMINDER)]
    assert steps == ["before-14", "before-3", "overdue"]
    emails = _emails(organisation.official_email)[_emails_before:]
    assert [e.subject for e in emails] == [
        "Voix solidaires : rappel, votre réponse est attendue",
        "Voix solidaires : rappel, votre réponse est attendue",
        "Voix solidaires : votre réponse est en retard",
    ]
    assert "il reste 14 jours" in emails[0].body
    assert "il reste 3 jours" in emails[1].body
    assert "elle a 1 jour de retard" in emails[2].body
    assert all("/repondre/" not in e.body for e in emails)  # it has a representative


def test_a_reminder_without_a_representative_carries_a_fresh_answer_link(institution, send):
    organisation, _proposal, due = _sent_due(institution, send)
    assert outreach.send_reminders(due + timedelta(days=2)) == 1
    told, late = _emails(organisation.official_email)
    assert "elle a 2 jours de retard" in late.body
    link = next(word for word in late.body.split() if "/repondre/" in word)
    assert link not in told.body  # a new link, not the first one again


def test_a_step_whose_window_was_open_at_sending_is_not_sent(
    institution, send, make_user, app, monkeypatch
):
    monkeypatch.setitem(app.config, "RESPONSE_DUE_DAYS", 10)  # sent with 10 days left
    _organisation, _proposal, due = _sent_due(institution, send)
    assert outreach.send_reminders(due - timedelta(days=10)) == 0
    assert outreach.send_reminders(due - timedelta(days=3)) == 1
    steps = db.session.scalars(sa.select(InstitutionReminder.step))
    assert list(steps) == ["before-3"]


def test_a_missed_step_is_not_sent_late_only_the_current_one(institution, send):
    _organisation, _proposal, due = _sent_due(institution, send)
    assert outreach.send_reminders(due + timedelta(days=4)) == 1  # the job was down
    assert list(db.session.scalars(sa.select(InstitutionReminder.step))) == ["overdue"]


def test_the_days_come_from_the_setting(institution, send, app, monkeypatch):
    monkeypatch.setitem(app.config, "RESPONSE_REMINDER_DAYS", "7")
    _organisation, _proposal, due = _sent_due(institution, send)
    assert outreach.send_reminders(due - timedelta(days=14)) == 0
    assert outreach.send_reminders(due - timedelta(days=7)) == 1


def test_no_reminder_once_answered_or_abandoned_or_with_nobody_to_tell(
    institution, send, make_user
):
    organisation, proposal, due = _sent_due(institution, send)
    db.session.add(
        OfficialResponse(
            proposal=proposal, institution=organisation, position=Position.FAVOURABLE, body="Oui."
        )
    )
    db.session.commit()
    nobody = institution("Sans adresse", verified_address=False)
    send(nobody, title="Une autre proposition")
    dropped = institution("Abandonnée")
    abandoned = send(dropped, title="Une proposition abandonnée")
    change_status(make_user("admin"), abandoned, ProposalStatus.ABANDONED, "Plus d’actualité.")
    for day in (due - timedelta(days=14), due - timedelta(days=3), due + timedelta(days=1)):
        assert outreach.send_reminders(day) == 0
    assert db.session.scalar(sa.select(sa.func.count(InstitutionReminder.id))) == 0


def test_two_workers_at_once_send_each_reminder_once(institution, send, app, monkeypatch):
    """Both read the same due reminders before either writes (keys_taken sees none): the
    unique key alone makes exactly one of them send each."""
    organisations = [institution(f"Institution {n}") for n in range(12)]
    proposals = [send(org, title=f"Proposition numéro {n}") for n, org in enumerate(organisations)]
    day = _due(proposals[0], organisations[0]) - timedelta(days=3)
    told = len(_emails())
    monkeypatch.setattr(outreach.queries.outreach, "keys_taken", lambda keys: set())
    barrier = threading.Barrier(2, timeout=30)
    sent, errors = [], []

    def work():
        with app.app_context():
            try:
                barrier.wait()
                sent.append(outreach.send_reminders(day))
            except Exception as error:  # reported by the main thread
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sum(sent) == len(organisations)
    emails = _emails()[told:]
    assert sorted(e.to_address for e in emails) == sorted(o.official_email for o in organisations)
    assert db.session.scalar(sa.select(sa.func.count(InstitutionReminder.id))) == 12


# The weekly digest


def _answered_with_commitment(organisation, make_proposal, due_on):
    proposal = make_proposal(title="Des locaux vides", institutions=[organisation])
    response = OfficialResponse(
        proposal=proposal, institution=organisation, position=Position.UNDER_STUDY, body="À voir."
    )
    db.session.add(Commitment(response=response, action="Recenser les locaux", due_on=due_on))
    db.session.commit()
    return proposal, response


def test_the_weekly_digest_lists_what_is_pending_once_a_week(
    institution, send, make_proposal, make_user
):
    organisation = institution("Ville de Metz")
    awaited = send(organisation, title="Une proposition attendue")
    today = paris_date(utcnow())
    answered, response = _answered_with_commitment(
        organisation, make_proposal, today - timedelta(days=2)
    )
    member = make_user("association_member")
    text = "Merci, et le calendrier ?"
    reply = post_response_reply(member, response, text, DisplayMode.PSEUDONYM)
    quiet = institution("Sans rien")
    stopped = institution("Arrêtée", digest_stopped_at=utcnow())
    send(stopped, title="Pour une institution qui a arrêté")
    told = len(_emails())

    assert outreach.queue_institution_digests() == 1
    (digest,) = _emails()[told:]
    assert digest.to_address == organisation.official_email
    body = digest.body
    assert "« Une proposition attendue » : attendue au plus tard le" in body
    assert "Recenser les locaux (« Des locaux vides ») : prévu le" in body
    assert "2 jours de retard" in body
    assert f"{SITE}/contributions/{reply.id}" in body
    assert f"{SITE}/notifications/resume-institution/arret/" in body
    assert f"{SITE}/propositions/{awaited.id}" in body and answered.title in body
    assert quiet.official_email not in [e.to_address for e in _emails()]
    # Once a week, whatever the number of runs.
    assert outreach.queue_institution_digests() == 0
    assert outreach.queue_institution_digests(utcnow() + timedelta(days=7)) == 1
    keys = set(db.session.scalars(sa.select(InstitutionReminder.key)))
    year, week, _ = today.isocalendar()
    assert f"digest:{organisation.id}:{year}-W{week:02d}" in keys


def test_the_digests_link_stops_it(client, institution, send):
    organisation = institution("Ville de Metz")
    send(organisation)
    outreach.queue_institution_digests()
    (digest,) = [e for e in _emails(organisation.official_email) if "semaine" in e.subject]
    url = next(w for w in digest.body.split() if "/resume-institution/arret/" in w)
    path = url.removeprefix(SITE)

    page = client.get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Ne plus recevoir les e-mails de suivi à cette adresse" in text
    assert "lien pour répondre sans compte continueront d’arriver" in text
    db.session.expire_all()
    assert db.session.get(Organisation, organisation.id).digest_stopped_at is None  # a GET

    done = client.post(path)
    assert done.status_code == 200 and "Ville de Metz" in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, organisation.id).digest_stopped_at is not None
    assert outreach.queue_institution_digests(utcnow() + timedelta(days=7)) == 0
    # It has no representative: its reminders carry an answer link, and still go.
    due = _due(db.session.scalars(sa.select(AddressedInstitution)).one().proposal, organisation)
    assert outreach.send_reminders(due + timedelta(days=1)) == 1
    assert "/repondre/" in _emails(organisation.official_email)[-1].body


def test_once_stopped_only_the_emails_with_an_answer_link_go(
    institution, send, make_user, make_proposal
):
    """The stop link stops every e-mail to the official address without an answer link
    (told, reminded, digest); the representatives are still notified."""
    organisation = institution("Ville de Metz", digest_stopped_at=utcnow())
    rep = make_user("institution_rep", organisation=organisation)
    proposal = send(organisation)
    due = _due(proposal, organisation)
    assert outreach.send_reminders(due - timedelta(days=3)) == 1  # the representative
    assert outreach.queue_institution_digests() == 0
    assert _emails(organisation.official_email) == []
    assert len(_notifications(rep, NotificationKind.PROPOSAL_ADDRESSED)) == 1
    assert len(_notifications(rep, NotificationKind.RESPONSE_REMINDER)) == 1

    # Without a representative, the e-mails carry an answer link: they still go.
    rep.organisations.clear()
    db.session.commit()
    assert outreach.send_reminders(due + timedelta(days=1)) == 1
    (late,) = _emails(organisation.official_email)
    assert "/repondre/" in late.body and "/resume-institution/arret/" not in late.body
    other = send(organisation, title="Une deuxième proposition")
    assert "/repondre/" in _emails(organisation.official_email)[-1].body
    assert other.title in _emails(organisation.official_email)[-1].body


def test_a_reminder_without_an_answer_link_carries_the_stop_link(institution, send, make_user):
    organisation = institution("Ville de Metz")
    make_user("institution_rep", organisation=organisation)
    proposal = send(organisation)
    assert outreach.send_reminders(_due(proposal, organisation) - timedelta(days=3)) == 1
    reminder = _emails(organisation.official_email)[-1]
    assert "il reste 3 jours" in reminder.body
    assert f"{SITE}/notifications/resume-institution/arret/" in reminder.body
    assert "continueront d’arriver" in reminder.body


@pytest.mark.parametrize("token", ["inconnu", "eyJhIjoxfQ.forged"])
def test_a_bad_digest_link_is_a_clear_400(client, token):
    for method in ("GET", "POST"):
        page = client.open(f"/notifications/resume-institution/arret/{token}", method=method)
        assert page.status_code == 400
        assert "Ce lien ne fonctionne pas" in page.get_data(as_text=True)


# Replies reach the institution


def _response(organisation, make_proposal, rep):
    proposal = make_proposal(title="Des bancs publics", institutions=[organisation])
    response = OfficialResponse(
        proposal=proposal,
        institution=organisation,
        author=rep,
        position=Position.FAVOURABLE,
        body="Nous installerons des bancs.",
    )
    db.session.add(response)
    db.session.commit()
    return response


def test_a_published_reply_under_a_response_tells_the_representatives_once(
    institution, make_proposal, make_user
):
    organisation = institution("Ville de Metz")
    rep, other_rep = (make_user("institution_rep", organisation=organisation) for _ in range(2))
    response = _response(organisation, make_proposal, rep)

    member = make_user("association_member")  # not premoderated: published at once
    reply = post_response_reply(member, response, "Et pour quand ?", DisplayMode.PSEUDONYM)
    mine = post_response_reply(rep, response, "Au printemps.", DisplayMode.PSEUDONYM)

    told = _notifications(kind=NotificationKind.RESPONSE_REPLY)
    assert sorted((n.user_id, n.contribution_id) for n in told) == sorted(
        [(rep.id, reply.id), (other_rep.id, reply.id), (other_rep.id, mine.id)]
    )
    (email,) = _emails(rep.email)  # told of the member's reply, not of their own
    assert "Quelqu’un a répondu à la réponse officielle de Ville de Metz" in email.body
    assert f"{SITE}/contributions/{reply.id}" in email.body


def test_a_held_reply_tells_them_when_approved_and_never_again(
    institution, make_proposal, make_user
):
    organisation = institution("Ville de Metz")
    rep = make_user("institution_rep", organisation=organisation)
    response = _response(organisation, make_proposal, rep)
    participant = make_user("participant")  # premoderated
    reply = post_response_reply(participant, response, "Et pour quand ?", DisplayMode.PSEUDONYM)
    assert reply.state is ContributionState.PENDING
    assert _notifications(rep, NotificationKind.RESPONSE_REPLY) == []

    moderator = make_user("moderator")
    compliant = ModerationReason.COMPLIANT
    decide(moderator, reply, ModerationAction.APPROVE, compliant, "", reply.version)
    decide(moderator, reply, ModerationAction.HIDE, ModerationReason.OFF_TOPIC, "", reply.version)
    decide(moderator, reply, ModerationAction.RESTORE, compliant, "", reply.version)

    (told,) = _notifications(rep, NotificationKind.RESPONSE_REPLY)
    assert told.contribution_id == reply.id
    page_email = _emails(rep.email)[-1]
    assert f"{SITE}/contributions/{reply.id}" in page_email.body


def test_the_notifications_page_shows_the_three_kinds(
    client, institution, send, make_proposal, make_user
):
    from tests.conftest import login

    organisation = institution("Ville de Metz")
    rep = make_user("institution_rep", organisation=organisation)
    proposal = send(organisation)
    outreach.send_reminders(_due(proposal, organisation) + timedelta(days=1))
    response = _response(organisation, make_proposal, make_user("institution_rep"))
    post_response_reply(make_user("association_member"), response, "Merci.", DisplayMode.PSEUDONYM)
    login(client, rep)
    page = client.get("/notifications/").get_data(as_text=True)
    assert 'est adressée à <bdi dir="auto">Ville de Metz</bdi>' in page
    assert "Témoignages publiés sur cette proposition : 0" in page
    assert "était attendue le" in page
    assert 'Quelqu’un a répondu à la réponse officielle de <bdi dir="auto">Ville de Metz' in page
    assert f"/propositions/{proposal.id}/reponses/{organisation.id}" in page


# The commands


def test_the_commands_remind_and_queue_the_digest(app, institution, send, clock):
    organisation = institution("Ville de Metz")
    proposal = send(organisation)
    runner = app.test_cli_runner()
    clock.advance((_due(proposal, organisation) - paris_date(utcnow())).days * 86400 + 86400)
    result = runner.invoke(args=["institutions", "remind"])
    assert result.exit_code == 0 and "1 rappel(s) envoyé(s)" in result.output
    assert "0 rappel(s)" in runner.invoke(args=["institutions", "remind"]).output
    result = runner.invoke(args=["institutions", "digest"])
    assert result.exit_code == 0 and "1 résumé(s) de la semaine" in result.output
    steps = db.session.scalars(sa.select(InstitutionReminder.step).order_by(InstitutionReminder.id))
    assert list(steps) == ["overdue", "digest"]
