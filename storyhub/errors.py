"""Friendly error pages; a failed story POST comes back filled in, never lost."""

from __future__ import annotations

import logging
import traceback
from typing import Any

import sqlalchemy as sa
from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from storyhub.extensions import db

log = logging.getLogger(__name__)


def _refilled_story_form(status: int) -> Any | None:
    """If the failed request was a submitter's form, re-render it with what was typed."""
    from storyhub.submit.refill import refilled_form

    return refilled_form(status)


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if error.code == 429:
            refilled = _refilled_story_form(429)
            if refilled:
                return refilled
        return render_template("error.html", error=error, code=error.code), error.code or 500

    @app.errorhandler(sa.exc.DataError)
    def value_refused_by_database(error: sa.exc.DataError) -> Any:
        # A value the forms let through but the database refused (a safety net, not a path).
        db.session.rollback()
        log.warning("database refused a value on %s %s", request.method, request.path)
        return _refilled_story_form(400) or (render_template("error.html", code=400), 400)

    @app.errorhandler(sa.exc.OperationalError)
    def database_unavailable(error: sa.exc.OperationalError) -> Any:
        db.session.rollback()
        log.warning("database unavailable: %s", type(error.orig).__name__)
        return _refilled_story_form(503) or (render_template("error.html", code=503), 503)

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> Any:
        if isinstance(error, HTTPException):
            return http_error(error)
        db.session.rollback()
        # Log the type and place only: the exception's text could quote submitted data.
        log.error(
            "unhandled %s on %s %s\n%s",
            type(error).__name__,
            request.method,
            request.path,
            "".join(traceback.format_tb(error.__traceback__)),
        )
        return _refilled_story_form(500) or (render_template("error.html", code=500), 500)
