"""The admin form of an event: its record (address, name, kind, date, place, number of
organisations, source) and its review, section by section."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from app.fields import DayField, MaxChars
from app.labels import EVENT_KIND_LABELS
from app.models import Event
from app.services.network_events import REVIEW_MAX, date_problem, slug_problem


class EventForm(FlaskForm):
    name = StringField(
        _l("Nom"),
        validators=[DataRequired(_l("Indiquez le nom.")), MaxChars(Event.NAME_MAX)],
        description=_l("Par exemple : Assises de la solidarité 2026."),
    )
    slug = StringField(
        _l("Adresse de la page"),
        validators=[DataRequired(_l("Indiquez l’adresse.")), MaxChars(Event.SLUG_MAX)],
        description=_l(
            "Lettres minuscules sans accent, chiffres et tirets : /evenements/assises-2026."
        ),
    )
    kind = SelectField(
        _l("Type"), choices=[(kind.value, label) for kind, label in EVENT_KIND_LABELS.items()]
    )
    held_on = DayField(
        _l("Date"), validators=[InputRequired(_l("Indiquez une date valide (jj/mm/aaaa)."))]
    )
    place = StringField(_l("Lieu"), validators=[MaxChars(Event.PLACE_MAX)])
    organisations_count = IntegerField(
        _l("Nombre d’organisations représentées"),
        validators=[
            Optional(),
            NumberRange(
                min=0, max=100000, message=_l("Un nombre positif, ou rien s’il n’est pas connu.")
            ),
        ],
        description=_l("Laissez vide si le compte rendu ne le dit pas."),
    )
    summary = TextAreaField(_l("Résumé"), validators=[MaxChars(REVIEW_MAX)])
    advances = TextAreaField(_l("Les avancées"), validators=[MaxChars(REVIEW_MAX)])
    obstacles = TextAreaField(_l("Les freins"), validators=[MaxChars(REVIEW_MAX)])
    next_steps = TextAreaField(_l("La suite"), validators=[MaxChars(REVIEW_MAX)])
    source = StringField(
        _l("Source"),
        validators=[MaxChars(Event.SOURCE_MAX)],
        description=_l("Le document d’où vient ce compte rendu (exemple : bilan écrit du réseau)."),
    )

    def validate_slug(self, field):
        if field.data and (problem := slug_problem(field.data.strip())):
            raise ValidationError(problem)

    def validate_held_on(self, field):
        if field.data is not None and (problem := date_problem(field.data)):
            raise ValidationError(problem)
