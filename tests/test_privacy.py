"""Personal data: the privacy notice, "my data" and its download, deleting an account,
the retention purge, and no personal data in URLs."""

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AnswerLink,
    AuditAction,
    AuditEvent,
    CharterVersion,
    Commitment,
    ConcernMark,
    ConcernTally,
    Contribution,
    ContributionKind,
    ContributionState,
    Cosignature,
    DisplayMode,
    Flag,
    FlagReason,
    Follow,
    InboxVisit,
    Invitation,
    Meeting,
    MeetingRegistration,
    MembershipRequest,
    Minutes,
    MinutesAmendment,
    MinutesState,
    MinutesVersion,
    ModerationAction,
    ModerationDecision,
    ModerationReason,
    Notification,
    NotificationKind,
    OfficialResponse,
    OrganisationKind,
    OutboxEmail,
    PasswordResetToken,
    PendingRegistration,
    Position,
    ProgressUpdate,
    ResponseAttachment,
    ResponseVersion,
    Role,
    StatusChange,
    Suggestion,
    TranslatedKind,
    Translation,
    Translator,
    User,
    UserSession,
    utcnow,
)
from app.services.privacy import IP_COLUMN, ip_columns, purge_personal_data, tables_about_people
from app.web.page_cache import current_version
from tests.conftest import PASSWORD, login
from tests.test_accounts import confirm_registration

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _contribution(author, proposal, body, state=ContributionState.PUBLISHED, **fields):
    contribution = Contribution(
        proposal=proposal,
        kind=fields.pop("kind", ContributionKind.COMMENT),
        author=author,
        body=body,
        state=state,
        **fields,
    )
    db.session.add(contribution)
    db.session.commit()
    return contribution


