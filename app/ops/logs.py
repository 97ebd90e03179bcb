"""Production logs: one JSON object per line on standard output.

Every record gets ``time``, ``level``, ``logger`` and ``message``; during a request also
``request_id`` (the proxy's ``X-Request-ID`` when it sent a sane one, else a new one), and
the ``voix.request`` logger writes one line per request with its method, route, status and
duration. The ``voix.security`` events go through the same handler. Tests and development
keep Python's default logging: this is installed for the production configuration only.
"""

import json
import logging
import re
import secrets
import sys
import time
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler

request_logger = logging.getLogger("voix.request")
REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
# The extra fields a record may carry (logger.info(..., extra={...})) that belong in the line.
EXTRA_FIELDS = ("method", "path", "status", "duration_ms", "remote_addr")
# A guest's receipt code is the only key to their testimony: never written in a log.
_RECEIPT_PATH = re.compile(r"/recu/[^\s?#]+")


def redact_path(path: str) -> str:
    """The path (or request line) with any receipt code replaced by ``<code>``."""
    return _RECEIPT_PATH.sub("/recu/<code>", path)


# One encoder for every line (json.dumps with options builds a new one each time).
_JSON = json.JSONEncoder(ensure_ascii=False, default=str)


class JsonFormatter(logging.Formatter):
    """A record as one JSON object; the encoder escapes anything a person typed."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            line["request_id"] = request_id
        for name in EXTRA_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return _JSON.encode(line)


class RequestIdFilter(logging.Filter):
    """Adds the current request's id to every record written while it is handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id") and has_request_context():
            record.request_id = g.get("request_id")
        return True


class StdoutHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stdout`` is when the record is emitted."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    @property
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, _value) -> None:  # StreamHandler.__init__ assigns it
        pass


def configure_json_logging(level: int = logging.INFO) -> logging.Handler:
    """Replace the root logger's handlers by one JSON handler on stdout."""
    handler = StdoutHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    return handler


def init_app(app: Flask) -> None:
    """JSON lines on stdout and one line per request (the production configuration)."""
    configure_json_logging()
    app.logger.removeHandler(default_handler)  # records go up to the root's JSON handler

    @app.before_request
    def _start():
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _SANE_REQUEST_ID.match(incoming) else secrets.token_hex(16)
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        started = g.get("request_started")
        if started is None:  # a request refused before before_request ran
            return response
        request_id = g.request_id
        if request_logger.isEnabledFor(logging.INFO):
            _write_request_line(request._get_current_object(), response, started, request_id)
        response.headers[REQUEST_ID_HEADER] = request_id
        return response


def _write_request_line(req, response, started: float, request_id: str) -> None:
    """The request's line, its record made directly: ``logger.info`` would first walk the
    stack to find its caller, which the line does not show."""
    # The route's pattern, not the path: tokens in reset or unsubscribe links and receipt
    # codes stay out; a path no route matched has its receipt code taken out.
    path = req.url_rule.rule if req.url_rule is not None else redact_path(req.path)
    method, status = req.method, response.status_code
    record = request_logger.makeRecord(
        request_logger.name,
        logging.INFO,
        __file__,
        0,
        "%s %s %s",
        (method, path, status),
        None,
        extra={
            "request_id": request_id,
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    request_logger.handle(record)


def access_logger_class():
    """gunicorn's logger, its access lines without receipt codes (gunicorn.conf.py uses it
    when GUNICORN_ACCESS_LOG=1)."""
    from gunicorn.glogging import Logger

    class RedactedAccessLogger(Logger):
        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            for key in ("r", "U"):
                if isinstance(atoms.get(key), str):
                    atoms[key] = redact_path(atoms[key])
            return atoms

    return RedactedAccessLogger
