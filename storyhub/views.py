"""Small helpers shared by views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, current_app, make_response, request


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
