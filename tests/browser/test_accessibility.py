"""Every page type, logged out and as each role, in Chromium: axe-core (WCAG 2.0/2.1 A and
AA) finds zero violations, on forms as shown and after an empty or invalid submission; at
320 px there is no horizontal scrolling; the first Tab reaches the skip link, which moves
focus to <main>; an error summary links to its fields, each field described by its error.

How to add a page type: append a `Page` to PAGES below.
- `name`: the endpoint (plus a word when one endpoint has several page types);
- `url`: a template filled from the world of tests/test_permissions.py (build_world) plus
  "me" (the acting user) and "mine" (a published comment of theirs), e.g.
  "/propositions/{proposal.id}"; a new object for the page goes into `_world()`;
- `roles`: who sees the page, as a status-by-role dict from tests/test_permissions.py
  (PUBLIC, LOGGED_IN, CREATE, …; roles whose status is 200 are visited) or a tuple of roles;
- `status`: the status the page answers (an error page: 403, 404, 400);
- `invalid`: a dict of field values for an invalid submission ({} submits the form emptied;
  text fields are cleared first), or None for pages without an error state;
- `form`: the CSS selector of the form to submit (the main form by default).
For example, the search page: Page("search.index", "/recherche?q=logement", PUBLIC).
"""

import json
from datetime import date, timedelta
from typing import NamedTuple

import pytest

from app.extensions import db
from app.models import (
    AddressedInstitution,
    AudioRecording,
    AudioState,
    Contribution,
    ContributionKind,
    ContributionState,
    OrganisationKind,
    utcnow,
)
from app.services import answer_links, translations
from tests.browser.conftest import DESKTOP, NARROW, Axe, PlaywrightError, log_in
from tests.conftest import ROLES
from tests.test_invitations import onboarding_links
from tests.test_permissions import (
    ADMIN_ONLY,
    ASSISTED,
    CREATE,
    DECLINE,
    EDIT,
    GUESTS_ONLY,
    INSTITUTION_EDIT,
    LOGGED_IN,
    MODERATORS,
    ORGANISE,
    PUBLIC,
    RECORD,
    RESPOND,
    SECRETARY,
    SEE_SUGGESTIONS,
    TAKE_UP,
    TALLY_OWNERS,
    UPDATE,
    _contribution,
    add_minutes,
    build_world,
    unsubscribe_token,
)

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Beyond the WCAG tags, axe's structural best practices the issue asks for too: one h1,
# headings in order, every piece of content in a landmark, landmarks told apart.
STRUCTURE_RULES = (
    "page-has-heading-one",
    "heading-order",
    "empty-heading",
    "landmark-one-main",
    "region",
    "landmark-unique",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "skip-link",
)
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "rules": {rule: {"enabled": True} for rule in STRUCTURE_RULES},
    "resultTypes": ["violations"],
}
MAIN_FORM = "main form[method=post]:not(.inline)"
EMPTY: dict = {}


class Page(NamedTuple):
    name: str
    url: str
    roles: dict | tuple = PUBLIC
    status: int = 200
    invalid: dict | None = None
    form: str = MAIN_FORM


