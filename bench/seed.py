"""A large, realistic data set written fast: SQLAlchemy Core `insert()` with lists of dicts,
in batches, explicit ids (no RETURNING round trips), into a freshly migrated database.

At scale 1: 10 workshops, 200 organisations, 500 accounts, 1,000 proposals, 10,000
contributions (some spoken, some typed in from paper, a few in English or Arabic),
official responses with commitments for about a third of the proposals, 60 meetings with
their minutes, concern marks and tallies, follow-up updates, suggestions, follows,
notifications, and English and Arabic translations of a share of what is translatable.
Scale 10 and 100 multiply everything but the workshops (so a workshop page holds 10 or 100
times more proposals). The big tables are written as they are made, never held whole.

Proposal 1 has exactly 50 published contributions: the "proposal page with 50
contributions" (four of its testimonies spoken, three written in English or Arabic; the
proposal translated into both). User 1 is the bench user (an association member); user 2
the representative of a verified institution that proposals are addressed to, for the
institution's inbox. Every account has the same password.
"""

import random
import sys
import time
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from itertools import islice

import sqlalchemy as sa

from app.accounts.password_hashing import hash_password
from app.extensions import db
from app.models import (
    AddressedInstitution,
    AudioRecording,
    Commitment,
    ConcernMark,
    ConcernTally,
    Contribution,
    Cosignature,
    Event,
    Follow,
    Meeting,
    MeetingRegistration,
    Minutes,
    MinutesAmendment,
    MinutesVersion,
    ModerationDecision,
    Notification,
    OfficialResponse,
    Organisation,
    Place,
    ProgressUpdate,
    Proposal,
    StatedPosition,
    StatusChange,
    Suggestion,
    Theme,
    Translation,
    Translator,
    User,
    content_version,
)
from app.models.meeting import meeting_proposal
from app.models.organisation import membership, organisation_theme
from app.models.user import pseudonym_key
from app.ops.tallies import recount, triggers_set_aside
from bench import seed_rows
from bench.seed_rows import TARGET_PROPOSAL_ID, World
from bench.seed_texts import PLACE_NAMES, WORDS
from bench.seed_texts import text as _text
from bench.seed_texts import title as _title
from bench.seed_translations import notifications, translations

BENCH_EMAIL = "banc@example.org"
BENCH_PASSWORD = "banc-d-essai-mot-de-passe"
# User 2: a representative of a verified institution (the inbox, /espace-institution).
BENCH_INSTITUTION_EMAIL = "banc-institution@example.org"
TARGET_CONTRIBUTIONS = 50
BATCH = 5000
CHARTER_LABEL = "2015-1"  # the first charter version, inserted by the migrations

THEMES = [
    "Accès aux soins",
    "Urgence alimentaire",
    "Culture et intégration",
    "Logement",
    "Emploi et insertion",
    "Mobilité",
    "Droits et démarches",
    "Enfance et famille",
    "Santé mentale",
    "Hébergement d’urgence",
]
EVENTS = [
    ("assises-2015", "Assises de la solidarité 2015", "assises", date(2015, 11, 20)),
    ("journee-sante-2016", "Journée thématique santé 2016", "thematic_day", date(2016, 6, 4)),
    ("cycle-logement-2017", "Cycle logement 2017", "working_group_cycle", date(2017, 3, 1)),
]


class Progress:
    """Prints how far a table has got, on one line per table."""

    def __init__(self, label: str, total: int | None):
        self.label, self.total, self.done = label, total, 0

    def add(self, count: int) -> None:
        self.done += count
        if self.total and sys.stdout.isatty():  # a log file gets the last line only
            percent = 100 * self.done // self.total
            sys.stdout.write(f"\r    {self.label:<24} {self.done:>9,} ({percent}%)")
            sys.stdout.flush()

    def finish(self, seconds: float) -> None:
        sys.stdout.write(f"\r    {self.label:<24} {self.done:>9,} rows in {seconds:5.1f} s\n")
        sys.stdout.flush()


