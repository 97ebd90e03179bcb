"""The translations' review fixes: two saves at the same instant on two real database
sessions (the second is refused, nothing overwritten), the audit trail of translations,
taking an outdated translation down, the easy-read summary a translator may only write
when there is none, and the translate links under every text a reader reaches."""

import re
import threading
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditAction,
    AuditEvent,
    Proposal,
    Translation,
    Translator,
    User,
    paris_today,
    source_digest,
    utcnow,
)
from app.services import ServiceError
from app.services import translations as service
from tests.conftest import login
from tests.helpers import count_queries


def _named(user, *languages):
    for lang in languages:
        db.session.add(Translator(user=user, lang=lang))
    db.session.commit()
    return user


# Two saves at the same instant


def test_two_saves_at_the_same_instant_the_second_is_refused(
    app, make_user, make_proposal, monkeypatch
):
    """Both translators read revision 1 before either writes: the second UPDATE finds the
    row at revision 2 and is refused, on each database, instead of overwriting."""
    proposal = make_proposal("Des douches gratuites")
    service.add_network_translation(proposal, "en", {"title": "Showers"})
    db.session.commit()
    ids = [_named(make_user("participant", pseudonym=name), "en").id for name in ("Une", "Deux")]
    proposal_id, digest = proposal.id, source_digest(proposal.title)
    barrier = threading.Barrier(2, timeout=20)
    checked = threading.local()
    check_bases = service._check_bases

    def check_then_wait(*args):  # both have read and checked before either writes
        check_bases(*args)
        if not getattr(checked, "once", False):
            checked.once = True
            barrier.wait()

    monkeypatch.setattr(service, "_check_bases", check_then_wait)
    outcomes: dict[str, str] = {}

    def save(user_id: int, text: str) -> None:
        with app.app_context():
            try:
                actor = db.session.get(User, user_id)
                obj = db.session.get(Proposal, proposal_id)
                service.save_translation(
                    actor, obj, "en", {"title": text},
                    revisions={"title": 1}, digests={"title": digest},
                )  # fmt: skip
                outcomes[text] = "saved"
            except ServiceError as error:
                outcomes[text] = str(error)
            except Exception as error:  # reported by the main thread
                outcomes[text] = repr(error)
                barrier.abort()
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=save, args=(user_id, text))
        for user_id, text in zip(ids, ("Free showers", "Showers for free"), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values())[-1] == "saved", outcomes
    refused = [text for text, outcome in outcomes.items() if outcome != "saved"]
    assert len(refused) == 1, outcomes
    assert outcomes[refused[0]].startswith("Quelqu’un a enregistré une autre traduction")
    db.session.expire_all()
    row = db.session.scalars(sa.select(Translation)).one()
    winner = next(text for text, outcome in outcomes.items() if outcome == "saved")
    assert (row.text, row.revision) == (winner, 2)


# The audit trail


def _events(action):
    db.session.expire_all()
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def test_saves_removals_and_summaries_are_audited_without_the_text(
    client, make_user, make_proposal
):
    proposal = make_proposal("Des douches gratuites")
    translator = _named(make_user("participant"), "en")
    login(client, translator)
    url = f"/traductions/proposal/{proposal.id}/en"
    digest = source_digest(proposal.title)
    data = {"title": "Free showers", "revision_title": "0", "digest_title": digest}
    assert client.post(url, data=data).status_code == 302
    [saved] = _events(AuditAction.TRANSLATION_SAVED)
    assert (saved.actor_id, saved.target_type, saved.target_id) == (
        translator.id, "proposal", proposal.id,
    )  # fmt: skip
    assert saved.details == {
        "kind": "proposal", "lang": "en", "fields": ["title"],
    }  # fmt: skip
    assert client.post(f"{url}/retirer").status_code == 302
    [removed] = _events(AuditAction.TRANSLATION_REMOVED)
    assert removed.details == {"kind": "proposal", "lang": "en", "fields": ["title"]}
    summary = {"easy_read": "Des douches. Pour tous.", "was": source_digest("")}
    assert client.post(f"/traductions/facile-a-lire/{proposal.id}", data=summary).status_code == 302
    [written] = _events(AuditAction.EASY_READ_WRITTEN)
    assert written.details == {"kind": "proposal", "lang": "fr", "fields": ["easy_read"]}
    for event in (saved, removed, written):
        assert "Free showers" not in str(event.details)
        assert "douches" not in str(event.details).lower()


# Taking a translation down


