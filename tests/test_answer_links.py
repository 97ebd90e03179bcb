"""Answering through an answer link (issue 20, item 2): the form an institution without an
account opens from its e-mail, what a link that no longer works says, a new link on request,
and the administration's list with its revoke button."""

import re
import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AddressedInstitution,
    AnswerLink,
    AuditAction,
    AuditEvent,
    Contribution,
    ContributionKind,
    ContributionState,
    Follow,
    Notification,
    NotificationKind,
    OfficialResponse,
    OrganisationKind,
    OutboxEmail,
    Position,
    ProposalStatus,
    ReceivedVia,
    ResponseVersion,
    utcnow,
)
from app.services import ServiceError, answer_links
from app.services.responses import publish_response, record_response
from tests.conftest import login
from tests.helpers import count_queries, running_in, wait_until

ANSWER = {"position": "favourable", "body": "Nous ouvrirons les bains-douches le dimanche."}
OFFICIAL = "accueil@ddets-moselle.example"
DUE = 50  # days from now


@pytest.fixture
def institution(make_organisation):
    return make_organisation(
        OrganisationKind.INSTITUTION,
        name="DDETS de la Moselle",
        official_email=OFFICIAL,
        official_email_verified_at=utcnow(),
    )


@pytest.fixture
def proposal(make_proposal, institution):
    proposal = make_proposal(status=ProposalStatus.SENT, institutions=[institution])
    proposal.addressed[0].sent_at = utcnow()
    proposal.addressed[0].response_due_on = date.today() + timedelta(days=DUE)
    proposal.easy_read = "Des douches gratuites, même le dimanche."
    db.session.add(
        Contribution(
            proposal=proposal,
            kind=ContributionKind.TESTIMONY,
            body="Le dimanche, je ne peux me laver nulle part.",
            state=ContributionState.PUBLISHED,
        )
    )
    db.session.commit()
    return proposal


def _issue(proposal, institution, response=None) -> str:
    """A link as the e-mail carries it; returns its path (/repondre/<token>)."""
    url = answer_links.issue(proposal, institution, response=response)
    db.session.commit()
    return url.removeprefix("http://voix.test")


@pytest.fixture
def link_url(proposal, institution):
    return _issue(proposal, institution)


def _link(url) -> AnswerLink:
    db.session.expire_all()
    return answer_links.find(url.rsplit("/", 1)[1])


def _responses():
    db.session.expire_all()
    return db.session.scalars(sa.select(OfficialResponse)).all()


def _emails():
    db.session.expire_all()
    return db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)).all()


def test_a_usable_link_shows_the_proposal_and_the_form(client, link_url, proposal):
    page = client.get(link_url)
    assert page.status_code == 200
    assert page.headers["Cache-Control"].startswith("no-store")
    text = page.get_data(as_text=True)
    assert "Répondre au nom de DDETS de la Moselle" in text
    assert proposal.title in text
    assert "Des douches gratuites, même le dimanche." in text
    assert "1 témoignage" in text
    due = date.today() + timedelta(days=DUE)
    assert f'datetime="{due.isoformat()}"' in text
    assert f'href="/propositions/{proposal.id}"' in text
    assert 'name="position"' in text and 'name="competent_body"' in text
    assert "Publier la réponse" in text


def test_posting_publishes_the_response_and_uses_the_link_up(
    client, link_url, proposal, institution, make_user
):
    follower = make_user("participant")
    db.session.add(Follow(user=follower, proposal=proposal))
    db.session.commit()
    posted = client.post(link_url, data=ANSWER)
    assert posted.status_code == 302
    assert posted.headers["Location"].endswith("/repondre/merci")
    thanks = client.get(posted.headers["Location"]).get_data(as_text=True)
    assert "la réponse est publiée" in thanks
    [response] = _responses()
    assert response.received_via is ReceivedVia.ANSWER_LINK
    assert response.author_id is None
    assert (response.position, response.body) == (Position.FAVOURABLE, ANSWER["body"])
    assert f"/propositions/{proposal.id}#reponse-{response.id}" in thanks
    assert proposal.status is ProposalStatus.ANSWERED
    link = _link(link_url)
    assert link.used_at is not None and link.response_id == response.id
    told = db.session.scalars(sa.select(Notification).where(Notification.user_id == follower.id))
    assert NotificationKind.NEW_RESPONSE in {n.kind for n in told}
    shown = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    assert ANSWER["body"] in shown
    # The link is used up: its page now says so, and a second post writes nothing.
    again = client.post(link_url, data={**ANSWER, "body": "Une seconde réponse."})
    assert again.status_code == 410
    assert "a déjà servi" in again.get_data(as_text=True)
    assert [r.body for r in _responses()] == [ANSWER["body"]]