def _insert(table, rows: Iterable[dict], label: str, total: int | None = None) -> int:
    """Write the rows in batches of BATCH as they come (a generator is never held whole),
    each batch committed: no transaction holds a whole table (and should a trigger ever run
    during a load, PostgreSQL prunes the old versions of the rows it updates again and again
    only once committed: in one transaction, 66,652 responses took 217 s, not 2).
    `total`, when known, only shows the progress. Returns how many were written."""
    started = time.monotonic()
    if total is None and isinstance(rows, list):
        total = len(rows)
    progress = Progress(label, total)
    rows = iter(rows)
    while chunk := list(islice(rows, BATCH)):
        content_version.mark_changed(db.session)  # Core inserts, past the ORM's events
        db.session.connection().execute(sa.insert(table), chunk)
        db.session.commit()
        progress.add(len(chunk))
    progress.finish(time.monotonic() - started)
    return progress.done


def _organisations(world: World, rng: random.Random, n_orgs: int) -> dict[str, list]:
    """Two thirds associations or service providers (each with a place or two where it meets
    people), a third institutions (most verified)."""
    orgs, org_themes, places = [], [], []
    for i in range(1, n_orgs + 1):
        kind = rng.choices(
            ["association", "service_provider", "institution"], weights=[50, 17, 33]
        )[0]
        orgs.append(
            {
                "id": i,
                "slug": f"organisation-{i}",
                "name": f"{'Institution' if kind == 'institution' else 'Association'} {i}",
                "short_name": None,
                "kind": kind,
                "description": _text(rng, 3),
                "address": f"{i} rue de la Solidarité, 57000 Metz",
                "contact_email": f"contact{i}@example.org",
                "website": "",
                "contact_phone": "",
                "opening_hours": "Lundi au vendredi, 9 h – 17 h",
                "verified": kind != "institution" or rng.random() < 0.8,
                "created_at": world.now - timedelta(days=rng.randint(30, 3000)),
            }
        )
        for theme_id in rng.sample(world.theme_ids, rng.randint(1, 3)):
            org_themes.append({"organisation_id": i, "theme_id": theme_id})
        if kind != "institution":
            for name in rng.sample(PLACE_NAMES, rng.randint(1, 2)):
                places.append(
                    {
                        "id": len(places) + 1,
                        "organisation_id": i,
                        "name": name,
                        "address": f"{rng.randint(1, 90)} rue du Marché, 57000 Metz",
                        "created_at": orgs[-1]["created_at"],
                    }
                )
                world.places_of.setdefault(i, []).append(places[-1]["id"])
    world.institutions = [o["id"] for o in orgs if o["kind"] == "institution" and o["verified"]]
    world.associations = [o["id"] for o in orgs if o["kind"] != "institution"]
    return {"organisations": orgs, "organisation_themes": org_themes, "places": places}


