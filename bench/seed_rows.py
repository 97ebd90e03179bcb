"""The rows of the benchmark's data set around proposals and responses: contributions (some
spoken, some on paper, some in English or Arabic), concern marks and tallies, follow-up,
meetings and their minutes, suggestions, follows, notifications and translations.

Each builder draws from its own seeded generator, so the set is the same on every run, and
the big tables are generators: the rows are made while they are written, never all held.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import count

from bench.seed_texts import (
    FIRST_NAMES,
    RARE_EVERY,
    RARE_SENTENCE,
    mp3_frame,
    text,
    title,
    webm_head,
)

TARGET_PROPOSAL_ID = 1  # exactly 50 published contributions
# Of the target's 30 published testimonies: these are spoken; these written in English or
# Arabic (the others in French).
TARGET_SPOKEN = (3, 8, 13, 21)
TARGET_WRITTEN_IN = {5: "ar", 11: "en", 17: "ar"}


@dataclass
class World:
    """What the builders share: the ids made so far, by role."""

    seed_value: int
    now: datetime
    theme_ids: list[int] = field(default_factory=list)
    associations: list[int] = field(default_factory=list)
    institutions: list[int] = field(default_factory=list)
    n_users: int = 0
    members_of: dict[int, list[int]] = field(default_factory=dict)  # association → members
    moderators: list[int] = field(default_factory=list)
    translators: dict[str, list[int]] = field(default_factory=dict)
    places_of: dict[int, list[int]] = field(default_factory=dict)
    proposals: list[dict] = field(default_factory=list)
    responses_of: dict[int, list[int]] = field(default_factory=dict)
    responses: list[dict] = field(default_factory=list)
    commitments: list[dict] = field(default_factory=list)
    meetings: list[dict] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)
    target_published: int = 0
    target_replies: list[int] = field(default_factory=list)
    spoken: list[dict] = field(default_factory=list)
    decisions: list[dict] = field(default_factory=list)

    @property
    def today(self) -> date:
        return self.now.date()

    def rng(self, salt: int) -> random.Random:
        return random.Random(self.seed_value * 1000 + salt)

    def user(self, rng: random.Random) -> int:
        return rng.randint(1, self.n_users)


def _lang(rng: random.Random) -> str:
    roll = rng.random()
    return "ar" if roll < 0.015 else "en" if roll < 0.025 else "fr"


def contributions(world: World, total: int) -> Iterator[dict]:
    """Proposal 1 gets exactly 50 published ones (30 testimonies, 15 comments, 5 replies)
    and 3 held ones; the rest are spread over the other proposals. About 4 testimonies in a
    hundred are spoken (their audio rows go to `world.spoken`), 3 in a hundred typed in from
    paper; hidden and rejected ones have their moderation decision (`world.decisions`)."""
    rng = world.rng(1)
    mp3, webm = mp3_frame(rng), webm_head(rng)
    comments_of: dict[int, list[int]] = {}
    paper_authors = [
        (member, org)
        for org, members in world.members_of.items()
        if world.places_of.get(org)
        for member in members
    ]
    ids = count(1)
    n_testimonies = 0

    def make(proposal_id, kind, state, parent_id=None, response_id=None, lang=None, spoken=None):
        nonlocal n_testimonies
        cid = next(ids)
        proposal = world.proposals[proposal_id - 1]
        created = min(
            proposal["created_at"]
            + timedelta(days=rng.randint(0, 300), minutes=rng.randint(0, 1440)),
            world.now,
        )
        lang = lang or _lang(rng)
        testimony = kind == "testimony"
        n_testimonies += testimony
        paper = testimony and spoken is None and rng.random() < 0.03 and bool(paper_authors)
        spoken = testimony and not paper and (rng.random() < 0.04 if spoken is None else spoken)
        guest = testimony and not paper and rng.random() < 0.2
        anonymous = rng.random() < 0.25
        author, recorded_for, place, collected = None, None, None, None
        if paper:
            author, recorded_for = rng.choice(paper_authors)
            place = rng.choice(world.places_of[recorded_for])
            collected = max(
                created.date() - timedelta(days=rng.randint(0, 20)), proposal["created_at"].date()
            )
        elif guest:
            author = None
        else:
            author = world.user(rng)
        said = text(rng, rng.randint(1, 5 if testimony else 3), lang)
        if lang == "fr" and cid % RARE_EVERY == 0:
            said = f"{said} {RARE_SENTENCE}"
        featured = state == "published" and testimony and rng.random() < 0.003
        row = {
            "id": cid,
            "proposal_id": proposal_id,
            "kind": kind,
            "parent_id": parent_id,
            "response_id": response_id,
            "author_id": author,
            "display_mode": "anonymous" if anonymous else "pseudonym",
            "body": "" if spoken else said,
            "lang": lang,
            "state": state,
            "guest_name": f"Invité {cid}"
            if guest
            else rng.choice(FIRST_NAMES)
            if paper and not anonymous
            else "",
            "guest_contact": "",
            "recorded_for_id": recorded_for,
            "consent_confirmed_at": created if paper else None,
            "on_paper": paper,
            "collected_on": collected,
            "place_id": place,
            "created_at": created,
            "version": 1 if state in ("published", "pending") else 2,
            "featured_at": created + timedelta(days=3) if featured else None,
            "featured_by_id": rng.choice(world.moderators) if featured else None,
        }
        if kind == "comment":
            comments_of.setdefault(proposal_id, []).append(cid)
        if proposal_id == TARGET_PROPOSAL_ID and state == "published":
            world.target_published += 1
        if spoken:
            _record(world, rng, row, said, mp3, webm, guest)
        if state in ("hidden", "rejected"):
            _decide(world, rng, row)
        return row

    target = TARGET_PROPOSAL_ID
    for n in range(1, 31):
        yield make(
            target,
            "testimony",
            "published",
            lang=TARGET_WRITTEN_IN.get(n, "fr"),
            spoken=n in TARGET_SPOKEN,
        )
    for _ in range(15):
        yield make(target, "comment", "published", lang="fr")
    for n in range(5):
        row = make(target, "reply", "published", comments_of[target][n], lang="fr")
        world.target_replies.append(row["id"])
        yield row
    for state in ("pending", "pending", "hidden"):
        yield make(target, "testimony", state, spoken=False)
    states, weights = ["published", "pending", "hidden", "rejected"], [85, 8, 4, 3]
    n_proposals = len(world.proposals)
    for _ in range(total - 53):
        proposal_id = rng.randint(2, n_proposals)
        kind = rng.choices(["testimony", "comment", "reply"], weights=[45, 40, 15])[0]
        parents = comments_of.get(proposal_id)
        answers = world.responses_of.get(proposal_id)
        state = rng.choices(states, weights=weights)[0]
        if kind == "reply" and answers and rng.random() < 0.2:  # the right of reply
            yield make(proposal_id, "reply", state, response_id=rng.choice(answers))
        elif kind == "reply" and parents:
            yield make(proposal_id, "reply", state, rng.choice(parents))
        else:
            yield make(proposal_id, "comment" if kind == "reply" else kind, state)


def _record(world, rng, row, said, mp3, webm, guest) -> None:
    """The converted recording of a spoken testimony, its transcript written by a moderator
    (the original deleted once decided)."""
    decided = row["state"] != "pending"
    world.spoken.append(
        {
            "id": len(world.spoken) + 1,
            "contribution_id": row["id"],
            "state": "ready",
            "disguised": guest or row["display_mode"] == "anonymous",
            "duration_seconds": round(rng.uniform(8, 120), 1),
            "original_media_type": "audio/webm;codecs=opus",
            "original_size": len(webm) * 40,
            "original": None if decided else webm,
            "media_type": "audio/mpeg",
            "media_size": len(mp3),
            "media": mp3,
            "transcript": said if decided else "",
            "transcript_by_id": rng.choice(world.moderators) if decided else None,
            "attempts": 1,
            "converted_at": row["created_at"] + timedelta(minutes=2),
            "original_deleted_at": row["created_at"] + timedelta(days=1) if decided else None,
            "created_at": row["created_at"],
        }
    )


def _decide(world, rng, row) -> None:
    hidden = row["state"] == "hidden"
    world.decisions.append(
        {
            "id": len(world.decisions) + 1,
            "contribution_id": row["id"],
            "moderator_id": rng.choice(world.moderators),
            "action": "hide" if hidden else "reject",
            "reason": rng.choice(["insult", "personal_data", "off_topic", "spam"]),
            "details": "",
            "from_state": "published" if hidden else "pending",
            "to_state": row["state"],
            "created_at": row["created_at"] + timedelta(days=1),
        }
    )


def concern_counts(world: World) -> tuple[list[int], list[dict]]:
    """How many accounts said each proposal concerns them, and the associations' tallies;
    sets each proposal's `concerned_count` to their sum, as the service keeps it."""
    rng = world.rng(2)
    marks = [min(int(rng.paretovariate(1.2)) - 1, 300) for _ in world.proposals]
    marks[TARGET_PROPOSAL_ID - 1] = 40
    tallies = []
    counted = [a for a in world.associations if world.places_of.get(a)]
    for proposal, n_marks in zip(world.proposals, marks, strict=True):
        people = 0
        if rng.random() < 0.08 or proposal["id"] == TARGET_PROPOSAL_ID:
            for org in rng.sample(counted, rng.randint(1, 2)):
                met = min(
                    proposal["created_at"].date() + timedelta(days=rng.randint(1, 200)), world.today
                )
                members = world.members_of.get(org)
                tallies.append(
                    {
                        "id": len(tallies) + 1,
                        "proposal_id": proposal["id"],
                        "organisation_id": org,
                        "people": rng.randint(2, 60),
                        "met_on": met,
                        "place_id": rng.choice(world.places_of[org]),
                        "note": "Personnes rencontrées à l’accueil",
                        "recorded_by_id": rng.choice(members) if members else None,
                        "created_at": datetime.combine(met, datetime.min.time())
                        + timedelta(hours=18),
                    }
                )
                people += tallies[-1]["people"]
        proposal["concerned_count"] = n_marks + people
    return marks, tallies


