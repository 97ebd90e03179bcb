"""The translations' review fixes: two saves at the same instant on two real database
sessions (the second is refused, nothing overwritten), the audit trail of translations,
taking an outdated translation down, the easy-read summary a translator may only write
when there is none, and the translate links under every text a reader reaches."""

import threading

import sqlalchemy as sa

from app.extensions import db
from app.models import Proposal, Translation, Translator, User, source_digest
from app.services import ServiceError
from app.services import translations as service


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
