"""Core permissions: accounts, proposals, contributions, moderation, responses, follow-up."""

from datetime import datetime, timedelta

from flask import abort, current_app, request

from app.accounts.security_log import security_event
from app.models import (
    Contribution,
    ContributionKind,
    ContributionState,
    Organisation,
    Proposal,
    Role,
    Theme,
    User,
    utcnow,
)
from app.queries.contributions import PUBLIC_STATE, is_visible_to_public

ASSOCIATION_ROLES = frozenset({Role.ASSOCIATION_MEMBER, Role.MODERATOR})
MODERATION_ROLES = frozenset({Role.MODERATOR, Role.ADMIN})


def _is_user(user) -> bool:
    return isinstance(user, User) and user.is_authenticated and user.is_active


def is_admin(user) -> bool:
    """The network's coordinators."""
    return _is_user(user) and user.role is Role.ADMIN


def association_memberships(user, *, even_unconfirmed: bool = False) -> list[Organisation]:
    """The associations a person belongs to and may act for: none until their e-mail address
    is confirmed (``even_unconfirmed``: those they will act for once it is)."""
    if not _is_user(user) or not (even_unconfirmed or user.email_confirmed):
        return []
    if not is_admin(user) and user.role not in ASSOCIATION_ROLES:
        return []
    return [org for org in user.organisations if org.is_association]


def institution_memberships(user, *, even_unconfirmed: bool = False) -> list[Organisation]:
    """The verified institutions a representative speaks for: none until their e-mail address
    is confirmed (``even_unconfirmed``: those they will speak for once it is)."""
    if not _is_user(user) or user.role is not Role.INSTITUTION_REP:
        return []
    if not (even_unconfirmed or user.email_confirmed):
        return []
    return [org for org in user.organisations if org.is_institution and org.verified]


def can_create_proposal(user) -> bool:
    """Association members with an association, representatives of a verified institution
    (institutions put their own proposals to the associations), and admins."""
    return (
        is_admin(user) or bool(association_memberships(user)) or bool(institution_memberships(user))
    )


def can_edit_proposal(user, proposal: Proposal) -> bool:
    """Its author, members of the association or institution that filed it, and admins."""
    if is_admin(user):
        return True
    if not _is_user(user):
        return False
    if user.role is Role.INSTITUTION_REP:
        return proposal.organisation_id in {org.id for org in institution_memberships(user)}
    if user.role not in ASSOCIATION_ROLES:
        return False
    if proposal.author_id == user.id:
        return True
    return proposal.organisation_id in {org.id for org in association_memberships(user)}


def can_change_status(user, proposal: Proposal) -> bool:
    """Whoever may edit a proposal may move it along its life cycle."""
    return can_edit_proposal(user, proposal)


def can_act_for_organisation(user, organisation: Organisation | None) -> bool:
    """Whether a proposal may be filed in the name of this organisation."""
    if organisation is None:
        return is_admin(user)
    if is_admin(user):
        return organisation.is_association
    return organisation in association_memberships(user) + institution_memberships(user)


def can_administer(user) -> bool:
    """Organisations, verification, roles and themes."""
    return is_admin(user)


def can_contribute(user) -> bool:
    """Testimonies, comments, replies and flags under one's account: any active account."""
    return _is_user(user)


def can_testify_as_guest(user) -> bool:
    """The one-screen guest form is for people without an account (or not logged in)."""
    return not _is_user(user)


def can_record_assisted(user) -> bool:
    """Recording a beneficiary's testimony on their behalf: members of an association."""
    return bool(association_memberships(user))


def is_premoderated(user, theme: Theme) -> bool:
    """Guests are always held; participants and members as the workshop is set."""
    if not _is_user(user):
        return True
    if user.role is Role.PARTICIPANT:
        return theme.participants_premoderated
    return theme.members_premoderated


def can_view_contribution(user, contribution: Contribution) -> bool:
    """What anyone may read (``queries.contributions.is_visible_to_public``); the rest for
    the author and moderators. Authors always reach their own, e.g. to withdraw a reply under
    a hidden comment, and the published replies under their own held comment."""
    if _is_author(user, contribution) or is_moderator(user):
        return True
    if is_visible_to_public(contribution):
        return True
    return (
        contribution.state is PUBLIC_STATE
        and contribution.parent is not None
        and _is_author(user, contribution.parent)
    )


def _is_author(user, contribution: Contribution) -> bool:
    return _is_user(user) and contribution.author_id == user.id


def can_reply(user, contribution: Contribution) -> bool:
    """Replies go one level deep, under a published comment that is still there."""
    return (
        _is_user(user)
        and contribution.kind is ContributionKind.COMMENT
        and contribution.state is ContributionState.PUBLISHED
        and not contribution.is_withdrawn
    )


def edit_window_closes(contribution: Contribution) -> datetime:
    """When its author may no longer edit a contribution (naive UTC)."""
    minutes = current_app.config["CONTRIBUTION_EDIT_MINUTES"]
    return contribution.created_at + timedelta(minutes=minutes)


