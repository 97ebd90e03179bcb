"""Deliver queued e-mails once the response has gone, when a request queued some."""

from flask import Flask, g

from app.services.notifications import deliver_outbox
from app.web.links import links_configured


def init_app(app: Flask) -> None:
    @app.after_request
    def _deliver_after_response(response):
        # Without the site's address the unsubscribe headers cannot be built outside the
        # request: leave the e-mails to `flask notifications send`, which says what is missing.
        wanted = g.get("outbox_pending") and app.config["OUTBOX_DELIVER_AFTER_REQUEST"]
        if wanted and links_configured():

            def deliver():
                with app.app_context():
                    try:
                        deliver_outbox()
                    except Exception:  # `flask notifications send` retries later
                        app.logger.exception("Outbox delivery failed")

            response.call_on_close(deliver)
        return response