def test_a_translator_takes_an_outdated_translation_down(client, make_user, make_proposal):
    proposal = make_proposal("Appelez le 06 12 34 56 78")
    proposal.body = "Le numéro : 06 12 34 56 78."
    service.add_network_translation(
        proposal, "en", {"title": "Call 06 12 34 56 78", "body": "The number: 06 12 34 56 78."}
    )
    service.add_network_translation(proposal, "ar", {"title": "اتصلوا بالرقم 06 12 34 56 78"})
    proposal.title = "Appelez l’accueil"
    db.session.commit()
    login(client, _named(make_user("participant"), "en"))
    url = f"/traductions/proposal/{proposal.id}/en"
    page = client.get(url).get_data(as_text=True)
    assert f'action="{url}/retirer"' in page
    assert 'name="csrf_token"' in page.split(f'action="{url}/retirer"')[1].split("</form>")[0]
    assert "les lecteurs liront l’original en français" in page
    response = client.post(f"{url}/retirer")
    assert response.headers["Location"].endswith(f"/propositions/{proposal.id}")
    db.session.expire_all()
    left = db.session.execute(sa.select(Translation.lang, Translation.field)).all()
    assert left == [("ar", "title")]  # the other language is not hers: kept
    shown = client.get(f"/propositions/{proposal.id}?lang=en").get_data(as_text=True)
    assert "La traduction en anglais est retirée." in shown  # said in the remover's language
    assert "Call 06 12 34 56 78" not in shown and "The number:" not in shown
    assert "Appelez l’accueil" in shown  # the original instead


def test_no_translation_to_take_down_is_said_and_nothing_recorded(client, make_user, make_proposal):
    proposal = make_proposal()
    login(client, make_user("admin"))
    url = f"/traductions/proposal/{proposal.id}/en"
    assert "retirer" not in client.get(url).get_data(as_text=True)  # nothing to take down
    response = client.post(f"{url}/retirer")
    assert response.headers["Location"].endswith(url)
    assert "Ce texte n’a pas de traduction dans cette langue." in client.get(url).get_data(
        as_text=True
    )
    assert _events(AuditAction.TRANSLATION_REMOVED) == []


def test_who_may_not_translate_into_it_takes_nothing_down(app, client, make_user, make_proposal):
    proposal = make_proposal()
    service.add_network_translation(proposal, "ar", {"title": "عنوان"})
    db.session.commit()
    url = f"/traductions/proposal/{proposal.id}/ar/retirer"
    login(client, _named(make_user("participant"), "en"))  # English only
    assert client.post(url).status_code == 403
    reader = app.test_client()
    login(reader, make_user("participant"))
    assert reader.post(url).status_code == 403
    assert client.post(f"/traductions/proposal/{proposal.id}/de/retirer").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Translation.id))) == 1


# The easy-read summary: written where there is none


def test_a_translator_writes_a_summary_only_where_there_is_none(client, make_user, make_proposal):
    proposal = make_proposal("Des douches gratuites")
    proposal.easy_read = "Des douches. Gratuites."
    db.session.commit()
    login(client, _named(make_user("participant"), "en"))
    url = f"/traductions/facile-a-lire/{proposal.id}"
    assert client.get(url).status_code == 403
    data = {"easy_read": "Autre chose.", "was": source_digest(proposal.easy_read)}
    assert client.post(url, data=data).status_code == 403
    assert "Écrire le résumé facile à lire" not in client.get(
        f"/propositions/{proposal.id}"
    ).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).easy_read == "Des douches. Gratuites."
    assert _events(AuditAction.EASY_READ_WRITTEN) == []


def test_a_summary_written_meanwhile_is_told_to_the_translator(client, make_user, make_proposal):
    proposal = make_proposal("Des douches gratuites")
    login(client, _named(make_user("participant"), "en"))
    url = f"/traductions/facile-a-lire/{proposal.id}"
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert f'href="{url}?retour=page">Écrire le résumé facile à lire</a>' in page
    proposal.easy_read = "Le résumé de l’autrice."
    db.session.commit()
    response = client.post(url, data={"easy_read": "Le mien.", "was": source_digest("")})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Quelqu’un a écrit un autre résumé" in text
    assert "Le mien." in text and "Le résumé de l’autrice." in text
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).easy_read == "Le résumé de l’autrice."


# Who translated, as pages name them


def test_a_deleted_translators_pseudonym_is_never_shown(client, make_user, make_proposal):
    proposal = make_proposal("Des douches gratuites")
    translator = _named(make_user("participant", pseudonym="Traductrice"), "en")
    service.save_translation(
        translator, proposal, "en", {"title": "Free showers"},
        revisions={"title": 0}, digests={"title": source_digest(proposal.title)},
    )  # fmt: skip
    page = client.get(f"/propositions/{proposal.id}?lang=en").get_data(as_text=True)
    assert "Traductrice" in page
    translator = db.session.get(User, translator.id)
    translator.deleted_at = utcnow()
    db.session.commit()
    page = client.get(f"/propositions/{proposal.id}?lang=en").get_data(as_text=True)
    assert "Traductrice" not in page
    assert 'Translated from French by <bdi dir="auto">Deleted account</bdi>' in page


# The side-by-side form reads its translations once