PAGES = [
    Page("main.index", "/"),
    Page("main.charter", "/charte"),
    Page("main.help_page", "/aide"),
    Page("main.help_page", "/aide/temoigner?version=facile"),
    Page("main.charter_version", "/charte/versions/{charter.label}"),
    Page("main.accept_charter", "/charte/accepter", LOGGED_IN, invalid=EMPTY),
    Page("accounts.login", "/compte/connexion", GUESTS_ONLY, invalid=EMPTY),
    Page("accounts.register", "/compte/inscription", GUESTS_ONLY, invalid=EMPTY),
    Page("accounts.registration_sent", "/compte/inscription/verifiez-vos-emails"),
    Page("accounts.confirm_registration", "/compte/inscription/confirmer/inconnu", status=400),
    Page("accounts.forgot_password", "/compte/mot-de-passe-oublie", invalid={"email": "x"}),
    Page("accounts.reset_password", "/compte/reinitialiser/inconnu", status=400),
    Page("accounts.preferences", "/compte/preferences", LOGGED_IN),
    Page("accounts.change_password", "/compte/mot-de-passe", LOGGED_IN, invalid=EMPTY),
    Page("privacy.notice", "/confidentialite"),
    # nginx's page for a request too large to reach the app (docs/deployment.md).
    Page("static errors/413", "/static/errors/413.html"),
    Page("privacy.my_data", "/compte/mes-donnees", LOGGED_IN),
    Page("privacy.delete_account", "/compte/supprimer", LOGGED_IN, invalid=EMPTY),
    Page("proposals.index", "/propositions"),
    Page("proposals.themes", "/ateliers"),
    Page("proposals.theme", "/ateliers/{theme.slug}"),
    Page("proposals.show", "/propositions/{proposal.id}"),
    Page("proposals.show answered", "/propositions/{answered.id}"),
    Page("proposals.create", "/propositions/nouvelle", CREATE, invalid=EMPTY),
    Page("proposals.edit", "/propositions/{proposal.id}/modifier", EDIT, invalid=EMPTY),
    Page(
        "proposals.post_update", "/propositions/{proposal.id}/suivi/nouveau", UPDATE, invalid=EMPTY
    ),
    Page("contributions.testify", "/propositions/{proposal.id}/temoigner", invalid=EMPTY),
    Page("contributions.receipt", "/propositions/{proposal.id}/temoignage-envoye"),
    Page(
        "contributions.record_assisted",
        "/propositions/{proposal.id}/temoignage-recueilli",
        ASSISTED,
        invalid=EMPTY,
    ),
    Page("paper.batch", "/propositions/{proposal.id}/fiches-papier", ASSISTED, invalid=EMPTY),
    Page("paper.places", "/organisations/{association.slug}/lieux", EDIT, invalid=EMPTY),
    Page(
        "paper.edit_place",
        "/organisations/{association.slug}/lieux/{place.id}",
        EDIT,
        invalid=EMPTY,
    ),
    Page("contributions.reply", "/contributions/{comment.id}/repondre", LOGGED_IN, invalid=EMPTY),
    Page("contributions.edit", "/contributions/{mine.id}/modifier", LOGGED_IN, invalid=EMPTY),
    Page("contributions.withdraw", "/contributions/{mine.id}/retirer", LOGGED_IN),
    Page(
        "contributions.reword",
        "/contributions/{mine_hidden.id}/reformuler",
        LOGGED_IN,
        invalid=EMPTY,
    ),
    Page("contributions.flag", "/contributions/{comment.id}/signaler", LOGGED_IN, invalid=EMPTY),
    Page("moderation.queue", "/moderation/", MODERATORS),
    Page("moderation.contribution", "/moderation/contributions/{pending.id}", MODERATORS),
    Page("moderation.log", "/moderation/journal", MODERATORS),
    Page("notifications.index", "/notifications/", LOGGED_IN),
    Page("notifications.unsubscribe", "/notifications/desabonnement/{token}"),
    Page("notifications.unsubscribe bad", "/notifications/desabonnement/inconnu", status=400),
    Page(
        "responses.respond",
        "/propositions/{proposal.id}/reponses/{institution.id}",
        RESPOND,
        invalid=EMPTY,
    ),
    Page(
        "responses.respond edit", "/propositions/{answered.id}/reponses/{institution.id}", RESPOND
    ),
    Page("responses.history", "/reponses/{response.id}/historique"),
    Page(
        "responses.add_commitment",
        "/reponses/{response.id}/engagements",
        RESPOND,
        invalid=EMPTY,
    ),
    Page(
        "responses.update_commitment",
        "/engagements/{commitment.id}",
        RESPOND,
        invalid={"due_on": "demain"},
    ),
    Page("responses.reply", "/reponses/{response.id}/repondre", LOGGED_IN, invalid=EMPTY),
    Page("meetings.index", "/reunions/"),
    Page("meetings.show", "/reunions/{upcoming_meeting.id}"),
    Page(
        "responses.report_position",
        "/propositions/{proposal.id}/positions-rapportees/nouvelle",
        ORGANISE,
        invalid={"words": "", "stated_on": "1900-01-01"},
    ),
    Page("responses.remove_position", "/positions-rapportees/{stated.id}/supprimer", EDIT),
    Page(
        "concerns.tallies",
        "/propositions/{proposal.id}/personnes-concernees",
        ASSISTED,
        invalid={"people": "0", "met_on": "2999-01-01"},
    ),
    Page(
        "concerns.edit_tally",
        "/personnes-concernees/{tally.id}/modifier",
        TALLY_OWNERS,
        invalid={"people": ""},
    ),
    Page("concerns.delete_tally", "/personnes-concernees/{tally.id}/supprimer", TALLY_OWNERS),
    Page("meetings.create", "/reunions/nouvelle", ORGANISE, invalid=EMPTY),
    Page("meetings.edit", "/reunions/{upcoming_meeting.id}/modifier", ADMIN_ONLY, invalid=EMPTY),
    Page("meetings.cancel", "/reunions/{upcoming_meeting.id}/annuler", ADMIN_ONLY, invalid=EMPTY),
    Page("minutes.show", "/reunions/{meeting.id}/compte-rendu"),
    Page("minutes.version", "/reunions/{meeting.id}/compte-rendu/versions/1"),
    Page("minutes.diff", "/reunions/{meeting.id}/compte-rendu/diff?de=1&a=2"),
    Page(
        "minutes.publish", "/reunions/{unminuted.id}/compte-rendu/publier", SECRETARY, invalid=EMPTY
    ),
    Page(
        "minutes.propose_amendment",
        "/reunions/{meeting.id}/compte-rendu/amendements/nouveau",
        LOGGED_IN,
        invalid=EMPTY,
    ),
    Page("minutes.decide", "/amendements/{amendment.id}/decision", SECRETARY, invalid=EMPTY),
    Page(
        "minutes.correct", "/reunions/{meeting.id}/compte-rendu/corriger", SECRETARY, invalid=EMPTY
    ),
    Page("minutes.validate", "/reunions/{meeting.id}/compte-rendu/valider", SECRETARY),
    Page("directory.index", "/organisations/"),
    Page("directory.show", "/organisations/{institution.slug}"),
    Page("directory.edit", "/organisations/{association.slug}/modifier", EDIT),
    Page(
        "directory.edit institution", "/organisations/{institution.slug}/modifier", INSTITUTION_EDIT
    ),
    Page("search.index", "/recherche"),
    Page("search.index results", "/recherche?q=locaux"),
    Page("search.index too long", "/recherche?q=" + "logement+" * 30),
    Page("board.index", "/suivi"),
    Page("board.synthesis", "/bilan"),
    Page("admin.index", "/admin/", ADMIN_ONLY),
    Page("admin.charter", "/admin/charte", ADMIN_ONLY, invalid=EMPTY),
    Page("admin.organisations", "/admin/organisations", ADMIN_ONLY),
    Page("admin.organisation", "/admin/organisations/nouvelle", ADMIN_ONLY, invalid=EMPTY),
    Page("admin.users", "/admin/utilisateurs", ADMIN_ONLY),
    Page("admin.user", "/admin/utilisateurs/{other.id}", ADMIN_ONLY),
    Page("admin.themes", "/admin/ateliers", ADMIN_ONLY),
    Page("admin.audit_log", "/admin/journal", ADMIN_ONLY),
    Page("admin.theme", "/admin/ateliers/{theme.id}", ADMIN_ONLY, invalid={"name": ""}),
    Page("opendata.index", "/donnees"),
    Page("errors.forbidden", "/admin/", ROLES[1:-1], status=403),
    Page("errors.not_found", "/propositions/999999", ROLES, status=404),
    Page("events.index", "/evenements/"),
    Page("events.show", "/evenements/{event.slug}"),
    Page("sheets.proposal_sheet", "/propositions/{proposal.id}/fiche"),
    Page("sheets.theme_poster", "/ateliers/{theme.slug}/affiche"),
    Page("sheets.event_poster", "/evenements/{event.slug}/affiche"),
    Page("events.admin_index", "/admin/evenements", ADMIN_ONLY),
    Page("events.create", "/admin/evenements/nouveau", ADMIN_ONLY, invalid=EMPTY),
    Page(
        "events.edit",
        "/admin/evenements/{event.slug}/modifier",
        ADMIN_ONLY,
        invalid={"slug": "Pas une adresse", "held_on": "1900-01-01"},
    ),
    Page(
        "imports.upload", "/admin/evenements/{import_event.slug}/import", ADMIN_ONLY, invalid=EMPTY
    ),
    Page("inbox.index", "/espace-institution", ("institution_rep", "admin")),
    Page("inbox.index chosen", "/espace-institution?institution={institution.slug}", ("admin",)),
    Page(
        "notifications.stop_institution_digest",
        "/notifications/resume-institution/arret/{digest_token}",
    ),
    Page(
        "notifications.stop_institution_digest bad",
        "/notifications/resume-institution/arret/inconnu",
        status=400,
    ),
    Page("answers.answer", "/repondre/{answer_token}", invalid=EMPTY),
    Page("answers.answer revoked", "/repondre/{revoked_token}", status=410),
    Page("answers.answer unknown", "/repondre/inconnu", status=404),
    Page("answers.thanks", "/repondre/merci"),
    Page("answers.admin_links", "/admin/liens-de-reponse", ADMIN_ONLY),
    # A guest's receipt (h5): the code typed from paper, the testimony's state, its
    # correction and withdrawal; an unknown code.
    Page("receipts.lookup", "/recu", invalid={"code": "abc"}),
    Page("receipts.show", "/recu/{receipt_code}"),
    Page("receipts.show unknown", "/recu/ZZZZ-ZZZZ-ZZZZ", status=404),
    Page("receipts.correct", "/recu/{receipt_code}/corriger", invalid=EMPTY),
    Page("receipts.withdraw", "/recu/{receipt_code}/retirer"),
    Page("proposals.show put to associations", "/propositions/{put.id}"),
    Page(
        "responses.respond for an association",
        "/propositions/{put.id}/reponses/{association.id}",
        ("association_member",),
        invalid=EMPTY,
    ),
    Page("proposals.edit put to associations", "/propositions/{put.id}/modifier", ("admin",)),
    Page(
        "responses.record",
        "/propositions/{proposal.id}/reponses/{institution.id}/saisir",
        RECORD,
        invalid={"received_at": "2999-01-01", "body": ""},
    ),
    Page(
        "responses.record correct",
        "/propositions/{answered.id}/reponses/{institution.id}/saisir",
        ("admin",),
    ),
    # Requests to join an organisation, and confirming one's e-mail address.
    Page(
        "directory.request_membership",
        "/organisations/{association.slug}/rejoindre",
        ("participant", "moderator"),
        invalid={"message": "x" * 1001},
    ),
    Page(
        "directory.request_membership refused",
        "/organisations/{association.slug}/rejoindre",
        ("association_member", "institution_rep"),
    ),
    Page("directory.membership_requests", "/organisations/{association.slug}/demandes", EDIT),
    Page(
        "directory.decide_membership",
        "/organisations/{association.slug}/demandes/{membership_request.id}",
        EDIT,
        invalid=EMPTY,
    ),
    Page("directory.all_membership_requests", "/admin/demandes-adhesion", ADMIN_ONLY),
    Page("directory.show joining", "/organisations/{association.slug}", LOGGED_IN),
    Page("accounts.confirm_email", "/compte/confirmer-adresse/{confirm_token}"),
    Page("accounts.confirm_email invalid", "/compte/confirmer-adresse/inconnu", ROLES, status=400),
    # Onboarding (h3): invitations, the official address's state and its confirmation link.
    Page("admin.invitations", "/admin/invitations", ADMIN_ONLY, invalid=EMPTY),
    Page("admin.organisation institution", "/admin/organisations/{institution.id}", ADMIN_ONLY),
    Page(
        "onboarding.accept_invitation",
        "/invitation/{invitation_token}",
        ("visitor",),
        invalid=EMPTY,
    ),
    Page("onboarding.accept_invitation other account", "/invitation/{invitation_token}", ROLES[1:]),
    Page("onboarding.accept_invitation bad", "/invitation/inconnu", status=400),
    Page(
        "onboarding.confirm_official_address", "/organisations/adresse-officielle/{official_token}"
    ),
    Page(
        "onboarding.confirm_official_address bad",
        "/organisations/adresse-officielle/inconnu",
        status=400,
    ),
    # The translators' workspace (h1): the queue, the side-by-side form (Arabic on the
    # right, right to left), the easy-read summary, the admins' list of translators.
    Page("translators.queue", "/traductions?langue=ar", ("institution_rep", "admin")),
    Page(
        "translators.translate",
        "/traductions/proposal/{proposal.id}/en",
        ADMIN_ONLY,
        invalid=EMPTY,
    ),
    Page(
        "translators.translate response",
        "/traductions/response/{response.id}/ar",
        ("institution_rep",),
        invalid=EMPTY,
    ),
    Page("translators.easy_read", "/traductions/facile-a-lire/{proposal.id}", EDIT, invalid=EMPTY),
    Page("translators.admin", "/admin/traducteurs", ADMIN_ONLY, invalid=EMPTY),
    # Content in the reader's language (issue 21): events, meetings, minutes, the charter
    # and workshops, translated (see _translate_pages_b) or French originals marked as such.
    # A ?lang= choice is kept in the session: the last page goes back to French.
    Page("events.index en", "/evenements/?lang=en"),
    Page("events.show en", "/evenements/{event.slug}?lang=en"),
    Page("proposals.themes en", "/ateliers?lang=en"),
    Page("proposals.theme en", "/ateliers/{theme.slug}?lang=en"),
    Page("meetings.show en", "/reunions/{upcoming_meeting.id}?lang=en"),
    Page("main.charter en", "/charte?lang=en"),
    Page("events.index ar", "/evenements/?lang=ar"),
    Page("events.show ar", "/evenements/{event.slug}?lang=ar"),
    Page("meetings.index ar", "/reunions/?lang=ar"),
    Page("meetings.show ar", "/reunions/{upcoming_meeting.id}?lang=ar"),
    Page("minutes.show ar", "/reunions/{meeting.id}/compte-rendu?lang=ar"),
    Page("main.charter ar", "/charte?lang=ar"),
    Page("main.accept_charter ar", "/charte/accepter?lang=ar", LOGGED_IN, invalid=EMPTY),
    Page("proposals.themes ar", "/ateliers?lang=ar"),
    Page("proposals.theme ar", "/ateliers/{theme.slug}?lang=ar"),
    Page("admin.themes ar", "/admin/ateliers?lang=ar", ADMIN_ONLY),
    Page("receipts.show ar", "/recu/{receipt_code}?lang=ar"),
    # Participants' suggestions (issue 22): the form, one's own, the queue, taking one up,
    # declining one; the form and the queue in Arabic too.
    Page("suggestions.new", "/suggestions/nouvelle", LOGGED_IN, invalid=EMPTY),
    Page("suggestions.mine", "/compte/suggestions", LOGGED_IN),
    Page("suggestions.queue", "/suggestions", SEE_SUGGESTIONS),
    Page("suggestions.take_up", "/suggestions/{suggestion.id}/reprendre", TAKE_UP, invalid=EMPTY),
    Page("suggestions.decline", "/suggestions/{suggestion.id}/decliner", DECLINE, invalid=EMPTY),
    Page("suggestions.new ar", "/suggestions/nouvelle?lang=ar", LOGGED_IN, invalid=EMPTY),
    Page("suggestions.queue ar", "/suggestions?lang=ar", SEE_SUGGESTIONS),
    Page("main.charter fr", "/charte?lang=fr"),
    # Spoken testimonies (issue 22): the forms' recording field (and the recorder its script
    # adds), in Arabic too; a recording in moderation, with its player and transcript.
    Page(
        "contributions.testify ar", "/propositions/{proposal.id}/temoigner?lang=ar", invalid=EMPTY
    ),
    Page("moderation.contribution spoken", "/moderation/contributions/{spoken.id}", MODERATORS),
    Page("proposals.show ar", "/propositions/{proposal.id}?lang=ar"),
    Page("contributions.testify fr", "/propositions/{proposal.id}/temoigner?lang=fr"),
]


