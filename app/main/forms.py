"""Forms of the main area."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import InputRequired


class AcceptCharterForm(FlaskForm):
    accept = BooleanField(
        _l("J’ai lu et j’accepte la charte de participation en vigueur"),
        validators=[InputRequired(_l("Cochez la case pour accepter la charte."))],
    )
