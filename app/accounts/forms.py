"""Account forms: registration, login, password reset, preferences."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Regexp,
    ValidationError,
)

from app.accounts.password_hashing import verify_password
from app.accounts.password_rules import MAX_LENGTH, MIN_LENGTH, password_problem
from app.models import EmailFrequency, User
from app.services.accounts import pseudonym_taken

PASSWORD_HINT = _l(
    "Entre %(min)d et %(max)d caractères, tous les caractères sont permis. "
    "Une phrase facile à retenir convient très bien.",
    min=MIN_LENGTH,
    max=MAX_LENGTH,
)


def _password_field(label):
    """A new password; the form's ``validate_password`` applies the password policy."""
    return PasswordField(
        label,
        validators=[DataRequired(_l("Choisissez un mot de passe."))],
        description=PASSWORD_HINT,
    )


def _confirm_field():
    return PasswordField(
        _l("Confirmez le nouveau mot de passe"),
        validators=[
            DataRequired(_l("Confirmez le mot de passe.")),
            EqualTo("password", _l("Les deux mots de passe ne sont pas identiques.")),
        ],
    )


def _check_password(field, email: str = "", pseudonym: str = "") -> None:
    problem = password_problem(field.data, email=email or "", pseudonym=pseudonym or "")
    if problem:
        raise ValidationError(problem)


class RegistrationForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"),
        validators=[
            DataRequired(_l("Indiquez votre adresse e-mail.")),
            Email(_l("Cette adresse e-mail n’est pas valide."), check_deliverability=False),
            Length(max=User.EMAIL_MAX),
        ],
        description=_l("Elle reste privée : elle ne sert qu’à vous connecter."),
    )
    pseudonym = StringField(
        _l("Pseudonyme public"),
        validators=[
            DataRequired(_l("Choisissez un pseudonyme.")),
            Length(
                min=2,
                max=User.PSEUDONYM_MAX,
                # Length fills in %(min)d and %(max)d.
                message=_l("Le pseudonyme doit faire entre %(min)d et %(max)d caractères."),
            ),
            Regexp(
                r"^[\w .’'-]+$",
                message=_l("Lettres, chiffres, espaces, points, tirets et apostrophes seulement."),
            ),
        ],
        description=_l("C’est le nom que les autres verront. Pas besoin de votre vrai nom."),
    )
    password = _password_field(_l("Mot de passe"))
    password_confirm = PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[
            DataRequired(_l("Confirmez le mot de passe.")),
            EqualTo("password", _l("Les deux mots de passe ne sont pas identiques.")),
        ],
    )
    accept_charter = BooleanField(
        _l("J’ai lu et j’accepte la charte de participation"),
        validators=[InputRequired(_l("Vous devez accepter la charte pour créer un compte."))],
    )

    # No "this address has an account" here: the answer would tell anyone whose address it is
    # (the owner is e-mailed instead, see app/services/accounts.py).

    def validate_pseudonym(self, field):
        if pseudonym_taken(field.data):
            raise ValidationError(_l("Ce pseudonyme est déjà pris. Choisissez-en un autre."))

    def validate_password(self, field):
        _check_password(field, self.email.data, self.pseudonym.data)


class ConfirmRegistrationForm(FlaskForm):
    """The button that creates the account of a registration link (a POST, never a GET that
    a mail scanner following links would set off)."""


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"), validators=[DataRequired(_l("Indiquez votre adresse e-mail."))]
    )
    password = PasswordField(
        _l("Mot de passe"), validators=[DataRequired(_l("Indiquez votre mot de passe."))]
    )
    remember = BooleanField(_l("Rester connecté·e sur cet appareil"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"),
        validators=[
            DataRequired(_l("Indiquez votre adresse e-mail.")),
            Email(_l("Cette adresse e-mail n’est pas valide."), check_deliverability=False),
        ],
    )


class ResetPasswordForm(FlaskForm):
    """A new password for ``account`` (whose e-mail and pseudonym it may not be)."""

    def __init__(self, account=None, **kwargs):
        super().__init__(**kwargs)
        self.account = account

    password = _password_field(_l("Nouveau mot de passe"))
    password_confirm = _confirm_field()

    def validate_password(self, field):
        account = self.account
        _check_password(
            field, account.email if account else "", account.pseudonym if account else ""
        )


class ChangePasswordForm(FlaskForm):
    """The owner changes their password: the current one first, then the new one twice."""

    def __init__(self, account, **kwargs):
        super().__init__(**kwargs)
        self.account = account

    current_password = PasswordField(
        _l("Mot de passe actuel"),
        validators=[DataRequired(_l("Saisissez votre mot de passe actuel."))],
    )
    password = _password_field(_l("Nouveau mot de passe"))
    password_confirm = _confirm_field()

    def validate_current_password(self, field):
        if not verify_password(self.account.password_hash, field.data or ""):
            raise ValidationError(_l("Ce mot de passe n’est pas le bon."))

    def validate_password(self, field):
        _check_password(field, self.account.email, self.account.pseudonym)
        if field.data == self.current_password.data:
            raise ValidationError(_l("Choisissez un mot de passe différent de l’actuel."))


EMAIL_FREQUENCY_CHOICES = [
    (EmailFrequency.IMMEDIATE.value, _l("Un e-mail à chaque notification")),
    (EmailFrequency.DAILY.value, _l("Un résumé par jour")),
    (EmailFrequency.NEVER.value, _l("Jamais (les notifications restent sur le site)")),
]


MODERATION_ALERT_CHOICES = [
    (EmailFrequency.IMMEDIATE.value, _l("À chaque nouvel élément (au plus une fois par heure)")),
    (EmailFrequency.DAILY.value, _l("Une fois par jour")),
    (EmailFrequency.NEVER.value, _l("Jamais")),
]


class PreferencesForm(FlaskForm):
    locale = SelectField(
        _l("Langue du site"),
        choices=[
            ("", _l("Celle de mon navigateur")),
            ("fr", "Français"),
            ("en", "English"),
            ("ar", "العربية"),
        ],
    )
    email_frequency = RadioField(
        _l("E-mails de notification"),
        choices=EMAIL_FREQUENCY_CHOICES,
        validate_choice=False,  # AnyOf below says it in the person's language
        validators=[
            AnyOf(
                [value for value, _label in EMAIL_FREQUENCY_CHOICES],
                message=_l("Choisissez une des options proposées."),
            )
        ],
    )
    # Moderators only (the view removes it for everyone else).
    moderation_alerts = RadioField(
        _l("Contributions qui attendent la modération"),
        description=_l(
            "Une notification et un e-mail quand des contributions de vos ateliers attendent, "
            "avec l’âge de la plus ancienne."
        ),
        choices=MODERATION_ALERT_CHOICES,
        validate_choice=False,
        validators=[
            AnyOf(
                [value for value, _label in MODERATION_ALERT_CHOICES],
                message=_l("Choisissez une des options proposées."),
            )
        ],
    )