def _roles(page: Page) -> tuple:
    if isinstance(page.roles, dict):
        return tuple(role for role, status in page.roles.items() if status == 200)
    return page.roles


def pages_for(role: str) -> list[Page]:
    return [page for page in PAGES if role in _roles(page)]


@pytest.fixture
def world(make_organisation, make_theme, make_proposal, make_user):
    """The permission matrix's world, plus an overdue answer (the board's late rows)."""
    built = build_world(make_organisation, make_theme, make_proposal, make_user)
    add_minutes(built)
    _publish_spoken(built)
    late = make_proposal("Des douches ouvertes le dimanche", built["theme"], built["association"])
    late.addressed.append(
        AddressedInstitution(
            institution=built["institution"],
            sent_at=utcnow() - timedelta(days=90),
            response_due_on=date.today() - timedelta(days=30),
        )
    )
    # The inversion: the institution's proposal put to the association (issue 20, item 7).
    put = make_proposal("Un accueil le dimanche", built["theme"], built["institution"])
    put.addressed.append(
        AddressedInstitution(
            institution=built["association"],
            sent_at=utcnow() - timedelta(days=5),
            response_due_on=date.today() + timedelta(days=25),
        )
    )
    db.session.commit()
    _translate_pages_b(built)
    built["revoked_token"] = _revoked_answer_link(make_organisation, late)
    built["put"] = put
    built.update(onboarding_links(built))
    return built


