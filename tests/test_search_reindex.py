"""The full rebuild (`flask search reindex`, written in batches) gives exactly what indexing
each write as it happens gave: the same documents, the same full-text rows (SQLite) or
vectors (PostgreSQL), the same search results — translations, a spoken testimony's
transcript, what is not public left out — on SQLite and PostgreSQL alike."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Commitment,
    Contribution,
    ContributionKind,
    ContributionState,
    Meeting,
    OfficialResponse,
    OrganisationKind,
    Position,
    Proposal,
    SearchDocument,
    utcnow,
)
from app.search import index
from app.search.backends import FTS, FTS_COLUMN_NAMES
from app.services import translations
from tests.audio_samples import add_published_spoken

PUBLISHED, PENDING, HIDDEN = (
    ContributionState.PUBLISHED,
    ContributionState.PENDING,
    ContributionState.HIDDEN,
)
TRANSCRIPT = "Ma voix raconte la laverie fermée le dimanche"
# (query, page language): each finds something in the data below.
QUERIES = [
    ("douches", "fr"),
    ("santé", "fr"),
    ("laverie", "fr"),  # the spoken testimony, by its transcript
    ("showers", "en"),
    ("hall", "en"),  # a commitment's translation, in its response's English document
    ("health", "en"),
    ("حمامات", "ar"),
    ("سكن", "ar"),  # a testimony written in Arabic
    ("Metz", "fr"),  # an institution's name, on its responses and in the directory
]


def _translate(obj, lang, **texts):
    translations.add_network_translation(obj, lang, texts)
    db.session.commit()


def _contribute(proposal, body, state=PUBLISHED, kind=ContributionKind.TESTIMONY, **fields):
    contribution = Contribution(proposal=proposal, kind=kind, body=body, state=state, **fields)
    db.session.add(contribution)
    db.session.commit()
    return contribution


def _build(make_proposal, make_organisation) -> None:
    """Something of every kind the index holds, written through the ORM (indexed at each
    flush), translated, and what must stay out of the index."""
    institution = make_organisation(OrganisationKind.INSTITUTION, name="Ville de Metz")
    proposal = make_proposal(title="Ouvrir des bains-douches gratuits", institutions=[institution])
    other = make_proposal(title="Accès à la santé pour tous")
    _translate(proposal, "en", title="Open free showers", body="Showers for everyone.")
    _translate(proposal, "ar", title="فتح حمّامات مجانية", body="حمامات للجميع")
    _translate(other, "en", title="Health for all")
    response = OfficialResponse(
        proposal=proposal,
        institution=institution,
        position=Position.FAVOURABLE,
        body="Nous ouvrons des douches.",
        easy_read="La mairie ouvre des douches.",
    )
    commitment = Commitment(action="Ouvrir la salle", due_on=date(2027, 3, 1))
    response.commitments.append(commitment)
    db.session.add(response)
    db.session.commit()
    _translate(response, "ar", body="نفتح حمامات")
    _translate(commitment, "en", action="Open the hall")
    starts = utcnow() + timedelta(days=3)
    public = Meeting(
        title="Groupe santé", description="Parler des soins.", agenda="Accueil", starts_at=starts
    )
    private = Meeting(title="Groupe santé réservé", starts_at=starts, is_public=False)
    db.session.add_all([public, private])
    db.session.commit()
    _translate(public, "en", title="Health group", description="Talking about care.")
    _translate(private, "en", title="Closed health group")
    _translate(public, "ar", agenda="استقبال")
    public.agenda = ""  # the only field translated into Arabic is empty now: no document
    db.session.commit()

    _contribute(proposal, "Les douches du quartier sont fermées.")
    _contribute(proposal, "لا يوجد سكن قريب من الحمامات", lang="ar")
    _contribute(other, "La santé d’abord, en attente.", PENDING)
    hidden = _contribute(other, "Un commentaire sur la santé.", HIDDEN, ContributionKind.COMMENT)
    reply = ContributionKind.REPLY
    _contribute(other, "Une réponse sous un commentaire masqué, santé.", kind=reply, parent=hidden)
    _contribute(proposal, "Merci pour les douches.", kind=reply, response=response)
    add_published_spoken(proposal, [TRANSCRIPT])


def _documents() -> dict[tuple, tuple]:
    """Each document by (kind, object, language): its columns and its full-text entry."""
    d = SearchDocument.__table__.c
    connection = db.session.connection()
    columns = [d.kind, d.object_id, d.lang, d.proposal_id, d.title, d.body, d.updated_at]
    if connection.dialect.name == "postgresql":
        query = sa.select(*columns, sa.cast(sa.literal_column("search_vector"), sa.Text))
    else:
        entry = [getattr(FTS.c, column) for column in FTS_COLUMN_NAMES]
        query = sa.select(*columns, *entry).join(FTS, FTS.c.rowid == d.id, isouter=True)
    rows = connection.execute(query).all()
    documents = {tuple(row[:3]): tuple(row[3:]) for row in rows}
    assert len(documents) == len(rows)
    return documents


def _results(client) -> dict[tuple, tuple]:
    """The links and the counts of each query's result page. The links sorted: two results
    of equal score come in the order of their documents' ids, which a rebuild renumbers
    (the scores themselves come from the entries `_documents` compares)."""
    found = {}
    for q, lang in QUERIES:
        response = client.get("/recherche", query_string={"q": q, "lang": lang})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        results = re.search(r'<ol class="cards search-results">.*?</ol>', html, re.S)
        links = re.findall(r'<h2>\s*<a href="([^"]+)"', results.group(0) if results else "")
        tabs = re.search(r'<ul class="tabs search-kinds">(.*?)</ul>', html, re.S)
        found[q, lang] = (
            sorted(links),
            re.findall(r"\((\d+)\)</a>", tabs.group(1) if tabs else ""),
        )
    return found


@pytest.mark.parametrize("batch", [2, index.REINDEX_BATCH])
def test_a_full_reindex_gives_what_incremental_indexing_gave(
    app, client, make_proposal, make_organisation, monkeypatch, batch
):
    monkeypatch.setattr(index, "REINDEX_BATCH", batch)  # 2: many batches of each kind
    _build(make_proposal, make_organisation)
    documents, results = _documents(), _results(client)
    assert all(links for links, _counts in results.values()), results
    kinds = {key[0] for key in documents}
    assert kinds == {"proposal", "testimony", "comment", "response", "organisation", "meeting"}
    languages = {(kind, lang) for kind, _object_id, lang in documents}
    assert {
        ("proposal", "en"),
        ("proposal", "ar"),
        ("response", "en"),  # its commitment's translation only
        ("response", "ar"),
        ("meeting", "en"),
        ("testimony", "ar"),
    } <= languages
    assert ("meeting", "ar") not in languages
    assert any(TRANSCRIPT in body for _p, _t, body, *_rest in documents.values())

    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output

    db.session.expire_all()
    assert _documents() == documents
    assert _results(client) == results


def test_documents_written_after_a_reindex_take_new_ids(
    client, make_proposal, make_theme, make_organisation
):
    """The ids the rebuild gave are used up, even when it made more documents than were
    ever indexed one by one (rows written past the ORM, as the bench's seed writes them):
    the next document indexed as it is written takes a new one."""
    theme, organisation = make_theme(), make_organisation()
    db.session.execute(
        sa.insert(Proposal),
        [
            {"title": f"Des douches chaudes {n}", "body": "Le constat.", "theme_id": theme.id,
             "organisation_id": organisation.id, "status": "submitted"}
            for n in range(5)
        ],
    )  # fmt: skip
    db.session.commit()
    index.reindex()
    rebuilt = set(db.session.scalars(sa.select(SearchDocument.id)))
    assert len(rebuilt) == 6  # the proposals and their organisation
    later = make_proposal(title="Des laveries solidaires", organisation=organisation)
    document_id = db.session.scalar(
        sa.select(SearchDocument.id).where(
            SearchDocument.kind == "proposal", SearchDocument.object_id == later.id
        )
    )
    assert document_id is not None and document_id not in rebuilt
    html = client.get("/recherche", query_string={"q": "laveries"}).get_data(as_text=True)
    assert f"/propositions/{later.id}" in html


@pytest.mark.parametrize("batch", [2, index.REINDEX_BATCH])
def test_a_reindex_numbers_documents_in_the_order_their_objects_appeared(
    make_proposal, make_organisation, monkeypatch, batch
):
    """Ids follow the objects' creation whatever their kind, as indexing on publication
    numbers them: a search for a common word ranks its latest matches, which must be the
    latest of every kind, not those of the kind rebuilt last."""
    monkeypatch.setattr(index, "REINDEX_BATCH", batch)
    institution = make_organisation(OrganisationKind.INSTITUTION, name="Ville de Metz")
    first = make_proposal(title="Des douches", organisation=institution)
    testimony = _contribute(first, "Les douches sont loin.")
    second = make_proposal(title="Des laveries", organisation=institution)
    response = OfficialResponse(
        proposal=first, institution=institution, position=Position.FAVOURABLE, body="Oui."
    )
    meeting = Meeting(title="Groupe douches", starts_at=utcnow() + timedelta(days=3))
    db.session.add_all([response, meeting])
    db.session.commit()
    appeared = [  # oldest first, kinds interleaved
        (Proposal, second.id, "created_at"),
        (Meeting, meeting.id, "updated_at"),
        (Contribution, testimony.id, "created_at"),
        (OfficialResponse, response.id, "created_at"),
        (type(institution), institution.id, "created_at"),
        (Proposal, first.id, "created_at"),
    ]
    start = utcnow() - timedelta(days=30)
    for days, (model, object_id, column) in enumerate(appeared):
        db.session.execute(
            sa.update(model)
            .where(model.id == object_id)
            .values({column: start + timedelta(days=days)})
        )
    db.session.commit()

    index.reindex()

    d = SearchDocument.__table__.c
    rows = db.session.execute(sa.select(d.kind, d.object_id).order_by(d.id)).all()
    assert [tuple(row) for row in rows] == [
        ("proposal", second.id),
        ("meeting", meeting.id),
        ("testimony", testimony.id),
        ("response", response.id),
        ("organisation", institution.id),
        ("proposal", first.id),
    ]
