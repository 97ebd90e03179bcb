"""The translators' workspace: the queue (what lacks a translation, what is outdated,
proposals without an easy-read summary, most read first), the side-by-side form and every
bad input it meets (two translators at once included), the easy-read summary, the admins'
naming of translators, and the read tally the queue is sorted by."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db, page_cache
from app.models import (
    AuditAction,
    AuditEvent,
    CharterArticle,
    CharterVersion,
    Commitment,
    Event,
    Meeting,
    OfficialResponse,
    OrganisationKind,
    Position,
    ProgressUpdate,
    Proposal,
    ReadTally,
    StatedPosition,
    TranslatedKind,
    Translation,
    Translator,
    source_digest,
    utcnow,
)
from app.services import translations as service
from app.services.accounts import CHARTER_VERSION
from app.web import read_counter
from app.web.page_cache import current_version
from tests.conftest import login
from tests.helpers import count_queries


@pytest.fixture
def translator(make_user):
    """A volunteer named for English."""
    return _named(make_user("participant", pseudonym="Traductrice"), "en")


def _named(user, *languages):
    for lang in languages:
        db.session.add(Translator(user=user, lang=lang))
    db.session.commit()
    return user


def _page(client, url="/traductions", status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:400]
    return response.get_data(as_text=True)


def _section(page: str, anchor: str) -> str:
    """The HTML of one section of the queue (from its id to the next section)."""
    start = page.index(f'id="{anchor}"')
    end = page.find("<section", start)
    return page[start : end if end != -1 else len(page)]


def _translate(obj, lang, **texts):
    """A translation made by the network (as the demonstration's)."""
    service.add_network_translation(obj, lang, texts)
    db.session.commit()


def _response(proposal, institution, body="Nous étudions la demande.", **fields):
    response = OfficialResponse(
        proposal=proposal, institution=institution, position=Position.UNDER_STUDY, body=body,
        **fields,
    )  # fmt: skip
    db.session.add(response)
    db.session.commit()
    return response


# The queue


def test_the_queue_lists_every_kind_a_reader_sees(client, translator, make_proposal, make_theme):
    theme = make_theme("Hébergement et logement", description="Le toit d’abord.")
    proposal = make_proposal("Des bains-douches ouverts le dimanche", theme=theme)
    institution = _institution()
    response = _response(proposal, institution, body="Nous ouvrirons un local.")
    db.session.add_all(
        [
            Commitment(response=response, action="Recenser les locaux", due_on=date(2031, 1, 1)),
            StatedPosition(proposal=proposal, institution=institution, words="À voir ensemble."),
            ProgressUpdate(proposal=proposal, body="Une réunion est prévue en mai."),
            Event(slug="assises", name="Assises de la solidarité", held_on=date(2015, 4, 30)),
            Meeting(title="Groupe santé ouvert", starts_at=utcnow(), is_public=True),
            Meeting(title="Groupe interne", starts_at=utcnow(), is_public=False),
        ]
    )
    _charters()
    login(client, translator)
    page = _section(_page(client), "a-traduire")
    for text in (
        "Des bains-douches ouverts le dimanche",
        "Nous ouvrirons un local.",
        "Recenser les locaux",
        "À voir ensemble.",
        "Une réunion est prévue en mai.",
        "Hébergement et logement",
        "Assises de la solidarité",
        "Pour participer, en 2026.",
        "Le respect",
        "Groupe santé ouvert",
    ):
        assert text in page, text
    for label in ("Proposition", "Réponse officielle", "Engagement", "Position rapportée"):
        assert label in page
    assert "Groupe interne" not in page  # a members' meeting
    assert "Pour participer, en 2020." not in page  # an earlier charter
    assert "Une règle d’avant" not in page
    assert 'lang="fr" dir="ltr"' in page  # each original marked French


def _institution():
    from app.models import Organisation

    institution = Organisation(
        slug="ddcs", name="DDCS de la Moselle", kind=OrganisationKind.INSTITUTION, verified=True
    )
    db.session.add(institution)
    db.session.commit()
    return institution


def _charters():
    earlier = CharterVersion(
        label="2020-01", introduction="Pour participer, en 2020.",
        published_at=utcnow() - timedelta(days=900),
    )  # fmt: skip
    earlier.articles = [CharterArticle(number=1, title="Une règle d’avant", body="Ancienne.")]
    current = CharterVersion(label=CHARTER_VERSION, introduction="Pour participer, en 2026.")
    current.articles = [CharterArticle(number=1, title="Le respect", body="On se respecte.")]
    db.session.add_all([earlier, current])
    db.session.commit()
    return current


def test_a_text_translated_whole_leaves_the_queue_one_half_translated_stays(
    client, translator, make_proposal
):
    whole = make_proposal("Une proposition traduite")
    half = make_proposal("Une proposition à moitié traduite")
    _translate(whole, "en", title="A translated proposal", body="The text.")
    _translate(half, "en", title="A half-translated proposal")
    login(client, translator)
    page = _section(_page(client), "a-traduire")
    assert "Une proposition à moitié traduite" in page
    assert "Une proposition traduite</bdi>" not in page


def test_an_admin_sees_every_language_and_unknown_ones_fall_back(client, make_user, make_proposal):
    proposal = make_proposal("Une proposition traduite en anglais")
    _translate(proposal, "en", title="A proposal", body="The text.")
    login(client, make_user("admin"))
    english = _page(client, "/traductions?langue=en")
    arabic = _page(client, "/traductions?langue=ar")
    unknown = _page(client, "/traductions?langue=klingon")
    assert "Une proposition traduite en anglais" not in _section(english, "a-traduire")
    assert "Une proposition traduite en anglais" in _section(arabic, "a-traduire")
    assert 'lang="en" aria-current="page"' in unknown  # the first of the admin's languages
    assert 'href="/traductions?langue=ar"' in unknown


def test_the_most_read_come_first_then_the_newest(client, translator, make_proposal):
    older = make_proposal("Plus ancienne et très lue")
    middle = make_proposal("Au milieu, jamais lue")
    newest = make_proposal("La plus récente, jamais lue")
    older.created_at = utcnow() - timedelta(days=30)
    middle.created_at = utcnow() - timedelta(days=10)
    db.session.add(ReadTally(kind=TranslatedKind.PROPOSAL, object_id=older.id, reads=42))
    db.session.commit()
    login(client, translator)
    page = _section(_page(client), "a-traduire")
    order = [page.index(p.title) for p in (older, newest, middle)]
    assert order == sorted(order)
    assert "lu 42 fois" in page


def test_an_outdated_translation_waits_to_be_updated(client, translator, make_proposal):
    proposal = make_proposal("Ouvrir des bains-douches")
    _translate(proposal, "en", title="Open public baths", body="The text.")
    login(client, translator)
    page = _page(client)
    assert "Ouvrir des bains-douches" not in _section(page, "a-traduire")
    assert "Ouvrir des bains-douches" not in _section(page, "a-mettre-a-jour")
    proposal.title = "Ouvrir des bains-douches gratuits"
    db.session.commit()
    page = _page(client)
    assert "Ouvrir des bains-douches gratuits" in _section(page, "a-mettre-a-jour")
    assert "Ouvrir des bains-douches gratuits" not in _section(page, "a-traduire")


def test_proposals_without_an_easy_read_summary_wait_for_one(client, translator, make_proposal):
    without = make_proposal("Sans résumé facile")
    with_one = make_proposal("Avec un résumé facile")
    with_one.easy_read = "Des douches. Pour tout le monde."
    db.session.commit()
    login(client, translator)
    page = _section(_page(client), "sans-resume")
    assert without.title in page
    assert with_one.title not in page
    assert f"/traductions/facile-a-lire/{without.id}" in page
    assert 'href="/traductions"' in _page(client, "/")  # the menu's link


def test_an_example_is_marked_as_one(client, translator, make_proposal):
    make_proposal("Une proposition inventée").example = True
    db.session.commit()
    login(client, translator)
    line = _section(_page(client), "a-traduire")
    assert "Une proposition inventée" in line
    assert 'class="badge example"' in line


def test_a_representative_translates_only_the_institutions_own_texts(
    client, make_user, make_proposal
):
    institution = _institution()
    other = _institution_named("CCAS de Woippy")
    proposal = make_proposal("Une proposition adressée")
    mine = _response(proposal, institution, body="Notre réponse.")
    db.session.add(Commitment(response=mine, action="Notre engagement", due_on=date(2031, 1, 1)))
    _response(proposal, other, body="La réponse d’une autre institution.")
    rep = make_user("institution_rep", organisation=institution)
    login(client, rep)
    page = _page(client, "/traductions?langue=ar")
    queue = _section(page, "a-traduire")
    assert "Notre réponse." in queue
    assert "Notre engagement" in queue
    assert "La réponse d’une autre institution." not in queue
    assert "Une proposition adressée</a>" not in queue  # not a line of its own
    assert 'id="sans-resume"' not in page
    assert 'href="/traductions"' in page  # the menu's link


def _institution_named(name):
    from app.models import Organisation

    institution = Organisation(
        slug=name.lower().replace(" ", "-"), name=name, kind=OrganisationKind.INSTITUTION,
        verified=True,
    )  # fmt: skip
    db.session.add(institution)
    db.session.commit()
    return institution


def test_the_queue_is_for_translators_and_representatives(client, make_user):
    assert client.get("/traductions").status_code == 302
    login(client, make_user("association_member"))
    assert client.get("/traductions").status_code == 403
    assert 'href="/traductions"' not in _page(client, "/")


def test_the_queue_is_paginated(client, translator, make_theme):
    theme = make_theme()
    for n in range(25):
        db.session.add(Proposal(title=f"Proposition numéro {n:02d}", body="Texte.", theme=theme))
    db.session.commit()
    login(client, translator)
    first = _section(_page(client), "a-traduire")
    assert first.count('class="card"') == 20
    assert "a-traduire=2" in first
    assert 'À traduire <span class="count">(26)</span>' in first  # and the workshop
    second = _section(_page(client, "/traductions?langue=en&a-traduire=2"), "a-traduire")
    assert second.count('class="card"') == 6


def _grow(make_theme, n):
    """n more of every kind the queue lists, some translated, some outdated."""
    theme = make_theme()
    institution = _institution_named(f"Institution {make_theme().id}")
    for i in range(n):
        proposal = Proposal(title=f"Proposition {i}", body="Texte.", theme=theme)
        response = OfficialResponse(
            proposal=proposal, institution=institution, position=Position.FAVOURABLE,
            body="Oui.",
        )  # fmt: skip
        db.session.add_all(
            [
                proposal,
                response,
                Commitment(response=response, action="Faire", due_on=date(2031, 1, 1)),
                StatedPosition(proposal=proposal, institution=institution, words="Dit."),
                ProgressUpdate(proposal=proposal, body="Du nouveau."),
                Event(slug=f"evenement-{theme.id}-{i}", name=f"Événement {theme.id} {i}",
                      held_on=date(2015, 4, 30), example=bool(i % 2)),
                Meeting(title=f"Réunion {i}", starts_at=utcnow()),
            ]
        )  # fmt: skip
        db.session.flush()
        db.session.add(ReadTally(kind=TranslatedKind.PROPOSAL, object_id=proposal.id, reads=i))
        if i % 3 == 0:
            service.add_network_translation(proposal, "en", {"title": "A proposal"})
            proposal.title += " (modifiée)"
    db.session.commit()


def _count(client, url) -> int:
    db.session.expire_all()  # as a new request's session: nothing loaded yet
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_queue_runs_the_same_queries_whatever_the_data(client, translator, make_theme):
    _charters()
    _grow(make_theme, 2)
    login(client, translator)
    small = _count(client, "/traductions")
    _grow(make_theme, 30)
    assert _count(client, "/traductions") == small
    assert _count(client, "/traductions?langue=en&a-traduire=2") == small


# The side-by-side form


def _form_url(obj, lang="en", kind=TranslatedKind.PROPOSAL):
    return f"/traductions/{kind.value}/{obj.id}/{lang}"


def _hidden(page: str, name: str) -> str:
    """The value of a hidden field of the page."""
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page)
    assert match, name
    return match.group(1)


