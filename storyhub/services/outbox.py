"""The durable outbox: queue e-mail inside the caller's transaction; deliver it later.

`enqueue` only adds a row to the session, so a message exists exactly when the change it
reports is committed. `deliver_due` (run by `flask outbox send`, by one or several workers)
claims due rows, sends them and records the outcome one message at a time. Nothing here logs
an address, a subject or a body: they can carry a manage link or a person's name.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from flask import current_app

from storyhub.extensions import db
from storyhub.models import OutboxMessage, Story, Submitter
from storyhub.models._types import utcnow

log = logging.getLogger(__name__)


class MailNotConfigured(RuntimeError):
    """No MAIL_URL, and this configuration must not fall back to files."""


def enqueue(
    kind: str,
    to_address: str,
    subject: str,
    body: str,
    story: Story | None = None,
    submitter: Submitter | None = None,
    unsubscribe_url: str | None = None,
) -> OutboxMessage:
    """Add a message to the session; the caller's commit makes it durable."""
    message = OutboxMessage(
        kind=kind,
        to_address=to_address,
        subject=" ".join(subject.split())[:200],
        body=body,
        story_id=story.id if story is not None else None,
        submitter_id=submitter.id if submitter is not None else None,
        next_attempt_at=utcnow(),
        unsubscribe_url=unsubscribe_url,
    )
    db.session.add(message)
    return message


class SMTPTransport:
    """One SMTP session for a batch. MAIL_URL: smtp://host:port (plain), smtp+starttls://
    or smtps:// (TLS), optionally with user:password@ (URL-encoded)."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtp+starttls", "smtps") or not parts.hostname:
            raise MailNotConfigured("MAIL_URL must look like smtp://host:port")
        self.parts, self.timeout = parts, timeout
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> SMTPTransport:
        parts, context = self.parts, ssl.create_default_context()
        if parts.scheme == "smtps":
            self.connection = smtplib.SMTP_SSL(
                parts.hostname, parts.port or 465, timeout=self.timeout, context=context
            )
        else:
            default_port = 587 if parts.scheme == "smtp+starttls" else 25
            self.connection = smtplib.SMTP(
                parts.hostname, parts.port or default_port, timeout=self.timeout
            )
            if parts.scheme == "smtp+starttls":
                self.connection.starttls(context=context)
        if parts.username:
            self.connection.login(unquote(parts.username), unquote(parts.password or ""))
        return self

    def __exit__(self, *exc: object) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                self.connection.close()

    def send(self, message: OutboxMessage, email: EmailMessage) -> None:
        assert self.connection is not None
        self.connection.send_message(email)


class FileTransport:
    """Development without MAIL_URL: each message becomes a file in instance/mail/."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __enter__(self) -> FileTransport:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def send(self, message: OutboxMessage, email: EmailMessage) -> None:
        path = self.folder / f"{message.id:06d}-{message.kind}.eml"
        path.write_bytes(bytes(email))
        path.chmod(0o600)


def transport() -> SMTPTransport | FileTransport:
    config = current_app.config
    if config.get("MAIL_URL"):
        return SMTPTransport(config["MAIL_URL"], config["MAIL_TIMEOUT_SECONDS"])
    if config.get("MAIL_FILE_FALLBACK"):
        return FileTransport(Path(current_app.instance_path) / "mail")
    raise MailNotConfigured("MAIL_URL is not set: messages stay queued until it is.")


def build_email(message: OutboxMessage) -> EmailMessage:
    sender = current_app.config["MAIL_FROM"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "storyhub.invalid"
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    # The same id on every attempt: a receiving server can drop a duplicate after a retry.
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain=domain)
    email["Auto-Submitted"] = "auto-generated"
    if message.unsubscribe_url:
        # RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to this URL.
        email["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message.body)
    if message.unsubscribe_url:
        # A URL longer than a 78-character line would otherwise be sent as an RFC 2047
        # encoded word, which mail clients do not read as a link. Headers may be up to 998
        # characters (RFC 5322); the body, encoded above, keeps its short lines.
        email.policy = email.policy.clone(max_line_length=998)
    return email


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    # (message id, attempts so far, next attempt) for each message that will be retried
    retried: list[tuple[int, int, datetime]] = field(default_factory=list)


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off: base × 2^(attempts−1), capped."""
    config = current_app.config
    base, cap = config["OUTBOX_RETRY_BASE_SECONDS"], config["OUTBOX_RETRY_MAX_SECONDS"]
    return timedelta(seconds=min(cap, base * 2 ** min(max(attempts - 1, 0), 30)))


def _claim(now: datetime, limit: int) -> list[int]:
    """Claim up to `limit` due messages for this sender; commit; return their ids.

    PostgreSQL: FOR UPDATE SKIP LOCKED lets several senders claim disjoint rows without waiting.
    SQLite ignores FOR UPDATE (it has one writer at a time), so each row is also claimed by a
    conditional UPDATE that matches only if nobody moved its due time since we read it.
    """
    rows = db.session.execute(
        sa.select(OutboxMessage.id, OutboxMessage.next_attempt_at)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    lease = now + timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    claimed = []
    for message_id, due in rows:
        result = db.session.execute(
            sa.update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.next_attempt_at == due,
                OutboxMessage.sent_at.is_(None),
            )
            .values(next_attempt_at=lease, attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    db.session.commit()
    return claimed


def _record_failure(
    message: OutboxMessage, error: Exception, now: datetime, report: DeliveryReport
) -> None:
    message.next_attempt_at = now + retry_delay(message.attempts)
    message.last_error = type(error).__name__[:200]
    report.retried.append((message.id, message.attempts, message.next_attempt_at))


def deliver_due(now: datetime | None = None, limit: int | None = None) -> DeliveryReport:
    """Send every due message once; failures are rescheduled with back-off, never dropped."""
    now = now or utcnow()
    sender = transport()  # raises MailNotConfigured before anything is claimed
    claimed = _claim(now, limit or current_app.config["OUTBOX_BATCH_SIZE"])
    report = DeliveryReport()
    if not claimed:
        return report
    messages = list(
        db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.id.in_(claimed)).order_by(OutboxMessage.id)
        )
    )  # a message erased since it was claimed is simply gone
    try:
        connection = sender.__enter__()
    except (smtplib.SMTPException, OSError) as error:
        log.warning("mail server unavailable (%s); %d messages will be retried",
                    type(error).__name__, len(messages))  # fmt: skip
        for message in messages:
            _record_failure(message, error, now, report)
        db.session.commit()
        return report
    try:
        for message in messages:
            try:
                connection.send(message, build_email(message))
            except (smtplib.SMTPException, OSError) as error:
                log.warning("outbox message %d not sent: %s", message.id, type(error).__name__)
                _record_failure(message, error, now, report)
            else:
                message.sent_at, message.body, message.last_error = utcnow(), "", ""
                report.sent.append(message.id)
            db.session.commit()  # one at a time: a crash mid-batch resends nothing already sent
    finally:
        sender.__exit__(None, None, None)
    return report


def queue_summary() -> tuple[int, datetime | None]:
    """Return how many messages wait to be sent and when the oldest was queued."""
    count, oldest = db.session.execute(
        sa.select(sa.func.count(OutboxMessage.id), sa.func.min(OutboxMessage.created_at)).where(
            OutboxMessage.sent_at.is_(None)
        )
    ).one()
    return int(count), oldest
