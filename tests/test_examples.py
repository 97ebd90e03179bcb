"""The fictional example edition: complete, dated around today, idempotent, refused in
production, removed whole by `flask demo clear-examples`, and marked "exemple" on every page
and in the API."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AddressedInstitution,
    AmendmentState,
    Commitment,
    Contribution,
    ContributionKind,
    ContributionState,
    DisplayMode,
    DocumentKind,
    Event,
    Meeting,
    Minutes,
    MinutesAmendment,
    MinutesVersion,
    ModerationDecision,
    Notification,
    NotificationKind,
    OfficialResponse,
    Organisation,
    OrganisationKind,
    Position,
    ProgressUpdate,
    Proposal,
    ProposalStatus,
    SearchDocument,
    StatedPosition,
    StatusChange,
    Theme,
    TranslatedKind,
    Translation,
    User,
    paris_today,
    utcnow,
)
from app.services import ServiceError
from app.services.demo import load_demo
from app.services.examples import clear_examples, load_examples
from app.services.translations import add_network_translation
from app.web.content_language import model_of
from tests.conftest import login

BADGE = re.compile(r'<span class="badge example"[^>]*>exemple</span>')
EVENT_SLUG = "assises-2026-exemple"


def _count(model, *conditions) -> int:
    query = sa.select(sa.func.count()).select_from(model)
    for condition in conditions:
        query = query.where(condition)
    return db.session.scalar(query)


def _totals() -> dict:
    return {
        model.__name__: _count(model)
        for model in (
            Event,
            Organisation,
            User,
            Proposal,
            AddressedInstitution,
            StatusChange,
            Contribution,
            ModerationDecision,
            OfficialResponse,
            Commitment,
            Meeting,
            Minutes,
            MinutesVersion,
            MinutesAmendment,
        )
    }


def _example_proposals() -> list[Proposal]:
    return db.session.scalars(
        sa.select(Proposal).where(Proposal.example.is_(True)).order_by(Proposal.id)
    ).all()


@pytest.fixture
def production(app):
    previous = app.config.get("DEMO_DATA_ALLOWED")
    app.config["DEMO_DATA_ALLOWED"] = False
    yield
    app.config["DEMO_DATA_ALLOWED"] = previous


def test_load_examples_creates_the_whole_edition(app):
    today = paris_today()
    created = load_examples()

    event = db.session.scalar(sa.select(Event).where(Event.slug == EVENT_SLUG))
    assert event.example and event.name == "Assises de la solidarité 2026 (exemple)"
    assert event.held_on == today - timedelta(days=40)
    organisations = db.session.scalars(sa.select(Organisation)).all()
    assert organisations and all(o.example and o.name.endswith("(exemple)") for o in organisations)
    kinds = sorted(o.kind.value for o in organisations)
    assert kinds == ["association", "institution", "institution"]
    proposals = _example_proposals()
    assert 4 <= len(proposals) <= 6
    assert all(p.event_id == event.id and p.theme is not None for p in proposals)

    contributions = db.session.scalars(sa.select(Contribution)).all()
    testimonies = [c for c in contributions if c.kind is ContributionKind.TESTIMONY]
    assert any(c.is_guest and c.guest_name and c.is_public for c in testimonies)
    anonymous = [c for c in testimonies if c.display_mode is DisplayMode.ANONYMOUS]
    assert anonymous[0].author.email == "usager@demo.voix-solidaires.fr"
    assisted = [c for c in testimonies if c.is_assisted]
    assert assisted[0].recorded_for.example and assisted[0].consent_confirmed_at
    assert any(c.kind is ContributionKind.COMMENT for c in contributions)
    assert any(c.kind is ContributionKind.REPLY and c.response_id for c in contributions)
    assert any(c.state is ContributionState.PENDING for c in contributions)
    featured = [c for c in contributions if c.featured_at]
    assert featured and all(c.is_public and c.kind is ContributionKind.TESTIMONY for c in featured)
    assert {c.featured_by.email for c in featured} == {"moderation@demo.voix-solidaires.fr"}

    sent = db.session.scalars(sa.select(AddressedInstitution)).all()
    assert sent and all(a.sent_at and a.response_due_on for a in sent)
    answered = {
        (r.proposal_id, r.institution_id) for r in db.session.scalars(sa.select(OfficialResponse))
    }
    late = [
        a
        for a in sent
        if a.response_due_on < today and (a.proposal_id, a.institution_id) not in answered
    ]
    assert len(late) == 1
    commitments = db.session.scalars(sa.select(Commitment)).all()
    assert sum(c.is_overdue(today) for c in commitments) == 1

    meetings = db.session.scalars(sa.select(Meeting).order_by(Meeting.starts_at)).all()
    assert all(m.example and m.event_id == event.id for m in meetings)
    assert meetings[0].starts_at.date() < today < meetings[-1].starts_at.date()
    minutes = db.session.scalar(sa.select(Minutes))
    assert minutes.meeting_id == meetings[0].id and len(minutes.versions) == 2
    amendment = db.session.scalar(sa.select(MinutesAmendment))
    assert amendment.state is AmendmentState.ACCEPTED
    assert amendment.proposed_text in minutes.versions[-1].body

    assert created["proposals"] == len(proposals)
    assert created["organisations"] == 3 and created["events"] == 1


def test_examples_are_indexed_for_search(app):
    load_examples()
    kinds = set(db.session.scalars(sa.select(SearchDocument.kind)))
    assert {
        DocumentKind.PROPOSAL,
        DocumentKind.TESTIMONY,
        DocumentKind.COMMENT,
        DocumentKind.RESPONSE,
        DocumentKind.ORGANISATION,
        DocumentKind.MEETING,
    } <= kinds


def test_dates_follow_the_day_it_is_loaded(app):
    load_examples(today=date(2031, 3, 10))
    event = db.session.scalar(sa.select(Event))
    assert event.held_on == date(2031, 1, 29)
    assert max(m.starts_at for m in db.session.scalars(sa.select(Meeting))).date() > date(
        2031, 3, 10
    )


def test_a_second_load_creates_nothing(app):
    load_examples()
    before = _totals()
    again = load_examples()
    assert set(again.values()) == {0}
    assert _totals() == before


def test_refused_in_production(app, production):
    with pytest.raises(ServiceError, match="production"):
        load_examples()
    with pytest.raises(ServiceError, match="production"):
        clear_examples()
    assert _count(Proposal) == 0


def test_clear_removes_every_example_row_and_nothing_else(
    app, make_proposal, make_organisation, make_user
):
    association = make_organisation(name="Vraie association")
    author = make_user("participant")
    kept = make_proposal(title="Une vraie proposition", organisation=association)
    db.session.add(
        Contribution(
            proposal=kept,
            kind=ContributionKind.TESTIMONY,
            author=author,
            body="Un vrai témoignage.",
            state=ContributionState.PUBLISHED,
        )
    )
    db.session.commit()
    before = _totals()
    load_examples()

    removed = clear_examples()

    assert removed["proposals"] == 6 and removed["events"] == 1
    assert removed["organisations"] == 3 and removed["meetings"] == 2
    after = _totals()
    # The demo accounts the example needed stay; everything else is as before.
    assert after.pop("User") == before.pop("User") + 3
    assert after == before
    assert db.session.get(Proposal, kept.id).title == "Une vraie proposition"
    assert _count(SearchDocument, SearchDocument.title.contains("(exemple)")) == 0
    assert _count(SearchDocument, SearchDocument.kind == DocumentKind.PROPOSAL) == 1


# ---------------------------------------------------------------------------
# The "exemple" mark: on every page an example item shows, never on a real one
# ---------------------------------------------------------------------------

REAL_PROPOSAL = "Proposition réelle témoin"
REAL_ANSWERED = "Réponse réelle témoin"
REAL_MEETING = "Réunion réelle témoin"
EXAMPLE_SENT = "Une permanence de soins sans rendez-vous près de la gare"  # late, unanswered
EXAMPLE_ANSWERED = "Ouvrir un guichet de domiciliation le samedi matin"  # a late commitment
EXAMPLE_MEETING = "Rencontre avec l’Agence fictive des solidarités (exemple)"  # to come
EXAMPLE_PAST_MEETING = "Groupe de travail « domiciliation » (exemple)"  # with minutes


def _chunks(html: str, text: str) -> list[str]:
    """The list items, table rows and quotes of a page that show ``text``."""
    pieces = re.split(r"(?=<li[ >]|<tr[ >]|</table>|</ul>|<figure[ >])", html)
    found = [piece for piece in pieces if text in piece]
    assert found, f"{text!r} not on the page"
    return found


def _marked(html: str, text: str) -> bool:
    """Every item showing ``text`` carries the mark (True), or none does (False)."""
    marks = {bool(BADGE.search(piece)) for piece in _chunks(html, text)}
    assert len(marks) == 1, f"{text!r} marked in some places only"
    return marks.pop()


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.fixture
def both(app, make_organisation, make_user, make_proposal):
    """The example edition beside real rows of every kind the pages show."""
    load_examples()
    today = paris_today()
    housing = db.session.scalar(sa.select(Theme).where(Theme.slug == "hebergement-logement"))
    association = make_organisation(name="Vraie association")
    institution = make_organisation(OrganisationKind.INSTITUTION, name="Vraie institution")
    late = make_proposal(
        title=REAL_PROPOSAL, theme=housing, organisation=association, institutions=[institution]
    )
    late.status = ProposalStatus.SENT
    late.addressed[0].sent_at = utcnow() - timedelta(days=50)
    late.addressed[0].response_due_on = today - timedelta(days=3)
    answered = make_proposal(
        title=REAL_ANSWERED, theme=housing, organisation=association, institutions=[institution]
    )
    answered.addressed[0].sent_at = utcnow() - timedelta(days=50)
    answered.addressed[0].response_due_on = today + timedelta(days=10)
    response = OfficialResponse(
        proposal=answered,
        institution=institution,
        position=Position.FAVOURABLE,
        body="Une vraie réponse.",
    )
    response.commitments.append(
        Commitment(action="Un vrai engagement", due_on=today - timedelta(days=2))
    )
    db.session.add(response)
    db.session.add(
        Contribution(
            proposal=late,
            kind=ContributionKind.TESTIMONY,
            body="Un vrai témoignage en attente.",
            state=ContributionState.PENDING,
        )
    )
    starts = utcnow() + timedelta(days=10)
    meeting = Meeting(
        title=REAL_MEETING,
        theme=housing,
        host=association,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    db.session.add(meeting)
    moderator = make_user("moderator")
    example = db.session.scalar(sa.select(Proposal).where(Proposal.title == EXAMPLE_SENT))
    for proposal in (late, example):
        db.session.add(
            Notification(
                user=moderator,
                kind=NotificationKind.STATUS_CHANGE,
                proposal=proposal,
                data={"from": None, "to": "sent", "reason": ""},
            )
        )
    db.session.commit()
    return {
        "moderator": moderator,
        "late": late,
        "example": example,
        "meeting": meeting,
        "institution": institution,
    }


def _example(model, title):
    return db.session.scalar(sa.select(model).where(model.title == title))


def test_lists_mark_example_items_only(client, both):
    home = _page(client, "/")
    assert _marked(home, EXAMPLE_SENT) and not _marked(home, REAL_PROPOSAL)
    assert _marked(home, EXAMPLE_MEETING) and not _marked(home, REAL_MEETING)
    for url in ("/propositions", "/ateliers/hebergement-logement"):
        html = _page(client, url)
        assert _marked(html, EXAMPLE_ANSWERED) and not _marked(html, REAL_PROPOSAL), url
    meetings = _page(client, "/reunions/")
    assert _marked(meetings, EXAMPLE_MEETING) and not _marked(meetings, REAL_MEETING)
    assert _marked(meetings, EXAMPLE_PAST_MEETING)
    directory = _page(client, "/organisations/")
    assert _marked(directory, "Office fictif de l’habitat (exemple)")
    assert not _marked(directory, "Vraie institution")


def test_single_pages_mark_example_items_only(client, both):
    example = both["example"]
    html = _page(client, f"/propositions/{example.id}")
    assert BADGE.search(html)
    assert re.search(r"<title>[^<]*\(exemple\)", html)
    assert not BADGE.search(_page(client, f"/propositions/{both['late'].id}"))

    past = _example(Meeting, EXAMPLE_PAST_MEETING)
    for url in (f"/reunions/{past.id}", f"/reunions/{past.id}/compte-rendu"):
        assert BADGE.search(_page(client, url)), url
    real = both["meeting"].id
    for url in (f"/reunions/{real}", f"/reunions/{real}/compte-rendu"):
        assert not BADGE.search(_page(client, url)), url
    assert "le samedi" in _page(client, f"/reunions/{past.id}/compte-rendu")

    assert BADGE.search(_page(client, "/organisations/office-fictif-habitat-exemple"))
    assert not BADGE.search(_page(client, f"/organisations/{both['institution'].slug}"))


EXAMPLE_EVENT = "?evenement=assises-2026-exemple"
APART = "Les données d’exemple ne sont pas comptées ici."


def test_board_and_synthesis_count_example_items_only_under_their_event(client, both):
    board = _page(client, "/suivi")
    assert not _marked(board, REAL_PROPOSAL) and not _marked(board, "Vraie institution</bdi></a>")
    assert EXAMPLE_SENT not in board and "Agence fictive" not in board
    assert APART in board and f'href="/suivi{EXAMPLE_EVENT}"' in board
    board = _page(client, "/suivi" + EXAMPLE_EVENT)
    assert _marked(board, EXAMPLE_SENT) and _marked(board, EXAMPLE_ANSWERED)
    assert _marked(board, "Agence fictive des solidarités (exemple)</bdi></a>")
    assert REAL_PROPOSAL not in board and APART not in board

    synthesis = _page(client, "/bilan")
    assert not _marked(synthesis, REAL_PROPOSAL) and not _marked(synthesis, REAL_ANSWERED)
    assert EXAMPLE_SENT not in synthesis and EXAMPLE_ANSWERED not in synthesis
    assert APART in synthesis
    assert _marked(synthesis, EXAMPLE_MEETING)  # the meetings to come: listed, marked
    synthesis = _page(client, "/bilan" + EXAMPLE_EVENT)
    assert _marked(synthesis, EXAMPLE_SENT) and _marked(synthesis, EXAMPLE_ANSWERED)
    assert REAL_PROPOSAL not in synthesis and APART not in synthesis
    workshop = _page(client, "/bilan?atelier=hebergement-logement&evenement=assises-2026-exemple")
    assert _marked(workshop, EXAMPLE_ANSWERED)


def test_board_csv_has_an_example_column(client, both):
    def rows(url):
        text = client.get(url).get_data(as_text=True).lstrip("\ufeff")
        return list(csv.reader(io.StringIO(text), delimiter=";"))

    real = rows("/suivi.csv")
    assert real[0][-1] == "Exemple"
    by_name = {row[0]: row[-1] for row in real if row}
    assert by_name["Vraie institution"] == "" and by_name[REAL_PROPOSAL] == ""
    assert "Agence fictive des solidarités (exemple)" not in by_name
    invented = {row[0]: row[-1] for row in rows("/suivi.csv" + EXAMPLE_EVENT) if row}
    assert invented["Agence fictive des solidarités (exemple)"] == "oui"
    assert invented[EXAMPLE_SENT] == "oui"


def test_moderation_search_and_notifications_mark_example_items_only(client, both):
    login(client, both["moderator"])
    queue = _page(client, "/moderation/")
    assert _marked(queue, "Des colis alimentaires adaptés") and not _marked(queue, REAL_PROPOSAL)
    notifications = _page(client, "/notifications/")
    assert _marked(notifications, EXAMPLE_SENT) and not _marked(notifications, REAL_PROPOSAL)
    found = _page(client, "/recherche?q=domiciliation")
    assert _marked(found, "le samedi matin")
    found = _page(client, "/recherche?q=témoin")
    assert not _marked(found, "témoin")


def test_api_example_flags(client, both):
    meetings = client.get("/api/v1/meetings").get_json()["items"]
    flags = {m["title"]: m["example"] for m in meetings}
    assert flags[EXAMPLE_MEETING] is True and flags[REAL_MEETING] is False
    past = client.get("/api/v1/meetings?when=past").get_json()["items"]
    assert all(m["example"] for m in past)
    meeting = _example(Meeting, EXAMPLE_MEETING)
    detail = client.get(f"/api/v1/meetings/{meeting.id}").get_json()
    assert detail["example"] is True and all(p["example"] for p in detail["proposals"])

    organisations = client.get("/api/v1/organisations").get_json()["items"]
    flags = {o["name"]: o["example"] for o in organisations}
    assert flags["Office fictif de l’habitat (exemple)"] is True
    assert flags["Vraie institution"] is False and flags["Vraie association"] is False
    office = db.session.scalar(
        sa.select(Organisation).where(Organisation.slug == "office-fictif-habitat-exemple")
    )
    detail = client.get(f"/api/v1/organisations/{office.id}").get_json()
    assert detail["example"] is True
    assert detail["responses"][0]["proposal"]["example"] is True
    real = client.get(f"/api/v1/organisations/{both['institution'].id}").get_json()
    assert real["example"] is False and real["awaiting_responses"][0]["example"] is False


def test_cli_load_then_clear(app):
    runner = app.test_cli_runner()
    loaded = runner.invoke(args=["demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    assert "Édition d’exemple chargée (" in loaded.output
    assert _count(Event, Event.slug == EVENT_SLUG) == 1
    real = _count(Proposal, Proposal.example.is_(False))
    again = runner.invoke(args=["demo", "load"])
    assert "Édition d’exemple chargée (rien de nouveau)" in again.output

    cleared = runner.invoke(args=["demo", "clear-examples"])
    assert cleared.exit_code == 0, cleared.output
    assert "proposals: 6" in cleared.output and "events: 1" in cleared.output
    assert _count(Proposal, Proposal.example.is_(True)) == 0
    assert _count(Organisation, Organisation.example.is_(True)) == 0
    assert _count(Proposal) == real


def test_cli_refused_in_production(app, production):
    result = app.test_cli_runner().invoke(args=["demo", "clear-examples"])
    assert result.exit_code != 0 and "production" in result.output


def test_an_example_institution_counts_its_own_example_rows(client, both):
    agency = db.session.scalar(
        sa.select(Organisation).where(Organisation.name.startswith("Agence fictive"))
    )
    figures = client.get(f"/api/v1/institutions/{agency.id}/accountability").get_json()
    assert figures["addressed"] > 0
    board = _page(client, f"/suivi?institution={agency.id}")
    assert _marked(board, "Agence fictive des solidarités (exemple)</bdi></a>")
    assert _marked(board, EXAMPLE_SENT)


# ---------------------------------------------------------------------------
# The example edition's translations
# ---------------------------------------------------------------------------


def _orphans() -> list[tuple]:
    """Translations whose object is gone."""
    orphans = []
    for kind in TranslatedKind:
        model = model_of(kind)
        orphans += db.session.execute(
            sa.select(Translation.kind, Translation.object_id).where(
                Translation.kind == kind,
                Translation.object_id.not_in(sa.select(model.id)),
            )
        ).all()
    return orphans


def test_clear_leaves_no_translation_of_what_it_removed(app, make_user):
    load_demo()
    load_examples()
    example_rows = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Translation)
        .where(Translation.kind.in_([TranslatedKind.PROPOSAL, TranslatedKind.EVENT]))
    )
    # What people may add to the example on the site, translated there, and gone with it by
    # the database's cascades: a response and its commitment, a stated position, an update.
    response = db.session.scalar(sa.select(OfficialResponse).order_by(OfficialResponse.id))
    agency = db.session.scalar(
        sa.select(Organisation).where(Organisation.name.startswith("Agence fictive"))
    )
    proposal = response.proposal
    position = StatedPosition(
        proposal=proposal, institution=agency, words="Nous étudions.", source="Exemple"
    )
    update = ProgressUpdate(proposal=proposal, body="La salle est trouvée.")
    db.session.add_all([position, update])
    db.session.flush()
    for obj, texts in (
        (response, {"body": "We take it up."}),
        (response.commitments[0], {"action": "Open the desk."}),
        (position, {"words": "We are studying it."}),
        (update, {"body": "The room is found."}),
    ):
        add_network_translation(obj, "ar", dict.fromkeys(texts, "نص مترجم"))
        add_network_translation(obj, "en", texts)
    db.session.commit()
    record = {
        (row.kind, row.object_id, row.field, row.lang)
        for row in db.session.scalars(
            sa.select(Translation).join(
                Proposal,
                sa.and_(
                    Translation.kind == TranslatedKind.PROPOSAL,
                    Translation.object_id == Proposal.id,
                    Proposal.example.is_(False),
                ),
            )
        )
    }
    assert example_rows > len(record) > 0

    clear_examples()

    assert _orphans() == []
    left = {
        (row.kind, row.object_id, row.field, row.lang)
        for row in db.session.scalars(
            sa.select(Translation).where(Translation.kind == TranslatedKind.PROPOSAL)
        )
    }
    assert left == record  # the 2015 record keeps every translation
    assert _count(Translation, Translation.kind == TranslatedKind.THEME) == 10  # shared workshops
    assert _count(Translation, Translation.kind == TranslatedKind.EVENT) == 2  # the 2015 event


def test_an_earlier_demos_summary_is_brought_to_the_easy_read_one(app):
    load_examples()
    proposal = db.session.scalar(
        sa.select(Proposal).where(
            Proposal.title == "Des colis alimentaires adaptés aux personnes sans cuisine"
        )
    )
    proposal.easy_read = "Des colis à manger sans cuisine."  # what an earlier demo wrote
    other = db.session.scalar(sa.select(Proposal).where(Proposal.title == EXAMPLE_SENT))
    other.easy_read = "Un résumé écrit sur le site."  # a person's: stays
    db.session.commit()

    counts = load_examples()

    assert counts["updated"] == 1 and counts["proposals"] == 0
    assert proposal.easy_read.startswith("Les colis contiennent souvent des produits à cuire.")
    assert other.easy_read == "Un résumé écrit sur le site."
    rows = {
        (row.field, row.lang): row
        for row in db.session.scalars(
            sa.select(Translation).where(
                Translation.kind == TranslatedKind.PROPOSAL, Translation.object_id == proposal.id
            )
        )
    }
    assert rows[("easy_read", "en")].is_current_for(proposal.easy_read)
    assert rows[("easy_read", "ar")].is_current_for(proposal.easy_read)
    english = db.session.scalar(
        sa.select(Translation).where(
            Translation.kind == TranslatedKind.PROPOSAL,
            Translation.object_id == other.id,
            Translation.field == "easy_read",
            Translation.lang == "en",
        )
    )
    assert english.outdated  # kept, marked, for a translator: not replaced
