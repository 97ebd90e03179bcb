"""Every route × every role: the expected status, and nothing changed when refused; then
ownership, parents, smuggled form fields and unknown ids, one rule at a time."""

import io
from datetime import date, timedelta
from uuid import uuid4

import pytest
import sqlalchemy as sa
from flask import current_app
from itsdangerous import URLSafeSerializer

from app.extensions import db
from app.imports.rows import SheetRow
from app.imports.sealing import seal
from app.models import (
    AddressedInstitution,
    AnswerLink,
    AudioRecording,
    AudioState,
    CharterArticle,
    CharterVersion,
    Commitment,
    ConcernTally,
    Contribution,
    ContributionKind,
    ContributionState,
    Cosignature,
    Event,
    Follow,
    Meeting,
    MembershipRequest,
    Minutes,
    MinutesAmendment,
    MinutesState,
    MinutesVersion,
    OfficialResponse,
    OrganisationKind,
    PaperSheetPhoto,
    Place,
    Position,
    Proposal,
    ProposalStatus,
    ResponseAttachment,
    ResponseVersion,
    StatedPosition,
    Suggestion,
    Translator,
    paris_today,
    source_digest,
    utcnow,
)
from app.services import answer_links, receipts
from app.services.accounts import CHARTER_VERSION
from app.services.email_confirmation import confirmation_token
from app.services.notifications import UNSUBSCRIBE_SALT
from app.services.outreach import DIGEST_STOP_SALT
from tests.audio_samples import tone_wav
from tests.conftest import PASSWORD, ROLES, login

OK, REDIRECT, BAD, FORBIDDEN, NOT_FOUND = 200, 302, 400, 403, 404
PUBLIC = dict.fromkeys(ROLES, OK)
REDIRECTS = dict.fromkeys(ROLES, REDIRECT)


def by_role(visitor, participant, association, moderator, institution, admin):
    statuses = (visitor, participant, association, moderator, institution, admin)
    return dict(zip(ROLES, statuses, strict=True))


ADMIN_ONLY = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)
ADMIN_POST = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT)
LOGGED_IN = by_role(REDIRECT, OK, OK, OK, OK, OK)
GUESTS_ONLY = by_role(OK, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT)
# The association member belongs to the proposal's association; the moderator to another one;
# the institution's representative to the (verified) institution the proposal is addressed to.
CREATE = by_role(REDIRECT, FORBIDDEN, OK, OK, OK, OK)
CREATE_POST = by_role(REDIRECT, FORBIDDEN, REDIRECT, REDIRECT, REDIRECT, REDIRECT)
EDIT = by_role(REDIRECT, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK)
EDIT_POST = by_role(REDIRECT, FORBIDDEN, REDIRECT, FORBIDDEN, FORBIDDEN, REDIRECT)
# Assisted testimonies need an association: the admin has none.
ASSISTED = by_role(REDIRECT, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN)
ASSISTED_POST = by_role(REDIRECT, FORBIDDEN, REDIRECT, REDIRECT, FORBIDDEN, FORBIDDEN)
# Rewording someone else's hidden contribution: unseen (404), or seen by moderators but refused.
HIDDEN_OTHERS = by_role(REDIRECT, NOT_FOUND, NOT_FOUND, FORBIDDEN, NOT_FOUND, FORBIDDEN)
REWORD_MINE_URL = "/contributions/{mine_hidden.id}/reformuler"
NOT_OWNER = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)
MODERATORS = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN, OK)
# An institution has no places, not even for the admins.
NO_PLACES = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN)
MODERATORS_DO = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, REDIRECT, FORBIDDEN, REDIRECT)
MODERATORS_SEE = by_role(NOT_FOUND, NOT_FOUND, NOT_FOUND, REDIRECT, NOT_FOUND, REDIRECT)
# Only representatives of the addressed, verified institution answer; not even admins.
RESPOND = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN)
RESPOND_POST = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, FORBIDDEN)
# Follow-up news: any association member, the addressed institution's reps, admins.
UPDATE = by_role(REDIRECT, FORBIDDEN, OK, OK, OK, OK)
UPDATE_POST = by_role(REDIRECT, FORBIDDEN, REDIRECT, REDIRECT, REDIRECT, REDIRECT)

# Meetings: association members (any association) and admins organise; the world's meetings
# have neither creator nor host, so only admins change or cancel them.
ORGANISE = by_role(REDIRECT, FORBIDDEN, OK, OK, FORBIDDEN, OK)
ORGANISE_POST = by_role(REDIRECT, FORBIDDEN, REDIRECT, REDIRECT, FORBIDDEN, REDIRECT)
MEETING_FORM = {
    "kind": "working_group",
    "title": "Groupe accès à la santé",
    "theme_id": "0",
    "host_id": "0",
    "day": "2031-06-04",
    "starts": "14:00",
    "ends": "16:00",
    "place_name": "Médecins du Monde",
    "is_public": "y",
}
CANCEL_FORM = {"reason": "La salle n’est pas libre."}
HOST_POST = by_role(REDIRECT, FORBIDDEN, REDIRECT, OK, FORBIDDEN, REDIRECT)


def _hosted_meeting_form(w):
    return {**MEETING_FORM, "host_id": w["association"].id, "secretary_id": w["secretary"].id}


# Co-signing: the moderator's (other) association may; the member's is the proposal's own.
COSIGN_POST = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, REDIRECT, FORBIDDEN, FORBIDDEN)
WITHDRAW_POST = by_role(REDIRECT, FORBIDDEN, REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN)
INSTITUTION_EDIT = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK)
INSTITUTION_EDIT_POST = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, REDIRECT)


def _cosign_form(w):
    """In the name of the acting user's first organisation, else the proposal's own."""
    me = w["me"]
    organisation = me.organisations[0] if me and me.organisations else w["association"]
    return {"organisation_id": organisation.id}


NEW_PASSWORD = {
    "current_password": PASSWORD,
    "password": "une toute nouvelle phrase",
    "password_confirm": "une toute nouvelle phrase",
}
BODY = "Un texte assez long, sans coordonnées, pour être accepté."


def _proposal_form(w):
    return {
        "title": "Une proposition modifiée",
        "body": "Un texte assez long pour être accepté par le formulaire.",
        "theme_id": w["theme"].id,
        "organisation_id": w["association"].id,
        "institution_ids": [w["institution"].id],
    }


def _own_proposal_form(w):
    """Filed in the name of the acting user's own organisation (any association for an admin)."""
    me = w["me"]
    organisation = me.organisations[0] if me and me.organisations else w["association"]
    return {**_proposal_form(w), "organisation_id": organisation.id}


def _assisted_form(w):
    me = w["me"]
    organisation = me.organisations[0] if me and me.organisations else w["association"]
    return {"body": BODY, "first_name": "Amina", "organisation_id": organisation.id, "consent": "y"}


ASSISTED_URL = "/propositions/{proposal.id}/temoignage-recueilli"
PAPER_URL = "/propositions/{proposal.id}/fiches-papier"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
PLACES_URL = "/organisations/{association.slug}/lieux"
PLACE_URL = "/organisations/{association.slug}/lieux/{place.id}"


def _paper_form(w):
    """A sitting of the acting user's association, at a place of its own."""
    me = w["me"]
    organisation = me.organisations[0] if me and me.organisations else w["association"]
    place = Place(organisation=organisation, name=f"Foyer {uuid4().hex[:8]}")
    db.session.add(place)
    db.session.commit()
    return {
        "organisation_id": organisation.id,
        "proposal_id": w["proposal"].id,
        "collected_on": paris_today().isoformat(),
        "place_id": place.id,
        "lang": "fr",
        "consent": "y",
        "sheets-0-body": BODY,
    }


TEXT = {"body": BODY, "display_mode": "pseudonym"}
FLAG_FORM = {"reason": "spam"}
DECISION_FORM = {"action": "approve", "reason": "compliant", "version": "1"}
RESPOND_URL = "/propositions/{proposal.id}/reponses/{institution.id}"
EDIT_RESPONSE_URL = "/propositions/{answered.id}/reponses/{institution.id}"
RESPONSE_FORM = {"position": "favourable", "body": "Nous ouvrirons deux bâtiments vides."}
COMMITMENT_FORM = {"action": "Recenser les locaux vides", "due_on": "2031-03-01"}
COMMITMENT_UPDATE = {"state": "in_progress", "due_on": "2031-04-01", "note": "12 recensés."}
UPDATE_URL = "/propositions/{proposal.id}/suivi/nouveau"
UNSUBSCRIBE_URL = "/notifications/desabonnement/{token}"
BAD_TOKEN_URL = "/notifications/desabonnement/inconnu"
FEATURE_URL = "/moderation/contributions/{comment.id}/mise-en-avant"
ALL_BAD = dict.fromkeys(ROLES, BAD)
DELETE_FORM = {"password": "pas le bon", "confirm": "y", "withdraw_contributions": "y"}


def _fill(world, url, form):
    """A case's URL ("{proposal.id}" is taken from the world) and form (a dict, or built)."""
    return url.format(**world), form(world) if callable(form) else form


