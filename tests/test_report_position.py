"""Recording what an institution said elsewhere, as an association reports it: members of an
association and admins record it on the proposal, where it is quoted apart from the official
responses and never counted as one; a report made by mistake is removed by an admin or a
member of the reporting association."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import OrganisationKind, ProposalStatus, StatedPosition, paris_today
from app.queries import board as board_queries
from tests.conftest import login
from tests.helpers import count_queries

WORDS = "On verra <script>alert(1)</script> & « plus tard »"
ESCAPED = "On verra &lt;script&gt;alert(1)&lt;/script&gt; &amp; « plus tard »"
SOURCE = "Compte rendu de l’atelier du 12 mai 2026"
LINK = "Rapporter une position exprimée"


@pytest.fixture
def w(make_organisation, make_proposal, make_user):
    """A proposal sent to the CCAS (not answered), a member of the association that carries
    it, and a member of another association."""
    ccas = make_organisation(OrganisationKind.INSTITUTION, name="CCAS de Metz")
    association = make_organisation(name="Collectif des associations")
    other_association = make_organisation(name="Autre association")
    proposal = make_proposal(
        "Former les travailleurs sociaux", organisation=association,
        status=ProposalStatus.SENT, institutions=[ccas],
    )  # fmt: skip
    return {
        "ccas": ccas,
        "association": association,
        "other_association": other_association,
        "proposal": proposal,
        "member": make_user("association_member", organisation=association),
        "other_member": make_user("association_member", organisation=other_association),
    }


def _url(w) -> str:
    return f"/propositions/{w['proposal'].id}/positions-rapportees/nouvelle"


def _form(w, **changes) -> dict:
    form = {
        "institution_id": w["ccas"].id,
        "words": WORDS,
        "source": SOURCE,
        "stated_on": "2026-05-12",
        "reported_by_id": w["association"].id,
    }
    return {**form, **changes}


def _positions() -> list[StatedPosition]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(StatedPosition).order_by(StatedPosition.id)))


def _section(html: str) -> str:
    start = html.index('id="positions-rapportees"')
    return html[start : html.index("</section>", start)]


def _record(client, w) -> StatedPosition:
    response = client.post(_url(w), data=_form(w))
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    (stated,) = _positions()
    return stated


# Recording


def test_a_member_records_a_stated_position_shown_apart_never_as_an_answer(client, w):
    login(client, w["member"])
    before = board_queries.totals()
    response = client.post(_url(w), data=_form(w))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/propositions/{w['proposal'].id}#positions-rapportees"
    )
    (stated,) = _positions()
    assert (stated.proposal_id, stated.institution_id, stated.reported_by_id) == (
        w["proposal"].id,
        w["ccas"].id,
        w["association"].id,
    )
    assert (stated.words, stated.source, stated.stated_on.isoformat()) == (
        WORDS,
        SOURCE,
        "2026-05-12",
    )

    html = client.get(f"/propositions/{w['proposal'].id}").get_data(as_text=True)
    assert "La position rapportée est enregistrée." in html
    section = _section(html)
    assert f'<blockquote class="quoted text" lang="fr" dir="ltr">{ESCAPED}</blockquote>' in section
    reporter = 'rapportée par <bdi dir="auto">Collectif des associations</bdi>'
    assert f'{reporter} · <bdi dir="auto">{SOURCE}</bdi>' in section
    assert "Ce n’est pas une réponse officielle" in section
    assert "<script>alert(1)" not in html
    assert "badge position-" not in html  # never an official position
    responses = html[html.index('id="reponses"') : html.index('id="positions-rapportees"')]
    assert "On verra" not in responses

    totals = board_queries.totals()
    assert totals == before and (totals["addressed"], totals["answered"]) == (1, 0)
    board = client.get("/suivi").get_data(as_text=True)
    assert "On verra" not in board


def test_an_admin_records_one_for_any_association_without_a_date(client, w, login_as):
    login_as("admin")
    data = _form(w, stated_on="", reported_by_id=w["other_association"].id)
    assert client.post(_url(w), data=data).status_code == 302
    (stated,) = _positions()
    assert (stated.reported_by_id, stated.stated_on) == (w["other_association"].id, None)


def test_the_form_lists_institutions_and_ones_own_associations(client, w):
    login(client, w["member"])
    html = client.get(_url(w)).get_data(as_text=True)
    assert f'<option value="{w["ccas"].id}">CCAS de Metz</option>' in html
    assert f'<option value="{w["association"].id}">Collectif des associations</option>' in html
    assert "Autre association" not in html
    assert "Ce n’est pas une réponse officielle : l’institution répond elle-même" in html


BAD_INPUT = [
    ("words", {"words": "   "}, "Écrivez ce que l’institution a dit."),
    ("words", {"words": "é" * (StatedPosition.WORDS_MAX + 1)}, "5\u202f000 au plus"),
    ("source", {"source": "s" * (StatedPosition.SOURCE_MAX + 3)}, "303 caractères ; 300 au plus"),
    ("source", {"source": ""}, "Indiquez où c’est rapporté."),
    (
        "stated_on",
        "tomorrow",  # read when the test runs: the suite may cross midnight
        "Indiquez une date entre le 1er janvier 1990 et aujourd’hui.",
    ),
    (
        "stated_on",
        {"stated_on": "1900-01-01"},
        "Indiquez une date entre le 1er janvier 1990 et aujourd’hui.",
    ),
    ("stated_on", {"stated_on": "demain"}, "Indiquez une date valide (jj/mm/aaaa)."),
    ("institution_id", "association", "Choisissez une institution de la liste."),
    ("reported_by_id", "other", "Choisissez une association dont vous êtes membre."),
    ("reported_by_id", "institution", "Choisissez une association dont vous êtes membre."),
]


@pytest.mark.parametrize(("field", "change", "message"), BAD_INPUT)
def test_bad_input_is_refused_next_to_its_field_text_kept_nothing_saved(
    client, w, field, change, message
):
    login(client, w["member"])
    if change == "association":
        change = {"institution_id": w["association"].id}
    elif change == "other":
        change = {"reported_by_id": w["other_association"].id}
    elif change == "institution":
        change = {"reported_by_id": w["ccas"].id}
    elif change == "tomorrow":
        change = {"stated_on": (paris_today() + timedelta(days=1)).isoformat()}
    kept = "Des mots à garder tels quels."
    data = _form(w, **{"words": kept, **change})
    response = client.post(_url(w), data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    error = html[html.index(f'id="{field}-error"') :]
    assert message in error[: error.index("</p>")]
    assert 'aria-invalid="true"' in html
    if data["words"].strip():
        assert data["words"] in html  # the text typed, kept (a long one too)
    assert SOURCE in html or field == "source"
    assert _positions() == []


def test_the_service_checks_the_rules_again(w):
    from app.services import ServiceError
    from app.services.stated_positions import record_stated_position

    with pytest.raises(ServiceError, match="institution de la liste"):
        record_stated_position(
            w["member"], w["proposal"], institution=w["association"], words="Dit.",
            source=SOURCE, stated_on=None, reported_by=w["association"],
        )  # fmt: skip
    with pytest.raises(ServiceError, match="dont vous êtes membre"):
        record_stated_position(
            w["member"], w["proposal"], institution=w["ccas"], words="Dit.",
            source=SOURCE, stated_on=None, reported_by=w["other_association"],
        )  # fmt: skip
    db.session.rollback()
    assert _positions() == []


def test_a_real_proposal_never_quotes_an_invented_organisation(client, w, make_organisation):
    invented = make_organisation(OrganisationKind.INSTITUTION, name="Office fictif (exemple)")
    invented.example = True
    w["association"].example = False
    db.session.commit()
    login(client, w["member"])
    form = client.get(_url(w)).get_data(as_text=True)
    assert "Office fictif (exemple)" not in form and "CCAS de Metz" in form
    refused = client.post(_url(w), data=_form(w, institution_id=invented.id))
    assert refused.status_code == 200
    assert ESCAPED in refused.get_data(as_text=True)  # the words kept, escaped
    assert _positions() == []


@pytest.mark.parametrize("role", ["participant", "institution_rep"])
def test_participants_and_institutions_may_not_report(client, w, login_as, role):
    login_as(role)
    assert client.get(_url(w)).status_code == 403
    assert client.post(_url(w), data=_form(w)).status_code == 403
    assert _positions() == []
    html = client.get(f"/propositions/{w['proposal'].id}").get_data(as_text=True)
    assert LINK not in html


def test_a_visitor_is_sent_to_log_in(client, w):
    response = client.post(_url(w), data=_form(w))
    assert "/compte/connexion" in response.headers["Location"]
    assert _positions() == []
    html = client.get(f"/propositions/{w['proposal'].id}").get_data(as_text=True)
    assert LINK not in html and 'id="positions-rapportees"' not in html


def test_who_may_report_sees_the_link_even_before_any_report(client, w):
    login(client, w["member"])
    html = client.get(f"/propositions/{w['proposal'].id}").get_data(as_text=True)
    assert LINK in _section(html)
    assert f'href="{_url(w)}"' in html


# Removing


def _remove_url(stated) -> str:
    return f"/positions-rapportees/{stated.id}/supprimer"


@pytest.mark.parametrize("remover", ["member", "admin"])
def test_a_mistaken_report_is_removed_after_confirming(client, w, login_as, remover):
    login(client, w["member"])
    stated = _record(client, w)
    if remover == "admin":
        client.post("/compte/deconnexion")
        login_as("admin")
    page = client.get(f"/propositions/{w['proposal'].id}").get_data(as_text=True)
    assert f'href="{_remove_url(stated)}"' in page
    confirm = client.get(_remove_url(stated)).get_data(as_text=True)
    assert "Supprimer cette position rapportée ?" in confirm
    assert ESCAPED in confirm and "<script>alert(1)" not in confirm
    response = client.post(_remove_url(stated))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#positions-rapportees")
    assert _positions() == []


@pytest.mark.parametrize("role", ["other_member", "participant", "institution_rep"])
def test_others_may_not_remove_a_report(client, w, login_as, role):
    login(client, w["member"])
    stated = _record(client, w)
    client.post("/compte/deconnexion")
    if role == "other_member":
        login(client, w["other_member"])
    else:
        login_as(role)
    page = client.get(f"/propositions/{w['proposal'].id}").get_data(as_text=True)
    assert _remove_url(stated) not in page
    assert client.get(_remove_url(stated)).status_code == 403
    assert client.post(_remove_url(stated)).status_code == 403
    assert len(_positions()) == 1


def test_a_visitor_may_not_remove_a_report(client, w):
    login(client, w["member"])
    stated = _record(client, w)
    client.post("/compte/deconnexion")
    response = client.post(_remove_url(stated))
    assert "/compte/connexion" in response.headers["Location"]
    assert len(_positions()) == 1


def test_both_forms_need_their_csrf_token(app, client, w):
    login(client, w["member"])
    stated = _record(client, w)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(_url(w), data=_form(w)).status_code == 400
        assert client.post(_remove_url(stated)).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert len(_positions()) == 1


# Query counts


def _count(client, url) -> int:
    client.get(url)  # warm-up
    db.session.expire_all()
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def test_the_form_and_the_members_proposal_page_run_a_fixed_number_of_queries(
    client, w, make_organisation
):
    login(client, w["member"])
    _record(client, w)
    urls = [_url(w), f"/propositions/{w['proposal'].id}"]
    small = [_count(client, url) for url in urls]
    for i in range(6):
        institution = make_organisation(OrganisationKind.INSTITUTION, name=f"Institution {i}")
        db.session.add(
            StatedPosition(
                proposal=w["proposal"], institution=institution, words=f"Dit {i}",
                source=SOURCE, reported_by=w["association"] if i % 2 else make_organisation(),
            )
        )  # fmt: skip
    db.session.commit()
    assert [_count(client, url) for url in urls] == small
