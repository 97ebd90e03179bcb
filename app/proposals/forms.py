"""Proposal forms: filing and editing, changing status, filtering the list."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, ValidationError

from app.fields import MaxChars
from app.labels import STATUS_LABELS
from app.models import Organisation, OrganisationKind, Proposal


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes: readable and usable without JavaScript."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ProposalForm(FlaskForm):
    title = StringField(
        _l("Titre"),
        validators=[
            DataRequired(_l("Donnez un titre à la proposition.")),
            Length(
                min=Proposal.TITLE_MIN,
                max=Proposal.TITLE_MAX,
                # Length fills in %(min)d and %(max)d.
                message=_l("Le titre doit faire entre %(min)d et %(max)d caractères."),
            ),
        ],
        description=_l("Une phrase courte qui dit ce que vous proposez."),
    )
    body = TextAreaField(
        _l("Texte de la proposition"),
        validators=[
            DataRequired(_l("Décrivez la proposition.")),
            Length(
                min=Proposal.BODY_MIN,
                max=Proposal.BODY_MAX,
                message=_l("Le texte doit faire entre 20 et 10 000 caractères."),
            ),
        ],
        description=_l("Le constat, ce qui est proposé, qui pourrait le faire."),
    )
    easy_read = TextAreaField(
        _l("Résumé facile à lire (facultatif)"),
        validators=[MaxChars(Proposal.EASY_READ_MAX)],
        description=_l(
            "Quelques phrases courtes, avec des mots simples : une idée par phrase. "
            "Il est affiché avant le texte complet."
        ),
    )
    theme_id = SelectField(
        _l("Atelier"), coerce=int, validators=[DataRequired(_l("Choisissez un atelier."))]
    )
    # Not named event_id: a form built from a proposal would take its None, no valid choice.
    event_choice = SelectField(
        _l("Événement"),
        coerce=int,
        default=0,
        description=_l(
            "L’événement d’où vient la proposition (des assises, une journée…), s’il y en a un."
        ),
    )
    organisation_id = SelectField(
        _l("Au nom de"), coerce=int, validators=[DataRequired(_l("Choisissez une association."))]
    )
    institution_ids = MultiCheckboxField(
        _l("Institutions concernées"),
        coerce=int,
        validate_choice=False,  # checked below, with a message that says what to do
        description=_l("Les institutions à qui la proposition s’adresse (plusieurs possibles)."),
    )

    def validate_institution_ids(self, field):
        if not set(field.data or []) <= {option.data for option in field}:
            raise ValidationError(_l("Choisissez parmi les organisations de la liste."))


def offer_addressees(
    form: ProposalForm, organisations: list[Organisation], *, to_associations: bool
) -> None:
    """Who the proposal may be addressed to: institutions; for an institution's proposal,
    associations and service providers too (the inversion), grouped by kind."""
    field = form.institution_ids
    institutions = [(o.id, o.name) for o in organisations if o.is_institution]
    if not to_associations:
        field.choices = institutions
        return
    field.label.text = _l("Organisations sollicitées")
    field.description = _l(
        "Les associations, associations prestataires ou institutions à qui votre institution "
        "propose d’agir (plusieurs possibles). Elles pourront s’en saisir ou donner leur position."
    )
    field.choices = {
        str(_l("Associations")): _of_kind(organisations, OrganisationKind.ASSOCIATION),
        str(_l("Associations prestataires")): _of_kind(
            organisations, OrganisationKind.SERVICE_PROVIDER
        ),
        str(_l("Institutions")): institutions,
    }


def _of_kind(organisations: list[Organisation], kind: OrganisationKind) -> list[tuple]:
    return [(o.id, o.name) for o in organisations if o.kind is kind]


class ProposalEditForm(ProposalForm):
    organisation_id = None  # the association a proposal belongs to does not change


class StatusForm(FlaskForm):
    status = SelectField(
        _l("Nouveau statut"),
        choices=[(status.value, label) for status, label in STATUS_LABELS.items()],
        validators=[DataRequired(_l("Choisissez un statut."))],
    )
    reason = TextAreaField(
        _l("Raison du changement"),
        validators=[
            DataRequired(_l("Indiquez la raison du changement.")),
            Length(max=2000, message=_l("La raison ne doit pas dépasser 2 000 caractères.")),
        ],
        description=_l("Elle sera publiée sur le suivi de la proposition."),
    )
