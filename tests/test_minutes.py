"""Meeting minutes: the draft, amendments accepted or declined with a reason, corrections,
validation; every version readable with its diff; who may do what; bad input; escaping."""

import re
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AmendmentState,
    Meeting,
    Minutes,
    MinutesAmendment,
    MinutesState,
    MinutesVersion,
    Notification,
    NotificationKind,
    OutboxEmail,
    User,
    paris_today,
    utcnow,
)
from app.services import minutes as service
from tests.conftest import ROLES, login
from tests.helpers import count_queries, running_in, wait_until

TEXT = "Présents : dix personnes.\n\nLe groupe demande des bains-douches gratuits."
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
OK, REDIRECT, BAD, FORBIDDEN, NOT_FOUND = 200, 302, 400, 403, 404


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _iso(days: int = 0) -> str:
    return (paris_today() + timedelta(days=days)).isoformat()


@pytest.fixture
def make_meeting(make_theme):
    def make(
        secretary=None,
        starts_in=timedelta(hours=-3),
        cancelled=False,
        proposals=(),
        host=None,
        created_by=None,
    ):
        meeting = Meeting(
            title="Groupe santé",
            starts_at=utcnow() + starts_in,
            theme=make_theme(),
            secretary=secretary,
            host=host,
            created_by_id=created_by.id if created_by else None,
            cancelled_at=utcnow() if cancelled else None,
        )
        meeting.proposals.extend(proposals)
        db.session.add(meeting)
        db.session.commit()
        return meeting

    return make


def _minutes(meeting, author, body=TEXT, until_days=7, state=MinutesState.OPEN) -> Minutes:
    minutes = Minutes(
        meeting=meeting, state=state, amendments_until=paris_today() + timedelta(days=until_days)
    )
    minutes.versions.append(MinutesVersion(number=1, body=body, author=author, note="Projet"))
    db.session.add(minutes)
    db.session.commit()
    return minutes


def _amendment(minutes, author, passage="dix personnes", proposed="douze personnes", n=1):
    amendment = MinutesAmendment(
        minutes=minutes,
        author=author,
        version_number=n,
        passage=passage,
        proposed_text=proposed,
        reason="J’ai compté.",
    )
    db.session.add(amendment)
    db.session.commit()
    return amendment


def _client_for(app, user):
    client = app.test_client()
    login(client, user)
    return client


def _visible(html: str) -> str:
    """The page without the words only screen readers get (the diff's markers)."""
    return re.sub(r'<span class="visually-hidden"[^>]*>[^<]*</span>', "", html)


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


# The whole cycle


