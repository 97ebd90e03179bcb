"""Spoken testimonies: the media routes (``views.bp``: published recordings, and what
moderators hear) and the probing and conversion with PyAV (``processing``).

The forms that take a recording are in the contributions area; the conversion is the
worker's job (``app.services.audio.convert_waiting``). The blueprint is registered from
``app.audio.views`` (as ``app.accounts.views``): the services import ``processing`` from
this package, and the views import the services."""
