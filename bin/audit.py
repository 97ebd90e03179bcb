#!/usr/bin/env python3
"""Dependency audit (`make audit`): pip-audit over the project's environment, read honestly.

pip-audit says "No known vulnerabilities found" even when it checked nothing: a package its
vulnerability service does not answer for is skipped ("not found on PyPI"), and the summary
does not count it. This reads pip-audit's JSON instead and says what really happened:

- a known vulnerability: each one listed, exit 1;
- packages skipped (the service out of reach, or a package it does not know):
  "not checked: N packages", exit 0 (a machine without the service cannot fail the build);
- "checked N packages, no known vulnerability" only for packages really checked;
- pip-audit itself unable to reach its service at all: "not checked", exit 0; any other
  failure of pip-audit: exit 2.

Arguments are passed to pip-audit (e.g. `-r requirements.lock`). Run with the project's
virtualenv Python, whose packages are the ones audited. `--report FILE` reads a JSON report
pip-audit wrote earlier (`pip-audit -f json -o FILE`) instead of running it.
"""

import json
import subprocess
import sys

PIP_AUDIT = [sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner", "off"]
# The project itself (installed editable) is on no index: nothing to look up.
DEFAULT_ARGS = ["--skip-editable"]
UNREACHABLE = (
    "ConnectionError",
    "NameResolutionError",
    "Max retries exceeded",
    "Timeout",
    "timed out",
    "Temporary failure in name resolution",
    "Network is unreachable",
)


def _packages(count: int) -> str:
    return f"{count} package" if count == 1 else f"{count} packages"


def interpret(report: dict) -> tuple[int, list[str]]:
    """The exit status and the lines to print for one pip-audit JSON report."""
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    checked = [d for d in dependencies if not d.get("skip_reason")]
    vulnerable = [d for d in checked if d.get("vulns")]
    lines = []
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            lines.append(
                f"VULNERABLE {dependency['name']} {dependency.get('version', '?')}: "
                f"{vuln.get('id', '?')} (fixed in: {fixes})"
            )
    if vulnerable:
        count = sum(len(d["vulns"]) for d in vulnerable)
        lines.append(f"{count} known vulnerabilities in {_packages(len(vulnerable))}")
    elif checked:
        lines.append(f"checked {_packages(len(checked))}, no known vulnerability")
    if skipped:
        lines.append(
            f"not checked: {_packages(len(skipped))} (the vulnerability service did not answer "
            f"for them; e.g. {skipped[0]['skip_reason']})"
        )
    if not dependencies:
        lines.append("not checked: pip-audit found no package to audit")
    return (1 if vulnerable else 0), lines


def interpret_failure(stderr: str) -> tuple[int, list[str]]:
    """pip-audit gave no report: out of reach of its service (not checked), or broken."""
    last = stderr.strip().splitlines()[-1] if stderr.strip() else "no message"
    if any(marker in stderr for marker in UNREACHABLE):
        return 0, [f"not checked: the vulnerability service could not be reached ({last})"]
    return 2, [f"pip-audit failed: {last}"]


def run_pip_audit(argv: list[str]) -> tuple[str, str]:
    """pip-audit's JSON report and its messages."""
    command = [*PIP_AUDIT, *DEFAULT_ARGS, *argv]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return result.stdout, result.stderr


def main(argv: list[str]) -> int:
    if argv[:1] == ["--report"] and len(argv) == 2:
        with open(argv[1], encoding="utf-8") as handle:
            stdout, stderr = handle.read(), ""
    else:
        try:
            import pip_audit  # noqa: F401
        except ImportError:
            print("pip-audit is not installed: `make install` installs the dev extras")
            return 2
        stdout, stderr = run_pip_audit(argv)
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError:
        status, lines = interpret_failure(stderr)
    else:
        status, lines = interpret(report)
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