def _everything_of(user, tag, make_proposal, make_organisation):
    """One row of each kind that points to this person, every text marked with the tag."""
    association = make_organisation(OrganisationKind.ASSOCIATION, name=f"Asso {tag}")
    institution = make_organisation(OrganisationKind.INSTITUTION, name=f"Institution {tag}")
    user.organisations.append(association)
    proposal = make_proposal(title=f"Proposition {tag}", author=user, organisation=association)
    other_proposal = make_proposal(title=f"Autre proposition {tag}")
    mine = _contribution(user, proposal, f"Commentaire {tag}")
    theirs = _contribution(None, other_proposal, f"Invité {tag}", guest_name="Invité")
    meeting = Meeting(
        title=f"Réunion {tag}", starts_at=utcnow(), secretary=user, created_by_id=user.id
    )
    minutes = Minutes(
        meeting=meeting,
        state=MinutesState.VALIDATED,
        amendments_until=date.today(),
        validated_by_id=user.id,
    )
    response = OfficialResponse(
        proposal=proposal,
        institution=institution,
        author=user,
        position=Position.FAVOURABLE,
        body=f"Réponse {tag}",
    )
    db.session.add_all([meeting, minutes, response])
    db.session.flush()
    db.session.add_all(
        [
            Flag(contribution=theirs, user=user, reason=FlagReason.SPAM, details=f"Signal {tag}"),
            Follow(user=user, proposal=other_proposal),
            Invitation(
                email=user.email,
                organisation=association,
                role=Role.ASSOCIATION_MEMBER,
                token_hash=f"{tag}-invitation".ljust(64, "0"),
                expires_at=utcnow(),
                accepted_at=utcnow(),
                user_id=user.id,
            ),
            Notification(user=user, kind=NotificationKind.REPLY, proposal=proposal),
            OutboxEmail(user_id=user.id, to_address=user.email, subject=f"Mail {tag}", body="."),
            PasswordResetToken(
                user=user, token_hash=f"{tag}-hash".ljust(64, "0"), expires_at=utcnow()
            ),
            MeetingRegistration(meeting=meeting, user=user),
            MembershipRequest(
                user=user, organisation=institution, decided_by_id=user.id, message=f"Je {tag}"
            ),
            MinutesVersion(minutes=minutes, number=1, body=f"Compte rendu {tag}", author=user),
            MinutesAmendment(
                minutes=minutes,
                author_id=user.id,
                decided_by_id=user.id,
                version_number=1,
                passage="a",
                proposed_text=f"Amendement {tag}",
                reason=".",
            ),
            StatusChange(proposal=proposal, actor=user, to_status=proposal.status),
            ProgressUpdate(proposal=proposal, author=user, body=f"Nouvelle {tag}"),
            Cosignature(proposal=other_proposal, organisation=association, signed_by_id=user.id),
            ResponseVersion(
                response_id=response.id,
                author_id=user.id,
                position=Position.UNDER_STUDY,
                body=f"Ancienne réponse {tag}",
                written_at=utcnow(),
            ),
            ModerationDecision(
                contribution=theirs,
                moderator_id=user.id,
                action=ModerationAction.APPROVE,
                reason=ModerationReason.COMPLIANT,
                from_state=ContributionState.PENDING,
                to_state=ContributionState.PUBLISHED,
            ),
            CharterVersion(label=f"{tag}-1", published_by_id=user.id),
            Commitment(response=response, action=f"Engagement {tag}", due_on=date(2031, 1, 1)),
            AuditEvent(actor=user, action=AuditAction.THEME_CREATED, target_type="theme"),
            AnswerLink(
                proposal=proposal,
                institution=institution,
                token_hash=f"{tag}-link".ljust(64, "0"),
                sent_to="mairie@example.org",
                expires_at=utcnow(),
                revoked_at=utcnow(),
                revoked_by_id=user.id,
            ),
            InboxVisit(user_id=user.id, organisation_id=institution.id),
            Invitation(
                email=f"{tag.lower()}@example.org",
                organisation=institution,
                role=Role.INSTITUTION_REP,
                token_hash=f"{tag}-sent".ljust(64, "0"),  # not in the admin's export
                expires_at=utcnow(),
                invited_by_id=user.id,
            ),
            MembershipRequest(user=user, organisation=institution, message=f"Demande {tag}"),
            ResponseAttachment(
                response=response,
                file_name=f"lettre-{tag}.pdf",
                media_type="application/pdf",
                size=9,
                content=b"%PDF-1.4\n",
                uploaded_by_id=user.id,
            ),
            Translation(
                kind=TranslatedKind.PROPOSAL,
                object_id=proposal.id,
                field="title",
                lang="en",
                text=f"Translation {tag}",
                source_hash="6" * 64,
                translator_id=user.id,
            ),
            Translator(user_id=user.id, lang="en"),
            ConcernMark(proposal=other_proposal, user=user),
            ConcernTally(
                proposal=other_proposal,
                organisation=association,
                people=3,
                met_on=date(2026, 3, 3),
                recorded_by_id=user.id,
            ),
            Suggestion(author=user, title=f"Suggestion {tag}", body=f"Idée {tag}"),
        ]
    )
    user.moderated_themes.append(proposal.theme)
    db.session.commit()
    return mine


# --- The privacy notice ---------------------------------------------------------------


