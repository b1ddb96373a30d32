"""Command-line tools: `flask users …`, `flask demo …` and `flask outbox …`."""

from __future__ import annotations

import json
import sys
import time
from typing import TextIO

import click
from flask import Flask
from flask.cli import AppGroup

from storyhub.models import UserRole
from storyhub.services import accounts, demo, export, my_links, outbox, search, synthetic
from storyhub.services.errors import ServiceError

users = AppGroup("users", help="Manage moderator and admin accounts.")
demo_group = AppGroup("demo", help="Demo content.")
stories_group = AppGroup("stories", help="Stories: exports for backups and access requests.")
search_group = AppGroup("search", help="The full-text search index.")


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
        raise click.ClickException(str(error)) from None
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
@click.option(
    "--watch",
    type=click.FloatRange(0.5, 3600),
    default=None,
    metavar="SECONDS",
    help="Keep running: send every SECONDS until stopped (what `make run` does).",
)
def send_outbox(limit: int | None, watch: float | None) -> None:
    """Deliver due e-mail once (run it from cron or a systemd timer, every minute or so)."""
    if watch is None:
        _send_once(limit, quiet=False)
        return
    click.echo(f"Sending e-mail every {watch:g} s; Ctrl-C stops.")
    try:
        while True:
            _send_once(limit, quiet=True)
            time.sleep(watch)
    except KeyboardInterrupt:
        pass


def _send_once(limit: int | None, quiet: bool) -> None:
    my_links.handle_requests()  # /my/ requests become e-mails (or nothing) here, not in the page
    try:
        report = outbox.deliver_due(limit=limit)
    except outbox.MailNotConfigured as error:
        waiting, _oldest = outbox.queue_summary()
        raise click.ClickException(f"{error} ({waiting} waiting)") from None
    if report.sent or not quiet:
        click.echo(f"Sent {len(report.sent)} message(s).")
    for message_id, attempts, next_at in report.retried:
        # Ids and times only: addresses and texts never go to a terminal or a log.
        click.echo(
            f"Message {message_id} not sent (attempt {attempts}); "
            f"next try after {next_at:%Y-%m-%d %H:%M:%S} UTC."
        )


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
