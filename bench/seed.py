"""A large, realistic data set written fast: SQLAlchemy Core `insert()` with lists of dicts,
in batches, explicit ids (no RETURNING round trips), into a freshly migrated database.

At scale 1: 10 workshops, 200 organisations, 1,000 proposals, 10,000 contributions, official
responses with commitments for about a third of the proposals, meetings. Scale 10 multiplies
everything but the workshops (so a workshop page holds 10 times more proposals).
Proposal 1 has exactly 50 published contributions: the "proposal page with 50 contributions".
"""

import random
import sys
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.accounts.password_hashing import hash_password
from app.extensions import db
from app.models import (
    AddressedInstitution,
    Commitment,
    Contribution,
    Meeting,
    OfficialResponse,
    Organisation,
    Proposal,
    StatusChange,
    Theme,
    User,
    content_version,
)
from app.models.meeting import meeting_proposal
from app.models.organisation import membership, organisation_theme
from app.models.user import pseudonym_key

BENCH_EMAIL = "banc@example.org"
BENCH_PASSWORD = "banc-d-essai-mot-de-passe"
TARGET_PROPOSAL_ID = 1  # exactly 50 published contributions
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
WORDS = (  # noqa: SIM905 (a sentence reads better than 50 quoted words)
    "logement hébergement accueil famille enfants santé soins médecin repas colis aide "
    "alimentaire épicerie solidaire domiciliation papiers préfecture droit asile insertion "
    "emploi formation transport ticket bus nuit hiver chauffage loyer expulsion quartier "
    "mairie département association bénévoles permanence écoute accompagnement dossier "
    "rendez-vous attente délai langue interprète école cantine vêtements douche laverie"
).split()
SENTENCES = [
    "Nous demandons que {a} soit accessible à toutes les personnes concernées.",
    "Depuis des mois, {a} manque cruellement dans le quartier.",
    "Les familles attendent trop longtemps pour {a} et pour {b}.",
    "Il faudrait une permanence commune sur {a}, ouverte le soir.",
    "J’ai vécu cette situation : sans {a}, impossible de trouver {b}.",
    "Les bénévoles signalent chaque semaine des difficultés de {a}.",
    "Une information claire sur {a} éviterait bien des démarches inutiles.",
]


def _text(rng: random.Random, sentences: int) -> str:
    return " ".join(
        rng.choice(SENTENCES).format(a=rng.choice(WORDS), b=rng.choice(WORDS))
        for _ in range(sentences)
    )


def _title(rng: random.Random, n: int) -> str:
    return f"{rng.choice(WORDS).capitalize()} et {rng.choice(WORDS)} : proposition {n}"


