"""Who opens the translators' workspace (``/traductions``), in which languages, and who
writes a proposal's easy-read summary from it. Who may translate one text is decided in
``translations.py`` (``can_translate``)."""

from app.models import Meeting, Proposal
from app.policy.core import can_edit_proposal, institution_memberships
from app.policy.translations import (
    can_translate,
    is_translator,
    translation_languages,
    translator_languages,
)


def queue_languages(user) -> list[str]:
    """The languages of one's queue: those one was named for; every one for an
    institution's representative, who translates their institution's own responses."""
    if institution_memberships(user):
        return list(translation_languages())
    return translator_languages(user)


def can_open_translation_queue(user) -> bool:
    return bool(queue_languages(user))


def translates_everything_into(user, lang: str) -> bool:
    """Named for that language (or an admin): the whole queue, not only one's own texts."""
    return lang in translator_languages(user)


def can_write_easy_read(user, proposal: Proposal) -> bool:
    """The French easy-read summary: translators (plain words are their craft) write one
    where there is none; replacing one is for those who may edit the proposal."""
    if can_edit_proposal(user, proposal):
        return True
    return is_translator(user) and not (proposal.easy_read or "").strip()


def languages_to_translate(user, obj) -> list[str]:
    """The languages this person may translate this text into (its "Traduire" links); none
    for a members' meeting, which is not translated."""
    if isinstance(obj, Meeting) and not obj.is_public:
        return []
    return [lang for lang in translation_languages() if can_translate(user, obj, lang)]


TRANSLATORS_PREDICATES = {
    "languages_to_translate": languages_to_translate,
    "can_open_translation_queue": can_open_translation_queue,
    "can_write_easy_read": can_write_easy_read,
}
