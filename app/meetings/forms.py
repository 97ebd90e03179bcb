"""Meeting forms: organising or changing a meeting (in Paris time), cancelling it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from app.calendar import from_paris, to_paris
from app.fields import BlankIsEmpty, DayField, MaxChars
from app.models import Meeting, MeetingKind
from app.proposals.forms import MultiCheckboxField
from app.queries.proposals import PROPOSALS_OFFERED

KIND_LABELS = {
    MeetingKind.WORKING_GROUP: _l("Réunion d’un groupe de travail"),
    MeetingKind.THEMATIC_DAY: _l("Journée thématique, pour tout le réseau"),
}
NONE = 0  # the "no workshop" / "no host" choice of a select


def meeting_kind_label(kind) -> str:
    return str(KIND_LABELS[MeetingKind(kind)])


class ClockField(BlankIsEmpty, TimeField):
    invalid_message = _l("Indiquez une heure valide (hh:mm).")

    def __init__(self, label=None, validators=None, **kwargs):
        # Browsers send "14:30", or "14:30:00" when seconds are shown.
        super().__init__(label, validators, format=["%H:%M", "%H:%M:%S"], **kwargs)


class MeetingForm(FlaskForm):
    kind = RadioField(
        _l("Type de réunion"),
        choices=[(kind.value, label) for kind, label in KIND_LABELS.items()],
        default=MeetingKind.WORKING_GROUP.value,
        validators=[InputRequired(_l("Choisissez le type de réunion."))],
    )
    title = StringField(
        _l("Titre"),
        validators=[
            DataRequired(_l("Donnez un titre à la réunion.")),
            MaxChars(Meeting.TITLE_MAX),
        ],
    )
    theme_id = SelectField(
        _l("Atelier"),
        coerce=int,
        description=_l(
            "Aucun atelier pour un groupe de tout le réseau (comme le groupe annuaire) ou une "
            "journée thématique."
        ),
    )
    day = DayField(_l("Date"), validators=[InputRequired(_l("Indiquez la date."))])
    starts = ClockField(
        _l("Heure de début"),
        validators=[InputRequired(_l("Indiquez l’heure de début."))],
        description=_l("Heure de Paris."),
    )
    ends = ClockField(
        _l("Heure de fin"),
        validators=[InputRequired(_l("Indiquez l’heure de fin."))],
        description=_l("Heure de Paris."),
    )
    place_name = StringField(
        _l("Lieu"),
        validators=[
            DataRequired(_l("Indiquez le lieu.")),
            MaxChars(Meeting.PLACE_NAME_MAX),
        ],
        description=_l("Par exemple : les locaux de l’association qui accueille."),
    )
    address = StringField(_l("Adresse"), validators=[MaxChars(Meeting.ADDRESS_MAX)])
    host_id = SelectField(
        _l("Association qui accueille"),
        coerce=int,
        validate_choice=False,  # checked below, with a message that says what to do
    )
    secretary_id = SelectField(
        _l("Secrétaire de séance"),
        coerce=int,
        validate_choice=False,  # checked below: the host's members change with the host
        description=_l(
            "Un membre de l’association qui accueille : il ou elle publie le compte rendu, "
            "décide des amendements et le valide. Si vous changez d’association, choisissez "
            "ensuite le ou la secrétaire parmi ses membres."
        ),
    )
    agenda = TextAreaField(
        _l("Ordre du jour"),
        validators=[MaxChars(10000)],
        description=_l("Un point par ligne."),
    )
    proposal_ids = MultiCheckboxField(
        _l("Propositions à discuter"),
        coerce=int,
        validate_choice=False,  # checked below, with a message that says what to do
        description=_l(
            "Les %(num)d propositions les plus récentes de l’atelier choisi, et celles déjà "
            "choisies.",
            num=PROPOSALS_OFFERED,
        ),
    )
    description = TextAreaField(
        _l("Présentation"),
        validators=[MaxChars(10000)],
    )
    is_public = BooleanField(
        _l("Ouverte au public"),
        default=True,
        description=_l(
            "Sinon, la réunion reste affichée mais seuls les membres des associations du réseau "
            "peuvent s’y inscrire."
        ),
    )
    capacity = IntegerField(
        _l("Nombre de places"),
        validators=[
            Optional(),
            NumberRange(min=1, max=100000, message=_l("Au moins 1 place.")),
        ],
        description=_l("Laissez vide si le nombre de places n’est pas limité."),
    )

    def __init__(self, *args, registered: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.registered = registered

    def validate_starts(self, field):
        if self.day.data and field.data and from_paris(self.day.data, field.data) is None:
            raise ValidationError(_l("Cette heure n’existe pas ce jour-là (changement d’heure)."))

    def validate_ends(self, field):
        if self.starts.data and field.data and field.data <= self.starts.data:
            raise ValidationError(_l("La fin doit être après le début."))
        if self.day.data and field.data and from_paris(self.day.data, field.data) is None:
            raise ValidationError(_l("Cette heure n’existe pas ce jour-là (changement d’heure)."))

    def validate_host_id(self, field):
        if field.data not in {value for value, _label in field.choices or []}:
            raise ValidationError(_l("Choisissez une association dont vous êtes membre."))

    def validate_secretary_id(self, field):
        if field.data in {value for value, _label in field.choices or []}:
            return
        if self.host_id.data == NONE:
            raise ValidationError(
                _l("Sans association qui accueille, la personne qui organise est secrétaire.")
            )
        raise ValidationError(
            _l("Choisissez comme secrétaire un membre de l’association qui accueille.")
        )

    def validate_proposal_ids(self, field):
        allowed = {value for value, _label in self.proposal_ids.choices or []}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError(_l("Choisissez des propositions de l’atelier de la réunion."))

    def validate_capacity(self, field):
        if field.data is not None and field.data < self.registered:
            raise ValidationError(
                _l(
                    "%(num)d personnes sont déjà inscrites : prévoyez au moins autant de places.",
                    num=self.registered,
                )
            )

    def fill_from(self, meeting: Meeting) -> None:
        """Show a meeting's values, its times in Paris time (for a GET)."""
        starts = to_paris(meeting.starts_at)
        self.day.data = starts.date()
        self.starts.data = starts.time()
        self.ends.data = to_paris(meeting.ends_at).time() if meeting.ends_at else None
        self.theme_id.data = meeting.theme_id or NONE
        self.host_id.data = meeting.host_id or NONE
        self.secretary_id.data = meeting.secretary_id or meeting.created_by_id
        self.proposal_ids.data = [p.id for p in meeting.proposals]

    def times(self):
        """The start and end in naive UTC (after validation)."""
        return from_paris(self.day.data, self.starts.data), from_paris(
            self.day.data, self.ends.data
        )


class CancelForm(FlaskForm):
    reason = TextAreaField(
        _l("Pourquoi la réunion est-elle annulée ?"),
        validators=[
            DataRequired(_l("Indiquez pourquoi la réunion est annulée.")),
            MaxChars(Meeting.CANCEL_REASON_MAX),
        ],
        description=_l("La raison est publiée et envoyée aux personnes inscrites."),
    )
