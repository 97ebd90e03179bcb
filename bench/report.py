"""The run's verdicts, its Markdown report, its chart and its plans, under bench/results/."""

import html
import json
from pathlib import Path

from bench.pages import BY_KEY, PAGES
from bench.servers import ms
from bench.settings import (
    CONNECTIONS,
    DURATION,
    RENDERS,
    RESULTS,
    THREADS,
    WARM_RENDERS,
    WARMUP,
    WORKERS,
)

P95_FACTOR = 10  # a page's p95 under load, at most this many times the ceiling's
SCALE_LOSS = 20  # % of throughput the largest size may cost against the smallest
RENDER_SCALE = 100  # render targets hold from this size on
MEMORY_GROWTH = 10  # % a worker's memory may grow from the soak's first minute to its last


def analyse(data: dict) -> dict:
    """Adds the derived figures and the targets' verdicts to each page."""
    scales = list(data["scales"])
    for scale in scales:
        figures = data["scales"][scale]
        ceiling = figures["pages"]["bare"]
        for page in PAGES:
            row = figures["pages"][page.key]
            row["queries"] = figures["queries"].get(page.key)  # none for the bare app
            row["render"] = figures["renders"].get(page.key)
            row["ceiling_percent"] = 100 * row["rps"] / ceiling["rps"]
            checks = {}
            if page.ceiling_percent:  # the pages held to a share of the ceiling, and to its p95
                checks["ceiling"] = row["ceiling_percent"] >= page.ceiling_percent
                checks["p95"] = row["p95"] is not None and row["p95"] <= P95_FACTOR * ceiling["p95"]
            if page.render_p95_ms and int(scale) >= RENDER_SCALE:
                checks["render"] = row["render"]["p95_ms"] <= page.render_p95_ms
            if scale != scales[0]:
                first = data["scales"][scales[0]]["pages"][page.key]
                row["change_percent"] = 100 * (row["rps"] - first["rps"]) / first["rps"]
                if page.server != "bare":
                    checks["scale"] = row["change_percent"] >= -SCALE_LOSS
            row["checks"] = checks
    soak = data.get("soak")
    if soak and len(soak["minutes"]) > 1:
        first, last = soak["minutes"][0]["rss_mb"], soak["minutes"][-1]["rss_mb"]
        soak["growth_percent"] = 100 * (max(last) - max(first)) / max(first)
        soak["checks"] = {"memory": soak["growth_percent"] <= MEMORY_GROWTH}
    return data


def mark(ok: bool | None) -> str:
    return "" if ok is None else (" ✅" if ok else " ❌")


def _method(data: dict) -> list[str]:
    return [
        f"# Benchmark — {data['database']}, {data['date']}",
        "",
        f"gunicorn {WORKERS} sync workers with the project's gunicorn.conf.py (production "
        f"config, no worker recycling, rate limits off); wrk {THREADS} threads, {CONNECTIONS} "
        f"connections, {DURATION} s per page and size after a {WARMUP} s warm-up, on the same "
        f"machine ({data['machine']}; {data.get('python', 'Python')}). **Ceiling: a bare "
        "Flask app** (`bench/bare.py`: one route returning a short HTML hello, no extension, "
        "no hook) served by the same gunicorn settings in the same run, measured at the "
        "start and at the end of the run. "
        "`/bench/hello` is the app's own route through every hook (no database, no template): "
        "the gap between the two lines is what the hooks cost. Each size is seeded, indexed "
        "and its planner statistics refreshed (`flask database analyze`, the daily timer's). "
        "One server per size; each page "
        "is measured in two halves per size in the order 1× … largest, largest … 1× "
        "(percentiles: the mean of the halves'). wrk measures pages as served: a visitor's "
        f"pages from the page cache ({data.get('page_cache', 'memory')}); the logged-in list "
        "and proposal page from the reader's own kept copy; the institution's space rendered "
        "each time. Queries and render ms: what rendering the page costs, counted and timed "
        f"in-process with the page cache off against the same database ({RENDERS} renders "
        f"after {WARM_RENDERS} to warm the page, as a worker is after its first requests: on "
        "PostgreSQL a statement is planned anew at each of its first ten executions on a "
        "connection; median and nearest-rank p95; a "
        "page slower than 20 s in all stops earlier, after 5 renders, its p95 then its "
        "slowest). **Host reference**: a fixed Jinja template rendered in-process, no app "
        "and no database (`bench/reference.py`), just before and just after each size's "
        "renders: the machine is shared, and renders of two runs compare in its units.",
        "",
        "Targets: anonymous list and proposal page ≥ 30 % of the bare ceiling, logged-in list "
        f"and proposal page ≥ 15 %, and these four pages' p95 ≤ {P95_FACTOR} × the ceiling's; the "
        f"largest size costs ≤ {SCALE_LOSS} % of throughput against 1×; rendered (page cache "
        f"off) at {RENDER_SCALE}× and more: proposal page p95 ≤ 15 ms, board, synthesis and "
        "institution space p95 ≤ 50 ms, each search p95 ≤ 50 ms; a worker's memory grows by at "
        f"most {MEMORY_GROWTH} % over the soak.",
        "",
    ]


