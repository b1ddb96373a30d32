"""Never lose a word: when a submitter's POST fails (rate limit, bad value, database down,
server error), the error handlers ask here for the same form again, filled in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import request
from flask_babel import gettext as _

from storyhub.extensions import db

# endpoint → function(status, message) that re-renders that endpoint's form from request.form
_REFILLERS: dict[str, Callable[[int, str], Any]] = {}


def refiller(endpoint: str) -> Callable[[Callable[[int, str], Any]], Callable[[int, str], Any]]:
    def register(function: Callable[[int, str], Any]) -> Callable[[int, str], Any]:
        _REFILLERS[endpoint] = function
        return function

    return register


def failure_message(status: int, button: str) -> str:
    messages = {
        400: _(
            "Part of what you typed could not be stored. Nothing is lost: your text is below. "
            "Please check it, then press “%(button)s” again.",
            button=button,
        ),
        409: _(
            "Someone else changed your story at the same moment, so this was not saved. "
            "Nothing is lost: your text is below. Please check it, then press “%(button)s” "
            "again.",
            button=button,
        ),
        429: _(
            "You have sent several forms in a short time, so we paused for a moment. Nothing "
            "is lost: your text is below. Please wait a minute, then press “%(button)s” again.",
            button=button,
        ),
        500: _(
            "Something went wrong on our side and your text was not saved yet. Nothing is "
            "lost: it is below. Please press “%(button)s” again in a moment.",
            button=button,
        ),
        503: _(
            "The site cannot reach its database right now and your text was not saved yet. "
            "Nothing is lost: it is below. Please try again in a few minutes.",
        ),
    }
    return messages.get(status, messages[500])


def csrf_expired_message(button: str) -> str:
    return _(
        "Your session had expired, so the form could not be accepted yet. Nothing is lost: "
        "everything you wrote is below. Please press “%(button)s” again.",
        button=button,
    )


def refilled_form(status: int) -> Any | None:
    """Re-render the failed POST's form with what was typed, or None if it was not ours."""
    if request.method != "POST" or request.endpoint not in _REFILLERS:
        return None
    try:
        return _REFILLERS[request.endpoint](status, "")
    except sa.exc.SQLAlchemyError:  # the database is what failed: the plain error page then
        db.session.rollback()
        return None
