"""Personal data: what the site holds about a person (their export), deleting an account,
and purging guests' contact details and IP addresses after their retention period.

The export and the summary walk the schema: every table with a column pointing to
``user.id`` is included, so a new table that references people is exported without a
change here (tests/test_privacy.py checks it).
"""

import base64
import enum
import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app import policy
from app.accounts.password_hashing import verify_password
from app.extensions import db
from app.models import (
    AudioRecording,
    Contribution,
    ContributionState,
    EmailFrequency,
    Follow,
    InboxVisit,
    Invitation,
    MeetingRegistration,
    MembershipRequest,
    Notification,
    OutboxEmail,
    PasswordResetToken,
    Role,
    Translator,
    User,
    UserSession,
    utcnow,
)
from app.queries import audio as audio_queries
from app.services import (
    PermissionDenied,
    ServiceError,
    audio_files,
    concerns,
    receipts,
    retry_when_busy,
)
from app.services.accounts import delete_expired_registrations, delete_expired_reset_tokens
from app.services.audio import delete_recordings, forget_originals
from app.services.notifications import delete_old_emails
from app.services.sessions import delete_ended
from app.services.sheet_photos import forget_sheet_photos, purge_old_sheet_photos
from app.services.suggestions import forget_author

# Never exported: secrets, and internals that say nothing about the person.
# A document's bytes are not data about the person: its name, type and size are exported.
_HIDDEN_COLUMN = re.compile(r"(_hash$|token|secret|^pseudonym_key$|^claimed_by$|^content$)")
# Columns that hold an IP address, wherever they are; purged after IP_RETENTION_DAYS.
IP_COLUMN = re.compile(r"(^|_)(ip|ip_address|remote_addr|remote_address)$")
# Rows about the person that go when the account goes (the account row itself stays).
# Login sessions go too: every device is logged out.
# The invitations it took, and any sent to its address, go too (see delete_account).
_DELETED_WITH_ACCOUNT = (
    Follow,
    InboxVisit,
    Notification,
    PasswordResetToken,
    MeetingRegistration,
    UserSession,
    Translator,  # the languages one translates into: a role, gone with the account
    MembershipRequest,  # what a person wrote to join an organisation, seen by its members only
)
EXPORT_FORMAT = "voix-solidaires/mes-donnees/1"


def _user_table() -> sa.Table:
    return User.__table__


# Columns pointing to an account that do not make the row about that person: a moderator
# who put someone's testimony forward is not given that testimony (its guest's contact, the
# account behind an anonymous one) in their own export.
# Nor is an admin given the addresses of the people they invited, nor a member who decided
# requests to join their organisation those requests (the people's messages).
_NOT_ABOUT_THE_PERSON = {
    ("audio_recording", "transcript_by_id"),
    ("paper_sheet_photo", "uploaded_by_id"),  # the recorder's: the sheet is someone else's
    ("suggestion", "decided_by_id"),
    ("contribution", "featured_by_id"),
    ("invitation", "invited_by_id"),
    ("membership_request", "decided_by_id"),
    ("translator", "granted_by_id"),
}


def user_columns(table: sa.Table) -> list[sa.Column]:
    """The columns of this table that point to a person's account."""
    return [
        column
        for column in table.columns
        if any(fk.column.table is _user_table() for fk in column.foreign_keys)
        and (table.name, column.name) not in _NOT_ABOUT_THE_PERSON
    ]


def tables_about_people() -> list[sa.Table]:
    """Every table (but the accounts themselves) with a column pointing to an account."""
    return [
        table
        for table in db.metadata.sorted_tables
        if table is not _user_table() and user_columns(table)
    ]


