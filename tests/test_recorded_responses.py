"""Responses received by letter, e-mail or in a meeting, recorded on the institution's behalf:
who may record them (admins, members of the association carrying the proposal), the
document kept in the database and streamed back, the copy e-mailed to the institution with
a link to correct it, how every response says how it came, and the API's fields."""

import io
import json
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from app.extensions import db
from app.models import (
    AnswerLink,
    AuditAction,
    AuditEvent,
    Follow,
    Notification,
    NotificationKind,
    OfficialResponse,
    OrganisationKind,
    OutboxEmail,
    Position,
    Proposal,
    ProposalStatus,
    ReceivedVia,
    ResponseAttachment,
    ResponseVersion,
    StatusChange,
    paris_today,
    utcnow,
)
from app.services import responses as service
from tests.conftest import login
from tests.helpers import count_queries

TEXT = "Nous ouvrirons <b>deux</b> bâtiments & « un troisième » en 2027."
ESCAPED = "Nous ouvrirons &lt;b&gt;deux&lt;/b&gt; bâtiments &amp; « un troisième » en 2027."
# A PDF larger than one piece read from the database (256 KB), with every byte value.
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 2400 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
RECEIVED = date(2026, 3, 3)


@pytest.fixture
def w(make_organisation, make_proposal, make_user):
    """A proposal of the association, sent to the CCAS (its official address verified) on
    1 January 2026; a member of the association, one of another, the CCAS's representative,
    an admin."""
    ccas = make_organisation(
        OrganisationKind.INSTITUTION,
        name="CCAS de Metz",
        official_email="courrier@ccas-metz.example",
        official_email_verified_at=utcnow(),
    )
    association = make_organisation(name="Collectif des associations")
    other = make_organisation(name="Autre association")
    proposal = make_proposal(
        "Ouvrir des bains-douches", organisation=association, status=ProposalStatus.SENT,
        institutions=[ccas],
    )  # fmt: skip
    proposal.created_at = datetime(2026, 1, 1, 9)
    proposal.addressed[0].sent_at = datetime(2026, 1, 2, 9)
    proposal.addressed[0].response_due_on = paris_today() + timedelta(days=30)
    db.session.commit()
    return {
        "ccas": ccas,
        "association": association,
        "other": other,
        "proposal": proposal,
        "member": make_user("association_member", organisation=association),
        "other_member": make_user("association_member", organisation=other),
        "moderator": make_user("moderator", organisation=other),
        "rep": make_user("institution_rep", organisation=ccas),
        "admin": make_user("admin"),
        "participant": make_user("participant"),
    }


def _url(w, institution=None) -> str:
    institution = institution or w["ccas"]
    return f"/propositions/{w['proposal'].id}/reponses/{institution.id}/saisir"


def _form(w, document=(PDF, "Lettre du CCAS.pdf"), **changes) -> dict:
    form = {
        "received_via": "letter",
        "received_at": RECEIVED.isoformat(),
        "position": "favourable",
        "body": TEXT,
        "recorded_by_id": str(w["association"].id),
    }
    if document is not None:
        content, name = document
        form["document"] = (io.BytesIO(content), name)
    return {**form, **changes}


def _post(client, w, **kwargs):
    url = kwargs.pop("url", None) or _url(w)
    return client.post(url, data=_form(w, **kwargs), content_type="multipart/form-data")


def _responses() -> list[OfficialResponse]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(OfficialResponse).order_by(OfficialResponse.id)))


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _document_bytes(response_id: int) -> bytes:
    return db.session.scalar(
        sa.select(ResponseAttachment.content).where(ResponseAttachment.response_id == response_id)
    )


# Recording


def test_a_member_of_the_carrying_association_records_a_letter_with_its_document(client, w):
    login(client, w["member"])
    page = client.get(_url(w))
    assert page.status_code == 200
    assert "Enregistrer la réponse de CCAS de Metz" in page.get_data(as_text=True)

    answer = _post(client, w)

    [response] = _responses()
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(
        f"/propositions/{w['proposal'].id}#reponse-{response.id}"
    )
    assert response.received_via is ReceivedVia.LETTER
    assert response.received_at == RECEIVED
    assert response.recorded_by_id == w["association"].id
    assert response.recorder_id == w["member"].id
    assert response.author_id is None  # the institution's words: the member typed them in
    assert response.body == TEXT
    assert response.attachment.file_name == "Lettre du CCAS.pdf"
    assert response.attachment.media_type == "application/pdf"
    assert response.attachment.size == len(PDF)
    assert response.attachment.uploaded_by_id == w["member"].id
    assert _document_bytes(response.id) == PDF
    assert db.session.get(Proposal, w["proposal"].id).status is ProposalStatus.ANSWERED
    audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.target_id == response.id))
    assert audit.action is AuditAction.RESPONSE_RECORDED
    assert audit.actor_id == w["member"].id


