"""Administration forms: organisations, users, themes."""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app.contributions.premises import parse_networks
from app.fields import MaxChars
from app.labels import KIND_LABELS, ROLE_LABELS
from app.models import Organisation, Role, Theme, User
from app.proposals.forms import MultiCheckboxField
from app.services.directory import safe_website

# The roles an invitation gives (the organisation's kind narrows them: app/policy/onboarding.py).
INVITED_ROLES = (Role.ASSOCIATION_MEMBER, Role.MODERATOR, Role.INSTITUTION_REP)
# The languages e-mails to an official address may be written in.
OFFICIAL_LOCALES = [("fr", "Français"), ("en", "English"), ("ar", "العربية")]


def _stripped(value: str | None) -> str | None:
    return value.strip() if value else value


class OrganisationForm(FlaskForm):
    name = StringField(
        _l("Nom"),
        validators=[
            DataRequired(_l("Indiquez le nom.")),
            MaxChars(Organisation.NAME_MAX),
        ],
    )
    short_name = StringField(
        _l("Sigle"), validators=[Optional(), MaxChars(Organisation.SHORT_NAME_MAX)]
    )
    kind = SelectField(
        _l("Type"), choices=[(kind.value, label) for kind, label in KIND_LABELS.items()]
    )
    description = TextAreaField(
        _l("Ce que fait l’organisation"),
        validators=[MaxChars(Organisation.DESCRIPTION_MAX)],
    )
    address = StringField(_l("Adresse"), validators=[MaxChars(Organisation.ADDRESS_MAX)])
    contact_email = EmailField(
        _l("E-mail de contact de l’organisation"),
        validators=[
            Optional(),
            Email(_l("Cette adresse e-mail n’est pas valide."), check_deliverability=False),
        ],
    )
    website = URLField(
        _l("Site web"),
        validators=[
            Optional(),
            URL(message=_l("Indiquez une adresse web complète (https://…).")),
            Length(max=Organisation.WEBSITE_MAX),
        ],
    )

    def validate_website(self, field):
        if field.data and safe_website(field.data) is None:
            raise ValidationError(_l("Indiquez une adresse web complète (https://…)."))

    official_email = EmailField(
        _l("Adresse e-mail officielle"),
        validators=[
            Optional(),
            Email(_l("Cette adresse e-mail n’est pas valide."), check_deliverability=False),
            MaxChars(Organisation.CONTACT_EMAIL_MAX),
        ],
        filters=[_stripped],
        description=_l(
            "Privée : jamais affichée sur le site. L’institution y est prévenue des propositions "
            "qui lui sont adressées et y reçoit ses rappels. Une nouvelle adresse reçoit un lien "
            "à ouvrir pour la confirmer."
        ),
    )
    official_locale = SelectField(
        _l("Langue des e-mails à cette adresse"),
        choices=OFFICIAL_LOCALES,
        default="fr",
        validate_choice=False,  # checked below, with a message in the admin's language
    )

    def validate_official_locale(self, field):
        if field.data in (None, ""):
            field.data = None
        elif field.data not in dict(OFFICIAL_LOCALES):
            raise ValidationError(_l("Choisissez une des langues proposées."))

    verified = BooleanField(
        _l("Institution vérifiée par le réseau"),
        description=_l(
            "Seules les institutions vérifiées peuvent répondre officiellement. Une institution "
            "est vérifiée une fois son adresse officielle confirmée."
        ),
    )
    premises_networks = TextAreaField(
        _l("Adresses IP des locaux"),
        description=_l(
            "Une adresse ou une plage par ligne (exemple : 203.0.113.0/24). Depuis ces adresses, "
            "où beaucoup de personnes partagent la même connexion, le formulaire de témoignage "
            "sans compte accepte bien plus d’envois. Visible des seuls administrateurs."
        ),
    )

    def validate_premises_networks(self, field):
        try:
            networks = parse_networks(field.data or "")
        except ValueError as error:
            number, line = error.args
            raise ValidationError(
                _(
                    "Ligne %(number)d : « %(line)s » n’est pas une adresse IP ou une plage "
                    "(exemple : 203.0.113.0/24 ; /16 au plus large en IPv4, /48 en IPv6).",
                    number=number,
                    line=line,
                )
            ) from error
        field.data = "\n".join(str(network) for network in networks)


