"""The translators' forms: a translation beside its original, a proposal's easy-read
summary, naming a translator."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired

from app.fields import MaxChars
from app.models import Proposal, TranslatedKind, User
from app.services.translations import field_limit

K = TranslatedKind
KIND_LABELS = {
    K.PROPOSAL: _l("Proposition"),
    K.RESPONSE: _l("Réponse officielle"),
    K.COMMITMENT: _l("Engagement"),
    K.STATED_POSITION: _l("Position rapportée"),
    K.UPDATE: _l("Nouvelle du suivi"),
    K.THEME: _l("Atelier"),
    K.EVENT: _l("Événement"),
    K.CHARTER: _l("Charte de participation"),
    K.CHARTER_ARTICLE: _l("Article de la charte"),
    K.MEETING: _l("Réunion"),
}
# Every field of TRANSLATABLE, as the form names it.
FIELD_LABELS = {
    "title": _l("Titre"),
    "easy_read": _l("Résumé facile à lire"),
    "body": _l("Texte"),
    "action": _l("Ce qui est promis"),
    "words": _l("Propos rapportés"),
    "name": _l("Nom"),
    "description": _l("Description"),
    "summary": _l("Présentation"),
    "advances": _l("Avancées"),
    "obstacles": _l("Freins"),
    "next_steps": _l("Suite à donner"),
    "introduction": _l("Introduction"),
    "agenda": _l("Ordre du jour"),
}

# The languages a text is translated into, named in the page's language.
LANGUAGE_LABELS = {"en": _l("anglais"), "ar": _l("arabe")}


def language_label(lang: str):
    return LANGUAGE_LABELS.get(lang, lang)


class TranslationForm(FlaskForm):
    """One textarea per field of the original, with the revision of the translation and
    the digest of the original it was written from (hidden)."""

    @classmethod
    def build(cls, obj, fields: list[str], lang: str) -> "TranslationForm":
        """The form for these fields of ``obj`` (those with an original to translate)."""

        class Form(cls):
            pass

        language = language_label(lang)
        for field in fields:
            label = _l("%(field)s en %(language)s", field=FIELD_LABELS[field], language=language)
            limit = field_limit(obj, field)
            setattr(Form, field, TextAreaField(label, [MaxChars(limit)]))
            setattr(Form, f"revision_{field}", HiddenField())
            setattr(Form, f"digest_{field}", HiddenField())
        form = Form()
        form.translated_fields = fields
        return form

    def texts(self) -> dict[str, str]:
        return {field: self[field].data or "" for field in self.translated_fields}

    def revisions(self) -> dict[str, int]:
        """The revision each field was written from; an unreadable one matches none."""
        values = {}
        for field in self.translated_fields:
            value = self[f"revision_{field}"].data or "0"
            values[field] = int(value) if value.isascii() and value.isdigit() else -1
        return values

    def digests(self) -> dict[str, str]:
        return {field: self[f"digest_{field}"].data or "" for field in self.translated_fields}

    def show(self, rows: dict, digests: dict[str, str]) -> None:
        """The form as first shown: the translations there are, made from these originals."""
        self.start_from(rows, digests)
        for field in self.translated_fields:
            if field in rows:
                self[field].data = rows[field].text

    def start_from(self, rows: dict, digests: dict[str, str]) -> None:
        """Carry the translations and the originals as they stand now: the next save is
        made from them (after a refusal, once the person has compared)."""
        for field in self.translated_fields:
            row = rows.get(field)
            self[f"revision_{field}"].data = str(row.revision if row else 0)
            self[f"digest_{field}"].data = digests[field]


class EasyReadForm(FlaskForm):
    easy_read = TextAreaField(
        _l("Résumé facile à lire"),
        validators=[
            DataRequired(_l("Écrivez le résumé avant d’enregistrer.")),
            MaxChars(Proposal.EASY_READ_MAX),
        ],
    )
    was = HiddenField()


class NameTranslatorForm(FlaskForm):
    user = StringField(
        _l("Adresse e-mail ou pseudonyme du compte"),
        validators=[
            DataRequired(_l("Indiquez l’adresse e-mail ou le pseudonyme du compte.")),
            MaxChars(User.EMAIL_MAX),
        ],
    )
    lang = SelectField(_l("Langue"))
