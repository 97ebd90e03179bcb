"""The moderator's decision form: an action, a reason from the list, free text."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Regexp, ValidationError

from app.fields import MaxChars
from app.labels import MODERATION_ACTION_LABELS, MODERATION_REASON_LABELS
from app.models import AudioRecording, ModerationAction, ModerationReason

MANUAL_ACTIONS = [a for a in ModerationAction if a is not ModerationAction.AUTO_HIDE]
MANUAL_REASONS = [r for r in ModerationReason if r is not ModerationReason.FLAGS]


def charter_article_choices(charter) -> list[tuple[int, str]]:
    """The articles of the charter in force, to refer a decision to one of them."""
    choices = [(0, str(_l("Aucun")))]
    if charter is not None:
        choices += [(a.number, f"{a.number}. {a.title}") for a in charter.articles]
    return choices


class DecisionForm(FlaskForm):
    action = SelectField(
        _l("Décision"),
        choices=[(a.value, MODERATION_ACTION_LABELS[a]) for a in MANUAL_ACTIONS],
        validators=[DataRequired(_l("Choisissez une décision."))],
    )
    reason = SelectField(
        _l("Raison"),
        choices=[(r.value, MODERATION_REASON_LABELS[r]) for r in MANUAL_REASONS],
        validators=[DataRequired(_l("Choisissez une raison."))],
    )
    charter_article = SelectField(
        _l("Article de la charte concerné (facultatif)"),
        coerce=int,
        default=0,
        validate_choice=True,
    )
    details = TextAreaField(
        _l("Précisions pour l’auteur (facultatif)"),
        validators=[MaxChars(1000)],
    )
    # A spoken testimony's transcript, saved with the decision (services.audio).
    transcript = TextAreaField(validators=[MaxChars(AudioRecording.TRANSCRIPT_MAX)])
    version = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,9}$")])

    def validate_reason(self, field):
        refusing = self.action.data in (ModerationAction.REJECT.value, ModerationAction.HIDE.value)
        if refusing and field.data == ModerationReason.COMPLIANT.value:
            raise ValidationError(_l("Choisissez la raison du refus ou du masquage."))

    def validate_details(self, field):
        if self.reason.data == ModerationReason.OTHER.value and not (field.data or "").strip():
            raise ValidationError(_l("Précisez la raison."))


class TranscriptForm(FlaskForm):
    """A spoken testimony's transcript, saved without deciding yet."""

    transcript = TextAreaField(validators=[MaxChars(AudioRecording.TRANSCRIPT_MAX)])


class FeatureForm(FlaskForm):
    """Put a published testimony forward in the synthesis ("on"), or take it back ("off")."""

    # Sent by the button pressed (name="featured"), not typed: a StringField, so that
    # hidden_tag() does not add an empty one before it.
    featured = StringField(
        validators=[
            DataRequired(_l("Choisissez de mettre en avant ou non.")),
            AnyOf(["on", "off"], message=_l("Choisissez de mettre en avant ou non.")),
        ]
    )