def _typed(page: str, text: str) -> bool:
    """Whether a textarea of the page holds ``text``."""
    return re.search(r">\s*" + re.escape(text) + "</textarea>", page) is not None


def _fields(page: str, obj, fields=("title", "body")) -> dict:
    """What the form carries for each field (its hidden revision and digest)."""
    data = {}
    for field in fields:
        data[f"revision_{field}"] = _hidden(page, f"revision_{field}")
        data[f"digest_{field}"] = _hidden(page, f"digest_{field}")
    return data


def test_the_form_shows_the_original_beside_the_translation(client, make_user, make_proposal):
    proposal = make_proposal("Des douches gratuites")
    login(client, _named(make_user("participant"), "ar"))
    page = _page(client, _form_url(proposal, "ar"))
    assert '<div class="text" lang="fr" dir="ltr">Des douches gratuites</div>' in page
    assert '<textarea dir="rtl" id="title" lang="ar" name="title"' in page
    assert 'class="side-by-side"' in page
    assert _hidden(page, "revision_title") == "0"
    assert _hidden(page, "digest_title") == source_digest("Des douches gratuites")
    assert 'name="easy_read"' not in page  # no original to translate


def test_a_translation_is_saved_and_the_queue_follows(client, translator, make_proposal):
    proposal = make_proposal("Des douches gratuites")
    login(client, translator)
    page = _page(client, _form_url(proposal))
    data = {"title": "Free showers", "body": "The text.", **_fields(page, proposal)}
    response = client.post(_form_url(proposal), data=data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/traductions?langue=en")
    rows = db.session.scalars(sa.select(Translation).order_by(Translation.field)).all()
    assert [(r.field, r.text, r.translator_id, r.revision) for r in rows] == [
        ("body", "The text.", translator.id, 1),
        ("title", "Free showers", translator.id, 1),
    ]
    page = _page(client)
    assert "La traduction est enregistrée." in page
    assert "Des douches gratuites" not in _section(page, "a-traduire")


def test_from_the_proposal_page_the_save_goes_back_to_it(client, translator, make_proposal):
    proposal = make_proposal("Des douches gratuites")
    login(client, translator)
    shown = _page(client, f"/propositions/{proposal.id}")
    link = f"/traductions/proposal/{proposal.id}/en?retour=page"
    assert link in shown
    assert f"/traductions/proposal/{proposal.id}/ar" not in shown  # not her language
    page = _page(client, link)
    data = {"title": "Free showers", **_fields(page, proposal)}
    response = client.post(link, data=data)
    assert response.headers["Location"].endswith(f"/propositions/{proposal.id}")


def test_no_translate_link_for_a_reader(client, make_user, make_proposal):
    proposal = make_proposal()
    login(client, make_user("participant"))
    assert "/traductions/" not in _page(client, f"/propositions/{proposal.id}")


def test_an_empty_translation_saves_nothing(client, translator, make_proposal):
    proposal = make_proposal()
    login(client, translator)
    page = _page(client, _form_url(proposal))
    response = client.post(_form_url(proposal), data={"title": "  ", **_fields(page, proposal)})
    assert response.status_code == 200
    assert "Écrivez la traduction avant d’enregistrer." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Translation.id))) == 0


