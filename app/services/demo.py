"""Demonstration data: the 2015 record of the Metz network, from its review alone.

`load_demo` creates what is missing and brings the rows an earlier demo loaded (matched by
slug, e-mail, title and workshop, or title and start) to the faithful record: it updates
them in place (contributions people posted stay), clears the invented sending dates, and
removes the invented addressees, positions, timeline entries and organisations
(``app.demo.legacy_2015`` says how they are told apart). It gives the proposals, workshops,
event and charter their English and Arabic (``app.demo.english_arabic``), as the network's
translations. A second run creates and changes nothing. Refused in production.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from app.accounts.password_hashing import hash_password
from app.demo import data_2015 as data
from app.demo import english_arabic
from app.demo import legacy_2015 as legacy
from app.extensions import db
from app.models import (
    AddressedInstitution,
    CharterArticle,
    CharterVersion,
    Event,
    EventKind,
    Meeting,
    Organisation,
    OrganisationKind,
    Proposal,
    ProposalStatus,
    Role,
    StatedPosition,
    StatusChange,
    Theme,
    Translation,
    User,
    organisation_theme,
    utcnow,
)
from app.models.base import PARIS
from app.queries.charter import current_charter
from app.services import ServiceError, retry_when_busy
from app.services.accounts import CHARTER_VERSION, normalise_email, pseudonym_taken
from app.services.translations import add_network_translation
from app.web.content_language import kind_of

UTC = ZoneInfo("UTC")

CREATED = (
    "events",
    "themes",
    "organisations",
    "users",
    "memberships",
    "proposals",
    "addressed",
    "stated_positions",
    "status_changes",
    "meetings",
    "translations",
)

# What the demonstration translates, by model: what a reader meets first on each page.
TRANSLATED_FIELDS: dict[type, tuple[str, ...]] = {
    Proposal: ("title", "easy_read"),
    Theme: ("name",),
    Event: ("name",),
    CharterVersion: ("introduction",),
    CharterArticle: ("title", "body"),
}


def paris_to_utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock time in Metz, as the naive UTC datetime every column stores."""
    local = datetime(year, month, day, hour, minute, tzinfo=PARIS)
    return local.astimezone(UTC).replace(tzinfo=None)


# The record gives the day of the assises, no hour. A column needs one: noon in Metz keeps
# the day in every nearby time zone, and pages show proposals' and timelines' dates only.
ASSISES_AT = paris_to_utc(2015, 4, 30, 12, 0)


