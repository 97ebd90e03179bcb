"""Institutions' responses and commitments in the reader's language: a current translation
shown with its lang and dir, who made it (the network, a translator, the institution
itself), the French original folded under it; outdated once the institution edits its
response; the page's translations read in one query, however many responses."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Commitment,
    OfficialResponse,
    OrganisationKind,
    Position,
    ProposalStatus,
    StatedPosition,
    Translation,
    source_digest,
    utcnow,
)
from app.services import responses as service
from app.services import translations
from tests.conftest import login
from tests.helpers import count_queries

BODY = "Nous ouvrirons deux bâtiments vides cet hiver."
EASY = "Nous disons oui.\nDeux maisons ouvrent cet hiver."
ACTION = "Recenser les locaux vides"
AR_BODY = "سنفتح مبنيين فارغين هذا الشتاء."
AR_EASY = "نقول نعم.\nيُفتح بيتان هذا الشتاء."
AR_ACTION = "إحصاء الأماكن الفارغة"


@pytest.fixture
def w(make_organisation, make_proposal, make_user):
    """A proposal sent to the DDCS, which answered with an easy-read summary and one
    commitment; its representative."""
    ddcs = make_organisation(OrganisationKind.INSTITUTION, name="DDCS de la Moselle")
    proposal = make_proposal(
        "Mobiliser des locaux vides", institutions=[ddcs], status=ProposalStatus.SENT
    )
    proposal.addressed[0].sent_at = utcnow() - timedelta(days=10)
    db.session.commit()
    rep = make_user("institution_rep", organisation=ddcs)
    response = service.publish_response(
        rep, proposal, ddcs, position=Position.FAVOURABLE, body=BODY, easy_read=EASY
    )
    commitment = service.add_commitment(rep, response, ACTION, date(2030, 3, 1))
    return {"ddcs": ddcs, "proposal": proposal, "rep": rep, "response": response,
            "commitment": commitment}  # fmt: skip


def _translate_in_arabic(w):
    translations.add_network_translation(
        w["response"], "ar", {"body": AR_BODY, "easy_read": AR_EASY}
    )
    translations.add_network_translation(w["commitment"], "ar", {"action": AR_ACTION})
    db.session.commit()


def _article(client, w, lang: str) -> str:
    page = client.get(f"/propositions/{w['proposal'].id}?lang={lang}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    start = html.index(f'id="reponse-{w["response"].id}"')
    return html[start : html.index("</article>", start)]


def test_an_arabic_reader_reads_the_response_and_its_commitment_in_arabic(client, w):
    _translate_in_arabic(w)
    article = _article(client, w, "ar")
    assert f'<div class="text" lang="ar" dir="rtl">{AR_EASY}</div>' in article
    assert f'<div class="body" lang="ar" dir="rtl"><p>{AR_BODY}</p></div>' in article
    assert f'<strong><bdi lang="ar" dir="rtl">{AR_ACTION}</bdi></strong>' in article
    assert article.index("باختصار، بلغة سهلة") < article.index(AR_EASY) < article.index(AR_BODY)
    assert "ترجمته الشبكة من الفرنسية." in article  # translated by the network
    # The French originals, folded under each translation, marked French.
    assert f'<div class="text" lang="fr" dir="ltr">{BODY}</div>' in article
    assert f'<div class="text" lang="fr" dir="ltr">{EASY}</div>' in article
    assert f'<div class="text" lang="fr" dir="ltr">{ACTION}</div>' in article
    assert '<bdi dir="auto">DDCS de la Moselle</bdi>' in article
    assert 'class="outdated"' not in article


def test_a_french_reader_reads_the_originals_marked_french(client, w):
    _translate_in_arabic(w)
    article = _article(client, w, "fr")
    assert f'<div class="text" lang="fr" dir="ltr">{EASY}</div>' in article
    assert f'<div class="body" lang="fr" dir="ltr"><p>{BODY}</p></div>' in article
    assert f'<strong><bdi lang="fr" dir="ltr">{ACTION}</bdi></strong>' in article
    assert AR_BODY not in article and "<details" not in article


def test_an_english_reader_without_a_translation_is_told_it_is_the_french_original(client, w):
    _translate_in_arabic(w)
    article = _article(client, w, "en")
    assert f'<div class="body" lang="fr" dir="ltr"><p>{BODY}</p></div>' in article
    assert 'class="original-mark"' in article and "Original text in French." in article
    assert AR_BODY not in article


def test_the_institution_translates_its_own_response_and_is_named(client, w):
    response = w["response"]
    translations.save_translation(
        w["rep"], response, "ar", {"body": AR_BODY},
        revisions={"body": 0}, digests={"body": source_digest(response.body)},
    )  # fmt: skip
    article = _article(client, w, "ar")
    assert f'<div class="body" lang="ar" dir="rtl"><p>{AR_BODY}</p></div>' in article
    assert f'ترجمه من الفرنسية <bdi dir="auto">{w["rep"].pseudonym}</bdi> في' in article
    # Not translated: the summary and the commitment stay French, marked so.
    assert f'<div class="text" lang="fr" dir="ltr">{EASY}</div>' in article
    assert f'<strong><bdi lang="fr" dir="ltr">{ACTION}</bdi></strong>' in article


def test_an_edited_response_outdates_its_translation(client, w):
    _translate_in_arabic(w)
    login(client, w["rep"])
    edited = "Nous ouvrirons trois bâtiments vides cet hiver."
    posted = client.post(
        f"/propositions/{w['proposal'].id}/reponses/{w['ddcs'].id}",
        data={"position": "favourable", "body": edited, "easy_read": EASY},
    )
    assert posted.status_code == 302
    rows = {r.field: r for r in db.session.scalars(sa.select(Translation)).all()}
    assert rows["body"].outdated and not rows["easy_read"].outdated
    assert not rows["action"].outdated
    article = _article(client, w, "ar")
    assert AR_BODY in article  # still shown, with the note and the new original
    assert 'class="outdated"' in article
    assert "تغيّر النص الأصلي بعد هذه الترجمة" in article
    assert f'<div class="text" lang="fr" dir="ltr">{edited}</div>' in article
    assert article.count("(تغيّر بعد الترجمة)") == 1  # the body's original only


def _translated_responses(w, make_organisation, count: int, start: int = 0) -> None:
    """``count`` more institutions answer, each response and commitment in Arabic; each also
    stated a position elsewhere, reported by an association, in Arabic too (numbered from
    ``start``)."""
    proposal = w["proposal"]
    for n in range(start, start + count):
        institution = make_organisation(OrganisationKind.INSTITUTION, name=f"Mairie {n}")
        proposal.addressed.append(_addressed(institution))
        db.session.commit()
        rep_response = OfficialResponse(
            proposal=proposal, institution=institution, position=Position.UNDER_STUDY,
            body=f"Nous étudions ({n}).", easy_read=f"Nous regardons ({n}).",
        )  # fmt: skip
        rep_response.commitments.append(Commitment(action=f"Agir {n}", due_on=date(2030, 1, 1)))
        db.session.add(rep_response)
        db.session.flush()
        translations.add_network_translation(
            rep_response, "ar", {"body": f"ندرس ({n}).", "easy_read": f"ننظر ({n})."}
        )
        translations.add_network_translation(
            rep_response.commitments[0], "ar", {"action": f"العمل {n}"}
        )
        stated = StatedPosition(
            proposal=proposal, institution=institution, words=f"On verra ({n}).",
            source="Compte rendu", reported_by=make_organisation(name=f"Association {n}"),
        )  # fmt: skip
        db.session.add(stated)
        db.session.flush()
        translations.add_network_translation(stated, "ar", {"words": f"سنرى ({n})."})
        db.session.commit()


def _addressed(institution):
    from app.models import AddressedInstitution

    return AddressedInstitution(institution=institution, sent_at=utcnow())


def _statements(client, url):
    client.get(url)  # warm: the language choice, caches
    db.session.expire_all()
    with count_queries() as statements:
        assert client.get(url, headers={"Cache-Control": "no-cache"}).status_code == 200
    return statements


def _reading_translations(statements) -> list[str]:
    return [s for s in statements if "from translation" in " ".join(s.lower().split())]


def test_the_proposal_page_reads_its_translations_in_one_query(client, w, make_organisation):
    _translate_in_arabic(w)
    # One of each kind first (a page reads no stated position of a proposal that has none),
    # then many more of them.
    _translated_responses(w, make_organisation, 1)
    url = f"/propositions/{w['proposal'].id}?lang=ar"
    few = _statements(client, url)
    _translated_responses(w, make_organisation, 6, start=1)
    many = _statements(client, url)
    html = client.get(url).get_data(as_text=True)
    assert "ندرس (5)." in html and "العمل 5" in html and "سنرى (5)." in html
    assert len(many) == len(few)
    rows = [s for s in _reading_translations(many) if "translation.text" in s.lower()]
    assert len(rows) == 1  # the page's translations, whatever their number