def _value(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(table: sa.Table, row) -> dict:
    mapping = row._mapping
    return {column.name: _value(mapping[column]) for column in table.columns if _exported(column)}


def _exported(column: sa.Column) -> bool:
    """Not a secret, nor a file's bytes (a recorded response's letter: its name, type and
    size say what it is; the file itself is on the response), nor a copy kept for the
    tallies."""
    return (
        not _HIDDEN_COLUMN.search(column.name)
        and not isinstance(column.type, sa.LargeBinary)
        and not column.info.get("tally_copy")
    )


def _about(table: sa.Table, user: User):
    condition = sa.or_(*(column == user.id for column in user_columns(table)))
    order = list(table.primary_key.columns) or list(table.columns)[:1]
    return sa.select(table).where(condition).order_by(*order)


# Rows of one table read from the database at a time, while the export is written.
EXPORT_BATCH_ROWS = 500


def export_json(user: User) -> Iterator[str]:
    """Everything the site holds about this person, as a JSON document written a piece at
    a time: the account, then each table's rows, read in batches, then each of their
    recordings, read and encoded a piece at a time (a moderator of many years has hundreds
    of thousands of rows, a person may have many recordings: never all in memory at once)."""
    head = json.dumps(_export_head(user), ensure_ascii=False, indent=2, default=str)
    yield head.removesuffix("\n}") + ',\n  "tables": {'
    for n, table in enumerate(tables_about_people()):
        yield (",\n    " if n else "\n    ") + json.dumps(table.name) + ": ["
        for m, row in enumerate(_rows_about(table, user)):
            line = json.dumps(_row(table, row), ensure_ascii=False, default=str)
            yield (",\n      " if m else "\n      ") + line
        yield "\n    ]"
    yield '\n  },\n  "recordings": ['
    for n, recording in enumerate(_recordings_of(user)):
        yield ",\n    " if n else "\n    "
        yield from _recording_json(recording)
    yield "\n  ]\n}\n"


def _export_head(user: User) -> dict:
    account = db.session.execute(sa.select(_user_table()).where(User.id == user.id)).one()
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _value(utcnow()),
        "account": _row(_user_table(), account),
        "organisations": [{"id": org.id, "name": org.name} for org in user.organisations],
    }


def _rows_about(table: sa.Table, user: User) -> Iterator:
    """The table's rows about the person, fetched EXPORT_BATCH_ROWS at a time."""
    statement = _about(table, user).execution_options(yield_per=EXPORT_BATCH_ROWS)
    yield from db.session.execute(statement)


def _recordings_of(user: User) -> list[AudioRecording]:
    """The person's spoken testimonies, without their bytes. Not those an association
    recorded: that voice is someone else's."""
    return list(
        db.session.scalars(
            sa.select(AudioRecording)
            .join(Contribution, AudioRecording.contribution_id == Contribution.id)
            .where(Contribution.author_id == user.id, Contribution.recorded_for_id.is_(None))
            .order_by(AudioRecording.id)
        )
    )


# Where a recording's bytes go in its JSON object, replaced as they are encoded.
_CONTENT = "\x00content\x00"


def _recording_json(recording: AudioRecording) -> Iterator[str]:
    """One recording as a JSON object: the converted file, or the original while it is
    held, in base64 (null when its bytes cannot be read)."""
    playable = audio_queries.moderators_audio(recording)
    converted = playable is not None and playable.column == "media"
    fields = {
        "contribution_id": recording.contribution_id,
        "state": recording.state.value,
        "media_type": recording.media_type if converted else recording.original_media_type,
        "duration_seconds": recording.duration_seconds,
        "transcript": recording.transcript,
        "content_base64": _CONTENT if playable else None,
    }
    text = json.dumps(fields, ensure_ascii=False)
    if playable is None:
        yield text
        return
    before, _content, after = text.rpartition(json.dumps(_CONTENT))  # the last key
    yield before + '"'
    yield from _base64(audio_queries.audio_pieces(playable))
    yield '"' + after


def _base64(pieces: Iterator[bytes]) -> Iterator[str]:
    """Base64 of the bytes, a piece at a time (each cut at a multiple of three bytes)."""
    rest = b""
    for piece in pieces:
        data = rest + piece
        whole = len(data) - len(data) % 3
        rest = data[whole:]
        yield base64.b64encode(data[:whole]).decode()
    yield base64.b64encode(rest).decode()


def data_summary(user: User) -> dict[str, int]:
    """How many rows of each table are about this person, in one query."""
    tables = tables_about_people()
    counts = [
        sa.select(sa.func.count()).select_from(_about(table, user).order_by(None).subquery())
        for table in tables
    ]
    row = db.session.execute(sa.select(*(c.scalar_subquery() for c in counts))).one()
    return {table.name: count for table, count in zip(tables, row, strict=True)}


