"""Command-line tools: ``flask users create-admin``, ``flask demo load``,
``flask notifications send|worker|digest|overdue``, ``flask institutions remind|digest``,
``flask privacy purge``,
``flask backup create|restore``, ``flask search reindex``, ``flask cache clear``,
``flask database analyze|recount`` and
``flask events create``, ``flask events import``, ``flask moderation alert``,
``flask audio convert``."""

import logging
from pathlib import Path

import click
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app
from flask.cli import AppGroup

from app.accounts.password_rules import password_problem
from app.services import ServiceError
from app.services.accounts import create_admin, find_user_by_email, pseudonym_taken
from app.services.notifications import deliver_outbox, new_sender_id, queue_digests
from app.web.links import links_configured

users_cli = AppGroup("users", help="Manage accounts.")
demo_cli = AppGroup("demo", help="Demo data of the 2015 assises.")
notifications_cli = AppGroup("notifications", help="Notification e-mails.")
institutions_cli = AppGroup("institutions", help="Telling and reminding institutions.")
privacy_cli = AppGroup("privacy", help="Personal data.")
backup_cli = AppGroup("backup", help="Back up and restore the whole database.")
search_cli = AppGroup("search", help="The site-wide search index.")
cache_cli = AppGroup("cache", help="Public pages kept ready for visitors (app/web/page_cache.py).")
events_cli = AppGroup("events", help="Events of the network (assises, thematic days).")
moderation_cli = AppGroup("moderation", help="Moderators and what waits for them.")
audio_cli = AppGroup("audio", help="Spoken testimonies.")
database_cli = AppGroup("database", help="Upkeep of the database (schema changes: flask db).")


def _require_links() -> None:
    if not links_configured():
        raise click.ClickException(
            "Indiquez l’adresse publique du site dans MAIL_SITE_URL "
            "(par exemple https://voix-solidaires.fr) : les e-mails contiennent des liens."
        )


@notifications_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep sending every few seconds (a worker).")
@click.option("--interval", default=10, show_default=True, help="Seconds between rounds.")
@click.option("--limit", default=100, show_default=True, help="E-mails per round at most.")
def send_command(loop: bool, interval: int, limit: int) -> None:
    """Send the e-mails waiting in the outbox; failed ones are retried with backoff."""
    _require_links()
    if loop:
        _run_worker(interval, limit)
        return
    sent = deliver_outbox(new_sender_id(), limit)
    click.echo(f"{sent} e-mail(s) envoyé(s).")


@notifications_cli.command("worker")
@click.option("--interval", default=10, show_default=True, help="Seconds between rounds.")
@click.option("--limit", default=100, show_default=True, help="E-mails per round at most.")
def worker_command(interval: int, limit: int) -> None:
    """A long-lived sender (same as `send --loop`): stops cleanly on SIGTERM."""
    _require_links()
    _run_worker(interval, limit)


def _run_worker(interval: int, limit: int) -> None:
    from app.ops.worker import OutboxWorker

    # Rounds are logged: JSON lines in production, plain lines elsewhere (when nothing
    # configured logging yet; basicConfig leaves an existing setup alone).
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("voix.notifications").setLevel(logging.INFO)
    worker = OutboxWorker(interval=interval, limit=limit)
    worker.install_signal_handlers()
    worker.run()


@notifications_cli.command("digest")
def digest_command() -> None:
    """Queue the daily digest of each person who chose one (run it once a day)."""
    _require_links()
    queued = queue_digests()
    click.echo(f"{queued} résumé(s) mis en file ; `flask notifications send` les envoie.")


@notifications_cli.command("overdue")
def overdue_command() -> None:
    """Tell associations, once, that an institution's answer is overdue (run it daily)."""
    from app.models import paris_today
    from app.services.responses import notify_overdue_responses

    _require_links()
    count = notify_overdue_responses(paris_today())
    click.echo(f"{count} réponse(s) en retard signalée(s) aux associations.")


