"""E-mail as a submitter receives it: a real local SMTP server (aiosmtpd) the outbox delivers to,
and helpers to read what arrived. The root conftest registers `smtp_server` for every test."""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from storyhub.services import outbox
from tests.plugins.forms import csrf_token
from tests.plugins.submission import free_port


@dataclass
class Sink:
    """An SMTP server's message handler that keeps what it receives."""

    messages: list[Message] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages.append(email.message_from_bytes(envelope.content))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


@dataclass
class SMTPServer:
    port: int
    sink: Sink

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SMTPServer(port, sink)
    finally:
        controller.stop()


def message_body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


def delivered(app, smtp_server) -> list:  # type: ignore[no-untyped-def]
    app.config["MAIL_URL"] = smtp_server.url
    with app.app_context():
        outbox.deliver_due()
    return smtp_server.sink.messages


def private_link(text: str) -> str:
    match = re.search(r"(/my/[A-Za-z0-9_.-]+)\s", text)
    assert match, text
    return match.group(1)


def ask_again(client, email: str, lang: str = ""):  # type: ignore[no-untyped-def]
    url = f"/my/?lang={lang}" if lang else "/my/"
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"email": email, "csrf_token": token}, follow_redirects=True)


def send_mail(app, runner, smtp_server) -> list:  # type: ignore[no-untyped-def]
    app.config["MAIL_URL"] = smtp_server.url
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    return smtp_server.sink.messages
