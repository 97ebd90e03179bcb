"""Forms of institutions (responses, commitments), of follow-up updates, and of the positions
institutions stated elsewhere, as an association reports them."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
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
    ReceivedVia,
    StatedPosition,
    positions_for,
)
from app.queries import board
from app.services.responses import Document, document_problem, reception_problem
from app.services.stated_positions import stated_on_problem
from app.web.kept_input import AsksForFilesLeftBehind


def easy_read_field() -> TextAreaField:
    """The optional easy-read (FALC) summary of a response, on every form that gives one."""
    return TextAreaField(
        _l("Résumé facile à lire (facultatif)"),
        validators=[MaxChars(OfficialResponse.EASY_READ_MAX)],
        description=_l(
            "Phrases courtes, mots simples : une idée par phrase. Il est affiché avant la "
            "réponse complète."
        ),
    )


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
    easy_read = easy_read_field()

    def validate_competent_body(self, field):
        _require_competent_body(self, field)


def _require_competent_body(form, field) -> None:
    """ "Pas compétente" says who is: the same rule on every form a response is given by."""
    if form.position.data == Position.NOT_COMPETENT.value and not (field.data or "").strip():
        raise ValidationError(_l("Indiquez qui est compétent."))


def _offer_positions(form, organisation: Organisation) -> None:
    """The positions this organisation may answer with, and the legend for its kind."""
    form.position.choices = [(p.value, POSITION_LABELS[p]) for p in positions_for(organisation)]
    if not organisation.is_institution:
        form.position.label.text = _l("Position de l’association")


def response_form_for(organisation: Organisation, **kwargs) -> ResponseForm:
    """The response form of this organisation: an association answering an institution's
    proposal may also take it up ("Nous nous en saisissons")."""
    form = ResponseForm(**kwargs)
    _offer_positions(form, organisation)
    if not organisation.is_institution:
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


class RecordResponseForm(AsksForFilesLeftBehind, FlaskForm):
    """A response an institution gave by letter, e-mail or in a meeting, typed in on its
    behalf, with its document. ``proposal`` is set by the view (the earliest day)."""

    files_field = "document"

    received_via = RadioField(
        _l("Comment la réponse a-t-elle été reçue ?"),
        choices=[
            (ReceivedVia.LETTER.value, _l("Par courrier")),
            (ReceivedVia.EMAIL.value, _l("Par e-mail")),
            (ReceivedVia.MEETING.value, _l("Dite en réunion")),
        ],
        validators=[InputRequired(_l("Choisissez comment la réponse a été reçue."))],
    )
    received_at = DayField(
        _l("Date de réception"),
        validators=[InputRequired(_l("Indiquez la date de réception (jj/mm/aaaa)."))],
        description=_l("Le jour où le courrier ou l’e-mail est arrivé, ou celui de la réunion."),
    )
    position = RadioField(
        _l("Position de l’institution"),
        # An institution never "takes up" a proposal: see record_form_for.
        choices=[(p.value, POSITION_LABELS[p]) for p in INSTITUTION_POSITIONS],
        validators=[InputRequired(_l("Choisissez une position."))],
    )
    competent_body = StringField(
        _l("Si elle n’est pas compétente : qui l’est, selon elle ?"),
        validators=[MaxChars(OfficialResponse.COMPETENT_BODY_MAX)],
    )
    body = TextAreaField(
        _l("Texte de la réponse"),
        validators=[DataRequired(_l("Écrivez le texte de la réponse.")), MaxChars(10000)],
        description=_l(
            "Recopiez le courrier ou l’e-mail, ou résumez fidèlement ce qui a été dit en "
            "réunion. Il sera publié comme la réponse de l’institution."
        ),
    )
    easy_read = easy_read_field()
    recorded_by_id = SelectField(
        _l("Saisie par"),
        coerce=int,
        validate_choice=False,  # checked below, with a message that says what to do
    )
    document = FileField(
        _l("Document (facultatif)"),
        description=_l("Le courrier ou l’e-mail reçu : un PDF ou une image (PNG, JPEG, WebP)."),
    )
    remove_document = BooleanField(_l("Retirer le document actuel"))

    proposal = None
    _content: bytes | None = None

    def validate_received_at(self, field):
        if field.data is not None and (problem := reception_problem(self.proposal, field.data)):
            raise ValidationError(problem)

    def validate_competent_body(self, field):
        _require_competent_body(self, field)

    def validate_recorded_by_id(self, field):
        if field.data not in {value for value, _label in field.choices or []}:
            raise ValidationError(_l("Choisissez une association dont vous êtes membre."))

    def validate_document(self, field):
        if not field.data:
            return
        limit = current_app.config["RESPONSE_ATTACHMENT_MAX_BYTES"]
        self._content = field.data.stream.read(limit + 1)
        if problem := document_problem(self._content):
            raise ValidationError(problem)

    def sent_document(self) -> Document | None:
        """The file chosen, read while validating; None when none was."""
        if not self.document.data or self._content is None:
            return None
        return Document(self.document.data.filename or "", self._content)


def record_form_for(organisation: Organisation, **kwargs) -> RecordResponseForm:
    """The form to record this organisation's response: the positions it may answer with,
    "Nous nous en saisissons" for an association answering an institution's proposal."""
    form = RecordResponseForm(**kwargs)
    _offer_positions(form, organisation)
    return form
