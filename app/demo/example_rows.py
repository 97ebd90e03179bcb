"""The example edition's rows, built from app/demo/example_edition.py: added to the session,
never committed (``app.services.examples.load_examples`` is the transaction)."""

from datetime import UTC, date, datetime, timedelta

from app.demo import example_edition as data
from app.extensions import db
from app.models import (
    AmendmentState,
    Commitment,
    CommitmentState,
    Contribution,
    ContributionKind,
    ContributionState,
    DisplayMode,
    Meeting,
    Minutes,
    MinutesAmendment,
    MinutesState,
    MinutesVersion,
    ModerationAction,
    ModerationDecision,
    ModerationReason,
    OfficialResponse,
    Position,
    Proposal,
    ProposalStatus,
    StatusChange,
    User,
)
from app.models.base import PARIS


class ExampleClock:
    """The example's days, counted from the day it is loaded, as stored (naive UTC)."""

    def __init__(self, today: date):
        self.today = today

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def at(self, offset: int, hour: int = 10, minute: int = 0) -> datetime:
        """A wall-clock time in Metz ``offset`` days from today."""
        local = datetime.combine(self.day(offset), datetime.min.time()).replace(
            hour=hour, minute=minute, tzinfo=PARIS
        )
        return local.astimezone(UTC).replace(tzinfo=None)


def status_history(proposal: Proposal, clock: ExampleClock, row: dict) -> None:
    """The timeline after submission: sent to the institutions, then answered."""
    status = proposal.status
    steps = []
    if status is ProposalStatus.IN_DISCUSSION:
        steps.append((ProposalStatus.IN_DISCUSSION, data.EVENT["day"] + 2, "En discussion."))
    if row["addressed"]:
        sent_day = min(s["sent_day"] for s in row["addressed"])
        steps.append((ProposalStatus.SENT, sent_day, "Transmise aux institutions sur le site."))
    if status is ProposalStatus.ANSWERED:
        answered_day = min(r["day"] for r in row["responses"])
        steps.append((ProposalStatus.ANSWERED, answered_day, "Une institution a répondu."))
    previous = ProposalStatus.SUBMITTED
    for to_status, day, reason in steps:
        proposal.status_changes.append(
            StatusChange(
                from_status=previous, to_status=to_status, reason=reason, created_at=clock.at(day)
            )
        )
        previous = to_status
    if steps:
        proposal.updated_at = clock.at(steps[-1][1])


def add_contribution(counts, clock, proposal, item, kind, people, parent=None, response=None):
    """A testimony, comment or reply, published (or still pending) as moderation left it."""
    by = item["by"]
    when = clock.at(item["day"], 11)
    pending = item.get("pending", False)
    contribution = Contribution(
        proposal=proposal,
        kind=(
            ContributionKind.REPLY
            if parent is not None or response is not None
            else ContributionKind.TESTIMONY
            if kind == "testimonies"
            else ContributionKind.COMMENT
        ),
        parent=parent,
        response=response,
        author=None if by == "guest" else people["member" if by == "assisted" else by],
        display_mode=DisplayMode.ANONYMOUS if item.get("anonymous") else DisplayMode.PSEUDONYM,
        body=item["body"],
        state=ContributionState.PENDING if pending else ContributionState.PUBLISHED,
        guest_name=item.get("guest_name", ""),
        recorded_for=people["association"] if by == "assisted" else None,
        consent_confirmed_at=when if by == "assisted" else None,
        created_at=when,
    )
    if item.get("featured"):
        contribution.featured_at = clock.at(item["day"] + 3, 9)
        contribution.featured_by = people["moderator"]
    db.session.add(contribution)
    counts["contributions"] += 1
    if by == "guest" and not pending:  # guests are always held: a moderator let it through
        db.session.add(_approval(contribution, people["moderator"], when + timedelta(hours=2)))
    for reply in item.get("replies", []):
        add_contribution(counts, clock, proposal, reply, kind, people, parent=contribution)
    return contribution


def _approval(contribution: Contribution, moderator: User, when: datetime) -> ModerationDecision:
    return ModerationDecision(
        contribution=contribution,
        moderator=moderator,
        action=ModerationAction.APPROVE,
        reason=ModerationReason.COMPLIANT,
        from_state=ContributionState.PENDING,
        to_state=ContributionState.PUBLISHED,
        created_at=when,
    )


def add_response(counts, clock, proposal, item, organisations, people) -> None:
    """An official response of a fictional institution, its commitments and replies."""
    when = clock.at(item["day"], 15)
    response = OfficialResponse(
        proposal=proposal,
        institution=organisations[item["institution"]],
        position=Position(item["position"]),
        body=item["body"],
        created_at=when,
        updated_at=when,
    )
    for row in item["commitments"]:
        response.commitments.append(
            Commitment(
                action=row["action"],
                due_on=clock.day(row["due_day"]),
                state=CommitmentState(row["state"]),
                created_at=when,
                updated_at=when,
            )
        )
        counts["commitments"] += 1
    db.session.add(response)
    counts["responses"] += 1
    for reply in item["replies"]:
        add_contribution(counts, clock, proposal, reply, "comments", people, response=response)


def add_minutes(clock: ExampleClock, meeting: Meeting, row: dict, people: dict) -> None:
    """Minutes published by the secretary, amended by a participant, the amendment accepted
    into a second version; still open for amendments."""
    secretary, participant = people["member"], people["participant"]
    minutes = Minutes(
        meeting=meeting,
        state=MinutesState.OPEN,
        amendments_until=clock.day(row["amendments_until_day"]),
        created_at=clock.at(row["published_day"]),
    )
    minutes.versions.append(
        MinutesVersion(
            number=1,
            body=row["body"],
            author=secretary,
            note="Projet publié",
            created_at=clock.at(row["published_day"]),
        )
    )
    change = row["amendment"]
    decided_at = clock.at(change["decided_day"])
    amendment = MinutesAmendment(
        minutes=minutes,
        author=participant,
        version_number=1,
        passage=change["passage"],
        proposed_text=change["proposed_text"],
        reason=change["reason"],
        state=AmendmentState.ACCEPTED,
        decided_by=secretary,
        decided_at=decided_at,
        created_at=clock.at(change["day"]),
    )
    db.session.add_all([minutes, amendment])
    db.session.flush()  # the second version points at the amendment
    minutes.versions.append(
        MinutesVersion(
            number=2,
            body=row["body"].replace(change["passage"], change["proposed_text"], 1),
            author=secretary,
            amendment_id=amendment.id,
            note=f"Amendement n° 1 de {participant.pseudonym} accepté",
            created_at=decided_at,
        )
    )