# (method, endpoint, url, form, expected statuses by role)
# "mine" is a published comment by whoever acts; "comment" one by another participant.
CASES = [
    ("GET", "main.index", "/", None, PUBLIC),
    ("GET", "main.charter", "/charte", None, PUBLIC),
    ("GET", "main.healthz", "/healthz", None, PUBLIC),
    ("GET", "main.readyz", "/readyz", None, PUBLIC),
    ("GET", "main.help_page", "/aide", None, PUBLIC),
    ("GET", "main.help_page", "/aide/temoigner?version=facile", None, PUBLIC),
    ("GET", "main.charter_version", "/charte/versions/{charter.label}", None, PUBLIC),
    ("GET", "main.accept_charter", "/charte/accepter", None, LOGGED_IN),
    ("POST", "main.accept_charter", "/charte/accepter", {"accept": "y"}, REDIRECTS),
    ("GET", "admin.charter", "/admin/charte", None, ADMIN_ONLY),
    (
        "POST",
        "admin.charter",
        "/admin/charte",
        {"articles": "## Respect\nOn se respecte."},
        ADMIN_POST,
    ),
    ("GET", "accounts.register", "/compte/inscription", None, GUESTS_ONLY),
    ("GET", "accounts.registration_sent", "/compte/inscription/verifiez-vos-emails", None, PUBLIC),
    (
        "GET",
        "accounts.confirm_registration",
        "/compte/inscription/confirmer/inconnu",
        None,
        dict.fromkeys(ROLES, BAD),
    ),
    (
        "POST",
        "accounts.confirm_registration",
        "/compte/inscription/confirmer/inconnu",
        None,
        dict.fromkeys(ROLES, BAD),
    ),
    ("GET", "accounts.login", "/compte/connexion", None, GUESTS_ONLY),
    ("POST", "accounts.logout", "/compte/deconnexion", None, REDIRECTS),
    ("GET", "accounts.forgot_password", "/compte/mot-de-passe-oublie", None, PUBLIC),
    ("GET", "privacy.notice", "/confidentialite", None, PUBLIC),
    ("GET", "privacy.my_data", "/compte/mes-donnees", None, LOGGED_IN),
    ("GET", "privacy.export", "/compte/mes-donnees.json", None, LOGGED_IN),
    ("GET", "privacy.delete_account", "/compte/supprimer", None, LOGGED_IN),
    # A wrong password: the form again, nothing deleted (see tests/test_privacy.py).
    ("POST", "privacy.delete_account", "/compte/supprimer", DELETE_FORM, LOGGED_IN),
    (
        "GET",
        "accounts.reset_password",
        "/compte/reinitialiser/inconnu",
        None,
        dict.fromkeys(ROLES, BAD),
    ),
    ("GET", "accounts.preferences", "/compte/preferences", None, LOGGED_IN),
    ("GET", "accounts.change_password", "/compte/mot-de-passe", None, LOGGED_IN),
    ("POST", "accounts.change_password", "/compte/mot-de-passe", NEW_PASSWORD, REDIRECTS),
    (
        "POST",
        "accounts.end_other_sessions",
        "/compte/sessions/deconnecter-les-autres",
        None,
        REDIRECTS,
    ),
    ("GET", "proposals.index", "/propositions", None, PUBLIC),
    ("GET", "proposals.themes", "/ateliers", None, PUBLIC),
    ("GET", "proposals.theme", "/ateliers/{theme.slug}", None, PUBLIC),
    ("GET", "proposals.show", "/propositions/{proposal.id}", None, PUBLIC),
    ("GET", "proposals.create", "/propositions/nouvelle", None, CREATE),
    (
        "POST",
        "proposals.create",
        "/propositions/nouvelle",
        _proposal_form,
        # The moderator's and the representative's forms show the error: not theirs.
        by_role(REDIRECT, FORBIDDEN, REDIRECT, OK, OK, REDIRECT),
    ),
    ("POST", "proposals.create", "/propositions/nouvelle", _own_proposal_form, CREATE_POST),
    ("GET", "meetings.create", "/reunions/nouvelle", None, ORGANISE),
    ("POST", "meetings.create", "/reunions/nouvelle", MEETING_FORM, ORGANISE_POST),
    # Hosted by "association": its member may, an admin may; the moderator (another
    # association) gets the form back with the error, nothing saved.
    ("POST", "meetings.create", "/reunions/nouvelle", _hosted_meeting_form, HOST_POST),
    ("GET", "meetings.edit", "/reunions/{upcoming_meeting.id}/modifier", None, ADMIN_ONLY),
    (
        "POST",
        "meetings.edit",
        "/reunions/{upcoming_meeting.id}/modifier",
        MEETING_FORM,
        ADMIN_POST,
    ),
    ("GET", "meetings.cancel", "/reunions/{upcoming_meeting.id}/annuler", None, ADMIN_ONLY),
    (
        "POST",
        "meetings.cancel",
        "/reunions/{upcoming_meeting.id}/annuler",
        CANCEL_FORM,
        ADMIN_POST,
    ),
    # Started meetings are no longer cancelled, not even by an admin.
    ("GET", "meetings.cancel", "/reunions/{meeting.id}/annuler", None, NOT_OWNER),
    (
        "POST",
        "meetings.register",
        "/reunions/{upcoming_meeting.id}/inscription",
        None,
        REDIRECTS,
    ),
    (
        "POST",
        "meetings.unregister",
        "/reunions/{upcoming_meeting.id}/desinscription",
        None,
        REDIRECTS,
    ),
    ("GET", "meetings.meeting_calendar", "/reunions/{meeting.id}.ics", None, PUBLIC),
    ("GET", "meetings.network_calendar", "/reunions.ics", None, PUBLIC),
    ("GET", "meetings.theme_calendar", "/ateliers/{theme.slug}/reunions.ics", None, PUBLIC),
    ("GET", "api.meetings", "/api/v1/meetings", None, PUBLIC),
    ("GET", "api.meeting", "/api/v1/meetings/{meeting.id}", None, PUBLIC),
    ("GET", "proposals.edit", "/propositions/{proposal.id}/modifier", None, EDIT),
    ("POST", "proposals.edit", "/propositions/{proposal.id}/modifier", _proposal_form, EDIT_POST),
    (
        "POST",
        "proposals.change_status",
        "/propositions/{proposal.id}/statut",
        {"status": "in_discussion", "reason": "Discutée en atelier."},
        EDIT_POST,
    ),
    ("GET", "meetings.index", "/reunions/", None, PUBLIC),
    ("GET", "meetings.show", "/reunions/{meeting.id}", None, PUBLIC),
    ("GET", "directory.index", "/organisations/", None, PUBLIC),
    ("GET", "directory.show", "/organisations/{institution.slug}", None, PUBLIC),
    ("GET", "directory.edit", "/organisations/{association.slug}/modifier", None, EDIT),
    (
        "POST",
        "directory.edit",
        "/organisations/{association.slug}/modifier",
        {"description": "Accueil de jour."},
        EDIT_POST,
    ),
    ("GET", "directory.edit", "/organisations/{institution.slug}/modifier", None, INSTITUTION_EDIT),
    (
        "POST",
        "directory.edit",
        "/organisations/{institution.slug}/modifier",
        {"description": "Guichet unique."},
        INSTITUTION_EDIT_POST,
    ),
    ("POST", "directory.cosign", "/propositions/{proposal.id}/cosigner", _cosign_form, COSIGN_POST),
    (
        "POST",
        "directory.withdraw_cosignature",
        "/propositions/{other_proposal.id}/retirer-cosignature",
        lambda w: {"organisation_id": w["association"].id},
        WITHDRAW_POST,
    ),
    ("GET", "api.organisations", "/api/v1/organisations", None, PUBLIC),
    ("GET", "api.organisation", "/api/v1/organisations/{institution.id}", None, PUBLIC),
    (
        "GET",
        "api.organisation_list",
        "/api/v1/organisations/{institution.id}/awaiting_responses",
        None,
        PUBLIC,
    ),
    ("GET", "admin.index", "/admin/", None, ADMIN_ONLY),
    ("GET", "admin.organisations", "/admin/organisations", None, ADMIN_ONLY),
    ("GET", "admin.organisation", "/admin/organisations/nouvelle", None, ADMIN_ONLY),
    (
        "POST",
        "admin.organisation",
        "/admin/organisations/{institution.id}",
        {"name": "DDCS", "kind": "institution", "verified": "y"},
        ADMIN_POST,
    ),
    ("GET", "admin.users", "/admin/utilisateurs", None, ADMIN_ONLY),
    ("POST", "admin.users", "/admin/utilisateurs", {"q": "x"}, ADMIN_ONLY),
    ("GET", "admin.user", "/admin/utilisateurs/{other.id}", None, ADMIN_ONLY),
    (
        "POST",
        "admin.user",
        "/admin/utilisateurs/{other.id}",
        {"role": "admin", "active": "y"},
        ADMIN_POST,
    ),
    ("GET", "admin.themes", "/admin/ateliers", None, ADMIN_ONLY),
    ("GET", "admin.audit_log", "/admin/journal", None, ADMIN_ONLY),
    ("GET", "admin.audit_log", "/admin/journal?action=user_blocked", None, ADMIN_ONLY),
    ("GET", "admin.theme", "/admin/ateliers/{theme.id}", None, ADMIN_ONLY),
    (
        "POST",
        "admin.theme",
        "/admin/ateliers/nouveau",
        {"name": "Accès aux droits", "position": "5"},
        ADMIN_POST,
    ),
    ("GET", "api.themes", "/api/v1/themes", None, PUBLIC),
    ("GET", "api.proposals", "/api/v1/proposals", None, PUBLIC),
    ("GET", "api.proposal", "/api/v1/proposals/{proposal.id}", None, PUBLIC),
    (
        "GET",
        "api.proposal_testimonies",
        "/api/v1/proposals/{proposal.id}/testimonies",
        None,
        PUBLIC,
    ),
    ("GET", "api.proposal_comments", "/api/v1/proposals/{proposal.id}/comments", None, PUBLIC),
    ("GET", "contributions.testify", "/propositions/{proposal.id}/temoigner", None, PUBLIC),
    ("POST", "contributions.testify", "/propositions/{proposal.id}/temoigner", TEXT, REDIRECTS),
    ("GET", "contributions.receipt", "/propositions/{proposal.id}/temoignage-envoye", None, PUBLIC),
    ("GET", "contributions.record_assisted", ASSISTED_URL, None, ASSISTED),
    ("POST", "contributions.record_assisted", ASSISTED_URL, _assisted_form, ASSISTED_POST),
    ("GET", "paper.batch", PAPER_URL, None, ASSISTED),
    ("POST", "paper.batch", PAPER_URL, _paper_form, ASSISTED_POST),
    ("GET", "paper.places", PLACES_URL, None, EDIT),
    ("POST", "paper.places", PLACES_URL, {"name": "Maraude du soir"}, EDIT_POST),
    ("GET", "paper.places", "/organisations/{institution.slug}/lieux", None, NO_PLACES),
    ("GET", "paper.edit_place", PLACE_URL, None, EDIT),
    ("POST", "paper.edit_place", PLACE_URL, {"name": "Accueil du matin"}, EDIT_POST),
    ("POST", "paper.retire_place", PLACE_URL + "/retirer", {}, EDIT_POST),
    ("POST", "paper.restore_place", PLACE_URL + "/retablir", {}, EDIT_POST),
    (
        "GET",
        "paper.sheet_photo",
        "/moderation/contributions/{paper.id}/fiche-papier",
        None,
        MODERATORS,
    ),
    ("POST", "contributions.comment", "/propositions/{proposal.id}/commentaires", TEXT, REDIRECTS),
    ("GET", "contributions.reply", "/contributions/{comment.id}/repondre", None, LOGGED_IN),
    ("POST", "contributions.reply", "/contributions/{comment.id}/repondre", TEXT, REDIRECTS),
    ("GET", "contributions.show", "/contributions/{comment.id}", None, REDIRECTS),
    ("GET", "contributions.show", "/contributions/{pending.id}", None, MODERATORS_SEE),
    ("GET", "contributions.show", "/contributions/{hidden_reply.id}", None, MODERATORS_SEE),
    ("GET", "contributions.edit", "/contributions/{mine.id}/modifier", None, LOGGED_IN),
    ("POST", "contributions.edit", "/contributions/{mine.id}/modifier", TEXT, REDIRECTS),
    ("POST", "contributions.edit", "/contributions/{comment.id}/modifier", TEXT, NOT_OWNER),
    ("GET", "contributions.reword", REWORD_MINE_URL, None, LOGGED_IN),
    ("POST", "contributions.reword", REWORD_MINE_URL, TEXT, REDIRECTS),
    ("POST", "contributions.reword", "/contributions/{mine.id}/reformuler", TEXT, NOT_OWNER),
    ("POST", "contributions.reword", "/contributions/{hidden.id}/reformuler", TEXT, HIDDEN_OTHERS),
    ("GET", "contributions.withdraw", "/contributions/{mine.id}/retirer", None, LOGGED_IN),
    ("POST", "contributions.withdraw", "/contributions/{mine.id}/retirer", None, REDIRECTS),
    ("POST", "contributions.withdraw", "/contributions/{comment.id}/retirer", None, NOT_OWNER),
    ("GET", "contributions.flag", "/contributions/{comment.id}/signaler", None, LOGGED_IN),
    ("POST", "contributions.flag", "/contributions/{comment.id}/signaler", FLAG_FORM, REDIRECTS),
    ("POST", "contributions.flag", "/contributions/{mine.id}/signaler", FLAG_FORM, NOT_OWNER),
    ("GET", "moderation.queue", "/moderation/", None, MODERATORS),
    ("GET", "moderation.contribution", "/moderation/contributions/{pending.id}", None, MODERATORS),
    (
        "POST",
        "moderation.decide",
        "/moderation/contributions/{pending.id}/decision",
        DECISION_FORM,
        MODERATORS_DO,
    ),
    ("GET", "moderation.log", "/moderation/journal", None, MODERATORS),
    ("GET", "notifications.index", "/notifications/", None, LOGGED_IN),
    ("POST", "notifications.mark_read", "/notifications/lues", None, REDIRECTS),
    ("GET", "responses.respond", RESPOND_URL, None, RESPOND),
    ("POST", "responses.respond", RESPOND_URL, RESPONSE_FORM, RESPOND_POST),
    ("GET", "responses.respond", EDIT_RESPONSE_URL, None, RESPOND),
    ("POST", "responses.respond", EDIT_RESPONSE_URL, RESPONSE_FORM, RESPOND_POST),
    ("GET", "responses.history", "/reponses/{response.id}/historique", None, PUBLIC),
    ("GET", "responses.add_commitment", "/reponses/{response.id}/engagements", None, RESPOND),
    (
        "POST",
        "responses.add_commitment",
        "/reponses/{response.id}/engagements",
        COMMITMENT_FORM,
        RESPOND_POST,
    ),
    ("GET", "responses.update_commitment", "/engagements/{commitment.id}", None, RESPOND),
    (
        "POST",
        "responses.update_commitment",
        "/engagements/{commitment.id}",
        COMMITMENT_UPDATE,
        RESPOND_POST,
    ),
    ("GET", "responses.reply", "/reponses/{response.id}/repondre", None, LOGGED_IN),
    ("POST", "responses.reply", "/reponses/{response.id}/repondre", TEXT, REDIRECTS),
    ("GET", "proposals.post_update", UPDATE_URL, None, UPDATE),
    ("POST", "proposals.post_update", UPDATE_URL, {"body": "Rencontre en mars."}, UPDATE_POST),
    ("POST", "proposals.follow", "/propositions/{proposal.id}/suivre", None, REDIRECTS),
    ("POST", "proposals.unfollow", "/propositions/{proposal.id}/ne-plus-suivre", None, REDIRECTS),
    ("POST", "proposals.follow_theme", "/ateliers/{theme.slug}/suivre", None, REDIRECTS),
    ("POST", "proposals.unfollow_theme", "/ateliers/{theme.slug}/ne-plus-suivre", None, REDIRECTS),
    ("GET", "search.index", "/recherche", None, PUBLIC),
    ("GET", "search.index", "/recherche?q=locaux&type=proposal", None, PUBLIC),
    ("GET", "search.index", "/recherche?q=locaux&type=inconnu", None, ALL_BAD),
    ("GET", "board.index", "/suivi", None, PUBLIC),
    ("GET", "board.csv", "/suivi.csv", None, PUBLIC),
    ("GET", "board.synthesis", "/bilan", None, PUBLIC),
    (
        "GET",
        "api.institution_accountability",
        "/api/v1/institutions/{institution.id}/accountability",
        None,
        PUBLIC,
    ),
    (
        "GET",
        "api.institution_accountability",
        "/api/v1/institutions/{association.id}/accountability",
        None,
        dict.fromkeys(ROLES, NOT_FOUND),
    ),
    ("GET", "notifications.unsubscribe", BAD_TOKEN_URL, None, ALL_BAD),
    ("POST", "notifications.unsubscribe", BAD_TOKEN_URL, None, ALL_BAD),
    # A genuine link for the other participant: see test_unsubscribe_link_* below.
    ("GET", "notifications.unsubscribe", UNSUBSCRIBE_URL, None, PUBLIC),
    ("POST", "notifications.unsubscribe", UNSUBSCRIBE_URL, None, PUBLIC),
    # Open data: the page and every dataset, for everyone; an unknown one is not found.
    ("GET", "opendata.index", "/donnees", None, PUBLIC),
    ("GET", "opendata.csv", "/donnees/propositions.csv", None, PUBLIC),
    ("GET", "opendata.json", "/donnees/organisations.json", None, PUBLIC),
    ("GET", "opendata.csv", "/donnees/inconnu.csv", None, dict.fromkeys(ROLES, NOT_FOUND)),
    ("GET", "opendata.json", "/donnees/inconnu.json", None, dict.fromkeys(ROLES, NOT_FOUND)),
    # Putting a testimony forward in the synthesis (h5): a comment is refused by the service
    # with a message (redirect), taking back is always possible; tests/test_voices.py.
    ("POST", "moderation.feature", FEATURE_URL, {"featured": "on"}, MODERATORS_DO),
    ("POST", "moderation.feature", FEATURE_URL, {"featured": "off"}, MODERATORS_DO),
]


