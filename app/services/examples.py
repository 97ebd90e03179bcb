"""The fictional example edition (app/demo/example_edition.py): loaded after the 2015 record
by ``flask demo load``, removed by ``flask demo clear-examples``.

Every row it makes is marked ``example`` (events, organisations, proposals, meetings) or
hangs from one that is, so clearing finds it all and never touches anything else. Both are
refused unless the configuration allows demonstration data (never in production). Rows go
through the ORM session, so the search index (app/search/index.py, session events) and the
content version follow them as they follow any other write. The proposals' titles and
easy-read summaries and the event's name are translated into English and Arabic by the
network (``app.demo.english_arabic``); clearing removes those translations with their rows,
and those of the responses, commitments, positions and updates people added to them.
"""

import secrets
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from app.accounts.password_hashing import hash_password
from app.demo import example_edition as data
from app.demo.example_rows import (
    ExampleClock,
    add_contribution,
    add_minutes,
    add_response,
    status_history,
)
from app.extensions import db
from app.models import (
    AddressedInstitution,
    Commitment,
    Contribution,
    Event,
    EventKind,
    Meeting,
    Minutes,
    ModerationDecision,
    OfficialResponse,
    Organisation,
    OrganisationKind,
    ProgressUpdate,
    Proposal,
    ProposalStatus,
    Role,
    StatedPosition,
    StatusChange,
    Theme,
    TranslatedKind,
    Translation,
    User,
)
from app.models.base import paris_today, utcnow
from app.services import ServiceError, retry_when_busy
from app.services.accounts import CHARTER_VERSION, normalise_email
from app.services.demo import add_demo_translations, by_slug_or_name

LOADED = (
    "events",
    "themes",
    "organisations",
    "users",
    "proposals",
    "contributions",
    "responses",
    "commitments",
    "meetings",
    "minutes",
    "translations",
    "updated",
)
CLEARED = (
    "proposals",
    "contributions",
    "responses",
    "meetings",
    "minutes",
    "organisations",
    "events",
)


def _refuse_in_production() -> None:
    if not current_app.config.get("DEMO_DATA_ALLOWED", False):
        raise ServiceError(
            "Les données de démonstration ne peuvent pas être chargées en production."
        )


@retry_when_busy
def load_examples(today: date | None = None) -> dict:
    """Create the example edition, dated around ``today`` (default: today in Metz).

    Idempotent: the event, organisations and workshops are found by slug, proposals and
    meetings by title within the event; one already there is left as it is (with what hangs
    from it), but for an easy-read summary an earlier demo wrote (brought to this one), so a
    second run creates nothing. Translations as ``add_demo_translations`` makes them. One
    transaction. Returns what it created, and how many rows it ``updated``.
    """
    _refuse_in_production()
    clock = ExampleClock(today or paris_today())
    counts = dict.fromkeys(LOADED, 0)
    try:
        themes = _themes(counts)
        organisations = _organisations(counts, themes)
        event = _event(counts, clock)
        db.session.flush()
        people = _accounts(counts, organisations[data.ASSOCIATION])
        people["association"] = organisations[data.ASSOCIATION]
        proposals = {}
        for row in data.PROPOSALS:
            proposals[row["title"]] = _proposal(
                counts, clock, row, event, themes, organisations, people
            )
        for row in data.MEETINGS:
            _meeting(counts, clock, row, event, themes, proposals, people)
        add_demo_translations(counts, [event, *themes.values(), *proposals.values()])
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return counts


def _themes(counts: dict) -> dict[str, Theme]:
    themes = {}
    for row in data.THEMES:
        theme = by_slug_or_name(Theme, row["slug"], row["name"])
        if theme is None:
            position = (db.session.scalar(sa.select(sa.func.max(Theme.position))) or 0) + 1
            theme = Theme(
                slug=row["slug"],
                name=row["name"],
                description=row["description"],
                position=position,
            )
            db.session.add(theme)
            db.session.flush()
            counts["themes"] += 1
        themes[row["slug"]] = theme
    return themes


