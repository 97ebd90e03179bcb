"""Reading content in the reader's language: a current translation shown with its lang and
dir, an outdated one marked with its original, the French original marked as such; one
query for the page's translations whatever their number."""

from app.extensions import db
from app.models import TranslatedKind, Translation
from app.services import translations
from tests.helpers import count_queries


def _translate(proposal, lang, **texts):
    translations.add_network_translation(proposal, lang, texts)
    db.session.commit()


def test_arabic_reader_gets_the_arabic_title_marked_rtl(client, make_proposal):
    proposal = make_proposal(title="Ouvrir des bains-douches gratuits")
    _translate(proposal, "ar", title="فتح حمامات مجانية")
    page = client.get(f"/propositions/{proposal.id}?lang=ar").get_data(as_text=True)
    assert '<h1 lang="ar" dir="rtl">فتح حمامات مجانية</h1>' in page
    french = client.get(f"/propositions/{proposal.id}?lang=fr").get_data(as_text=True)
    assert '<h1 lang="fr" dir="ltr">Ouvrir des bains-douches gratuits</h1>' in french


def test_untranslated_text_is_the_french_original_marked(client, make_proposal):
    proposal = make_proposal(title="Ouvrir des bains-douches gratuits")
    page = client.get(f"/propositions/{proposal.id}?lang=en").get_data(as_text=True)
    assert '<h1 lang="fr" dir="ltr">Ouvrir des bains-douches gratuits</h1>' in page
    assert 'class="original-mark"' in page


def test_changed_original_outdates_its_translation(client, make_proposal):
    proposal = make_proposal(title="Ouvrir des bains-douches gratuits")
    _translate(proposal, "en", title="Open free public baths")
    proposal.title = "Ouvrir des bains-douches gratuits le dimanche"
    db.session.commit()
    row = db.session.scalar(db.select(Translation).where(Translation.lang == "en"))
    assert row.outdated
    page = client.get(f"/propositions/{proposal.id}?lang=en").get_data(as_text=True)
    assert "Open free public baths" in page
    assert 'class="outdated"' in page
    assert "Ouvrir des bains-douches gratuits le dimanche</div>" in page  # the original, folded
    proposal.title = "Ouvrir des bains-douches gratuits"  # changed back: current again
    db.session.commit()
    db.session.refresh(row)
    assert not row.outdated


def test_deleting_an_object_drops_its_translations(make_theme):
    theme = make_theme()
    translations.add_network_translation(theme, "en", {"name": "Housing"})
    db.session.commit()
    db.session.delete(theme)
    db.session.commit()
    assert not db.session.scalar(
        db.select(db.func.count())
        .select_from(Translation)
        .where(Translation.kind == TranslatedKind.THEME)
    )


def _page_queries(client, url):
    client.get(url)  # warm: the language choice, caches
    with count_queries() as statements:
        assert client.get(url, headers={"Cache-Control": "no-cache"}).status_code == 200
    return [s for s in statements if "translation" in s.lower()]


def test_one_query_reads_a_list_pages_translations(client, make_proposal, make_theme, app):
    app.config["PAGE_CACHE_ENABLED"] = app.config.get("PAGE_CACHE_ENABLED")
    theme = make_theme()
    for n in range(3):
        proposal = make_proposal(title=f"Proposition {n}", theme=theme)
        _translate(proposal, "ar", title=f"اقتراح {n}")
    few = _page_queries(client, "/propositions?lang=ar")
    for n in range(3, 12):
        proposal = make_proposal(title=f"Proposition {n}", theme=theme)
        _translate(proposal, "ar", title=f"اقتراح {n}")
    many = _page_queries(client, "/propositions?lang=ar")
    assert len(few) == len(many) == 1
