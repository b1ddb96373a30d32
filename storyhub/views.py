"""Small helpers shared by views."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Response, current_app, make_response, request
from wtforms import Field, ValidationError

# The one range of dates and moments a query may name: every listing, cursor and filter is
# inside it, and date arithmetic on its ends (a day more, a time zone) cannot overflow.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(9000, 12, 31)
_EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
_LATEST = datetime(9000, 12, 31, tzinfo=UTC)
# Browsers drop tab, CR and LF inside URLs and read a backslash as a slash: "/\t/evil" would
# become "//evil", another site. Any of them, or any other control or space, refuses a target.
_NOT_IN_A_LOCAL_PATH = re.compile(r"[\x00-\x20\x7f\\\\]")


def no_store(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a response private and uncacheable (forms, manage links, moderation)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        return response

    return wrapper


def parse_int(value: str | None, default: int, low: int, high: int) -> int | None:
    """Parse a query integer; None when it is not a number in [low, high]."""
    if value is None or value == "":
        return default
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        return None
    number = int(value)
    return number if low <= number <= high else None


def sane_moment(moment: datetime | None) -> datetime | None:
    """`moment` in UTC when it is an aware time in the supported range, else None."""
    if moment is None or moment.tzinfo is None:
        return None
    try:
        moment = moment.astimezone(UTC)
    except (OverflowError, ValueError):  # e.g. 9999-12-31T23:59+14:00 → year 10000
        return None
    return moment if _EARLIEST <= moment <= _LATEST else None


def parse_moment(value: str | None) -> datetime | None:
    """Parse an ISO 8601 time with its offset (cursors, `loaded_at`); None when it is not one
    or lies outside the supported range."""
    if not value or len(value) > 40 or not value.isascii():
        return None
    try:
        return sane_moment(datetime.fromisoformat(value))
    except (ValueError, OverflowError):
        return None


class SaneDate:
    """WTForms validator for a DateField: a day within [EARLIEST_DAY, LATEST_DAY]."""

    def __call__(self, form: Any, field: Field) -> None:
        if field.data and not EARLIEST_DAY <= field.data <= LATEST_DAY:
            raise ValidationError(
                f"Choose a day between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}."
            )


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site to send someone back to, else None."""
    if not target or len(target) > 2000 or not target.startswith("/"):
        return None
    if target.startswith("//") or _NOT_IN_A_LOCAL_PATH.search(target):
        return None
    try:
        parts = urlsplit(target)
    except ValueError:
        return None
    return target if not parts.scheme and not parts.netloc else None


def configured_limit(key: str) -> Callable[[], str]:
    """Return a callable Flask-Limiter asks for the limit, read from the app's config."""
    return lambda: current_app.config[key]


# Public content may be kept by browsers, proxies and the page cache, but is revalidated on
# every use (cheap with the ETag): a story taken down is never served from a stale copy.
PUBLIC_REVALIDATE = "public, max-age=0, must-revalidate"


def revalidate_with_etag(response: Response) -> Response:
    """Mark a 200 GET response public with a strong ETag; answer 304 when the client has it."""
    response.add_etag()
    response.headers["Cache-Control"] = PUBLIC_REVALIDATE
    response = response.make_conditional(request)
    # make_conditional adds a Date; the server (gunicorn, Werkzeug's) adds its own, so two
    # would reach the client (and the page cache would keep a stale one).
    del response.headers["Date"]
    return response
