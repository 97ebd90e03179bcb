"""Suggestion forms: suggesting (one screen, plain words), taking one up, declining one."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from app.fields import MaxChars
from app.labels import WRITING_LANGUAGES
from app.models import Suggestion
from app.proposals.forms import ProposalForm

NO_THEME = 0
CREDIT_CHOICES = [
    ("pseudonym", _l("Sous mon pseudonyme")),
    ("anonymous", _l("Anonymement : « une personne du réseau », sans mon pseudonyme")),
]


class SuggestionForm(FlaskForm):
    title = StringField(
        _l("Votre idée en une phrase"),
        validators=[
            DataRequired(_l("Donnez un titre à votre suggestion.")),
            MaxChars(Suggestion.TITLE_MAX),
        ],
        description=_l("Par exemple : « Des douches ouvertes le dimanche »."),
    )
    body = TextAreaField(
        _l("Ce qui devrait changer, et pourquoi"),
        validators=[
            DataRequired(_l("Dites ce qui devrait changer, et pourquoi.")),
            MaxChars(Suggestion.BODY_MAX),
        ],
        description=_l(
            "Ce que vous vivez ou voyez, ce qui aiderait. N’écrivez pas votre nom de famille, "
            "votre adresse ni votre téléphone."
        ),
    )
    theme_id = SelectField(
        _l("Atelier (facultatif)"),
        coerce=int,
        default=NO_THEME,
        description=_l(
            "Le sujet le plus proche. Si vous ne savez pas, laissez « Je ne sais pas »."
        ),
    )
    lang = SelectField(
        _l("Langue de votre texte"),
        choices=list(WRITING_LANGUAGES.items()),
        default=lambda: str(get_locale() or "fr"),
        validate_choice=False,
        description=_l("Écrivez dans la langue que vous voulez."),
    )
    display_mode = RadioField(
        _l("Si une association la reprend, comment vous citer ?"),
        choices=CREDIT_CHOICES,
        default="pseudonym",
        validators=[InputRequired(_l("Choisissez comment vous citer."))],
    )

    def validate_lang(self, field):
        if field.data not in WRITING_LANGUAGES:
            raise ValidationError(_l("Choisissez une langue de la liste."))


class TakeUpForm(ProposalForm):
    """The proposal filed from a suggestion: its texts prefilled, the association may reword
    them; no event (the coordinators' record)."""

    event_choice = None


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Pourquoi la suggestion n’est pas reprise"),
        validators=[
            DataRequired(
                _l("Expliquez pourquoi, avec des mots simples : la personne lira cette raison.")
            ),
            MaxChars(Suggestion.REASON_MAX),
        ],
        description=_l(
            "La personne lira cette raison, et elle seule : écrivez des mots simples et "
            "respectueux, et, si possible, où s’adresser."
        ),
    )
