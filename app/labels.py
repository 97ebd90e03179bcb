"""French labels (translated through Babel) for the values of the domain's enums."""

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.models import (
    AuditAction,
    CommitmentState,
    ContributionKind,
    ContributionState,
    EventKind,
    FlagReason,
    ModerationAction,
    ModerationReason,
    OrganisationKind,
    Position,
    ProposalStatus,
    Role,
)

STATUS_LABELS = {
    ProposalStatus.SUBMITTED: _l("Déposée"),
    ProposalStatus.IN_DISCUSSION: _l("En discussion"),
    ProposalStatus.SENT: _l("Transmise aux institutions"),
    ProposalStatus.ANSWERED: _l("Réponse reçue"),
    ProposalStatus.IN_PROGRESS: _l("En cours de mise en œuvre"),
    ProposalStatus.DONE: _l("Réalisée"),
    ProposalStatus.ABANDONED: _l("Abandonnée"),
}

ROLE_LABELS = {
    Role.PARTICIPANT: _l("Participant·e"),
    Role.ASSOCIATION_MEMBER: _l("Membre d’association"),
    Role.MODERATOR: _l("Modérateur·rice"),
    Role.INSTITUTION_REP: _l("Représentant·e d’institution"),
    Role.ADMIN: _l("Administrateur·rice"),
}

KIND_LABELS = {
    OrganisationKind.ASSOCIATION: _l("Association"),
    OrganisationKind.SERVICE_PROVIDER: _l("Association prestataire"),
    OrganisationKind.INSTITUTION: _l("Institution"),
}


def status_label(status) -> str:
    return str(STATUS_LABELS[ProposalStatus(status)])


def role_label(role) -> str:
    return str(ROLE_LABELS[Role(role)])


def kind_label(kind) -> str:
    return str(KIND_LABELS[OrganisationKind(kind)])


CONTRIBUTION_STATE_LABELS = {
    ContributionState.PENDING: _l("En attente de modération"),
    ContributionState.PUBLISHED: _l("Publiée"),
    ContributionState.HIDDEN: _l("Masquée par la modération"),
    ContributionState.REJECTED: _l("Refusée par la modération"),
}

FLAG_REASON_LABELS = {
    FlagReason.INSULT: _l("Insulte ou propos blessants"),
    FlagReason.PERSONAL_DATA: _l("Données personnelles (nom, adresse, téléphone…)"),
    FlagReason.OFF_TOPIC: _l("Hors sujet"),
    FlagReason.SPAM: _l("Publicité ou spam"),
    FlagReason.OTHER: _l("Autre raison"),
}

MODERATION_ACTION_LABELS = {
    ModerationAction.APPROVE: _l("Publier"),
    ModerationAction.REJECT: _l("Refuser"),
    ModerationAction.HIDE: _l("Masquer"),
    ModerationAction.RESTORE: _l("Rétablir"),
    ModerationAction.AUTO_HIDE: _l("Masquée automatiquement après plusieurs signalements"),
}

MODERATION_REASON_LABELS = {
    ModerationReason.COMPLIANT: _l("Conforme à la charte"),
    ModerationReason.INSULT: _l("Insulte ou propos blessants"),
    ModerationReason.DISCRIMINATION: _l("Propos discriminatoires"),
    ModerationReason.PERSONAL_DATA: _l("Données personnelles exposées"),
    ModerationReason.OFF_TOPIC: _l("Hors sujet"),
    ModerationReason.SPAM: _l("Publicité ou spam"),
    ModerationReason.FLAGS: _l("Plusieurs signalements"),
    ModerationReason.OTHER: _l("Autre raison (précisée)"),
}


# What a decision did, as its author reads it in the e-mail's subject and first line.
A, CK = ModerationAction, ContributionKind
DECISION_OUTCOMES = {
    (A.APPROVE, CK.TESTIMONY): _l("Votre témoignage a été publié"),
    (A.APPROVE, CK.COMMENT): _l("Votre commentaire a été publié"),
    (A.APPROVE, CK.REPLY): _l("Votre réponse a été publiée"),
    (A.REJECT, CK.TESTIMONY): _l("Votre témoignage n’a pas été publié"),
    (A.REJECT, CK.COMMENT): _l("Votre commentaire n’a pas été publié"),
    (A.REJECT, CK.REPLY): _l("Votre réponse n’a pas été publiée"),
    (A.HIDE, CK.TESTIMONY): _l("Votre témoignage a été masqué"),
    (A.HIDE, CK.COMMENT): _l("Votre commentaire a été masqué"),
    (A.HIDE, CK.REPLY): _l("Votre réponse a été masquée"),
    (A.RESTORE, CK.TESTIMONY): _l("Votre témoignage est de nouveau visible"),
    (A.RESTORE, CK.COMMENT): _l("Votre commentaire est de nouveau visible"),
    (A.RESTORE, CK.REPLY): _l("Votre réponse est de nouveau visible"),
    (A.AUTO_HIDE, CK.TESTIMONY): _l("Votre témoignage est masqué après plusieurs signalements"),
    (A.AUTO_HIDE, CK.COMMENT): _l("Votre commentaire est masqué après plusieurs signalements"),
    (A.AUTO_HIDE, CK.REPLY): _l("Votre réponse est masquée après plusieurs signalements"),
}


