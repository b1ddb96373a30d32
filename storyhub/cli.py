"""Command-line tools: `flask users …` and `flask demo …`."""

from __future__ import annotations

import json
import sys
from typing import TextIO

import click
from flask import Flask
from flask.cli import AppGroup

from storyhub.models import UserRole
from storyhub.services import accounts, demo, export
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