def test_the_institution_gets_a_copy_with_a_link_to_correct_it(app, client, w):
    login(client, w["member"])
    _post(client, w)

    [response] = _responses()
    [email] = db.session.scalars(
        sa.select(OutboxEmail).where(OutboxEmail.to_address == "courrier@ccas-metz.example")
    ).all()
    body = email.body
    assert "Ouvrir des bains-douches" in body
    assert TEXT in body  # a plain-text e-mail: the text as written
    assert "Reçue par courrier le 3 mars 2026, saisie par Collectif des associations." in body
    assert "Lettre du CCAS.pdf" in body
    assert "http://voix.test/repondre/" in body
    assert f"http://voix.test/propositions/{w['proposal'].id}" in body
    [link] = db.session.scalars(sa.select(AnswerLink)).all()
    assert link.response_id == response.id
    assert link.sent_to == "courrier@ccas-metz.example"
    assert link.used_at is None and link.revoked_at is None
    # Its representatives are told too, and asked to check it.
    [notification] = db.session.scalars(
        sa.select(Notification).where(Notification.kind == NotificationKind.RESPONSE_RECORDED)
    ).all()
    assert notification.user_id == w["rep"].id
    client = app.test_client()
    login(client, w["rep"])
    page = client.get("/notifications/").get_data(as_text=True)
    assert (
        'Une réponse de <bdi dir="auto">CCAS de Metz</bdi> à la proposition '
        '« <bdi lang="fr" dir="ltr">Ouvrir des bains-douches</bdi> »'
    ) in page
    assert "Reçue par courrier le 3 mars 2026, saisie par Collectif des associations." in page
    assert f"#reponse-{response.id}" in page


def test_the_copy_is_written_in_the_institutions_language(client, w):
    w["ccas"].official_locale = "en"
    db.session.commit()
    login(client, w["member"])
    _post(client, w, received_via="meeting")

    email = db.session.scalar(sa.select(OutboxEmail).where(OutboxEmail.to_address.like("%ccas%")))
    assert "Reçue" not in email.body and "Dite" not in email.body
    assert "/repondre/" in email.body


def test_no_copy_without_a_verified_official_address(client, w):
    w["ccas"].official_email_verified_at = None
    db.session.commit()
    login(client, w["member"])
    assert _post(client, w).status_code == 302

    assert _count(OutboxEmail, OutboxEmail.to_address == "courrier@ccas-metz.example") == 0
    assert _count(AnswerLink) == 0
    assert _count(Notification, Notification.kind == NotificationKind.RESPONSE_RECORDED) == 1


def test_an_admin_records_a_meeting_for_the_network_without_a_document(client, w):
    login(client, w["admin"])
    answer = _post(client, w, document=None, received_via="meeting", recorded_by_id="0")

    assert answer.status_code == 302
    [response] = _responses()
    assert response.received_via is ReceivedVia.MEETING
    assert response.recorded_by_id is None
    assert response.recorder_id == w["admin"].id
    assert response.attachment is None
    page = client.get(f"/propositions/{w['proposal'].id}").get_data(as_text=True)
    assert "Dite en réunion le 3 mars 2026, saisie par la coordination du réseau" in page
    assert "Voir le document" not in page


def test_an_admin_may_name_any_association(client, w):
    login(client, w["admin"])
    _post(
        client,
        w,
        recorded_by_id=str(w["other"].id),
        received_via="email",
        document=(PNG, "scan.png"),
    )

    [response] = _responses()
    assert response.recorded_by_id == w["other"].id
    assert response.attachment.media_type == "image/png"


@pytest.mark.parametrize("who", ["participant", "other_member", "moderator", "rep"])
def test_others_may_not_record(client, w, who):
    login(client, w[who])
    assert client.get(_url(w)).status_code == 403
    assert _post(client, w).status_code == 403
    assert _responses() == []
    assert _count(ResponseAttachment) == 0
    assert _count(OutboxEmail) == 0


def test_a_visitor_is_sent_to_log_in(client, w):
    assert "/compte/connexion" in client.get(_url(w)).headers["Location"]
    assert _post(client, w).status_code == 302
    assert _responses() == []


def test_only_for_an_institution_the_proposal_is_addressed_to(client, w, make_organisation):
    elsewhere = make_organisation(OrganisationKind.INSTITUTION, name="Préfecture")
    login(client, w["admin"])
    assert client.get(_url(w, elsewhere)).status_code == 403
    assert _post(client, w, url=_url(w, elsewhere)).status_code == 403
    assert _responses() == []


def test_a_member_names_only_the_carrying_association(client, w):
    login(client, w["member"])
    page = _post(client, w, recorded_by_id=str(w["other"].id))

    assert page.status_code == 200
    assert "Choisissez une association dont vous êtes membre." in page.get_data(as_text=True)
    assert _responses() == []


