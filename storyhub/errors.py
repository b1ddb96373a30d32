"""Friendly error pages; a failed story POST comes back filled in, never lost."""

from __future__ import annotations

import logging
import traceback
from typing import Any

import sqlalchemy as sa
from flask import Flask, jsonify, render_template, request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from storyhub.extensions import db
from storyhub.services.conflicts import is_concurrent_write
from storyhub.services.errors import Conflict

log = logging.getLogger(__name__)


def _refilled_story_form(status: int) -> Any | None:
    """If the failed request was a submitter's form, re-render it with what was typed."""
    from storyhub.submit.refill import refilled_form

    return refilled_form(status)


def _refilled_moderator_form(error: Exception) -> Any | None:
    """A moderator's review or erase form, re-rendered with their edits, or None."""
    from storyhub.moderate.conflicts import refilled_review

    return refilled_review(error)


# Fields never echoed back: secrets, tokens and the hidden bookkeeping of forms.
_NOT_ECHOED = ("password", "csrf_token", "token", "submission_key", "website", "email")
_BOOKKEEPING = frozenset({"version", "action", "bulk_action", "loaded_at"})


def _typed_fields() -> list[tuple[str, str]]:
    """What the person typed into a form we have no refiller for, to show it back."""
    if request.method != "POST":
        return []
    typed = []
    for name, value in request.form.items(multi=True):
        if name in _BOOKKEEPING or any(word in name for word in _NOT_ECHOED):
            continue
        if value.strip() and len(value) > 1:
            typed.append((name, value))
    return typed


def _is_api() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def _json_error(status: int, message: str) -> Any:
    return jsonify({"error": {"status": status, "message": message}}), status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if _is_api():  # in the URL's format, also for what never reached the API's views
            return _json_error(error.code or 500, error.description or "")
        if error.code == 429:
            refilled = _refilled_story_form(429)
            if refilled:
                return refilled
        return render_template("error.html", error=error, code=error.code), error.code or 500

    def concurrent_write(error: Exception) -> Any:
        # Someone else wrote first and no view caught it: never a 500, never lost text.
        db.session.rollback()
        # The endpoint, not the path: a path may hold a private manage token.
        log.info("concurrent write refused on %s %s", request.method, request.endpoint)
        refilled = _refilled_story_form(409) or _refilled_moderator_form(error)
        if refilled:
            return refilled
        typed = _typed_fields()
        return render_template("error.html", code=409, typed=typed), 409

    @app.errorhandler(Conflict)
    def conflict(error: Conflict) -> Any:
        return concurrent_write(error)

    @app.errorhandler(StaleDataError)
    def stale_row(error: StaleDataError) -> Any:
        return concurrent_write(error)

    @app.errorhandler(sa.exc.IntegrityError)
    def integrity(error: sa.exc.IntegrityError) -> Any:
        if is_concurrent_write(error):
            return concurrent_write(error)
        return server_error(error)

    @app.errorhandler(sa.exc.DataError)
    def value_refused_by_database(error: sa.exc.DataError) -> Any:
        # A value the forms let through but the database refused (a safety net, not a path).
        db.session.rollback()
        log.warning("database refused a value on %s %s", request.method, request.path)
        return _refilled_story_form(400) or (render_template("error.html", code=400), 400)

    @app.errorhandler(sa.exc.OperationalError)
    def database_unavailable(error: sa.exc.OperationalError) -> Any:
        if is_concurrent_write(error):
            return concurrent_write(error)
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
        if _is_api():
            return _json_error(500, "Something went wrong on our side.")
        return _refilled_story_form(500) or (render_template("error.html", code=500), 500)
