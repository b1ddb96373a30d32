"""Display helpers for the moderators' pages (formatting only)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_datetime, format_time

from storyhub.moderate import bp


@bp.app_template_filter("clock")
def clock(moment: datetime) -> str:
    """ "14:02" in the site's time zone (UTC unless configured)."""
    return format_time(moment, "HH:mm")


@bp.app_template_filter("stamp")
def stamp(moment: datetime) -> str:
    """ "2026-11-25 14:02" for the log: sortable, unambiguous across languages."""
    return format_datetime(moment, "yyyy-MM-dd HH:mm")
