"""Forms of the privacy area."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import InputRequired


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Votre mot de passe"),
        description=_l("Pour être sûr que c’est bien vous."),
        validators=[InputRequired(_l("Écrivez votre mot de passe."))],
    )
    withdraw_contributions = BooleanField(
        _l("Retirer aussi mes contributions"),
        description=_l(
            "Si vous cochez, vos témoignages, commentaires et réponses ne seront plus lus. "
            "Sinon, ils restent, signés « Compte supprimé »."
        ),
    )
    confirm = BooleanField(
        _l("Je veux supprimer mon compte. Je sais que c’est définitif."),
        validators=[InputRequired(_l("Cochez la case pour confirmer."))],
    )