def decision_outcome(action, kind) -> str:
    """What a moderation decision did to the author's contribution, in one sentence."""
    return str(DECISION_OUTCOMES[ModerationAction(action), ContributionKind(kind)])


def contribution_state_label(state) -> str:
    return str(CONTRIBUTION_STATE_LABELS[ContributionState(state)])


def flag_reason_label(reason) -> str:
    return str(FLAG_REASON_LABELS[FlagReason(reason)])


def moderation_action_label(action) -> str:
    return str(MODERATION_ACTION_LABELS[ModerationAction(action)])


def moderation_reason_label(reason) -> str:
    return str(MODERATION_REASON_LABELS[ModerationReason(reason)])


def author_label(contribution, isolate=None) -> str:
    """How an author is shown to the public: never the account behind an anonymous one.

    ``isolate`` (a page's `bidi` filter) wraps each name, so that a name in another script
    keeps its own order inside the sentence around it; the label is then HTML (the
    catalogue's text, the names escaped by ``isolate``)."""
    wrap = isolate or str
    if contribution.is_assisted:
        org = wrap(contribution.recorded_for.name)
        if contribution.on_paper:
            label = _paper_label(contribution, org, wrap)
        elif contribution.guest_name:
            label = _l(
                "%(name)s, témoignage recueilli par %(org)s",
                name=wrap(contribution.guest_name),
                org=org,
            )
        else:
            label = _l("Témoignage recueilli par %(org)s", org=org)
        # The catalogue's text is trusted; every name in it was escaped by `isolate`.
        return Markup(str(label)) if isolate else str(label)  # nosec B704
    if contribution.is_anonymous:
        return str(_l("Anonyme"))
    if contribution.author_id is None:
        name = contribution.guest_name
        return wrap(name) if name else name
    if contribution.author is None:
        return str(_l("Compte supprimé"))
    return wrap(contribution.author.public_name)


def _paper_label(contribution, org, wrap):
    """A testimony typed in from a paper sheet: who collected it and when. The place is
    not said: in a small shelter, a first name, a place and a date may tell who wrote it."""
    day = format_date(contribution.collected_on, "long") if contribution.collected_on else ""
    if contribution.guest_name:
        return _l(
            "%(name)s, recueilli sur papier par %(org)s le %(date)s",
            name=wrap(contribution.guest_name),
            org=org,
            date=day,
        )
    return _l("Recueilli sur papier par %(org)s le %(date)s", org=org, date=day)


POSITION_LABELS = {
    Position.FAVOURABLE: _l("Favorable"),
    Position.UNDER_STUDY: _l("À l’étude"),
    Position.UNFAVOURABLE: _l("Défavorable"),
    Position.ALREADY_IN_PLACE: _l("Déjà en place"),
    Position.NOT_COMPETENT: _l("Pas compétente"),
    Position.TAKEN_UP: _l("Nous nous en saisissons"),
}

COMMITMENT_STATE_LABELS = {
    CommitmentState.PLANNED: _l("Prévu"),
    CommitmentState.IN_PROGRESS: _l("En cours"),
    CommitmentState.DONE: _l("Réalisé"),
    CommitmentState.DROPPED: _l("Abandonné"),
}


def position_label(position) -> str:
    return str(POSITION_LABELS[Position(position)])


def commitment_state_label(state) -> str:
    return str(COMMITMENT_STATE_LABELS[CommitmentState(state)])


# Languages a contribution may be written in, named in their own language (never translated):
# the network's three interface languages first, then those most spoken by the people it serves.
WRITING_LANGUAGES = {
    "fr": "Français",
    "en": "English",
    "ar": "العربية",
    "es": "Español",
    "pt": "Português",
    "ro": "Română",
    "ru": "Русский",
    "uk": "Українська",
    "tr": "Türkçe",
    "fa": "فارسی",
    "ps": "پښتو",
    "ti": "ትግርኛ",
    "so": "Soomaali",
    "bn": "বাংলা",
}


