"""The notifications worker: sends the outbox in rounds until it is told to stop. Each round
also converts the spoken testimonies waiting (``app.services.audio.convert_waiting``, at
most ``audio_limit`` a round, AUDIO_JOBS_PER_ROUND by default): no other process to run for
them. An error in the audio part is logged and the round goes on: it never stops e-mails.

SIGTERM (systemd's stop, or Ctrl-C's SIGINT) sets a flag: the round under way finishes —
an e-mail claimed is sent or recorded as failed, never left half-done — and the worker exits
0 before starting another. Several copies may run on one or several hosts: every e-mail is
claimed by a conditional UPDATE before it is sent, so no two live workers send the same one.

Delivery is at least once: SMTP cannot be exactly once. A worker killed (kill -9, power
cut) after the server accepted an e-mail but before the row was marked sent leaves that
e-mail to be sent again when its claim lapses (six times MAIL_TIMEOUT, two minutes by
default). The copy carries the same Message-ID, so mail clients show it once. A recording
is claimed the same way; a worker killed while converting leaves it to be taken again when
its claim lapses (AUDIO_CLAIM_SECONDS), and it is never published half-converted.
"""

import logging
import signal
import threading
import time

from flask import current_app

from app.extensions import db
from app.services.audio import convert_waiting
from app.services.notifications import deliver_outbox, new_sender_id

logger = logging.getLogger("voix.notifications")


class OutboxWorker:
    """One sender: ``run()`` loops until ``stop()`` (or SIGTERM/SIGINT) is called."""

    def __init__(self, interval: float = 10, limit: int = 100, audio_limit: int | None = None):
        self.interval = interval
        self.limit = limit
        if audio_limit is None:
            audio_limit = current_app.config["AUDIO_JOBS_PER_ROUND"]
        self.audio_limit = audio_limit
        self.sender_id = new_sender_id()
        self.rounds = 0
        self._stopping = threading.Event()

    def stop(self, signum: int | None = None, _frame=None) -> None:
        """Finish the current round, then leave (a signal handler, too)."""
        if signum is not None:
            logger.info("worker %s: signal %s, stopping after this round", self.sender_id, signum)
        self._stopping.set()

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)

    def run_round(self) -> int:
        """Send up to ``limit`` e-mails, convert up to ``audio_limit`` recordings, and log
        the round; returns how many e-mails were sent."""
        started = time.perf_counter()
        try:
            sent = deliver_outbox(self.sender_id, self.limit)
        finally:
            db.session.remove()  # a fresh session (and connection) for the next part
        converted = self._convert_audio()
        self.rounds += 1
        logger.info(
            "worker %s: round %s, %s e-mail(s) sent, %s recording(s) converted in %.0f ms",
            self.sender_id,
            self.rounds,
            sent,
            converted,
            (time.perf_counter() - started) * 1000,
        )
        return sent

    def _convert_audio(self) -> int:
        """This round's audio conversions; an error is logged, never raised: e-mails go on."""
        try:
            return convert_waiting(self.sender_id, self.audio_limit)
        except Exception:
            logger.exception("worker %s: audio conversion failed this round", self.sender_id)
            return 0
        finally:
            db.session.remove()

    def run(self) -> None:
        """Round after round; a full round goes on at once, otherwise wait ``interval``."""
        logger.info("worker %s: started (every %ss)", self.sender_id, self.interval)
        while not self._stopping.is_set():
            sent = self.run_round()
            if sent < self.limit:
                self._stopping.wait(self.interval)
        logger.info("worker %s: stopped after %s round(s)", self.sender_id, self.rounds)