def _publish_spoken(built) -> None:
    """A published spoken testimony on the proposal's page: its player and transcript."""
    published = Contribution(
        proposal=built["proposal"],
        kind=ContributionKind.TESTIMONY,
        body="",
        state=ContributionState.PUBLISHED,
    )
    published.audio = AudioRecording(
        state=AudioState.READY,
        disguised=True,
        duration_seconds=75.0,
        media_type="audio/mpeg",
        media=b"\xff\xfb" * 64,
        media_size=128,
        transcript="Je dors dans ma voiture depuis l’hiver.",
    )
    db.session.add(published)
    db.session.commit()


def _translate_pages_b(built) -> None:
    """Arabic and English versions of the workshop, the event, the meetings, the charter and
    a proposal's title; the answered proposal and the past meeting's agenda stay French."""
    built["upcoming_meeting"].agenda = "1. Tour de table\n2. Les prochaines dates"
    built["meeting"].agenda = "1. Tour de table"
    db.session.commit()
    texts = {
        "ar": {
            "theme": {"name": "الإيواء"},
            "event": {"name": "ملتقى التضامن"},
            "upcoming_meeting": {"title": "مجموعة الثقافة", "agenda": "١. جولة تعارف"},
            "meeting": {"title": "مجموعة الصحة"},
            "proposal": {"title": "فتح حمامات مجانية"},
        },
        "en": {
            "theme": {"name": "Housing"},
            "event": {"name": "Solidarity assembly"},
            "upcoming_meeting": {"title": "Culture group"},
            "proposal": {"title": "Open free public baths"},
        },
    }
    charter_texts = {
        "ar": ("للمشاركة.", {"title": "الاحترام", "body": "نحترم بعضنا."}),
        "en": ("To take part.", {"title": "Respect", "body": "We respect each other."}),
    }
    for lang, objects in texts.items():
        for name, fields in objects.items():
            translations.add_network_translation(built[name], lang, fields)
        introduction, article = charter_texts[lang]
        translations.add_network_translation(built["charter"], lang, {"introduction": introduction})
        translations.add_network_translation(built["charter"].articles[0], lang, article)
    db.session.commit()


