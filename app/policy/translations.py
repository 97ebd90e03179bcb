"""Who may translate what: the volunteers an admin named for a language, the admins, and an
institution's representatives for their own responses and commitments."""

from flask import current_app

from app.models import ORIGINAL_LANGUAGE, Commitment, OfficialResponse
from app.policy.core import _is_user, institution_memberships, is_admin


def translation_languages() -> tuple[str, ...]:
    """The languages a text may be translated into: every site language but the original's."""
    return tuple(lang for lang in current_app.config["LANGUAGES"] if lang != ORIGINAL_LANGUAGE)


def translator_languages(user) -> list[str]:
    """The languages this person translates into (all of them for an admin)."""
    if is_admin(user):
        return list(translation_languages())
    if not _is_user(user):
        return []
    named = {role.lang for role in user.translator_roles}
    return [lang for lang in translation_languages() if lang in named]


def is_translator(user) -> bool:
    return bool(translator_languages(user))


def _own_institution(user, obj) -> bool:
    """A representative translating their institution's own response or commitment."""
    response = obj.response if isinstance(obj, Commitment) else obj
    if not isinstance(response, OfficialResponse):
        return False
    return response.institution_id in {org.id for org in institution_memberships(user)}


def can_translate(user, obj, lang: str) -> bool:
    """Translators of that language translate anything translatable; an institution's
    representatives translate their own responses and commitments."""
    if lang not in translation_languages() or not _is_user(user):
        return False
    return lang in translator_languages(user) or _own_institution(user, obj)


def can_remove_translation(user, obj, lang: str) -> bool:
    """Admins and translators of that language take a translation down (an outdated one
    still showing what the original no longer says)."""
    return lang in translator_languages(user)


def can_name_translators(user) -> bool:
    return is_admin(user)


TRANSLATIONS_PREDICATES = {
    "can_translate": can_translate,
    "is_translator": is_translator,
    "can_remove_translation": can_remove_translation,
}
