"""Backups of the whole database, and their restoration: ``flask backup create|restore``.

SQLite is copied page by page with its online backup API (consistent while the site runs);
PostgreSQL with ``pg_dump -Fc`` and ``pg_restore``, the password passed through the
environment (PGPASSWORD), never on the command line where `ps` would show it.

Recordings kept as files (AUDIO_DIRECTORY) go in a tar beside the copy,
``<backup>.audio.tar``, written after it: a row of the copy names a file the tar holds
(files are never changed, only deleted; one deleted in between is missed, its testimony
then decided or withdrawn). The restore puts them back.
"""

import contextlib
import os
import shutil
import sqlite3
import subprocess  # nosec B404
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from app.audio.files import NAME as RECORDING_NAME

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# Tables whose rows do not make a database "not empty": the schema's own bookkeeping.
BOOKKEEPING_TABLES = {"alembic_version"}


class BackupError(Exception):
    """The backup or the restoration cannot go on; the message says why (in French)."""


def default_path(url: str, directory: Path) -> Path:
    """instance/backups/voix-solidaires-<UTC time>.sqlite (or .dump for PostgreSQL)."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite" if _is_sqlite(url) else "dump"
    return directory / f"voix-solidaires-{stamp}.{suffix}"


def create_backup(url: str, output: Path, recordings: Path | None = None) -> Path:
    """Write a full copy of the database at `url` to `output`, readable by its owner only;
    and the files of ``recordings`` (AUDIO_DIRECTORY, when set) beside it."""
    output.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if output.exists():
        raise BackupError(f"Le fichier {output} existe déjà : choisissez un autre nom.")
    output.touch(mode=0o600)  # private e-mails are in it: never readable by others
    try:
        if _is_sqlite(url):
            source = sqlite3.connect(_sqlite_path(url))
            target = sqlite3.connect(output)
            with target:
                source.backup(target)
            source.close()
            target.close()
        else:
            _run("pg_dump", ["--format=custom", "--no-owner", f"--file={output}"], url)
        if recordings is not None:
            _archive_recordings(recordings, recordings_archive(output))
    except BaseException:
        output.unlink(missing_ok=True)
        recordings_archive(output).unlink(missing_ok=True)
        raise
    return output


def recordings_archive(backup: Path) -> Path:
    """Where the recordings' files of a backup are: ``<backup>.audio.tar``."""
    return backup.with_name(backup.name + ".audio.tar")


def _archive_recordings(directory: Path, archive: Path) -> None:
    """The recordings' files in a tar; one deleted while the archive is written (a
    withdrawal, a decision) is left out, as if deleted just before."""
    if not directory.is_dir():
        raise BackupError(
            f"AUDIO_DIRECTORY ({directory}) n’est pas un dossier : le volume des "
            "enregistrements est-il monté ?"
        )
    archive.touch(mode=0o600, exist_ok=False)
    with tarfile.open(archive, "w") as tar:
        for entry in sorted(os.scandir(directory), key=lambda entry: entry.name):
            if RECORDING_NAME.fullmatch(entry.name):  # not a .part being written
                with contextlib.suppress(FileNotFoundError):
                    tar.add(entry.path, arcname=entry.name, recursive=False)


def _checked_archive(backup: Path, directory: Path | None) -> Path | None:
    """The backup's archive of recordings, checked before anything is restored: regular
    files with recordings' names only (no path, no link). None when the backup has none
    (made while the database kept every recording)."""
    archive = recordings_archive(backup)
    if not archive.is_file():
        return None
    if directory is None:
        raise BackupError(
            f"{archive} contient des enregistrements : réglez AUDIO_DIRECTORY pour les restaurer."
        )
    try:
        with tarfile.open(archive) as tar:
            members = tar.getmembers()
    except tarfile.TarError as error:
        raise BackupError(f"{archive} est illisible : {error}") from error
    if any(not (m.isfile() and RECORDING_NAME.fullmatch(m.name)) for m in members):
        raise BackupError(f"{archive} ne contient pas que des enregistrements.")
    return archive


def _restore_recordings(archive: Path, directory: Path) -> None:
    """Put back the files of a checked archive."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Names checked (``_checked_archive``); the "data" filter too where Python has it.
    safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
    with tarfile.open(archive) as tar:
        tar.extractall(directory, **safe)  # nosec B202


def restore_backup(
    url: str, backup: Path, *, overwrite: bool, recordings: Path | None = None
) -> None:
    """Replace the database at `url` with the backup; refused over data unless `overwrite`.
    The backup's recordings (``<backup>.audio.tar``) go back into ``recordings``
    (AUDIO_DIRECTORY), checked before the database is touched."""
    _check_backup_file(url, backup)
    archive = _checked_archive(backup, recordings)
    if not overwrite and not is_empty(url):
        raise BackupError(
            "La base de données cible contient déjà des données. Relancez avec --yes "
            "pour les remplacer par la sauvegarde."
        )
    if _is_sqlite(url):
        source = sqlite3.connect(backup)
        target = sqlite3.connect(_sqlite_path(url))
        with target:
            source.backup(target)
        source.close()
        target.close()
    else:
        _run(
            "pg_restore",
            ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"],
            url,
            str(backup),
        )
    if archive is not None:
        _restore_recordings(archive, recordings)


def is_empty(url: str) -> bool:
    """True when no table of the database holds a row (the schema may exist)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names()) - BOOKKEEPING_TABLES
            for name in sorted(tables):
                if conn.execute(
                    sa.select(sa.literal(1)).select_from(sa.table(name)).limit(1)
                ).first():
                    return False
        return True
    finally:
        engine.dispose()


def _check_backup_file(url: str, backup: Path) -> None:
    if not backup.is_file():
        raise BackupError(f"Sauvegarde introuvable : {backup}")
    with backup.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    expected = SQLITE_MAGIC if _is_sqlite(url) else PG_DUMP_MAGIC
    if not head.startswith(expected):
        kind = "SQLite" if _is_sqlite(url) else "PostgreSQL (pg_dump -Fc)"
        raise BackupError(f"{backup} n’est pas une sauvegarde {kind} de cette base.")


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_path(url: str) -> str:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("Une base SQLite en mémoire ne se sauvegarde pas.")
    return database


def _run(program: str, options: list[str], url: str, *arguments: str) -> None:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"{program} est introuvable : installez postgresql-client.")
    parsed = make_url(url)
    command = [executable, *options, *_connection_options(parsed), *arguments]
    # A list of arguments, no shell; the password goes through the environment.
    result = subprocess.run(  # nosec B603
        command, env=_environment(parsed), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{program} a échoué : {result.stderr.strip()}")


def _connection_options(url: URL) -> list[str]:
    options = [f"--dbname={url.database}"]
    if url.host:
        options.append(f"--host={url.host}")
    if url.port:
        options.append(f"--port={url.port}")
    if url.username:
        options.append(f"--username={url.username}")
    return [*options, "--no-password"]


def _environment(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    if "sslmode" in url.query:
        env["PGSSLMODE"] = str(url.query["sslmode"])
    return env