# Bad input: a clear message, the text kept, nothing saved


BAD_INPUT = {
    "not_a_pdf": (
        {"document": (b"<html><script>alert(1)</script></html>", "lettre.pdf")},
        "ni un PDF ni une image",
    ),
    "empty_file": ({"document": (b"", "lettre.pdf")}, "Le document est vide"),
    "future_date": ({"received_at": "TOMORROW"}, "Cette date est à venir"),
    "before_the_proposal": (
        {"received_at": "2025-12-31"},
        "La proposition n’existait pas encore à cette date : indiquez un jour à partir du "
        "1 janvier 2026.",
    ),
    "no_date": ({"received_at": ""}, "Indiquez la date de réception"),
    "no_channel": ({"received_via": ""}, "Choisissez comment la réponse a été reçue."),
    "no_text": ({"body": "   "}, "Écrivez le texte de la réponse."),
    "not_competent_without_who": (
        {"position": "not_competent", "competent_body": ""},
        "Indiquez qui est compétent.",
    ),
}


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_bad_input_is_refused_with_a_message_and_the_text_kept(client, w, case):
    changes, message = BAD_INPUT[case]
    if changes.get("received_at") == "TOMORROW":  # computed now: a run may cross midnight
        changes = {"received_at": (paris_today() + timedelta(days=1)).isoformat()}
    login(client, w["member"])
    page = _post(client, w, **changes)

    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert message in text
    if case != "no_text":
        assert ESCAPED in text  # the typed text, escaped, back in its box
    assert "choisissez à nouveau le document" in text  # a file input is never refilled
    assert _responses() == []
    assert _count(ResponseAttachment) == 0
    assert _count(OutboxEmail) == 0
    assert _count(AuditEvent, AuditEvent.action == AuditAction.RESPONSE_RECORDED) == 0


def test_a_document_over_the_limit_is_refused_with_the_text_kept(app, client, w, monkeypatch):
    monkeypatch.setitem(app.config, "RESPONSE_ATTACHMENT_MAX_BYTES", 100 * 1024)
    login(client, w["member"])
    page = _post(client, w, document=(b"%PDF-1.7\n" + b"x" * 150 * 1024, "grosse.pdf"))

    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Le document est trop volumineux (100 Ko au plus)" in text
    assert ESCAPED in text
    assert _responses() == []


def test_a_body_far_over_the_limit_gets_the_routes_own_limit(app, client, w, monkeypatch):
    """Beyond twice the limit (and the site's MAX_CONTENT_LENGTH) the body is not read."""
    monkeypatch.setitem(app.config, "RESPONSE_ATTACHMENT_MAX_BYTES", 10 * 1024)
    login(client, w["member"])
    size = app.config["MAX_CONTENT_LENGTH"] + 1024
    page = _post(client, w, document=(b"%PDF-1.7\n" + b"x" * size, "enorme.pdf"))

    assert page.status_code == 413
    assert "10 Ko au plus" in page.get_data(as_text=True)
    assert _responses() == []


@pytest.mark.parametrize(
    ("content", "media_type", "stored"),
    [
        (PNG, "image/png", "courrier.png"),
        (JPEG, "image/jpeg", "courrier.jpg"),
        (WEBP, "image/webp", "courrier.webp"),
        (PDF, "application/pdf", "courrier.pdf"),
    ],
)
def test_the_type_is_read_from_the_content_never_the_name(client, w, content, media_type, stored):
    login(client, w["member"])
    _post(client, w, document=(content, "../../courrier.exe"))

    [response] = _responses()
    assert response.attachment.media_type == media_type
    assert response.attachment.file_name == stored


def test_the_service_checks_the_rules_again(w):
    with pytest.raises(service.PermissionDenied):
        service.record_response(
            w["other_member"], w["proposal"], w["ccas"], received_via=ReceivedVia.LETTER,
            received_at=RECEIVED, position=Position.FAVOURABLE, body=TEXT,
            recorded_by=w["other"],
        )  # fmt: skip
    with pytest.raises(service.ServiceError) as refused:
        service.record_response(
            w["member"], w["proposal"], w["ccas"], received_via=ReceivedVia.SITE,
            received_at=RECEIVED, position=Position.FAVOURABLE, body=TEXT,
            recorded_by=w["association"],
        )  # fmt: skip
    assert refused.value.field == "received_via"
    with pytest.raises(service.ServiceError) as refused:
        service.record_response(
            w["member"], w["proposal"], w["ccas"], received_via=ReceivedVia.LETTER,
            received_at=RECEIVED, position=Position.FAVOURABLE, body=TEXT,
            recorded_by=w["association"],
            document=service.Document("lettre.pdf", b"MZ\x90\x00 not a pdf"),
        )  # fmt: skip
    assert refused.value.field == "document"
    db.session.rollback()
    assert _responses() == []


