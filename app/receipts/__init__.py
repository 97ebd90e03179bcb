"""Guest receipts: the code and private link a guest gets after leaving a testimony, to
follow it, correct it while it waits, or withdraw it (blueprint in ``views.py``)."""