def test_a_recorded_response_is_prefilled_and_corrected(client, proposal, institution):
    recorded = OfficialResponse(
        proposal=proposal,
        institution=institution,
        position=Position.UNDER_STUDY,
        body="Réponse reçue par courrier.",
        received_via=ReceivedVia.LETTER,
        received_at=date.today(),
    )
    db.session.add(recorded)
    db.session.commit()
    url = _issue(proposal, institution, response=recorded)
    text = client.get(url).get_data(as_text=True)
    assert "Une réponse est déjà publiée" in text
    assert "Réponse reçue par courrier." in text
    assert re.search(r'<input checked[^>]*value="under_study"', text)
    assert client.post(url, data=ANSWER).status_code == 302
    [response] = _responses()
    assert response.id == recorded.id
    assert (response.body, response.received_via) == (ANSWER["body"], ReceivedVia.ANSWER_LINK)
    assert response.received_at is None


def test_the_link_takes_an_easy_read_summary_kept_in_each_version(client, proposal, institution):
    recorded = OfficialResponse(
        proposal=proposal, institution=institution, position=Position.UNDER_STUDY,
        body="Réponse reçue par courrier.", easy_read="Nous regardons.",
        received_via=ReceivedVia.LETTER, received_at=date.today(),
    )  # fmt: skip
    db.session.add(recorded)
    db.session.commit()
    url = _issue(proposal, institution, response=recorded)
    form = client.get(url).get_data(as_text=True)
    assert "Nous regardons.</textarea>" in form and "Phrases courtes, mots simples" in form
    easy = "Nous disons oui.\nLes douches ouvrent le dimanche."
    assert client.post(url, data={**ANSWER, "easy_read": easy}).status_code == 302
    [response] = _responses()
    assert response.easy_read == easy
    [version] = db.session.scalars(sa.select(ResponseVersion)).all()
    assert version.easy_read == "Nous regardons."
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    start = page.index(f'id="reponse-{response.id}"')
    article = page[start : page.index("</article>", start)]
    assert article.index("En bref, facile à lire") < article.index(easy)
    assert article.index(easy) < article.index(ANSWER["body"])
    history = client.get(f"/reponses/{response.id}/historique").get_data(as_text=True)
    assert easy in history and "Nous regardons." in history


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"position": "favourable", "body": "   "}, "body", "Écrivez la réponse."),
        ({"position": "favourable", "body": "x" * 10001}, "body", "au plus"),
        ({"body": "Nous étudions."}, "position", "Choisissez une position."),
        (
            {"position": "not_competent", "body": "Pas chez nous."},
            "competent_body",
            "Indiquez qui est compétent.",
        ),
        (
            {**ANSWER, "easy_read": "Nous disons oui. " * 100},
            "easy_read",
            "Votre texte fait 1\u202f700 caractères ; 1\u202f500 au plus.",
        ),
    ],
)
def test_bad_input_is_said_and_nothing_is_saved(client, link_url, proposal, data, field, message):
    page = client.post(link_url, data=data)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert message in text
    assert f'id="{field}-error"' in text or f"{field}-error" in text
    if data["body"].strip():
        assert data["body"][:200] in text
    if "easy_read" in data:
        assert data["easy_read"] + "</textarea>" in text
    assert _responses() == []
    assert _link(link_url).used_at is None
    assert proposal.status is ProposalStatus.SENT


