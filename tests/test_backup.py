"""`flask backup create` and `flask backup restore`: every row of every table comes back,
and a database that holds data is never overwritten without --yes."""

import os
from datetime import date

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import (
    AmendmentState,
    AnswerLink,
    AudioRecording,
    AuditAction,
    AuditEvent,
    CharterArticle,
    CharterVersion,
    Commitment,
    ConcernMark,
    ConcernTally,
    Contribution,
    ContributionKind,
    ContributionState,
    Cosignature,
    Event,
    Flag,
    FlagReason,
    Follow,
    InboxVisit,
    InstitutionReminder,
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
    Organisation,
    OrganisationKind,
    OutboxEmail,
    PaperSheetPhoto,
    PasswordResetToken,
    PendingRegistration,
    Place,
    Position,
    ProgressUpdate,
    Proposal,
    ReadTally,
    ResponseAttachment,
    ResponseVersion,
    Role,
    StatedPosition,
    Suggestion,
    TranslatedKind,
    Translation,
    Translator,
    User,
    UserSession,
    utcnow,
)
from app.services.demo import load_demo
from tests.scratch_db import scratch_database


def _first(model):
    return db.session.scalars(sa.select(model).order_by(model.id)).first()


def _fill_every_table() -> None:
    """The demo data, then one row in each table the demo leaves empty."""
    load_demo()
    user, proposal = _first(User), _first(Proposal)
    institution = db.session.scalars(
        sa.select(Organisation).where(Organisation.kind == OrganisationKind.INSTITUTION)
    ).first()
    response = _first(OfficialResponse) or OfficialResponse(
        proposal=proposal, institution=institution, position=Position.FAVOURABLE, body="Oui."
    )
    db.session.add(response)
    db.session.flush()
    if _first(Event) is None:
        proposal.event = Event(
            slug="sauvegarde", name="Journée « sauvegardée »", held_on=date(2026, 1, 9)
        )
    meeting = db.session.scalars(
        sa.select(Meeting).where(~sa.exists().where(Minutes.meeting_id == Meeting.id))
    ).first()
    other_org = db.session.scalars(
        sa.select(Organisation).where(Organisation.id != proposal.organisation_id)
    ).first()
    contribution = Contribution(
        proposal=proposal,
        kind=ContributionKind.TESTIMONY,
        author=user,
        body="Témoignage « sauvegardé » — accents, guillemets, émoji 🙂.",
        state=ContributionState.PUBLISHED,
        idempotency_key="k" * 32,
    )
    minutes = Minutes(meeting=meeting, state=MinutesState.OPEN, amendments_until=date(2026, 1, 9))
    db.session.add_all(
        [
            contribution,
            minutes,
            OutboxEmail(to_address="a@example.org", subject="Objet", body="Corps"),
            PasswordResetToken(user=user, token_hash="0" * 64, expires_at=utcnow()),
            PendingRegistration(
                email="nouvelle@example.org",
                pseudonym="Nouvelle",
                password_hash="$argon2id$v=19$m=19456,t=2,p=1$c2VsJA$aGFzaA",
                charter_version="2015-1",
                token_hash="2" * 64,
            ),
            Cosignature(proposal=proposal, organisation=other_org),
            Follow(user=user, proposal=proposal),
            MeetingRegistration(meeting=meeting, user=user),
            MinutesVersion(minutes=minutes, number=1, body="Compte rendu."),
            MinutesAmendment(
                minutes=minutes,
                version_number=1,
                passage="rendu",
                proposed_text="rendu fidèle",
                reason="Plus juste.",
                state=AmendmentState.PENDING,
            ),
            Commitment(response=response, action="Ouvrir le dimanche", due_on=date(2026, 6, 1)),
            ResponseVersion(
                response_id=response.id,
                position=Position.UNDER_STUDY,
                body="Avant.",
                written_at=utcnow(),
            ),
            Flag(contribution=contribution, user=user, reason=FlagReason.OTHER),
            ModerationDecision(
                contribution=contribution,
                action=ModerationAction.APPROVE,
                reason=ModerationReason.COMPLIANT,
                from_state=ContributionState.PENDING,
                to_state=ContributionState.PUBLISHED,
            ),
            Notification(user=user, kind=NotificationKind.REPLY, data={}),
            ProgressUpdate(proposal=proposal, body="Une avancée."),
            StatedPosition(proposal=proposal, institution=institution, words="« Déjà en place. »"),
            UserSession(user=user, token_hash="1" * 64, browser="Firefox", platform="Android"),
            AuditEvent(actor=user, action=AuditAction.THEME_CREATED, target_type="theme"),
            AnswerLink(
                proposal=proposal,
                institution=institution,
                token_hash="3" * 64,
                sent_to="mairie@example.org",
                expires_at=utcnow(),
            ),
            InstitutionReminder(
                key="reminder:1:1:before-14", institution_id=institution.id, step="before-14"
            ),
            InboxVisit(user_id=user.id, organisation_id=institution.id),
            Invitation(
                email="invitee@example.org",
                organisation_id=institution.id,
                role=Role.INSTITUTION_REP,
                token_hash="4" * 64,
                expires_at=utcnow(),
            ),
            MembershipRequest(user=user, organisation=institution, message="Bonjour."),
            ResponseAttachment(
                response=response,
                file_name="lettre.pdf",
                media_type="application/pdf",
                size=9,
                content=b"%PDF-1.4\n",
            ),
            Translation(
                kind=TranslatedKind.PROPOSAL,
                object_id=proposal.id,
                field="body",  # the demo translates titles and summaries, not the full text
                lang="ar",
                text="اقتراح",
                source_hash="5" * 64,
                translator=user,
            ),
            Translator(user=user, lang="ar", granted_by=user),
            AudioRecording(
                contribution=contribution,
                duration_seconds=2.5,
                original_media_type="audio/wav",
                original_size=4,
                original=b"RIFF",
                media_type="audio/mpeg",
                media_size=3,
                media=b"ID3",
                transcript="Ce que j’ai dit.",
            ),
            PaperSheetPhoto(
                contribution=contribution, media_type="image/png", size=4, content=b"\x89PNG"
            ),
            ConcernMark(proposal=proposal, user=user),
            ConcernTally(
                proposal=proposal,
                organisation=other_org,
                people=12,
                met_on=date(2026, 3, 3),
                place=Place(organisation=other_org, name="Accueil de jour"),
            ),
            Suggestion(author=user, title="Des bancs", body="Des bancs au square."),
            ReadTally(kind=TranslatedKind.PROPOSAL, object_id=proposal.id, reads=3),
            CharterVersion(
                label="2026-test",
                articles=[CharterArticle(number=1, title="Respect", body="Pas d’insulte.")],
            ),
        ]
    )
    user.moderated_themes.append(proposal.theme)
    db.session.commit()