@retry_when_busy
def delete_account(user: User, password: str, withdraw_contributions: bool) -> None:
    """The person deletes their account: the row is emptied of everything personal and
    kept, so their public contributions stay (shown as "Compte supprimé") unless withdrawn."""
    if not policy.can_delete_account(user):
        raise PermissionDenied
    if not verify_password(user.password_hash, password or ""):
        raise ServiceError(_("Ce mot de passe n’est pas le bon."))
    if user.role is Role.ADMIN and _is_last_admin(user):
        raise ServiceError(
            _("Vous êtes le seul compte administrateur : nommez-en un autre avant de partir.")
        )
    now = utcnow()
    if withdraw_contributions:
        # Their own words only: testimonies they recorded or typed in for someone else
        # (assisted, paper) are that person's, and stay.
        mine = sa.and_(Contribution.author_id == user.id, Contribution.recorded_for_id.is_(None))
        db.session.execute(
            sa.update(Contribution)
            .where(mine, Contribution.withdrawn_at.is_(None))
            .values(withdrawn_at=now, featured_at=None, featured_by_id=None)
        )
        # As for one withdrawal: the sheets' photos and the recordings go.
        withdrawn = sa.and_(mine, Contribution.withdrawn_at.is_not(None))
        forget_sheet_photos(withdrawn)
        delete_recordings(withdrawn)
    _delete_voice(user)
    for model in _DELETED_WITH_ACCOUNT:
        db.session.execute(sa.delete(model).where(model.user_id == user.id))
    forget_author(user)  # their suggestions, but the credit of those taken up
    # What concerns a person (housing, health) goes with them; the counts follow.
    concerns.forget_marks(user)
    db.session.execute(  # the invitations it took, and any other sent to its address
        sa.delete(Invitation).where(
            sa.or_(Invitation.user_id == user.id, Invitation.email == user.email)
        )
    )
    db.session.execute(  # e-mails not sent yet, or sent to this address: nothing left behind
        sa.delete(OutboxEmail).where(
            sa.or_(OutboxEmail.user_id == user.id, OutboxEmail.to_address == user.email)
        )
    )
    _anonymise(user, now)
    db.session.commit()
    current_app.logger.info("account %s deleted", user.id)


def _delete_voice(user: User) -> None:
    """A voice says who one is: the recordings of the person's testimonies go. A testimony
    that stays public and had no text keeps its words: the transcript becomes its text.
    (Those an association recorded for someone else stay: that voice is not theirs.)"""
    mine = sa.and_(Contribution.author_id == user.id, Contribution.recorded_for_id.is_(None))
    transcript = (
        sa.select(AudioRecording.transcript)
        .where(AudioRecording.contribution_id == Contribution.id)
        .scalar_subquery()
    )
    spoken_only = sa.exists().where(AudioRecording.contribution_id == Contribution.id)
    db.session.execute(
        sa.update(Contribution)
        .where(mine, Contribution.body == "", spoken_only)
        .values(body=sa.func.coalesce(transcript, ""))
        .execution_options(synchronize_session=False)
    )
    delete_recordings(mine)


def _is_last_admin(user: User) -> bool:
    others = sa.select(sa.func.count(User.id)).where(
        User.role == Role.ADMIN, User.active.is_(True), User.id != user.id
    )
    return db.session.scalar(others) == 0


def _anonymise(user: User, now: datetime) -> None:
    user.organisations.clear()
    # The e-mail is freed (the person may register again); the pseudonym too.
    user.email = f"compte-{user.id}@supprime.invalid"
    user.pseudonym = f"compte-supprime-{user.id}"
    # "!" is no Argon2 hash: no password matches it.
    user.password_hash = "!"  # nosec B105
    user.role = Role.PARTICIPANT
    user.active = False
    user.locale = None
    user.email_frequency = EmailFrequency.NEVER
    user.last_login_at = None
    user.last_digest_at = None
    user.deleted_at = now