def test_an_expired_link_says_so_and_writes_nothing(client, link_url, clock):
    clock.advance((DUE + answer_links.GRACE_DAYS + 2) * 86400)
    page = client.get(link_url)
    assert page.status_code == 410
    text = page.get_data(as_text=True)
    assert "a expiré le" in text and "Recevoir un nouveau lien" in text
    assert client.post(link_url, data=ANSWER).status_code == 410
    assert _responses() == [] and _emails() == []
    assert len(db.session.scalars(sa.select(AnswerLink)).all()) == 1
    assert _link(link_url).used_at is None


def test_a_revoked_link_says_so_and_writes_nothing(client, link_url, make_user):
    admin = make_user("admin")
    answer_links.revoke(admin, _link(link_url))
    page = client.get(link_url)
    assert page.status_code == 410
    assert "désactivé par l’équipe du réseau" in page.get_data(as_text=True)
    assert client.post(link_url, data=ANSWER).status_code == 410
    assert _responses() == []


@pytest.mark.parametrize("token", ["inconnu", "x" * 43, "x" * 500])
def test_a_forged_link_reveals_nothing(client, link_url, proposal, token, app):
    page = client.get(f"/repondre/{token}")
    assert page.status_code == 404
    text = page.get_data(as_text=True)
    assert "n’existe pas" in text
    assert proposal.title not in text and "Recevoir un nouveau lien" not in text
    assert app.config["NETWORK_CONTACT_EMAIL"] in text
    assert client.post(f"/repondre/{token}", data=ANSWER).status_code == 404
    assert client.post(f"/repondre/{token}/nouveau-lien").status_code == 404
    assert _responses() == [] and _emails() == []


def test_a_new_link_goes_to_the_official_address_only(client, link_url, clock, proposal):
    clock.advance((DUE + answer_links.GRACE_DAYS + 2) * 86400)
    asked = client.post(
        f"{link_url}/nouveau-lien", data={"email": "pirate@example.org", "to": "x@example.org"}
    )
    assert asked.status_code == 302
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert "un nouveau lien a été envoyé à l’adresse officielle" in page.lower()
    assert OFFICIAL not in page
    [email] = _emails()
    assert email.to_address == OFFICIAL
    assert proposal.title in email.subject
    new_url = re.search(r"http://voix\.test(/repondre/[\w-]+)", email.body).group(1)
    assert new_url != link_url
    # Asked again within the hour: said, nothing sent.
    again = client.post(f"{link_url}/nouveau-lien")
    assert "il y a moins d’une heure" in client.get(again.headers["Location"]).get_data(
        as_text=True
    )
    assert len(_emails()) == 1
    # The new link works, though the due date is long past.
    assert client.post(new_url, data=ANSWER).status_code == 302
    assert len(_responses()) == 1
    clock.advance(3600)
    used = client.get(new_url).get_data(as_text=True)
    assert "a déjà servi" in used and "Recevoir un nouveau lien" not in used


def test_no_new_link_without_a_verified_official_address(client, link_url, institution, app):
    institution.official_email_verified_at = None
    db.session.commit()
    link = _link(link_url)
    link.revoked_at = utcnow()
    db.session.commit()
    page = client.get(link_url).get_data(as_text=True)
    assert "Recevoir un nouveau lien" not in page
    assert app.config["NETWORK_CONTACT_EMAIL"] in page
    client.post(f"{link_url}/nouveau-lien")
    assert _emails() == []


def test_a_usable_link_needs_no_new_one(client, link_url):
    asked = client.post(f"{link_url}/nouveau-lien")
    assert asked.status_code == 302 and asked.headers["Location"].endswith(link_url)
    assert _emails() == []


def test_a_link_whose_institution_is_no_longer_addressed_writes_nothing(client, link_url, proposal):
    db.session.execute(sa.delete(AddressedInstitution))
    db.session.commit()
    page = client.post(link_url, data=ANSWER)
    assert page.status_code == 200
    assert "ne s’adresse plus à votre organisation" in page.get_data(as_text=True)
    assert _responses() == []
    assert _link(link_url).used_at is None


