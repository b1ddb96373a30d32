"""Command-line tools: `flask users …`, `flask demo …` and `flask outbox …`."""

from __future__ import annotations

import json
import sys
import time
from typing import TextIO

import click
from flask import Flask
from flask.cli import AppGroup

from storyhub.admin.messages import say
from storyhub.extensions import db
from storyhub.models import UserRole
from storyhub.services import accounts, my_links, outbox, search, subscriptions
from storyhub.services.errors import ServiceError
from storyhub.services.tools import demo, export, synthetic
from storyhub.text import cli as identifiers_cli

users = AppGroup("users", help="Manage moderator and admin accounts.")
demo_group = AppGroup("demo", help="Demo content.")
stories_group = AppGroup("stories", help="Stories: exports for backups and access requests.")
search_group = AppGroup("search", help="The full-text search index.")
subscriptions_group = AppGroup(
    "subscriptions", help="Readers following a diagnosis or a topic by e-mail."
)


@subscriptions_group.command("send-digests")
def send_digests_command() -> None:
    """Queue the weekly digests that are due (run daily or hourly from cron or a timer;
    `flask outbox send` delivers them)."""
    click.echo(f"{subscriptions.send_digests()} digests queued")


@subscriptions_group.command("erase")
@click.option("--email", required=True, help="The address whose subscriptions are removed.")
def erase_subscriptions_command(email: str) -> None:
    """Remove every subscription of an address and its unsent mail (an erasure request)."""
    click.echo(f"{subscriptions.erase_for(email)} subscriptions removed")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in UserRole]), default="moderator")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, role: str, password_stdin: bool) -> None:
    """Create a moderator or admin account."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(email, password, UserRole(role))
    except ServiceError as error:
        raise click.ClickException(say(error)) from None
    click.echo(f"Created {user.role.value} {user.email}.")


@demo_group.command("load")
def load_demo() -> None:
    """Load demo diagnoses, topics and stories (safe to run again)."""
    summary = demo.load_demo()
    click.echo(summary)


@demo_group.command("generate")
@click.option("--stories", "count", type=click.IntRange(1, 10_000_000), required=True)
@click.option("--seed", type=int, default=1, help="Same seed, same stories.")
def generate_demo(count: int, seed: int) -> None:
    """Add COUNT synthetic published stories (bulk inserts) for scale tests and benchmarks."""
    started = time.perf_counter()
    inserted = synthetic.generate_stories(count, seed)
    click.echo(f"Generated {inserted} stories in {time.perf_counter() - started:.1f} s.")


@stories_group.command("export")
@click.option("--email", help="Only the stories sent from this e-mail (a person's access request).")
@click.option(
    "--output", type=click.File("w", encoding="utf-8"), default="-", help="File (default stdout)."
)
def export_stories_command(email: str | None, output: TextIO) -> None:
    """Write stories, their submitters and decisions as JSON (contains personal data)."""
    json.dump(export.export_stories(email), output, ensure_ascii=False, indent=2)
    output.write("\n")


outbox_group = AppGroup("outbox", help="Queued e-mail.")


@outbox_group.command("send")
@click.option("--limit", type=click.IntRange(1, 10_000), default=None, help="At most this many.")
@click.option("--loop", is_flag=True, help="Keep running: send what is due, wait, repeat.")
@click.option(
    "--interval",
    type=click.IntRange(1, 3600),
    default=30,
    show_default=True,
    help="With --loop, seconds between rounds.",
)
def send_outbox(limit: int | None, loop: bool, interval: int) -> None:
    """Deliver due e-mail once (from cron or a systemd timer, every minute or so), or with
    --loop keep delivering (a long-running service, e.g. deploy/storyhub-outbox.service)."""
    if not loop:
        _send_due_once(limit, fail_without_mail=True)
        return
    said_unconfigured = False
    while True:
        configured = _send_due_once(limit, fail_without_mail=False, quiet=said_unconfigured)
        said_unconfigured = not configured
        # Each round is its own transaction and session: nothing is held while waiting.
        db.session.remove()
        time.sleep(interval)


def _send_due_once(limit: int | None, fail_without_mail: bool, quiet: bool = False) -> bool:
    """One round; False when MAIL_URL is missing (said once, unless `quiet`)."""
    my_links.handle_requests()  # /my/ requests become e-mails (or nothing) here, not in the page
    try:
        report = outbox.deliver_due(limit=limit)
    except outbox.MailNotConfigured as error:
        waiting, _oldest = outbox.queue_summary()
        if fail_without_mail:
            raise click.ClickException(f"{error} ({waiting} waiting)") from None
        # A long-running sender keeps waiting: the messages stay queued until MAIL_URL is set.
        if not quiet:
            click.echo(f"Error: {error} ({waiting} waiting)", err=True)
        return False
    if report.sent or report.retried or fail_without_mail:
        click.echo(f"Sent {len(report.sent)} message(s).")
    for message_id, attempts, next_at in report.retried:
        # Ids and times only: addresses and texts never go to a terminal or a log.
        click.echo(
            f"Message {message_id} not sent (attempt {attempts}); "
            f"next try after {next_at:%Y-%m-%d %H:%M:%S} UTC."
        )
    return True


@outbox_group.command("status")
def outbox_status() -> None:
    """Say how many messages wait and since when."""
    waiting, oldest = outbox.queue_summary()
    since = f", oldest queued {oldest:%Y-%m-%d %H:%M:%S} UTC" if oldest else ""
    click.echo(f"{waiting} message(s) waiting{since}.")


@search_group.command("rebuild")
def rebuild_search_index() -> None:
    """Rewrite the search index from the stories table (after a change made outside the app)."""
    count = search.rebuild_index()
    click.echo(f"{count} published stories indexed.")


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(demo_group)
    app.cli.add_command(stories_group)
    app.cli.add_command(outbox_group)
    app.cli.add_command(search_group)
    app.cli.add_command(subscriptions_group)
    app.cli.add_command(identifiers_cli.identifiers_group)