# Recording again, over a response


def test_recording_again_keeps_the_earlier_version_and_replaces_the_document(client, w):
    login(client, w["member"])
    _post(client, w)
    [response] = _responses()
    # Correcting: the form starts from what was typed in.
    form = client.get(_url(w)).get_data(as_text=True)
    assert ESCAPED in form and "2026-03-03" in form
    assert "Il est gardé si vous n’en choisissez pas un autre." in form

    _post(client, w, body="Nous ouvrirons deux bâtiments.", document=(PNG, "page 1.png"))

    [again] = _responses()
    assert again.id == response.id
    assert again.body == "Nous ouvrirons deux bâtiments."
    assert [v.body for v in db.session.scalars(sa.select(ResponseVersion))] == [TEXT]
    assert _count(ResponseAttachment) == 1
    assert again.attachment.media_type == "image/png"
    assert _document_bytes(again.id) == PNG

    _post(client, w, body="Sans nouveau document.", document=None)
    assert _document_bytes(again.id) == PNG  # kept when none is chosen

    _post(client, w, body="Sans document.", document=None, remove_document="y")
    assert _count(ResponseAttachment) == 0


def test_a_recorded_response_takes_an_easy_read_summary_kept_in_each_version(client, w):
    login(client, w["member"])
    form = client.get(_url(w)).get_data(as_text=True)
    assert 'name="easy_read"' in form and "Phrases courtes, mots simples" in form
    _post(client, w, easy_read="Le CCAS dit oui.\nIl ouvre deux bâtiments.")
    [response] = _responses()
    assert response.easy_read == "Le CCAS dit oui.\nIl ouvre deux bâtiments."
    again = client.get(_url(w)).get_data(as_text=True)
    assert "Le CCAS dit oui.\nIl ouvre deux bâtiments.</textarea>" in again  # correcting

    _post(client, w, body="Corrigé.", easy_read="Le CCAS dit oui, en 2027.", document=None)
    [response] = _responses()
    assert response.easy_read == "Le CCAS dit oui, en 2027."
    [version] = db.session.scalars(sa.select(ResponseVersion)).all()
    assert version.easy_read == "Le CCAS dit oui.\nIl ouvre deux bâtiments."
    page = client.get(f"/propositions/{w['proposal'].id}").get_data(as_text=True)
    start = page.index(f'id="reponse-{response.id}"')
    article = page[start : page.index("</article>", start)]
    summary = article.index("En bref, facile à lire")
    assert summary < article.index("Le CCAS dit oui, en 2027.") < article.index("<p>Corrigé.</p>")
    history = client.get(f"/reponses/{response.id}/historique").get_data(as_text=True)
    assert "Le CCAS dit oui, en 2027." in history
    assert "Le CCAS dit oui.\nIl ouvre deux bâtiments." in history


def test_a_too_long_easy_read_is_refused_with_the_texts_kept(client, w):
    login(client, w["member"])
    too_long = "Le CCAS dit <oui>. " * 90
    assert len(too_long) > OfficialResponse.EASY_READ_MAX
    page = _post(client, w, easy_read=too_long)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Votre texte fait 1\u202f710 caractères ; 1\u202f500 au plus." in html
    assert too_long.replace("<", "&lt;").replace(">", "&gt;") + "</textarea>" in html
    assert ESCAPED in html  # the response's text too
    assert "choisissez à nouveau le document" in html
    assert _responses() == []
    assert _count(ResponseAttachment) == 0
    assert _count(OutboxEmail) == 0


def test_what_the_institution_wrote_itself_is_replaced_by_an_admin_only(app, client, w):
    db.session.add(
        OfficialResponse(
            proposal=w["proposal"], institution=w["ccas"], author=w["rep"],
            position=Position.UNDER_STUDY, body="Nous étudions.",
        )
    )  # fmt: skip
    db.session.commit()
    login(client, w["member"])
    form = client.get(_url(w)).get_data(as_text=True)
    assert "seule la coordination du réseau peut en enregistrer une nouvelle version" in form
    page = _post(client, w)
    assert "seule la coordination du réseau" in page.get_data(as_text=True)
    assert _responses()[0].body == "Nous étudions."

    client = app.test_client()
    login(client, w["admin"])
    assert _post(client, w, recorded_by_id="0").status_code == 302
    assert _responses()[0].body == TEXT
    assert _responses()[0].received_via is ReceivedVia.LETTER


# The document, streamed from the database


