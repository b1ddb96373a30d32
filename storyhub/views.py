"""Small helpers shared by views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, make_response


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
