"""What arrives from outside, before anyone reads it: no NUL character, no file.

Nobody types a NUL, and PostgreSQL refuses one in a text value (an error, not a saved
row), so NUL characters are dropped from form fields and query arguments, and a URL path
carrying one is a bad request.

No form of the site takes a file; one sent anyway would reach a text field as a file
object (Flask-WTF reads files and fields together) where its checks expect text.
"""

from flask import Flask, abort, request
from flask import Request as FlaskRequest
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.utils import cached_property

NUL = "\x00"


def _without_nul(values: MultiDict) -> MultiDict:
    if not any(NUL in key or NUL in value for key, value in values.items(multi=True)):
        return values
    return type(values)(
        (key.replace(NUL, ""), value.replace(NUL, "")) for key, value in values.items(multi=True)
    )


class Request(FlaskRequest):
    """Flask's request, with NUL characters removed from `form` and `args`."""

    @cached_property
    def args(self) -> MultiDict:
        return _without_nul(super().args)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _without_nul(self.__dict__["form"])


class FileRefused(BadRequest):
    """A file sent to a site whose forms take only text."""

    page_message = _l(
        "Ce formulaire n’accepte pas de fichier : écrivez votre texte dans la case prévue."
    )


def _refuse_nul_in_path():
    if NUL in request.path:
        abort(400)


def _refuse_files():
    if request.files:
        raise FileRefused()


def init_app(app: Flask) -> None:
    app.request_class = Request
    app.before_request(_refuse_nul_in_path)
    app.before_request(_refuse_files)
