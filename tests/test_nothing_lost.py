"""Nothing a person typed is lost: long texts refused with their length and kept, the charter
gate keeps what was sent, the guest form's limit counts only stored testimonies, and a
hidden contribution can be reworded."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Contribution

NNBSP = "\u202f"  # the French thousands separator


def _count(model=Contribution, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@pytest.fixture
def proposal(make_proposal):
    return make_proposal(title="Ouvrir des bains-douches gratuits")


# A long text is refused with its length, never cut


def _too_long(count: int, maximum: int) -> str:
    return (
        f"Votre texte fait {count // 1000}{NNBSP}{count % 1000:03d} caractères ; "
        f"{maximum // 1000}{NNBSP}{maximum % 1000:03d} au plus."
    )


@pytest.mark.parametrize("as_guest", [True, False])
def test_a_long_testimony_is_refused_with_its_length_and_kept(client, proposal, login_as, as_guest):
    if not as_guest:
        login_as("participant")
    body = "Mot " * 1328  # 5,312 characters
    response = client.post(
        f"/propositions/{proposal.id}/temoigner",
        data={"body": body, "display_mode": "pseudonym"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _too_long(5312, 5000) in html
    assert body.strip() in html
    assert _count() == 0


def test_a_long_comment_is_refused_with_its_length_and_kept(client, proposal, login_as):
    login_as("participant")
    body = "x" * 2345
    response = client.post(
        f"/propositions/{proposal.id}/commentaires",
        data={"body": body, "display_mode": "pseudonym"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _too_long(2345, 2000) in html and body in html
    assert _count() == 0


def test_line_breaks_count_once(client, proposal, login_as):
    """Browsers send CRLF: a text within the limit on screen is within it on the server."""
    login_as("participant")
    body = ("y" * 9 + "\r\n") * 200  # 2,000 characters on screen, 2,200 bytes sent
    response = client.post(
        f"/propositions/{proposal.id}/commentaires",
        data={"body": body, "display_mode": "pseudonym"},
    )
    assert response.status_code == 302
    assert _count() == 1


def test_no_text_area_cuts_a_pasted_text(client, proposal, login_as):
    """A maxlength attribute makes browsers drop the end of a pasted text silently."""
    guest_form = client.get(f"/propositions/{proposal.id}/temoigner").get_data(as_text=True)
    login_as("participant")
    page = client.get(f"/propositions/{proposal.id}").get_data(as_text=True)
    for html, limit in ((guest_form, "5000"), (page, "2000")):
        areas = re.findall(r"<textarea[^>]*>", html)
        assert areas and not [area for area in areas if "maxlength" in area]
        assert f'data-max="{limit}"' in html
