"""The participation charter: its versions, and who has accepted the one in force."""

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from app import policy
from app.extensions import db
from app.models import AuditAction, CharterArticle, CharterVersion, User, utcnow
from app.queries.charter import current_label
from app.services import PermissionDenied, ServiceError, audit, retry_when_busy

ARTICLE_HEADING = re.compile(r"^##\s*(.+?)\s*$", re.MULTILINE)


def has_accepted_current(user: User) -> bool:
    """Whether this account accepted the version in force (always true with no charter)."""
    label = current_label()
    return label is None or user.charter_version == label


@retry_when_busy
def accept_current(user: User) -> None:
    """Record that the person accepted the version in force, now."""
    user.charter_version = current_label() or user.charter_version
    user.charter_accepted_at = utcnow()
    db.session.commit()


def parse_articles(text: str) -> list[tuple[str, str]]:
    """Articles written as '## Title' lines, each followed by its text."""
    parts = ARTICLE_HEADING.split(text.replace("\r\n", "\n"))
    if parts[0].strip():
        raise ServiceError(_("Commencez par le titre du premier article (une ligne « ## Titre »)."))
    articles = [
        (title.strip(), body.strip()) for title, body in zip(parts[1::2], parts[2::2], strict=True)
    ]
    if not articles:
        raise ServiceError(
            _("Écrivez au moins un article (une ligne « ## Titre », puis son texte).")
        )
    if any(not body for _title, body in articles):
        raise ServiceError(_("Chaque article a besoin d’un texte sous son titre."))
    return articles


def articles_as_text(charter: CharterVersion | None) -> str:
    """The articles back in the '## Title' form, to start a new version from the current."""
    if charter is None:
        return ""
    return "\n\n".join(f"## {a.title}\n{a.body}" for a in charter.articles)


def _next_label() -> str:
    year = utcnow().year
    prefix = f"{year}-"
    labels = db.session.scalars(
        sa.select(CharterVersion.label).where(CharterVersion.label.like(f"{prefix}%"))
    ).all()
    numbers = [
        int(label[len(prefix) :])
        for label in labels
        if label[len(prefix) :].isascii() and label[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1}"


@retry_when_busy
def publish_charter(admin: User, introduction: str, articles_text: str) -> CharterVersion:
    """A new version, in force at once: everyone accepts it before posting again."""
    if not policy.can_administer(admin):
        raise PermissionDenied
    articles = parse_articles(articles_text)
    version = CharterVersion(
        label=_next_label(), introduction=introduction.strip(), published_by_id=admin.id
    )
    version.articles = [
        CharterArticle(number=n, title=title, body=body)
        for n, (title, body) in enumerate(articles, start=1)
    ]
    db.session.add(version)
    admin.charter_version = version.label  # who writes it accepts it
    db.session.flush()
    audit.record(
        admin, AuditAction.CHARTER_PUBLISHED, "charter_version", version.id, label=version.label
    )
    db.session.commit()
    return version
