"""The API in the language asked for: ``?lang=`` gives each translatable text in that
language when translated, the French original otherwise, with the language of each text and
whether its translation is outdated; never an error, never the session's language; one copy
per language in the page cache."""

from datetime import date, timedelta

import pytest

from app.extensions import db, page_cache
from app.models import (
    Commitment,
    Meeting,
    OfficialResponse,
    OrganisationKind,
    Position,
    ProgressUpdate,
    StatedPosition,
    utcnow,
)
from app.services.translations import add_network_translation
from tests.helpers import count_queries

FRENCH = {"lang": "fr", "translation_outdated": False}
ARABIC = {"lang": "ar", "translation_outdated": False}


def _translate(obj, lang, **texts):
    add_network_translation(obj, lang, texts)
    db.session.commit()


@pytest.fixture
def answered(make_proposal, make_organisation, make_event):
    """A proposal of an event, answered with a commitment, with news and a stated position:
    each text in French, most of them translated into Arabic."""
    city = make_organisation(OrganisationKind.INSTITUTION, name="Ville de Metz")
    proposal = make_proposal(title="Ouvrir des bains-douches gratuits", institutions=[city])
    proposal.easy_read = "Des douches gratuites pour tous."
    proposal.event = make_event()
    response = OfficialResponse(
        proposal=proposal,
        institution=city,
        position=Position.FAVOURABLE,
        body="La ville ouvrira un lieu.",
        easy_read="La ville dit oui.",
    )
    response.commitments.append(Commitment(action="Ouvrir un local", due_on=date(2027, 1, 1)))
    update = ProgressUpdate(proposal=proposal, body="Le local est trouvé.", organisation=city)
    stated = StatedPosition(proposal=proposal, institution=city, words="Nous y pensons.")
    db.session.add_all([response, update, stated])
    db.session.commit()
    _translate(proposal, "ar", title="فتح حمامات مجانية", body="الوضع، ثم ما نقترحه.")
    _translate(response, "ar", body="ستفتح المدينة مكانا.")
    _translate(response.commitments[0], "ar", action="فتح مكان")
    _translate(update, "ar", body="وجدنا المكان.")
    _translate(stated, "ar", words="نفكر في ذلك.")
    _translate(proposal.event, "ar", name="لقاءات التضامن 2015")
    return proposal


def test_a_proposal_in_arabic_with_each_texts_language(client, answered):
    response = client.get(f"/api/v1/proposals/{answered.id}?lang=ar")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "ar"
    data = response.get_json()
    assert (data["title"], data["text"]) == ("فتح حمامات مجانية", "الوضع، ثم ما نقترحه.")
    # Not translated: the French original, said to be French.
    assert data["easy_read"] == "Des douches gratuites pour tous."
    assert data["languages"] == {"title": ARABIC, "text": ARABIC, "easy_read": FRENCH}
    assert data["event"]["name"] == "لقاءات التضامن 2015"
    assert data["event"]["languages"] == {"name": ARABIC}
    [answer] = data["responses"]
    assert (answer["text"], answer["easy_read"]) == ("ستفتح المدينة مكانا.", "La ville dit oui.")
    assert answer["languages"] == {"text": ARABIC, "easy_read": FRENCH}
    [commitment] = answer["commitments"]
    assert (commitment["action"], commitment["languages"]) == ("فتح مكان", {"action": ARABIC})
    [update] = data["updates"]
    assert (update["text"], update["languages"]) == ("وجدنا المكان.", {"text": ARABIC})
    [stated] = data["stated_positions"]
    assert (stated["words"], stated["languages"]) == ("نفكر في ذلك.", {"words": ARABIC})


def test_without_lang_the_french_originals(client, answered):
    response = client.get(f"/api/v1/proposals/{answered.id}")
    assert response.headers["Content-Language"] == "fr"
    data = response.get_json()
    assert data["title"] == "Ouvrir des bains-douches gratuits"
    assert data["text"].startswith("Le constat")
    assert data["languages"] == {"title": FRENCH, "text": FRENCH, "easy_read": FRENCH}
    assert data["responses"][0]["text"] == "La ville ouvrira un lieu."
    assert data["responses"][0]["commitments"][0]["action"] == "Ouvrir un local"


@pytest.mark.parametrize("lang", ["xx", "", "AR", "ar-MA", "../fr", "fr"])
def test_an_unknown_language_is_french_never_an_error(client, answered, lang):
    response = client.get(f"/api/v1/proposals/{answered.id}?lang={lang}")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "fr"
    assert response.get_json()["title"] == "Ouvrir des bains-douches gratuits"
    listed = client.get(f"/api/v1/proposals?lang={lang}")
    assert listed.status_code == 200
    assert listed.get_json()["items"][0]["title"] == "Ouvrir des bains-douches gratuits"


def test_the_sites_language_choice_does_not_change_the_api(client, answered):
    client.get("/?lang=ar")  # the visitor reads the site in Arabic
    data = client.get(f"/api/v1/proposals/{answered.id}").get_json()
    assert data["title"] == "Ouvrir des bains-douches gratuits"


