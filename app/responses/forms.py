"""Forms of institutions (responses, commitments), of follow-up updates, and of the positions
institutions stated elsewhere, as an association reports them."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from app.fields import CalendarDateField, DayField, MaxChars
from app.labels import COMMITMENT_STATE_LABELS, POSITION_LABELS, STATUS_LABELS
from app.models import (
    INSTITUTION_POSITIONS,
    Commitment,
    CommitmentState,
    OfficialResponse,
    Organisation,
    Position,
    StatedPosition,
    positions_for,
)
from app.queries import board
from app.services.stated_positions import stated_on_problem


class ResponseForm(FlaskForm):
    position = RadioField(
        _l("Position de l’institution"),
        # An institution never "takes up" a proposal: see response_form_for.
        choices=[(p.value, POSITION_LABELS[p]) for p in INSTITUTION_POSITIONS],
        validators=[InputRequired(_l("Choisissez une position."))],
    )
    competent_body = StringField(
        _l("Si vous n’êtes pas compétents : qui l’est ?"),
        validators=[MaxChars(OfficialResponse.COMPETENT_BODY_MAX)],
    )
    body = TextAreaField(
        _l("Réponse"),
        validators=[
            DataRequired(_l("Écrivez la réponse.")),
            MaxChars(10000),
        ],
        description=_l(
            "Répondez à la proposition elle-même : ce que vous allez faire, ou pourquoi pas."
        ),
    )

    def validate_competent_body(self, field):
        if self.position.data == Position.NOT_COMPETENT.value and not (field.data or "").strip():
            raise ValidationError(_l("Indiquez qui est compétent."))


def response_form_for(organisation: Organisation, **kwargs) -> ResponseForm:
    """The response form of this organisation: an association answering an institution's
    proposal may also take it up ("Nous nous en saisissons")."""
    form = ResponseForm(**kwargs)
    form.position.choices = [(p.value, POSITION_LABELS[p]) for p in positions_for(organisation)]
    if not organisation.is_institution:
        form.position.label.text = _l("Position de l’association")
        form.body.description = _l(
            "Dites ce que votre association fera de cette proposition : comment elle s’en "
            "saisit, ou pourquoi pas."
        )
    return form


class CommitmentForm(FlaskForm):
    action = StringField(
        _l("Engagement"),
        validators=[
            DataRequired(_l("Décrivez l’engagement.")),
            MaxChars(Commitment.ACTION_MAX),
        ],
        description=_l("Une action précise : qui fait quoi."),
    )
    due_on = CalendarDateField(
        _l("À réaliser avant le"),
        validators=[InputRequired(_l("Indiquez une date (jj/mm/aaaa)."))],
    )

    def validate_due_on(self, field):
        # A new commitment already past its date would be shown late the moment it is made.
        if field.data is not None and field.data < board.paris_today():
            raise ValidationError(
                _l("Cette date est passée : choisissez aujourd’hui ou une date à venir.")
            )


class CommitmentUpdateForm(FlaskForm):
    state = SelectField(
        _l("Où en est-il ?"),
        choices=[(s.value, label) for s, label in COMMITMENT_STATE_LABELS.items()],
    )
    due_on = CalendarDateField(
        _l("À réaliser avant le"),
        validators=[InputRequired(_l("Indiquez une date (jj/mm/aaaa)."))],
    )
    note = TextAreaField(
        _l("Ce qui a été fait (publié sur le suivi)"),
        validators=[Optional(), MaxChars(2000)],
    )
    drop_reason = TextAreaField(
        _l("Si l’engagement est abandonné : pourquoi ?"),
        validators=[MaxChars(2000)],
    )

    def validate_drop_reason(self, field):
        if self.state.data == CommitmentState.DROPPED.value and not (field.data or "").strip():
            raise ValidationError(_l("Indiquez pourquoi l’engagement est abandonné."))


class UpdateForm(FlaskForm):
    body = TextAreaField(
        _l("Nouvelles de la proposition"),
        validators=[
            DataRequired(_l("Écrivez les nouvelles.")),
            MaxChars(5000),
        ],
        description=_l("Ce qui a avancé, ce qui bloque, la prochaine étape."),
    )
    status = SelectField(
        _l("Changer aussi le statut (facultatif)"),
        choices=[("", _l("Ne pas changer le statut"))]
        + [(s.value, label) for s, label in STATUS_LABELS.items()],
        validators=[Optional()],
    )


class StatedPositionForm(FlaskForm):
    """What an institution said elsewhere, as reported: never its official response."""

    institution_id = SelectField(
        _l("Institution"),
        coerce=int,
        validate_choice=False,  # checked below, with a message that says what to do
    )
    words = TextAreaField(
        _l("Ses mots, tels qu’ils ont été dits ou rapportés"),
        validators=[
            DataRequired(_l("Écrivez ce que l’institution a dit.")),
            MaxChars(StatedPosition.WORDS_MAX),
        ],
        description=_l("Citez sans reformuler : ce ne sera jamais présenté comme une position."),
    )
    source = StringField(
        _l("Source"),
        validators=[
            DataRequired(_l("Indiquez où c’est rapporté.")),
            MaxChars(StatedPosition.SOURCE_MAX),
        ],
        description=_l("Par exemple : Compte rendu de l’atelier du 12 mai 2027."),
    )
    stated_on = DayField(
        _l("Date où elle a été exprimée (facultatif)"),
        validators=[Optional()],
        description=_l("Laissez vide si la source ne la donne pas."),
    )
    reported_by_id = SelectField(
        _l("Rapportée par"),
        coerce=int,
        validate_choice=False,  # checked below, with a message that says what to do
    )

    def validate_institution_id(self, field):
        if field.data not in {value for value, _label in field.choices or []}:
            raise ValidationError(_l("Choisissez une institution de la liste."))

    def validate_stated_on(self, field):
        if field.data is not None and (problem := stated_on_problem(field.data)):
            raise ValidationError(problem)

    def validate_reported_by_id(self, field):
        if field.data not in {value for value, _label in field.choices or []}:
            raise ValidationError(_l("Choisissez une association dont vous êtes membre."))