@institutions_cli.command("remind")
def remind_command() -> None:
    """Remind institutions of the answers due soon or late (run it daily; each reminder
    goes once, however many hosts run it)."""
    from app.models import paris_today
    from app.services.outreach import send_reminders

    _require_links()
    count = send_reminders(paris_today())
    click.echo(f"{count} rappel(s) envoyé(s) aux institutions.")


@institutions_cli.command("digest")
def institutions_digest_command() -> None:
    """Queue the weekly digest of each institution with something pending (run it weekly;
    one per institution and week)."""
    from app.services.outreach import queue_institution_digests

    _require_links()
    count = queue_institution_digests()
    click.echo(f"{count} résumé(s) de la semaine mis en file pour les institutions.")


# The former name of `flask notifications send`, kept for existing crontabs and workers.
outbox_cli = AppGroup("outbox", help="E-mails waiting to be sent (see `flask notifications`).")
outbox_cli.add_command(send_command, "deliver")


@users_cli.command("create-admin")
@click.option("--email", prompt="E-mail")
@click.option("--pseudonym", prompt="Pseudonyme public")
@click.option("--password", prompt="Mot de passe", hide_input=True, confirmation_prompt=True)
def create_admin_command(email: str, pseudonym: str, password: str) -> None:
    """Create an admin account (the first one of a real install)."""
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="--email") from error
    if find_user_by_email(email):
        raise click.BadParameter("Un compte existe déjà avec cette adresse.", param_hint="--email")
    if pseudonym_taken(pseudonym):
        raise click.BadParameter("Ce pseudonyme est déjà pris.", param_hint="--pseudonym")
    problem = password_problem(password, email=email, pseudonym=pseudonym)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    user = create_admin(email, pseudonym, password)
    click.echo(f"Compte administrateur créé : {user.email} ({user.pseudonym}).")


@demo_cli.command("load")
def load_demo_command() -> None:
    """Load the 2015 assises and one demo account per role (idempotent)."""
    from app.demo.data_2015 import DEMO_ACCOUNTS, DEMO_PASSWORD
    from app.services.demo import load_demo

    try:
        created = load_demo()
    except ServiceError as error:
        raise click.ClickException(str(error)) from error
    summary = ", ".join(f"{name}: {count}" for name, count in created.items())
    click.echo(f"Données de démonstration chargées ({summary or 'rien de nouveau'}).")
    click.echo(f"Comptes de démonstration (mot de passe « {DEMO_PASSWORD} ») :")
    for email, pseudonym, role, _org in DEMO_ACCOUNTS:
        click.echo(f"  {role:<20} {email}  ({pseudonym})")
    _load_examples()


def _load_examples() -> None:
    """The fictional example edition, after the 2015 record (app/services/examples.py)."""
    from app.services.examples import load_examples

    try:
        created = load_examples()
    except ServiceError as error:
        raise click.ClickException(str(error)) from error
    summary = ", ".join(f"{name}: {count}" for name, count in created.items() if count)
    click.echo(f"Édition d’exemple chargée ({summary or 'rien de nouveau'}).")


@demo_cli.command("clear-examples")
def clear_examples_command() -> None:
    """Remove the fictional example edition and everything hanging from it (nothing else)."""
    from app.services.examples import clear_examples

    try:
        removed = clear_examples()
    except ServiceError as error:
        raise click.ClickException(str(error)) from error
    summary = ", ".join(f"{name}: {count}" for name, count in removed.items())
    click.echo(f"Exemples supprimés ({summary}).")


