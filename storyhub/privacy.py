"""Keep private values out of logs: manage-link tokens appear in request lines."""

from __future__ import annotations

import logging
import re

_MANAGE_TOKEN = re.compile(r"(/my/)[^\s/?\"']+")


def redact(text: str) -> str:
    return _MANAGE_TOKEN.sub(r"\1[redacted]", text)


class RedactManageTokens(logging.Filter):
    """Rewrite log records so a manage link's token never reaches a log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def install_log_redaction() -> None:
    """Attach the filter to the loggers that print request lines (dev server, gunicorn)."""
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactManageTokens) for f in logger.filters):
            logger.addFilter(RedactManageTokens())
