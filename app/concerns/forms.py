"""The form an association's member counts the people met who are concerned with."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from app.fields import BlankIsEmpty, DayField, MaxChars
from app.models import ConcernTally
from app.services.concerns import PEOPLE_MAX, met_on_problem

NO_PLACE = 0  # the "lieu non précisé" choice
PEOPLE_MESSAGE = _l("Indiquez un nombre de personnes entre 1 et 10 000.")


class PeopleField(BlankIsEmpty, IntegerField):
    invalid_message = PEOPLE_MESSAGE


class TallyForm(FlaskForm):
    """How many people, met when and where; the association when one belongs to several."""

    organisation_id = SelectField(
        _l("Association"),
        coerce=int,
        validate_choice=False,  # checked below, with a message that says what to do
    )
    people = PeopleField(
        _l("Nombre de personnes rencontrées qui sont concernées"),
        validators=[
            InputRequired(PEOPLE_MESSAGE),
            NumberRange(min=1, max=PEOPLE_MAX, message=PEOPLE_MESSAGE),
        ],
    )
    met_on = DayField(
        _l("Date de la rencontre"),
        validators=[InputRequired(_l("Indiquez la date de la rencontre."))],
    )
    place_id = SelectField(
        _l("Lieu"),
        coerce=int,
        validate_choice=False,  # checked below, with a message that says what to do
        default=NO_PLACE,
        description=_l("Les lieux de votre association ; laissez « lieu non précisé » sinon."),
    )
    note = TextAreaField(
        _l("Note (facultatif)"),
        validators=[Optional(), MaxChars(ConcernTally.NOTE_MAX)],
        description=_l(
            "Lue par les membres de votre association seulement ; n’y écrivez aucun nom."
        ),
    )

    def validate_organisation_id(self, field):
        if field.data not in {value for value, _label in field.choices or []}:
            raise ValidationError(_l("Choisissez une association dont vous êtes membre."))

    proposal = None  # set by the view: the date is checked against it
    kept_met_on = None  # a corrected tally's own date, kept as it was

    def validate_met_on(self, field):
        if field.data is None or self.proposal is None:
            return
        if problem := met_on_problem(field.data, self.proposal, self.kept_met_on):
            raise ValidationError(problem)

    def validate_place_id(self, field):
        if field.data not in {value for value, _label in field.choices or []}:
            raise ValidationError(_l("Choisissez un lieu de votre association."))