def _accounts(world: World, rng: random.Random, n_users: int) -> dict[str, list]:
    """Accounts, all with one password hash (Argon2 is slow on purpose), their e-mail
    addresses confirmed; their organisations; the volunteer translators."""
    password_hash = hash_password(BENCH_PASSWORD)
    forced = {1: "association_member", 2: "institution_rep", 3: "moderator"}
    users, memberships = [], []
    for i in range(1, n_users + 1):
        role = (
            forced.get(i)
            or rng.choices(
                ["participant", "association_member", "moderator", "institution_rep"],
                weights=[70, 20, 3, 7],
            )[0]
        )
        email = {1: BENCH_EMAIL, 2: BENCH_INSTITUTION_EMAIL}.get(i, f"personne{i}@example.org")
        pseudonym = "Banc d’essai" if i == 1 else f"Personne {i}"
        created = world.now - timedelta(days=rng.randint(1, 2000))
        users.append(
            {
                "id": i,
                "email": email,
                "pseudonym": pseudonym,
                "pseudonym_key": pseudonym_key(pseudonym),
                "password_hash": password_hash,
                "role": role,
                "locale": None,
                "charter_version": CHARTER_LABEL,
                "charter_accepted_at": created,
                "active": True,
                "email_frequency": "never",
                "email_confirmed_at": created,
                "created_at": created,
            }
        )
        if role in ("association_member", "moderator"):
            org = rng.choice(world.associations)
            memberships.append({"user_id": i, "organisation_id": org})
            world.members_of.setdefault(org, []).append(i)
        elif role == "institution_rep":
            org = world.institutions[0] if i == 2 else rng.choice(world.institutions)
            memberships.append({"user_id": i, "organisation_id": org})
        if role == "moderator":
            world.moderators.append(i)
    world.n_users = n_users
    translators = []
    for lang in ("en", "ar"):
        chosen = rng.sample(range(4, n_users + 1), max(3, n_users // 200))
        world.translators[lang] = chosen
        for user_id in chosen:
            translators.append(
                {
                    "id": len(translators) + 1,
                    "user_id": user_id,
                    "lang": lang,
                    "granted_by_id": 3,
                    "granted_at": world.now - timedelta(days=400),
                }
            )
    return {"users": users, "memberships": memberships, "translators": translators}


def _proposals(world: World, rng: random.Random, n_proposals: int) -> dict[str, list]:
    """Proposals (some from the 2015-2017 events), their public timeline, the institutions
    they were sent to (proposal 1: the bench institution among them), the associations that
    co-signed them and the positions institutions stated elsewhere."""
    statuses = ["submitted", "in_discussion", "sent", "answered", "in_progress", "done"]
    proposals, changes, addressed, cosigned, stated = [], [], [], [], []
    for i in range(1, n_proposals + 1):
        created = world.now - timedelta(days=rng.randint(1, 1500), minutes=rng.randint(0, 1440))
        status = "answered" if i == TARGET_PROPOSAL_ID else rng.choice(statuses)
        organisation_id = rng.choice(world.associations)
        proposals.append(
            {
                "id": i,
                "title": _title(rng, i),
                "body": _text(rng, rng.randint(4, 10)),
                "easy_read": _text(rng, 2),
                "theme_id": rng.choice(world.theme_ids),
                "author_id": rng.randint(1, world.n_users),
                "organisation_id": organisation_id,
                "status": status,
                "origin": "",
                "event_id": rng.choice([1, 2, 3]) if rng.random() < 0.2 else None,
                "concerned_count": 0,  # set by seed_rows.concern_counts()
                "created_at": created,
                "updated_at": created,
            }
        )
        changes.append(
            {
                "id": len(changes) + 1,
                "proposal_id": i,
                "from_status": None,
                "to_status": "submitted",
                "reason": "",
                "created_at": created,
            }
        )
        if status != "submitted":
            changes.append(
                {
                    "id": len(changes) + 1,
                    "proposal_id": i,
                    "from_status": "submitted",
                    "to_status": status,
                    "reason": _text(rng, 1),
                    "created_at": created + timedelta(days=10),
                }
            )
        if status in ("sent", "answered", "in_progress", "done"):
            sent_at = created + timedelta(days=10)
            chosen = rng.sample(world.institutions, rng.randint(1, 3))
            if i == TARGET_PROPOSAL_ID and world.institutions[0] not in chosen:
                chosen[0] = world.institutions[0]
            for institution in chosen:
                addressed.append(
                    {
                        "id": len(addressed) + 1,
                        "proposal_id": i,
                        "institution_id": institution,
                        "sent_at": sent_at,
                        "response_due_on": (sent_at + timedelta(days=60)).date(),
                    }
                )
        if rng.random() < 0.1:
            others = [o for o in rng.sample(world.associations, 2) if o != organisation_id]
            for org in others[: rng.randint(1, 2)]:
                cosigned.append(
                    {
                        "id": len(cosigned) + 1,
                        "proposal_id": i,
                        "organisation_id": org,
                        "signed_by_id": None,
                        "created_at": created + timedelta(days=2),
                    }
                )
        if rng.random() < 0.05:
            stated.append(
                {
                    "id": len(stated) + 1,
                    "proposal_id": i,
                    "institution_id": rng.choice(world.institutions),
                    "words": _text(rng, 2),
                    "source": "Bilan des assises de la solidarité 2015",
                    "stated_on": date(2015, 11, 20),
                    "reported_by_id": organisation_id,
                    "created_at": created,
                }
            )
    world.proposals = proposals
    return {
        "proposals": proposals,
        "changes": changes,
        "addressed": addressed,
        "cosignatures": cosigned,
        "stated": stated,
    }


def _responses(world: World, rng: random.Random, addressed: list[dict]) -> None:
    """Official responses (about two answers in three where sent) and their commitments."""
    for row in addressed:
        proposal = world.proposals[row["proposal_id"] - 1]
        if proposal["status"] == "sent" or rng.random() > 0.67:
            continue
        response_id = len(world.responses) + 1
        written = row["sent_at"] + timedelta(days=rng.randint(5, 90))
        world.responses.append(
            {
                "id": response_id,
                "proposal_id": row["proposal_id"],
                "institution_id": row["institution_id"],
                "author_id": None,
                "position": rng.choice(
                    ["favourable", "under_study", "unfavourable", "already_in_place"]
                ),
                "competent_body": "",
                "body": _text(rng, rng.randint(2, 6)),
                "easy_read": _text(rng, 1) if rng.random() < 0.3 else "",
                "created_at": written,
                "updated_at": written,
            }
        )
        world.responses_of.setdefault(row["proposal_id"], []).append(response_id)
        for _ in range(rng.randint(1, 2)):
            world.commitments.append(
                {
                    "id": len(world.commitments) + 1,
                    "response_id": response_id,
                    "action": _text(rng, 1)[:290],
                    "due_on": world.today + timedelta(days=rng.randint(-200, 300)),
                    "state": rng.choice(["planned", "in_progress", "done", "dropped"]),
                    "drop_reason": "",
                    "created_at": written,
                    "updated_at": written,
                }
            )


def _meetings(world: World, rng: random.Random, n_meetings: int) -> dict[str, list]:
    """Meetings, past and upcoming, each with a few proposals to discuss and people
    registered (the bench user to some)."""
    links, registrations = [], []
    n_proposals = len(world.proposals)
    for i in range(1, n_meetings + 1):
        starts = world.now + timedelta(days=rng.randint(-400, 200), hours=rng.randint(0, 10))
        host = rng.choice(world.associations)
        secretary = rng.choice(world.members_of.get(host) or [1])
        world.meetings.append(
            {
                "id": i,
                "kind": "thematic_day" if i % 10 == 0 else "working_group",
                "title": f"Groupe de travail {i} : {rng.choice(WORDS)}",
                "theme_id": rng.choice(world.theme_ids),
                "host_id": host,
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=2),
                "place_name": "Maison des associations",
                "address": "1 rue du Pont, 57000 Metz",
                "description": _text(rng, 2),
                "agenda": _text(rng, 2),
                "is_public": rng.random() < 0.9,
                "capacity": 30,
                "secretary_id": secretary,
                "created_by_id": secretary,
                "cancelled_at": None,
                "cancel_reason": "",
                "updated_at": world.now,
            }
        )
        for proposal_id in rng.sample(range(1, n_proposals + 1), 3):
            links.append({"meeting_id": i, "proposal_id": proposal_id})
        people = set(
            rng.sample(range(2, world.n_users + 1), min(rng.randint(3, 20), world.n_users - 1))
        )
        if i % 7 == 0:
            people.add(1)
        for user_id in sorted(people):
            registrations.append(
                {
                    "id": len(registrations) + 1,
                    "meeting_id": i,
                    "user_id": user_id,
                    "created_at": starts - timedelta(days=rng.randint(1, 30)),
                }
            )
    return {"meeting_links": links, "registrations": registrations}


def _recount() -> None:
    """The tallies counted once from the rows, the triggers having been set aside for the
    load (at 100× the contributions took 538 s with them, 155 s before the tallies)."""
    started = time.monotonic()
    recount(db.session)
    db.session.commit()
    print(f"    {'comptages':<24} recounted in {time.monotonic() - started:5.1f} s")


def seed(scale: int, seed_value: int = 2015) -> dict[str, int]:
    """Fill the (empty, migrated) database of the current app; returns the row counts."""
    rng = random.Random(seed_value)
    started = time.monotonic()
    world = World(seed_value, datetime.now(UTC).replace(tzinfo=None))
    themes = [
        {
            "id": i + 1,
            "slug": f"atelier-{i + 1}",
            "name": name,
            "description": _text(rng, 2),
            "position": i + 1,
            "participants_premoderated": True,
            "members_premoderated": False,
        }
        for i, name in enumerate(THEMES)
    ]
    world.theme_ids = [t["id"] for t in themes]
    events = [
        {"id": n, "slug": slug, "name": name, "kind": kind, "held_on": held, "place": "Metz",
         "summary": _text(rng, 4), "advances": _text(rng, 3), "obstacles": _text(rng, 3),
         "next_steps": _text(rng, 3), "source": "Bilan écrit du réseau",
         "created_at": world.now, "updated_at": world.now}
        for n, (slug, name, kind, held) in enumerate(EVENTS, 1)
    ]  # fmt: skip
    orgs = _organisations(world, rng, 200 * scale)
    people = _accounts(world, rng, 500 * scale)
    proposals = _proposals(world, rng, 1000 * scale)
    _responses(world, rng, proposals["addressed"])
    meetings = _meetings(world, rng, 60 * scale)
    marks, tallies = seed_rows.concern_counts(world)
    updates = seed_rows.progress_updates(world)
    books, versions, amendments = seed_rows.minutes(world)
    n_contributions = 10000 * scale

    plan = [
        (Theme, themes, "ateliers"),
        (Event, events, "événements"),
        (Organisation, orgs["organisations"], "organisations"),
        (organisation_theme, orgs["organisation_themes"], "organisations × ateliers"),
        (Place, orgs["places"], "lieux"),
        (User, people["users"], "comptes"),
        (membership, people["memberships"], "adhésions"),
        (Translator, people["translators"], "traducteurs"),
        (Proposal, proposals["proposals"], "propositions"),
        (StatusChange, proposals["changes"], "changements de statut"),
        (AddressedInstitution, proposals["addressed"], "institutions saisies"),
        (Cosignature, proposals["cosignatures"], "cosignatures"),
        (StatedPosition, proposals["stated"], "positions exprimées"),
        (OfficialResponse, world.responses, "réponses officielles"),
        (Commitment, world.commitments, "engagements"),
        (Contribution, seed_rows.contributions(world, n_contributions), "contributions"),
        (AudioRecording, world.spoken, "enregistrements"),
        (ModerationDecision, world.decisions, "décisions de modération"),
        (ConcernMark, seed_rows.concern_marks(world, marks), "« ça me concerne »"),
        (ConcernTally, tallies, "comptages"),
        (ProgressUpdate, updates, "nouvelles"),
        (Meeting, world.meetings, "réunions"),
        (meeting_proposal, meetings["meeting_links"], "réunions × propositions"),
        (MeetingRegistration, meetings["registrations"], "inscriptions"),
        (Minutes, books, "comptes rendus"),
        (MinutesVersion, versions, "versions de comptes rendus"),
        (MinutesAmendment, amendments, "amendements"),
        (Suggestion, seed_rows.suggestions(world, 30 * scale), "suggestions"),
        (Follow, seed_rows.follows(world), "suivis"),
        (Notification, notifications(world), "notifications"),
        (Translation, translations(world), "traductions"),
    ]
    counts: dict[str, int] = {}
    totals = {"contribution": n_contributions}
    with triggers_set_aside(db.session):
        for model, rows, label in plan:
            table = getattr(model, "__table__", model)
            counts[table.name] = _insert(table, rows, label, totals.get(table.name))
    _recount()
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":  # explicit ids: move the sequences on
        for model, _rows, _label in plan:
            table = getattr(model, "__table__", model)
            if counts[table.name] and "id" in table.c:
                connection.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f'(SELECT max(id) FROM "{table.name}"))'
                    )
                )
    db.session.commit()
    assert world.target_published == TARGET_CONTRIBUTIONS, world.target_published
    print(f"    seeded in {time.monotonic() - started:.1f} s")
    return counts
