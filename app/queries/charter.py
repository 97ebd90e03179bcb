"""The participation charter: the version in force and the earlier ones."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import CharterVersion


def current_charter() -> CharterVersion | None:
    """The version in force: the latest published (one query, articles included)."""
    return db.session.scalar(
        sa.select(CharterVersion)
        .options(selectinload(CharterVersion.articles))
        .order_by(CharterVersion.published_at.desc(), CharterVersion.id.desc())
        .limit(1)
    )


def current_label() -> str | None:
    """The label of the version in force, in one light query."""
    return db.session.scalar(
        sa.select(CharterVersion.label)
        .order_by(CharterVersion.published_at.desc(), CharterVersion.id.desc())
        .limit(1)
    )


def versions() -> list[CharterVersion]:
    """Every version, the one in force first."""
    return list(
        db.session.scalars(
            sa.select(CharterVersion).order_by(
                CharterVersion.published_at.desc(), CharterVersion.id.desc()
            )
        )
    )


def version_by_label(label: str) -> CharterVersion | None:
    """One version with its articles, by its label (None: no such version)."""
    return db.session.scalar(
        sa.select(CharterVersion)
        .where(CharterVersion.label == label)
        .options(selectinload(CharterVersion.articles))
    )