def test_the_document_is_streamed_with_its_type_and_name(app, client, w):
    login(client, w["member"])
    _post(client, w, document=(PDF, "Lettre du 3 mars — préfecture.pdf"))
    [response] = _responses()
    client = app.test_client()  # a visitor

    with count_queries() as statements:
        document = client.get(f"/reponses/{response.id}/document")
        content = document.get_data()
    assert document.status_code == 200
    assert content == PDF
    assert document.headers["Content-Type"] == "application/pdf"
    assert document.headers["Content-Length"] == str(len(PDF))
    assert document.headers["X-Content-Type-Options"] == "nosniff"
    # Shown by the browser's PDF viewer (a plugin the site's pages forbid), running nothing.
    policy = document.headers["Content-Security-Policy"]
    assert "object-src 'self'" in policy and "default-src 'none'" in policy
    assert "script-src" not in policy and "sandbox" not in policy
    disposition = document.headers["Content-Disposition"]
    assert disposition.startswith("inline; ")
    assert (
        "filename*=UTF-8''Lettre%20du%203%20mars%20%E2%80%94%20pr%C3%A9fecture.pdf" in disposition
    )
    # Read in pieces (each a slice of the column), never the whole column at once.
    pieces = [s for s in statements if "substr" in s.lower()]
    assert len(pieces) == 3
    assert not any(
        "response_attachment.content" in s.split("FROM")[0]
        for s in statements
        if "substr" not in s.lower()
    )


def test_no_document_is_a_404(client, w):
    login(client, w["member"])
    _post(client, w, document=None)
    [response] = _responses()

    assert client.get(f"/reponses/{response.id}/document").status_code == 404
    assert client.get("/reponses/999999/document").status_code == 404


def test_the_document_goes_with_its_response_and_its_proposal(client, w):
    login(client, w["member"])
    _post(client, w)
    [response] = _responses()
    db.session.execute(sa.delete(OfficialResponse).where(OfficialResponse.id == response.id))
    db.session.commit()
    assert _count(ResponseAttachment) == 0

    _post(client, w)
    assert _count(ResponseAttachment) == 1
    db.session.execute(sa.delete(Proposal).where(Proposal.id == w["proposal"].id))
    db.session.commit()
    assert _count(ResponseAttachment) == 0
    assert _count(OfficialResponse) == 0


# How each response says how it came


def _site_response(w, via=ReceivedVia.SITE):
    response = OfficialResponse(
        proposal=w["proposal"], institution=w["ccas"], position=Position.FAVOURABLE,
        body="Oui.", received_via=via,
    )  # fmt: skip
    db.session.add(response)
    db.session.commit()
    return response


def test_the_proposal_page_the_directory_and_the_history_say_how_it_came(app, client, w):
    login(client, w["member"])
    _post(client, w)
    [response] = _responses()
    client = app.test_client()  # a visitor
    line = "Reçue par courrier le 3 mars 2026, saisie par Collectif des associations"
    document = f'href="/reponses/{response.id}/document">Voir la lettre (PDF, 600 Ko)</a>'

    for url in (
        f"/propositions/{w['proposal'].id}",
        f"/organisations/{w['ccas'].slug}",
        f"/reponses/{response.id}/historique",
    ):
        page = client.get(url).get_data(as_text=True)
        assert line in page, url
        assert document in page, url


@pytest.mark.parametrize(
    ("via", "line"),
    [
        (ReceivedVia.ANSWER_LINK, "Donnée par le lien envoyé à l’institution"),
        (ReceivedVia.SITE, None),
    ],
)
def test_a_response_given_by_the_institution_says_so_or_nothing(client, w, via, line):
    _site_response(w, via)
    page = client.get(f"/propositions/{w['proposal'].id}").get_data(as_text=True)
    if line:
        assert line in page
    else:
        assert 'class="meta received"' not in page


def test_an_email_is_shown_as_such_with_its_size_in_megabytes(client, w):
    login(client, w["member"])
    big = b"%PDF-1.5\n" + b"\x00" * (1536 * 1024)
    _post(client, w, received_via="email", document=(big, "mail.pdf"))
    page = client.get(f"/propositions/{w['proposal'].id}").get_data(as_text=True)
    assert "Reçue par e-mail le 3 mars 2026, saisie par Collectif des associations" in page
    assert "Voir l’e-mail (PDF, 1,5 Mo)" in page


@pytest.mark.parametrize(
    ("who", "shown"),
    [(None, False), ("other_member", False), ("rep", False), ("member", True), ("admin", True)],
)
def test_the_link_to_record_is_shown_to_who_may_record(client, w, who, shown):
    if who:
        login(client, w[who])
    page = client.get(f"/propositions/{w['proposal'].id}").get_data(as_text=True)
    assert (_url(w) in page) is shown