def device_label(user_session) -> str:
    """ "Firefox sur Android": what the "Mes sessions" list calls a logged-in device."""
    browser = user_session.browser or _l("Navigateur inconnu")
    if user_session.platform:
        return _l("%(browser)s sur %(system)s", browser=browser, system=user_session.platform)
    return str(browser)


AUDIT_ACTION_LABELS = {
    AuditAction.ORGANISATION_CREATED: _l("Organisation créée"),
    AuditAction.ORGANISATION_UPDATED: _l("Organisation modifiée"),
    AuditAction.ORGANISATION_VERIFIED: _l("Institution vérifiée"),
    AuditAction.ORGANISATION_UNVERIFIED: _l("Vérification retirée"),
    AuditAction.USER_ROLE_CHANGED: _l("Rôle changé"),
    AuditAction.USER_BLOCKED: _l("Compte bloqué"),
    AuditAction.USER_UNBLOCKED: _l("Compte débloqué"),
    AuditAction.USER_MEMBERSHIPS_CHANGED: _l("Appartenances changées"),
    AuditAction.ADMIN_CREATED: _l("Administrateur·rice créé·e (ligne de commande)"),
    AuditAction.THEME_CREATED: _l("Atelier créé"),
    AuditAction.THEME_UPDATED: _l("Atelier modifié"),
    AuditAction.CHARTER_PUBLISHED: _l("Charte publiée"),
    AuditAction.IDENTITY_VIEWED: _l("Identité d’une contribution protégée consultée"),
    AuditAction.CONTRIBUTION_REWORDED: _l("Contribution masquée reformulée par son auteur"),
    AuditAction.EVENT_CREATED: _l("Événement créé"),
    AuditAction.EVENT_UPDATED: _l("Événement modifié"),
    AuditAction.ANSWER_LINK_REVOKED: _l("Lien de réponse révoqué"),
    AuditAction.RESPONSE_RECORDED: _l("Réponse officielle saisie pour une institution"),
    AuditAction.OFFICIAL_EMAIL_SET: _l("Adresse officielle d’une institution changée"),
    AuditAction.OFFICIAL_EMAIL_VERIFIED: _l("Adresse officielle confirmée"),
    AuditAction.INVITATION_SENT: _l("Invitation envoyée"),
    AuditAction.INVITATION_REVOKED: _l("Invitation annulée"),
    AuditAction.MEMBERSHIP_REQUEST_DECIDED: _l("Demande d’adhésion acceptée ou refusée"),
    AuditAction.MODERATOR_THEMES_CHANGED: _l("Ateliers d’un·e modérateur·rice changés"),
    AuditAction.TRANSLATOR_NAMED: _l("Traducteur·rice nommé·e"),
    AuditAction.TRANSLATOR_REMOVED: _l("Traducteur·rice retiré·e"),
    AuditAction.TRANSLATION_SAVED: _l("Traduction enregistrée"),
    AuditAction.TRANSLATION_REMOVED: _l("Traduction retirée"),
    AuditAction.EASY_READ_WRITTEN: _l("Résumé facile à lire écrit"),
    AuditAction.GUEST_TESTIMONY_CORRECTED: _l("Témoignage corrigé par son auteur (reçu)"),
    AuditAction.GUEST_TESTIMONY_WITHDRAWN: _l("Témoignage retiré par son auteur (reçu)"),
    AuditAction.TRANSCRIPT_WRITTEN: _l("Transcription d’un témoignage oral écrite"),
    AuditAction.SUGGESTION_TAKEN_UP: _l("Suggestion reprise par une association"),
    AuditAction.SUGGESTION_DECLINED: _l("Suggestion déclinée"),
    AuditAction.CONCERN_TALLY_RECORDED: _l("Personnes concernées comptées par une association"),
    AuditAction.CONCERN_TALLY_CHANGED: _l("Comptage de personnes concernées corrigé"),
    AuditAction.CONCERN_TALLY_DELETED: _l("Comptage de personnes concernées supprimé"),
}


def audit_action_label(action) -> str:
    return str(AUDIT_ACTION_LABELS[action])


EVENT_KIND_LABELS = {
    EventKind.ASSISES: _l("Assises"),
    EventKind.THEMATIC_DAY: _l("Journée thématique"),
    EventKind.WORKING_GROUP_CYCLE: _l("Cycle de groupes de travail"),
}


def event_kind_label(kind) -> str:
    return str(EVENT_KIND_LABELS[EventKind(kind)])
