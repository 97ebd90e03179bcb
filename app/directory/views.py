"""Directory of the organisations: who does what."""

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import AddressedInstitution, Organisation, OrganisationKind, Proposal

bp = Blueprint("directory", __name__, url_prefix="/organisations")


@bp.get("/")
def index():
    """Every organisation, grouped by kind, optionally filtered by kind."""
    kind_value = request.args.get("type") or None
    query = sa.select(Organisation).order_by(Organisation.name)
    kind = None
    if kind_value:
        try:
            kind = OrganisationKind(kind_value)
        except ValueError:
            abort(400)
        query = query.where(Organisation.kind == kind)
    organisations = db.session.scalars(query).all()
    return render_template("directory/index.html", organisations=organisations, kind=kind)


@bp.get("/<slug>")
def show(slug: str):
    """An organisation: what it does, where, its proposals and those addressed to it."""
    organisation = db.first_or_404(sa.select(Organisation).filter_by(slug=slug))
    own = db.session.scalars(
        sa.select(Proposal)
        .where(Proposal.organisation_id == organisation.id)
        .options(joinedload(Proposal.theme))
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
        .limit(100)
    ).all()
    addressed = db.session.scalars(
        sa.select(AddressedInstitution)
        .where(AddressedInstitution.institution_id == organisation.id)
        .options(joinedload(AddressedInstitution.proposal).joinedload(Proposal.theme))
        .order_by(AddressedInstitution.id.desc())
        .limit(100)
    ).all()
    return render_template(
        "directory/show.html", organisation=organisation, own=own, addressed=addressed
    )
