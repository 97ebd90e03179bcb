"""Outgoing e-mail: printed on the console in development, kept in memory in tests,
sent over SMTP when MAIL_SERVER is configured."""

import smtplib
import sys
from email.message import EmailMessage

from flask import current_app


def _build(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def _send_smtp(message: EmailMessage) -> None:
    cfg = current_app.config
    smtp_class = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=20) as smtp:
        if cfg["MAIL_USE_TLS"] and not cfg["MAIL_USE_SSL"]:
            smtp.starttls()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        smtp.send_message(message)


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


def send_email(to: str, subject: str, body: str) -> None:
    """Send one plain-text e-mail through the configured backend."""
    message = _build(to, subject, body)
    if current_app.testing:
        current_app.extensions.setdefault("mail_outbox", []).append(message)
    elif current_app.config["MAIL_SERVER"]:
        _send_smtp(message)
    else:
        _print(message)
