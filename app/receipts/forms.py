"""The receipt's forms: a code typed from paper, a correction, a confirmation."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField
from wtforms.validators import DataRequired, NumberRange, ValidationError

from app.contributions.forms import EditForm
from app.services import receipts


class CodeForm(FlaskForm):
    """The code written on paper, typed back however it comes."""

    code = StringField(
        _l("Votre code"),
        validators=[DataRequired(_l("Tapez le code de votre reçu."))],
        description=_l("12 lettres et chiffres, par exemple K7PQ-M2XD-9RTB."),
    )

    def validate_code(self, field):
        if receipts.normalise(field.data) is None:
            raise ValidationError(
                _l("Ce code n’a pas la bonne forme : il a 12 lettres et chiffres.")
            )


class CorrectionForm(EditForm):
    """The testimony's new text, with the same length rule as when it was sent."""

    max_length_key = "TESTIMONY_MAX_LENGTH"
    lang = None  # the language stays the one chosen when sending
    # The version the guest saw: a moderator's decision meanwhile refuses the correction.
    # Bounded: a forged huge number is refused as a form error, not a database overflow.
    seen_version = IntegerField(
        _l("Version lue"),
        widget=HiddenField.widget,
        validators=[NumberRange(0, 2**31 - 1, _l("Cette page est abîmée : ouvrez-la de nouveau."))],
    )
