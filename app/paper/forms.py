"""Paper at the day centre: a place of the association, and a sitting's sheets typed in."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from app.contributions.forms import PERSONAL_DATA_WARNING, CheckedBox, OnceForm
from app.fields import DayField, MaxChars
from app.labels import WRITING_LANGUAGES
from app.models import Contribution, Place
from app.services.paper import Sheet, collection_date_problem, photo_problem
from app.text import char_count, personal_data_found, too_long_message
from app.web.kept_input import AsksForFilesLeftBehind

# Empty rows offered at first; "Ajouter une fiche" adds one more, up to the most.
FIRST_SHEETS = 5
MOST_SHEETS = 30


class PlaceForm(FlaskForm):
    name = StringField(
        _l("Nom du lieu"),
        validators=[DataRequired(_l("Donnez un nom à ce lieu.")), MaxChars(Place.NAME_MAX)],
        description=_l("Par exemple : accueil de jour, permanence du mardi, maraude."),
    )
    address = StringField(
        _l("Adresse (facultatif)"),
        validators=[Optional(), MaxChars(Place.ADDRESS_MAX)],
    )


class SheetForm(Form):
    """One paper sheet: left empty, the row is ignored."""

    body = TextAreaField(_l("Le témoignage, tel qu’il est écrit sur la fiche"))
    confirm_personal_data = BooleanField(_l("J’ai relu : je veux publier ce texte tel quel"))
    first_name = StringField(
        _l("Prénom ou surnom (facultatif)"),
        validators=[Optional(), MaxChars(Contribution.GUEST_NAME_MAX)],
    )
    lang = SelectField(
        _l("Langue de cette fiche"),
        choices=[("", _l("La même que les autres fiches")), *WRITING_LANGUAGES.items()],
        default="",
        validate_choice=False,
    )
    photo = FileField(_l("Photo de la fiche (facultatif)"))

    warn_personal_data = False
    photo_bytes: bytes | None = None

    @property
    def is_empty(self) -> bool:
        return not ((self.body.data or "").strip() or (self.first_name.data or "").strip()) and (
            not self.photo.data
        )

    def validate(self, extra_validators=None) -> bool:
        """An empty row passes; a filled one is checked."""
        if self.is_empty:
            return True
        return super().validate(extra_validators)

    def validate_body(self, field):
        text = (field.data or "").strip()
        if not text:
            raise ValidationError(_l("Tapez le texte de la fiche, ou videz cette ligne."))
        limit = current_app.config["TESTIMONY_MAX_LENGTH"]
        if char_count(text) > limit:
            raise ValidationError(too_long_message(char_count(text), limit))
        if personal_data_found(text) and not self.confirm_personal_data.data:
            self.warn_personal_data = True
            raise ValidationError(PERSONAL_DATA_WARNING)

    def validate_lang(self, field):
        if field.data and field.data not in WRITING_LANGUAGES:
            raise ValidationError(_l("Choisissez une langue de la liste."))

    def validate_photo(self, field):
        if not field.data:
            return
        self.photo_bytes = field.data.stream.read(current_app.config["PAPER_PHOTO_MAX_BYTES"] + 1)
        if problem := photo_problem(self.photo_bytes):
            raise ValidationError(problem)

    def sheet(self) -> Sheet:
        return Sheet(
            body=self.body.data or "",
            first_name=self.first_name.data or "",
            lang=self.lang.data or "",
            photo=self.photo_bytes if self.photo.data else None,
        )


class PaperBatchForm(AsksForFilesLeftBehind, OnceForm):
    """A sitting: the fields every sheet shares, entered once, then the sheets."""

    files_field = "sheets"  # the photos: the page lists its message with the sheets'
    files_left_message = _l(
        "Les photos choisies n’ont pas pu être gardées pendant l’acceptation de la charte : "
        "choisissez-les à nouveau, puis enregistrez."
    )

    organisation_id = SelectField(_l("Association"), coerce=int)
    proposal_id = SelectField(_l("Proposition"), coerce=int)
    collected_on = DayField(
        _l("Date de collecte des fiches"),
        validators=[InputRequired(_l("Indiquez la date où les fiches ont été remplies."))],
    )
    place_id = SelectField(
        _l("Lieu de collecte"),
        coerce=int,
        validators=[InputRequired(_l("Choisissez un des lieux de l’association."))],
    )
    lang = SelectField(
        _l("Langue des fiches"),
        choices=list(WRITING_LANGUAGES.items()),
        default="fr",
        validate_choice=False,
    )
    consent = CheckedBox(
        _l("J’ai les fiches signées : chaque personne a donné son accord sur papier"),
        validators=[
            DataRequired(
                _l("Les fiches ne peuvent être enregistrées sans l’accord signé des personnes.")
            )
        ],
    )
    sheets = FieldList(FormField(SheetForm), min_entries=FIRST_SHEETS, max_entries=MOST_SHEETS)
    save = SubmitField(_l("Enregistrer ces fiches"))
    add_sheet = SubmitField(_l("Ajouter une fiche"))

    proposal = None

    def validate_collected_on(self, field):
        if field.data is None or self.proposal is None:
            return
        if problem := collection_date_problem(self.proposal, field.data):
            raise ValidationError(problem)

    def validate_lang(self, field):
        if field.data not in WRITING_LANGUAGES:
            raise ValidationError(_l("Choisissez une langue de la liste."))

    def validate_place_id(self, field):
        if field.data not in {value for value, _label in field.choices or []}:
            raise ValidationError(_l("Choisissez un des lieux de l’association."))

    def validate_organisation_id(self, field):
        if field.data not in {value for value, _label in field.choices or []}:
            raise ValidationError(_l("Choisissez une association dont vous êtes membre."))

    def validate_sheets(self, field):
        if all(entry.form.is_empty for entry in field.entries):
            raise ValidationError(_l("Tapez au moins une fiche."))

    def filled_sheets(self) -> list[tuple[int, Sheet]]:
        """The rows typed in, with their place in the form (empty ones left out)."""
        return [
            (index, entry.form.sheet())
            for index, entry in enumerate(self.sheets.entries)
            if not entry.form.is_empty
        ]
