""" "Ça me concerne" (blueprint ``concerns``, in ``views.py``): a person with an account marks
a proposal as concerning them, or withdraws the mark; an association's members count the
people they met who are concerned (``/propositions/<id>/personnes-concernees``). Writes in
``app/services/concerns.py``, reads in ``app/queries/concerns.py``, who may in
``app/policy/concerns.py``."""