def test_the_notice_says_who_what_why_how_long_and_the_rights(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PRIVACY_CONTACT", "dpo@reseau.example")
    monkeypatch.setitem(app.config, "GUEST_CONTACT_RETENTION_DAYS", 180)
    monkeypatch.setitem(app.config, "IP_RETENTION_DAYS", 7)
    monkeypatch.setitem(app.config, "RECORD_RETENTION_DAYS", 45)
    monkeypatch.setitem(app.config, "REGISTRATION_MAX_AGE", 48 * 3600)
    response = client.get("/confidentialite")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'href="mailto:dpo@reseau.example"' in html
    assert "180 jours" in html
    assert "7 jours" in html
    assert "vos connexions terminées : effacés 45 jours après." in html
    assert "Une inscription que vous n’avez pas confirmée : 48 heures, puis elle est effacée." in (
        html
    )
    for heading in ("Qui est responsable ?", "Pourquoi ?", "Qui voit quoi ?", "Vos droits"):
        assert heading in html
    assert "https://www.cnil.fr/fr/plaintes" in html
    assert "Voir mes données" not in html  # only for people with an account
    # Voices, paper sheets and receipts: what is kept, how long, who hears or sees it.
    assert "Sans compte ou en anonyme, la voix publiée est déformée." in html
    assert "jusqu’à la décision de modération, 180 jours au plus." in html
    assert "Le reçu d’un témoignage sans compte : 180 jours, puis son code ne marche plus." in html
    assert "voit la photo des feuilles papier. Personne d’autre." in html


@pytest.mark.parametrize("url", ["/", "/aide", "/propositions", "/compte/connexion"])
def test_every_page_links_to_the_notice_in_its_footer(client, url):
    html = client.get(url).get_data(as_text=True)
    footer = html[html.index('<footer class="site-footer">') :]
    assert 'href="/confidentialite"' in footer


def test_help_pages_see_also_the_notice(client):
    html = client.get("/aide/temoigner").get_data(as_text=True)
    see_also = html[html.index('id="voir-aussi"') :]
    assert 'href="/confidentialite"' in see_also


# --- My data -------------------------------------------------------------------------


def test_the_account_page_links_to_my_data(client, login_as):
    login_as("participant")
    html = client.get("/compte/preferences").get_data(as_text=True)
    assert 'href="/compte/mes-donnees"' in html


def test_my_data_counts_what_i_wrote(client, login_as, make_proposal):
    me = login_as("participant")
    proposal = make_proposal()
    for n in range(3):
        _contribution(me, proposal, f"Texte {n}")
    _contribution(None, proposal, "D’un invité", guest_name="Ali")
    html = client.get("/compte/mes-donnees").get_data(as_text=True)
    assert "<td>Vos témoignages, commentaires et réponses</td><td>3</td>" in html
    assert me.email in html
    assert 'href="/compte/mes-donnees.json"' in html
    assert 'href="/compte/supprimer"' in html


def test_the_export_holds_all_of_mine_and_nothing_of_anyone_else(
    client, make_user, make_proposal, make_organisation
):
    me = make_user("admin", email="moi@example.org", pseudonym="Moi-même")
    other = make_user("admin", email="autre@example.org", pseudonym="Quelqu’un")
    _everything_of(me, "MIEN", make_proposal, make_organisation)
    _everything_of(other, "AUTRE", make_proposal, make_organisation)
    # A request to join that I decided is the other person's, not mine.
    asked = MembershipRequest(
        user=other, organisation=me.organisations[0], decided_by_id=me.id, message="AUTRE"
    )
    db.session.add(asked)
    db.session.commit()
    login(client, me)
    response = client.get("/compte/mes-donnees.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "moi@example.org"
    assert "password_hash" not in data["account"]
    assert data["organisations"] == [{"id": me.organisations[0].id, "name": "Asso MIEN"}]
    # Every table that points to people, each with my row; a new one fails here first.
    expected = {table.name for table in tables_about_people()}
    assert set(data["tables"]) == expected
    empty = {name for name, rows in data["tables"].items() if not rows}
    assert empty == set()
    contribution = data["tables"]["contribution"][0]
    assert contribution["body"] == "Commentaire MIEN"
    assert contribution["state"] == "published"
    assert contribution["version"] == 1
    text = response.get_data(as_text=True)
    for secret in ("AUTRE", "autre@example.org", "Quelqu’un", me.password_hash, "MIEN-hash"):
        assert secret not in text


def test_the_export_is_written_while_the_rows_are_read(make_user, make_proposal, monkeypatch):
    """A moderator of many years has hundreds of thousands of rows: the export writes the
    first table's rows before it asks for the next table, and reads each in batches."""
    from app.services.privacy import export_json
    from tests.helpers import count_queries, yield_per_seen

    monkeypatch.setattr("app.services.privacy.EXPORT_BATCH_ROWS", 2)
    me = make_user("participant")
    proposal = make_proposal()
    for n in range(5):
        _contribution(me, proposal, f"Mot {n}")
    batches = yield_per_seen(monkeypatch, "execute")
    tables = [table.name for table in tables_about_people()]
    pieces = export_json(me)
    with count_queries() as statements:
        written = ""
        while '"tables": {' not in written:
            written += next(pieces)
        head = len(statements)
        while '"contribution": [' not in written:
            written += next(pieces)
        first_row = next(pieces)
        # One statement per table up to this one: none yet for the tables after it.
        assert len(statements) == head + tables.index("contribution") + 1
    assert '"Mot 0"' in first_row and '"Mot 1"' not in first_row
    data = json.loads(written + first_row + "".join(pieces))
    bodies = [row["body"] for row in data["tables"]["contribution"]]
    assert bodies == [f"Mot {n}" for n in range(5)]
    assert list(data["tables"]) == tables and data["recordings"] == []
    assert batches[-len(tables) :] == [2] * len(tables)  # every table read two rows at a time


def test_the_export_is_only_for_a_logged_in_person(client):
    response = client.get("/compte/mes-donnees.json")
    assert response.status_code == 302
    assert "/compte/connexion" in response.headers["Location"]


# --- Deleting an account ---------------------------------------------------------------


def _delete(client, password=PASSWORD, withdraw=False, confirm=True):
    data = {"password": password}
    if withdraw:
        data["withdraw_contributions"] = "y"
    if confirm:
        data["confirm"] = "y"
    return client.post("/compte/supprimer", data=data)


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("pas-le-bon", True, "Ce mot de passe n’est pas le bon."),
        ("", True, "Écrivez votre mot de passe."),
        (PASSWORD, False, "Cochez la case pour confirmer."),
    ],
)
def test_a_bad_deletion_form_deletes_nothing(client, login_as, password, confirm, message):
    me = login_as("participant")
    response = _delete(client, password, withdraw=True, confirm=confirm)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert re.search(r'<input [^>]*checked id="withdraw_contributions"', html)  # kept
    db.session.expire_all()
    assert db.session.get(User, me.id).deleted_at is None
    assert client.get("/compte/preferences").status_code == 200  # still logged in