@privacy_cli.command("purge")
def purge_command() -> None:
    """Forget guests' contacts, IP addresses, sent e-mails, ended sessions, expired reset
    links, unconfirmed registrations and ended invitations past their retention period (run
    it daily)."""
    from app.services.privacy import purge_personal_data

    counts = purge_personal_data()
    click.echo(
        f"{counts['guest_contacts']} contact(s) d’invité effacé(s), "
        f"{counts['ip_addresses']} adresse(s) IP effacée(s), "
        f"{counts['emails']} e-mail(s) envoyé(s) supprimé(s), "
        f"{counts['sessions']} session(s) terminée(s) supprimée(s), "
        f"{counts['reset_links']} lien(s) de réinitialisation expiré(s) supprimé(s), "
        f"{counts['registrations']} inscription(s) non confirmée(s) supprimée(s), "
        f"{counts['invitations']} invitation(s) terminée(s) supprimée(s), "
        f"{counts['receipts']} reçu(s) d’invité expiré(s) effacé(s), "
        f"{counts['paper_photos']} photo(s) de fiche papier supprimée(s), "
        f"{counts['audio_originals']} enregistrement(s) original(aux) effacé(s), "
        f"{counts['audio_recordings']} enregistrement(s) retiré(s) ou refusé(s) supprimé(s)."
    )


@backup_cli.command("create")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: instance/backups/voix-solidaires-<date>.sqlite|dump).",
)
def backup_create_command(output: Path | None) -> None:
    """Copy the whole database to a file (SQLite backup API, or pg_dump -Fc)."""
    from app.ops.backup import BackupError, create_backup, default_path

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    output = output or default_path(url, Path(current_app.instance_path) / "backups")
    try:
        create_backup(url, output, _recordings_directory())
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Sauvegarde écrite : {output}")


def _recordings_directory() -> Path | None:
    """AUDIO_DIRECTORY, when recordings are files: the backup takes them too."""
    configured = current_app.config.get("AUDIO_DIRECTORY")
    return Path(configured) if configured else None


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace a database that already holds data.")
def backup_restore_command(path: Path, yes: bool) -> None:
    """Replace the database with a backup; refused over existing data without --yes."""
    from app.extensions import db
    from app.ops.backup import BackupError, restore_backup

    db.engine.dispose()  # no pooled connection keeps the old database open
    try:
        restore_backup(
            current_app.config["SQLALCHEMY_DATABASE_URI"],
            path,
            overwrite=yes,
            recordings=_recordings_directory(),
        )
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Base restaurée depuis {path}.")


@cache_cli.command("clear")
def cache_clear_command() -> None:
    """Forget every cached page (bin/serve does it after `flask db upgrade`).

    A restored backup needs nothing: it brings back the version its pages were kept under.
    """
    from app.web.page_cache import change_version

    change_version()
    click.echo("Pages en cache oubliées.")


@search_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the search index from the data (after a restore or an upgrade)."""
    from app.search.index import reindex

    counts = reindex()
    click.echo(f"Index de recherche reconstruit : {sum(counts.values())} document(s).")
    for kind, count in counts.items():
        click.echo(f"  {kind:<14} {count}")


@database_cli.command("analyze")
def analyze_command() -> None:
    """Refresh the query planner's statistics (daily; after a large import)."""
    from app.database import refresh_planner_statistics

    refresh_planner_statistics()
    click.echo("Statistiques de la base mises à jour.")


@database_cli.command("recount")
def recount_command() -> None:
    """Count the tallies again from the rows (after a change made by hand, or a bulk load
    with the triggers set aside). Writers wait meanwhile: 5 to 20 s at 100×."""
    from app.extensions import db
    from app.models import content_version
    from app.ops.tallies import recount

    recount(db.session)
    content_version.mark_changed(db.session)  # the cached pages show the figures anew
    db.session.commit()
    click.echo("Comptages recalculés à partir des lignes.")


@events_cli.command("create")
@click.argument("slug")
@click.argument("name")
@click.argument("held_on", metavar="YYYY-MM-DD")
def events_create_command(slug: str, name: str, held_on: str) -> None:
    """Record an event: its address (e.g. assises-2026), its name and its date."""
    from datetime import date

    from app.services.network_events import create_event

    try:
        day = date.fromisoformat(held_on)
    except ValueError:
        raise click.ClickException(
            f"Date invalide : « {held_on} ». Écrivez-la AAAA-MM-JJ (par exemple 2026-04-30)."
        ) from None
    try:
        event = create_event(None, {"slug": slug, "name": name, "held_on": day})
    except ServiceError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Événement créé : {event.name} ({event.held_on.isoformat()}), /evenements/{event.slug}"
    )


