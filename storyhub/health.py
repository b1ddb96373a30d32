"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint

from storyhub.extensions import db

bp = Blueprint("health", __name__)

PLAIN = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.route("/healthz")
def healthz() -> tuple[str, int, dict[str, str]]:
    """The process answers; touches no database."""
    return "ok\n", 200, PLAIN


@bp.route("/readyz")
def readyz() -> tuple[str, int, dict[str, str]]:
    """The database answers a trivial query."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return "database unavailable\n", 503, PLAIN
    return "ready\n", 200, PLAIN