def test_a_too_long_translation_is_refused_and_kept(client, translator, make_proposal):
    proposal = make_proposal()
    login(client, translator)
    page = _page(client, _form_url(proposal))
    long_title = "A very long title " * 30  # over twice the original's 200 characters
    data = {"title": long_title, "body": "The text.", **_fields(page, proposal)}
    response = client.post(_form_url(proposal), data=data)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "caractères ; 400 au plus" in text
    assert long_title.strip() in text
    assert db.session.scalar(sa.select(sa.func.count(Translation.id))) == 0


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/traductions/recette/{id}/en", 404),  # no such kind
        ("/traductions/proposal/{id}/de", 404),  # not a site language
        ("/traductions/proposal/{id}/fr", 404),  # the originals' language
        ("/traductions/proposal/999999/en", 404),
        ("/traductions/contribution/{id}/en", 404),  # never translated
    ],
)
def test_unknown_kinds_languages_and_ids_are_not_found(
    client, translator, make_proposal, url, status
):
    proposal = make_proposal()
    login(client, translator)
    assert client.get(url.format(id=proposal.id)).status_code == status
    assert client.post(url.format(id=proposal.id), data={"title": "X"}).status_code == status
    assert db.session.scalar(sa.select(sa.func.count(Translation.id))) == 0


