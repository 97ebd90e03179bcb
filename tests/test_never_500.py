"""Never a 500: query strings that are url_for's own arguments, ids beyond a 64-bit integer,
dates out of any calendar's range, and files sent in text fields each get a clear 4xx page
or a normal one."""

import io
import re

import pytest
import sqlalchemy as sa

from app import admin, board, meetings, moderation, notifications
from app.extensions import db
from app.models import (
    AuditAction,
    AuditEvent,
    Contribution,
    ContributionKind,
    ContributionState,
    Cosignature,
    ModerationAction,
    ModerationDecision,
    ModerationReason,
    Notification,
    NotificationKind,
    OrganisationKind,
)
from app.services import audit as audit_service
from tests.test_bad_input import _role_for
from tests.test_permissions import (
    CASES,
    MEETING_FORM,
    _act_as,
    _send,
    _snapshot,
    add_minutes,
    build_world,
)

# url_for's own keyword arguments, and a name every view function takes.
FORGED = {"endpoint": "x", "_method": "POST", "_scheme": "x", "_external": "", "_anchor": "evil"}
HREF = re.compile(r'<a rel="(?:prev|next)" href="([^"]+)"')


@pytest.fixture
def world(prebuilt, make_organisation, make_theme, make_proposal, make_user):
    """The permission matrix's world, with two of everything a paginated list shows."""

    def build():
        built = build_world(make_organisation, make_theme, make_proposal, make_user)
        add_minutes(built)
        proposal, other = built["proposal"], built["other"]
        second = make_organisation(OrganisationKind.INSTITUTION, name="Préfecture")
        _send(built["answered"], second)
        for kind, state in [
            (ContributionKind.COMMENT, ContributionState.PUBLISHED),
            (ContributionKind.TESTIMONY, ContributionState.PUBLISHED),
            (ContributionKind.TESTIMONY, ContributionState.PUBLISHED),
            (ContributionKind.COMMENT, ContributionState.PENDING),
        ]:
            body = "Les douches du centre sont fermées le dimanche."
            db.session.add(
                Contribution(proposal=proposal, kind=kind, author=other, body=body, state=state)
            )
        db.session.flush()
        for _ in range(2):
            db.session.add(
                ModerationDecision(
                    contribution=built["comment"],
                    moderator=other,
                    action=ModerationAction.APPROVE,
                    reason=ModerationReason.COMPLIANT,
                    from_state=ContributionState.PENDING,
                    to_state=ContributionState.PUBLISHED,
                )
            )
            db.session.add(
                AuditEvent(action=AuditAction.THEME_UPDATED, target_type="theme", target_id=1)
            )
        db.session.commit()
        return built

    return prebuilt(build)


@pytest.fixture
def one_per_page(app, monkeypatch):
    """Every list one row a page, so that each shows its previous / next links."""
    for key in (
        "PROPOSALS_PER_PAGE",
        "CONTRIBUTIONS_PER_PAGE",
        "SEARCH_RESULTS_PER_PAGE",
        "ORGANISATIONS_PER_PAGE",
        "ORGANISATION_LISTS_PER_PAGE",
        "MODERATION_QUEUE_PER_PAGE",
    ):
        monkeypatch.setitem(app.config, key, 1)
    for module, name in [
        (board.views, "ROWS_PER_PAGE"),
        (board.views, "OVERDUE_PER_PAGE"),
        (meetings.views, "PAST_PER_PAGE"),
        (moderation.views, "LOG_PER_PAGE"),
        (admin.views, "ROWS_PER_PAGE"),
        (notifications.views, "PER_PAGE"),
        (audit_service, "AUDIT_PER_PAGE"),
    ]:
        monkeypatch.setattr(module, name, 1)


PAGINATED = [
    ("/propositions", {"atelier": "{theme.slug}"}),
    ("/ateliers/{theme.slug}", {}),
    ("/propositions/{proposal.id}", {}),
    ("/organisations/", {}),
    ("/organisations/{association.slug}", {}),
    ("/reunions/", {}),
    ("/suivi", {}),
    ("/recherche", {"q": "douches"}),
    ("/moderation/", {}),
    ("/moderation/journal", {}),
    ("/admin/organisations", {}),
    ("/admin/utilisateurs", {}),
    ("/admin/journal", {"action": "theme_updated"}),
    ("/notifications/", {}),
]


