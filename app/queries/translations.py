"""Reads about translations: which languages a text is in, the translators' queue, the
side-by-side form's rows (writes: ``app/services/translations.py``)."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Translation
from app.web.content_language import kind_of


def languages_of(obj) -> list[str]:
    """The languages an object has a translation in (besides its French original)."""
    statement = (
        sa.select(Translation.lang)
        .where(Translation.kind == kind_of(obj), Translation.object_id == obj.id)
        .distinct()
        .order_by(Translation.lang)
    )
    return ["fr", *db.session.scalars(statement)]
