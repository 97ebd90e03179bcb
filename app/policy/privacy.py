"""Personal data: one's own data, and deleting one's own account."""

from app.policy.core import _is_user


def can_see_own_data(user) -> bool:
    """Anyone logged in, about themselves only."""
    return _is_user(user) and user.deleted_at is None


def can_delete_account(user) -> bool:
    """Anyone logged in deletes their own account, once."""
    return _is_user(user) and user.deleted_at is None


PRIVACY_PREDICATES = {
    "can_see_own_data": can_see_own_data,
    "can_delete_account": can_delete_account,
}
