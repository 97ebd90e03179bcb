"""Flame graphs of the proposal page under load, served from the page cache and rendered
each time (page cache off), recorded by py-spy from every worker of a gunicorn server."""

import shutil
import subprocess
import threading

from bench.servers import Server, wrk
from bench.settings import PROFILE_SECONDS, RESULTS, VENV_BIN, say

PATH = "/propositions/1"


def py_spy() -> str | None:
    found = VENV_BIN / "py-spy"
    return str(found) if found.exists() else shutil.which("py-spy")


def record(server: Server, output: str) -> str:
    """An SVG flame graph of `server` while wrk loads the proposal page."""
    command = [py_spy(), "record", "--pid", str(server.process.pid), "--subprocesses"]
    command += ["--duration", str(PROFILE_SECONDS), "--rate", "250", "--nonblocking"]
    command += ["--format", "flamegraph", "--output", str(RESULTS / output)]
    load = threading.Thread(target=wrk, args=(server.port, PATH, PROFILE_SECONDS + 2, None))
    load.start()
    subprocess.run(command, check=True, capture_output=True)
    load.join()
    server.drain()
    say(f"    flame graph: bench/results/{output}")
    return f"bench/results/{output}"
