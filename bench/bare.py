"""The ceiling: a bare Flask app that returns a short HTML hello, and nothing else.

No extension, no hook, no database, no template: what gunicorn and Flask themselves cost
per request on this machine. `make bench` serves it with the same gunicorn settings as the
app, in the same run, and reports every page as a share of it (`/bench/hello`, the app's
own route through every hook, is the second line: what the hooks cost).
"""

from flask import Flask

HELLO = "<!doctype html><html lang=fr><title>Bonjour</title><p>Bonjour</p></html>"

app = Flask(__name__)


@app.get("/bench/hello")
def hello():
    return HELLO
