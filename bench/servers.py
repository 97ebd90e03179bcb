"""gunicorn servers, wrk runs, and what the workers hold in memory."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.settings import (
    BENCH,
    CONNECTIONS,
    DURATION,
    ROOT,
    THREADS,
    USER_AGENT,
    VENV_BIN,
    WARMUP,
    WORKERS,
)


class Server:
    """`WORKERS` gunicorn sync workers serving `app` (a module:object), with the project's
    gunicorn.conf.py (gunicorn reads it from the working directory): every server of a run,
    the bare ceiling included, has the same settings."""

    def __init__(self, app: str, env: dict, log: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.app, self.env, self.log = app, env, log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        command = [str(VENV_BIN / "gunicorn"), "--workers", str(WORKERS)]
        command += ["--bind", f"127.0.0.1:{self.port}", "--timeout", "120", self.app]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/bench/hello")[0] == 200 and len(self.workers()) == WORKERS:
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise SystemExit(f"gunicorn did not start:\n{self.log.read_text()[-3000:]}")

    def __exit__(self, *_exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def worker_memory_mb(self) -> list[float]:
        """Resident memory of each worker (VmRSS), in MiB."""
        sizes = []
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status").read_text()
            line = next(x for x in status.splitlines() if x.startswith("VmRSS:"))
            sizes.append(round(int(line.split()[1]) / 1024, 1))
        return sizes

    def request(self, method: str, path: str, body=None, headers=None, timeout: float = 60):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        all_headers = {"User-Agent": USER_AGENT, **(headers or {})}
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, response.headers.get_all("Set-Cookie") or [], data

    def browse_as_reader(self, cookie: str, paths: list[str]) -> str:
        """The reader's pages once, as a browser reads them: a new session cookie (the first
        page with a form gives the session its CSRF token, which a reader's kept page is keyed
        by) replaces the old. The cookie wrk sends is the one the browser ends with."""
        name = cookie.split("=", 1)[0]
        for path in paths:
            _status, set_cookies, page = self.request("GET", path, headers={"Cookie": cookie})
            if b"/compte/deconnexion" not in page:
                raise SystemExit(f"login failed: {path} does not show a logged-in visitor")
            for header in set_cookies:
                if header.startswith(f"{name}="):
                    cookie = header.split(";", 1)[0]
        return cookie

    def drain(self) -> None:
        """gunicorn's sync workers still serve what wrk left queued: wait for that backlog."""
        for _ in range(2 * WORKERS):
            self.request("GET", "/bench/hello", timeout=600)


def wrk(port: int, path: str, seconds: int, cookie: str | None) -> dict:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["--latency", "-s", str(BENCH / "stats.lua"), "-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    line = next(x for x in output.splitlines() if x.startswith("BENCH_JSON "))
    figures = json.loads(line.removeprefix("BENCH_JSON "))
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    if not figures["requests"]:  # nothing answered in time: the latencies are unknown
        figures.update(p50=None, p95=None, p99=None)
    return figures


def measure_half(server: Server, path: str, cookie: str | None, warm: bool) -> dict:
    """Half of a page's measurement (after a warm-up when `warm`)."""
    status, _set, body = server.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    if status != 200:
        raise SystemExit(f"{path} answered {status}")
    seconds = max(DURATION // 2, 1)
    sys.stdout.write(f"{f'warm-up {WARMUP} s, ' if warm else ''}{seconds:g} s …")
    sys.stdout.flush()
    if warm and WARMUP:
        wrk(server.port, path, WARMUP, cookie)
        server.drain()
    figures = wrk(server.port, path, seconds, cookie)
    server.drain()
    figures["page_bytes"] = len(body)
    print(
        f" {figures['rps']:8.1f} req/s  p95 {ms(figures['p95'])} ms"
        + (f"  non-2xx {figures['status_errors']}" if figures["status_errors"] else ""),
        flush=True,
    )
    return figures


def combine(first: dict, second: dict) -> dict:
    """A page's two halves as one measurement: counts added, throughput over both, and
    each latency percentile the mean of the two halves' (wrk gives no histogram to merge)."""
    both = {key: first[key] + second[key] for key in first if key.endswith(("errors", "timeouts"))}
    both.update(
        requests=first["requests"] + second["requests"],
        duration_us=first["duration_us"] + second["duration_us"],
        bytes=first["bytes"] + second["bytes"],
        max=max(first["max"], second["max"]),
        page_bytes=second["page_bytes"],
    )
    both["rps"] = both["requests"] / (both["duration_us"] / 1e6)
    both["mean"] = (first["mean"] * first["requests"] + second["mean"] * second["requests"]) / (
        both["requests"] or 1
    )
    for key in ("p50", "p95", "p99"):
        known = [half[key] for half in (first, second) if half[key] is not None]
        both[key] = round(sum(known) / len(known)) if known else None
    return both


def ms(microseconds: int | None) -> str:
    return "—" if microseconds is None else f"{microseconds / 1000:.1f}"
