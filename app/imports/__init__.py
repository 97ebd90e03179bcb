"""Importing an event's proposals from a spreadsheet: the file read (spreadsheet.py), its
rows checked against the database (rows.py), carried signed to the confirmation
(sealing.py), the admin pages (views.py, registered as ``app.imports.views``) and
`flask events import` (app/cli.py)."""