def test_two_posts_at_once_with_one_link_give_one_response(
    app, make_proposal, institution, monkeypatch
):
    monkeypatch.setitem(app.config, "ANSWER_LINK_RATE_LIMIT", "10000 per hour")
    rounds = 8
    urls = []
    for i in range(rounds):
        proposal = make_proposal(
            title=f"Proposition {i}", status=ProposalStatus.SENT, institutions=[institution]
        )
        urls.append(_issue(proposal, institution))
    barrier = threading.Barrier(2, timeout=30)
    statuses: dict[str, list[int]] = {"a": [], "b": []}
    errors: list[Exception] = []

    def send(name):
        with app.app_context():
            try:
                client = app.test_client()
                for url in urls:
                    barrier.wait()
                    data = {**ANSWER, "body": f"Réponse envoyée par {name}."}
                    statuses[name].append(client.post(url, data=data).status_code)
            except Exception as error:  # reported by the main thread
                errors.append(error)
                barrier.abort()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send, args=(name,)) for name in statuses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    for pair in zip(statuses["a"], statuses["b"], strict=True):
        assert sorted(pair) in ([200, 302], [302, 410]), pair  # one wins, one is told
    responses = _responses()
    assert len(responses) == rounds
    links = db.session.scalars(sa.select(AnswerLink)).all()
    assert {link.response_id for link in links} == {r.id for r in responses}


def test_admins_list_and_revoke_links(client, link_url, make_user, proposal):
    admin = make_user("admin")
    login(client, admin)
    index = client.get("/admin/").get_data(as_text=True)
    assert "/admin/liens-de-reponse" in index
    page = client.get("/admin/liens-de-reponse").get_data(as_text=True)
    assert proposal.title in page and OFFICIAL in page and "actif" in page
    link = _link(link_url)
    revoked = client.post(f"/admin/liens-de-reponse/{link.id}/revoquer")
    assert revoked.status_code == 302
    link = _link(link_url)
    assert link.revoked_at is not None and link.revoked_by_id == admin.id
    [event] = db.session.scalars(sa.select(AuditEvent)).all()
    assert (event.action, event.target_id) == (AuditAction.ANSWER_LINK_REVOKED, link.id)
    listed = client.get("/admin/liens-de-reponse").get_data(as_text=True)
    assert "révoqué le" in listed and "Révoquer" not in listed
    assert client.get(link_url).status_code == 410


def test_the_admin_list_filters_by_institution(client, link_url, make_user, make_organisation):
    other = make_organisation(OrganisationKind.INSTITUTION, name="Préfecture de la Moselle")
    login(client, make_user("admin"))
    page = client.get(f"/admin/liens-de-reponse?institution={other.id}").get_data(as_text=True)
    assert "Aucun lien pour le moment." in page
    assert client.get("/admin/liens-de-reponse?institution=abc").status_code == 200


@pytest.mark.parametrize("role", ["participant", "association_member", "institution_rep"])
def test_only_admins_see_or_revoke_links(client, link_url, make_user, role):
    login(client, make_user(role))
    assert client.get("/admin/liens-de-reponse").status_code == 403
    link = _link(link_url)
    assert client.post(f"/admin/liens-de-reponse/{link.id}/revoquer").status_code == 403
    assert _link(link_url).revoked_at is None


def _count(client, url):
    client.get(url)  # warm-up: first-request work is not the page's cost
    db.session.expire_all()
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


def test_the_answer_page_runs_as_many_queries_whatever_the_data(
    client, link_url, proposal, institution, make_organisation
):
    small = _count(client, link_url)
    for i in range(20):
        db.session.add(
            Contribution(
                proposal=proposal,
                kind=ContributionKind.TESTIMONY,
                body=f"Témoignage {i}, assez long pour compter.",
                state=ContributionState.PUBLISHED,
            )
        )
        other = make_organisation(OrganisationKind.INSTITUTION)
        proposal.addressed.append(AddressedInstitution(institution=other))
    db.session.commit()
    assert _count(client, link_url) == small


def test_the_admin_list_runs_as_many_queries_whatever_the_data(
    client, link_url, make_user, make_proposal, make_organisation
):
    login(client, make_user("admin"))
    small = _count(client, "/admin/liens-de-reponse")
    for i in range(30):
        institution = make_organisation(
            OrganisationKind.INSTITUTION,
            official_email=f"{i}@x.fr",
            official_email_verified_at=utcnow(),
        )
        proposal = make_proposal(title=f"Proposition {i}", institutions=[institution])
        _issue(proposal, institution)
    assert _count(client, "/admin/liens-de-reponse") == small


