"""Where the read side lives: pages, the API and search read through app/queries/ (one
module per area), views build no select of their own, queries never write, and who may read
a contribution is written in one place."""

import re
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"

# A select a view may keep, with why. Matched against the stripped line.
# (none today: a workshop named in a URL is loaded by app/web/loading.py)
ALLOWED_VIEW_SELECTS: dict[str, str] = {}


def _views() -> list[Path]:
    return sorted([*APP.glob("*/views.py"), *(APP / "api").glob("*.py")])


def _relative(path: Path) -> str:
    return str(path.relative_to(APP.parent))


def test_reads_have_one_home_per_area():
    assert not (APP / "queries.py").exists()
    assert (APP / "queries" / "__init__.py").exists()
    for gone in ("accountability.py", "synthesis.py"):  # read-only "services", now queries
        assert not (APP / "services" / gone).exists(), gone


def test_views_and_the_api_build_no_select():
    """A page's query goes to app/queries/<area>.py, where the next reader finds it."""
    found = []
    for path in _views():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "select(" not in line:
                continue
            if any(allowed in line for allowed in ALLOWED_VIEW_SELECTS):
                continue
            found.append(f"{_relative(path)}:{number}: {line.strip()}")
    assert not found, "move these reads to app/queries/:\n" + "\n".join(found)


def test_queries_never_write():
    writes = re.compile(r"\.commit\(|\.flush\(|session\.add\(|sa\.(update|insert|delete)\(")
    found = [
        f"{_relative(path)}: {match.group(0)}"
        for path in sorted((APP / "queries").glob("*.py"))
        for match in writes.finditer(path.read_text())
    ]
    assert not found, found


def test_the_public_state_of_a_contribution_is_tested_in_one_place():
    """``visible_to_public`` and ``is_visible_to_public`` say who may read a contribution;
    nowhere else compares a contribution's state to "published" to decide it."""
    rule = APP / "queries" / "contributions.py"
    pattern = re.compile(r"state (==|is) ContributionState\.PUBLISHED")
    found = [
        _relative(path)
        for path in sorted(APP.rglob("*.py"))
        if path != rule and pattern.search(path.read_text()) and _decides_visibility(path)
    ]
    assert not found, found


def _decides_visibility(path: Path) -> bool:
    """Pages, the API, search and exports; not the services and policy predicates that ask
    whether one may act on a published contribution (reply, flag, edit)."""
    parts = path.relative_to(APP).parts
    return parts[0] in ("queries", "search", "api", "board", "privacy") or parts[-1] == "views.py"