@pytest.fixture
def deleted_world(client, make_user, make_proposal, make_organisation):
    """A participant with public, pending and anonymous contributions, a reply, a follow,
    a notification, a registration and a membership; a moderator; an institution."""
    association = make_organisation(OrganisationKind.ASSOCIATION)
    me = make_user("association_member", organisation=association, email="partir@example.org")
    moderator = make_user("moderator")
    proposal = make_proposal(title="Des douches", author=me, organisation=association)
    public = _contribution(me, proposal, "Mon témoignage public", kind=ContributionKind.TESTIMONY)
    pending = _contribution(me, proposal, "Mon texte en attente", ContributionState.PENDING)
    anonymous = _contribution(me, proposal, "Mon texte anonyme", display_mode=DisplayMode.ANONYMOUS)
    other = make_user("participant", pseudonym="Voisine")
    comment = _contribution(other, proposal, "Un commentaire de la voisine")
    reply = _contribution(
        me, proposal, "Ma réponse à la voisine", parent=comment, kind=ContributionKind.REPLY
    )
    meeting = Meeting(title="Groupe", starts_at=utcnow() + timedelta(days=3))
    db.session.add_all(
        [
            Follow(user=me, proposal=proposal),
            Notification(user=me, kind=NotificationKind.REPLY, proposal=proposal),
            OutboxEmail(user_id=me.id, to_address=me.email, subject="Réponse", body="."),
            MeetingRegistration(meeting=meeting, user=me),
            ConcernMark(proposal=proposal, user=me),  # what concerns me goes with me
            StatusChange(proposal=proposal, actor=me, to_status=proposal.status, reason="Lancé"),
        ]
    )
    db.session.commit()
    return {
        "me": me,
        "pseudonym": me.pseudonym,
        "moderator": moderator,
        "proposal": proposal,
        "public": public,
        "pending": pending,
        "anonymous": anonymous,
        "reply": reply,
    }