def test_a_members_meeting_is_not_translated(client, translator):
    meeting = Meeting(title="Groupe interne", starts_at=utcnow(), is_public=False)
    db.session.add(meeting)
    db.session.commit()
    login(client, translator)
    assert client.get(_form_url(meeting, kind=TranslatedKind.MEETING)).status_code == 404


def test_who_may_not_translate_is_refused(client, make_user, make_proposal):
    proposal = make_proposal()
    institution = _institution()
    response = _response(proposal, institution)
    login(client, make_user("participant"))
    assert client.get(_form_url(proposal)).status_code == 403
    assert client.post(_form_url(proposal), data={"title": "X"}).status_code == 403
    rep = make_user("institution_rep", organisation=_institution_named("Ville de Metz"))
    login(client, rep)  # another institution's response
    assert client.get(_form_url(response, kind=TranslatedKind.RESPONSE)).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Translation.id))) == 0


def test_a_representative_translates_the_institutions_response(client, make_user, make_proposal):
    institution = _institution()
    response = _response(make_proposal(), institution, body="Nous ouvrirons un local.")
    login(client, make_user("institution_rep", organisation=institution))
    url = _form_url(response, "ar", TranslatedKind.RESPONSE)
    page = _page(client, url)
    data = {"body": "سنفتح مكانًا.", **_fields(page, response, ("body",))}
    assert client.post(url, data=data).status_code == 302
    assert db.session.scalar(sa.select(Translation.text)) == "سنفتح مكانًا."


