"""Minutes of meetings: drafts open for amendments, then validated, with every version."""

from flask import Blueprint

bp = Blueprint("minutes", __name__)