# The minutes' meetings name "secretary", a member of "association" (their host): the
# association member (another member of the host) and the moderator may not; admins may.
# The secretary themself: test_the_named_secretary_handles_the_minutes.
SECRETARY = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK)
SECRETARY_POST = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT)
MINUTES_URL = "/reunions/{meeting.id}/compte-rendu"
MINUTES_CASES = [
    ("GET", "minutes.show", MINUTES_URL, None, PUBLIC),
    ("GET", "minutes.version", MINUTES_URL + "/versions/1", None, PUBLIC),
    ("GET", "minutes.diff", MINUTES_URL + "/diff?de=1&a=2", None, PUBLIC),
    ("GET", "minutes.publish", "/reunions/{unminuted.id}/compte-rendu/publier", None, SECRETARY),
    (
        "POST",
        "minutes.publish",
        "/reunions/{unminuted.id}/compte-rendu/publier",
        {"body": "Présents : dix personnes.", "amendments_until": "2099-01-01"},
        SECRETARY_POST,
    ),
    ("GET", "minutes.propose_amendment", MINUTES_URL + "/amendements/nouveau", None, LOGGED_IN),
    (
        "POST",
        "minutes.propose_amendment",
        MINUTES_URL + "/amendements/nouveau",
        {"passage": "douze", "proposed_text": "treize", "reason": "Recompté."},
        REDIRECTS,
    ),
    ("GET", "minutes.decide", "/amendements/{amendment.id}/decision", None, SECRETARY),
    (
        "POST",
        "minutes.decide",
        "/amendements/{amendment.id}/decision",
        {"decision": "decline", "reason": "Nous étions douze."},
        SECRETARY_POST,
    ),
    ("GET", "minutes.correct", MINUTES_URL + "/corriger", None, SECRETARY),
    (
        "POST",
        "minutes.correct",
        MINUTES_URL + "/corriger",
        {"body": "Présents : treize personnes.", "note": "Recompté", "based_on": "2"},
        SECRETARY_POST,
    ),
    ("GET", "minutes.validate", MINUTES_URL + "/valider", None, SECRETARY),
    # An amendment is pending: the secretary gets the page again, nothing validated.
    ("POST", "minutes.validate", MINUTES_URL + "/valider", {"confirm": "y"}, SECRETARY),
]
CASES += MINUTES_CASES