def _filled(world, text: str) -> str:
    return text.format(**world)


@pytest.mark.parametrize(("path", "filters"), PAGINATED, ids=[p for p, _ in PAGINATED])
def test_pagination_links_ignore_url_for_arguments(
    client, world, make_user, one_per_page, path, filters
):
    _act_as(client, "admin", world, make_user)
    db.session.add(
        Notification(user=world["me"], kind=NotificationKind.REPLY, proposal=world["proposal"])
    )
    db.session.add(
        Notification(user=world["me"], kind=NotificationKind.REPLY, proposal=world["proposal"])
    )
    db.session.commit()
    query = {name: _filled(world, value) for name, value in filters.items()}
    response = client.get(_filled(world, path), query_string={**query, **FORGED})
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:500]
    links = HREF.findall(html)
    assert links, "the list shows no page links: the test proves nothing"
    for link in links:
        assert "endpoint" not in link and "_method" not in link and "evil" not in link, link
        assert link.startswith("/"), link  # never an absolute link to another scheme
        for name, value in query.items():
            assert f"{name}={value}" in link.replace("%20", " "), link  # the filters are kept


def test_the_language_links_keep_the_filters_not_url_for_arguments(client, world):
    slug = world["theme"].slug
    response = client.get("/propositions", query_string={"atelier": slug, **FORGED})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    links = re.findall(r'<a href="([^"]+)" lang="en" hreflang="en"', html)
    assert links and all(f"atelier={slug}" in link and "lang=en" in link for link in links)
    assert not any("endpoint" in link or "_method" in link or "evil" in link for link in links)


# Ids beyond the database's integers

HUGE = "99999999999999999999"  # above 2**63 - 1
# Just beyond PostgreSQL's INTEGER (the ids' type), the largest 64-bit integer, and beyond it.
BEYOND = [str(2**31), str(2**63 - 1), HUGE]


def _int_rules() -> list:
    from werkzeug.routing import IntegerConverter

    from app import create_app

    rules = create_app("testing").url_map.iter_rules()
    return sorted(
        (rule.rule, method)
        for rule in rules
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values())
        for method in sorted(rule.methods & {"GET", "POST"})
    )


INT_RULES = _int_rules()


@pytest.mark.parametrize(("rule", "method"), INT_RULES, ids=[f"{m} {r}" for r, m in INT_RULES])
def test_an_id_beyond_any_integer_is_not_found(client, make_user, rule, method, world):
    """Every `<int:…>` route, for an admin (the one role no policy refuses first)."""
    _act_as(client, "admin", world, make_user)
    for number in BEYOND:
        url = re.sub(r"<int:\w+>", number, rule)
        response = client.open(url, method=method, data={"organisation_id": "1"})
        assert response.status_code == 404, (url, response.get_data(as_text=True)[:500])


@pytest.mark.parametrize("value", [*BEYOND, "-1", "0", "1" * 5000])
def test_an_organisation_id_beyond_any_integer_is_refused(client, make_user, world, value):
    """The co-signature withdrawal's hidden organisation id."""
    _act_as(client, "admin", world, make_user)
    url = f"/propositions/{world['other_proposal'].id}/retirer-cosignature"
    response = client.post(url, data={"organisation_id": value})
    assert response.status_code in (400, 404), response.get_data(as_text=True)[:500]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Cosignature)) == 1


@pytest.mark.parametrize("ident", [2**31, 2**63, -(2**63) - 1])
def test_an_api_cursor_beyond_any_integer_is_a_bad_request(client, world, ident):
    from app.api.cursors import encode_cursor

    for path, key in [
        ("/api/v1/proposals", "2026-01-01T00:00:00"),
        ("/api/v1/meetings", "2026-01-01T00:00:00"),
        ("/api/v1/organisations", "Association"),
    ]:
        response = client.get(path, query_string={"cursor": encode_cursor(key, ident)})
        assert response.status_code == 400, (path, response.get_data(as_text=True)[:300])


# Dates out of the calendar's range

FAR_DAYS = ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31"]
DATE_FIELDS = ("day", "due_on", "amendments_until")
DATE_CASES = [
    (endpoint, url, form, expected)
    for method, endpoint, url, form, expected in CASES
    if method == "POST" and isinstance(form, dict) and set(form) & set(DATE_FIELDS)
]