def can_edit_contribution(user, contribution: Contribution) -> bool:
    """Its author, within the edit window, while it is neither withdrawn nor moderated away."""
    if not _is_author(user, contribution) or contribution.is_withdrawn:
        return False
    if contribution.state in (ContributionState.HIDDEN, ContributionState.REJECTED):
        return False
    return utcnow() <= edit_window_closes(contribution)


def can_withdraw_contribution(user, contribution: Contribution) -> bool:
    """Its author, at any time."""
    return _is_author(user, contribution) and not contribution.is_withdrawn


def can_reword_hidden(user, contribution: Contribution) -> bool:
    """Its author, once moderators hid it: rewording sends it back to them. A rejection
    (a held text refused before it was ever public) is final: a new text is the way."""
    return (
        _is_author(user, contribution)
        and not contribution.is_withdrawn
        and contribution.state is ContributionState.HIDDEN
    )


def can_flag(user, contribution: Contribution) -> bool:
    """Anyone logged in, on someone else's published contribution."""
    return (
        _is_user(user)
        and not _is_author(user, contribution)
        and contribution.state is ContributionState.PUBLISHED
        and not contribution.is_withdrawn
    )


def is_moderator(user) -> bool:
    """The moderation queue and audit log: moderators and admins."""
    return _is_user(user) and user.role in MODERATION_ROLES


def can_moderate(user, contribution: Contribution) -> bool:
    """Moderators decide on others' contributions, never on their own."""
    return is_moderator(user) and not _is_author(user, contribution)


def can_feature(user, contribution: Contribution) -> bool:
    """Putting a testimony forward in the synthesis, or taking it back: whoever may moderate it."""
    return can_moderate(user, contribution)


def can_see_author_account(user) -> bool:
    """Who is behind an anonymous contribution: moderators and admins only."""
    return is_moderator(user)


def may_answer_for(user, organisation: Organisation) -> bool:
    """Who speaks for an organisation a proposal is put to: the representatives of a
    verified institution; the members (and moderators) of an association or service
    provider, once their e-mail address is confirmed. Admins never answer for others."""
    if organisation.is_institution:
        return organisation in institution_memberships(user)
    return (
        _is_user(user)
        and user.role in ASSOCIATION_ROLES
        and user.email_confirmed
        and organisation in user.organisations
    )


def can_respond(user, proposal: Proposal, organisation: Organisation) -> bool:
    """Those who speak for an organisation the proposal is addressed to: an institution, or
    an association when an institution put the proposal to it (the inversion)."""
    if organisation.id not in {a.institution_id for a in proposal.addressed}:
        return False
    if not organisation.is_institution and not proposal.from_institution:
        return False
    return may_answer_for(user, organisation)


def can_manage_commitment(user, commitment) -> bool:
    """Commitments are kept up to date by the institution that made them."""
    response = commitment.response
    return can_respond(user, response.proposal, response.institution)


def can_post_update(user, proposal: Proposal) -> bool:
    """Follow-up news: the proposal's association, the network's association members,
    and representatives of an institution it is addressed to."""
    if can_edit_proposal(user, proposal) or bool(association_memberships(user)):
        return True
    addressed = {a.institution_id for a in proposal.addressed}
    return any(org.id in addressed for org in institution_memberships(user))


def can_follow(user) -> bool:
    """Anyone with an account follows proposals and workshops."""
    return _is_user(user)


def can_reply_to_response(user, response) -> bool:
    """The right of reply under every official response: anyone with an account."""
    return _is_user(user)


def require(allowed: bool) -> None:
    """Stop the request with 403 unless the policy allowed it."""
    if not allowed:
        abort(403)


def require_visible(allowed: bool) -> None:
    """Stop the request with 404 unless the policy allows seeing the object: its very
    existence is not told. Logged, unlike an unknown id, as an authorization failure."""
    if not allowed:
        security_event("authorization_failed", status=404, method=request.method)
        abort(404)


CORE_PREDICATES = {
    "is_admin": is_admin,
    "can_create_proposal": can_create_proposal,
    "can_edit_proposal": can_edit_proposal,
    "can_change_status": can_change_status,
    "can_administer": can_administer,
    "can_respond": can_respond,
    "may_answer_for": may_answer_for,
    "can_manage_commitment": can_manage_commitment,
    "can_post_update": can_post_update,
    "can_follow": can_follow,
    "can_reply_to_response": can_reply_to_response,
    "institution_memberships": institution_memberships,
    "can_contribute": can_contribute,
    "can_testify_as_guest": can_testify_as_guest,
    "can_record_assisted": can_record_assisted,
    "can_reply": can_reply,
    "can_edit_contribution": can_edit_contribution,
    "can_withdraw_contribution": can_withdraw_contribution,
    "can_reword_hidden": can_reword_hidden,
    "can_flag": can_flag,
    "is_moderator": is_moderator,
    "can_moderate": can_moderate,
    "can_feature": can_feature,
    "can_see_author_account": can_see_author_account,
}