@pytest.mark.parametrize(
    "url",
    ["/propositions/{proposal}", "/organisations/{ccas}", "/api/v1/proposals/{proposal}"],
)
def test_recorded_responses_cost_no_query_more(client, w, make_proposal, make_organisation, url):
    """The channel, the recorder and the document's name, type and size come with the
    responses (the document's bytes never do): as many queries for one as for five."""
    ccas, proposal = w["ccas"], w["proposal"]
    pages = {"proposal": proposal.id, "ccas": ccas.slug}

    def count():
        client.get(url.format(**pages))
        db.session.expire_all()
        with count_queries() as statements:
            assert client.get(url.format(**pages)).status_code == 200
        assert not [s for s in statements if "response_attachment.content" in s.lower()]
        return len(statements)

    _record(w, proposal, ccas)
    small = count()
    for n in range(4):
        institution = make_organisation(OrganisationKind.INSTITUTION, name=f"Mairie {n}")
        proposal.addressed.append(_addressed(institution))
        other = make_proposal(
            f"Proposition {n}", organisation=w["association"], institutions=[ccas]
        )
        db.session.commit()
        _record(w, proposal, institution)
        _record(w, other, ccas)
    assert count() == small


def _record(w, proposal, institution):
    service.record_response(
        w["admin"], proposal, institution, received_via=ReceivedVia.LETTER,
        received_at=paris_today(), position=Position.FAVOURABLE, body=TEXT,
        recorded_by=w["association"], document=service.Document("l.pdf", PDF[:2000]),
    )  # fmt: skip


def _addressed(institution):
    from app.models import AddressedInstitution

    return AddressedInstitution(institution=institution, sent_at=utcnow())


# The API and the open data


def test_the_api_says_how_each_response_came(app, client, w):
    login(client, w["member"])
    _post(client, w)
    [recorded] = _responses()
    client = app.test_client()  # a visitor

    data = client.get(f"/api/v1/proposals/{w['proposal'].id}").get_json()

    [response] = data["responses"]
    assert response["received_via"] == "letter"
    assert response["received_at"] == "2026-03-03"
    assert response["recorded_by"] == {
        "id": w["association"].id,
        "name": "Collectif des associations",
    }
    assert response["document"] == {
        "url": f"http://voix.test/reponses/{recorded.id}/document",
        "media_type": "application/pdf",
        "size": len(PDF),
        "of_earlier_version": False,
    }


def test_the_api_gives_nulls_for_a_response_posted_on_the_site(client, w):
    _site_response(w)
    [response] = client.get(f"/api/v1/proposals/{w['proposal'].id}").get_json()["responses"]
    assert response["received_via"] == "site"
    assert response["received_at"] is None
    assert response["recorded_by"] is None
    assert response["document"] is None


def test_the_open_data_says_how_each_response_came(app, client, w):
    login(client, w["member"])
    _post(client, w)
    client = app.test_client()  # a visitor

    [item] = client.get("/donnees/reponses.json").get_json()["items"]
    assert item["received_via"] == "letter"
    assert item["received_at"] == "2026-03-03"


def test_the_recorders_data_export_names_the_document_without_its_bytes(client, w):
    login(client, w["member"])
    _post(client, w)

    export = client.get("/compte/mes-donnees.json")
    assert export.status_code == 200
    [row] = export.get_json()["tables"]["response_attachment"]
    assert row["file_name"] == "Lettre du CCAS.pdf"
    assert "content" not in row


def test_a_document_replaced_while_it_is_read_is_not_mixed_with_the_new_one(client, w):
    from app import queries

    login(client, w["member"])
    _post(client, w)
    [response] = _responses()
    pieces = queries.responses.document_pieces(queries.responses.document_of(response.id))
    first = next(pieces)
    assert first == PDF[: len(first)]
    other_letter = b"%PDF-1.7\n" + b"\x01" * len(PDF)
    _post(client, w, document=(other_letter, "autre.pdf"))

    assert list(pieces) == []  # stopped, rather than the other letter's bytes after these


def test_a_proposal_of_an_earlier_event_takes_the_letters_of_that_time(client, w, make_event):
    """Imported in 2026 from the 2015 assises: its answers came in 2015."""
    w["proposal"].event = make_event(held_on=date(2015, 4, 30))
    db.session.commit()
    login(client, w["member"])

    refused = _post(client, w, received_at="2015-04-29", document=None)
    assert "indiquez un jour à partir du 30 avril 2015" in refused.get_data(as_text=True)
    assert _post(client, w, received_at="2015-06-12", document=None).status_code == 302
    assert _responses()[0].received_at == date(2015, 6, 12)


# Corrected by the institution itself: the letter stays, said to be the earlier version's


def _corrected_by_the_institution(w, via):
    """The CCAS gives its own answer over the recorded letter: on the site or by its link."""
    if via is ReceivedVia.SITE:
        service.publish_response(
            w["rep"], w["proposal"], w["ccas"], position=Position.UNDER_STUDY, body="Nous étudions."
        )
    else:
        service.write_response(
            w["proposal"], w["ccas"], author=None, position=Position.UNDER_STUDY,
            body="Nous étudions.", received_via=ReceivedVia.ANSWER_LINK,
        )  # fmt: skip
        db.session.commit()