def test_the_new_link_is_written_in_the_institutions_language(client, link_url, institution, clock):
    clock.advance(3601)  # the first link was sent over an hour ago
    link = _link(link_url)
    link.revoked_at = utcnow()
    institution.official_locale = "en"
    db.session.commit()
    client.post(f"{link_url}/nouveau-lien")
    [email] = _emails()
    assert email.subject.startswith("Your new link to answer")
    assert "To answer, without creating an account" in email.body


# One working link at a time, to the address it was sent to (review M1)

REPLACED_TEXT = "Un lien plus récent a été envoyé à l’adresse officielle de l’organisation"


def test_a_newer_link_replaces_the_earlier_unused_ones(
    client, link_url, proposal, institution, make_user, clock
):
    clock.advance(3601)  # the first link was sent over an hour ago
    newer = _issue(proposal, institution)
    old = _link(link_url)
    assert old.revoked_at is not None and old.revoked_by_id is None
    assert _link(newer).revoked_at is None
    page = client.get(link_url)
    assert page.status_code == 410
    text = page.get_data(as_text=True)
    assert REPLACED_TEXT in text and "désactivé" not in text
    assert "Recevoir un nouveau lien" in text
    assert client.post(link_url, data=ANSWER).status_code == 410
    assert _responses() == []
    login(client, make_user("admin"))
    listed = client.get("/admin/liens-de-reponse").get_data(as_text=True)
    assert listed.count("remplacé") == 1 and listed.count(">Révoquer<") == 1
    # Asked for on the old page, a new link replaces the newer one too: one works at a time.
    clock.advance(3601)
    client.post(f"{link_url}/nouveau-lien")
    [email] = _emails()
    newest = re.search(r"http://voix\.test(/repondre/[\w-]+)", email.body).group(1)
    assert client.get(newer).status_code == 410
    assert client.post(newest, data=ANSWER).status_code == 302
    assert len(_responses()) == 1


def test_a_used_link_stays_used_when_a_newer_one_is_sent(client, link_url, proposal, institution):
    assert client.post(link_url, data=ANSWER).status_code == 302
    _issue(proposal, institution)
    link = _link(link_url)
    assert link.revoked_at is None
    assert "a déjà servi" in client.get(link_url).get_data(as_text=True)


@pytest.mark.parametrize("change", ["changed", "cleared", "unverified"])
def test_a_link_stops_when_the_official_address_changes(client, link_url, institution, change):
    if change == "changed":
        institution.official_email = "nouvelle@ddets-moselle.example"
    elif change == "cleared":
        institution.official_email = ""
        institution.official_email_verified_at = None
    else:
        institution.official_email_verified_at = None
    db.session.commit()
    page = client.get(link_url)
    assert page.status_code == 410
    text = page.get_data(as_text=True)
    assert REPLACED_TEXT in text
    # A new link only to a verified address (the new one once verified).
    assert ("Recevoir un nouveau lien" in text) is (change == "changed")
    assert client.post(link_url, data=ANSWER).status_code == 410
    assert _responses() == [] and _link(link_url).used_at is None


def test_a_changed_address_gets_the_new_link(client, link_url, institution, clock):
    institution.official_email = "nouvelle@ddets-moselle.example"
    db.session.commit()
    clock.advance(3601)
    client.post(f"{link_url}/nouveau-lien")
    [email] = _emails()
    assert email.to_address == "nouvelle@ddets-moselle.example"


# Only an institution the admins verified answers through a link (review M2)

NOT_ALLOWED_TEXT = "Cette organisation ne peut pas encore répondre par ce lien"


def test_an_institution_the_admins_have_not_verified_cannot_answer_through_a_link(
    client, link_url, proposal, institution, clock
):
    institution.verified = False
    db.session.commit()
    page = client.get(link_url)
    assert page.status_code == 410
    text = page.get_data(as_text=True)
    assert NOT_ALLOWED_TEXT in text and "Recevoir un nouveau lien" not in text
    assert client.post(link_url, data=ANSWER).status_code == 410
    assert _responses() == [] and _link(link_url).used_at is None
    with pytest.raises(ServiceError):
        answer_links.answer_through_link(_link(link_url), position=Position.FAVOURABLE, body="x")
    db.session.rollback()
    assert _responses() == []
    clock.advance(3601)
    client.post(f"{link_url}/nouveau-lien")
    assert _emails() == []
    # No link is made for it at all.
    assert answer_links.issue(proposal, institution) is None
    db.session.commit()
    assert len(db.session.scalars(sa.select(AnswerLink)).all()) == 1


