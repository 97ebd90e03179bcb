"""Directory forms: an organisation's public page, co-signing a proposal, asking to join an
organisation and deciding on such a request."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Optional,
    Regexp,
    ValidationError,
)

from app.fields import MaxChars
from app.models import MembershipRequest, Organisation
from app.proposals.forms import MultiCheckboxField
from app.services.directory import PAGE_FIELDS, safe_website
from app.web.ids import valid_id


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class OrganisationPageForm(FlaskForm):
    """What members may say about their organisation; name, kind and verification are the
    admin's."""

    description = TextAreaField(
        _l("Ce que fait l’organisation"),
        filters=[_strip],
        validators=[MaxChars(Organisation.DESCRIPTION_MAX)],
        description=_l("Ses missions, ses actions, pour qui."),
    )
    address = StringField(
        _l("Adresse"),
        filters=[_strip],
        validators=[MaxChars(Organisation.ADDRESS_MAX)],
    )
    opening_hours = TextAreaField(
        _l("Horaires d’ouverture"),
        filters=[_strip],
        validators=[MaxChars(1000)],
        description=_l("Par exemple : du lundi au vendredi, de 9 h à 12 h."),
    )
    contact_email = EmailField(
        _l("E-mail de contact de l’organisation"),
        filters=[_strip],
        validators=[
            Optional(),
            MaxChars(Organisation.CONTACT_EMAIL_MAX),
            Email(_l("Cette adresse e-mail n’est pas valide."), check_deliverability=False),
        ],
        description=_l("Une adresse de l’organisation, publiée : jamais celle d’une personne."),
    )
    contact_phone = StringField(
        _l("Téléphone"),
        filters=[_strip],
        validators=[
            Optional(),
            MaxChars(Organisation.CONTACT_PHONE_MAX),
            Regexp(
                r"^\+?[0-9][0-9 .()-]{3,}$",
                message=_l("Indiquez un numéro de téléphone : chiffres, espaces, points, + ou -."),
            ),
        ],
    )
    website = URLField(
        _l("Site web"),
        filters=[_strip],
        validators=[
            Optional(),
            MaxChars(Organisation.WEBSITE_MAX),
            URL(message=_l("Indiquez une adresse web complète (https://…).")),
        ],
    )
    theme_ids = MultiCheckboxField(_l("Ateliers"), coerce=int)

    def validate_website(self, field) -> None:
        if field.data and safe_website(field.data) is None:
            raise ValidationError(_l("Indiquez une adresse web complète (https://…)."))

    def page_data(self) -> dict:
        """The page's fields, as the service takes them."""
        return {name: self[name].data or "" for name in PAGE_FIELDS}


class CosignForm(FlaskForm):
    organisation_id = SelectField(
        _l("Cosigner au nom de"),
        coerce=int,
        validators=[DataRequired(_l("Choisissez une de vos associations."))],
    )


class WithdrawCosignatureForm(FlaskForm):
    organisation_id = IntegerField(validators=[InputRequired(), valid_id()])


class JoinRequestForm(FlaskForm):
    message = TextAreaField(
        _l("Votre message (facultatif)"),
        filters=[_strip],
        validators=[MaxChars(MembershipRequest.MESSAGE_MAX)],
        description=_l(
            "Qui vous êtes pour l’organisation. Pour une institution : votre fonction et "
            "votre service."
        ),
    )


ACCEPT, REFUSE = "accept", "refuse"


class MembershipDecisionForm(FlaskForm):
    decision = RadioField(
        _l("Votre décision"),
        choices=[(ACCEPT, _l("Accepter la demande")), (REFUSE, _l("Refuser la demande"))],
        validators=[InputRequired(_l("Choisissez d’accepter ou de refuser."))],
    )
    reason = TextAreaField(
        _l("Votre réponse à la personne"),
        filters=[_strip],
        validators=[MaxChars(MembershipRequest.REASON_MAX)],
        description=_l("Obligatoire si vous refusez. La personne la lira."),
    )

    def validate_reason(self, field) -> None:
        if self.decision.data == REFUSE and not field.data:
            raise ValidationError(
                _l("Expliquez pourquoi vous refusez : la personne lira cette raison.")
            )
