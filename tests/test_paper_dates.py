"""A paper testimony's date is the day its sheet was filled in: moderators read that the
consent was signed on the sheet, the public reads the collection date, never the typing
time as if it were the testimony's."""

import re
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import Contribution, ContributionState, paris_today
from tests import test_paper_entry as paper
from tests.test_paper_entry import TEXTS, _as, _post, _sheets, _sitting

# The paper entry's fixtures, used here too.
association, member, place, proposal = paper.association, paper.member, paper.place, paper.proposal


def _typed_in(client, association, proposal, place, collected_on):
    proposal.created_at -= timedelta(days=30)  # the sheet was filled in after it was filed
    db.session.commit()
    data = {
        **_sitting(association, proposal, place, collected_on=collected_on.isoformat()),
        **_sheets({"body": TEXTS[0]}),
    }
    assert _post(client, proposal, data).status_code == 302
    return db.session.scalar(sa.select(Contribution).order_by(Contribution.id.desc()))


def _item(html: str, contribution: Contribution) -> str:
    start = html.index(f'id="a-traiter-{contribution.id}"')
    return html[start : html.index("</li>", start)]


def test_moderators_read_the_consent_on_the_sheet_and_the_day_once(
    client, member, association, proposal, place, make_user
):
    proposal.theme.members_premoderated = True
    db.session.commit()
    collected = paris_today() - timedelta(days=4)
    contribution = _typed_in(client, association, proposal, place, collected)
    assert contribution.state is ContributionState.PENDING
    _as(client, make_user("moderator"))
    item = _item(client.get("/moderation/").get_data(as_text=True), contribution)
    assert "accord signé sur la fiche" in item
    assert "accord de la personne confirmé" not in item
    assert item.count(str(collected.year)) == 1  # the collection day, said once
    assert f'datetime="{contribution.created_at.isoformat()}Z"' not in item  # no typing time


def test_the_public_reads_the_collection_day_as_the_date(
    client, member, association, proposal, place
):
    collected = paris_today() - timedelta(days=4)
    contribution = _typed_in(client, association, proposal, place, collected)
    assert contribution.state is ContributionState.PUBLISHED
    client.post("/compte/deconnexion")
    html = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    article = re.search(
        rf'id="contribution-{contribution.id}".*?</article>', html, re.DOTALL
    ).group(0)
    assert f'<time datetime="{collected.isoformat()}">' in article
    assert f'datetime="{contribution.created_at.isoformat()}Z"' not in article