def _revoked_answer_link(make_organisation, proposal) -> str:
    """The token of a revoked answer link, for an institution with a verified official
    address (its page offers a new link)."""
    institution = make_organisation(
        OrganisationKind.INSTITUTION,
        name="CCAS de Woippy (lien révoqué)",
        official_email="accueil@ccas-woippy.example",
        official_email_verified_at=utcnow(),
    )
    proposal.addressed.append(AddressedInstitution(institution=institution, sent_at=utcnow()))
    token = answer_links.issue(proposal, institution).rsplit("/", 1)[1]
    db.session.flush()
    answer_links.find(token).revoked_at = utcnow()
    db.session.commit()
    return token


def _acting_user(role, world, make_user):
    """A new user of this role (the association's member, the institution's rep), a
    published comment of theirs and a hidden one, as in tests/test_permissions.py."""
    world["me"], world["mine"], world["mine_hidden"] = None, world["comment"], world["hidden"]
    if role == "visitor":
        return None
    organisation = {"association_member": world["association"]}.get(role)
    if role == "institution_rep":
        organisation = world["institution"]
    user = make_user(role, organisation=organisation)
    world["me"], world["mine"] = user, _contribution(user, world["proposal"])
    world["mine_hidden"] = _contribution(user, world["proposal"], ContributionState.HIDDEN)
    return user


