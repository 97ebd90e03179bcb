"""Contribution forms: as simple as a paper form."""

import re

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from app.fields import MaxChars
from app.labels import FLAG_REASON_LABELS, WRITING_LANGUAGES
from app.models import Contribution
from app.text import char_count, personal_data_found, too_long_message
from app.web import page_cache
from app.web.kept_input import AsksForFilesLeftBehind, files_left_behind

PERSONAL_DATA_WARNING = _l(
    "Votre texte semble contenir un numéro de téléphone, une adresse e-mail ou une adresse "
    "postale. Tout le monde pourra le lire. Retirez-les, ou cochez la case pour publier quand même."
)


IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_idempotency_key() -> str:
    """A fresh key, or a placeholder filled in at each view of a reader's kept page."""
    return page_cache.one_time_placeholder() or page_cache.new_one_time_key()


class OnceForm(FlaskForm):
    """A form that creates something: a token drawn when the form is shown makes a
    second sending of the same form (a double click) land on the first result."""

    idempotency_key = HiddenField(default=new_idempotency_key)

    @property
    def once_key(self) -> str | None:
        """The form's token, or None when it is missing or malformed (then no guard)."""
        key = self.idempotency_key.data
        return key if isinstance(key, str) and IDEMPOTENCY_KEY.fullmatch(key) else None


class BodyForm(FlaskForm):
    """A text, checked for length and for personal data before it goes public."""

    max_length_key = "COMMENT_MAX_LENGTH"
    body = TextAreaField(_l("Votre texte"), validators=[DataRequired(_l("Écrivez votre texte."))])
    confirm_personal_data = BooleanField(_l("J’ai relu : je veux publier ce texte tel quel"))
    lang = SelectField(
        _l("Langue de votre texte"),
        choices=list(WRITING_LANGUAGES.items()),
        default=lambda: str(get_locale() or "fr"),
        validate_choice=False,
        description=_l("Écrivez dans la langue que vous voulez."),
    )

    @property
    def max_length(self) -> int:
        return current_app.config[self.max_length_key]

    def validate_body(self, field):
        count = char_count(field.data or "")
        if count > self.max_length:
            raise ValidationError(too_long_message(count, self.max_length))
        if personal_data_found(field.data or "") and not self.confirm_personal_data.data:
            self.warn_personal_data = True
            raise ValidationError(PERSONAL_DATA_WARNING)

    def validate_lang(self, field):
        if field.data not in WRITING_LANGUAGES:
            raise ValidationError(_l("Choisissez une langue de la liste."))

    warn_personal_data = False


DISPLAY_CHOICES = [
    ("pseudonym", _l("Sous mon pseudonyme")),
    ("anonymous", _l("Anonymement (personne ne saura que c’est moi)")),
]


TEXT_OR_RECORDING = _l("Écrivez votre témoignage ou enregistrez-le.")
RECORDING_LEFT_BEHIND = _l(
    "Votre enregistrement n’a pas pu être gardé pendant l’acceptation de la charte : "
    "choisissez-le à nouveau (ou enregistrez de nouveau), puis envoyez."
)


class SpokenForm(AsksForFilesLeftBehind, FlaskForm):
    """A testimony written, spoken, or both: a text or a recording is needed. The recording
    itself is checked by content by the view (services.audio.check_upload)."""

    audio = FileField(_l("Ou enregistrez votre témoignage"))

    @property
    def has_recording(self) -> bool:
        """A file was chosen (an empty one too: the check says it is empty)."""
        return bool(self.audio.data)

    files_field = "audio"
    files_left_message = RECORDING_LEFT_BEHIND

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if files_left_behind():  # asked for again at the recording's field
            return valid
        if not (self.body.data or "").strip() and not self.has_recording:
            self.body.errors = [*self.body.errors, str(TEXT_OR_RECORDING)]
            return False
        return valid


class TestimonyForm(OnceForm, SpokenForm, BodyForm):
    max_length_key = "TESTIMONY_MAX_LENGTH"
    body = TextAreaField(
        _l("Votre témoignage"),
        validators=[Optional()],
        description=_l("Ce que vous avez vécu, ce qui vous aiderait."),
    )
    display_mode = RadioField(
        _l("Comment apparaître ?"),
        choices=DISPLAY_CHOICES,
        default="pseudonym",
        validators=[InputRequired(_l("Choisissez comment apparaître."))],
    )