# An association an institution put a proposal to (review finding 4)


@pytest.fixture
def association_link(make_organisation, make_proposal):
    institution = make_organisation(OrganisationKind.INSTITUTION, name="Ville de Metz")
    association = make_organisation(
        OrganisationKind.ASSOCIATION,
        name="Les Restos du Cœur de Metz",
        official_email="metz@restos.example",
        official_email_verified_at=utcnow(),
    )
    proposal = make_proposal(
        status=ProposalStatus.SENT, organisation=institution, institutions=[association]
    )
    return proposal, association, _issue(proposal, association)


def test_an_associations_link_offers_to_take_the_proposal_up(client, association_link):
    _proposal, association, url = association_link
    page = client.get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'value="taken_up"' in text and "Nous nous en saisissons" in text
    assert "Position de l’association" in text
    assert "adresse officielle de votre organisation" in text
    assert "votre institution" not in text
    assert '<bdi dir="auto">Ville de Metz</bdi> propose cette action aux associations' in text
    posted = client.post(url, data={"position": "taken_up", "body": "Nous nous en chargeons."})
    assert posted.status_code == 302
    [response] = _responses()
    assert (response.institution_id, response.position) == (association.id, Position.TAKEN_UP)
    assert response.received_via is ReceivedVia.ANSWER_LINK


def test_an_institutions_link_does_not_offer_to_take_up(client, link_url):
    assert 'value="taken_up"' not in client.get(link_url).get_data(as_text=True)
    page = client.post(link_url, data={"position": "taken_up", "body": "Nous nous en saisissons."})
    assert page.status_code == 200 and _responses() == []


# A correction link once the organisation answered itself (review finding 6)


def test_a_correction_link_stops_once_the_organisation_answers_on_the_site(
    client, proposal, institution, make_user
):
    recorded = OfficialResponse(
        proposal=proposal,
        institution=institution,
        position=Position.UNDER_STUDY,
        body="Réponse reçue par courrier.",
        received_via=ReceivedVia.LETTER,
        received_at=date.today(),
    )
    db.session.add(recorded)
    db.session.commit()
    url = _issue(proposal, institution, response=recorded)
    assert client.get(url).status_code == 200
    rep = make_user("institution_rep", organisation=institution)
    publish_response(
        rep, proposal, institution, position=Position.FAVOURABLE, body="Notre propre réponse."
    )
    page = client.get(url)
    assert page.status_code == 410
    text = page.get_data(as_text=True)
    assert "L’organisation a publié elle-même sa réponse depuis" in text
    assert "Recevoir un nouveau lien" not in text
    assert client.post(url, data=ANSWER).status_code == 410
    [response] = _responses()
    assert (response.body, response.received_via) == ("Notre propre réponse.", ReceivedVia.SITE)
    assert _link(url).used_at is None
    login(client, make_user("admin"))
    assert "remplacé" in client.get("/admin/liens-de-reponse").get_data(as_text=True)


def test_the_admin_list_runs_as_many_queries_with_correction_links(
    client, link_url, make_user, make_proposal, make_organisation
):
    login(client, make_user("admin"))
    small = _count(client, "/admin/liens-de-reponse")
    for i in range(10):
        institution = make_organisation(
            OrganisationKind.INSTITUTION,
            official_email=f"{i}@x.fr",
            official_email_verified_at=utcnow(),
        )
        proposal = make_proposal(
            title=f"Proposition {i}", status=ProposalStatus.SENT, institutions=[institution]
        )
        recorded = OfficialResponse(
            proposal=proposal,
            institution=institution,
            position=Position.UNDER_STUDY,
            body="Par courrier.",
            received_via=ReceivedVia.LETTER,
            received_at=date.today(),
        )
        db.session.add(recorded)
        db.session.commit()
        _issue(proposal, institution, response=recorded)
    assert _count(client, "/admin/liens-de-reponse") == small