def test_draft_amend_accept_decline_validate(app, make_meeting, make_user):
    secretary = make_user("association_member", pseudonym="Nadia")
    alice = make_user("participant", pseudonym="Alice")
    bruno = make_user("participant", pseudonym="Bruno")
    meeting = make_meeting(secretary=secretary)
    base = f"/reunions/{meeting.id}/compte-rendu"
    sec = _client_for(app, secretary)

    response = sec.post(f"{base}/publier", data={"body": TEXT, "amendments_until": _iso(7)})
    assert response.status_code == 302
    minutes = db.session.scalar(sa.select(Minutes))
    assert (minutes.state, minutes.versions[0].author_id) == (MinutesState.OPEN, secretary.id)
    page = _page(app.test_client(), base)
    assert "dix personnes" in page and "Projet ouvert aux amendements" in page

    # Alice proposes; the secretary accepts with the pre-filled text.
    a = _client_for(app, alice)
    data = {"passage": "dix personnes", "proposed_text": "douze personnes", "reason": "Compté."}
    assert a.post(f"{base}/amendements/nouveau", data=data).status_code == 302
    first = db.session.scalar(sa.select(MinutesAmendment))
    assert (first.version_number, first.state) == (1, AmendmentState.PENDING)
    form = _page(sec, f"/amendements/{first.id}/decision")
    assert "Présents : douze personnes." in form
    accepted = TEXT.replace("dix", "douze")
    response = sec.post(
        f"/amendements/{first.id}/decision",
        data={"decision": "accept", "body": accepted, "based_on": "1"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    version = db.session.scalar(sa.select(MinutesVersion).where(MinutesVersion.number == 2))
    assert (version.body, version.amendment_id) == (accepted, first.id)
    assert version.note == "Amendement n° 1 de Alice accepté"
    assert db.session.get(MinutesAmendment, first.id).state is AmendmentState.ACCEPTED
    [note] = db.session.scalars(sa.select(Notification)).all()
    assert (note.user_id, note.kind) == (alice.id, NotificationKind.AMENDMENT_DECISION)
    assert note.data == {
        "meeting_id": meeting.id,
        "meeting_title": "Groupe santé",
        "decision": "accepted",
        "reason": "",
    }
    email = db.session.scalar(sa.select(OutboxEmail).where(OutboxEmail.user_id == alice.id))
    assert "est accepté" in email.body
    assert f"http://voix.test/reunions/{meeting.id}/compte-rendu" in email.body
    assert "est accepté" in _page(a, "/notifications/")

    # Bruno proposes; declining needs a reason, which he is told.
    b = _client_for(app, bruno)
    data = {"passage": "gratuits", "proposed_text": "payants", "reason": "Erreur."}
    b.post(f"{base}/amendements/nouveau", data=data)
    second = db.session.scalar(sa.select(MinutesAmendment).where(MinutesAmendment.id != first.id))
    url = f"/amendements/{second.id}/decision"
    refused = sec.post(url, data={"decision": "decline", "reason": " ", "based_on": "2"})
    assert "Expliquez pourquoi l’amendement est refusé." in refused.get_data(as_text=True)
    assert _count(Notification, Notification.user_id == bruno.id) == 0
    sec.post(url, data={"decision": "decline", "reason": "Ce n’est pas ce qui a été dit."})
    db.session.expire_all()
    assert db.session.get(MinutesAmendment, second.id).state is AmendmentState.DECLINED
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == bruno.id))
    assert note.data["decision"] == "declined"
    assert note.data["reason"] == "Ce n’est pas ce qui a été dit."
    email = db.session.scalar(sa.select(OutboxEmail).where(OutboxEmail.user_id == bruno.id))
    assert "est refusé" in email.body and "Ce n’est pas ce qui a été dit." in email.body
    assert "Ce n’est pas ce qui a été dit." in _page(b, "/notifications/")

    # The diff shows the change and who wrote each version; every version stays readable.
    diff = _page(app.test_client(), f"{base}/diff?de=1&a=2")
    assert "<del>dix</del><ins>douze</ins>" in _visible(diff)
    assert "[retiré : </span>dix" in diff and "[ajouté : </span>douze" in diff
    assert "le texte retiré est barré" in diff and "Nadia" in diff
    assert "dix personnes" in _page(app.test_client(), f"{base}/versions/1")
    page = _page(app.test_client(), base)
    assert "douze personnes" in page and "Amendement n° 1 de Alice accepté" in page
    assert "Ce n’est pas ce qui a été dit." in page and "Refusé" in page

    # Validated: read-only.
    assert sec.post(f"{base}/valider", data={"confirm": "y"}).status_code == 302
    db.session.expire_all()
    minutes = db.session.get(Minutes, minutes.id)
    assert (minutes.state, minutes.validated_by_id) == (MinutesState.VALIDATED, secretary.id)
    assert a.post(f"{base}/amendements/nouveau", data=data).status_code == 403
    assert sec.get(f"{base}/corriger").status_code == 403
    assert sec.get(f"{base}/valider").status_code == 403
    assert _count(MinutesAmendment) == 2 and _count(MinutesVersion) == 2
    page = _page(a, base)
    assert "Validé" in page and "Proposer un amendement" not in page


def test_validation_waits_for_pending_amendments(client, make_meeting, make_user):
    secretary = make_user("association_member")
    meeting = make_meeting(secretary=secretary)
    minutes = _minutes(meeting, secretary)
    amendment = _amendment(minutes, make_user("participant"))
    login(client, secretary)
    url = f"/reunions/{meeting.id}/compte-rendu/valider"
    assert "attend encore votre décision" in _page(client, url)
    response = client.post(url, data={"confirm": "y"})
    assert response.status_code == 200
    assert "attend encore votre décision" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Minutes, minutes.id).state is MinutesState.OPEN
    client.post(
        f"/amendements/{amendment.id}/decision", data={"decision": "decline", "reason": "Non."}
    )
    assert client.post(url, data={"confirm": "y"}).status_code == 302