class CommentForm(OnceForm, BodyForm):
    body = TextAreaField(
        _l("Votre commentaire"), validators=[DataRequired(_l("Écrivez votre commentaire."))]
    )
    display_mode = RadioField(
        _l("Comment apparaître ?"),
        choices=DISPLAY_CHOICES,
        default="pseudonym",
        validators=[InputRequired(_l("Choisissez comment apparaître."))],
    )


class ReplyForm(CommentForm):
    body = TextAreaField(
        _l("Votre réponse"), validators=[DataRequired(_l("Écrivez votre réponse."))]
    )


class GuestTestimonyForm(OnceForm, SpokenForm, BodyForm):
    max_length_key = "TESTIMONY_MAX_LENGTH"
    body = TextAreaField(
        _l("Votre témoignage"),
        validators=[Optional()],
        description=_l(
            "Ce que vous avez vécu, ce qui vous aiderait. N’écrivez pas votre nom de famille, "
            "votre adresse ni votre téléphone."
        ),
    )
    name = StringField(
        _l("Votre prénom ou un surnom (facultatif)"),
        validators=[Optional(), MaxChars(Contribution.GUEST_NAME_MAX)],
        description=_l("Il sera affiché avec votre témoignage. Laissez vide pour rester anonyme."),
    )
    contact = StringField(
        _l("Un moyen de vous joindre (facultatif)"),
        validators=[Optional(), MaxChars(Contribution.GUEST_CONTACT_MAX)],
        description=_l(
            "Un e-mail : nous vous écrivons quand votre témoignage est relu. Ou un téléphone : "
            "l’association peut vous appeler. Ce contact n’est jamais publié : seule l’équipe "
            "de modération le voit."
        ),
    )
    # Honeypot: hidden from people, filled by robots.
    website = StringField(_l("Ne remplissez pas ce champ"))


class CheckedBox(BooleanField):
    """A checkbox that is ticked only when its own value comes back: a browser sends nothing
    for an unticked box, so "false", "0", "off", "no" or anything else is not a yes (WTForms'
    BooleanField would read them as yes)."""

    checked_value = "y"

    def process_formdata(self, valuelist):
        self.data = bool(valuelist) and valuelist[0] == self.checked_value

    def _value(self):
        return self.checked_value


class AssistedTestimonyForm(OnceForm, SpokenForm, BodyForm):
    max_length_key = "TESTIMONY_MAX_LENGTH"
    body = TextAreaField(
        _l("Le témoignage, avec les mots de la personne"),
        validators=[Optional()],
    )
    audio = FileField(_l("Ou enregistrez la personne"))
    first_name = StringField(
        _l("Prénom ou surnom de la personne (facultatif)"),
        validators=[Optional(), MaxChars(Contribution.GUEST_NAME_MAX)],
        description=_l("Seulement si la personne le souhaite. Sinon, le témoignage est anonyme."),
    )
    organisation_id = SelectField(_l("Recueilli par"), coerce=int)
    consent = CheckedBox(
        _l("La personne a donné son accord pour que ce témoignage soit publié"),
        validators=[
            DataRequired(_l("Le témoignage ne peut être publié sans l’accord de la personne."))
        ],
    )


class FlagForm(FlaskForm):
    reason = RadioField(
        _l("Pourquoi signalez-vous cette contribution ?"),
        choices=[(reason.value, label) for reason, label in FLAG_REASON_LABELS.items()],
        validators=[InputRequired(_l("Choisissez une raison."))],
    )
    details = TextAreaField(
        _l("Précisions (facultatif)"),
        validators=[Optional(), MaxChars(1000)],
    )


class EditForm(BodyForm):
    body = TextAreaField(_l("Votre texte"), validators=[DataRequired(_l("Écrivez votre texte."))])

    def text_optional(self) -> None:
        """A spoken testimony's text may be emptied: its recording says it."""
        self.body.validators = [Optional()]
        self.body.flags.required = False


class AudioPreviewForm(FlaskForm):
    """A recording sent to be heard disguised before the testimony is sent."""

    audio = FileField()


class ConfirmForm(FlaskForm):
    """A button and its CSRF token."""
