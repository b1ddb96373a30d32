"""E-mail through the durable outbox, delivered to a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from storyhub.extensions import db
from storyhub.models import OutboxMessage, Story
from storyhub.models._types import utcnow
from storyhub.services import notify, outbox
from tests.plugins.forms import manage_token
from tests.plugins.mail import Sink, message_body
from tests.plugins.submission import decide, free_port, story_id
from tests.plugins.submission import outbox as queued

SUBMITTER = "rb.patient@example.net"
TITLE = "Learning to type again"


def test_receipt_is_queued_with_the_story_only_when_an_email_was_given(
    app, default_diagnosis, submit
):
    token = manage_token(submit().get_data(as_text=True))
    (message,) = queued(app)
    sid = story_id(app, TITLE)
    assert (message.kind, message.to_address, message.story_id) == ("received", SUBMITTER, sid)
    assert message.sent_at is None and message.attempts == 0
    assert TITLE in message.subject
    assert f"/my/{token}" in message.body and message.body.startswith("Hello R.B.,")
    submit(email="", title="No address given")
    assert len(queued(app)) == 1


def test_notification_joins_the_callers_transaction(app, demo):
    with app.app_context():
        story = db.session.scalar(sa.select(Story).filter_by(title="Learning to live with winter"))
        notify.story_received(story, "a-token-that-never-leaves")
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 1  # flushed
        db.session.rollback()  # the change it reported did not happen: neither did the message
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_outbox_send_delivers_over_smtp_and_forgets_the_text(
    app, runner, default_diagnosis, submit, smtp_server
):
    token = manage_token(submit().get_data(as_text=True))
    app.config["MAIL_URL"] = smtp_server.url
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 1 message(s)." in result.output
    (received,) = smtp_server.sink.messages
    assert smtp_server.sink.recipients == [[SUBMITTER]]
    assert received["To"] == SUBMITTER
    assert received["Subject"].startswith("Your story has arrived")
    assert received["Auto-Submitted"] == "auto-generated"
    assert f"/my/{token}" in message_body(received)
    (row,) = queued(app)
    assert row.sent_at is not None and row.attempts == 1
    assert row.body == ""  # the manage link is stored nowhere once it is sent
    assert runner.invoke(args=["outbox", "send"]).output.startswith("Sent 0 message(s).")
    assert len(smtp_server.sink.messages) == 1


def test_smtp_down_keeps_the_message_and_it_goes_out_later(app, runner, default_diagnosis, submit):
    submit()
    port = free_port()  # nothing listens here: the mail server is down
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{port}"
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 0 message(s)." in result.output
    assert "not sent (attempt 1)" in result.output
    assert SUBMITTER not in result.output
    (row,) = queued(app)
    assert row.sent_at is None and row.attempts == 1
    assert row.last_error == "ConnectionRefusedError"
    assert row.next_attempt_at - utcnow() > timedelta(seconds=50)  # backed off, not hammered

    with app.app_context():  # a second failure waits twice as long
        outbox.deliver_due(now=row.next_attempt_at)
    (row,) = queued(app)
    assert row.attempts == 2 and row.sent_at is None
    with app.app_context():
        assert outbox.retry_delay(2) == 2 * outbox.retry_delay(1)
        assert outbox.retry_delay(100) == timedelta(hours=6)
    # Not due yet: a send now leaves it alone.
    assert "Sent 0" in runner.invoke(args=["outbox", "send"]).output
    assert queued(app)[0].attempts == 2

    # The server comes back; once the message is due it is delivered.
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with app.app_context():
            report = outbox.deliver_due(now=row.next_attempt_at + timedelta(seconds=1))
    finally:
        controller.stop()
    assert report.sent == [row.id]
    assert len(sink.messages) == 1 and sink.recipients == [[SUBMITTER]]
    assert queued(app)[0].sent_at is not None


def test_decisions_reach_the_author_with_the_moderators_words(
    app, default_diagnosis, moderator, submit, smtp_server
):
    submit()
    sid = story_id(app, TITLE)
    decide(app, sid, "request_changes", reason="Could you say which gloves help most?")
    app.config["MAIL_URL"] = smtp_server.url
    with app.app_context():
        outbox.deliver_due()
    _receipt, decision = smtp_server.sink.messages
    assert decision["Subject"].startswith("A moderator asks for changes to your story")
    text = message_body(decision)
    assert "Could you say which gloves help most?" in text
    assert "Open the private link" in text

    submit(title="Another story", email="second@example.net")
    second = story_id(app, "Another story")
    decide(app, second, "approve")
    submit(title="A third story", email="third@example.net")
    decide(
        app, story_id(app, "A third story"), "reject", reason="It repeats a story word for word."
    )
    with app.app_context():
        outbox.deliver_due()
    subjects = [m["Subject"] for m in smtp_server.sink.messages[2:]]
    assert any(s.startswith("Your story is published") for s in subjects)
    published = next(m for m in smtp_server.sink.messages if "published" in m["Subject"])
    assert f"/stories/{second}-another-story" in message_body(published)
    assert "word for word" in message_body(smtp_server.sink.messages[-1])


def test_development_without_mail_url_writes_files(
    app, runner, default_diagnosis, submit, tmp_path
):
    token = manage_token(submit().get_data(as_text=True))
    assert app.config["MAIL_URL"] is None
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    files = list((tmp_path / "instance" / "mail").glob("*.eml"))
    assert len(files) == 1
    message = email.message_from_bytes(files[0].read_bytes())
    assert message["To"] == SUBMITTER
    assert f"/my/{token}" in message_body(message)
    assert oct(files[0].stat().st_mode & 0o777) == "0o600"


def test_production_without_mail_url_keeps_messages_queued(app, runner, default_diagnosis, submit):
    submit()
    app.config["MAIL_FILE_FALLBACK"] = False
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code != 0
    assert "MAIL_URL is not set" in result.output and "1 waiting" in result.output
    (row,) = queued(app)
    assert row.attempts == 0 and row.sent_at is None  # not even claimed
    assert "1 message(s) waiting" in runner.invoke(args=["outbox", "status"]).output


def test_a_claimed_message_is_not_claimed_twice(app, default_diagnosis, submit):
    submit()
    submit(title="Second", email="two@example.net")
    with app.app_context():
        now = utcnow()
        first = outbox._claim(now, 10)
        second = outbox._claim(now, 10)
    assert len(first) == 2 and second == []
    # A sender that died mid-send: after the lease the messages are due again.
    with app.app_context():
        later = now + timedelta(seconds=app.config["OUTBOX_LEASE_SECONDS"] + 1)
        assert sorted(outbox._claim(later, 10)) == sorted(first)


def test_postgres_senders_skip_rows_locked_by_another(app, default_diagnosis, submit):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite claims by conditional UPDATE")
    submit()
    with app.app_context():
        with db.engine.connect() as other_sender:
            transaction = other_sender.begin()
            other_sender.execute(sa.text("SELECT id FROM outbox_messages FOR UPDATE"))
            assert outbox._claim(utcnow(), 10) == []  # skipped, not waited for
            transaction.rollback()
        assert len(outbox._claim(utcnow(), 10)) == 1


def test_erasure_removes_queued_and_sent_mail(app, client, default_diagnosis, submit, smtp_server):
    from tests.plugins.submission import post_form

    token = manage_token(submit().get_data(as_text=True))
    app.config["MAIL_URL"] = smtp_server.url
    with app.app_context():
        outbox.deliver_due()
    assert len(queued(app)) == 1  # sent, kept without its text
    assert post_form(client, f"/my/{token}/erase", confirm="y").status_code == 302
    assert queued(app) == []


def test_addresses_and_tokens_never_reach_the_logs(app, runner, default_diagnosis, submit, caplog):
    caplog.set_level(logging.DEBUG)
    token = manage_token(submit().get_data(as_text=True))
    app.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"  # down: warnings get logged
    runner.invoke(args=["outbox", "send"])
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "not sent" in logged or "unavailable" in logged
    assert SUBMITTER not in logged and token not in logged