def _urls(role, world) -> list[tuple[Page, str]]:
    """Every page this role sees, with its URL filled in (before the browser writes)."""
    world["token"] = unsubscribe_token(world["other"])
    urls = [(page, page.url.format(**world)) for page in pages_for(role)]
    db.session.commit()  # end the test's read transaction before the server writes
    return urls


def _axe_problems(page, axe: Axe, label: str) -> list[str]:
    results = axe.run(page, options=AXE_OPTIONS).response
    problems = []
    for violation in results["violations"]:
        targets = [", ".join(map(str, node["target"])) for node in violation["nodes"]]
        problems.append(
            f"{label}: [{violation['impact']}] {violation['id']} — {violation['help']}\n"
            f"    targets: {json.dumps(targets[:6], ensure_ascii=False)}"
        )
    return problems


def _overflow(page, label: str) -> list[str]:
    """At 320 px (what 200 % zoom on a small screen gives), nothing scrolls sideways."""
    page.set_viewport_size(NARROW)
    width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth,"
        " [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth + 1 && !e.closest('.table-wrap table, .skip-link'))"
        ".slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))]"
    )
    page.set_viewport_size(DESKTOP)
    scroll, inner, culprits = width
    if scroll > inner:
        return [f"{label}: scrolls sideways at 320 px ({scroll} > {inner}): {culprits}"]
    return []


