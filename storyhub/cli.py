"""Command-line tools: `flask users …` and `flask demo …`."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from storyhub.models import UserRole
from storyhub.services import accounts, demo, search
from storyhub.services.errors import ServiceError

users = AppGroup("users", help="Manage moderator and admin accounts.")
demo_group = AppGroup("demo", help="Demo content.")
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


@search_group.command("rebuild")
def rebuild_search_index() -> None:
    """Rewrite the search index from the stories table (after a change made outside the app)."""
    count = search.rebuild_index()
    click.echo(f"{count} published stories indexed.")


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(demo_group)
    app.cli.add_command(search_group)