def test_two_translators_at_once_the_second_is_told_and_keeps_the_text(
    app, client, translator, make_user, make_proposal
):
    proposal = make_proposal("Des douches gratuites")
    login(client, translator)
    other = app.test_client()
    login(other, _named(make_user("participant", pseudonym="Autre"), "en"))
    first_page, second_page = _page(client, _form_url(proposal)), _page(other, _form_url(proposal))
    first = {"title": "Free showers", **_fields(first_page, proposal)}
    second = {"title": "Showers for free", **_fields(second_page, proposal)}
    assert client.post(_form_url(proposal), data=first).status_code == 302

    refused = other.post(_form_url(proposal), data=second)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "Quelqu’un a enregistré une autre traduction" in page
    assert _typed(page, "Showers for free")  # the text kept
    assert "Traduction enregistrée entre-temps par Traductrice" in page
    assert ">Free showers</div>" in page  # the other translation, to compare
    assert db.session.scalar(sa.select(Translation.text)) == "Free showers"

    # Once compared, saving again replaces it: the form now starts from revision 1.
    assert _hidden(page, "revision_title") == "1"
    again = {"title": "Showers for free", **_fields(page, proposal)}
    assert other.post(_form_url(proposal), data=again).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(Translation.text)) == "Showers for free"


def test_an_original_changed_meanwhile_is_told_and_the_text_kept(client, translator, make_proposal):
    proposal = make_proposal("Des douches gratuites")
    login(client, translator)
    page = _page(client, _form_url(proposal))
    proposal.title = "Des douches gratuites, le dimanche aussi"
    db.session.commit()
    data = {"title": "Free showers", **_fields(page, proposal)}
    refused = client.post(_form_url(proposal), data=data)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "L’original a changé pendant que vous traduisiez" in text
    assert _typed(text, "Free showers")
    assert "Des douches gratuites, le dimanche aussi" in text  # the new original, left
    assert db.session.scalar(sa.select(sa.func.count(Translation.id))) == 0


def test_an_outdated_translation_shows_what_changed(client, translator, make_proposal):
    proposal = make_proposal("Des douches gratuites")
    _translate(proposal, "en", title="Free showers")
    proposal.title = "Des douches gratuites le dimanche"
    db.session.commit()
    login(client, translator)
    page = _page(client, _form_url(proposal))
    assert "Ce qui a changé dans l’original depuis la traduction" in page
    assert re.search(r"<ins>[^/]*ajouté : </span> le dimanche<", page)
    assert _typed(page, "Free showers")
    assert "À mettre à jour : l’original a changé depuis." in page


def test_the_form_runs_the_same_queries_whatever_the_data(client, translator, make_theme):
    _grow(make_theme, 2)
    proposal = db.session.scalar(sa.select(Proposal).order_by(Proposal.id))
    login(client, translator)
    small = _count(client, _form_url(proposal))
    _grow(make_theme, 30)
    for other in db.session.scalars(sa.select(Proposal).limit(20)):
        service.add_network_translation(other, "en", {"body": "The text."})
    db.session.commit()
    assert _count(client, _form_url(proposal)) == small


# The easy-read summary