def _sync(counts: dict, row, values: dict) -> bool:
    """Give an existing row these values; counted once as updated when one differed."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed:
        counts["updated"] += 1
    return changed


def _load_event(counts: dict) -> Event:
    row = data.EVENT
    values = {
        name: row[name]
        for name in (
            "name",
            "held_on",
            "place",
            "organisations_count",
            "summary",
            "advances",
            "obstacles",
            "next_steps",
            "source",
        )
    }
    values["kind"] = EventKind(row["kind"])
    event = db.session.scalar(sa.select(Event).where(Event.slug == row["slug"]))
    if event is None:
        event = Event(slug=row["slug"], **values)
        db.session.add(event)
        counts["events"] += 1
    else:
        _sync(counts, event, values)
    return event


def by_slug_or_name(model, slug: str, name: str):
    """A workshop or an organisation of the demo: by its slug, or by its name in case an
    admin already created it under another slug (the slug first)."""
    return db.session.scalar(
        sa.select(model)
        .where(sa.or_(model.slug == slug, model.name == name))
        .order_by(model.slug != slug)
        .limit(1)
    )


def _load_themes(counts: dict) -> dict[str, Theme]:
    themes = {}
    for position, row in enumerate(data.THEMES, start=1):
        theme = by_slug_or_name(Theme, row["slug"], row["name"])
        if theme is None:
            theme = Theme(
                slug=row["slug"],
                name=row["name"],
                description=row["description"],
                position=position,
            )
            db.session.add(theme)
            counts["themes"] += 1
        themes[row["slug"]] = theme
    return themes


def _load_organisations(counts: dict) -> dict[str, Organisation]:
    organisations = {}
    for row in data.ORGANISATIONS:
        org = by_slug_or_name(Organisation, row["slug"], row["name"])
        values = {
            "short_name": row["short_name"],
            "description": row["description"],
            "address": row["address"],
        }
        if org is None:
            kind = OrganisationKind(row["kind"])
            org = Organisation(
                slug=row["slug"],
                name=row["name"],
                kind=kind,
                verified=bool(row["verified"]) and kind is OrganisationKind.INSTITUTION,
                **values,
            )
            db.session.add(org)
            counts["organisations"] += 1
        else:
            _sync(counts, org, values)
        organisations[row["slug"]] = org
    return organisations


def _load_accounts(counts: dict, organisations: dict[str, Organisation]) -> None:
    for email, pseudonym, role, org_slug in data.DEMO_ACCOUNTS:
        address = normalise_email(email)
        user = db.session.scalar(sa.select(User).where(User.email == address))
        if user is None:
            if pseudonym_taken(pseudonym):
                raise ServiceError(
                    f"Le pseudonyme « {pseudonym} » est déjà pris par un autre compte."
                )
            user = User(
                email=address,
                pseudonym=pseudonym,
                password_hash=hash_password(data.DEMO_PASSWORD),
                role=Role(role),
                charter_version=CHARTER_VERSION,
                email_confirmed_at=utcnow(),  # demonstration accounts act for their organisation
            )
            db.session.add(user)
            counts["users"] += 1
        if org_slug is not None:
            org = organisations[org_slug]
            if org not in user.organisations:
                user.organisations.append(org)
                counts["memberships"] += 1


def _find_proposal(row: dict, theme: Theme) -> Proposal | None:
    titles = [row["title"], *row.get("old_titles", [])]
    return db.session.scalars(
        sa.select(Proposal)
        .where(Proposal.title.in_(titles), Proposal.theme_id == theme.id)
        .order_by(Proposal.id)
        .limit(1)
    ).first()


def _load_proposals(
    counts: dict, event: Event, themes: dict[str, Theme], organisations: dict[str, Organisation]
) -> list[Proposal]:
    reseau = organisations[data.RESEAU]
    proposals = []
    for row in data.PROPOSALS:
        theme = themes[row["theme"]]
        network = row["theme"] == data.NETWORK_THEME
        status = ProposalStatus(row.get("status", ProposalStatus.IN_DISCUSSION))
        values = {
            "title": row["title"],
            "body": row["body"],
            "easy_read": row.get("easy_read", ""),
            "theme": theme,
            "organisation": reseau,
            "origin": data.NETWORK_ORIGIN if network else data.ORIGIN,
            "event": event,
            "created_at": ASSISES_AT,
        }
        proposal = _find_proposal(row, theme)
        if proposal is None:
            proposal = Proposal(author=None, status=status, updated_at=ASSISES_AT, **values)
            db.session.add(proposal)
            counts["proposals"] += 1
            changed = False
        else:
            changed = _sync(counts, proposal, values)
        reason = row.get("timeline") or (
            data.NETWORK_TIMELINE if network else data.WORKSHOP_TIMELINE
        )
        changed_by_people = _sync_timeline(counts, proposal, status, reason)
        if changed and not changed_by_people:
            proposal.updated_at = ASSISES_AT
        _sync_addressed(counts, proposal, [organisations[s] for s in row.get("addressed", [])])
        _sync_stated(counts, proposal, row.get("stated", []), organisations)
        proposals.append(proposal)
    return proposals


def _sync_timeline(counts: dict, proposal: Proposal, status: ProposalStatus, reason: str) -> bool:
    """One entry on the day of the assises. Earlier demo entries (invented dates, no one
    acting) go; a status someone changed since on the site stays. Whether someone did."""
    for change in list(proposal.status_changes):
        if change.actor_id is None and change.created_at in legacy.INVENTED_TIMES:
            proposal.status_changes.remove(change)
            counts["removed"] += 1
    entry = next(
        (
            c
            for c in proposal.status_changes
            if c.actor_id is None and c.from_status is None and c.created_at == ASSISES_AT
        ),
        None,
    )
    by_people = any(c is not entry for c in proposal.status_changes)
    if not by_people:
        _sync(counts, proposal, {"status": status})
    if entry is None:
        proposal.status_changes.append(
            StatusChange(from_status=None, to_status=status, reason=reason, created_at=ASSISES_AT)
        )
        counts["status_changes"] += 1
    else:
        _sync(counts, entry, {"to_status": status, "reason": reason})
    return by_people


def _sync_addressed(counts: dict, proposal: Proposal, wanted: list[Organisation]) -> None:
    """Addressed where the source says so, never sent: no date, so never late. An earlier
    demo's invented sending is undone; a sending someone made on the site stays."""
    for addressed in list(proposal.addressed):
        invented = addressed.sent_at == legacy.INVENTED_SENDING_AT
        if addressed.institution in wanted:
            if invented:
                addressed.sent_at = addressed.response_due_on = None
                addressed.overdue_notified_at = None
                counts["updated"] += 1
        elif invented:
            proposal.addressed.remove(addressed)
            counts["removed"] += 1
    present = {addressed.institution for addressed in proposal.addressed}
    for institution in wanted:
        if institution.kind is not OrganisationKind.INSTITUTION:
            raise ServiceError(f"« {institution.name} » n’est pas une institution.")
        if institution not in present:
            proposal.addressed.append(AddressedInstitution(institution=institution))
            counts["addressed"] += 1


