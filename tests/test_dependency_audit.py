"""`make audit` (bin/audit.py) reads pip-audit's JSON honestly: a vulnerability fails, a
package skipped is "not checked", never a pass. Recorded reports, no network."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bin" / "audit.py"
REPORTS = Path(__file__).parent / "data" / "pip_audit"


def _audit(report: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--report", str(REPORTS / report)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_known_vulnerability_fails_and_is_listed():
    result = _audit("vulnerable.json")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "VULNERABLE jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in: 3.1.3)" in result.stdout
    assert "VULNERABLE jinja2 3.1.2: GHSA-h75v-3vvj-5mfj (fixed in: 3.1.4)" in result.stdout
    assert "2 known vulnerabilities in 1 package" in result.stdout
    assert "not checked: 1 package " in result.stdout  # werkzeug, skipped, said so
    assert "no known vulnerability" not in result.stdout


def test_packages_the_service_did_not_answer_for_are_not_checked_not_passed():
    """pip-audit printed "No known vulnerabilities found" for this very report."""
    result = _audit("unreachable.json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("not checked: 4 packages")
    assert "no known vulnerability" not in result.stdout.lower()
    assert "checked 4" not in result.stdout


def test_a_clean_report_says_how_many_packages_were_checked():
    result = _audit("clean.json")
    assert result.returncode == 0
    assert result.stdout.strip() == "checked 3 packages, no known vulnerability"


@pytest.mark.parametrize(
    ("stderr", "status", "says"),
    [
        (
            "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev', "
            "port=443): Max retries exceeded (NameResolutionError)",
            0,
            "not checked: the vulnerability service could not be reached",
        ),
        ("pip-audit: error: unrecognized arguments: --bad", 2, "pip-audit failed"),
    ],
)
def test_pip_audit_without_a_report(stderr, status, says):
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import audit
    finally:
        sys.path.remove(str(SCRIPT.parent))
    code, lines = audit.interpret_failure(stderr)
    assert code == status
    assert lines[0].startswith(says)