def _organisations(counts: dict, themes: dict[str, Theme]) -> dict[str, Organisation]:
    organisations = {}
    for row in data.ORGANISATIONS:
        org = db.session.scalar(sa.select(Organisation).where(Organisation.slug == row["slug"]))
        if org is None:
            org = Organisation(
                slug=row["slug"],
                name=row["name"],
                short_name=row["short_name"],
                kind=OrganisationKind(row["kind"]),
                description=row["description"],
                verified=False,
                example=True,
                official_email=row.get("official_email", ""),
                official_email_verified_at=utcnow() if row.get("official_email") else None,
                themes=[themes[slug] for slug in row["themes"]],
            )
            db.session.add(org)
            counts["organisations"] += 1
        organisations[row["slug"]] = org
    return organisations


def _event(counts: dict, clock: ExampleClock) -> Event:
    row = data.EVENT
    event = db.session.scalar(sa.select(Event).where(Event.slug == row["slug"]))
    if event is None:
        fields = {key: row[key] for key in ("slug", "name", "place", "organisations_count")}
        texts = {key: row[key] for key in ("summary", "advances", "obstacles", "next_steps")}
        event = Event(
            **fields,
            **texts,
            kind=EventKind.ASSISES,
            held_on=clock.day(row["day"]),
            source=row["source"],
            example=True,
        )
        db.session.add(event)
        counts["events"] += 1
    return event


def _accounts(counts: dict, association: Organisation) -> dict[str, User]:
    """The demo accounts the example needs (made by ``flask demo load``; here if missing).
    The member belongs to the example association: it records testimonies for it and writes
    its meetings' minutes."""
    people = {}
    for key, (email, pseudonym, role) in zip(
        ("moderator", "member", "participant"), data.ACCOUNTS, strict=True
    ):
        user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
        if user is None:
            user = User(
                email=normalise_email(email),
                pseudonym=pseudonym,
                password_hash=hash_password(secrets.token_urlsafe(32)),
                role=Role(role),
                charter_version=CHARTER_VERSION,
                email_confirmed_at=utcnow(),  # demonstration accounts act for their organisation
            )
            db.session.add(user)
            counts["users"] += 1
        people[key] = user
    if association not in people["member"].organisations:
        people["member"].organisations.append(association)
    return people


def _proposal(counts, clock, row, event, themes, organisations, people) -> Proposal:
    theme = themes[row["theme"]]
    proposal = db.session.scalar(
        sa.select(Proposal).where(Proposal.title == row["title"], Proposal.event_id == event.id)
    )
    if proposal is not None:
        if proposal.easy_read in row.get("old_easy_read", ()):
            proposal.easy_read = row["easy_read"]
            counts["updated"] += 1
        return proposal
    created = clock.at(data.EVENT["day"], 17)
    status = ProposalStatus(row["status"])
    proposal = Proposal(
        title=row["title"],
        body=row["body"],
        easy_read=row["easy_read"],
        theme=theme,
        # An institution's proposal put to the associations, when the row says who filed it.
        organisation=organisations[row.get("filed_by", data.ASSOCIATION)],
        status=status,
        origin=data.ORIGIN,
        event=event,
        example=True,
        created_at=created,
        updated_at=created,
    )
    proposal.status_changes.append(
        StatusChange(
            to_status=ProposalStatus.SUBMITTED,
            reason=f"Proposition issue des {data.ORIGIN}.",
            created_at=created,
        )
    )
    for sending in row["addressed"]:
        proposal.addressed.append(
            AddressedInstitution(
                institution=organisations[sending["institution"]],
                sent_at=clock.at(sending["sent_day"]),
                response_due_on=clock.day(sending["due_day"]),
            )
        )
    status_history(proposal, clock, row)
    db.session.add(proposal)
    counts["proposals"] += 1
    for kind in ("testimonies", "comments"):
        for item in row[kind]:
            add_contribution(counts, clock, proposal, item, kind, people)
    for item in row["responses"]:
        add_response(counts, clock, proposal, item, organisations, people)
    return proposal