class UserForm(FlaskForm):
    role = SelectField(
        _l("Rôle"), choices=[(role.value, label) for role, label in ROLE_LABELS.items()]
    )
    organisation_ids = MultiCheckboxField(_l("Membre de"), coerce=int)
    theme_ids = MultiCheckboxField(
        _l("Ateliers suivis en modération"),
        coerce=int,
        description=_l(
            "Pour les modérateur·rices : la file montre d’abord ces ateliers et les alertes "
            "ne parlent que d’eux. Aucun coché : tous les ateliers."
        ),
    )
    active = BooleanField(
        _l("Compte actif"), description=_l("Décochez pour bloquer le compte."), default=True
    )


class ThemeForm(FlaskForm):
    name = StringField(
        _l("Nom de l’atelier"),
        validators=[
            DataRequired(_l("Indiquez le nom.")),
            MaxChars(Theme.NAME_MAX),
        ],
    )
    description = TextAreaField(_l("Description"), validators=[MaxChars(5000)])
    position = IntegerField(
        _l("Ordre d’affichage"),
        default=0,
        validators=[
            NumberRange(min=0, max=1000, message=_l("Un nombre entre 0 et 1 000.")),
        ],
    )
    participants_premoderated = BooleanField(
        _l("Relire avant publication les contributions des participant·es"),
        default=True,
        description=_l("Les témoignages sans compte sont toujours relus avant publication."),
    )
    members_premoderated = BooleanField(
        _l("Relire avant publication les contributions des associations et institutions"),
        default=False,
    )


class CharterForm(FlaskForm):
    introduction = TextAreaField(
        _l("Introduction"),
        validators=[MaxChars(5000)],
    )
    articles = TextAreaField(
        _l("Articles"),
        validators=[
            DataRequired(_l("Écrivez au moins un article.")),
            MaxChars(30000),
        ],
        description=_l(
            "Chaque article commence par une ligne « ## Titre de l’article », suivie de son "
            "texte. Les articles sont numérotés dans l’ordre."
        ),
    )


class InvitationForm(FlaskForm):
    """An admin invites someone, by e-mail, to join an organisation with a role."""

    email = EmailField(
        _l("Adresse e-mail de la personne invitée"),
        validators=[
            DataRequired(_l("Indiquez l’adresse e-mail de la personne à inviter.")),
            Email(_l("Cette adresse e-mail n’est pas valide."), check_deliverability=False),
            MaxChars(User.EMAIL_MAX),
        ],
        filters=[_stripped],
    )
    organisation_id = SelectField(
        _l("Organisation à rejoindre"),
        validate_choice=False,  # checked below, with a message in the admin's language
    )
    role = SelectField(
        _l("Rôle"),
        choices=[(role.value, ROLE_LABELS[role]) for role in INVITED_ROLES],
        validate_choice=False,
        description=_l(
            "Membre ou modérateur·rice pour une association, représentant·e pour une institution."
        ),
    )

    def __init__(self, organisations, **kwargs):
        super().__init__(**kwargs)
        self.organisation_id.choices = [("", _("Choisir…"))] + [
            (str(org.id), f"{org.name} ({KIND_LABELS[org.kind]})") for org in organisations
        ]
        self.email.description = _(
            "Elle reçoit un lien, valable %(days)d jours, qui crée son compte déjà rattaché "
            "à l’organisation.",
            days=current_app.config["INVITATION_DAYS"],
        )

    def validate_organisation_id(self, field):
        if field.data not in {value for value, _label in field.choices if value}:
            raise ValidationError(_l("Choisissez une organisation de la liste."))

    def validate_role(self, field):
        if field.data not in {role.value for role in INVITED_ROLES}:
            raise ValidationError(_l("Choisissez un des rôles proposés."))
