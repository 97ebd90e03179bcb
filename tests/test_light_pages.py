"""Light pages for old phones on prepaid plans: no external request, small transfers."""

import gzip
import re

from app.extensions import db
from app.models import (
    Contribution,
    ContributionKind,
    ContributionState,
    DisplayMode,
)
from tests.audio_samples import add_published_spoken

RESOURCE = re.compile(r"<(?:link|script|img|iframe|source|video|audio)\b[^>]*>", re.IGNORECASE)
URL_ATTR = re.compile(r'(?:src|href|srcset|poster)="([^"]*)"', re.IGNORECASE)


def _resources(html: str) -> list[str]:
    return [url for tag in RESOURCE.findall(html) for url in URL_ATTR.findall(tag)]


def _proposal_with_contributions(make_proposal, count):
    proposal = make_proposal(title="Développer le bail glissant")
    text = "Je vis à l’hôtel avec mes deux enfants depuis huit mois. " * 6
    for i in range(count):
        kind = ContributionKind.TESTIMONY if i % 2 else ContributionKind.COMMENT
        db.session.add(
            Contribution(
                proposal=proposal,
                kind=kind,
                body=f"{i}. {text}",
                guest_name="Amina",
                display_mode=DisplayMode.PSEUDONYM,
                state=ContributionState.PUBLISHED,
            )
        )
    db.session.commit()
    return proposal


def test_no_external_resource_on_any_page(client, make_proposal):
    proposal = _proposal_with_contributions(make_proposal, 4)
    for url in (
        "/",
        "/propositions",
        f"/propositions/{proposal.id}",
        f"/propositions/{proposal.id}/temoigner",
        "/compte/inscription",
        "/reunions/",
        "/organisations/",
        "/suivi",
        "/bilan",
        "/charte",
    ):
        html = client.get(url).get_data(as_text=True)
        external = [u for u in _resources(html) if not u.startswith("/") or u.startswith("//")]
        assert external == [], url


def test_proposal_with_50_contributions_is_under_100_kb(client, app, make_proposal):
    app.config["CONTRIBUTIONS_PER_PAGE"] = 50
    proposal = _proposal_with_contributions(make_proposal, 100)
    page = client.get(f"/propositions/{proposal.id}").get_data()
    assert page.count(b'class="contribution') >= 50
    transferred = len(gzip.compress(page))
    for url in _resources(page.decode()):
        transferred += len(gzip.compress(client.get(url).get_data()))
    app.config["CONTRIBUTIONS_PER_PAGE"] = 20
    assert transferred < 100 * 1024


def test_proposal_with_20_spoken_testimonies_is_under_100_kb(client, make_proposal):
    """The players load nothing before they are played (preload="none"): the page, its CSS
    and its scripts stay light, the recordings aside."""
    proposal = make_proposal(title="Développer le bail glissant")
    said = "Je vis à l’hôtel avec mes deux enfants depuis huit mois. " * 6
    transcripts = [f"{i}. {said}" for i in range(20)]
    add_published_spoken(proposal, transcripts, duration_seconds=95.0, media_bytes=2048)
    page = client.get(f"/propositions/{proposal.id}").get_data()
    assert page.count(b'<audio controls preload="none"') == 20
    transferred = len(gzip.compress(page))
    resources = [url for url in _resources(page.decode()) if "/audio" not in url]
    assert resources  # the stylesheet and scripts, counted
    for url in resources:
        transferred += len(gzip.compress(client.get(url).get_data()))
    assert transferred < 100 * 1024