def _sync_stated(
    counts: dict, proposal: Proposal, stated: list, organisations: dict[str, Organisation]
) -> None:
    """Only an institution's words the review reports; the network's judgements once shown
    as institutions' positions go."""
    existing = []
    if proposal.id is not None:
        existing = db.session.scalars(
            sa.select(StatedPosition).where(StatedPosition.proposal_id == proposal.id)
        ).all()
    for position in existing:
        if position.source == legacy.INVENTED_POSITION_SOURCE:
            db.session.delete(position)
            counts["removed"] += 1
    for slug, words in stated:
        institution = organisations[slug]
        values = {
            "words": words,
            "stated_on": data.EVENT["held_on"],
            "reported_by": organisations[data.RESEAU],
        }
        match = next(
            (
                p
                for p in existing
                if p.institution is institution and p.source == data.POSITION_SOURCE
            ),
            None,
        )
        if match is None:
            db.session.add(
                StatedPosition(
                    proposal=proposal,
                    institution=institution,
                    source=data.POSITION_SOURCE,
                    **values,
                )
            )
            counts["stated_positions"] += 1
        else:
            _sync(counts, match, values)


def _load_meetings(
    counts: dict,
    event: Event,
    themes: dict[str, Theme],
    organisations: dict[str, Organisation],
    proposals: list[Proposal],
) -> bool:
    """The June 2015 meetings, as the source gives them: no end, no agenda, no secretary.
    Each group takes up all its workshop's proposals. Whether a demo secretary was cleared."""
    demo_emails = {normalise_email(email) for email, *_rest in data.DEMO_ACCOUNTS}
    cleared = False
    for row in data.MEETINGS:
        starts_at = paris_to_utc(*row["starts_at"])
        theme = themes[row["theme"]] if row["theme"] else None
        values = {
            "theme": theme,
            "host": organisations[row["host"]],
            "ends_at": None,
            "place_name": row["place_name"],
            "address": row["address"],
            "description": row["description"],
            "agenda": "",
            "is_public": None,  # the review does not say who could come
            "event": event,
        }
        meeting = db.session.scalar(
            sa.select(Meeting).where(Meeting.title == row["title"], Meeting.starts_at == starts_at)
        )
        if meeting is None:
            # NULL said in SQL: a None would take the column's default (open to all).
            unknown = {**values, "is_public": sa.null()}
            meeting = Meeting(
                title=row["title"], starts_at=starts_at, updated_at=ASSISES_AT, **unknown
            )
            db.session.add(meeting)
            counts["meetings"] += 1
        else:
            changed = _sync(counts, meeting, values)
            if meeting.secretary is not None and meeting.secretary.email in demo_emails:
                meeting.secretary = None
                cleared = changed = True
            if changed:  # calendar apps see a new revision
                meeting.updated_at = utcnow()
        for proposal in proposals:
            if theme is not None and proposal.theme is theme and proposal not in meeting.proposals:
                meeting.proposals.append(proposal)
    return cleared


def _remove_secretary_memberships(counts: dict, organisations: dict[str, Organisation]) -> None:
    """The memberships an earlier demo gave its secretaries, unless they are one still."""
    db.session.flush()
    for email, slug in legacy.INVENTED_SECRETARY_MEMBERSHIPS:
        user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
        org = organisations[slug]
        if user is None or org not in user.organisations:
            continue
        still = db.session.scalar(
            sa.select(sa.exists().where(Meeting.secretary_id == user.id, Meeting.host_id == org.id))
        )
        if not still:
            user.organisations.remove(org)
            counts["removed"] += 1


def _load_organisation_themes(
    counts: dict, themes: dict[str, Theme], organisations: dict[str, Organisation]
) -> None:
    """The directory lists organisations by workshop: give each its workshops, and take
    back those an earlier demo gave from invented addressees."""
    db.session.flush()
    wanted = {slug: set(theme_slugs) for slug, theme_slugs in data.ASSOCIATION_THEMES.items()}
    for row in data.PROPOSALS:
        speakers = [slug for slug, _words in row.get("stated", [])]
        for org_slug in [*row.get("addressed", []), *speakers]:
            wanted.setdefault(org_slug, set()).add(row["theme"])
    for org_slug, theme_slug in legacy.INVENTED_ORGANISATION_THEMES:
        organisation, theme = organisations[org_slug], themes[theme_slug]
        if theme_slug not in wanted.get(org_slug, ()) and theme in organisation.themes:
            organisation.themes.remove(theme)
            counts["removed"] += 1
    for org_slug, theme_slugs in wanted.items():
        organisation = organisations[org_slug]
        for slug in sorted(theme_slugs, key=lambda s: themes[s].position):
            if themes[slug] not in organisation.themes:
                organisation.themes.append(themes[slug])