# Events of the network: pages for all, their record for admins only.
EVENT_FORM = {
    "name": "Assises de la solidarité 2026",
    "slug": "assises-2026",
    "kind": "assises",
    "held_on": "2026-04-30",
}
EVENT_URL = "/admin/evenements/{event.slug}/modifier"
EVENT_CASES = [
    ("GET", "events.index", "/evenements/", None, PUBLIC),
    ("GET", "events.index", "/evenements/?annee=2015", None, PUBLIC),
    ("GET", "events.index", "/evenements/?annee=deux", None, dict.fromkeys(ROLES, NOT_FOUND)),
    ("GET", "events.show", "/evenements/{event.slug}", None, PUBLIC),
    ("GET", "events.admin_index", "/admin/evenements", None, ADMIN_ONLY),
    ("GET", "events.create", "/admin/evenements/nouveau", None, ADMIN_ONLY),
    ("POST", "events.create", "/admin/evenements/nouveau", EVENT_FORM, ADMIN_POST),
    ("GET", "events.edit", EVENT_URL, None, ADMIN_ONLY),
    (
        "POST",
        "events.edit",
        EVENT_URL,
        lambda w: {**EVENT_FORM, "slug": w["event"].slug, "summary": "Cent associations."},
        ADMIN_POST,
    ),
    ("GET", "api.events", "/api/v1/events", None, PUBLIC),
    ("GET", "api.events", "/api/v1/events?year=1900", None, ALL_BAD),
    ("GET", "api.event", "/api/v1/events/{event.slug}", None, PUBLIC),
    ("GET", "api.proposals", "/api/v1/proposals?event={event.slug}&year=2015", None, PUBLIC),
]
CASES += EVENT_CASES
# Printable sheets and posters (app/sheets/): public pages, unknown objects not found.
SHEET_CASES = [
    ("GET", "sheets.proposal_sheet", "/propositions/{proposal.id}/fiche", None, PUBLIC),
    (
        "GET",
        "sheets.proposal_sheet",
        "/propositions/999999/fiche",
        None,
        dict.fromkeys(ROLES, NOT_FOUND),
    ),
    ("GET", "sheets.theme_poster", "/ateliers/{theme.slug}/affiche", None, PUBLIC),
    (
        "GET",
        "sheets.theme_poster",
        "/ateliers/inconnu/affiche",
        None,
        dict.fromkeys(ROLES, NOT_FOUND),
    ),
    ("GET", "sheets.event_poster", "/evenements/{event.slug}/affiche", None, PUBLIC),
    (
        "GET",
        "sheets.event_poster",
        "/evenements/inconnu/affiche",
        None,
        dict.fromkeys(ROLES, NOT_FOUND),
    ),
]
CASES += SHEET_CASES
# Importing an event's proposals from a spreadsheet: admins only (tests/test_imports.py).
IMPORT_URL = "/admin/evenements/{import_event.slug}/import"
ADMIN_BAD = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, BAD)


def _sealed_import(w):
    row = SheetRow(
        2, "Une proposition importée", "Son texte, assez long pour être repris.", w["theme"].slug
    )
    return {"rows": seal(w["import_event"], [row], [2])}


IMPORT_CASES = [
    ("GET", "imports.upload", IMPORT_URL, None, ADMIN_ONLY),
    # No file: the form again, asking for one.
    ("POST", "imports.upload", IMPORT_URL, {}, ADMIN_ONLY),
    ("POST", "imports.confirm", IMPORT_URL + "/confirmer", _sealed_import, ADMIN_POST),
    ("POST", "imports.confirm", IMPORT_URL + "/confirmer", {"rows": "forged"}, ADMIN_BAD),
]
CASES += IMPORT_CASES
# Stated positions, as an association reports them (tests/test_report_position.py): members
# of any association and admins report; "stated" was reported by "association", so its
# members and admins remove it, the moderator (another association) may not.
REPORT_URL = "/propositions/{proposal.id}/positions-rapportees/nouvelle"
REMOVE_POSITION_URL = "/positions-rapportees/{stated.id}/supprimer"


def _report_form(w):
    """Reported by the acting user's first organisation (any association for an admin)."""
    me = w["me"]
    organisation = me.organisations[0] if me and me.organisations else w["association"]
    return {
        "institution_id": w["institution"].id,
        "words": "Nous regarderons cela avec la ville.",
        "source": "Compte rendu de l’atelier du 12 mai 2026",
        "stated_on": "2026-05-12",
        "reported_by_id": organisation.id,
    }


STATED_CASES = [
    ("GET", "responses.report_position", REPORT_URL, None, ORGANISE),
    ("POST", "responses.report_position", REPORT_URL, _report_form, ORGANISE_POST),
    ("GET", "responses.remove_position", REMOVE_POSITION_URL, None, EDIT),
    ("POST", "responses.remove_position", REMOVE_POSITION_URL, None, EDIT_POST),
]
CASES += STATED_CASES

# Answer links (tests/test_answer_links.py): whoever holds a usable link answers with it, an
# account or not; an unknown one is not found; only admins list and revoke links.
ANSWER_URL = "/repondre/{answer_token}"
NOWHERE = dict.fromkeys(ROLES, NOT_FOUND)
# Recording a response received by letter, e-mail or in a meeting: admins, and members of
# the association carrying the proposal (the moderator's association is another one).
RECORD = by_role(REDIRECT, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK)
RECORD_POST = by_role(REDIRECT, FORBIDDEN, REDIRECT, FORBIDDEN, FORBIDDEN, REDIRECT)
RECORD_URL = "/propositions/{proposal.id}/reponses/{institution.id}/saisir"


class _Letter(io.BytesIO):
    """A PDF the test client may send again and again (it closes what it sent)."""

    def close(self):
        self.seek(0)


def _record_form(w):
    """In the name of the carrying association (the network's coordination for an admin),
    with a PDF: the route takes a file."""
    me = w["me"]
    admin = me is not None and me.role.value == "admin"
    return {
        "received_via": "letter",
        "received_at": paris_today().isoformat(),
        "position": "favourable",
        "body": "Nous ouvrirons deux bâtiments.",
        "recorded_by_id": "0" if admin else str(w["association"].id),
        "document": (_Letter(b"%PDF-1.4\n%%EOF\n"), "lettre.pdf"),
    }


# Spoken testimonies: anyone hears their recording disguised before sending it (a sound
# file is needed); moderators save a transcript without deciding yet.
def _preview_form(_w):
    return {"audio": (_Letter(tone_wav(1.0)), "voix.wav")}


SPOKEN_CASES = [
    ("POST", "contributions.audio_preview", "/temoignages/audio/apercu", _preview_form, PUBLIC),
    (
        "POST",
        "contributions.audio_preview",
        "/temoignages/audio/apercu",
        {},
        dict.fromkeys(ROLES, BAD),
    ),
    (
        "POST",
        "moderation.transcript",
        "/moderation/contributions/{spoken.id}/transcription",
        {"transcript": "Je dors dans ma voiture."},
        MODERATORS_DO,
    ),
]


RECORDED_RESPONSE_CASES = [
    ("GET", "responses.record", RECORD_URL, None, RECORD),
    ("POST", "responses.record", RECORD_URL, _record_form, RECORD_POST),
    ("GET", "responses.document", "/reponses/{response.id}/document", None, PUBLIC),
    (
        "GET",
        "responses.document",
        "/reponses/999999/document",
        None,
        dict.fromkeys(ROLES, NOT_FOUND),
    ),
]
CASES += RECORDED_RESPONSE_CASES
CASES += SPOKEN_CASES

ANSWER_LINK_CASES = [
    ("GET", "answers.answer", "/repondre/inconnu", None, NOWHERE),
    ("GET", "answers.answer", ANSWER_URL, None, PUBLIC),
    ("POST", "answers.answer", ANSWER_URL, RESPONSE_FORM, REDIRECTS),
    ("POST", "answers.new_link", ANSWER_URL + "/nouveau-lien", None, REDIRECTS),
    ("POST", "answers.new_link", "/repondre/inconnu/nouveau-lien", None, NOWHERE),
    ("GET", "answers.thanks", "/repondre/merci", None, PUBLIC),
    ("GET", "answers.admin_links", "/admin/liens-de-reponse", None, ADMIN_ONLY),
    (
        "POST",
        "answers.revoke_link",
        "/admin/liens-de-reponse/{answer_link.id}/revoquer",
        None,
        ADMIN_POST,
    ),
]
CASES += ANSWER_LINK_CASES

