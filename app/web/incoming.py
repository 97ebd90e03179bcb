"""What arrives from outside, before anyone reads it: no NUL character, no file but where
a route takes one.

Nobody types a NUL, and PostgreSQL refuses one in a text value (an error, not a saved
row), so NUL characters are dropped from form fields and query arguments, and a URL path
carrying one is a bad request.

Forms take no file; one sent anyway would reach a text field as a file object (Flask-WTF
reads files and fields together) where its checks expect text. A route that takes a file
says so at the route, ``@takes_file("IMPORT_MAX_BYTES")``: there, and only there, files
are let through and the body may hold twice that many bytes (the file, or the rows read
from it carried to the next step), above ``MAX_CONTENT_LENGTH``; a larger body gets a 413
page that says the route's own limit.
"""

from collections.abc import Callable

from flask import Flask, abort, current_app, request
from flask import Request as FlaskRequest
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.utils import cached_property

NUL = "\x00"
_TAKES_FILE = "voix_takes_file"
# Room for the form's other fields (CSRF token, buttons) beside the file.
FORM_ROOM_BYTES = 64 * 1024


def takes_file(setting: str, *, files: bool = True, fields: tuple[str, ...] | None = None):
    """Declared under ``@bp.route``: this route takes a file of at most
    ``app.config[setting]`` bytes (``files=False``: no file, but a form that carries as
    much, e.g. the rows read from one); ``fields``: the only fields a file may come in (a
    file in a text field is refused as anywhere else)."""

    def declare(view: Callable) -> Callable:
        setattr(view, _TAKES_FILE, (setting, files, fields))
        return view

    return declare


def _declaration(req: FlaskRequest) -> tuple[str, bool, tuple[str, ...] | None] | None:
    view = current_app.view_functions.get(req.endpoint) if req.endpoint else None
    return getattr(view, _TAKES_FILE, None)


def body_limit(setting: str) -> int:
    """The largest body a route declared with ``takes_file(setting)`` reads."""
    return 2 * current_app.config[setting] + FORM_ROOM_BYTES


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
        declared = _declaration(self)
        if declared is not None:  # before the body is read (Flask-WTF's CSRF check reads it)
            limit = max(body_limit(declared[0]), current_app.config["MAX_CONTENT_LENGTH"] or 0)
            self.max_content_length = self.max_form_memory_size = limit
        try:
            super()._load_form_data()
        except RequestEntityTooLarge:
            if declared is None:
                raise
            raise FileTooLarge(current_app.config[declared[0]]) from None
        self.__dict__["form"] = _without_nul(self.__dict__["form"])


class FileRefused(BadRequest):
    """A file sent to a site whose forms take only text."""

    page_message = _l(
        "Ce formulaire n’accepte pas de fichier : écrivez votre texte dans la case prévue."
    )


class FileTooLarge(RequestEntityTooLarge):
    """A body over a file route's own limit: the page says that limit."""

    def __init__(self, max_bytes: int):
        super().__init__()
        self.page_message = _l(
            "Le fichier envoyé est trop volumineux (%(size)s au plus). Rien n’a été "
            "enregistré : envoyez un fichier plus petit.",
            size=megabytes(max_bytes),
        )


def megabytes(size: int) -> str:
    """A size for people: "5 Mo", "1,5 Mo", "2 Ko"."""
    if size >= 1024 * 1024:
        return _l("%(n)s Mo", n=f"{round(size / (1024 * 1024), 1):g}".replace(".", ","))
    return _l("%(n)s Ko", n=max(1, round(size / 1024)))


def _refuse_nul_in_path():
    if NUL in request.path:
        abort(400)


def _refuse_files():
    # A GET carries no body: nothing to parse. Any other request's body is parsed here,
    # before any other hook answers, so one over the size limit is a 413 whatever comes next.
    if request.method in ("GET", "HEAD", "OPTIONS") or not request.files:
        return
    declared = _declaration(request)
    if not (declared and declared[1]):
        raise FileRefused()
    if declared[2] is not None and set(request.files) - set(declared[2]):
        raise FileRefused()


def init_app(app: Flask) -> None:
    app.request_class = Request
    app.before_request(_refuse_nul_in_path)
    app.before_request(_refuse_files)