def test_deleting_my_account_keeps_my_contributions_as_deleted_account(client, deleted_world):
    w = deleted_world
    me, pseudonym = w["me"], w["pseudonym"]
    login(client, me)
    response = _delete(client)
    assert response.status_code == 302
    assert "Votre compte est supprimé" in client.get("/").get_data(as_text=True)
    # Logged out.
    assert client.get("/compte/preferences").status_code == 302
    db.session.expire_all()
    user = db.session.get(User, me.id)
    assert user.deleted_at is not None and not user.active
    assert "partir" not in user.email.lower() and pseudonym not in user.pseudonym
    assert user.organisations == []
    for model in (Follow, Notification, OutboxEmail, MeetingRegistration, ConcernMark):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
    # The contributions stay, attached to the emptied account.
    assert db.session.get(Contribution, w["public"].id).author_id == me.id
    assert db.session.get(Contribution, w["public"].id).withdrawn_at is None

    html = client.get(f"/propositions/{w['proposal'].id}").get_data(as_text=True)
    assert "Mon témoignage public" in html
    assert "Ma réponse à la voisine" in html
    assert "Compte supprimé" in html
    assert "Mon texte anonyme" in html and "Anonyme" in html
    assert pseudonym not in html

    api = client.get(f"/api/v1/proposals/{w['proposal'].id}").get_json()
    authors = [t["author"] for t in api["testimonies"]]
    assert authors == ["Compte supprimé"]
    assert pseudonym not in json.dumps(api, ensure_ascii=False)
    assert any(change["by"] == "Compte supprimé" for change in api["timeline"])

    login(client, w["moderator"])
    queue = client.get("/moderation/").get_data(as_text=True)
    assert "Mon texte en attente" in queue
    assert "Compte supprimé" in queue
    assert pseudonym not in queue


def test_deleting_my_account_logs_out_my_other_devices(app, client, deleted_world):
    phone = app.test_client()
    login(phone, deleted_world["me"])
    assert phone.get("/compte/preferences").status_code == 200
    login(client, deleted_world["me"])
    assert _delete(client).status_code == 302
    assert phone.get("/compte/preferences").status_code == 302
    count = sa.select(sa.func.count()).select_from(UserSession)
    assert db.session.scalar(count.where(UserSession.user_id == deleted_world["me"].id)) == 0


def test_a_deleted_account_is_told_nothing_more(client, deleted_world):
    w = deleted_world
    login(client, w["me"])
    assert _delete(client).status_code == 302
    login(client, w["moderator"])
    response = client.post(
        f"/moderation/contributions/{w['pending'].id}/decision",
        data={"action": "approve", "reason": "compliant", "version": "1"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contribution, w["pending"].id).state is ContributionState.PUBLISHED
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(OutboxEmail.id))) == 0


def test_the_email_of_a_deleted_account_is_free_again(client, outbox, deleted_world):
    me = deleted_world["me"]
    login(client, me)
    assert _delete(client).status_code == 302
    response = client.post("/compte/connexion", data={"email": me.email, "password": PASSWORD})
    assert response.status_code == 200  # the old account cannot log in any more
    response = client.post(
        "/compte/inscription",
        data={
            "email": "partir@example.org",
            "pseudonym": deleted_world["pseudonym"],
            "password": "un-nouveau-départ",
            "password_confirm": "un-nouveau-départ",
            "accept_charter": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert confirm_registration(client, outbox, to="partir@example.org").status_code == 302
    count = sa.select(sa.func.count(User.id)).where(User.email == "partir@example.org")
    assert db.session.scalar(count) == 1


def test_deleting_with_withdrawal_withdraws_every_contribution(client, deleted_world):
    w = deleted_world
    login(client, w["me"])
    assert _delete(client, withdraw=True).status_code == 302
    db.session.expire_all()
    for key in ("public", "pending", "anonymous", "reply"):
        assert db.session.get(Contribution, w[key].id).withdrawn_at is not None
    html = client.get(f"/propositions/{w['proposal'].id}").get_data(as_text=True)
    assert "Mon témoignage public" not in html
    assert "Ma réponse à la voisine" not in html
    assert "Un commentaire de la voisine" in html


def test_a_deleted_moderator_stays_in_the_moderation_log(client, make_user, make_proposal):
    moderator = make_user("moderator", pseudonym="Modératrice")
    admin = make_user("admin")
    contribution = _contribution(None, make_proposal(), "Un texte", guest_name="Ali")
    db.session.add(
        ModerationDecision(
            contribution=contribution,
            moderator=moderator,
            action=ModerationAction.APPROVE,
            reason=ModerationReason.COMPLIANT,
            from_state=ContributionState.PENDING,
            to_state=ContributionState.PUBLISHED,
        )
    )
    db.session.commit()
    login(client, moderator)
    assert _delete(client).status_code == 302
    login(client, admin)
    html = client.get("/moderation/journal").get_data(as_text=True)
    assert "Compte supprimé" in html
    assert "Modératrice" not in html


def test_the_last_admin_cannot_leave(client, login_as):
    admin = login_as("admin")
    response = _delete(client)
    assert response.status_code == 200
    assert "seul compte administrateur" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).deleted_at is None


# --- Retention -----------------------------------------------------------------------


def _guest(proposal, contact, days_ago):
    return _contribution(
        None,
        proposal,
        "Un témoignage",
        ContributionState.PUBLISHED,
        kind=ContributionKind.TESTIMONY,
        guest_name="Ali",
        guest_contact=contact,
        created_at=utcnow() - timedelta(days=days_ago),
    )


def test_the_purge_forgets_old_guest_contacts_only(app, make_proposal, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "GUEST_CONTACT_RETENTION_DAYS", 100)
    proposal = make_proposal()
    old = _guest(proposal, "ali@example.org", days_ago=101)
    recent = _guest(proposal, "06 12 34 56 78", days_ago=99)
    with caplog.at_level("INFO"):
        result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 contact(s) d’invité effacé(s), 0 adresse(s) IP effacée(s), 0 e-mail(s)" in (
        result.output
    )
    db.session.expire_all()
    assert db.session.get(Contribution, old.id).guest_contact == ""
    assert db.session.get(Contribution, old.id).guest_name == "Ali"  # shown with the text
    assert db.session.get(Contribution, recent.id).guest_contact == "06 12 34 56 78"
    assert "privacy purge: guest_contacts=1, ip_addresses=0, emails=0" in caplog.text
    assert "ali@example.org" not in caplog.text