def _meeting(counts, clock, row, event, themes, proposals, people) -> None:
    meeting = db.session.scalar(
        sa.select(Meeting).where(Meeting.title == row["title"], Meeting.event_id == event.id)
    )
    if meeting is not None:
        return
    starts_at = clock.at(row["day"], *row["time"])
    meeting = Meeting(
        title=row["title"],
        theme=themes[row["theme"]],
        host=people["association"],
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=row["duration_minutes"]),
        place_name=row["place_name"],
        address=row["address"],
        description=row["description"],
        agenda=row["agenda"],
        secretary=people["member"],
        updated_at=clock.at(data.EVENT["day"] + 5),
        event=event,
        example=True,
        proposals=[proposals[title] for title in row["proposals"]],
    )
    db.session.add(meeting)
    counts["meetings"] += 1
    if row["minutes"]:
        add_minutes(clock, meeting, row["minutes"], people)
        counts["minutes"] += 1


@retry_when_busy
def clear_examples() -> dict:
    """Remove every example row and what hangs from it; nothing else. One transaction.

    Proposals, meetings, organisations and events are deleted through the session (the
    search index and the content version follow, and a session event drops their
    translations); what hangs from them goes with them by their cascades, in the database,
    so the translations of what goes that way are deleted here first. Moderation decisions
    are kept for good elsewhere, so those on example contributions go first. Returns how
    many rows of each kind went.
    """
    _refuse_in_production()
    proposal_ids = sa.select(Proposal.id).where(Proposal.example.is_(True))
    meeting_ids = sa.select(Meeting.id).where(Meeting.example.is_(True))
    counts = {
        "contributions": _count(Contribution, Contribution.proposal_id.in_(proposal_ids)),
        "responses": _count(OfficialResponse, OfficialResponse.proposal_id.in_(proposal_ids)),
        "minutes": _count(Minutes, Minutes.meeting_id.in_(meeting_ids)),
    }
    try:
        _delete_cascaded_translations(proposal_ids)
        db.session.execute(
            sa.delete(ModerationDecision).where(
                ModerationDecision.contribution_id.in_(
                    sa.select(Contribution.id).where(Contribution.proposal_id.in_(proposal_ids))
                )
            )
        )
        for key, model in (
            ("meetings", Meeting),
            ("proposals", Proposal),
            ("organisations", Organisation),
            ("events", Event),
        ):
            rows = db.session.scalars(sa.select(model).where(model.example.is_(True))).all()
            for row in rows:
                db.session.delete(row)
            db.session.flush()  # in this order: what refers to the next kinds goes first
            counts[key] = len(rows)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return {key: counts[key] for key in CLEARED}


def _delete_cascaded_translations(proposal_ids) -> None:
    """The translations of the responses, commitments, stated positions and follow-up
    updates that go with an example proposal or organisation by the database's cascades,
    where no session event sees them."""
    organisation_ids = sa.select(Organisation.id).where(Organisation.example.is_(True))
    responses = sa.select(OfficialResponse.id).where(
        sa.or_(
            OfficialResponse.proposal_id.in_(proposal_ids),
            OfficialResponse.institution_id.in_(organisation_ids),
        )
    )
    hanging = {
        TranslatedKind.RESPONSE: responses,
        TranslatedKind.COMMITMENT: sa.select(Commitment.id).where(
            Commitment.response_id.in_(responses)
        ),
        TranslatedKind.STATED_POSITION: sa.select(StatedPosition.id).where(
            sa.or_(
                StatedPosition.proposal_id.in_(proposal_ids),
                StatedPosition.institution_id.in_(organisation_ids),
            )
        ),
        TranslatedKind.UPDATE: sa.select(ProgressUpdate.id).where(
            ProgressUpdate.proposal_id.in_(proposal_ids)
        ),
    }
    db.session.execute(
        sa.delete(Translation).where(
            sa.or_(
                *(
                    sa.and_(Translation.kind == kind, Translation.object_id.in_(ids))
                    for kind, ids in hanging.items()
                )
            )
        )
    )


def _count(model, condition) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(condition))