def test_validation_after_the_deadline(client, make_meeting, make_user):
    secretary = make_user("association_member")
    meeting = make_meeting(secretary=secretary)
    minutes = _minutes(meeting, secretary, until_days=-1)
    login(client, secretary)
    response = client.post(f"/reunions/{meeting.id}/compte-rendu/valider", data={"confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Minutes, minutes.id).state is MinutesState.VALIDATED


@pytest.mark.parametrize(("until_days", "allowed"), [(-1, False), (0, True)])
def test_amendments_until_the_date_included(client, make_meeting, make_user, until_days, allowed):
    secretary = make_user("association_member")
    meeting = make_meeting(secretary=secretary)
    _minutes(meeting, secretary, until_days=until_days)
    login(client, make_user("participant"))
    url = f"/reunions/{meeting.id}/compte-rendu/amendements/nouveau"
    data = {"passage": "dix", "proposed_text": "douze", "reason": "Compté."}
    assert client.post(url, data=data).status_code == (302 if allowed else 403)
    assert _count(MinutesAmendment) == (1 if allowed else 0)
    page = _page(client, f"/reunions/{meeting.id}/compte-rendu")
    assert ("Proposer un amendement" in page) is allowed
    assert ("clos depuis le" in page) is not allowed


def test_second_acceptance_on_the_same_version_is_rebased(client, make_meeting, make_user):
    secretary = make_user("association_member")
    meeting = make_meeting(secretary=secretary)
    minutes = _minutes(meeting, secretary)
    first = _amendment(minutes, make_user("participant"))
    second = _amendment(minutes, make_user("participant"), "gratuits", "gratuits et ouverts")
    login(client, secretary)
    client.post(
        f"/amendements/{first.id}/decision",
        data={"decision": "accept", "body": TEXT.replace("dix", "douze"), "based_on": "1"},
    )
    stale = TEXT.replace("gratuits", "gratuits et ouverts")  # written from version 1
    response = client.post(
        f"/amendements/{second.id}/decision",
        data={"decision": "accept", "body": stale, "based_on": "1"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Le compte rendu a changé" in page and "version 2" in page
    # The form now starts from version 2, with the passage replaced again.
    assert (
        "Présents : douze personnes.\n\nLe groupe demande des bains-douches gratuits et ouverts"
        in page
    )
    assert 'name="based_on" type="hidden" value="2"' in page
    assert _count(MinutesVersion) == 2
    db.session.expire_all()
    assert db.session.get(MinutesAmendment, second.id).state is AmendmentState.PENDING
    assert "proposé sur la version 1" in _page(client, f"/amendements/{second.id}/decision")
    rebased = TEXT.replace("dix", "douze").replace("gratuits", "gratuits et ouverts")
    client.post(
        f"/amendements/{second.id}/decision",
        data={"decision": "accept", "body": rebased, "based_on": "2"},
    )
    assert _count(MinutesVersion) == 2 + 1


def test_simultaneous_acceptances_do_not_build_on_the_same_version(app, make_meeting, make_user):
    """While one acceptance is being written, a second one on the same version waits for it,
    then is refused (rather than both becoming version 2)."""
    secretary = make_user("association_member")
    minutes = _minutes(make_meeting(secretary=secretary), secretary)
    second = _amendment(minutes, make_user("participant"), "gratuits", "payants")
    ids = (secretary.id, second.id)
    outcome = []

    def accept_in_another_request():
        with app.app_context():
            user, amendment = db.session.get(User, ids[0]), db.session.get(MinutesAmendment, ids[1])
            try:
                service.accept_amendment(user, amendment, TEXT.replace("gratuits", "payants"), 1)
            except service.MinutesChanged as error:
                outcome.append(error.current.number)

    service._lock_open(minutes)  # the first acceptance, not committed yet
    db.session.add(MinutesVersion(minutes=minutes, number=2, body="Version 2", author=secretary))
    db.session.flush()
    other = threading.Thread(target=accept_in_another_request)
    other.start()
    assert wait_until(lambda: running_in(other, "_lock_open"))  # waiting for our lock
    db.session.commit()
    other.join(timeout=10)
    assert outcome == [2]
    assert _count(MinutesVersion) == 2
    assert _count(MinutesAmendment, MinutesAmendment.state == AmendmentState.PENDING) == 1


def test_secretary_publishes_a_correction(client, make_meeting, make_user):
    secretary = make_user("association_member")
    meeting = make_meeting(secretary=secretary)
    _minutes(meeting, secretary)
    login(client, secretary)
    url = f"/reunions/{meeting.id}/compte-rendu/corriger"
    assert TEXT in _page(client, url)
    client.post(url, data={"body": TEXT + "\n\nAjout.", "note": "Oubli", "based_on": "1"})
    version = db.session.scalar(sa.select(MinutesVersion).where(MinutesVersion.number == 2))
    assert (version.note, version.author_id, version.amendment_id) == ("Oubli", secretary.id, None)
    diff = _page(client, f"/reunions/{meeting.id}/compte-rendu/diff")
    assert "<ins>\n\nAjout.</ins>" in _visible(diff)


def test_publishing_needs_a_started_meeting_and_once_only(client, make_meeting, make_user):
    secretary = make_user("association_member")
    login(client, secretary)
    later = make_meeting(secretary, starts_in=timedelta(days=2))
    assert client.get(f"/reunions/{later.id}/compte-rendu/publier").status_code == 403
    assert "une fois la réunion commencée" in _page(client, f"/reunions/{later.id}/compte-rendu")
    cancelled = make_meeting(secretary, cancelled=True)
    assert client.get(f"/reunions/{cancelled.id}/compte-rendu").status_code == 404
    assert client.get(f"/reunions/{cancelled.id}/compte-rendu/publier").status_code == 404
    meeting = make_meeting(secretary)
    data = {"body": TEXT, "amendments_until": _iso()}
    assert client.post(f"/reunions/{meeting.id}/compte-rendu/publier", data=data).status_code == 302
    again = client.post(f"/reunions/{meeting.id}/compte-rendu/publier", data=data)
    assert again.status_code == 302
    assert _count(Minutes) == 1 and _count(MinutesVersion) == 1


def test_unknown_ids_and_bad_versions(client, make_meeting, make_user):
    secretary = make_user("association_member")
    meeting = make_meeting()
    base = f"/reunions/{meeting.id}/compte-rendu"
    assert client.get("/reunions/999/compte-rendu").status_code == 404
    assert client.get(f"{base}/versions/1").status_code == 404  # nothing published yet
    _minutes(meeting, secretary)
    assert client.get(f"{base}/versions/2").status_code == 404
    assert client.get(f"{base}/diff?de=1&a=7").status_code == 404
    assert client.get(f"{base}/diff?de=un&a=2").status_code == 400
    assert "Aucune différence" in _page(client, f"{base}/diff")
    login(client, secretary)
    assert client.get("/amendements/999/decision").status_code == 404
    assert client.get("/reunions/999/compte-rendu/amendements/nouveau").status_code == 404


def test_links_to_the_proposals_discussed(client, make_meeting, make_proposal):
    proposal = make_proposal(title="Des bains-douches gratuits")
    meeting = make_meeting(proposals=[proposal])
    page = _page(client, f"/reunions/{meeting.id}/compte-rendu")
    assert f'href="/propositions/{proposal.id}"' in page and "Des bains-douches gratuits" in page


def test_diff_by_line_then_by_word():
    pieces = service.diff("Un deux trois.\nQuatre.\n", "Un deux 3.\nQuatre.\nCinq.\n")
    assert pieces == [
        ("equal", "Un deux "),
        ("delete", "trois."),
        ("insert", "3."),
        ("equal", "\nQuatre.\n"),
        ("insert", "Cinq.\n"),
    ]


# Bad input: the form again, a clear message, the text kept, nothing saved


@pytest.fixture
def bad_input_world(client, make_meeting, make_user):
    secretary = make_user("association_member")
    meeting = make_meeting(secretary=secretary)
    empty = make_meeting(secretary=secretary)
    minutes = _minutes(meeting, secretary)
    amendment = _amendment(minutes, make_user("participant"))
    login(client, secretary)
    return {"meeting": meeting, "empty": empty, "amendment": amendment}


KEPT = "Mon texte à garder"
BAD_INPUTS = [
    ("publish", {"body": "", "amendments_until": _iso()}, "Écrivez le texte du compte rendu."),
    ("publish", {"body": KEPT, "amendments_until": ""}, "Indiquez une date"),
    ("publish", {"body": KEPT, "amendments_until": "demain"}, "pas une date valide"),
    ("publish", {"body": KEPT, "amendments_until": _iso(-1)}, "aujourd’hui ou plus tard"),
    ("propose", {"passage": "", "proposed_text": KEPT, "reason": "r"}, "Recopiez le passage"),
    ("propose", {"passage": KEPT, "proposed_text": "", "reason": "r"}, "Écrivez la formulation"),
    ("propose", {"passage": "p", "proposed_text": KEPT, "reason": ""}, "Expliquez pourquoi"),
    ("propose", {"passage": KEPT, "proposed_text": KEPT, "reason": "r"}, "identique au passage"),
    ("decide", {"decision": "", "reason": KEPT}, "Choisissez d’accepter ou de refuser."),
    ("decide", {"decision": "maybe", "reason": KEPT}, "un choix valide"),
    ("decide", {"decision": "accept", "body": "", "reason": KEPT}, "Écrivez le texte"),
    ("decide", {"decision": "accept", "body": TEXT, "reason": KEPT}, "identique à la version"),
    ("decide", {"decision": "decline", "body": KEPT, "reason": ""}, "Expliquez pourquoi"),
    ("correct", {"body": KEPT, "note": ""}, "Dites en quelques mots ce que vous corrigez."),
    ("correct", {"body": "", "note": KEPT}, "Écrivez le texte du compte rendu."),
    ("correct", {"body": TEXT, "note": KEPT}, "identique à la version"),
    (
        "correct",
        {"body": KEPT, "note": "x" * 301},
        "Votre texte fait 301 caractères ; 300 au plus.",
    ),
    ("validate", {}, "Cochez la case pour confirmer."),
]


def _bad_input_url(world, form):
    base = f"/reunions/{world['meeting'].id}/compte-rendu"
    return {
        "publish": f"/reunions/{world['empty'].id}/compte-rendu/publier",
        "propose": f"{base}/amendements/nouveau",
        "decide": f"/amendements/{world['amendment'].id}/decision",
        "correct": f"{base}/corriger",
        "validate": f"{base}/valider",
    }[form]


@pytest.mark.parametrize(("form", "data", "message"), BAD_INPUTS)
def test_bad_input_saves_nothing(client, bad_input_world, form, data, message):
    data = {"based_on": "1", **data}
    if form == "validate":  # nothing pending, so only the missing confirmation is wrong
        bad_input_world["amendment"].state = AmendmentState.DECLINED
        db.session.commit()
    response = client.post(_bad_input_url(bad_input_world, form), data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    if KEPT in data.values():
        assert KEPT in page
    db.session.expire_all()
    assert (_count(Minutes), _count(MinutesVersion), _count(MinutesAmendment)) == (1, 1, 1)
    assert _count(MinutesAmendment, MinutesAmendment.state == AmendmentState.PENDING) == (
        0 if form == "validate" else 1
    )
    assert _count(Minutes, Minutes.state == MinutesState.OPEN) == 1
    assert _count(Notification) == 0


# Who may do what: each route × each role, nothing changed when refused

# "secretary" is the one the meeting names (a member of its host association), or, for a
# meeting that names nobody (made before meetings named one), its creator. "host_member" is
# another member of the host association: neither they, nor the association member, nor the
# moderator (other associations) handle the minutes; admins do.
ALL_ROLES = (*ROLES, "secretary", "host_member")


def _secretary_rule(named: bool, ok: int) -> dict:
    return {
        "visitor": REDIRECT,
        "participant": FORBIDDEN,
        "association_member": FORBIDDEN,
        "moderator": FORBIDDEN,
        "institution_rep": FORBIDDEN,
        "admin": ok,
        "secretary": ok,
        "host_member": FORBIDDEN,
    }


def _logged_in(ok: int) -> dict:
    return {role: REDIRECT if role == "visitor" else ok for role in ALL_ROLES}


PUBLIC = dict.fromkeys(ALL_ROLES, OK)


def _pending(w) -> MinutesAmendment:
    return _amendment(w["minutes"], w["author"], n=2)


ROUTES = [
    # method, url, form data, expected(named) -> {role: status}
    ("GET", lambda w: f"{w['base']}", None, lambda named: PUBLIC),
    ("GET", lambda w: f"{w['base']}/versions/1", None, lambda named: PUBLIC),
    ("GET", lambda w: f"{w['base']}/diff?de=1&a=2", None, lambda named: PUBLIC),
    (
        "GET",
        lambda w: f"/reunions/{w['empty'].id}/compte-rendu/publier",
        None,
        lambda named: _secretary_rule(named, OK),
    ),
    (
        "POST",
        lambda w: f"/reunions/{w['empty'].id}/compte-rendu/publier",
        {"body": TEXT, "amendments_until": _iso(3)},
        lambda named: _secretary_rule(named, REDIRECT),
    ),
    (
        "GET",
        lambda w: f"{w['base']}/amendements/nouveau",
        None,
        lambda named: _logged_in(OK),
    ),
    (
        "POST",
        lambda w: f"{w['base']}/amendements/nouveau",
        {"passage": "dix", "proposed_text": "onze", "reason": "Compté."},
        lambda named: _logged_in(REDIRECT),
    ),
    (
        "GET",
        lambda w: f"/amendements/{_pending(w).id}/decision",
        None,
        lambda named: _secretary_rule(named, OK),
    ),
    (
        "POST",
        lambda w: f"/amendements/{_pending(w).id}/decision",
        {"decision": "decline", "reason": "Non."},
        lambda named: _secretary_rule(named, REDIRECT),
    ),
    ("GET", lambda w: f"{w['base']}/corriger", None, lambda named: _secretary_rule(named, OK)),
    (
        "POST",
        lambda w: f"{w['base']}/corriger",
        {"body": "Nouveau texte.", "note": "Correction", "based_on": "2"},
        lambda named: _secretary_rule(named, REDIRECT),
    ),
    ("GET", lambda w: f"{w['base']}/valider", None, lambda named: _secretary_rule(named, OK)),
    (
        "POST",
        lambda w: f"{w['base']}/valider",
        {"confirm": "y"},
        lambda named: _secretary_rule(named, REDIRECT),
    ),
]


def _snapshot():
    return (
        _count(Minutes),
        _count(Minutes, Minutes.state == MinutesState.VALIDATED),
        _count(MinutesVersion),
        _count(MinutesAmendment),
        _count(MinutesAmendment, MinutesAmendment.state == AmendmentState.PENDING),
    )


CASES = [(named, role) for named in (False, True) for role in ALL_ROLES]


@pytest.mark.parametrize(
    ("named", "role"), CASES, ids=[f"{'named' if n else 'unnamed'}-{r}" for n, r in CASES]
)
@pytest.mark.parametrize("route", range(len(ROUTES)))
def test_permissions(client, make_meeting, make_user, make_organisation, named, role, route):
    method, url, data, expected = ROUTES[route]
    host = make_organisation()
    secretary = make_user("association_member", organisation=host)
    writer = make_user("association_member", organisation=host)
    people = {"host": host, "secretary" if named else "created_by": secretary}
    meeting = make_meeting(**people)
    minutes = _minutes(meeting, writer)
    db.session.add(MinutesVersion(minutes=minutes, number=2, body=TEXT + "\nSuite.", author=writer))
    db.session.commit()
    w = {
        "base": f"/reunions/{meeting.id}/compte-rendu",
        "empty": make_meeting(**people),
        "minutes": minutes,
        "author": make_user("participant"),
    }
    if role == "secretary":
        login(client, secretary)
    elif role == "host_member":
        login(client, writer)
    elif role != "visitor":
        login(client, make_user(role))
    target = url(w)
    before = _snapshot()
    response = client.get(target) if method == "GET" else client.post(target, data=data)
    status = expected(named)[role]
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    if method == "GET" or status != REDIRECT:
        assert _snapshot() == before


# Everything people write is escaped


def test_user_text_is_escaped_everywhere(app, client, make_meeting, make_user):
    secretary = make_user("association_member", pseudonym="<b>Nadia</b>")
    author = make_user("participant", pseudonym="<i>Alice</i>")
    meeting = make_meeting(secretary=secretary)
    meeting.title = f"Réunion {XSS}"
    db.session.commit()
    minutes = _minutes(meeting, secretary, body=f"Début {XSS} fin.")
    amendment = _amendment(minutes, author, passage=f"Début {XSS}", proposed=f"Autre {XSS}")
    amendment.reason = f"Parce que {XSS}"
    db.session.commit()
    login(client, secretary)
    base = f"/reunions/{meeting.id}/compte-rendu"
    response = client.post(
        f"/amendements/{amendment.id}/decision",
        data={
            "decision": "accept",
            "body": f"Autre {XSS} fin, {XSS} bis.",
            "reason": f"Merci {XSS}",
            "based_on": "1",
        },
    )
    assert response.status_code == 302
    client.post(
        f"{base}/corriger",
        data={"body": f"Autre {XSS} fin.", "note": f"Note {XSS}", "based_on": "2"},
    )
    pages = [
        base,
        f"{base}/versions/1",
        f"{base}/versions/3",
        f"{base}/diff?de=1&a=3",
        f"{base}/diff?de=2&a=3",
        f"{base}/amendements/nouveau",
        f"{base}/corriger",
    ]
    for url in pages:
        page = _page(client, url)
        assert "<script>" not in page and "<img" not in page, url
        assert "&lt;script&gt;" in page, url
        assert "<b>Nadia</b>" not in page and "<i>Alice</i>" not in page, url
    other = _amendment(minutes, author, passage=XSS, proposed=f"{XSS}!")
    page = _page(client, f"/amendements/{other.id}/decision")
    assert "<script>" not in page and "&lt;script&gt;" in page
    page = _page(_client_for(app, author), "/notifications/")
    assert "<script>" not in page and "&lt;script&gt;" in page


# A fixed number of queries, whatever the number of amendments and versions


def _seed(n, meeting, secretary, author):
    minutes = _minutes(meeting, secretary)
    for number in range(2, n + 1):
        db.session.add(
            MinutesVersion(
                minutes=minutes, number=number, body=f"{TEXT} {number}", author=secretary
            )
        )
    for i in range(n):
        db.session.add(
            MinutesAmendment(
                minutes=minutes,
                author=author,
                version_number=1,
                passage=f"passage {i}",
                proposed_text="autre",
                reason="Pourquoi",
                state=list(AmendmentState)[i % 3],
                decided_by=secretary if i % 3 else None,
            )
        )
    db.session.commit()


def _queries(client, url) -> int:
    client.get(url)  # warm-up
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("who", ["visitor", "secretary"])
def test_minutes_page_query_count(client, make_meeting, make_user, who):
    secretary, author = make_user("association_member"), make_user("participant")
    small, large = make_meeting(secretary=secretary), make_meeting(secretary=secretary)
    _seed(2, small, secretary, author)
    _seed(30, large, secretary, author)
    if who == "secretary":
        login(client, secretary)
    few = _queries(client, f"/reunions/{small.id}/compte-rendu")
    many = _queries(client, f"/reunions/{large.id}/compte-rendu")
    assert few == many


def test_a_secretary_who_left_the_host_no_longer_handles_the_minutes(
    client, make_meeting, make_user, make_organisation
):
    host = make_organisation()
    secretary = make_user("association_member", organisation=host)
    meeting = make_meeting(secretary=secretary, host=host)
    _minutes(meeting, secretary)
    login(client, secretary)
    url = f"/reunions/{meeting.id}/compte-rendu/corriger"
    assert client.get(url).status_code == 200
    secretary.organisations.remove(host)
    db.session.commit()
    response = client.post(url, data={"body": TEXT + " Ajout.", "note": "Oubli", "based_on": "1"})
    assert response.status_code == 403
    assert _count(MinutesVersion) == 1