def _session(user, name, started, seen=0, revoked=None, remember=False):
    """A login session; times in hours ago."""
    now = utcnow()
    row = UserSession(
        user=user,
        token_hash=name.ljust(64, "0"),
        remember=remember,
        created_at=now - timedelta(hours=started),
        last_seen_at=now - timedelta(hours=seen),
        revoked_at=None if revoked is None else now - timedelta(hours=revoked),
    )
    db.session.add(row)
    return row


def _email(days_ago, sent=False, failed=False):
    at = utcnow() - timedelta(days=days_ago)
    row = OutboxEmail(
        to_address="lea@example.org",
        subject="Sujet",
        body="Texte",
        created_at=at,
        sent_at=at if sent else None,
        failed_at=at if failed else None,
    )
    db.session.add(row)
    return row


def test_the_purge_deletes_old_mails_ended_sessions_and_dead_reset_links(
    app, make_user, monkeypatch
):
    """What only served a while goes RECORD_RETENTION_DAYS after it ended; nothing live goes.
    An unconfirmed registration goes as soon as its link has expired."""
    monkeypatch.setitem(app.config, "RECORD_RETENTION_DAYS", 30)
    monkeypatch.setitem(app.config, "REGISTRATION_MAX_AGE", 24 * 3600)
    user = make_user()
    # Sessions: 12 hours at most, 2 idle hours, 14 days when remembered (336 hours). The
    # limit is 30 days ago (720 hours): each one gone matches one rule only.
    sessions = {
        "live": {"started": 0},
        "live remembered": {"started": 120, "seen": 100, "remember": True},
        "remembered 40 days ago, so ended 26 days ago": {
            "started": 960,
            "revoked": 480,
            "remember": True,
        },
        "idle 30 days ago, 1 hour after the limit": {"started": 726, "seen": 721},
    }
    gone_sessions = {
        "revoked 35 days ago": {"started": 960, "revoked": 840, "remember": True},
        "idle 30 days ago, 1 hour before the limit": {"started": 726, "seen": 723},
        "past its 12 hours 30 days ago": {"started": 740, "seen": 721},
        "past its 14 days 31 days ago": {"started": 1080, "remember": True},
    }
    kept = {name: _session(user, name, **times) for name, times in sessions.items()}
    gone = {name: _session(user, name, **times) for name, times in gone_sessions.items()}
    kept |= {"sent lately": _email(days_ago=29, sent=True), "waiting": _email(days_ago=90)}
    gone |= {
        "sent long ago": _email(days_ago=31, sent=True),
        "given up long ago": _email(days_ago=31, failed=True),
    }
    for days_ago, name in ((29, "expired lately"), (31, "expired long ago")):
        expiry = utcnow() - timedelta(days=days_ago)
        row = PasswordResetToken(user=user, token_hash=name.ljust(64, "0"), expires_at=expiry)
        db.session.add(row)
        (kept if days_ago < 30 else gone)[name] = row
    for hours_ago, name in ((23, "registered 23 hours ago"), (25, "registered 25 hours ago")):
        row = PendingRegistration(
            email="nouvelle@example.org",
            pseudonym=name[:40],
            password_hash="$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
            charter_version="2015-1",
            token_hash=name.ljust(64, "0"),
            created_at=utcnow() - timedelta(hours=hours_ago),
        )
        db.session.add(row)
        (kept if hours_ago < 24 else gone)[name] = row
    db.session.commit()
    ids = {name: (type(row), row.id) for name, row in (kept | gone).items()}

    result = app.test_cli_runner().invoke(args=["privacy", "purge"])

    assert result.exit_code == 0, result.output
    assert "2 e-mail(s) envoyé(s) supprimé(s), 4 session(s) terminée(s) supprimée(s)" in (
        result.output
    )
    assert "1 lien(s) de réinitialisation expiré(s) supprimé(s)" in result.output
    assert "1 inscription(s) non confirmée(s) supprimée(s)" in result.output
    db.session.expire_all()
    left = {name for name, (model, id_) in ids.items() if db.session.get(model, id_)}
    assert left == set(kept)