def concern_marks(world: World, marks: list[int]) -> Iterator[dict]:
    """Anonymous marks of accounts, once per person and proposal."""
    rng = world.rng(3)
    ids = count(1)
    for proposal, n_marks in zip(world.proposals, marks, strict=True):
        for user_id in rng.sample(range(1, world.n_users + 1), n_marks):
            yield {
                "id": next(ids),
                "proposal_id": proposal["id"],
                "user_id": user_id,
                "anonymous": True,
                "created_at": proposal["created_at"] + timedelta(days=rng.randint(0, 100)),
            }


def progress_updates(world: World) -> list[dict]:
    """News on the proposals under way or done, from the association that carries them."""
    rng = world.rng(4)
    rows = []
    for proposal in world.proposals:
        if (
            proposal["status"] not in ("in_progress", "done")
            and proposal["id"] != TARGET_PROPOSAL_ID
        ):
            continue
        for n in range(rng.randint(1, 3)):
            rows.append(
                {
                    "id": len(rows) + 1,
                    "proposal_id": proposal["id"],
                    "author_id": world.user(rng),
                    "organisation_id": proposal["organisation_id"],
                    "body": text(rng, rng.randint(1, 3)),
                    "created_at": proposal["created_at"] + timedelta(days=40 + 30 * n),
                }
            )
    world.updates = rows
    return rows


