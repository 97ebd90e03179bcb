"""The import forms: the file to read, then the confirmation carrying its rows."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField


class UploadForm(FlaskForm):
    file = FileField(
        _l("Fichier du tableur"),
        validators=[FileRequired(_l("Choisissez le fichier à importer."))],
        description=_l(
            "Un fichier CSV, XLSX ou ODS : la première ligne nomme les colonnes, puis une "
            "proposition par ligne."
        ),
    )


class ConfirmForm(FlaskForm):
    # The previewed rows, signed (app/imports/sealing.py): the file is not sent twice.
    rows = HiddenField()
