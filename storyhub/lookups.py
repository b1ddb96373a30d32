"""Finding a row by the id in a URL: the `<id:…>` converter and `get_or_404`.

Ids are positive and fit the database's 32-bit integer columns; a URL naming any other number
(0, or one past 2**31 − 1, which PostgreSQL would refuse with an error) simply matches no
route, so it is a 404 before any query. Access rules stay with the callers: a reader page asks
the catalog (`catalog.public_story`), never this, for anything that must be published.
"""

from __future__ import annotations

from typing import Any, TypeVar

from flask import Flask, abort
from werkzeug.routing import IntegerConverter, Map

from storyhub.extensions import db

MAX_ID = 2**31 - 1  # the largest value of an INTEGER column, on SQLite and PostgreSQL alike

Row = TypeVar("Row")


class IdConverter(IntegerConverter):
    """`<id:story_id>`: digits naming an integer in 1 … MAX_ID, else no match (404)."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


def valid_id(row_id: Any) -> bool:
    """True for an int in the range ids have (for ids that come from a form, not a URL)."""
    return isinstance(row_id, int) and not isinstance(row_id, bool) and 0 < row_id <= MAX_ID


def get_or_404(model: type[Row], row_id: Any) -> Row:
    """The row of `model` with this primary key, or a 404 (also for an id out of range)."""
    row = db.session.get(model, row_id) if valid_id(row_id) else None
    if row is None:
        abort(404)
    return row


def init_app(app: Flask) -> None:
    """Register the converter; before the blueprints, whose routes name it."""
    app.url_map.converters["id"] = IdConverter