def _snapshot(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table.name: [
                    tuple(row)
                    for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns))
                ]
                for table in db.metadata.sorted_tables
            }
    finally:
        engine.dispose()


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new database with no table at all (SQLite file, or PostgreSQL database)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path}/restored.sqlite"
        return
    with scratch_database(url, "restore") as url:
        yield url


def _cli(app, *args):
    """Run a command against `app` (its own app context: the test's is another app's)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def test_backup_then_restore_into_an_empty_database_keeps_every_row(
    app, tmp_path, empty_database_url
):
    _fill_every_table()
    source_url = app.config["SQLALCHEMY_DATABASE_URI"]
    before = _snapshot(source_url)
    assert all(before.values()), [name for name, rows in before.items() if not rows]

    path = tmp_path / "sauvegarde.bin"
    created = _cli(app, "backup", "create", "--output", str(path))
    assert created.exit_code == 0, created.output
    assert "Sauvegarde écrite" in created.output
    assert path.stat().st_size > 0 and (path.stat().st_mode & 0o077) == 0  # owner only

    target = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database_url})
    restored = _cli(target, "backup", "restore", str(path))
    assert restored.exit_code == 0, restored.output
    assert _snapshot(empty_database_url) == before

    # The target now holds data: a second restore needs --yes.
    refused = _cli(target, "backup", "restore", str(path))
    assert refused.exit_code != 0
    assert "contient déjà des données" in refused.output and "--yes" in refused.output
    again = _cli(target, "backup", "restore", str(path), "--yes")
    assert again.exit_code == 0, again.output
    assert _snapshot(empty_database_url) == before
    with target.app_context():
        db.engine.dispose()


def test_restore_refuses_over_existing_data_and_changes_nothing(app, tmp_path, make_user):
    path = tmp_path / "sauvegarde.bin"
    assert _cli(app, "backup", "create", "--output", str(path)).exit_code == 0
    make_user("participant", email="apres@example.org")
    result = _cli(app, "backup", "restore", str(path))
    assert result.exit_code != 0 and "contient déjà des données" in result.output
    assert db.session.scalar(sa.select(User.email)) == "apres@example.org"


def test_default_backup_path_and_no_overwrite(app, tmp_path):
    app.instance_path, instance = str(tmp_path), app.instance_path
    try:
        result = _cli(app, "backup", "create")
    finally:
        app.instance_path = instance
    assert result.exit_code == 0, result.output
    (written,) = (tmp_path / "backups").iterdir()
    assert written.name.startswith("voix-solidaires-")
    again = _cli(app, "backup", "create", "--output", str(written))
    assert again.exit_code != 0 and "existe déjà" in again.output


def test_restore_refuses_a_file_that_is_not_a_backup(app, tmp_path):
    path = tmp_path / "pas-une-sauvegarde.txt"
    path.write_text("bonjour")
    result = _cli(app, "backup", "restore", str(path), "--yes")
    assert result.exit_code != 0 and "n’est pas une sauvegarde" in result.output
    missing = _cli(app, "backup", "restore", str(tmp_path / "absent.dump"))
    assert missing.exit_code != 0 and "introuvable" in missing.output
