"""The site-wide search: accents and plurals, moderation and anonymity, safe highlighting,
hostile queries, pagination, type filter, the index kept in the writer's transaction, and
the reindex command — on SQLite (FTS5) and PostgreSQL (french_unaccent)."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Contribution,
    ContributionKind,
    ContributionState,
    DisplayMode,
    DocumentKind,
    Meeting,
    ModerationAction,
    ModerationReason,
    OfficialResponse,
    OrganisationKind,
    Position,
    Proposal,
    SearchDocument,
    utcnow,
)
from app.services.moderation import decide
from tests.helpers import count_queries

PUBLISHED, PENDING = ContributionState.PUBLISHED, ContributionState.PENDING
HIDDEN, REJECTED = ContributionState.HIDDEN, ContributionState.REJECTED


def _contribute(proposal, body, state=PUBLISHED, kind=ContributionKind.TESTIMONY, **fields):
    contribution = Contribution(proposal=proposal, kind=kind, body=body, state=state, **fields)
    db.session.add(contribution)
    db.session.commit()
    return contribution


def _search(client, q, **args):
    response = client.get("/recherche", query_string={"q": q, **args})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _results(html: str) -> str:
    """The list of results only (the header and the form repeat the query)."""
    match = re.search(r'<ol class="cards search-results">.*?</ol>', html, re.S)
    return match.group(0) if match else ""


def _count(html: str) -> int:
    return int(re.search(r'role="status">(\d+) résultat', html).group(1))


def _documents(kind=None) -> list[SearchDocument]:
    query = sa.select(SearchDocument)
    if kind is not None:
        query = query.where(SearchDocument.kind == kind)
    return list(db.session.scalars(query))


def test_accents_case_and_plurals_do_not_matter(client, make_proposal):
    make_proposal(title="Accès à la santé pour tous")
    housing = make_proposal(title="Un logement d’abord")
    make_proposal(title="Des douches gratuites")

    html = _search(client, "SANTE")
    assert _count(html) == 1
    assert "Accès à la <mark>santé</mark> pour tous" in _results(html)

    html = _search(client, "logements")
    assert _count(html) == 1
    assert f'href="/propositions/{housing.id}"' in _results(html)
    assert "<mark>logement</mark>" in _results(html)


def test_every_word_must_match(client, make_proposal):
    make_proposal(title="Accès à la santé")
    make_proposal(title="Santé et logement")
    assert _count(_search(client, "santé logement")) == 1
    assert _count(_search(client, "santé")) == 2


def test_a_workshop_named_by_the_words_is_offered(client, make_proposal, make_theme):
    """Most housing proposals never say "logement": their workshop does. Its link comes first,
    with how many proposals it holds; it needs every word, like the results."""
    housing = make_theme("Hébergement – logement")
    other = make_theme("Accès à la santé")
    make_proposal(title="Mobiliser des bâtiments vides", theme=housing)
    make_proposal(title="Ouvrir des places en foyer", theme=housing)
    make_proposal(title="Un logement d’abord", theme=other)

    html = _search(client, "Logements")
    found = html[html.index('id="ateliers-trouves"') : html.index("</section>")]
    assert (
        f'href="/ateliers/{housing.slug}"><bdi lang="fr" dir="ltr">Hébergement – logement</bdi></a>'
        " — 2 propositions"
    ) in found
    assert other.name not in found
    assert _count(html) == 1  # the results themselves are unchanged
    assert 'id="ateliers-trouves"' not in _search(client, "logement santé")
    assert 'id="ateliers-trouves"' not in _search(client, "foyer")


@pytest.mark.parametrize("state", [PENDING, HIDDEN, REJECTED])
def test_unpublished_contributions_are_not_found(client, make_proposal, state):
    proposal = make_proposal(title="Bains-douches")
    _contribute(proposal, "Le squat de la rue Mazelle est insalubre.", state)
    html = _search(client, "insalubre")
    assert _count(html) == 0
    assert "Mazelle" not in html
    assert _documents(DocumentKind.TESTIMONY) == []


def test_a_testimony_is_found_once_approved(client, make_proposal, make_user):
    proposal = make_proposal(title="Bains-douches")
    testimony = _contribute(proposal, "Le squat de la rue Mazelle est insalubre.", PENDING)
    assert _count(_search(client, "insalubre")) == 0

    moderator = make_user("moderator")
    decide(moderator, testimony, ModerationAction.APPROVE, ModerationReason.COMPLIANT, "", 1)

    html = _search(client, "insalubres")
    assert _count(html) == 1
    results = _results(html)
    assert f'href="/propositions/{proposal.id}#contribution-{testimony.id}"' in results
    assert 'Témoignage · <bdi lang="fr" dir="ltr">Bains-douches' in results
    assert "<mark>insalubre</mark>" in results


def test_hiding_removes_the_document_in_the_same_transaction(client, make_proposal, make_user):
    proposal = make_proposal()
    comment = _contribute(proposal, "Les horaires du CCAS", kind=ContributionKind.COMMENT)
    assert len(_documents(DocumentKind.COMMENT)) == 1

    comment.state = HIDDEN
    db.session.flush()  # not committed: the document is already gone in this transaction
    assert _documents(DocumentKind.COMMENT) == []
    db.session.rollback()  # and comes back with the rollback
    assert len(_documents(DocumentKind.COMMENT)) == 1

    moderator = make_user("moderator")
    decide(moderator, comment, ModerationAction.HIDE, ModerationReason.INSULT, "", comment.version)
    assert _documents(DocumentKind.COMMENT) == []
    assert _count(_search(client, "horaires")) == 0


def test_replies_go_and_come_back_with_their_comment(client, make_proposal, make_user):
    proposal = make_proposal()
    comment = _contribute(proposal, "Un commentaire", kind=ContributionKind.COMMENT)
    _contribute(proposal, "Une réponse sur la laverie", kind=ContributionKind.REPLY, parent=comment)
    assert _count(_search(client, "laverie")) == 1

    moderator = make_user("moderator")
    decide(moderator, comment, ModerationAction.HIDE, ModerationReason.INSULT, "", 1)
    assert _count(_search(client, "laverie")) == 0
    decide(moderator, comment, ModerationAction.RESTORE, ModerationReason.COMPLIANT, "", 2)
    assert _count(_search(client, "laverie")) == 1


def test_withdrawn_and_edited_contributions(client, make_proposal):
    proposal = make_proposal()
    testimony = _contribute(proposal, "Une file d’attente interminable")
    testimony.body = "Une attente raisonnable"
    testimony.edited_at = utcnow()
    db.session.commit()
    assert _count(_search(client, "interminable")) == 0
    assert _count(_search(client, "raisonnable")) == 1

    testimony.withdrawn_at = utcnow()
    db.session.commit()
    assert _count(_search(client, "raisonnable")) == 0


def test_no_author_of_an_anonymous_or_guest_testimony(client, make_proposal, make_user):
    proposal = make_proposal()
    author = make_user("participant", pseudonym="Zébulon-secret")
    _contribute(
        proposal,
        "Trois nuits dehors avant une place au foyer.",
        author=author,
        display_mode=DisplayMode.ANONYMOUS,
    )
    _contribute(proposal, "Le foyer ferme trop tôt.", guest_name="Amina", guest_contact="a@b.fr")

    html = _search(client, "foyer")
    assert _count(html) == 2
    for secret in ("Zébulon", "Amina", "a@b.fr"):
        assert secret not in html
    for document in _documents():
        assert "Zébulon" not in document.title + document.body
        assert "Amina" not in document.title + document.body


def test_private_meetings_are_not_found_cancelled_ones_are_labelled(client, make_theme):
    starts = utcnow() + timedelta(days=3)
    db.session.add_all(
        [
            Meeting(title="Groupe santé ouvert", starts_at=starts),
            Meeting(title="Groupe santé réservé", starts_at=starts, is_public=False),
            Meeting(title="Groupe santé annulé", starts_at=starts, cancelled_at=utcnow()),
        ]
    )
    db.session.commit()
    results = _results(_search(client, "groupe"))
    assert "ouvert" in results
    assert "réservé" not in results
    assert re.search(r"annul.*</a>.*annulée", results, re.S)

    private = db.session.scalar(sa.select(Meeting).filter_by(is_public=False))
    private.is_public = True  # made public: found from now on
    db.session.commit()
    assert "réservé" in _results(_search(client, "groupe"))


def test_responses_and_organisations_are_found(client, make_proposal, make_organisation):
    institution = make_organisation(OrganisationKind.INSTITUTION, name="Conseil départemental")
    proposal = make_proposal(title="Des locaux vides", institutions=[institution])
    response = OfficialResponse(
        proposal=proposal,
        institution=institution,
        position=Position.FAVOURABLE,
        body="Nous recensons les bâtiments disponibles.",
    )
    db.session.add(response)
    make_organisation(name="Restos du cœur", description="Repas chauds et colis alimentaires.")
    db.session.commit()

    results = _results(_search(client, "bâtiment"))
    assert f'href="/propositions/{proposal.id}#reponse-{response.id}"' in results
    assert (
        'Réponse de <bdi dir="auto">Conseil départemental</bdi> · '
        '<bdi lang="fr" dir="ltr">Des locaux vides'
    ) in results

    results = _results(_search(client, "colis alimentaire"))
    assert 'href="/organisations/' in results and "Restos du cœur" in results

    institution.name = "Département de la Moselle"  # the response's document follows
    db.session.commit()
    results = _results(_search(client, "bâtiments"))
    assert 'Réponse de <bdi dir="auto">Département de la Moselle</bdi>' in results


HOSTILE = [
    '"',
    '"santé',
    "*",
    "santé*",
    "OR",
    "santé OR",
    "AND NOT",
    "'; DROP TABLE proposal; --",
    "NEAR(",
    "NEAR(santé logement, 2)",
    "title:santé",
    "^santé",
    "-santé",
    "(((",
    "santé & | ! :*",
    "\\",
    "%_",
    "\u0000santé",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_query_syntax_is_never_run(client, make_proposal, q):
    make_proposal(title="Accès à la santé")
    response = client.get("/recherche", query_string={"q": q})
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 1


def test_highlighting_escapes_the_text_and_the_query(client, make_proposal):
    proposal = make_proposal(title="<b>Santé</b> des sans-abri")
    proposal.body = "Avant <script>alert('santé')</script> après."
    db.session.commit()
    html = _search(client, "<script>santé</script>")
    results = _results(html)
    assert "<script>" not in html.replace('<script src="', "")
    assert "&lt;b&gt;<mark>Santé</mark>&lt;/b&gt;" in results
    assert "&lt;<mark>script</mark>&gt;alert(&#39;<mark>santé</mark>&#39;)" in results
    assert 'value="&lt;script&gt;santé&lt;/script&gt;"' in html


def test_marking_never_breaks_what_the_escaping_wrote(client, make_proposal):
    """Searching "amp", "lt", "34" or "39" marks those words, never the inside of "&amp;",
    "&lt;", "&#34;" or "&#39;"."""
    make_proposal(title='Loyers & "charges" <lt> amp 34 39 l’gt')
    for q, marked in [
        ("amp", "&amp; &#34;charges&#34; &lt;lt&gt; <mark>amp</mark> 34 39"),
        ("lt", "&amp; &#34;charges&#34; &lt;<mark>lt</mark>&gt; amp 34 39"),
        ("34", "&amp; &#34;charges&#34; &lt;lt&gt; amp <mark>34</mark> 39"),
        ("39", "&amp; &#34;charges&#34; &lt;lt&gt; amp 34 <mark>39</mark>"),
    ]:
        results = _results(_search(client, q))
        assert f"Loyers {marked}" in results, q
        assert "<mark>" in results and results.count("<mark>") == 1


def test_best_matches_first_on_every_page(app, client, make_proposal, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_RESULTS_PER_PAGE", 2)
    in_text = []
    for n in range(2):
        proposal = make_proposal(title=f"Des douches {n}")
        proposal.body = "Il faut aussi un logement."
        in_text.append(proposal.id)
    db.session.commit()
    in_title = [make_proposal(title=f"Un logement d’abord {n}").id for n in range(2)]

    first, second = (_results(_search(client, "logement", page=n)) for n in (1, 2))
    for proposal_id in in_title:
        assert f'href="/propositions/{proposal_id}"' in first
    for proposal_id in in_text:
        assert f'href="/propositions/{proposal_id}"' in second


def test_counts_stop_at_the_limit_and_say_so(app, client, make_proposal, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_COUNT_LIMIT", 3)
    monkeypatch.setitem(app.config, "SEARCH_RESULTS_PER_PAGE", 2)
    for n in range(5):
        proposal = make_proposal(title=f"Logement {n}")
    _contribute(proposal, "Un logement vide depuis des mois.")

    html = _search(client, "logement")
    assert "Tout (3+)" in html and "Propositions (3+)" in html and "Témoignages (1)" in html
    assert (
        "Plus de 3 résultats : les 3 plus pertinents sont proposés. "
        "Ajoutez un mot pour préciser votre recherche."
    ) in html
    assert "Page 1 sur 2" in html
    last = _search(client, "logement", page=2)
    assert _results(last).count('<li class="card">') == 1
    assert 'rel="next"' not in last
    past = _search(client, "logement", page=3)
    assert _results(past) == "" and "Tout (3+)" in past and "Témoignages (1)" in past

    html = _search(client, "logement", type="testimony")
    assert _count(html) == 1 and "Plus de" not in html
    html = _search(client, "logement vide")  # one more word: under the limit again
    assert _count(html) == 1 and "Tout (1)" in html


def test_a_word_in_more_documents_than_the_window_ranks_the_latest(
    app, client, make_proposal, monkeypatch
):
    """Only the latest SEARCH_RANK_WINDOW matches are ranked and counted: the oldest,
    though the best match, is left out, and the page and its tabs say so."""
    monkeypatch.setitem(app.config, "SEARCH_RANK_WINDOW", 4)
    oldest = make_proposal(title="Logement, logement, logement d’abord")
    newer = [make_proposal(title=f"Ouvrir des places {n}") for n in range(2)]
    for proposal in newer:
        proposal.body = "Pour un logement."
    db.session.commit()
    latest = _contribute(newer[0], "Mon logement est trop petit.")
    _contribute(newer[1], "Un logement, enfin.", kind=ContributionKind.COMMENT)

    html = _search(client, "logement")
    assert (
        "Ces mots se trouvent dans au moins 4 textes : les résultats sont choisis parmi "
        "les 4 plus récents, les plus pertinents d’abord. Ajoutez un mot pour préciser "
        "votre recherche."
    ) in html
    assert f'href="/propositions/{oldest.id}"' not in _results(html)
    assert f"#contribution-{latest.id}" in _results(html)
    assert _results(html).count('<li class="card">') == 4
    assert "Tout (4+)" in html and "Propositions (2+)" in html and "Témoignages (1+)" in html
    assert "Commentaires (1+)" in html
    assert ">Réunions</a>" in html  # none in the window: no number rather than "0"

    monkeypatch.setitem(app.config, "SEARCH_RANK_WINDOW", 6)  # every match fits: exact
    html = _search(client, "logement")
    assert f'href="/propositions/{oldest.id}"' in _results(html)
    assert "Tout (5)" in html and "Propositions (3)" in html and "Réunions (0)" in html
    assert _count(html) == 5 and "au moins" not in html


def test_a_search_of_one_kind_has_its_own_window(app, client, make_proposal, monkeypatch):
    """The tab of one kind ranks and counts that kind's latest matches, however many newer
    matches of other kinds there are."""
    monkeypatch.setitem(app.config, "SEARCH_RANK_WINDOW", 3)
    proposals = [make_proposal(title=f"Logement {n}") for n in range(2)]
    for n in range(3):
        _contribute(proposals[0], f"Un logement, témoignage {n}.")

    everything = _search(client, "logement")
    assert "Propositions</a>" in everything and "Témoignages (3+)" in everything
    html = _search(client, "logement", type="proposal")
    assert _count(html) == 2 and "au moins" not in html
    for proposal in proposals:
        assert f'href="/propositions/{proposal.id}"' in _results(html)
    assert "Propositions (2)" in html and "Témoignages (3+)" in html  # the others as before

    html = _search(client, "logement", type="testimony")
    assert "Ces mots se trouvent dans au moins 3 textes" in html
    assert "Témoignages (3+)" in html


def test_results_are_paginated(client, make_proposal, make_theme):
    theme = make_theme()
    for n in range(23):
        make_proposal(title=f"Hébergement d’urgence {n}", theme=theme)
    first = _search(client, "hébergement")
    assert _count(first) == 23
    assert _results(first).count('<li class="card">') == 20
    assert 'rel="next"' in first and "Page 1 sur 2" in first
    second = _search(client, "hébergement", page=2)
    assert _results(second).count('<li class="card">') == 3
    assert 'rel="prev"' in second
    beyond = _search(client, "hébergement", page=9)
    assert _results(beyond) == ""
    assert _count(beyond) == 23  # an empty page still counts
    assert client.get("/recherche?q=x&page=zero").status_code == 400


def test_type_filter_with_counts(client, make_proposal):
    proposal = make_proposal(title="Un logement d’abord")
    _contribute(proposal, "J’attends un logement depuis deux ans.")
    html = _search(client, "logement")
    assert "Tout (2)" in html and "Propositions (1)" in html and "Témoignages (1)" in html
    assert "Réunions (0)" in html

    html = _search(client, "logement", type="testimony")
    assert _count(html) == 1
    assert 'aria-current="page">Témoignages (1)' in html
    assert "depuis deux ans" in _results(html)
    assert 'lang="fr" dir="ltr"' in _results(html)
    assert client.get("/recherche?q=logement&type=user").status_code == 400


def test_contribution_language_is_marked(client, make_proposal):
    proposal = make_proposal()
    _contribute(proposal, "The shelter closes too early", lang="en")
    assert '<p class="snippet" lang="en" dir="ltr">' in _results(_search(client, "shelter"))


def test_empty_query_shows_help_and_runs_no_search(client, make_proposal):
    make_proposal(title="Accès à la santé")
    client.get("/recherche")  # warm-up
    with count_queries() as statements:
        response = client.get("/recherche?q=+++")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tapez un ou plusieurs mots" in html
    assert 'role="status"' not in html and _results(html) == ""
    assert not any("search_document" in s for s in statements)


def test_stop_words_only(client, make_proposal):
    make_proposal(title="Le logement")
    html = _search(client, "le de pour")
    assert "trop courants" in html
    assert _results(html) == ""


def test_overlong_query_is_refused_clearly(client, make_proposal):
    make_proposal(title="Accès à la santé")
    q = "santé " * 40
    html = _search(client, q)
    assert "Votre recherche est trop longue : 200 caractères au plus" in html
    assert 'aria-invalid="true"' in html
    assert f'value="{q.strip()}"' in html  # the text is kept
    assert _results(html) == ""


def test_header_search_box_on_every_page(client, make_proposal):
    proposal = make_proposal()
    for url in ("/", f"/propositions/{proposal.id}", "/organisations/?q=abc"):
        html = client.get(url).get_data(as_text=True)
        assert 'role="search"' in html
        assert '<input type="search" id="site-search-q" name="q" value=""' in html
    html = _search(client, "douches")
    assert '<input type="search" id="site-search-q" name="q" value="douches"' in html


def test_rate_limited(app, client):
    app.config["SEARCH_RATE_LIMIT"] = "2 per minute"
    try:
        assert client.get("/recherche?q=a").status_code == 200
        assert client.get("/recherche?q=b").status_code == 200
        assert client.get("/recherche?q=c").status_code == 429
    finally:
        app.config["SEARCH_RATE_LIMIT"] = "60 per minute"


def test_reindex_command_rebuilds_the_index(app, client, make_proposal):
    proposal = make_proposal(title="Accès à la santé")
    _contribute(proposal, "Une santé fragile", PUBLISHED)
    _contribute(proposal, "Une santé en attente", PENDING)
    db.session.execute(sa.delete(SearchDocument))
    db.session.commit()
    assert _count(_search(client, "santé")) == 0

    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "3 document(s)" in result.output  # the proposal, one testimony, its organisation
    assert re.search(r"testimony\s+1", result.output)
    assert _count(_search(client, "santé")) == 2


def test_demo_data_is_searchable(app, client):
    app.test_cli_runner().invoke(args=["demo", "load"])
    html = _search(client, "sante")
    assert _count(html) > 0
    assert "<mark>" in _results(html)


def test_query_count_does_not_depend_on_the_results(client, make_proposal, make_theme):
    theme = make_theme()
    for n in range(3):
        make_proposal(title=f"Accès à la santé {n}", theme=theme)
    client.get("/recherche?q=santé")
    with count_queries() as few:
        client.get("/recherche?q=santé")
    for n in range(40):
        proposal = make_proposal(title=f"Santé {n}", theme=theme)
        _contribute(proposal, "Ma santé")
    with count_queries() as many:
        client.get("/recherche?q=santé")
    assert len(few) == len(many)
    # Both databases count while they rank, in one pass.
    assert sum("search_document" in s for s in many) == 1
