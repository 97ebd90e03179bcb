"""The house stays tidy: few loose modules, no two modules a reader could confuse, and the
map (docs/architecture.md) names every package."""

from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"
DOCS = APP.parent / "docs" / "architecture.md"
# Folders holding one module per area, side by side: services/proposals.py next to
# queries/proposals.py is the point, not a confusion.
LAYERS = {"models", "services", "policy", "queries", "api"}
# The names every blueprint package repeats.
BLUEPRINT_FILES = {"__init__", "views", "forms"}
MAX_TOP_LEVEL = 10


def _modules() -> list[Path]:
    return [p for p in APP.rglob("*.py") if "translations" not in p.parts]


def _stem(path: Path) -> str:
    return path.stem.rstrip("s")  # "session" and "sessions" read as the same name


def test_few_modules_are_left_at_the_top_level():
    top = sorted(p.name for p in APP.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL, top


def test_no_module_shares_its_name_outside_the_layers():
    modules = _modules()
    clashes = []
    for path in modules:
        folder = path.parent.name
        if folder in LAYERS or path.stem in BLUEPRINT_FILES:
            continue
        same = [other for other in modules if other != path and _stem(other) == _stem(path)]
        if same:
            clashes.append((str(path.relative_to(APP)), [str(o.relative_to(APP)) for o in same]))
    assert not clashes


def test_the_map_names_every_package():
    text = DOCS.read_text()
    areas = next(line for line in text.splitlines() if "areas:" in line)
    areas = areas.split("areas:")[1].replace(",", " ").split()
    packages = sorted(p.parent.name for p in APP.glob("*/__init__.py"))
    missing = [name for name in packages if f"`app/{name}/`" not in text and name not in areas]
    assert not missing, missing


def _star_exports(module) -> dict:
    """What ``from module import *`` gives: ``__all__`` if the module defines it, else its
    names not starting with an underscore."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [name for name in vars(module) if not name.startswith("_")]
    return {name: getattr(module, name) for name in names}


def test_no_two_policy_modules_export_one_name_for_different_things():
    """``app/policy/__init__.py`` star-imports every area: a name two areas define would be
    silently the last one's (a ``role_fits`` once broke every request to join)."""
    import importlib
    import pkgutil

    import app.policy as package

    seen: dict[str, tuple[str, object]] = {}
    clashes = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"app.policy.{info.name}")
        for name, value in _star_exports(module).items():
            if name in seen and seen[name][1] is not value:
                clashes.append((name, seen[name][0], info.name))
            seen.setdefault(name, (info.name, value))
    assert not clashes, clashes