def _sizes(data: dict) -> list[str]:
    lines = []
    for scale, figures in data["scales"].items():
        c = figures["counts"]
        lines.append(
            f"**{scale}×**: {c['proposal']:,} proposals, {c['contribution']:,} contributions, "
            f"{c['organisation']:,} organisations, {c['official_response']:,} responses, "
            f"{c['commitment']:,} commitments, {c['meeting']:,} meetings, "
            f"{c.get('translation', 0):,} translations, {c.get('audio_recording', 0):,} "
            f"recordings; seeded in {figures['seed_s']:.0f} s, indexed in "
            f"{figures['reindex_s']:.0f} s; worker memory after the run: "
            f"{' / '.join(f'{m:.0f}' for m in figures['memory_mb'])} MiB{_reference(figures)}."
        )
    return [*lines, ""]


def _reference(figures: dict) -> str:
    """The host's reference time around this size's renders (runs before it had none)."""
    if "reference_ms" not in figures:
        return ""
    before, after = figures["reference_ms"]
    return f"; host reference before / after its renders: {before:.2f} / {after:.2f} ms"


def _or_dash(value) -> str:
    return "—" if value is None else str(value)


def _render(render: dict | None) -> str:
    return "—" if render is None else f"{render['median_ms']:.1f} / {render['p95_ms']:.1f}"


def _table(data: dict) -> list[str]:
    scales = list(data["scales"])
    header = (
        "| page | size | req/s | % ceiling | p50 ms | p95 ms | p99 ms | queries | bytes "
        "| render ms p50 / p95 |"
    )
    if len(scales) > 1:
        header += " Δ req/s vs 1× |"
    lines = [header, "|" + " --- |" * (header.count("|") - 1)]
    for page in PAGES:
        for scale in scales:
            p = data["scales"][scale]["pages"][page.key]
            c = p["checks"]
            row = (
                f"| {page.label} | {scale}× | {p['rps']:.1f} | {p['ceiling_percent']:.0f} %"
                f"{mark(c.get('ceiling'))} | {ms(p['p50'])} | {ms(p['p95'])}"
                f"{mark(c.get('p95'))} | {ms(p['p99'])} | {_or_dash(p['queries'])} "
                f"| {p['page_bytes']:,} | {_render(p['render'])}{mark(c.get('render'))} |"
            )
            if len(scales) > 1:
                change = p.get("change_percent")
                row += "" if change is None else f" {change:+.0f} %{mark(c.get('scale'))}"
                row += " |"
            lines.append(row)
    return lines


def _soak(data: dict) -> list[str]:
    soak = data.get("soak")
    if not soak:
        return []
    lines = ["", f"**Soak** ({soak['seconds']} s at {soak['scale']}×, a page per minute):", ""]
    lines += ["| minute | page | req/s | memory per worker (MiB) |", "| --- | --- | --- | --- |"]
    for m in soak["minutes"]:
        label = BY_KEY[m["page"]].label
        lines.append(
            f"| {m['minute']} | {label} | {m['rps']:.0f} | {' / '.join(map(str, m['rss_mb']))} |"
        )
    if "growth_percent" in soak:
        lines.append("")
        lines.append(
            f"Largest worker, minute 1 → last: {soak['growth_percent']:+.1f} %"
            f"{mark(soak['checks']['memory'])}."
        )
    return lines