def test_a_translator_writes_the_easy_read_summary(client, translator, make_proposal):
    proposal = make_proposal("Des douches gratuites")
    url = f"/traductions/facile-a-lire/{proposal.id}"
    login(client, translator)
    page = _page(client, url)
    assert "Une idée par phrase." in page
    data = {"easy_read": "Des douches.\nGratuites.\nPour tous.", "was": _hidden(page, "was")}
    response = client.post(url, data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).easy_read == "Des douches.\nGratuites.\nPour tous."
    assert proposal.title not in _section(_page(client), "sans-resume")


def test_who_may_edit_the_proposal_writes_it_too(client, make_user, make_proposal):
    member = make_user("association_member")
    proposal = make_proposal(author=member)
    url = f"/traductions/facile-a-lire/{proposal.id}"
    login(client, make_user("participant"))
    assert client.get(url).status_code == 403
    client = client.application.test_client()
    login(client, member)
    page = _page(client, url)
    data = {"easy_read": "Des douches pour tous.", "was": _hidden(page, "was")}
    response = client.post(url, data=data)
    assert response.headers["Location"].endswith(f"/propositions/{proposal.id}")


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "Écrivez le résumé avant d’enregistrer."), ("Trop long. " * 200, "caractères ; 1")],
)
def test_a_bad_easy_read_summary_saves_nothing(client, translator, make_proposal, text, message):
    proposal = make_proposal()
    url = f"/traductions/facile-a-lire/{proposal.id}"
    login(client, translator)
    page = _page(client, url)
    response = client.post(url, data={"easy_read": text, "was": _hidden(page, "was")})
    shown = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in shown.replace("\u202f", " ").replace("\xa0", " ")
    assert text.strip()[:40] in shown
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).easy_read == ""


def test_two_easy_read_summaries_at_once_the_second_is_told(
    app, client, translator, make_user, make_proposal
):
    proposal = make_proposal()
    url = f"/traductions/facile-a-lire/{proposal.id}"
    login(client, translator)
    other = app.test_client()
    login(other, _named(make_user("participant"), "ar"))
    was = _hidden(_page(client, url), "was")
    assert client.post(url, data={"easy_read": "Le premier.", "was": was}).status_code == 302
    refused = other.post(url, data={"easy_read": "Le second.", "was": was})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "Quelqu’un a écrit un autre résumé" in page
    assert _typed(page, "Le second.")
    assert ">Le premier.</div>" in page
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).easy_read == "Le premier."


# The admins' list


def test_an_admin_names_a_translator_by_email_or_pseudonym(client, make_user):
    admin = make_user("admin")
    volunteer = make_user("association_member", email="benevole@example.org", pseudonym="Nadia")
    login(client, admin)
    assert "/admin/traducteurs" in _page(client, "/admin/")
    by_email = {"user": "BENEVOLE@example.org", "lang": "ar"}
    assert client.post("/admin/traducteurs", data=by_email).status_code == 302
    by_pseudonym = {"user": "nadia", "lang": "en"}
    assert client.post("/admin/traducteurs", data=by_pseudonym).status_code == 302
    page = _page(client, "/admin/traducteurs")
    assert "Nadia traduit désormais en anglais." in page
    roles = db.session.scalars(sa.select(Translator).order_by(Translator.lang)).all()
    assert [(r.user_id, r.lang, r.granted_by_id) for r in roles] == [
        (volunteer.id, "ar", admin.id),
        (volunteer.id, "en", admin.id),
    ]
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    named = [e for e in events if e.action is AuditAction.TRANSLATOR_NAMED]
    assert [(e.actor_id, e.target_id, e.details["lang"]) for e in named] == [
        (admin.id, volunteer.id, "ar"),
        (admin.id, volunteer.id, "en"),
    ]
    assert page.count("Nadia") >= 2  # listed under each language