# A guest's receipt (tests/test_receipts.py): whoever holds the code follows the testimony,
# corrects it while it waits and withdraws it, an account or not; any other code is unknown.
RECEIPT_URL = "/recu/{receipt_code}"
RECEIPT_CASES = [
    ("GET", "receipts.lookup", "/recu", None, PUBLIC),
    ("POST", "receipts.lookup", "/recu", {"code": "k7pq m2xd 9rtb"}, REDIRECTS),
    ("GET", "receipts.show", RECEIPT_URL, None, PUBLIC),
    ("GET", "receipts.show", "/recu/ZZZZ-ZZZZ-ZZZZ", None, NOWHERE),
    ("GET", "receipts.correct", RECEIPT_URL + "/corriger", None, PUBLIC),
    ("POST", "receipts.correct", RECEIPT_URL + "/corriger", {**TEXT, "seen_version": 1},
     REDIRECTS),
    ("POST", "receipts.correct", "/recu/ZZZZ-ZZZZ-ZZZZ/corriger", TEXT, NOWHERE),
    ("GET", "receipts.withdraw", RECEIPT_URL + "/retirer", None, PUBLIC),
    ("POST", "receipts.withdraw", RECEIPT_URL + "/retirer", None, REDIRECTS),
    ("POST", "receipts.withdraw", "/recu/ZZZZ-ZZZZ-ZZZZ/retirer", None, NOWHERE),
]  # fmt: skip
CASES += RECEIPT_CASES

# The institution's inbox (tests/test_inbox.py): its representatives, and admins for any
# institution (without one named, admins get the list to choose from).
INBOX = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK)
INBOX_POST = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, REDIRECT)
INBOX_UNKNOWN = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND)
INBOX_URL = "/espace-institution?institution={institution.slug}"
INBOX_CASES = [
    ("GET", "inbox.index", "/espace-institution", None, INBOX),
    ("GET", "inbox.index", INBOX_URL, None, INBOX),
    ("GET", "inbox.index", "/espace-institution?institution=inconnue", None, INBOX_UNKNOWN),
    ("POST", "inbox.mark_seen", "/espace-institution/vu?institution={institution.slug}", None,
     INBOX_POST),
]  # fmt: skip
CASES += INBOX_CASES
# The weekly digest's stop link (h1): the signed token is the proof, whoever follows it.
DIGEST_STOP_URL = "/notifications/resume-institution/arret/{digest_token}"
DIGEST_BAD_URL = "/notifications/resume-institution/arret/inconnu"
OUTREACH_CASES = [
    ("GET", "notifications.stop_institution_digest", DIGEST_BAD_URL, None, ALL_BAD),
    ("POST", "notifications.stop_institution_digest", DIGEST_BAD_URL, None, ALL_BAD),
    ("GET", "notifications.stop_institution_digest", DIGEST_STOP_URL, None, PUBLIC),
    ("POST", "notifications.stop_institution_digest", DIGEST_STOP_URL, None, PUBLIC),
]
CASES += OUTREACH_CASES
# Requests to join an organisation (tests/test_membership_requests.py): anyone but admins
# asks; the association's member is told they belong already, the representative that their
# role does not fit (the form again, nothing saved); the association's members and admins
# decide; the e-mail address confirmation (tests/test_confirmed_email.py).
JOIN = by_role(REDIRECT, OK, OK, OK, OK, FORBIDDEN)
JOIN_POST = by_role(REDIRECT, REDIRECT, OK, REDIRECT, OK, FORBIDDEN)
JOIN_URL = "/organisations/{association.slug}/rejoindre"
DECIDE_URL = "/organisations/{association.slug}/demandes/{membership_request.id}"
CONFIRM_URL = "/compte/confirmer-adresse/{confirm_token}"
MEMBERSHIP_CASES = [
    ("GET", "directory.request_membership", JOIN_URL, None, JOIN),
    ("POST", "directory.request_membership", JOIN_URL, {"message": "Bénévole."}, JOIN_POST),
    ("POST", "directory.withdraw_membership_request", JOIN_URL + "/retirer", None, REDIRECTS),
    (
        "GET",
        "directory.membership_requests",
        "/organisations/{association.slug}/demandes",
        None,
        EDIT,
    ),
    (
        "GET",
        "directory.membership_requests",
        "/organisations/{institution.slug}/demandes",
        None,
        INSTITUTION_EDIT,
    ),
    ("GET", "directory.decide_membership", DECIDE_URL, None, EDIT),
    (
        "POST",
        "directory.decide_membership",
        DECIDE_URL,
        {"decision": "refuse", "reason": "Nous ne vous connaissons pas."},
        EDIT_POST,
    ),
    ("GET", "directory.all_membership_requests", "/admin/demandes-adhesion", None, ADMIN_ONLY),
    ("POST", "accounts.send_email_confirmation", "/compte/confirmer-adresse", None, REDIRECTS),
    ("GET", "accounts.confirm_email", "/compte/confirmer-adresse/inconnu", None, ALL_BAD),
    ("POST", "accounts.confirm_email", "/compte/confirmer-adresse/inconnu", None, ALL_BAD),
    ("GET", "accounts.confirm_email", CONFIRM_URL, None, PUBLIC),
    ("POST", "accounts.confirm_email", CONFIRM_URL, None, REDIRECTS),
]
CASES += MEMBERSHIP_CASES

# Onboarding (h3, tests/test_official_address.py, tests/test_invitations.py): invitations and
# the official address's link are the admin's; the links e-mailed need no account, and an
# unknown one is a clear 400 page for everyone (genuine links: in those two files, by role).
OFFICIAL_BAD_URL = "/organisations/adresse-officielle/inconnu"
ADMIN_NOT_FOUND = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND)


def _invitation_form(w):
    return {
        "email": "nouvelle.personne@example.org",
        "organisation_id": str(w["institution"].id),
        "role": "institution_rep",
    }


ONBOARDING_CASES = [
    ("GET", "admin.invitations", "/admin/invitations", None, ADMIN_ONLY),
    ("POST", "admin.invitations", "/admin/invitations", _invitation_form, ADMIN_POST),
    (
        "POST",
        "admin.resend_invitation",
        "/admin/invitations/999999/renvoyer",
        None,
        ADMIN_NOT_FOUND,
    ),
    (
        "POST",
        "admin.revoke_invitation",
        "/admin/invitations/999999/revoquer",
        None,
        ADMIN_NOT_FOUND,
    ),
    (
        "POST",
        "admin.resend_official_link",
        "/admin/organisations/{institution.id}/adresse-officielle/renvoyer",
        None,
        ADMIN_POST,
    ),
    (
        "POST",
        "admin.resume_follow_up",
        "/admin/organisations/{institution.id}/suivi/reprendre",
        None,
        ADMIN_POST,
    ),
    ("GET", "onboarding.confirm_official_address", OFFICIAL_BAD_URL, None, ALL_BAD),
    ("POST", "onboarding.confirm_official_address", OFFICIAL_BAD_URL, None, ALL_BAD),
    ("GET", "onboarding.accept_invitation", "/invitation/inconnu", None, ALL_BAD),
    ("POST", "onboarding.accept_invitation", "/invitation/inconnu", None, ALL_BAD),
]
CASES += ONBOARDING_CASES


# The translators' workspace (app/translators/): the queue is for translators (admins are,
# for every language) and representatives (their institution's own responses).
TRANSLATION_QUEUE = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK)
TRANSLATE_RESPONSE = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK)
TRANSLATE_RESPONSE_POST = by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT, REDIRECT)
TRANSLATE_URL = "/traductions/response/{response.id}/ar"


def _translation_form(w, text="ندرس المحلات المتاحة."):
    """The response in Arabic, written from no earlier translation and its original now."""
    return {"body": text, "revision_body": "0", "digest_body": source_digest(w["response"].body)}


def _easy_read_form(w):
    return {"easy_read": "Des douches. Pour tout le monde.", "was": source_digest("")}


TRANSLATORS_CASES = [
    ("GET", "translators.queue", "/traductions?langue=ar", None, TRANSLATION_QUEUE),
    ("GET", "translators.translate", TRANSLATE_URL, None, TRANSLATE_RESPONSE),
    ("POST", "translators.translate", TRANSLATE_URL, _translation_form, TRANSLATE_RESPONSE_POST),
    # An empty translation: the form again with its message, nothing saved.
    (
        "POST",
        "translators.translate",
        TRANSLATE_URL,
        lambda w: _translation_form(w, ""),
        TRANSLATE_RESPONSE,
    ),
    # Only translators translate a proposal: the representative's institution did not file it.
    (
        "GET",
        "translators.translate",
        "/traductions/proposal/{proposal.id}/en",
        None,
        by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ),
    ("GET", "translators.easy_read", "/traductions/facile-a-lire/{proposal.id}", None, EDIT),
    (
        "POST",
        "translators.easy_read",
        "/traductions/facile-a-lire/{proposal.id}",
        _easy_read_form,
        EDIT_POST,
    ),
    # Taking a translation down: admins and translators of that language, nobody else.
    (
        "POST",
        "translators.remove_translation",
        TRANSLATE_URL + "/retirer",
        None,
        by_role(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, REDIRECT),
    ),
    (
        "POST",
        "translators.remove_translation",
        "/traductions/response/999999/ar/retirer",
        None,
        by_role(REDIRECT, *[NOT_FOUND] * 5),
    ),
    ("GET", "translators.admin", "/admin/traducteurs", None, ADMIN_ONLY),
    (
        "POST",
        "translators.admin",
        "/admin/traducteurs",
        lambda w: {"user": w["other"].email, "lang": "en"},
        ADMIN_POST,
    ),
    # Nobody of that address: the form again with its message, nobody named.
    (
        "POST",
        "translators.admin",
        "/admin/traducteurs",
        {"user": "personne@example.org", "lang": "en"},
        ADMIN_ONLY,
    ),
    (
        "POST",
        "translators.remove",
        "/admin/traducteurs/{translator_role.id}/retirer",
        None,
        ADMIN_POST,
    ),
    ("POST", "translators.remove", "/admin/traducteurs/999999/retirer", None, ADMIN_NOT_FOUND),
]
CASES += TRANSLATORS_CASES