@pytest.mark.parametrize("via", [ReceivedVia.SITE, ReceivedVia.ANSWER_LINK])
def test_a_letter_corrected_by_the_institution_stays_the_earlier_versions(app, client, w, via):
    login(client, w["member"])
    _post(client, w)
    _corrected_by_the_institution(w, via)

    [response] = _responses()
    assert response.received_via is via and response.received_at is None
    assert response.recorded_by is None and response.recorder is None
    assert _document_bytes(response.id) == PDF  # the record of the earlier version, kept
    [version] = db.session.scalars(sa.select(ResponseVersion)).all()
    assert (version.body, version.received_via) == (TEXT, ReceivedVia.LETTER)
    assert version.received_at == RECEIVED
    assert version.recorded_by_id == w["association"].id
    visitor = app.test_client()
    earlier = (
        f'href="/reponses/{response.id}/document">'
        "Document reçu avec la version précédente (courrier du 3 mars 2026)</a>"
    )
    for url in (f"/propositions/{w['proposal'].id}", f"/organisations/{w['ccas'].slug}"):
        page = visitor.get(url).get_data(as_text=True)
        assert earlier in page, url
        assert "Voir la lettre" not in page and "Voir le document" not in page, url
        assert "Reçue par courrier" not in page, url  # the current text did not come so
    history = visitor.get(f"/reponses/{response.id}/historique").get_data(as_text=True)
    assert earlier in history
    # The earlier text says how it came.
    assert "Reçue par courrier le 3 mars 2026, saisie par Collectif des associations" in history
    data = visitor.get(f"/api/v1/proposals/{w['proposal'].id}").get_json()
    [answer] = data["responses"]
    assert answer["received_via"] == via.value and answer["received_at"] is None
    assert answer["document"]["of_earlier_version"] is True
    assert answer["document"]["url"] == f"http://voix.test/reponses/{response.id}/document"


def test_the_history_says_how_each_version_came(app, client, w):
    _site_response(w, ReceivedVia.ANSWER_LINK)
    login(client, w["admin"])
    _post(client, w, document=None, received_via="meeting", recorded_by_id="0")
    _post(client, w, received_via="email", body="Par e-mail.")
    [response] = _responses()

    history = app.test_client().get(f"/reponses/{response.id}/historique")
    page = history.get_data(as_text=True)
    current = page.index("Version actuelle")
    meeting = page.index("Dite en réunion le 3 mars 2026, saisie par la coordination du réseau")
    link = page.index("Donnée par le lien envoyé à l’institution")
    assert current < page.index("Reçue par e-mail le 3 mars 2026, saisie par Collectif") < meeting
    assert meeting < link  # newest first
    assert "Document reçu avec la version précédente" not in page  # the e-mail is its own


# Who typed a response in is never shown as its author


def test_the_member_who_typed_it_in_is_not_shown_as_its_author(app, client, w):
    login(client, w["member"])
    _post(client, w)
    _post(client, w, body="Corrigé.", document=None)
    pseudonym = w["member"].pseudonym

    [response] = _responses()
    assert response.author_id is None and response.recorder_id == w["member"].id
    [version] = db.session.scalars(sa.select(ResponseVersion)).all()
    assert version.author_id is None
    # The proposal moved on in the member's name: they did it, on the institution's behalf.
    change = db.session.scalar(
        sa.select(StatusChange).where(StatusChange.to_status == ProposalStatus.ANSWERED)
    )
    assert change.actor_id == w["member"].id
    visitor = app.test_client()
    history = visitor.get(f"/reponses/{response.id}/historique").get_data(as_text=True)
    assert pseudonym not in history
    assert history.count("saisie par Collectif des associations") == 2
    page = visitor.get(f"/propositions/{w['proposal'].id}").get_data(as_text=True)
    assert "saisie par Collectif des associations" in page
    api = visitor.get(f"/api/v1/proposals/{w['proposal'].id}").get_json()
    assert pseudonym not in json.dumps(api["responses"])
    assert api["responses"][0]["recorded_by"]["name"] == "Collectif des associations"


def test_followers_hear_of_a_recorded_response_but_not_whoever_recorded_it(client, w, make_user):
    follower = make_user("participant")
    db.session.add(Follow(user=follower, proposal=w["proposal"]))
    db.session.add(Follow(user=w["member"], proposal=w["proposal"]))
    db.session.commit()
    login(client, w["member"])
    _post(client, w)

    told = db.session.scalars(
        sa.select(Notification.user_id).where(Notification.kind == NotificationKind.NEW_RESPONSE)
    ).all()
    assert told == [follower.id]  # the member who typed it in knows already


# Who is told of a recorded response