def _missed(data: dict) -> list[str]:
    failed = [
        f"{page.label} ({scale}×): {name}"
        for page in PAGES
        for scale, figures in data["scales"].items()
        for name, ok in figures["pages"][page.key]["checks"].items()
        if not ok
    ]
    if data.get("soak", {}).get("checks", {}).get("memory") is False:
        failed.append("soak: memory growth")
    return ["", f"Targets missed: {len(failed)}.", *[f"- {item}" for item in failed]]


def markdown(data: dict) -> str:
    lines = _method(data) + _sizes(data) + _table(data) + _soak(data) + _missed(data)
    lines += ["", f"Chart: `{data['svg']}`."]
    if data.get("flames"):
        lines.append(
            "Flame graphs (py-spy, every worker): "
            + ", ".join(f"`{f}`" for f in data["flames"])
            + "."
        )
    if data.get("explain"):
        lines.append(
            f"Plans of every page's queries at {data['explain_scale']}×: `{data['explain']}`."
        )
    return "\n".join(lines) + "\n"


def svg_chart(data: dict) -> str:
    """Horizontal bars: requests per second per page, one bar per size."""
    scales = list(data["scales"])
    colours = ["#2b6cb0", "#dd6b20", "#38a169", "#805ad5"]
    bar, gap, left, width, top = 14, 12, 250, 420, 50
    height = top + len(PAGES) * (len(scales) * bar + gap) + 30
    peak = max(data["scales"][s]["pages"][p.key]["rps"] for s in scales for p in PAGES) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 90}" '
        f'height="{height}" font-family="sans-serif" font-size="12" role="img" '
        f'aria-label="Requêtes par seconde par page ({data["database"]})">',
        f'<text x="10" y="20" font-size="14" font-weight="bold">Requêtes par seconde par page '
        f"— {html.escape(data['database'])}, {data['date']}</text>",
    ]
    for i, scale in enumerate(scales):
        x = 10 + i * 120
        parts.append(f'<rect x="{x}" y="30" width="10" height="10" fill="{colours[i % 4]}"/>')
        parts.append(f'<text x="{x + 14}" y="39">données {scale}×</text>')
    y = top
    for page in PAGES:
        parts.append(
            f'<text x="{left - 8}" y="{y + bar * len(scales) / 2 + 4}" '
            f'text-anchor="end">{html.escape(page.label)}</text>'
        )
        for i, scale in enumerate(scales):
            rps = data["scales"][scale]["pages"][page.key]["rps"]
            w = max(1, round(width * rps / peak))
            parts.append(
                f'<rect x="{left}" y="{y}" width="{w}" height="{bar - 2}" fill="{colours[i % 4]}"/>'
            )
            parts.append(f'<text x="{left + w + 4}" y="{y + bar - 4}">{rps:.0f}</text>')
            y += bar
        y += gap
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def explain_markdown(data: dict, plans: dict) -> str:
    lines = [
        f"# Query plans — {data['database']}, {data['date']}, {data['explain_scale']}× data",
        "",
        "Every SQL statement each page runs when rendered (page cache off), with its plan: "
        + (
            "`EXPLAIN (ANALYZE, BUFFERS)`, executed with the page's own parameters."
            if data["database"] == "postgresql"
            else "`EXPLAIN QUERY PLAN` (SQLite has no timed plan), with the page's own parameters."
        ),
        "",
    ]
    for page in PAGES:
        if not plans.get(page.key):
            continue
        lines += [f"## {page.label} (`{page.path}`)", ""]
        for n, item in enumerate(plans[page.key], 1):
            lines += [f"{n}. `{' '.join(item['sql'].split())[:300]}`", "", "```"]
            lines += item["plan"] + ["```", ""]
    return "\n".join(lines)


def write_results(data: dict, plans: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = data["stem"]
    data["svg"] = f"bench/results/{stem}.svg"
    if plans:
        data["explain"] = f"bench/results/{stem}-explain.md"
        (RESULTS / f"{stem}-explain.md").write_text(explain_markdown(data, plans))
    md, svg = markdown(data), svg_chart(data)
    payload = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    for name in (stem, f"latest-{data['database']}"):
        (RESULTS / f"{name}.md").write_text(md)
        (RESULTS / f"{name}.json").write_text(payload)
        (RESULTS / f"{name}.svg").write_text(svg)
    print()
    print(md)
    return RESULTS / f"{stem}.md"
