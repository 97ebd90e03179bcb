"""Organisations of the directory."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Organisation, OrganisationKind


def organisations_of_kind(*kinds: OrganisationKind) -> list[Organisation]:
    return list(
        db.session.scalars(
            sa.select(Organisation).where(Organisation.kind.in_(kinds)).order_by(Organisation.name)
        )
    )


def institutions() -> list[Organisation]:
    return organisations_of_kind(OrganisationKind.INSTITUTION)


def associations() -> list[Organisation]:
    return organisations_of_kind(OrganisationKind.ASSOCIATION, OrganisationKind.SERVICE_PROVIDER)
