"""The benchmark's translations (English and Arabic, one row per object, field and language)
and notifications.

A share of proposals, official responses (with their commitments), meetings and follow-up
updates are translated, proposal 1 into both languages; a few translations are outdated
(their original changed since), some were made by the network itself, the others by one
of the volunteer translators.
"""

from collections.abc import Iterator
from datetime import timedelta
from itertools import count

from app.models import source_digest
from bench.seed_rows import TARGET_PROPOSAL_ID, World
from bench.seed_texts import text, title

# The share of each kind translated into each language.
SHARES = {
    "proposal": {"en": 0.2, "ar": 0.1},
    "response": {"en": 0.1, "ar": 0.05},
    "meeting": {"en": 0.3, "ar": 0.2},
    "update": {"en": 0.1, "ar": 0.05},
}


def translations(world: World) -> Iterator[dict]:
    """Every translation row, kind by kind."""
    rng = world.rng(8)
    ids = count(1)

    def row(kind, object_id, field, lang, translated, original, when):
        by_network = rng.random() < 0.3
        return {
            "id": next(ids),
            "kind": kind,
            "object_id": object_id,
            "field": field,
            "lang": lang,
            "text": translated,
            "source_hash": source_digest(original),
            "source_text": original,
            "outdated": rng.random() < 0.05,
            "translator_id": None if by_network else rng.choice(world.translators[lang]),
            "by_network": by_network,
            "revision": 1,
            "created_at": when,
            "updated_at": when,
        }

    def languages(kind: str, always: bool = False) -> list[str]:
        return [lang for lang, share in SHARES[kind].items() if always or rng.random() < share]

    for p in world.proposals:
        when = p["created_at"] + timedelta(days=5)
        for lang in languages("proposal", p["id"] == TARGET_PROPOSAL_ID):
            yield row(
                "proposal", p["id"], "title", lang, title(rng, p["id"], lang), p["title"], when
            )
            yield row(
                "proposal", p["id"], "easy_read", lang, text(rng, 2, lang), p["easy_read"], when
            )
            yield row("proposal", p["id"], "body", lang, text(rng, 6, lang), p["body"], when)
    commitments_of: dict[int, list[dict]] = {}
    for c in world.commitments:
        commitments_of.setdefault(c["response_id"], []).append(c)
    for r in world.responses:
        when = r["created_at"] + timedelta(days=3)
        for lang in languages("response", r["proposal_id"] == TARGET_PROPOSAL_ID):
            yield row("response", r["id"], "body", lang, text(rng, 3, lang), r["body"], when)
            if r["easy_read"]:
                yield row(
                    "response", r["id"], "easy_read", lang, text(rng, 1, lang), r["easy_read"], when
                )
            for c in commitments_of.get(r["id"], []):
                action = text(rng, 1, lang)[:290]
                yield row("commitment", c["id"], "action", lang, action, c["action"], when)
    for m in world.meetings:
        when = m["updated_at"]
        for lang in languages("meeting"):
            yield row(
                "meeting",
                m["id"],
                "title",
                lang,
                f"{text(rng, 1, lang)[:150]} {m['id']}",
                m["title"],
                when,
            )
            yield row(
                "meeting", m["id"], "description", lang, text(rng, 2, lang), m["description"], when
            )
            yield row("meeting", m["id"], "agenda", lang, text(rng, 2, lang), m["agenda"], when)
    for u in world.updates:
        for lang in languages("update"):
            yield row(
                "update", u["id"], "body", lang, text(rng, 2, lang), u["body"], u["created_at"]
            )


def notifications(world: World) -> Iterator[dict]:
    """The bench user's 300 notifications (a third unread), and one for most others."""
    rng = world.rng(9)
    ids = count(1)
    n_proposals = len(world.proposals)

    def about(user_id: int, proposal_id: int, days: int, read: bool) -> dict:
        kind = rng.choice(["status_change", "new_response", "progress_update", "reply"])
        data, contribution_id = {}, None
        if kind == "status_change":
            data = {
                "from": "submitted",
                "to": world.proposals[proposal_id - 1]["status"],
                "reason": "",
            }
        elif kind == "new_response":
            data = {
                "institution": f"Institution {rng.choice(world.institutions)}",
                "position": "favourable",
            }
        elif kind == "progress_update":
            data = {"excerpt": text(rng, 1)}
        elif proposal_id == TARGET_PROPOSAL_ID:
            contribution_id = rng.choice(world.target_replies)
        else:
            kind, data = "progress_update", {"excerpt": text(rng, 1)}
        created = world.now - timedelta(days=days, minutes=rng.randint(0, 1440))
        return {
            "id": next(ids),
            "user_id": user_id,
            "kind": kind,
            "proposal_id": proposal_id,
            "contribution_id": contribution_id,
            "data": data,
            "created_at": created,
            "read_at": created + timedelta(hours=5) if read else None,
            "emailed_at": None,
        }

    for n in range(300):
        proposal_id = TARGET_PROPOSAL_ID if n % 5 == 0 else rng.randint(1, n_proposals)
        yield about(1, proposal_id, n // 3, read=n >= 100)
    for user_id in range(2, world.n_users + 1):
        if rng.random() < 0.8:
            yield about(
                user_id, rng.randint(1, n_proposals), rng.randint(0, 200), rng.random() < 0.7
            )
