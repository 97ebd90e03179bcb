"""Participants' suggestions of proposals: the blueprint is in ``views.py``."""
