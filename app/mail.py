"""Outgoing e-mail through the configured backend (MAIL_BACKEND): "smtp", "console" (printed,
for development) or "memory" (kept in ``app.extensions["mail_outbox"]``, for tests)."""

import smtplib
import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import MapAdapter


def _build(
    to: str,
    subject: str,
    body: str,
    headers: dict[str, str] | None,
    message_id: str | None = None,
) -> EmailMessage:
    """The message; `message_id` (the part before "@") makes its Message-ID stable."""
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    # The sender's domain, so make_msgid does not ask DNS for this host's name.
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    # A message sent again carries the same Message-ID, so mail clients fold the two.
    message["Message-ID"] = (
        f"<{message_id}@{domain or 'localhost'}>" if message_id else make_msgid(domain=domain)
    )
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message


def _send_smtp(message: EmailMessage) -> None:
    cfg = current_app.config
    smtp_class = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"]) as smtp:
        if cfg["MAIL_USE_TLS"] and not cfg["MAIL_USE_SSL"]:
            smtp.starttls()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        smtp.send_message(message)


def _keep_in_memory(message: EmailMessage) -> None:
    current_app.extensions.setdefault("mail_outbox", []).append(message)


def _print(message: EmailMessage) -> None:
    """Development: the e-mail, readable, on the console."""
    print(
        "\n----- e-mail (console) -----",
        f"To: {message['To']}",
        f"Subject: {message['Subject']}",
        "",
        message.get_content().rstrip(),
        "----------------------------",
        sep="\n",
        file=sys.stdout,
        flush=True,
    )


BACKENDS = {"smtp": _send_smtp, "memory": _keep_in_memory, "console": _print}


def send_email(
    to: str,
    subject: str,
    body: str,
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
) -> None:
    """Send one plain-text e-mail, with optional extra headers, through the configured backend."""
    backend = BACKENDS[current_app.config["MAIL_BACKEND"]]
    backend(_build(to, subject, body, headers, message_id))


def site_url_adapter() -> MapAdapter:
    """URLs bound to the site's public address (MAIL_SITE_URL), whatever the request says."""
    site = current_app.config.get("MAIL_SITE_URL")
    if not site:
        raise RuntimeError("MAIL_SITE_URL is not set: e-mails cannot link to the site")
    parts = urlsplit(site)
    return current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
    )


def external_url(endpoint: str, **values) -> str:
    """An absolute link for an e-mail, always under MAIL_SITE_URL: never from the request,
    whose Host (or X-Forwarded-Host) anyone can forge to point the link at their own site."""
    return site_url_adapter().build(endpoint, values, force_external=True)


def links_configured() -> bool:
    """Whether e-mails can link to the site (MAIL_SITE_URL is set)."""
    return bool(current_app.config.get("MAIL_SITE_URL"))
