"""The photos of paper sheets (``app/services/paper.py`` stores them) leave with what they
served: the moderation decision, the withdrawal, or the retention period.

Every function joins their caller's transaction; this module imports no other service, so
moderation, contributions and privacy may all call it.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import Contribution, ContributionState, PaperSheetPhoto


def forget_sheet_photo(contribution: Contribution) -> None:
    """Delete the photo of the sheet a testimony was typed from (if any)."""
    if not contribution.on_paper:
        return
    db.session.execute(
        sa.delete(PaperSheetPhoto).where(PaperSheetPhoto.contribution_id == contribution.id)
    )


def forget_sheet_photos(condition) -> int:
    """Delete the photos of the testimonies matching ``condition`` (a deleted account's
    withdrawn testimonies, the purge's); how many."""
    contribution_ids = sa.select(Contribution.id).where(condition)
    return db.session.execute(
        sa.delete(PaperSheetPhoto)
        .where(PaperSheetPhoto.contribution_id.in_(contribution_ids))
        .execution_options(synchronize_session=False)
    ).rowcount


def purge_old_sheet_photos(now: datetime) -> int:
    """Delete the photos that no longer serve: their testimony withdrawn or already decided
    (a decision missed them), or still waiting after the guests' retention period
    (GUEST_CONTACT_RETENTION_DAYS); how many."""
    limit = now - timedelta(days=current_app.config["GUEST_CONTACT_RETENTION_DAYS"])
    old = PaperSheetPhoto.created_at < limit
    served = sa.or_(
        Contribution.withdrawn_at.is_not(None), Contribution.state != ContributionState.PENDING
    )
    return (
        forget_sheet_photos(served)
        + db.session.execute(
            sa.delete(PaperSheetPhoto).where(old).execution_options(synchronize_session=False)
        ).rowcount
    )