def minutes(world: World) -> tuple[list[dict], list[dict], list[dict]]:
    """The minutes of past meetings: most validated, the recent ones open for amendments,
    some with an amendment waiting."""
    rng = world.rng(5)
    books, versions, amendments = [], [], []
    for meeting in world.meetings:
        if meeting["starts_at"] > world.now or rng.random() < 0.3:
            continue
        written = meeting["ends_at"] + timedelta(days=3)
        open_ = world.now - meeting["starts_at"] < timedelta(days=60)
        book_id = len(books) + 1
        books.append(
            {
                "id": book_id,
                "meeting_id": meeting["id"],
                "state": "open" if open_ else "validated",
                "amendments_until": (written + timedelta(days=15)).date(),
                "created_at": written,
                "validated_at": None if open_ else written + timedelta(days=16),
                "validated_by_id": None if open_ else meeting["secretary_id"],
            }
        )
        versions.append(
            {
                "id": len(versions) + 1,
                "minutes_id": book_id,
                "number": 1,
                "body": text(rng, rng.randint(6, 15)),
                "author_id": meeting["secretary_id"],
                "amendment_id": None,
                "note": "",
                "created_at": written,
            }
        )
        if open_ and rng.random() < 0.5:
            amendments.append(
                {
                    "id": len(amendments) + 1,
                    "minutes_id": book_id,
                    "author_id": world.user(rng),
                    "version_number": 1,
                    "passage": text(rng, 1),
                    "proposed_text": text(rng, 1),
                    "reason": "Ce n’est pas ce qui a été dit.",
                    "state": "pending",
                    "decision_reason": "",
                    "created_at": written + timedelta(days=2),
                }
            )
    return books, versions, amendments