def ip_columns() -> list[tuple[sa.Table, sa.Column]]:
    """Every column holding an IP address, in a table that records when its row was written."""
    return [
        (table, column)
        for table in db.metadata.sorted_tables
        for column in table.columns
        if IP_COLUMN.search(column.name) and "created_at" in table.columns
    ]


def purge_personal_data(now: datetime | None = None, ip_tables=None) -> dict[str, int]:
    """Forget guests' contact details and receipts, and IP addresses, older than their
    retention period, registrations whose link has expired (REGISTRATION_MAX_AGE), and the
    records that only served a while: e-mails sent, login sessions ended, reset links expired
    and invitations accepted, revoked or expired more than RECORD_RETENTION_DAYS ago."""
    now = now or utcnow()
    counts = {
        "guest_contacts": _forget_guest_contacts(now),
        "ip_addresses": _purge_ip_addresses(now, ip_columns() if ip_tables is None else ip_tables),
    }
    records_limit = now - timedelta(days=current_app.config["RECORD_RETENTION_DAYS"])
    counts["emails"] = delete_old_emails(records_limit)
    counts["sessions"] = delete_ended(records_limit)
    counts["reset_links"] = delete_expired_reset_tokens(records_limit)
    counts["registrations"] = delete_expired_registrations(now)
    counts["invitations"] = _delete_ended_invitations(records_limit)
    counts["receipts"] = receipts.forget_lapsed(now)  # the same period as guests' contacts
    counts["paper_photos"] = purge_old_sheet_photos(now)
    counts.update(_purge_recordings(now))
    db.session.commit()
    counts["audio_files"] = audio_files.sweep(now)  # after the commit: its deletions done
    current_app.logger.info(
        "privacy purge: %s", ", ".join(f"{name}={number}" for name, number in counts.items())
    )
    return counts


def _delete_ended_invitations(before: datetime) -> int:
    """Delete the invitations (each holds an address) accepted, revoked or expired before
    this time; a pending one stays, whatever its age."""
    ended = sa.or_(
        Invitation.accepted_at < before,
        Invitation.revoked_at < before,
        sa.and_(
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at < before,
        ),
    )
    return db.session.execute(sa.delete(Invitation).where(ended)).rowcount


def _purge_recordings(now: datetime) -> dict[str, int]:
    """Originals still held after the guests' retention period go (the converted file
    stays while published); recordings of refused or withdrawn testimonies go whole."""
    limit = now - timedelta(days=current_app.config["GUEST_CONTACT_RETENTION_DAYS"])
    held = sa.or_(AudioRecording.original.is_not(None), AudioRecording.original_file != "")
    old = sa.and_(held, AudioRecording.created_at < limit)
    originals = 0
    if db.session.scalar(sa.select(sa.exists().where(old))):  # see _forget_guest_contacts
        originals = forget_originals(old)
    dead = sa.or_(
        Contribution.state == ContributionState.REJECTED, Contribution.withdrawn_at.is_not(None)
    )
    dead_recordings = sa.select(AudioRecording.id).join(Contribution).where(dead)
    deleted = 0
    if db.session.scalar(sa.select(sa.exists(dead_recordings))):
        deleted = delete_recordings(dead)
    return {"audio_originals": originals, "audio_recordings": deleted}


def _forget_guest_contacts(now: datetime) -> int:
    limit = now - timedelta(days=current_app.config["GUEST_CONTACT_RETENTION_DAYS"])
    old = sa.and_(Contribution.guest_contact != "", Contribution.created_at < limit)
    # Looked for first: an UPDATE of contributions, even of no row, renews the content version
    # (app/models/content_version.py), and every cached page with it, each day.
    if not db.session.scalar(sa.select(sa.exists().where(old))):
        return 0
    return db.session.execute(sa.update(Contribution).where(old).values(guest_contact="")).rowcount


def _purge_ip_addresses(now: datetime, columns) -> int:
    limit = now - timedelta(days=current_app.config["IP_RETENTION_DAYS"])
    erased = 0
    for table, column in columns:
        # Emptied to NULL, or to "" when the column cannot be NULL.
        kept, emptied = (column.is_not(None), None) if column.nullable else (column != "", "")
        erased += db.session.execute(
            sa.update(table).where(kept, table.c.created_at < limit).values({column.name: emptied})
        ).rowcount
    return erased