def _dated_rows() -> list:
    """What a dated form writes: meetings, commitments, minutes."""
    db.session.expire_all()
    return [
        db.session.execute(sa.text(f'SELECT * FROM "{table}" ORDER BY id')).all()
        for table in ("meeting", "commitment", "minutes", "minutes_version")
    ]


@pytest.mark.parametrize(
    ("endpoint", "url", "form", "expected"), DATE_CASES, ids=[c[0] for c in DATE_CASES]
)
def test_a_date_out_of_range_is_refused_by_its_field(
    client, world, make_user, endpoint, url, form, expected
):
    """Every form with a date: the form comes back with a message by the field, the typed
    date kept, nothing saved."""
    _act_as(client, _role_for(expected), world, make_user)
    url = url.format(**world)
    field = next(name for name in DATE_FIELDS if name in form)
    before = _dated_rows()
    for day in FAR_DAYS:
        data = {**form, field: day, "starts": "00:01"} if field == "day" else {**form, field: day}
        response = client.post(url, data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, (day, html[:500])
        assert "Indiquez une date entre 1900 et 2200." in html, day
        assert f'value="{day}"' in html, day  # the text typed is kept
        assert _dated_rows() == before, day


def test_a_date_at_the_edges_of_the_range_is_accepted(client, world, make_user):
    _act_as(client, "admin", world, make_user)
    form = {**MEETING_FORM, "day": "2200-12-31", "starts": "23:00", "ends": "23:30"}
    assert client.post("/reunions/nouvelle", data=form).status_code == 302
    assert client.get("/reunions/").status_code == 200


@pytest.mark.parametrize(
    ("query", "ignored"),
    [
        ({"du": "0001-01-01"}, ["0001-01-01"]),
        ({"au": "9999-12-31"}, ["9999-12-31"]),
        ({"du": "0001-01-01", "au": "9999-12-31"}, ["0001-01-01", "9999-12-31"]),
        ({"du": "9999-12-31", "au": "0001-01-01"}, ["9999-12-31", "0001-01-01"]),
        ({"du": "1900-01-01", "au": "2200-12-31"}, []),
    ],
)
def test_the_review_ignores_a_date_out_of_range_and_says_so(client, world, query, ignored):
    response = client.get("/bilan", query_string={**query, "atelier": world["theme"].slug})
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:500]
    for day in ignored:
        assert f"La date {day} est hors des dates possibles (de 1900 à 2200)" in html
    assert html.count("hors des dates possibles") == len(ignored)


# A file sent in a text field

FILE_REFUSED = "Ce formulaire n’accepte pas de fichier"


def _file() -> tuple:
    return (io.BytesIO(b"%PDF-1.4 pas du texte"), "temoignage.pdf")


@pytest.mark.parametrize(
    ("role", "url", "form", "field"),
    [
        ("visitor", "/propositions/{proposal.id}/temoigner", {"name": "Amina"}, "body"),
        ("participant", "/propositions/{proposal.id}/commentaires", {}, "body"),
        ("visitor", "/compte/connexion", {"password": "correct horse battery"}, "email"),
    ],
    ids=["guest testimony", "comment", "login"],
)
def test_a_file_in_a_text_field_is_refused(client, world, make_user, role, url, form, field):
    _act_as(client, role, world, make_user)
    before = _snapshot()
    response = client.post(url.format(**world), data={**form, field: _file()})
    html = response.get_data(as_text=True)
    assert response.status_code == 400, html[:500]
    assert FILE_REFUSED in html
    assert _snapshot() == before


POST_FORMS = [case for case in CASES if case[0] == "POST" and isinstance(case[3], dict)]


@pytest.mark.parametrize(
    ("endpoint", "url", "form", "expected"),
    [case[1:] for case in POST_FORMS],
    ids=[f"{case[1]} {n}" for n, case in enumerate(POST_FORMS)],
)
def test_every_form_refuses_a_file_in_each_field(
    client, world, make_user, endpoint, url, form, expected
):
    _act_as(client, _role_for(expected), world, make_user)
    url = url.format(**world)
    before = _snapshot()
    for field in form:
        response = client.post(url, data={**form, field: _file()})
        assert response.status_code == 400, (field, response.get_data(as_text=True)[:500])
    assert _snapshot() == before
