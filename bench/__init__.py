"""`make bench`: a large data set, gunicorn, wrk, and a report (see bench/run.py)."""
