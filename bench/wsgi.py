"""The app as gunicorn serves it for the benchmark, plus `/bench/hello`: the ceiling.

`/bench/hello` is added to the same Flask app object, so it goes through the same
before/after-request hooks (sessions, security headers, locale) as every page, but touches
no database and renders no template: what the stack costs before a page does any work.
`/healthz` would not do: it queries the database.
"""

from flask import Flask

from app import create_app


def add_hello(flask_app: Flask) -> Flask:
    @flask_app.get("/bench/hello")
    def bench_hello():
        return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}

    return flask_app


app = add_hello(create_app())
