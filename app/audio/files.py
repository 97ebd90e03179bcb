"""Where recordings are, when they are files: AUDIO_DIRECTORY, on a volume every app
server shares (app/services/audio_files.py writes and deletes them; app/queries/audio.py
reads them). Empty: the database keeps them."""

import re
from pathlib import Path

from flask import current_app

ORIGINAL, CONVERTED = "original", "mp3"
NAME = re.compile(r"^[0-9a-f]{32}\.(original|mp3)$")


def directory() -> Path | None:
    """The configured directory (created if missing), or None: the database keeps them."""
    configured = current_app.config.get("AUDIO_DIRECTORY") or ""
    if not configured:
        return None
    path = Path(configured)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def path_of(name: str) -> Path:
    """The file of a name found in a row (never a path: a name of ours, or refused)."""
    folder = directory()
    if folder is None or not NAME.match(name):
        raise ValueError(f"not a recording's file: {name!r}")
    return folder / name
