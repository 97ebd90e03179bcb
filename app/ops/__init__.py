"""Running the site: the worker, e-mail, backups, readiness checks and production logs."""