def test_only_members_who_may_answer_are_told(client, w, make_user):
    unconfirmed = make_user("institution_rep", organisation=w["ccas"])
    unconfirmed.email_confirmed_at = None
    deleted = make_user("institution_rep", organisation=w["ccas"])
    deleted.deleted_at = utcnow()
    db.session.commit()
    login(client, w["member"])
    _post(client, w)

    told = db.session.scalars(
        sa.select(Notification.user_id).where(
            Notification.kind == NotificationKind.RESPONSE_RECORDED
        )
    ).all()
    assert told == [w["rep"].id]


def test_an_association_an_institution_put_its_proposal_to_is_told(
    client, make_organisation, make_proposal, make_user
):
    ville = make_organisation(OrganisationKind.INSTITUTION, name="Ville de Metz")
    restos = make_organisation(OrganisationKind.ASSOCIATION, name="Restos du cœur")
    proposal = make_proposal(organisation=ville, status=ProposalStatus.SENT, institutions=[restos])
    proposal.addressed[0].sent_at = utcnow()
    member = make_user("association_member", organisation=restos)
    unconfirmed = make_user("association_member", organisation=restos)
    unconfirmed.email_confirmed_at = None
    db.session.commit()
    login(client, make_user("admin"))

    answer = client.post(
        f"/propositions/{proposal.id}/reponses/{restos.id}/saisir",
        data={
            "received_via": "meeting",
            "received_at": paris_today().isoformat(),
            "position": "taken_up",
            "body": "Nous ouvrons une permanence le samedi.",
            "recorded_by_id": "0",
        },
        content_type="multipart/form-data",
    )

    assert answer.status_code == 302
    [response] = _responses()
    assert response.position is Position.TAKEN_UP
    told = db.session.scalars(
        sa.select(Notification.user_id).where(
            Notification.kind == NotificationKind.RESPONSE_RECORDED
        )
    ).all()
    assert told == [member.id]


def test_an_example_proposal_sends_no_copy_and_no_link(client, w):
    w["proposal"].example = True
    w["ccas"].example = True
    db.session.commit()
    login(client, w["admin"])

    assert _post(client, w, recorded_by_id="0").status_code == 302

    assert len(_responses()) == 1
    assert _count(OutboxEmail, OutboxEmail.to_address == "courrier@ccas-metz.example") == 0
    assert _count(AnswerLink) == 0


# The positions offered: those of the organisation the response is recorded for


def test_an_institutions_recorded_response_never_takes_it_up(client, w):
    login(client, w["member"])
    page = client.get(_url(w)).get_data(as_text=True)
    assert 'value="favourable"' in page and "Position de l’institution" in page
    assert "taken_up" not in page and "Nous nous en saisissons" not in page

    answer = _post(client, w, position="taken_up")

    assert answer.status_code == 200
    assert ESCAPED in answer.get_data(as_text=True)  # the text typed is kept
    assert _responses() == []


def test_an_associations_recorded_response_may_take_it_up(
    client, make_organisation, make_proposal, make_user
):
    ville = make_organisation(OrganisationKind.INSTITUTION, name="Ville de Metz")
    restos = make_organisation(OrganisationKind.ASSOCIATION, name="Restos du cœur")
    proposal = make_proposal(organisation=ville, status=ProposalStatus.SENT, institutions=[restos])
    login(client, make_user("admin"))

    page = client.get(f"/propositions/{proposal.id}/reponses/{restos.id}/saisir")

    html = page.get_data(as_text=True)
    assert 'value="taken_up"' in html and "Nous nous en saisissons" in html
    assert "Position de l’association" in html and "Position de l’institution" not in html


# Recording is rate-limited per account


def test_recording_is_limited_per_account(app, client, w, monkeypatch):
    monkeypatch.setitem(app.config, "RECORD_RESPONSE_RATE_LIMIT", "2 per hour")
    login(client, w["member"])
    assert _post(client, w).status_code == 302
    assert _post(client, w, body="").status_code == 200  # refused, counted anyway
    assert _post(client, w).status_code == 429
    assert client.get(_url(w)).status_code == 200  # reading the form is never limited

    admin = app.test_client()
    login(admin, w["admin"])
    assert _post(admin, w, body="Corrigé.").status_code == 302  # another account


def test_sent_again_without_its_document_it_is_asked_for(client, w):
    """Sent again after the charter's acceptance, which cannot carry a file: refused once,
    the message at the document, the text kept, nothing saved; as it is then, saved."""
    login(client, w["member"])
    data = _form(w, document=None, files_left_behind="1")
    response = client.post(_url(w), data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Le fichier choisi n’a pas pu être gardé pendant l’acceptation de la charte" in html
    assert str(escape(TEXT)) in html  # the text kept
    assert _responses() == []
    assert _post(client, w, document=None).status_code == 302
    assert len(_responses()) == 1
