"""Flask's signed-cookie session, its signing serializer built once rather than at every
request (Flask builds a new one, and itsdangerous checks its JSON serializer by running it,
even for a visitor who sent no cookie). Same keys, same salt, same cookie."""

from flask import Flask
from flask.sessions import SecureCookieSessionInterface


class CookieSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple, object] = {}

    def get_signing_serializer(self, app: Flask):
        if not app.secret_key:
            return None
        # Keyed by the keys themselves: a test or a rotation that changes them gets its own.
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer


def init_app(app: Flask) -> None:
    app.session_interface = CookieSessionInterface()
