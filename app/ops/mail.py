"""Outgoing e-mail through the configured backend (MAIL_BACKEND): "smtp", "console" (printed,
for development) or "memory" (kept in ``app.extensions["mail_outbox"]``, for tests)."""

import smtplib
import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from flask import current_app


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