def _referenced(organisation: Organisation) -> bool:
    """Whether any row refers to it (its own workshops aside), in one query."""
    column = Organisation.__table__.c.id
    checks = [
        sa.exists().where(fk.parent == organisation.id)
        for table in db.metadata.sorted_tables
        if table is not organisation_theme
        for fk in table.foreign_keys
        if fk.column is column
    ]
    return bool(db.session.scalar(sa.select(sa.or_(*checks))))


def _remove_invented_organisations(counts: dict) -> None:
    db.session.flush()
    for slug, name in legacy.INVENTED_ORGANISATIONS:
        found = db.session.scalars(
            sa.select(Organisation).where(
                sa.or_(Organisation.slug == slug, Organisation.name == name)
            )
        ).all()
        for organisation in found:
            if not _referenced(organisation):
                db.session.delete(organisation)
                counts["removed"] += 1


def add_demo_translations(counts: dict, objects: list) -> None:
    """Give the demo's objects the network's English and Arabic (``app.demo.english_arabic``).

    A field gets the translation of its French text as it is now, or none when the network
    has not translated that text (changed on the site). The network's translation is
    created when missing and written again when it is no longer the current one (the
    original changed back, or the wording was corrected here); one a person made stays as
    it is. Counted as created (``translations``) or ``updated``; nothing is committed.
    """
    db.session.flush()  # new rows get their ids; changed originals outdate their translations
    existing = _translations_of(objects)
    for obj in objects:
        for lang in english_arabic.LANGUAGES:
            texts = _to_write(counts, obj, lang, existing)
            if texts:
                add_network_translation(obj, lang, texts)


def _translations_of(objects: list) -> dict[tuple, Translation]:
    """The translations these objects have, in one query, as the database holds them."""
    ids: dict = {}
    for obj in objects:
        ids.setdefault(kind_of(obj), set()).add(obj.id)
    if not ids:
        return {}
    rows = db.session.scalars(
        sa.select(Translation)
        .where(
            sa.or_(
                *(
                    sa.and_(Translation.kind == kind, Translation.object_id.in_(sorted(found)))
                    for kind, found in ids.items()
                )
            )
        )
        .execution_options(populate_existing=True)
    )
    return {(row.kind, row.object_id, row.field, row.lang): row for row in rows}


def _to_write(counts: dict, obj, lang: str, existing: dict) -> dict[str, str]:
    texts = {}
    for field in TRANSLATED_FIELDS[type(obj)]:
        original = getattr(obj, field) or ""
        text = english_arabic.translation_of(original, lang)
        if not text:
            continue
        row = existing.get((kind_of(obj), obj.id, field, lang))
        if row is None:
            counts["translations"] += 1
        elif not row.by_network or (row.text == text and row.is_current_for(original)):
            continue
        else:
            counts["updated"] += 1
        texts[field] = text
    return texts


def _charter_texts() -> list:
    """The charter in force and its articles (none before the migrations made it)."""
    charter = current_charter()
    return [charter, *charter.articles] if charter is not None else []


@retry_when_busy
def load_demo() -> dict:
    """Load the 2015 record (event, workshops, organisations, proposals, meetings) and one
    demo account per role; bring an earlier demo's rows to it; translate what it shows
    first (proposals' titles and easy-read summaries, workshops, the event, the charter in
    force) into English and Arabic.

    One transaction, committed at the end. Returns how many rows of each kind were created,
    then how many were updated and removed. Refused in production.
    """
    if not current_app.config.get("DEMO_DATA_ALLOWED", False):
        raise ServiceError(
            "Les données de démonstration ne peuvent pas être chargées en production."
        )
    counts = dict.fromkeys((*CREATED, "updated", "removed"), 0)
    try:
        event = _load_event(counts)
        themes = _load_themes(counts)
        organisations = _load_organisations(counts)
        # The new themes need their ids before proposals are looked up by (title, theme).
        db.session.flush()
        _load_accounts(counts, organisations)
        proposals = _load_proposals(counts, event, themes, organisations)
        if _load_meetings(counts, event, themes, organisations, proposals):
            _remove_secretary_memberships(counts, organisations)
        _load_organisation_themes(counts, themes, organisations)
        _remove_invented_organisations(counts)
        add_demo_translations(counts, [event, *themes.values(), *proposals, *_charter_texts()])
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return counts
