"""Migrations keep the data already there: rows written before a revision, read after it.

Each test builds a scratch database (a SQLite file, or a PostgreSQL database next to
TEST_DATABASE_URL's), migrates it up to the revision before the one under test, writes rows
with plain SQL (the models already describe the schema after it), then migrates to the head.
"""

import os
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from tests.scratch_db import scratch_database

# The events revision (7f5fd2aba7f1) moves official responses that had an origin into
# stated positions; this is the one before it.
BEFORE_EVENTS = "8f3a40c72306"
CREATED = "2015-05-12 09:30:00"


@pytest.fixture
def scratch_url(tmp_path) -> Iterator[str]:
    """A database with no table at all, dropped afterwards."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path}/migrated.sqlite"
        return
    with scratch_database(url, "migration") as url:
        yield url


def _migrate(url: str, revision: str = "head") -> None:
    """Upgrade the database at ``url`` (its own app: the test's is another database's)."""
    scratch = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with scratch.app_context():
        upgrade(revision=revision)
        db.engine.dispose()


def _insert(conn, table: str, **values) -> int:
    """One row by plain SQL (the models know only the newest schema); its id."""
    columns = ", ".join(f'"{name}"' for name in values)
    params = ", ".join(f":{name}" for name in values)
    statement = f'INSERT INTO "{table}" ({columns}) VALUES ({params}) RETURNING id'
    return conn.execute(sa.text(statement), values).scalar_one()


def _contribution(conn, proposal_id: int, kind: str, body: str, **fields) -> int:
    return _insert(
        conn,
        "contribution",
        proposal_id=proposal_id,
        kind=kind,
        display_mode="pseudonym",
        body=body,
        state="published",
        guest_name="",
        guest_contact="",
        created_at=CREATED,
        version=1,
        lang="fr",
        **fields,
    )


def _fill_before_events(conn) -> dict[str, int]:
    """A workshop, an institution, a proposal with two responses (one stated at the 2015
    assises, one given on the site), a reply under the first, a testimony, a meeting."""
    theme = _insert(conn, "theme", slug="logement", name="Logement", description="", position=1)
    institution = _insert(
        conn,
        "organisation",
        slug="prefecture",
        name="Préfecture de la Moselle",
        kind="institution",
        description="",
        address="",
        contact_email="",
        website="",
        verified=True,
        created_at=CREATED,
    )
    other = _insert(
        conn,
        "organisation",
        slug="ville",
        name="Ville de Metz",
        kind="institution",
        description="",
        address="",
        contact_email="",
        website="",
        verified=True,
        created_at=CREATED,
    )
    proposal = _insert(
        conn,
        "proposal",
        title="Des places d’hébergement toute l’année",
        body="Le constat, puis ce qui est proposé.",
        theme_id=theme,
        status="sent",
        origin="Assises 2015",
        created_at=CREATED,
        updated_at=CREATED,
    )
    _insert(
        conn,
        "status_change",
        proposal_id=proposal,
        to_status="sent",
        reason="",
        created_at=CREATED,
    )
    _insert(conn, "addressed_institution", proposal_id=proposal, institution_id=institution)
    common = {"proposal_id": proposal, "competent_body": "", "updated_at": CREATED}
    stated = _insert(
        conn,
        "official_response",
        institution_id=institution,
        position="under_study",
        body="« Nous allons étudier la question avec les bailleurs. »",
        origin="Assises 2015",
        created_at="2015-04-30 16:45:00",
        **common,
    )
    kept = _insert(
        conn,
        "official_response",
        institution_id=other,
        position="favourable",
        body="La ville ouvre cent places de plus cet hiver.",
        origin="",
        created_at=CREATED,
        **common,
    )
    for response in (stated, kept):  # both in the search index, as the site keeps it
        _insert(
            conn,
            "search_document",
            kind="response",
            object_id=response,
            proposal_id=proposal,
            title="Réponse",
            body="Texte de la réponse",
            lang="fr",
            updated_at=CREATED,
        )
    reply = _contribution(
        conn, proposal, "reply", "Deux ans plus tard, rien n’a changé.", response_id=stated
    )
    testimony = _contribution(conn, proposal, "testimony", "J’ai dormi dehors tout l’hiver.")
    meeting = _insert(
        conn,
        "meeting",
        title="Groupe logement",
        theme_id=theme,
        starts_at="2016-01-14 14:00:00",
        place_name="",
        address="",
        description="",
        kind="working_group",
        agenda="",
        is_public=True,
        cancel_reason="",
        updated_at=CREATED,
    )
    conn.execute(
        sa.text("INSERT INTO meeting_proposal (meeting_id, proposal_id) VALUES (:m, :p)"),
        {"m": meeting, "p": proposal},
    )
    return {
        "institution": institution,
        "proposal": proposal,
        "stated": stated,
        "kept": kept,
        "reply": reply,
        "testimony": testimony,
        "meeting": meeting,
    }


def _rows(conn, table: str) -> list:
    return conn.execute(sa.text(f'SELECT * FROM "{table}" ORDER BY 1')).mappings().all()


def test_responses_stated_elsewhere_become_stated_positions_and_nothing_else_is_lost(
    scratch_url,
):
    _migrate(scratch_url, BEFORE_EVENTS)
    engine = sa.create_engine(scratch_url)
    try:
        with engine.begin() as conn:
            ids = _fill_before_events(conn)
            kept_tables = ("proposal", "status_change", "addressed_institution", "meeting")
            before = {table: _rows(conn, table) for table in kept_tables}
            testimony_before = _rows(conn, "contribution")[1]

        _migrate(scratch_url)

        with engine.connect() as conn:
            positions = _rows(conn, "stated_position")
            assert len(positions) == 1
            position = positions[0]
            assert position["proposal_id"] == ids["proposal"]
            assert position["institution_id"] == ids["institution"]
            assert position["words"] == "« Nous allons étudier la question avec les bailleurs. »"
            assert position["source"] == "Assises 2015"
            # When it was said is unknown: the response's date is when it was typed in.
            assert position["stated_on"] is None
            indexed = [(row["kind"], row["object_id"]) for row in _rows(conn, "search_document")]
            assert indexed == [("response", ids["kept"])]  # the stated one is not found any more

            responses = _rows(conn, "official_response")
            assert [row["id"] for row in responses] == [ids["kept"]]
            assert responses[0]["body"] == "La ville ouvre cent places de plus cet hiver."
            assert "origin" not in responses[0]

            contributions = {row["id"]: row for row in _rows(conn, "contribution")}
            assert set(contributions) == {ids["reply"], ids["testimony"]}
            reply = contributions[ids["reply"]]
            assert reply["kind"] == "comment"
            assert reply["response_id"] is None and reply["parent_id"] is None
            assert reply["body"] == "Deux ans plus tard, rien n’a changé."
            assert reply["proposal_id"] == ids["proposal"]
            testimony = dict(contributions[ids["testimony"]])
            assert {key: testimony[key] for key in testimony_before} == dict(testimony_before)

            # Rebuilding a table (SQLite) must not delete the rows pointing at it.
            for table, rows in before.items():
                after = _rows(conn, table)
                assert [row["id"] for row in after] == [row["id"] for row in rows], table
                for old, new in zip(rows, after, strict=True):
                    assert {key: new[key] for key in old} == dict(old), table
            links = conn.execute(sa.text("SELECT meeting_id, proposal_id FROM meeting_proposal"))
            assert links.all() == [(ids["meeting"], ids["proposal"])]
            examples = conn.execute(sa.text("SELECT example FROM proposal")).scalars().all()
            assert [bool(flag) for flag in examples] == [False]
    finally:
        engine.dispose()