# Example proposals never send mail (review finding 10)


def test_no_new_link_for_an_example_proposal(client, link_url, proposal, clock):
    proposal.example = True
    db.session.commit()
    clock.advance((DUE + answer_links.GRACE_DAYS + 2) * 86400)
    page = client.get(link_url).get_data(as_text=True)
    assert "a expiré le" in page and "Recevoir un nouveau lien" not in page
    client.post(f"{link_url}/nouveau-lien")
    assert _emails() == []
    assert len(db.session.scalars(sa.select(AnswerLink)).all()) == 1


# A first response on the site at the same instant (review L4)


def _blocked_on_a_lock(connection, thread) -> bool:
    """Whether the thread's write waits for the site's: SQLite has one writer at a time (the
    thread waits in its first write, using the link up); PostgreSQL says who waits."""
    if connection.dialect.name == "sqlite":
        return running_in(thread, "use_up")
    waiting = connection.execute(
        sa.text(
            "select count(*) from pg_stat_activity "
            "where wait_event_type = 'Lock' and datname = current_database()"
        )
    ).scalar()
    connection.rollback()  # the activity view is read once per transaction
    return bool(waiting)


def test_a_first_response_written_at_the_same_instant_is_never_a_500(
    app, link_url, proposal, institution, make_user
):
    """The representative's response on the site and the link's, at the same instant: one
    response, never an error page. PostgreSQL lets both insert and refuses the second
    clearly, its text kept; SQLite makes the link wait its turn, and it then edits the
    site's response (the earlier version kept)."""
    rep = make_user("institution_rep", organisation=institution)
    proposal_id, institution_id, rep_id = proposal.id, institution.id, rep.id
    result: dict = {}

    def post_through_link():
        with app.app_context():
            try:
                page = app.test_client().post(link_url, data=ANSWER)
                result["status"] = page.status_code
                result["text"] = page.get_data(as_text=True)
            except Exception as error:  # reported by the main thread
                result["error"] = error
            finally:
                db.session.remove()

    # The representative's response on the site, inserted but not yet committed: the link's
    # write waits on it.
    with db.engine.connect() as site, db.engine.connect() as watcher:
        site.execute(
            sa.insert(OfficialResponse).values(
                proposal_id=proposal_id,
                institution_id=institution_id,
                author_id=rep_id,
                position=Position.FAVOURABLE,
                body="Réponse publiée sur le site.",
                competent_body="",
                received_via=ReceivedVia.SITE,
                created_at=utcnow(),
                updated_at=utcnow(),
            )
        )
        thread = threading.Thread(target=post_through_link)
        thread.start()
        assert wait_until(lambda: _blocked_on_a_lock(watcher, thread))
        site.commit()
        thread.join(timeout=60)
    assert "error" not in result, result.get("error")
    [response] = _responses()
    if db.engine.dialect.name == "postgresql":
        assert result["status"] == 200
        assert "Une réponse vient d’être publiée au nom de l’organisation" in result["text"]
        assert ANSWER["body"] in result["text"]  # the text kept
        assert response.body == "Réponse publiée sur le site."
        assert _link(link_url).used_at is None
    else:
        assert result["status"] == 302
        assert response.body == ANSWER["body"]
        assert response.received_via is ReceivedVia.ANSWER_LINK
        [earlier] = db.session.scalars(sa.select(ResponseVersion)).all()
        assert earlier.body == "Réponse publiée sur le site."
        assert _link(link_url).used_at is not None


def test_a_response_recorded_for_an_unverified_institution_is_copied_without_a_link(
    proposal, institution, make_user
):
    institution.verified = False
    db.session.commit()
    record_response(
        make_user("admin"),
        proposal,
        institution,
        received_via=ReceivedVia.LETTER,
        received_at=date.today(),
        position=Position.UNDER_STUDY,
        body="Réponse reçue par courrier.",
    )
    [email] = _emails()
    assert email.to_address == OFFICIAL and "Réponse reçue par courrier." in email.body
    assert "/repondre/" not in email.body and "None" not in email.body
    assert db.session.scalars(sa.select(AnswerLink)).all() == []
