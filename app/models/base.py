"""Shared column helpers for the models."""

import enum
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from config import SITE_TIMEZONE

# The site's time zone (Metz): the one ZoneInfo every day count and wall-clock time uses.
PARIS = ZoneInfo(SITE_TIMEZONE)


def utcnow() -> datetime:
    """Current time as a naive UTC datetime, the form every timestamp is stored in."""
    return datetime.now(UTC).replace(tzinfo=None)


def paris_today() -> date:
    """Today's date in Metz, which due dates are counted in."""
    return datetime.now(PARIS).date()


def enum_column(enum_class: type[enum.Enum], length: int = 32) -> sa.Enum:
    """A portable string column holding the enum's values (no native DB enum)."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


# Marks a column the database's triggers copy onto a row from its neighbours, for the
# tallies (docs/architecture.md): not what the person wrote, left out of their data export.
TALLY_COPY = {"tally_copy": True}


class PrivateRecord:
    """Marks a model whose rows no public page shows (login sessions, audit log, e-mails…).

    Writing such a row leaves the cached pages as they are. Every other model is content:
    writing it gives the content version a new value (app/models/content_version.py), so a
    new model drops the cached pages until it is declared private here.
    """
