"""The translators' workspace (blueprint ``translators``, in ``views.py``): the queue of
texts waiting for a translation into one's language (``/traductions``), the side-by-side
form, a proposal's French easy-read summary, and the admins' list of translators
(``/admin/traducteurs``). Reads in ``app/queries/translators.py``, writes in
``app/services/translations.py``, who may in ``app/policy/translators.py`` and
``app/policy/translations.py``; reads of proposal pages counted by
``app/web/read_counter.py``."""
