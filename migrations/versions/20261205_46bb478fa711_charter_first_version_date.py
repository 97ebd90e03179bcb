"""The first charter version's publication date: the day it shipped, not the assises

The revision that created the charter versions (c1cdd0a990f8, 26 November 2026) gave the
first version, "2015-1", a publication date of 30 April 2015 at 16:00 — a date no document
gives. Its row now carries the day that revision shipped, when it still holds that
invented value (an admin's later correction is kept). Its label stays: accounts store it.

Data only. The downgrade leaves the date as it is: the old value was never true.

Revision ID: 46bb478fa711
Revises: 7f5fd2aba7f1
Create Date: 2026-12-05 09:20:00

"""

from datetime import datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "46bb478fa711"
down_revision = "7f5fd2aba7f1"
branch_labels = None
depends_on = None

INVENTED = datetime(2015, 4, 30, 16, 0)
SHIPPED = datetime(2026, 11, 26, 0, 0)

charter_version = sa.table(
    "charter_version",
    sa.column("label", sa.String),
    sa.column("published_at", sa.DateTime),
)


def upgrade():
    op.execute(
        charter_version.update()
        .where(charter_version.c.label == "2015-1", charter_version.c.published_at == INVENTED)
        .values(published_at=SHIPPED)
    )


def downgrade():
    pass