def test_the_form_reads_the_translations_once(client, make_user, make_proposal):
    proposal = make_proposal("Des douches gratuites")
    service.add_network_translation(proposal, "en", {"title": "Free showers"})
    db.session.commit()
    login(client, _named(make_user("participant"), "en"))
    for page_language in ("en", "fr"):  # the form in English, and in French
        url = f"/traductions/proposal/{proposal.id}/en?lang={page_language}"
        with count_queries() as statements:
            page = client.get(url).get_data(as_text=True)
        assert "Free showers" in page
        reads = [s for s in statements if re.search(r"FROM translation\b", s)]
        assert len(reads) == 1, reads


# The queue: most read first


def test_a_response_comes_with_its_proposals_reads_and_meetings_count_theirs(
    app, client, make_user, make_proposal, monkeypatch
):
    from app.models import Meeting, OfficialResponse, Organisation, OrganisationKind, Position

    read, unread = make_proposal("Très lue"), make_proposal("Jamais lue")
    institution = Organisation(
        slug="ddcs", name="DDCS", kind=OrganisationKind.INSTITUTION, verified=True
    )
    old_answer = OfficialResponse(
        proposal=read, institution=institution, position=Position.UNDER_STUDY,
        body="Réponse ancienne à la proposition lue.",
    )  # fmt: skip
    new_answer = OfficialResponse(
        proposal=unread, institution=institution, position=Position.UNDER_STUDY,
        body="Réponse récente à la proposition jamais lue.",
    )  # fmt: skip
    meeting = Meeting(title="Réunion très suivie", starts_at=utcnow(), is_public=True)
    db.session.add_all([institution, old_answer, new_answer, meeting])
    db.session.commit()
    old_answer.created_at = utcnow() - timedelta(days=300)
    meeting.starts_at = utcnow() - timedelta(days=400)
    db.session.commit()
    app.extensions["read_counter"].clear()
    monkeypatch.setitem(app.config, "READ_TALLY_FLUSH_SECONDS", 0)
    for _ in range(3):
        assert client.get(f"/propositions/{read.id}").status_code == 200
    for _ in range(5):
        assert client.get(f"/reunions/{meeting.id}").status_code == 200
    login(client, _named(make_user("participant"), "en"))
    page = client.get("/traductions?langue=en").get_data(as_text=True)
    queue = page[page.index('id="a-traduire"') : page.index('id="a-mettre-a-jour"')]
    order = [
        queue.index(text) for text in ("Réunion très suivie", "Réponse ancienne", "Réponse récente")
    ]
    assert order == sorted(order), queue
    assert "lu 5 fois" in queue and "lu 3 fois" in queue
    app.extensions["read_counter"].clear()


# Translate links under what a translator or a representative reads


def test_translate_links_under_every_text_a_reader_reaches(
    app, client, make_user, make_proposal, make_theme
):
    from app.models import (
        AddressedInstitution,
        CharterVersion,
        Event,
        Meeting,
        OfficialResponse,
        Organisation,
        OrganisationKind,
        Position,
        StatedPosition,
    )

    theme = make_theme("Hébergement")
    proposal = make_proposal("Des douches", theme=theme)
    institution = Organisation(
        slug="ddcs", name="DDCS", kind=OrganisationKind.INSTITUTION, verified=True
    )
    response = OfficialResponse(
        proposal=proposal, institution=institution, position=Position.UNDER_STUDY, body="Oui."
    )
    stated = StatedPosition(proposal=proposal, institution=institution, words="Peut-être.")
    event = Event(slug="assises", name="Assises", summary="Une journée.", held_on=paris_today())
    meeting = Meeting(title="Réunion", starts_at=utcnow(), is_public=True)
    charter = CharterVersion(label="9.0", introduction="Bienvenue.", published_at=utcnow())
    proposal.addressed.append(AddressedInstitution(institution=institution))
    db.session.add_all([institution, response, stated, event, meeting, charter])
    db.session.commit()
    rep = make_user("institution_rep", organisation=institution)
    login(client, rep)
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert f"/traductions/response/{response.id}/ar?retour=page" in page
    assert f"/traductions/stated_position/{stated.id}/" not in page  # not theirs to translate
    client = app.test_client()  # another person
    login(client, _named(make_user("participant"), "ar"))
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert f"/traductions/response/{response.id}/ar?retour=page" in page
    assert f"/traductions/stated_position/{stated.id}/ar?retour=page" in page
    for url, kind, object_id in (
        (f"/ateliers/{theme.slug}", "theme", theme.id),
        ("/evenements/assises", "event", event.id),
        (f"/reunions/{meeting.id}", "meeting", meeting.id),
        ("/charte", "charter", charter.id),
    ):
        page = client.get(url).get_data(as_text=True)
        assert f"/traductions/{kind}/{object_id}/ar?retour=page" in page, url
