"""Every interface string is in the English catalogue, and English pages use it."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def _catalogue(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def test_every_string_is_translated(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "--ignore-dirs",
            ".*",  # the default also skips templates/_macros
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    english = _catalogue(ROOT / "app/translations/en/LC_MESSAGES/messages.po")
    missing = [
        message.id
        for message in _catalogue(pot)
        if message.id and (english.get(message.id) is None or not english[message.id].string)
    ]
    assert missing == []


def test_english_pages(client):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Proposals" in html
    assert "Propositions" not in html