def test_the_apis_lang_leaves_the_session_alone(client, answered):
    response = client.get(f"/api/v1/proposals/{answered.id}?lang=ar")
    assert "Set-Cookie" not in response.headers
    page = client.get(f"/propositions/{answered.id}").get_data(as_text=True)
    assert 'lang="fr"' in page.split(">", 2)[1]  # the site still in French: <html lang="fr">


def test_an_outdated_translation_is_said_so(client, make_proposal):
    proposal = make_proposal(title="Ouvrir des bains-douches gratuits")
    _translate(proposal, "en", title="Open free public baths")
    proposal.title = "Ouvrir des bains-douches gratuits le dimanche"
    db.session.commit()
    data = client.get(f"/api/v1/proposals/{proposal.id}?lang=en").get_json()
    assert data["title"] == "Open free public baths"
    assert data["languages"]["title"] == {"lang": "en", "translation_outdated": True}
    [item] = client.get("/api/v1/proposals?lang=en").get_json()["items"]
    assert item["languages"]["title"] == {"lang": "en", "translation_outdated": True}


def test_the_list_in_english(client, make_proposal):
    translated = make_proposal(title="Ouvrir des bains-douches gratuits")
    make_proposal(title="Domiciliation simplifiée")
    _translate(translated, "en", title="Open free public baths")
    response = client.get("/api/v1/proposals?lang=en")
    assert response.headers["Content-Language"] == "en"
    items = {item["id"]: item for item in response.get_json()["items"]}
    assert items[translated.id]["title"] == "Open free public baths"
    assert items[translated.id]["languages"] == {"title": {**FRENCH, "lang": "en"}}
    [other] = [item for key, item in items.items() if key != translated.id]
    assert (other["title"], other["languages"]) == ("Domiciliation simplifiée", {"title": FRENCH})


def test_workshops_events_and_meetings_in_the_language_asked(client, make_theme, make_event):
    theme = make_theme("Hébergement")
    _translate(theme, "en", name="Housing")
    event = make_event()
    event.summary = "Une journée de travail."
    db.session.commit()
    _translate(event, "en", name="Solidarity assises 2015", summary="A working day.")
    starts = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    meeting = Meeting(
        title="Groupe de travail santé",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        agenda="1. Tour de table",
    )
    db.session.add(meeting)
    db.session.commit()
    _translate(meeting, "en", title="Health working group")
    [workshop] = client.get("/api/v1/themes?lang=en").get_json()["items"]
    assert (workshop["name"], workshop["languages"]["name"]["lang"]) == ("Housing", "en")
    [listed] = client.get("/api/v1/events?lang=en").get_json()["items"]
    assert listed["name"] == "Solidarity assises 2015"
    one = client.get(f"/api/v1/events/{event.slug}?lang=en").get_json()
    assert (one["name"], one["summary"]) == ("Solidarity assises 2015", "A working day.")
    assert one["languages"]["summary"] == {"lang": "en", "translation_outdated": False}
    assert one["languages"]["advances"] == FRENCH
    [item] = client.get("/api/v1/meetings?lang=en").get_json()["items"]
    assert (item["title"], item["languages"]) == (
        "Health working group",
        {"title": {**FRENCH, "lang": "en"}},
    )
    detail = client.get(f"/api/v1/meetings/{meeting.id}?lang=en").get_json()
    assert detail["title"] == "Health working group"
    assert detail["languages"]["agenda"] == FRENCH


def _translation_queries(client, url):
    db.session.expire_all()
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return [s for s in statements if "FROM translation" in s]


@pytest.mark.parametrize(
    "url",
    ["/api/v1/proposals/{id}?lang=ar", "/api/v1/proposals?lang=ar", "/api/v1/themes?lang=ar"],
)
def test_one_query_reads_an_answers_translations(client, answered, url):
    assert len(_translation_queries(client, url.format(id=answered.id))) == 1


def test_french_reads_no_translation(client, answered):
    assert _translation_queries(client, f"/api/v1/proposals/{answered.id}") == []


@pytest.fixture
def cached(app):
    app.config["PAGE_CACHE_ENABLED"] = True
    with app.app_context():
        page_cache.clear()
    yield app
    app.config["PAGE_CACHE_ENABLED"] = False


def test_the_page_cache_keeps_one_copy_per_language(cached, client, answered):
    url = f"/api/v1/proposals/{answered.id}"
    first = client.get(f"{url}?lang=ar")
    again = client.get(f"{url}?lang=ar")
    assert (first.headers["X-Page-Cache"], again.headers["X-Page-Cache"]) == ("miss", "hit")
    assert again.get_json()["title"] == "فتح حمامات مجانية"
    assert again.headers["Content-Language"] == "ar"
    french = client.get(url)
    assert french.headers["X-Page-Cache"] == "miss"
    assert french.get_json()["title"] == "Ouvrir des bains-douches gratuits"
    assert french.headers["ETag"] != first.headers["ETag"]
    unchanged = client.get(f"{url}?lang=ar", headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304
    # A new translation is new content: the kept copies are dropped.
    _translate(answered, "ar", easy_read="حمامات مجانية للجميع.")
    fresh = client.get(f"{url}?lang=ar")
    assert fresh.headers["X-Page-Cache"] == "miss"
    assert fresh.get_json()["easy_read"] == "حمامات مجانية للجميع."
