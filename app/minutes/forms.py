"""Minutes forms: the secretary's draft and versions, participants' amendments."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from app.fields import CalendarDateField, MaxChars
from app.models import MinutesVersion, paris_today

MINUTES_MAX_LENGTH = 50_000
PASSAGE_MAX_LENGTH = 5_000
REASON_MAX_LENGTH = 2_000

ACCEPT, DECLINE = "accept", "decline"


def _minutes_body(label, description=None):
    return TextAreaField(
        label,
        validators=[
            DataRequired(_l("Écrivez le texte du compte rendu.")),
            MaxChars(MINUTES_MAX_LENGTH),
        ],
        description=description,
    )


class BasedOnField(HiddenField):
    """The version the secretary wrote from, to notice a version published meanwhile
    (anything but a number counts as unknown, hence as out of date)."""

    @property
    def number(self) -> int | None:
        value = (self.data or "").strip()
        return int(value) if value.isascii() and value.isdigit() else None


class PublishForm(FlaskForm):
    body = _minutes_body(
        _l("Texte du compte rendu"),
        _l("Qui était là, ce qui a été dit, ce qui a été décidé, qui fait quoi ensuite."),
    )
    amendments_until = CalendarDateField(
        _l("Amendements possibles jusqu’au"),
        validators=[InputRequired(_l("Indiquez une date (jj/mm/aaaa)."))],
        description=_l(
            "Jusqu’à cette date incluse, les participants peuvent proposer des corrections."
        ),
    )

    def validate_amendments_until(self, field):
        if field.data and field.data < paris_today():
            raise ValidationError(_l("La date doit être aujourd’hui ou plus tard."))


class AmendmentForm(FlaskForm):
    passage = TextAreaField(
        _l("Le passage à corriger"),
        validators=[
            DataRequired(_l("Recopiez le passage à corriger.")),
            MaxChars(PASSAGE_MAX_LENGTH),
        ],
        description=_l("Recopiez-le tel qu’il est écrit dans le compte rendu."),
    )
    proposed_text = TextAreaField(
        _l("Ce que vous proposez d’écrire à la place"),
        validators=[
            DataRequired(_l("Écrivez la formulation que vous proposez.")),
            MaxChars(PASSAGE_MAX_LENGTH),
        ],
    )
    reason = TextAreaField(
        _l("Pourquoi ?"),
        validators=[
            DataRequired(_l("Expliquez pourquoi ce passage doit changer.")),
            MaxChars(REASON_MAX_LENGTH),
        ],
        description=_l("Par exemple : ce n’est pas ce qui a été dit, un oubli, une erreur."),
    )

    def validate_proposed_text(self, field):
        if (field.data or "").strip() == (self.passage.data or "").strip():
            raise ValidationError(_l("Votre formulation est identique au passage."))


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Votre décision"),
        choices=[
            (ACCEPT, _l("Accepter : publier une nouvelle version du compte rendu")),
            (DECLINE, _l("Refuser l’amendement")),
        ],
        validators=[InputRequired(_l("Choisissez d’accepter ou de refuser."))],
    )
    body = TextAreaField(
        _l("Nouveau texte du compte rendu (si vous acceptez)"),
        validators=[MaxChars(MINUTES_MAX_LENGTH)],
        description=_l("Le texte entier, tel qu’il sera publié dans la nouvelle version."),
    )
    reason = TextAreaField(
        _l("Votre réponse à l’auteur de l’amendement"),
        validators=[MaxChars(REASON_MAX_LENGTH)],
        description=_l("Obligatoire si vous refusez. Elle est publique."),
    )
    based_on = BasedOnField()

    def validate_body(self, field):
        if self.decision.data == ACCEPT and not (field.data or "").strip():
            raise ValidationError(_l("Écrivez le texte du compte rendu."))

    def validate_reason(self, field):
        if self.decision.data == DECLINE and not (field.data or "").strip():
            raise ValidationError(_l("Expliquez pourquoi l’amendement est refusé."))


class CorrectionForm(FlaskForm):
    body = _minutes_body(_l("Texte corrigé du compte rendu"))
    note = StringField(
        _l("Ce que vous corrigez"),
        validators=[
            DataRequired(_l("Dites en quelques mots ce que vous corrigez.")),
            MaxChars(MinutesVersion.NOTE_MAX),
        ],
        description=_l("Affiché dans l’historique des versions."),
    )
    based_on = BasedOnField()


class ValidateForm(FlaskForm):
    confirm = BooleanField(
        _l("Je valide ce compte rendu : il ne pourra plus être modifié ni amendé."),
        validators=[DataRequired(_l("Cochez la case pour confirmer."))],
    )
