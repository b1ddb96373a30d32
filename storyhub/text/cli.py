"""`flask identifiers scan`: the identifier detector from outside (scripts, other tools)."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup

from storyhub.text import identifiers

identifiers_group = AppGroup("identifiers", help="Find identifying passages in a text.")


@identifiers_group.command("scan")
@click.option("--language", required=True, help="The text's language (en, it, es; others: all).")
@click.option("--country", default="", help="ISO 3166 country code: phone region, towns first.")
def scan(language: str, country: str) -> None:
    """Read a text on standard input; print one JSON object per identifying passage."""
    # Bytes in, so no input (invalid UTF-8, a lone surrogate) can stop the scan.
    text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    for span in identifiers.find(text, language, country):
        click.echo(json.dumps(span.as_json(), ensure_ascii=False))