KEYBOARD = """() => [document.activeElement.className, document.activeElement.tagName]"""


def _keyboard(page, label: str) -> list[str]:
    """The first Tab reaches the skip link; following it puts focus on <main>."""
    page.keyboard.press("Tab")
    cls, _tag = page.evaluate(KEYBOARD)
    if "skip-link" not in cls:
        return [f"{label}: the first Tab focuses {_tag}.{cls}, not the skip link"]
    page.keyboard.press("Enter")
    _cls, tag = page.evaluate(KEYBOARD)
    if tag != "MAIN":
        return [f"{label}: the skip link moves focus to {tag}, not to <main>"]
    return []


ERROR_LINKS = """() => {
  const problems = [];
  const summary = document.querySelector('.error-summary');
  if (!summary) return ['no error summary'];
  const firstError = document.querySelector('main [aria-invalid], main .error');
  if (firstError && summary.compareDocumentPosition(firstError) & Node.DOCUMENT_POSITION_PRECEDING)
    problems.push('the error summary comes after a field in error');
  for (const link of summary.querySelectorAll('a[href^="#"]')) {
    if (!document.getElementById(link.getAttribute('href').slice(1)))
      problems.push('summary link to a missing field: ' + link.getAttribute('href'));
  }
  for (const field of document.querySelectorAll('[aria-invalid="true"]')) {
    const ids = (field.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
    if (!ids.some(id => document.getElementById(id)?.classList.contains('error')))
      problems.push('#' + field.id + ' is not described by its error');
  }
  return problems;
}"""


def _submit_invalid(page, spec: Page, url: str) -> list[str]:
    """Submit the form emptied (or with `spec.invalid`), then check its error state."""
    form = page.locator(spec.form).first
    form.evaluate(
        "form => form.querySelectorAll('input[type=text], input[type=email], input[type=date],"
        " input[type=time], input[type=url], textarea').forEach(field => { field.value = '' })"
    )
    for name, value in (spec.invalid or {}).items():
        form.locator(f"[name={name}]").fill(value)
    with page.expect_navigation():
        form.locator("[type=submit]").last.click()
    label = f"{spec.name} (errors) {url}"
    if page.locator(".error-summary").count() == 0:
        return [f"{label}: an invalid submission showed no error summary (at {page.url})"]
    return [f"{label}: {problem}" for problem in page.evaluate(ERROR_LINKS)]


def _check(page, axe: Axe, spec: Page, url: str, role: str) -> list[str]:
    """Everything checked on one page type, then on its error state."""
    label = f"{spec.name} as {role} {url}"
    response = page.goto(url)
    if response.status != spec.status:
        return [f"{label}: status {response.status}, expected {spec.status}"]
    problems = _keyboard(page, label)
    problems += _axe_problems(page, axe, label)
    problems += _overflow(page, label)
    if spec.invalid is not None:
        page.goto(url)
        problems += _submit_invalid(page, spec, url)
        label = f"{spec.name} (errors) as {role} {url}"
        problems += _axe_problems(page, axe, label)
        problems += _overflow(page, label)
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_type_is_accessible(new_context, world, make_user, role):
    user = _acting_user(role, world, make_user)
    urls = _urls(role, world)
    page = new_context().new_page()
    if user is not None:
        log_in(page, user)
    axe = Axe()
    problems: list[str] = []
    for spec, url in urls:
        try:
            problems += _check(page, axe, spec, url, role)
        except PlaywrightError as error:
            problems.append(f"{spec.name} as {role} {url}: {error.message.splitlines()[0]}")
    assert not problems, f"{len(problems)} problem(s) as {role}:\n" + "\n".join(problems)