def suggestions(world: World, total: int) -> list[dict]:
    """Participants' suggestions: most waiting, some taken up or declined."""
    rng = world.rng(6)
    rows = []
    for i in range(1, total + 1):
        state = rng.choices(["waiting", "taken_up", "declined", "withdrawn"], [60, 20, 15, 5])[0]
        created = world.now - timedelta(days=rng.randint(1, 700))
        decided = state in ("taken_up", "declined")
        rows.append(
            {
                "id": i,
                "author_id": world.user(rng),
                "display_mode": rng.choice(["pseudonym", "anonymous"]),
                "title": title(rng, i),
                "body": text(rng, rng.randint(2, 6)),
                "lang": "fr",
                "theme_id": rng.choice(world.theme_ids),
                "state": state,
                "organisation_id": rng.choice(world.associations) if state == "taken_up" else None,
                "proposal_id": rng.randint(1, len(world.proposals))
                if state == "taken_up"
                else None,
                "decided_by_id": rng.choice(world.moderators) if decided else None,
                "decided_at": created + timedelta(days=5) if decided else None,
                "reason": "Déjà proposé par ailleurs." if state == "declined" else "",
                "created_at": created,
            }
        )
    return rows


def follows(world: World) -> Iterator[dict]:
    """The bench user follows 30 proposals and 2 workshops; the others a few proposals."""
    rng = world.rng(7)
    ids = count(1)
    n_proposals = len(world.proposals)
    for user_id in range(1, world.n_users + 1):
        wanted = 30 if user_id == 1 else min(rng.randint(0, 4), n_proposals)
        chosen = {TARGET_PROPOSAL_ID} if user_id == 1 else set()
        while len(chosen) < wanted:
            chosen.add(rng.randint(1, n_proposals))
        for proposal_id in sorted(chosen):
            yield {
                "id": next(ids),
                "user_id": user_id,
                "proposal_id": proposal_id,
                "theme_id": None,
                "created_at": world.now - timedelta(days=rng.randint(1, 300)),
            }
        if user_id == 1:
            for theme_id in world.theme_ids[:2]:
                yield {
                    "id": next(ids),
                    "user_id": 1,
                    "proposal_id": None,
                    "theme_id": theme_id,
                    "created_at": world.now - timedelta(days=30),
                }
