"""Command-line tools: `flask users …` and `flask demo …`."""

from __future__ import annotations

import json
import sys
import time
from typing import TextIO

import click
from flask import Flask
from flask.cli import AppGroup

from storyhub.models import UserRole
from storyhub.services import accounts, demo, export, synthetic
from storyhub.services.errors import ServiceError

users = AppGroup("users", help="Manage moderator and admin accounts.")
demo_group = AppGroup("demo", help="Demo content.")
stories_group = AppGroup("stories", help="Stories: exports for backups and access requests.")


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


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(demo_group)
    app.cli.add_command(stories_group)
