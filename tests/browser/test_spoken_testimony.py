"""A spoken testimony end to end in Chromium: a guest sends a recording with the form's file
input, the worker's job converts it, a moderator listens, writes the transcript and
publishes, and the public page plays it with the transcript below. Then the recorder
itself (a fake microphone): record, stop, hear the disguised voice, send. Screenshots at
phone and desktop width, in French and Arabic, into test-artifacts/screenshots/."""

import sqlalchemy as sa

from app.extensions import db
from app.models import AudioState, Contribution, ContributionState
from app.services.audio import convert_waiting
from tests.audio_samples import tone_wav
from tests.browser.conftest import (
    CHROMIUM,
    DESKTOP,
    LAUNCH_ARGS,
    PHONE,
    SCREENSHOTS,
    log_in,
)

TRANSCRIPT = "Je dors dans ma voiture depuis l’hiver. Il me faudrait une douche le matin."
# Muted, a player may start without a click (the autoplay rule); the time then moves.
PLAY = """async audio => {
  audio.muted = true;
  await audio.play();
  return true;
}"""


def _shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("1-phone", PHONE), ("2-desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"spoken-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def _no_sideways_scroll(page) -> None:
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"scrolls sideways at 360 px ({width})"
    page.set_viewport_size(DESKTOP)


def _latest() -> Contribution:
    db.session.expire_all()
    return db.session.scalar(sa.select(Contribution).order_by(Contribution.id.desc()))


def test_guest_recording_moderated_then_played(new_context, make_proposal, make_user):
    proposal = make_proposal("Ouvrir des bains-douches gratuits")
    moderator = make_user("moderator")
    db.session.commit()  # end the test's read transaction before the server writes

    # A guest, without a recorder: the file input alone (scripts off), told the voice is
    # disguised.
    guest = new_context(javascript=False).new_page()
    guest.goto(f"/propositions/{proposal.id}/temoigner")
    assert "Votre voix sera déformée avant publication" in guest.locator("main").inner_text()
    assert guest.get_by_label("Ou enregistrez votre témoignage").count() == 1
    _shoot(guest, "01-formulaire-fr")
    guest.goto(f"/propositions/{proposal.id}/temoigner?lang=ar")
    _shoot(guest, "02-formulaire-ar")
    _no_sideways_scroll(guest)
    guest.goto(f"/propositions/{proposal.id}/temoigner?lang=fr")
    guest.set_input_files(
        "#audio",
        files=[{"name": "message.wav", "mimeType": "audio/wav", "buffer": tone_wav(2.0)}],
    )
    with guest.expect_navigation():
        guest.get_by_role("button", name="Envoyer mon témoignage").click()
    assert guest.url.endswith(f"/propositions/{proposal.id}/temoignage-envoye")

    spoken = _latest()
    assert spoken.audio.state is AudioState.WAITING
    assert convert_waiting("browser-test") == 1
    db.session.commit()

    # The moderator listens, writes what is said and publishes in one click.
    moderation = new_context().new_page()
    log_in(moderation, moderator)
    moderation.goto("/moderation/")
    player = moderation.locator(f"#a-traiter-{spoken.id} audio")
    assert player.get_attribute("src") == f"/moderation/contributions/{spoken.id}/audio"
    moderation.get_by_label("Transcription de l’enregistrement").fill(TRANSCRIPT)
    with moderation.expect_navigation():
        moderation.get_by_role("button", name="Enregistrer la transcription et publier").click()
    assert "Décision enregistrée" in moderation.locator("main").inner_text()
    assert _latest().state is ContributionState.PUBLISHED

    # Anyone hears it, and reads it.
    visitor = new_context().new_page()
    visitor.goto(f"/propositions/{proposal.id}#temoignages")
    article = visitor.locator(f"#contribution-{spoken.id}")
    assert TRANSCRIPT in article.inner_text() and "Voix déformée" in article.inner_text()
    audio = article.locator("audio")
    assert audio.evaluate(PLAY)
    visitor.wait_for_function(
        "audio => audio.currentTime > 0", arg=audio.element_handle(), timeout=10_000
    )
    duration = audio.evaluate("audio => audio.duration")
    assert abs(duration - 2.0) < 0.3, duration  # Debian's Chromium decodes the MP3
    _shoot(visitor, "03-proposition-fr")
    visitor.goto(f"/propositions/{proposal.id}?lang=ar#temoignages")
    _shoot(visitor, "04-proposition-ar")
    _no_sideways_scroll(visitor)


def test_the_recorder_records_previews_disguised_and_sends(browser, live_server, make_proposal):
    """With a fake microphone (Chromium's own test device): the recording goes into the
    form's file input and the person hears the disguised version before sending."""
    proposal = make_proposal("Ouvrir des bains-douches gratuits")
    db.session.commit()
    playwright_browser = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            *LAUNCH_ARGS,
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
        ],
    )
    try:
        context = playwright_browser.new_context(
            base_url=live_server, viewport=PHONE, locale="fr-FR"
        )
        context.grant_permissions(["microphone"])
        page = context.new_page()
        page.goto(f"/propositions/{proposal.id}/temoigner")
        record = page.get_by_role("button", name="Démarrer l’enregistrement", exact=True)
        record.focus()
        page.keyboard.press("Enter")  # keyboard-operable
        status = page.locator("[data-status]")
        page.wait_for_function(
            "() => document.querySelector('[data-timer]').textContent === '0:02'"
        )  # the visible timer runs while it records
        assert "Enregistrement en cours" in status.inner_text()
        assert page.get_by_role("button", name="Arrêter").evaluate(
            "button => button === document.activeElement"
        )
        page.get_by_role("button", name="Arrêter").click()
        page.wait_for_function(
            "() => document.querySelector('[data-status]').textContent.includes('déformée')"
            " && !document.querySelector('[data-player]').hidden",
            timeout=15_000,
        )
        assert "Écoutez un aperçu de votre voix telle qu’elle sera publiée" in status.inner_text()
        assert page.evaluate("document.getElementById('audio').files.length") == 1
        assert page.evaluate("document.querySelector('[data-player]').src").startswith("blob:")
        assert page.get_by_role("button", name="Réécouter").is_visible()
        _shoot(page, "05-enregistreur-fr")
        with page.expect_navigation():
            page.get_by_role("button", name="Envoyer mon témoignage").click()
        assert page.url.endswith("/temoignage-envoye")
        sent = _latest()
        assert sent.audio is not None and sent.audio.disguised
        assert sent.audio.duration_seconds > 1.5
        context.close()
    finally:
        playwright_browser.close()
