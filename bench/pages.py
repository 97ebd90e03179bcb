"""The pages the benchmark measures, and the targets each one is held to."""

from dataclasses import dataclass
from urllib.parse import quote

from bench.seed_texts import RARE_WORD

# Words searched for at every size: one in most documents, one in a handful, one Arabic.
SEARCH_COMMON = "logement"
SEARCH_RARE = RARE_WORD
SEARCH_ARABIC = "سكن"


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str
    reader: str | None = None  # None: a visitor; "member" or "institution": logged in
    ceiling_percent: int | None = None  # throughput target, as a share of the bare ceiling
    render_p95_ms: int | None = None  # uncached render target at 100× data (p95)
    server: str = "app"  # "bare": the bare Flask app, the ceiling


PAGES = [
    Page("bare", "Plafond : Flask nu", "/bench/hello", server="bare"),
    Page("hello", "/bench/hello (tous les crochets)", "/bench/hello"),
    Page("list", "Liste des propositions", "/propositions", ceiling_percent=30),
    Page(
        "proposal",
        "Proposition (50 contributions)",
        "/propositions/1",
        ceiling_percent=30,
        render_p95_ms=15,
    ),
    Page("workshop", "Page d’atelier", "/ateliers/atelier-4"),
    Page("board", "Tableau de suivi", "/suivi", render_p95_ms=50),
    Page("synthesis", "Bilan", "/bilan", render_p95_ms=50),
    Page(
        "search_common",
        f"Recherche « {SEARCH_COMMON} »",
        f"/recherche?q={quote(SEARCH_COMMON)}",
        render_p95_ms=50,
    ),
    Page(
        "search_rare",
        f"Recherche « {SEARCH_RARE} »",
        f"/recherche?q={quote(SEARCH_RARE)}",
        render_p95_ms=50,
    ),
    Page(
        "search_arabic",
        f"Recherche « {SEARCH_ARABIC} »",
        f"/recherche?q={quote(SEARCH_ARABIC)}",
        render_p95_ms=50,
    ),
    Page("api", "API : propositions", "/api/v1/proposals"),
    Page("list_auth", "Liste (connecté·e)", "/propositions", "member", ceiling_percent=15),
    Page(
        "proposal_auth",
        "Proposition (connecté·e)",
        "/propositions/1",
        "member",
        ceiling_percent=15,
    ),
    Page(
        "inbox",
        "Espace institution (connecté·e)",
        "/espace-institution",
        "institution",
        render_p95_ms=50,
    ),
]

BY_KEY = {page.key: page for page in PAGES}
