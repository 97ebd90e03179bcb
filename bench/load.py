"""Every page under load at every size, the ceiling in the same run, and the soak."""

import sys
import time

from bench.pages import BY_KEY, PAGES
from bench.servers import Server, combine, measure_half, wrk
from bench.settings import SOAK_SECONDS, say


def measure(bare: Server, servers: dict[int, Server], cookies: dict[int, dict]) -> dict:
    """Every page at every size: {scale: {page key: figures}}.

    A page is measured in two halves per size, in the order 1×, 10×, 100×, 100×, 10×, 1×:
    the sizes compared share the machine's moment (on a shared machine the speed drifts
    over minutes), and neither always comes first. The bare ceiling is measured the same
    way, once at the start of the run and once at its end, so that each page's share of it
    is taken against the machine's mean speed over the run."""
    results: dict[int, dict] = {scale: {} for scale in servers}
    order = list(servers) + list(reversed(servers))
    halves = {key: {scale: [] for scale in servers} for key in BY_KEY}
    steps = [("bare", order[: len(servers)])]
    steps += [(page.key, order) for page in PAGES if page.server != "bare"]
    steps += [("bare", order[len(servers) :])]
    for n, (key, scales) in enumerate(steps, 1):
        page = BY_KEY[key]
        for scale in scales:
            server = bare if page.server == "bare" else servers[scale]
            cookie = cookies[scale].get(page.reader) if page.reader else None
            warm = not halves[key][scale]
            sys.stdout.write(f"    [{n}/{len(steps)}] {page.label:<34} {scale:>3}× ")
            halves[key][scale].append(measure_half(server, page.path, cookie, warm))
    for key, by_scale in halves.items():
        for scale, (first, second) in by_scale.items():
            results[scale][key] = combine(first, second)
    return results


SOAK_PAGES = ["proposal", "list", "proposal_auth", "search_common", "board", "inbox"]


def soak(server: Server, cookies: dict) -> dict:
    """SOAK_SECONDS of load on one server, a minute at a time across the pages people read
    most (each minute on the next page), and each worker's resident memory after each minute:
    a worker that keeps what it served grows from one minute to the next."""
    minutes = []
    started = time.monotonic()
    for minute in range(max(1, SOAK_SECONDS // 60)):
        page = BY_KEY[SOAK_PAGES[minute % len(SOAK_PAGES)]]
        cookie = cookies.get(page.reader) if page.reader else None
        figures = wrk(server.port, page.path, 60, cookie)
        server.drain()
        memory = server.worker_memory_mb()
        minutes.append(
            {"minute": minute + 1, "page": page.key, "rps": figures["rps"], "rss_mb": memory}
        )
        say(f"    soak minute {minute + 1}: {page.label}, {figures['rps']:.0f} req/s, {memory} MiB")
    return {"seconds": round(time.monotonic() - started), "minutes": minutes}
