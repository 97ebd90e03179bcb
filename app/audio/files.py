"""Where recordings are, when they are files: AUDIO_DIRECTORY, on a volume every app
server shares (app/services/audio_files.py writes and deletes them; app/queries/audio.py
reads them). Empty: the database keeps them."""

import os
import re
from pathlib import Path

from flask import current_app

ORIGINAL, CONVERTED = "original", "mp3"
NAME = re.compile(r"[0-9a-f]{32}\.(original|mp3)")  # always with fullmatch


class StorageMissing(Exception):
    """AUDIO_DIRECTORY is set but is not a directory (a volume not mounted, say)."""


def directory() -> Path | None:
    """The configured directory, or None: the database keeps the recordings. Never created
    here: a volume that is not mounted must not quietly become a local directory that the
    other servers never see (``writable_directory`` refuses, /readyz says so)."""
    configured = current_app.config.get("AUDIO_DIRECTORY") or ""
    return Path(configured) if configured else None


def writable_directory() -> Path:
    """The directory to write a recording into; StorageMissing when it is not there."""
    folder = directory()
    if folder is None or not folder.is_dir():
        raise StorageMissing(f"AUDIO_DIRECTORY is not a directory: {folder}")
    return folder


def check() -> str:
    """The readiness check of the recordings' directory: "ok", or why not."""
    folder = directory()
    if folder is None:
        return "ok"
    if not folder.is_dir():
        return "missing"
    return "ok" if os.access(folder, os.W_OK | os.X_OK) else "not writable"


def path_of(name: str) -> Path:
    """The file of a name found in a row (never a path: a name of ours, or refused)."""
    folder = directory()
    if folder is None or not NAME.fullmatch(name):
        raise ValueError(f"not a recording's file: {name!r}")
    return folder / name