class Progress:
    """Prints how far a table has got, on one line per table."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.done = label, total, 0

    def add(self, count: int) -> None:
        self.done += count
        percent = 100 * self.done // max(self.total, 1)
        finished = self.done >= self.total
        if not (finished or sys.stdout.isatty()):  # a log file gets the last line only
            return
        sys.stdout.write(f"\r    {self.label:<24} {self.done:>8,} / {self.total:,} ({percent}%)")
        sys.stdout.write("\n" if finished else "")
        sys.stdout.flush()


def _insert(connection, table, rows: list[dict], label: str) -> None:
    progress = Progress(label, len(rows))
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        connection.execute(sa.insert(table), chunk)
        progress.add(len(chunk))
    if not rows:
        progress.add(0)


def seed(scale: int, seed_value: int = 2015) -> dict[str, int]:
    """Fill the (empty, migrated) database of the current app; returns the row counts."""
    rng = random.Random(seed_value)
    started = time.monotonic()
    now = datetime.now(UTC).replace(tzinfo=None)
    today = now.date()
    n_orgs, n_users = 200 * scale, 500 * scale
    n_proposals, n_contributions, n_meetings = 1000 * scale, 10000 * scale, 60 * scale
    counts: dict[str, int] = {}

    # Workshops
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
    theme_ids = [t["id"] for t in themes]

    # Organisations: two thirds associations or service providers, a third institutions.
    orgs, org_themes = [], []
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
                "created_at": now - timedelta(days=rng.randint(30, 3000)),
            }
        )
        for theme_id in rng.sample(theme_ids, rng.randint(1, 3)):
            org_themes.append({"organisation_id": i, "theme_id": theme_id})
    institutions = [o["id"] for o in orgs if o["kind"] == "institution" and o["verified"]]
    associations = [o["id"] for o in orgs if o["kind"] != "institution"]

    # Accounts: one password hash for all (Argon2 is slow on purpose).
    password_hash = hash_password(BENCH_PASSWORD)
    users, memberships = [], []
    for i in range(1, n_users + 1):
        role = rng.choices(
            ["participant", "association_member", "moderator", "institution_rep"],
            weights=[70, 20, 3, 7],
        )[0]
        email = BENCH_EMAIL if i == 1 else f"personne{i}@example.org"
        if i == 1:
            role = "association_member"
        pseudonym = "Banc d’essai" if i == 1 else f"Personne {i}"
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
                "charter_accepted_at": now,
                "active": True,
                "email_frequency": "never",
                "created_at": now - timedelta(days=rng.randint(1, 2000)),
            }
        )
        if role in ("association_member", "moderator"):
            memberships.append({"user_id": i, "organisation_id": rng.choice(associations)})
        elif role == "institution_rep":
            memberships.append({"user_id": i, "organisation_id": rng.choice(institutions)})
    authors = [u["id"] for u in users]

    # Proposals, their timeline and the institutions they were sent to.
    statuses = ["submitted", "in_discussion", "sent", "answered", "in_progress", "done"]
    proposals, changes, addressed = [], [], []
    for i in range(1, n_proposals + 1):
        created = now - timedelta(days=rng.randint(1, 1500), minutes=rng.randint(0, 1440))
        status = "answered" if i == TARGET_PROPOSAL_ID else rng.choice(statuses)
        proposals.append(
            {
                "id": i,
                "title": _title(rng, i),
                "body": _text(rng, rng.randint(4, 10)),
                "easy_read": _text(rng, 2),
                "theme_id": rng.choice(theme_ids),
                "author_id": rng.choice(authors),
                "organisation_id": rng.choice(associations),
                "status": status,
                "origin": "",
                "created_at": created,
                "updated_at": created,
            }
        )
        changes.append(
            {
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
                    "proposal_id": i,
                    "from_status": "submitted",
                    "to_status": status,
                    "reason": _text(rng, 1),
                    "created_at": created + timedelta(days=10),
                }
            )
        if status in ("sent", "answered", "in_progress", "done"):
            sent_at = created + timedelta(days=10)
            for institution in rng.sample(institutions, rng.randint(1, 3)):
                addressed.append(
                    {
                        "proposal_id": i,
                        "institution_id": institution,
                        "sent_at": sent_at,
                        "response_due_on": (sent_at + timedelta(days=60)).date(),
                    }
                )
    for n, row in enumerate(changes, 1):
        row["id"] = n
    for n, row in enumerate(addressed, 1):
        row["id"] = n

    # Official responses (about two answers in three where sent) and their commitments.
    by_id = {p["id"]: p for p in proposals}
    responses, commitments = [], []
    for row in addressed:
        proposal = by_id[row["proposal_id"]]
        if proposal["status"] == "sent" or rng.random() > 0.67:
            continue
        response_id = len(responses) + 1
        written = row["sent_at"] + timedelta(days=rng.randint(5, 90))
        responses.append(
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
                "origin": "",
                "created_at": written,
                "updated_at": written,
            }
        )
        for _ in range(rng.randint(1, 2)):
            commitments.append(
                {
                    "id": len(commitments) + 1,
                    "response_id": response_id,
                    "action": _text(rng, 1)[:290],
                    "due_on": today + timedelta(days=rng.randint(-200, 300)),
                    "state": rng.choice(["planned", "in_progress", "done", "dropped"]),
                    "drop_reason": "",
                    "created_at": written,
                    "updated_at": written,
                }
            )

    # Contributions: proposal 1 gets exactly 50 published ones (30 testimonies, 15 comments,
    # 5 replies) and 3 held ones; the rest are spread over the other proposals.
    contributions: list[dict] = []
    comments_of: dict[int, list[int]] = {}

    def add(proposal_id: int, kind: str, state: str, parent_id: int | None = None) -> None:
        cid = len(contributions) + 1
        created = by_id[proposal_id]["created_at"] + timedelta(
            days=rng.randint(0, 300), minutes=rng.randint(0, 1440)
        )
        guest = kind == "testimony" and rng.random() < 0.2
        contributions.append(
            {
                "id": cid,
                "proposal_id": proposal_id,
                "kind": kind,
                "parent_id": parent_id,
                "response_id": None,
                "author_id": None if guest else rng.choice(authors),
                "display_mode": "anonymous" if rng.random() < 0.25 else "pseudonym",
                "body": _text(rng, rng.randint(1, 5 if kind == "testimony" else 3)),
                "lang": "fr",
                "state": state,
                "guest_name": f"Invité {cid}" if guest else "",
                "guest_contact": "",
                "created_at": min(created, now),
                "version": 1,
            }
        )
        if kind == "comment":
            comments_of.setdefault(proposal_id, []).append(cid)

    target = TARGET_PROPOSAL_ID
    for _ in range(30):
        add(target, "testimony", "published")
    for _ in range(15):
        add(target, "comment", "published")
    for n in range(5):
        add(target, "reply", "published", comments_of[target][n])
    for state in ("pending", "pending", "hidden"):
        add(target, "testimony", state)
    states, weights = ["published", "pending", "hidden", "rejected"], [85, 8, 4, 3]
    while len(contributions) < n_contributions:
        proposal_id = rng.randint(2, n_proposals)
        kind = rng.choices(["testimony", "comment", "reply"], weights=[45, 40, 15])[0]
        parents = comments_of.get(proposal_id)
        if kind == "reply" and not parents:
            kind = "comment"
        state = rng.choices(states, weights=weights)[0]
        add(proposal_id, kind, state, rng.choice(parents) if kind == "reply" else None)

    # Meetings, past and upcoming, each with a few proposals to discuss.
    meetings, meeting_links = [], []
    for i in range(1, n_meetings + 1):
        starts = now + timedelta(days=rng.randint(-400, 200), hours=rng.randint(0, 10))
        meetings.append(
            {
                "id": i,
                "kind": "thematic_day" if i % 10 == 0 else "working_group",
                "title": f"Groupe de travail {i} : {rng.choice(WORDS)}",
                "theme_id": rng.choice(theme_ids),
                "host_id": rng.choice(associations),
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=2),
                "place_name": "Maison des associations",
                "address": "1 rue du Pont, 57000 Metz",
                "description": _text(rng, 2),
                "agenda": _text(rng, 2),
                "is_public": True,
                "capacity": 30,
                "cancel_reason": "",
                "updated_at": now,
            }
        )
        for proposal_id in rng.sample(range(1, n_proposals + 1), 3):
            meeting_links.append({"meeting_id": i, "proposal_id": proposal_id})

    connection = db.session.connection()
    content_version.mark_changed(db.session)  # Core inserts, past the ORM's events
    plan = [
        (Theme.__table__, themes, "ateliers"),
        (Organisation.__table__, orgs, "organisations"),
        (organisation_theme, org_themes, "organisations × ateliers"),
        (User.__table__, users, "comptes"),
        (membership, memberships, "adhésions"),
        (Proposal.__table__, proposals, "propositions"),
        (StatusChange.__table__, changes, "changements de statut"),
        (AddressedInstitution.__table__, addressed, "institutions saisies"),
        (OfficialResponse.__table__, responses, "réponses officielles"),
        (Commitment.__table__, commitments, "engagements"),
        (Contribution.__table__, contributions, "contributions"),
        (Meeting.__table__, meetings, "réunions"),
        (meeting_proposal, meeting_links, "réunions × propositions"),
    ]
    for table, rows, label in plan:
        _insert(connection, table, rows, label)
        counts[table.name] = len(rows)
    if connection.dialect.name == "postgresql":  # explicit ids: move the sequences on
        for table, rows, _label in plan:
            if rows and "id" in rows[0]:
                connection.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f'(SELECT max(id) FROM "{table.name}"))'
                    )
                )
    db.session.commit()
    published = sum(
        1 for c in contributions if c["proposal_id"] == target and c["state"] == "published"
    )
    assert published == TARGET_CONTRIBUTIONS, published
    print(f"    seeded in {time.monotonic() - started:.1f} s")
    return counts