def test_the_purge_deletes_ended_invitations_and_keeps_pending_ones(
    app, make_organisation, monkeypatch
):
    """An invitation holds an address: accepted, revoked or expired more than
    RECORD_RETENTION_DAYS ago, it goes; a pending one stays, however old."""
    monkeypatch.setitem(app.config, "RECORD_RETENTION_DAYS", 30)
    organisation = make_organisation(OrganisationKind.INSTITUTION)
    now = utcnow()

    def invitation(name, expires, **ended) -> Invitation:
        row = Invitation(
            email=f"{name.replace(' ', '-')}@example.org",
            organisation=organisation,
            role=Role.INSTITUTION_REP,
            token_hash=name.ljust(64, "0"),
            created_at=now - timedelta(days=90),
            expires_at=now + timedelta(days=expires),
            **{key: now - timedelta(days=days) for key, days in ended.items()},
        )
        db.session.add(row)
        return row

    kept = {
        "pending": invitation("pending", 1),
        "expired lately": invitation("expired lately", -29),
        "accepted lately": invitation("accepted lately", -40, accepted_at=29),
        "revoked lately": invitation("revoked lately", 5, revoked_at=29),
    }
    gone = {
        "expired long ago": invitation("expired long ago", -31),
        "accepted long ago": invitation("accepted long ago", 5, accepted_at=31),
        "revoked long ago": invitation("revoked long ago", -20, revoked_at=31),
    }
    db.session.commit()
    ids = {name: row.id for name, row in (kept | gone).items()}

    assert purge_personal_data()["invitations"] == 3

    db.session.expire_all()
    left = {name for name, id_ in ids.items() if db.session.get(Invitation, id_)}
    assert left == set(kept)


def test_a_purge_that_forgets_no_contact_keeps_the_cached_pages(app, make_proposal, make_user):
    """Deleting old sessions and e-mails, or finding no contact to erase, changes nothing a
    page shows: the content version (the page cache's key) stays."""
    _guest(make_proposal(), "", days_ago=400)  # no contact left to erase
    _session(make_user(), "revoked long ago", started=2000, revoked=2000)
    _email(days_ago=400, sent=True)
    db.session.commit()
    before = current_version()
    assert before is not None

    counts = purge_personal_data()

    assert (counts["guest_contacts"], counts["sessions"], counts["emails"]) == (0, 1, 1)
    assert current_version() == before