# Spoken testimonies (app/audio/): the published one plays for all; the waiting one only
# for moderators (the public route answers 404 for it, whoever asks).
AUDIO_CASES = [
    ("GET", "audio.published", "/contributions/{spoken_published.id}/audio", None, PUBLIC),
    (
        "GET",
        "audio.published",
        "/contributions/{spoken_waiting.id}/audio",
        None,
        dict.fromkeys(ROLES, NOT_FOUND),
    ),
    (
        "GET",
        "audio.for_moderators",
        "/moderation/contributions/{spoken_published.id}/audio",
        None,
        MODERATORS,
    ),
    (
        "GET",
        "audio.for_moderators",
        "/moderation/contributions/{spoken_waiting.id}/audio",
        None,
        MODERATORS,
    ),
]
CASES += AUDIO_CASES
# Participants' suggestions (app/suggestions/): "suggestion" waits, written by "other".
# Associations' members and moderators read the waiting ones; a member (the moderator has
# an association too) takes one up for their association; moderators and admins decline.
SUGGESTION_FORM = {
    "title": "Des douches le dimanche",
    "body": "Tout est fermé le dimanche.",
    "theme_id": "0",
    "lang": "fr",
    "display_mode": "anonymous",
}
SUGGESTION_URL = "/suggestions/{suggestion.id}"
SEE_SUGGESTIONS = by_role(REDIRECT, FORBIDDEN, OK, OK, FORBIDDEN, OK)
TAKE_UP = by_role(REDIRECT, NOT_FOUND, OK, OK, NOT_FOUND, FORBIDDEN)
TAKE_UP_POST = by_role(REDIRECT, NOT_FOUND, REDIRECT, REDIRECT, NOT_FOUND, FORBIDDEN)
DECLINE = by_role(REDIRECT, NOT_FOUND, FORBIDDEN, OK, NOT_FOUND, OK)
DECLINE_POST = by_role(REDIRECT, NOT_FOUND, FORBIDDEN, REDIRECT, NOT_FOUND, REDIRECT)


def _take_up_form(w):
    """For the acting user's own association (none for an admin: refused anyway)."""
    me = w["me"]
    organisation = me.organisations[0] if me and me.organisations else w["association"]
    return {**_proposal_form(w), "organisation_id": organisation.id}


SUGGESTIONS_CASES = [
    ("GET", "suggestions.new", "/suggestions/nouvelle", None, LOGGED_IN),
    ("POST", "suggestions.new", "/suggestions/nouvelle", SUGGESTION_FORM, REDIRECTS),
    ("GET", "suggestions.mine", "/compte/suggestions", None, LOGGED_IN),
    ("GET", "suggestions.queue", "/suggestions", None, SEE_SUGGESTIONS),
    ("GET", "suggestions.take_up", SUGGESTION_URL + "/reprendre", None, TAKE_UP),
    ("POST", "suggestions.take_up", SUGGESTION_URL + "/reprendre", _take_up_form, TAKE_UP_POST),
    ("GET", "suggestions.decline", SUGGESTION_URL + "/decliner", None, DECLINE),
    (
        "POST",
        "suggestions.decline",
        SUGGESTION_URL + "/decliner",
        {"reason": "Elle existe déjà."},
        DECLINE_POST,
    ),
    # Someone else's: unseen by participants and representatives, refused to the others.
    (
        "POST",
        "suggestions.withdraw",
        SUGGESTION_URL + "/retirer",
        None,
        by_role(REDIRECT, NOT_FOUND, FORBIDDEN, FORBIDDEN, NOT_FOUND, FORBIDDEN),
    ),
]
CASES += SUGGESTIONS_CASES
# "Ça me concerne" (tests/test_concerns.py): anyone with an account marks and withdraws;
# members of any association count the people they met; "tally" was counted by
# "association", so its members alone correct or delete it (the admin has no association).
TALLIES_URL = "/propositions/{proposal.id}/personnes-concernees"
TALLY_URL = "/personnes-concernees/{tally.id}"
TALLY_OWNERS = by_role(REDIRECT, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)
TALLY_OWNERS_POST = by_role(REDIRECT, FORBIDDEN, REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN)


def _tally_form(w):
    me = w["me"]
    organisation = me.organisations[0] if me and me.organisations else w["association"]
    return {"organisation_id": organisation.id, "people": "4", "met_on": paris_today().isoformat()}


CONCERN_CASES = [
    ("POST", "concerns.mark", "/propositions/{proposal.id}/ca-me-concerne", None, REDIRECTS),
    ("POST", "concerns.unmark", "/propositions/{proposal.id}/ne-me-concerne-plus", None, REDIRECTS),
    ("GET", "concerns.tallies", TALLIES_URL, None, ASSISTED),
    ("POST", "concerns.tallies", TALLIES_URL, _tally_form, ASSISTED_POST),
    ("GET", "concerns.edit_tally", TALLY_URL + "/modifier", None, TALLY_OWNERS),
    ("POST", "concerns.edit_tally", TALLY_URL + "/modifier", _tally_form, TALLY_OWNERS_POST),
    ("GET", "concerns.delete_tally", TALLY_URL + "/supprimer", None, TALLY_OWNERS),
    ("POST", "concerns.delete_tally", TALLY_URL + "/supprimer", None, TALLY_OWNERS_POST),
]
CASES += CONCERN_CASES


def _case_ids(cases):
    ids = [f"{method} {endpoint}" for method, endpoint, *_ in cases]
    return [f"{i} #{ids[:n].count(i) + 1}" if ids.count(i) > 1 else i for n, i in enumerate(ids)]


def add_recordings(world) -> None:
    """A published testimony whose recording is converted, and a waiting one, by a guest."""
    for name, state, audio_state in (
        ("spoken_published", ContributionState.PUBLISHED, AudioState.READY),
        ("spoken_waiting", ContributionState.PENDING, AudioState.WAITING),
    ):
        testimony = Contribution(
            proposal=world["proposal"], kind=ContributionKind.TESTIMONY, body="", state=state
        )
        testimony.audio = AudioRecording(
            state=audio_state, disguised=True, original=b"RIFF-original", original_size=13,
            original_media_type="audio/wav", media=b"\xff\xf3-media", media_size=7,
            media_type="audio/mpeg", transcript="Ce que j’ai dit.",
        )  # fmt: skip
        db.session.add(testimony)
        world[name] = testimony
    db.session.commit()


def _contribution(author, proposal, state=ContributionState.PUBLISHED, parent=None):
    kind = ContributionKind.REPLY if parent else ContributionKind.COMMENT
    contribution = Contribution(
        proposal=proposal, kind=kind, parent=parent, author=author, body=BODY, state=state
    )
    db.session.add(contribution)
    db.session.commit()
    return contribution


def unsubscribe_token(user) -> str:
    """The token of the e-mails' unsubscribe link, signed as app/services/notifications does."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT).dumps(user.id)


def digest_stop_token(organisation) -> str:
    """The token of the weekly digest's stop link, as app/services/outreach.py signs it."""
    key = current_app.config["SECRET_KEY"]
    return URLSafeSerializer(key, salt=DIGEST_STOP_SALT).dumps(organisation.id)


def _send(proposal, *institutions):
    for institution in institutions:
        proposal.addressed.append(_addressed_to(institution))
    db.session.commit()
    return proposal


def _addressed_to(institution):
    sent_at = utcnow() - timedelta(days=10)
    due = date.today() + timedelta(days=50)
    return AddressedInstitution(institution=institution, sent_at=sent_at, response_due_on=due)


def _answer_link(proposal, institution) -> tuple[AnswerLink, str]:
    """A usable answer link and its token, issued as the e-mail's link is (only ever to a
    verified official address; the one tests/test_invitations.py ``onboarding_links`` sets
    too: a link stops working when the address changes)."""
    institution.official_email = "accueil@ddcs.example.org"
    institution.official_email_verified_at = utcnow()
    url = answer_links.issue(proposal, institution)
    db.session.commit()
    token = url.rsplit("/", 1)[1]
    return answer_links.find(token), token