@events_cli.command("import")
@click.argument("event_slug")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show the preview, write nothing.")
@click.option("--skip-bad-rows", is_flag=True, help="Import the valid rows even if others are bad.")
@click.option("--admin", "admin_email", help="E-mail of the admin recorded as the author.")
def import_command(
    event_slug: str, path: Path, dry_run: bool, skip_bad_rows: bool, admin_email: str | None
) -> None:
    """Import an event's proposals from a CSV, XLSX or ODS file (see README)."""
    from app import policy
    from app.imports.rows import check_rows, sheet_rows
    from app.imports.spreadsheet import SpreadsheetProblem, read_upload
    from app.queries.network_events import event_by_slug
    from app.queries.proposal_imports import catalogue
    from app.services.proposal_imports import import_proposals

    event = event_by_slug(event_slug)
    if event is None:
        raise click.ClickException(f"Aucun événement « {event_slug} ».")
    admin = find_user_by_email(admin_email) if admin_email else None
    if admin_email and not policy.can_import_proposals(admin):
        raise click.BadParameter(
            "Aucun compte administrateur à cette adresse.", param_hint="--admin"
        )
    config = current_app.config
    try:
        with path.open("rb") as stream:
            table = read_upload(stream, config["IMPORT_MAX_BYTES"])
        rows = sheet_rows(table, config["IMPORT_MAX_ROWS"])
    except SpreadsheetProblem as problem:
        raise click.ClickException(str(problem)) from problem
    preview = check_rows(rows, catalogue(event))
    for row in preview.rows:
        line, title = row.source.line, row.source.title or "(sans titre)"
        if row.errors:
            click.echo(f"ligne {line} ERREUR   {title} : {' '.join(row.errors)}")
        elif row.already_imported:
            click.echo(f"ligne {line} DÉJÀ     {title}")
        else:
            click.echo(f"ligne {line} OK       {title}")
    new, bad, done = len(preview.new_rows), len(preview.bad_rows), len(preview.imported_rows)
    click.echo(f"{new} nouvelle(s), {done} déjà importée(s), {bad} en erreur.")
    if bad and not skip_bad_rows:
        raise click.ClickException(
            "Rien n’a été importé : corrigez les lignes en erreur, "
            "ou relancez avec --skip-bad-rows pour importer les autres."
        )
    if dry_run or not new:
        click.echo("Rien n’a été écrit.")
        return
    try:
        created = import_proposals(event, preview.rows, admin)
    except ServiceError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{len(created)} proposition(s) importée(s) dans « {event.name} ».")


@moderation_cli.command("alert")
def moderation_alert_command() -> None:
    """Tell moderators that contributions wait, as each chose (run it every 10 minutes)."""
    from app.services.moderation_alerts import send_moderation_alerts

    _require_links()
    alerted = send_moderation_alerts()
    click.echo(f"{alerted} modérateur·rice(s) prévenu·e(s) ; `flask notifications send` envoie.")


@audio_cli.command("convert")
@click.option("--limit", default=20, show_default=True, help="Recordings in this pass, at most.")
def audio_convert_command(limit: int) -> None:
    """Convert the recordings waiting, once (the notifications worker does it every round)."""
    from app.services.audio import convert_waiting

    converted = convert_waiting(f"cli-{new_sender_id()}", limit)
    click.echo(f"{converted} enregistrement(s) converti(s).")


def init_app(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(institutions_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(cache_cli)
    app.cli.add_command(events_cli)
    app.cli.add_command(moderation_cli)
    app.cli.add_command(audio_cli)
    app.cli.add_command(database_cli)
