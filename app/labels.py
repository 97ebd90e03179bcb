"""French labels (translated through Babel) for the values of the domain's enums."""

from flask_babel import lazy_gettext as _l

from app.models import OrganisationKind, ProposalStatus, Role

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