def test_every_html_page_of_the_matrix_is_visited():
    """A new page type in tests/test_permissions.py CASES needs its entry in PAGES."""
    from tests.test_permissions import CASES

    # contributions.show redirects; privacy.export is a JSON download; health checks are JSON
    not_html = {"main.healthz", "main.readyz", "board.csv", "contributions.show", "privacy.export"}
    not_html |= {"opendata.csv", "opendata.json"}  # open data downloads
    not_html |= {"responses.document"}  # a recorded response's PDF or image
    not_html |= {"paper.sheet_photo"}  # the photo of a paper sheet, for moderators
    not_html |= {"audio.published", "audio.for_moderators"}  # a spoken testimony's MP3
    endpoints = {
        endpoint
        for method, endpoint, url, _form, _expected in CASES
        if method == "GET"
        and endpoint not in not_html
        and not endpoint.startswith("api.")
        and not url.endswith(".ics")
    }
    visited = {page.name.split(" ")[0] for page in PAGES}
    assert endpoints - visited == set()


# Content read in another site language (issue 21): Arabic and English pages holding French
# originals next to translated texts, each marked with its language and direction.
LANGUAGE_PAGES = [
    Page("main.index", "/"),
    Page("proposals.index", "/propositions"),
    Page("proposals.show", "/propositions/{proposal.id}"),
    Page("proposals.show answered", "/propositions/{answered.id}"),
    Page("sheets.proposal_sheet", "/propositions/{proposal.id}/fiche"),
    Page("sheets.theme_poster", "/ateliers/{theme.slug}/affiche"),
    Page("sheets.event_poster", "/evenements/{event.slug}/affiche"),
    Page("board.index", "/suivi"),
    Page("board.synthesis", "/bilan"),
    Page("directory.index", "/organisations/"),
    Page("directory.show", "/organisations/{institution.slug}"),
    Page("inbox.index", "/espace-institution", ("institution_rep",)),
    Page("moderation.queue", "/moderation/", ("moderator",)),
    Page("moderation.contribution", "/moderation/contributions/{pending.id}", ("moderator",)),
]
SOME_TRANSLATIONS = {
    "ar": {"title": "فتح حمامات عامة مجانية", "body": "الوضع، ثم ما نقترحه.", "name": "السكن"},
    "en": {"title": "Open free public baths", "body": "What we see, then what we ask.",
           "name": "Housing"},
}  # fmt: skip


def _translate_some(world, lang: str) -> None:
    """The proposal and its workshop translated; the answered proposal left in French."""
    texts = SOME_TRANSLATIONS[lang]
    translations.add_network_translation(
        world["proposal"], lang, {"title": texts["title"], "body": texts["body"]}
    )
    translations.add_network_translation(world["theme"], lang, {"name": texts["name"]})
    db.session.commit()


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_content_pages_in_arabic_and_english_are_accessible(new_context, world, make_user, lang):
    _translate_some(world, lang)
    readers = {
        "visitor": None,
        "moderator": make_user("moderator", organisation=world["association"]),
        "institution_rep": make_user("institution_rep", organisation=world["institution"]),
    }
    problems: list[str] = []
    axe = Axe()
    for role, user in readers.items():
        pages = [spec for spec in LANGUAGE_PAGES if role in _roles(spec)]
        urls = [(spec, spec.url.format(**world)) for spec in pages]
        db.session.commit()  # end the test's read transaction before the server writes
        page = new_context().new_page()
        if user is not None:
            log_in(page, user)
        for spec, url in urls:
            url += ("&" if "?" in url else "?") + f"lang={lang}"
            label = f"{spec.name} as {role} {url}"
            try:
                response = page.goto(url)
                if response.status != 200:
                    problems.append(f"{label}: status {response.status}")
                    continue
                if page.evaluate("document.documentElement.lang") != lang:
                    problems.append(f"{label}: the page is not in {lang}")
                problems += _axe_problems(page, axe, label)
                problems += _overflow(page, label)
            except PlaywrightError as error:
                problems.append(f"{label}: {error.message.splitlines()[0]}")
    assert not problems, f"{len(problems)} problem(s) in {lang}:\n" + "\n".join(problems)