def test_the_purge_forgets_old_ip_addresses(app, monkeypatch):
    """No table stores an IP address yet; the purge empties any such column it is given."""
    monkeypatch.setitem(app.config, "IP_RETENTION_DAYS", 30)
    table = sa.Table(
        "test_ip_log",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ip_address", sa.String(45)),
        sa.Column("created_at", sa.DateTime),
    )
    table.create(db.engine)
    try:
        now = utcnow()
        with db.engine.begin() as connection:
            connection.execute(
                table.insert(),
                [
                    {"id": 1, "ip_address": "192.0.2.1", "created_at": now - timedelta(days=31)},
                    {"id": 2, "ip_address": "192.0.2.2", "created_at": now - timedelta(days=29)},
                ],
            )
        counts = purge_personal_data(ip_tables=[(table, table.c.ip_address)])
        assert counts["ip_addresses"] == 1
        rows = dict(db.session.execute(sa.select(table.c.id, table.c.ip_address)).all())
        assert rows == {1: None, 2: "192.0.2.2"}
    finally:
        db.session.rollback()
        table.drop(db.engine)


def test_every_ip_column_is_purged():
    named_like_ip = {
        (table.name, column.name)
        for table in db.metadata.sorted_tables
        for column in table.columns
        if IP_COLUMN.search(column.name) or "ip" in column.name.split("_")
    }
    purged = {(table.name, column.name) for table, column in ip_columns()}
    assert named_like_ip == purged


# --- No personal data in URLs ----------------------------------------------------------

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def test_no_route_takes_personal_data(app):
    personal = re.compile(r"mail|phone|telephone|contact|^name$|^nom$|(^|_)ip($|_)")
    for rule in app.url_map.iter_rules():
        assert not any(personal.search(arg) for arg in rule.arguments), rule.rule


def test_no_template_puts_personal_data_in_a_url():
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text()
        for call in re.findall(r"url_for\([^)]*\)", source):
            assert not re.search(r"\b(email|guest_contact|contact)\s*=", call), (path, call)
        assert not re.search(r"[?&](email|contact)=", source), path
        for form in re.findall(r"<form[^>]*method=\"get\".*?</form>", source, re.S):
            assert 'type="email"' not in form and 'name="email"' not in form, path
    users = (TEMPLATES / "admin/users.html").read_text()
    assert '<form method="post" class="filters" role="search">' in users


def test_no_link_or_form_carries_an_email_address(client, make_user, make_proposal):
    """Pages where e-mail addresses are shown: none ends up in a link or a form's action."""
    admin = make_user("admin", email="admin.privee@example.org")
    make_user("participant", email="personne.privee@example.org")
    proposal = make_proposal()
    _guest(proposal, "invite.prive@example.org", days_ago=1)
    login(client, admin)
    pages = [
        "/",
        "/compte/preferences",
        "/compte/mes-donnees",
        "/admin/utilisateurs",
        f"/propositions/{proposal.id}",
        "/moderation/",
        "/notifications/",
    ]
    responses = [client.get(url) for url in pages]
    responses.append(client.post("/admin/utilisateurs", data={"q": "personne.privee@"}))
    for response in responses:
        html = response.get_data(as_text=True)
        for url in re.findall(r'(?:href|action|src)="([^"]*)"', html):
            if not url.startswith("mailto:"):
                assert not EMAIL.search(url), url
    assert "personne.privee@example.org" in responses[-1].get_data(as_text=True)


def test_every_kind_of_data_has_a_name_people_understand():
    from app.privacy.views import TABLE_LABELS

    assert {table.name for table in tables_about_people()} <= set(TABLE_LABELS)


def test_the_export_leaves_out_what_the_tallies_copy():
    """A response's or a timeline entry's copies of its proposal's workshop and event are
    the database's bookkeeping, not what the person wrote."""
    from app.models import OfficialResponse, StatusChange
    from app.services.privacy import _exported

    for table in (OfficialResponse.__table__, StatusChange.__table__):
        kept = [column.name for column in table.columns if _exported(column)]
        assert "proposal_theme_id" not in kept and "proposal_example" not in kept
        assert "proposal_id" in kept
    assert "by_institution" not in [
        c.name for c in OfficialResponse.__table__.columns if _exported(c)
    ]
    assert "body" in [c.name for c in OfficialResponse.__table__.columns if _exported(c)]
