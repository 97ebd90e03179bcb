"""Ids in URLs and forms: numbers the database can hold, or no id at all.

A number too large for the database's integer columns would reach PostgreSQL and fail
there ("integer out of range": a 500); refused here, it is simply an unknown id (404), or
an invalid form (400).
"""

from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter
from wtforms.validators import NumberRange

# The ids are INTEGER columns: PostgreSQL's 32-bit signed integer is the bound (SQLAlchemy
# casts the parameter to INTEGER, so even 2**31 fails there; SQLite's 64-bit would go on).
ID_MAX = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: digits only, up to ``ID_MAX``, else the URL matches no
    route (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=ID_MAX, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def valid_id(message=None) -> NumberRange:
    """A form field holding an id: a positive number the database can hold."""
    return NumberRange(min=1, max=ID_MAX, message=message or _l("Cet identifiant n’existe pas."))


def possible_ids(values) -> list[int]:
    """The values that can be ids (ints from 1 to ``ID_MAX``), the others left out: what a
    form sent, before it reaches a query."""
    return [n for n in values or [] if isinstance(n, int) and 1 <= n <= ID_MAX]


def init_app(app) -> None:
    """Before any blueprint: rules pick their converter when they are added."""
    app.url_map.converters["int"] = IdConverter