def build_world(make_organisation, make_theme, make_proposal, make_user):
    """ "proposal" is sent to the verified "institution" and not answered yet; "answered"
    has its "response" (edited once: one earlier version, by "rep") and a "commitment"."""
    association = make_organisation(OrganisationKind.ASSOCIATION, name="Association porteuse")
    institution = make_organisation(OrganisationKind.INSTITUTION, name="DDCS de la Moselle")
    theme = make_theme("Hébergement")  # participants are premoderated, members are not
    sent = ProposalStatus.SENT
    proposal = _send(make_proposal(theme=theme, organisation=association, status=sent), institution)
    answered = make_proposal("Des locaux vides", theme, association, status=ProposalStatus.ANSWERED)
    _send(answered, institution)
    secretary = make_user("association_member", organisation=association)
    meeting = Meeting(
        title="Groupe santé", starts_at=utcnow(), theme=theme, host=association, secretary=secretary
    )
    upcoming_meeting = Meeting(
        title="Groupe culture", starts_at=utcnow() + timedelta(days=7), theme=theme
    )
    other = make_user("participant")
    rep = make_user("institution_rep", organisation=institution)
    earlier = utcnow() - timedelta(days=3)
    response = OfficialResponse(
        proposal=answered,
        institution=institution,
        author=rep,
        position=Position.UNDER_STUDY,
        body="Nous étudions les locaux disponibles.",
        created_at=earlier,
    )
    commitment = Commitment(response=response, action="Recenser", due_on=date(2031, 1, 1))
    # The charter in force is the one every test account accepted: nobody is held back.
    charter = CharterVersion(label=CHARTER_VERSION, introduction="Pour participer.")
    charter.articles = [CharterArticle(number=1, title="Le respect", body="On se respecte.")]
    db.session.add_all([meeting, upcoming_meeting, response, commitment, charter])
    db.session.add(Follow(user=other, proposal=proposal))
    db.session.add(Follow(user=other, theme=theme))
    db.session.flush()
    db.session.add(
        ResponseVersion(
            response_id=response.id,
            author_id=rep.id,
            position=Position.UNFAVOURABLE,
            body="Pas de locaux pour l’instant.",
            written_at=earlier,
        )
    )
    db.session.commit()
    hidden = _contribution(other, proposal, ContributionState.HIDDEN)
    other_proposal = make_proposal(title="Une autre proposition")
    db.session.add(Cosignature(proposal=other_proposal, organisation=association))
    # An event of the network, with a proposal and a meeting of its own.
    event = Event(slug="assises-2015", name="Assises de la solidarité", held_on=date(2015, 4, 30))
    answered.event = meeting.event = event
    # An event whose proposals an admin imports (app/imports/).
    import_event = Event(
        slug="assises-import", name="Assises à importer", held_on=date(2026, 5, 12)
    )
    stated = StatedPosition(
        proposal=proposal,
        institution=institution,
        words="À voir avec la municipalité.",
        source="Compte rendu de l’atelier",
        reported_by=association,
    )
    # A volunteer an admin named to translate into Arabic (app/translators/).
    translator = make_user("participant", pseudonym="Traductrice")
    translator_role = Translator(user=translator, lang="ar")
    # People the association met who are concerned by the proposal (app/concerns/).
    tally = ConcernTally(
        proposal=proposal, organisation=association, people=5, met_on=date(2026, 3, 3)
    )
    proposal.concerned_count = 5  # as app/services/concerns.py keeps it
    db.session.add_all([import_event, stated, translator_role, tally])
    # The letter the response came in (app/responses/: its document is streamed).
    letter = b"%PDF-1.4\n%%EOF\n"
    db.session.add(
        ResponseAttachment(
            response=response, file_name="lettre.pdf", media_type="application/pdf",
            size=len(letter), content=letter,
        )
    )  # fmt: skip
    # A paper testimony typed in by a member, its sheet's photo waiting for the moderators.
    place = Place(organisation=association, name="Accueil de jour")
    paper = Contribution(
        proposal=other_proposal, kind=ContributionKind.TESTIMONY, author=secretary,
        recorded_for=association, on_paper=True, collected_on=paris_today(), place=place,
        body=BODY, state=ContributionState.PENDING,
    )  # fmt: skip
    paper.paper_photo = PaperSheetPhoto(media_type="image/png", size=len(PNG), content=PNG)
    db.session.add_all([place, paper])
    # A participant asks to join the association (app/services/memberships.py).
    membership_request = MembershipRequest(
        user=other, organisation=association, message="Bénévole le mardi."
    )
    db.session.add(membership_request)
    db.session.commit()
    answer_link, answer_token = _answer_link(proposal, institution)
    world = {
        "receipt_code": _guest_with_receipt(proposal),
        "answer_link": answer_link,
        "answer_token": answer_token,
        "membership_request": membership_request,
        "place": place,
        "paper": paper,
        "confirm_token": confirmation_token(other),
        "event": event,
        "association": association,
        "institution": institution,
        "theme": theme,
        "proposal": proposal,
        "answered": answered,
        "response": response,
        "commitment": commitment,
        "rep": rep,
        "upcoming_meeting": upcoming_meeting,
        "charter": charter,
        "other_proposal": other_proposal,
        "import_event": import_event,
        "stated": stated,
        "tally": tally,
        "translator_role": translator_role,
        "meeting": meeting,
        "secretary": secretary,
        "other": other,
        "token": unsubscribe_token(other),
        "digest_token": digest_stop_token(institution),
        "comment": _contribution(other, proposal),
        "pending": _contribution(other, proposal, ContributionState.PENDING),
        "hidden": hidden,
        "hidden_reply": _contribution(other, proposal, parent=hidden),
        "mine_hidden": hidden,  # for whoever acts, their own: see _act_as
        "suggestion": _waiting_suggestion(other, theme),
    }
    # Spoken testimonies: every world built from this one has them (each test file's own).
    add_recordings(world)
    add_spoken(world)
    return world


def add_spoken(world):
    """A guest's spoken testimony, converted, waiting for its transcript and decision."""
    spoken = Contribution(
        proposal=world["proposal"],
        kind=ContributionKind.TESTIMONY,
        body="",
        state=ContributionState.PENDING,
    )
    spoken.audio = AudioRecording(
        state=AudioState.READY,
        disguised=True,
        duration_seconds=1.0,
        media_type="audio/mpeg",
        media=b"\xff\xfb" * 64,
        media_size=128,
    )
    db.session.add(spoken)
    db.session.commit()
    world["spoken"] = spoken


def _guest_with_receipt(proposal):
    """A guest testimony waiting for moderation, and the code of its receipt."""
    code = receipts.new_code()
    db.session.add(
        Contribution(
            proposal=proposal,
            kind=ContributionKind.TESTIMONY,
            body="Un témoignage laissé sans compte.",
            state=ContributionState.PENDING,
            receipt_hash=receipts.code_hash(code),
        )
    )
    db.session.commit()
    return receipts.grouped(code)


def _waiting_suggestion(author, theme) -> Suggestion:
    """A participant's suggestion waiting for an association or a moderator."""
    suggestion = Suggestion(
        author=author, title="Des bancs au square", body="Pour se reposer.", theme=theme
    )
    db.session.add(suggestion)
    db.session.commit()
    return suggestion


def add_minutes(world):
    meeting = world["meeting"]
    minutes = Minutes(
        meeting=meeting, state=MinutesState.OPEN, amendments_until=paris_today() + timedelta(days=7)
    )
    minutes.versions = [
        MinutesVersion(number=1, body="Présents : dix personnes.", author=world["other"]),
        MinutesVersion(number=2, body="Présents : douze personnes.", author=world["other"]),
    ]
    amendment = MinutesAmendment(
        minutes=minutes,
        author=world["other"],
        version_number=2,
        passage="douze",
        proposed_text="onze",
        reason="Compté.",
    )
    unminuted = Meeting(
        title="Groupe logement",
        starts_at=utcnow(),
        theme=world["theme"],
        host=world["association"],
        secretary=world["secretary"],
    )
    db.session.add_all([minutes, amendment, unminuted])
    db.session.commit()
    world.update(minutes=minutes, amendment=amendment, unminuted=unminuted)


@pytest.fixture
def world(prebuilt, make_organisation, make_theme, make_proposal, make_user):
    def build():
        built = build_world(make_organisation, make_theme, make_proposal, make_user)
        add_minutes(built)
        return built

    return prebuilt(build)


def _act_as(client, role, world, make_user):
    """Log in as a new user of this role. world["me"] is that user and world["mine"] a
    published comment of theirs (for a visitor: None, and the other participant's comment)."""
    world["me"], world["mine"], world["mine_hidden"] = None, world["comment"], world["hidden"]
    if role == "visitor":
        return None
    organisation = None
    if role == "association_member":
        organisation = world["association"]
    elif role == "institution_rep":
        organisation = world["institution"]
    user = make_user(role, organisation=organisation)
    login(client, user)
    # "mine" is made last: some tests take it as the newest contribution.
    world["mine_hidden"] = _contribution(user, world["proposal"], ContributionState.HIDDEN)
    world["me"], world["mine"] = user, _contribution(user, world["proposal"])
    return user


def _snapshot():
    db.session.expire_all()
    proposals = db.session.execute(
        sa.select(Proposal.id, Proposal.title, Proposal.status).order_by(Proposal.id)
    ).all()
    c = Contribution
    contributions = db.session.execute(
        sa.select(c.id, c.state, c.body, c.withdrawn_at, c.version).order_by(c.id)
    ).all()
    tables = ("theme", "organisation", "user", "status_change", "addressed_institution")
    tables += ("cosignature", "organisation_theme")
    tables += ("flag", "moderation_decision", "notification", "progress_update", "outbox_email")
    tables += ("charter_version", "charter_article", "meeting", "event", "stated_position")
    tables += ("membership", "membership_request", "translation", "translator", "suggestion")
    tables += ("membership", "membership_request", "translation", "translator")
    tables += ("concern_mark",)
    counts = {
        t: db.session.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar() for t in tables
    }
    roles = _rows('SELECT id, role, active, email_frequency FROM "user"')
    verified = _rows("SELECT id, name, verified, description FROM organisation")
    responses = _rows(
        "SELECT id, proposal_id, institution_id, author_id, position, body, competent_body"
        " FROM official_response"
    )
    versions = _rows("SELECT id, response_id, author_id, position, body FROM response_version")
    commitments = _rows("SELECT id, response_id, action, state, due_on FROM commitment")
    follows = _rows("SELECT id, user_id, proposal_id, theme_id FROM follow")
    follows += _rows("SELECT id, state, amendments_until FROM minutes")
    follows += _rows("SELECT id, number, body FROM minutes_version")
    follows += _rows("SELECT id, state, decision_reason FROM minutes_amendment")
    follows += _rows("SELECT id, state, reason, proposal_id FROM suggestion")
    follows += _rows("SELECT id, people, met_on FROM concern_tally")
    follows += _rows("SELECT id, concerned_count FROM proposal")
    return (
        proposals,
        contributions,
        counts,
        roles,
        verified,
        responses,
        versions,
        commitments,
        follows,
    )