def test_an_admin_removes_a_translator(client, make_user):
    admin = make_user("admin")
    volunteer = _named(make_user("participant", pseudonym="Nadia"), "ar")
    role = db.session.scalar(sa.select(Translator))
    login(client, admin)
    assert f"/admin/traducteurs/{role.id}/retirer" in _page(client, "/admin/traducteurs")
    response = client.post(f"/admin/traducteurs/{role.id}/retirer")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Translator.id))) == 0
    removed = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == AuditAction.TRANSLATOR_REMOVED)
    )
    assert (removed.actor_id, removed.target_id, removed.details["lang"]) == (
        admin.id,
        volunteer.id,
        "ar",
    )
    assert client.post(f"/admin/traducteurs/{role.id}/retirer").status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"user": "", "lang": "en"}, "Indiquez l’adresse e-mail ou le pseudonyme du compte."),
        ({"user": "personne@example.org", "lang": "en"}, "Aucun compte ne porte cette adresse"),
        ({"user": "Bloqué", "lang": "en"}, "Ce compte n’est pas actif."),
        ({"user": "Nadia", "lang": "de"}, "Langue"),
    ],
)
def test_naming_a_translator_badly_names_nobody(client, make_user, data, message):
    make_user("participant", pseudonym="Nadia")
    make_user("participant", pseudonym="Bloqué", active=False)
    login(client, make_user("admin"))
    response = client.post("/admin/traducteurs", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'class="error-summary"' in page
    if data["user"]:
        assert f'value="{data["user"]}"' in page  # what was typed, kept
    assert db.session.scalar(sa.select(sa.func.count(Translator.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0


def test_only_admins_name_translators(client, make_user):
    volunteer = _named(make_user("participant"), "en")
    role_id = db.session.scalar(sa.select(Translator.id))
    login(client, volunteer)
    assert client.get("/admin/traducteurs").status_code == 403
    assert client.post("/admin/traducteurs", data={"user": "x", "lang": "ar"}).status_code == 403
    assert client.post(f"/admin/traducteurs/{role_id}/retirer").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Translator.id))) == 1


# The read tally


@pytest.fixture
def counting(app, monkeypatch):
    """Reads written at every counted read (the flush period at 0), none left from before."""
    read_counter_of(app).clear()
    monkeypatch.setitem(app.config, "READ_TALLY_FLUSH_SECONDS", 0)
    yield read_counter_of(app)
    read_counter_of(app).clear()


def read_counter_of(app):
    return app.extensions["read_counter"]


def _reads(proposal) -> int | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(ReadTally.reads).where(ReadTally.object_id == proposal.id))


def test_reads_of_a_proposal_page_are_counted(client, counting, make_proposal):
    proposal, other = make_proposal(), make_proposal("Une autre")
    for _ in range(3):
        assert client.get(f"/propositions/{proposal.id}").status_code == 200
    client.get(f"/propositions/{other.id}")
    client.get("/propositions/999999")  # not found: no read
    client.get("/propositions")  # a list is no read of a proposal
    assert _reads(proposal) == 3
    assert _reads(other) == 1
    assert db.session.scalar(sa.select(sa.func.count(ReadTally.id))) == 2
    assert counting.pending() == {}


def test_reads_wait_in_memory_until_the_period_is_over(app, client, make_proposal, monkeypatch):
    read_counter_of(app).clear()
    monkeypatch.setitem(app.config, "READ_TALLY_FLUSH_SECONDS", 3600)
    proposal = make_proposal()
    client.get(f"/propositions/{proposal.id}")
    client.get(f"/propositions/{proposal.id}")
    assert _reads(proposal) is None  # no write at each read
    assert read_counter_of(app).pending() == {(TranslatedKind.PROPOSAL, proposal.id): 2}
    read_counter.flush()  # what the next read after the period does
    assert _reads(proposal) == 2
    read_counter_of(app).clear()


def test_pages_served_from_the_cache_are_counted_and_never_dropped(
    app, client, counting, make_proposal
):
    proposal = make_proposal()
    app.config["PAGE_CACHE_ENABLED"] = True
    page_cache.clear()
    try:
        url = f"/propositions/{proposal.id}"
        assert client.get(url).headers["X-Page-Cache"] == "miss"
        version = current_version()
        assert client.get(url).headers["X-Page-Cache"] == "hit"
        assert client.get(url).headers["X-Page-Cache"] == "hit"  # the flush dropped nothing
        db.session.rollback()
        assert current_version() == version
    finally:
        app.config["PAGE_CACHE_ENABLED"] = False
    assert _reads(proposal) == 3


def test_reads_add_to_the_tally(counting, make_proposal):
    proposal = make_proposal()
    db.session.add(ReadTally(kind=TranslatedKind.PROPOSAL, object_id=proposal.id, reads=40))
    db.session.commit()
    counting.add(TranslatedKind.PROPOSAL, proposal.id)
    counting.add(TranslatedKind.PROPOSAL, proposal.id)
    read_counter.flush()
    assert _reads(proposal) == 42