def _rows(query):
    return db.session.execute(sa.text(f"{query} ORDER BY id")).all()


def _refused(response):
    to_login = "/compte/connexion" in response.headers.get("Location", "")
    return response.status_code in (BAD, FORBIDDEN, NOT_FOUND) or to_login


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "endpoint", "url", "form", "expected"), CASES, ids=_case_ids(CASES)
)
def test_route_permissions(client, world, make_user, role, method, endpoint, url, form, expected):
    _act_as(client, role, world, make_user)
    before = _snapshot()
    url_template = url
    url, data = _fill(world, url, form)
    response = client.open(url, method=method, data=data)
    assert response.status_code == expected[role], response.get_data(as_text=True)[:500]
    # A form shown again (POST answered 200) has saved nothing; the unsubscribe page aside.
    shown_again = (
        method == "POST"
        and response.status_code == OK
        and url_template not in (UNSUBSCRIBE_URL, DIGEST_STOP_URL)
    )
    if _refused(response) or method == "GET" or shown_again:
        assert _snapshot() == before, "a refused request, or a GET, changed the database"


SECRETARY_CASES = [case for case in MINUTES_CASES if case[4] in (SECRETARY, SECRETARY_POST)]


@pytest.mark.parametrize(
    ("method", "endpoint", "url", "form", "expected"),
    SECRETARY_CASES,
    ids=_case_ids(SECRETARY_CASES),
)
def test_the_named_secretary_handles_the_minutes(
    client, world, method, endpoint, url, form, expected
):
    """What the matrix refuses the host's other members, the named secretary does (as admins)."""
    login(client, world["secretary"])
    world["me"], world["mine"] = world["secretary"], world["comment"]
    url, data = _fill(world, url, form)
    response = client.open(url, method=method, data=data)
    assert response.status_code == expected["admin"], response.get_data(as_text=True)[:500]


def test_every_route_is_in_the_matrix(app):
    covered = {endpoint for _m, endpoint, *_ in CASES}
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert routes - covered == set()


def test_refused_status_change_changes_nothing(client, world, make_user):
    _act_as(client, "moderator", world, make_user)
    proposal_id = world["proposal"].id
    response = client.post(
        f"/propositions/{proposal_id}/statut", data={"status": "done", "reason": "Fini."}
    )
    assert response.status_code == FORBIDDEN
    db.session.expire_all()
    assert db.session.get(Proposal, proposal_id).status is ProposalStatus.SENT


@pytest.mark.parametrize("role", ROLES[1:])
@pytest.mark.parametrize("action", ["modifier", "retirer"])
def test_only_the_author_edits_or_withdraws(client, world, make_user, role, action):
    _act_as(client, role, world, make_user)
    data = {"body": "Corrigé par son auteur."}
    before = _snapshot()
    response = client.post(f"/contributions/{world['comment'].id}/{action}", data=data)
    assert response.status_code == FORBIDDEN
    assert _snapshot() == before
    response = client.post(f"/contributions/{world['mine'].id}/{action}", data=data)
    assert response.status_code == REDIRECT
    db.session.expire_all()
    mine = world["mine"]
    assert mine.is_withdrawn if action == "retirer" else mine.body == "Corrigé par son auteur."


# What one may not see answers 404 to every action; for a reply, its parent is checked first.
FORMS = {"": None, "repondre": TEXT, "signaler": FLAG_FORM, "modifier": TEXT, "retirer": None}
ACTIONS = [("GET", "")] + [(m, a) for a in list(FORMS)[1:] for m in ("GET", "POST")]


@pytest.mark.parametrize(
    "role", ["visitor", "participant", "association_member", "institution_rep"]
)
@pytest.mark.parametrize("target", ["pending", "hidden", "hidden_reply"])
@pytest.mark.parametrize(("method", "action"), ACTIONS)
def test_unseen_contributions_are_not_found(client, world, make_user, role, target, method, action):
    _act_as(client, role, world, make_user)
    before = _snapshot()
    url = f"/contributions/{world[target].id}/{action}".rstrip("/")
    response = client.open(url, method=method, data=FORMS[action])
    if role == "visitor" and action:
        assert "/compte/connexion" in response.headers["Location"]  # logging in comes first
    else:
        assert response.status_code == NOT_FOUND
    assert _snapshot() == before


def test_author_sees_own_pending_but_cannot_reply_or_flag_it(client, world):
    login(client, world["other"])
    url = f"/contributions/{world['pending'].id}"
    assert client.get(url).status_code == REDIRECT
    assert client.get(f"{url}/modifier").status_code == OK
    before = _snapshot()
    assert client.post(f"{url}/repondre", data=TEXT).status_code == FORBIDDEN
    assert client.post(f"{url}/signaler", data=FLAG_FORM).status_code == FORBIDDEN
    assert _snapshot() == before


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_moderators_see_hidden_but_cannot_reply_to_it(client, world, make_user, role):
    _act_as(client, role, world, make_user)
    assert client.get(f"/contributions/{world['hidden_reply'].id}").status_code == REDIRECT
    before = _snapshot()
    response = client.post(f"/contributions/{world['hidden'].id}/repondre", data=TEXT)
    assert response.status_code == FORBIDDEN
    assert _snapshot() == before


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_moderator_cannot_decide_on_own_contribution(client, world, make_user, role):
    me = _act_as(client, role, world, make_user)
    own_pending = _contribution(me, world["proposal"], ContributionState.PENDING)
    for contribution, action in ((world["mine"], "hide"), (own_pending, "approve")):
        before = _snapshot()
        data = {**DECISION_FORM, "action": action}
        response = client.post(f"/moderation/contributions/{contribution.id}/decision", data=data)
        assert response.status_code == FORBIDDEN
        assert _snapshot() == before


def _smuggled(w):
    return {
        "state": "published",
        "author_id": w["other"].id,
        "kind": "testimony",
        "proposal_id": w["other_proposal"].id,
        "parent_id": w["pending"].id,
        "version": "99",
        "withdrawn_at": "2020-01-01",
        "recorded_for_id": w["association"].id,
    }


P, H, K = ContributionState.PUBLISHED, ContributionState.PENDING, ContributionKind
# role, url, form, then the newest contribution's kind, state and parent.
# "mine" (published) is the newest one; a premoderated participant's edit is held again.
SMUGGLING = [
    ("participant", "/propositions/{proposal.id}/commentaires", TEXT, K.COMMENT, H, None),
    ("association_member", "/propositions/{proposal.id}/commentaires", TEXT, K.COMMENT, P, None),
    ("visitor", "/propositions/{proposal.id}/temoigner", TEXT, K.TESTIMONY, H, None),
    ("participant", "/propositions/{proposal.id}/temoigner", TEXT, K.TESTIMONY, H, None),
    ("participant", "/contributions/{comment.id}/repondre", TEXT, K.REPLY, H, "comment"),
    ("association_member", ASSISTED_URL, _assisted_form, K.TESTIMONY, P, None),
    ("participant", "/contributions/{mine.id}/modifier", TEXT, K.COMMENT, H, None),
]


@pytest.mark.parametrize(("role", "url", "form", "kind", "state", "parent"), SMUGGLING)
def test_smuggled_fields_change_nothing(
    client, world, make_user, role, url, form, kind, state, parent
):
    me = _act_as(client, role, world, make_user)
    url, data = _fill(world, url, form)
    response = client.post(url, data={**_smuggled(world), **data})
    assert response.status_code == REDIRECT, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    newest = db.session.scalars(sa.select(Contribution).order_by(Contribution.id.desc())).first()
    assert (newest.kind, newest.state) == (kind, state)
    assert newest.parent_id == (world[parent].id if parent else None)
    assert newest.author_id == (me.id if me else None)
    assert newest.proposal_id == world["proposal"].id
    edited = url.endswith("/modifier")
    assert (newest.version, newest.withdrawn_at) == (2 if edited else 1, None)  # not 99
    assert newest.recorded_for_id == (world["association"].id if form is _assisted_form else None)


def test_assisted_testimony_only_in_the_name_of_ones_association(client, world, make_user):
    _act_as(client, "association_member", world, make_user)
    before = _snapshot()
    url, data = _fill(world, ASSISTED_URL, _assisted_form)
    response = client.post(url, data={**data, "organisation_id": world["institution"].id})
    assert response.status_code == OK  # the form shows its error
    assert _snapshot() == before


class _Unknown(dict):
    """Fills a case's URL with objects that do not exist."""

    id, slug, label = 999_999, "inconnu", "inconnu"

    def __missing__(self, key):
        return self


TOKEN_ENDPOINTS = (
    "notifications.unsubscribe",
    "notifications.stop_institution_digest",
    "accounts.confirm_email",
)


def _unknown_cases():
    """Every case whose URL names an object: as an admin (past every gate) and, on public
    pages, as a visitor."""
    for method, endpoint, url, form, expected in CASES:
        if "{" not in url or endpoint in TOKEN_ENDPOINTS:
            continue  # a token is no id: an unknown one is a bad one (400, above)
        yield "admin", method, url, form
        if expected["visitor"] == OK or endpoint in ("contributions.show", "contributions.testify"):
            yield "visitor", method, url, form


UNKNOWN = list(_unknown_cases())


@pytest.mark.parametrize(
    ("role", "method", "url", "form"), UNKNOWN, ids=[f"{r} {m} {u}" for r, m, u, _f in UNKNOWN]
)
def test_unknown_ids_are_not_found(client, world, make_user, role, method, url, form):
    _act_as(client, role, world, make_user)
    before = _snapshot()
    _url, data = _fill(world, url, form)
    response = client.open(url.format_map(_Unknown()), method=method, data=data)
    assert response.status_code == NOT_FOUND
    assert _snapshot() == before
